"""A seeded company's payroll history: every run of the previous year and of this year so far.

The payroll office ran the payroll of every period from the first period of the previous year up to
the period before the current one, each on its payment date, and sent every declaration but the
newest few, which stay `locked` (what Mijn Kantoor fetches). So `Run_GetList`, `WageTax_GetList`,
the payslips and the annual documents have a full previous year and this year up to now.
"""

from __future__ import annotations

from mock_server.domain.declarations import FAMILY as DECLARATIONS
from mock_server.domain.declarations import ReplayCache, write_sums
from mock_server.domain.model import Company
from mock_server.domain.payroll import PayrollCalculator, process_run
from mock_server.domain.periods import midnight
from mock_server.domain.tax_periods import payment_date
from mock_server.domain.tenant import Tenant

HISTORY_YEARS = 1  # full years before the current one


def replay_history(tenant: Tenant, company: Company, unsent_declarations: int) -> None:
    """Process every run from period 1 of the previous year up to the company's current period."""
    target = company.current
    company.current_year, company.current_period = target.year - HISTORY_YEARS, 1
    tenant.save(company)
    calculator = PayrollCalculator(tenant, company)  # nothing it reads changes while replaying
    replay = ReplayCache()
    while company.current < target:
        at = midnight(payment_date(company.type, company.current))
        process_run(tenant, company, at, calculator, replay)
    write_sums(replay.sums, tenant, replay.sealed)
    _send_declarations(tenant, company, unsent_declarations)


def _send_declarations(tenant: Tenant, company: Company, unsent: int) -> None:
    """All but the newest `unsent` declarations were sent on the last day of their period."""
    declarations = tenant.records(DECLARATIONS, "company", [company.id])
    for record in declarations[: max(len(declarations) - unsent, 0)]:
        record.data = {**record.data, "Status": "sent", "SentAt": record.data["TijdvakEnd"]}
        tenant.put_record(record)
