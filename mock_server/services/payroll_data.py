"""What the payroll documents are made of: a run's ledger (its payslips' figures), read from the records.

Every document renders from `figures.SlipFigures` (one per run and employee) or from a declaration's
stored sums of them, never from amounts recomputed on the way (see `domain/figures.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.documents.journal import JournalEmployee, JournalLine
from mock_server.documents.pdf import PayslipContent
from mock_server.documents.wagetax import WageTaxEmployee, WageTaxEmployer, wage_tax_declaration_xml
from mock_server.domain.declarations import declared_sums
from mock_server.domain.errors import InvalidPeriod, NotFound
from mock_server.domain.figures import SlipFigures, declared_amounts
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import Period, midnight
from mock_server.domain.records import StoredRecord, latest_at
from mock_server.domain.tenant import Tenant


@dataclass(frozen=True)
class Slip:
    employee: Employee
    figures: SlipFigures
    personal: dict[str, Any]
    iban: str | None
    start_date: date

    @property
    def gross(self) -> Decimal:
        return self.figures.gross

    @property
    def net(self) -> Decimal:
        return self.figures.net

    @property
    def wage_tax(self) -> Decimal:
        return self.figures.wage_tax


@dataclass(frozen=True)
class RunView:
    company: Company
    run: StoredRecord
    period: Period
    slips: list[Slip]

    @property
    def label(self) -> str:
        return f"{self.period.year}-{self.period.number}-{self.company.period_type}"


def _data_at(records: list[StoredRecord], key: int) -> dict[str, Any]:
    record = latest_at(records, key)
    return record.data if record is not None else {}


def find_run(tenant: Tenant, company: Company, run_id: int, year: int | None = None) -> StoredRecord:
    """The company's run `run_id` (2046 if it has none); with `year`, it must be a run of that year:
    a year that does not match the run is 2006 Invalid Period (INFERRED: Nmbrs looks runs up per year)."""
    run = next((r for r in tenant.records("Run", "company", [company.id]) if r.id == run_id), None)
    if run is None:
        raise NotFound(context=f"run {run_id} of company {company.id}")
    if year is not None and year != run.year:
        raise InvalidPeriod(context=f"run {run_id} of company {company.id} is of {run.year}, not {year}")
    return run


def run_view(tenant: Tenant, company: Company, run_id: int, year: int | None = None) -> RunView:
    run = find_run(tenant, company, run_id, year)
    employees = {e.id: e for e in tenant.employees(company.id)}
    owners = list(employees)
    of_period = tenant.records("Payslip", "employee", owners, start=run.start)
    payslips = [r for r in of_period if r.data.get("RunId") == run_id]
    personal = tenant.records_by_owner("PersonalInfo", "employee", owners)
    accounts = tenant.records_by_owner("BankAccount", "employee", owners)
    employment = tenant.records_by_owner("Employment", "employee", owners)
    slips = [
        Slip(
            employees[r.owner],
            SlipFigures.from_record(r.owner, r.data),
            _data_at(personal.get(r.owner, []), run.start),
            _data_at(accounts.get(r.owner, []), run.start).get("IBAN"),
            _day(_data_at(employment.get(r.owner, []), run.start).get("StartDate")),
        )
        for r in payslips
    ]
    return RunView(company, run, run.period, slips)


def journal_employees(view: RunView) -> list[JournalEmployee]:
    return [
        JournalEmployee(
            slip.employee.id,
            slip.employee.number,
            slip.employee.display_name,
            tuple(JournalLine(line.code, line.description, line.amount) for line in slip.figures.lines),
        )
        for slip in view.slips
    ]


def payslip_content(view: RunView, slip: Slip) -> PayslipContent:
    lines = [(line.description, line.amount) for line in slip.figures.lines]
    totals = [("Bruto loon", slip.gross), ("Loonheffing", -slip.wage_tax), ("Netto uit te betalen", slip.net)]
    details = [
        ("Personeelsnummer", str(slip.employee.number)),
        ("Periode", view.label),
        ("Betaaldatum", slip.figures.payment_date.isoformat()),
    ]
    if slip.iban:
        details.append(("IBAN", slip.iban))
    return PayslipContent(slip.employee.display_name, view.label, lines, totals, details)


def wage_tax_xml(tenant: Tenant, company: Company, declaration: StoredRecord) -> str:
    """The declaration's Loonaangifte XML: per employee the whole euros of its stored exact sums."""
    sums = declared_sums(tenant, declaration)
    employees = {e.id: e for e in tenant.employees(company.id)}
    owners = [owner for owner in sums if owner in employees]
    personal = tenant.records_by_owner("PersonalInfo", "employee", owners)
    employment = tenant.records_by_owner("Employment", "employee", owners)
    declared = [
        _declared(
            employees[owner],
            number,
            _data_at(personal.get(owner, []), declaration.start),
            _day(_data_at(employment.get(owner, []), declaration.start).get("StartDate")),
            declared_amounts(sums[owner]),
        )
        for number, owner in enumerate(owners, start=1)
    ]
    employer = WageTaxEmployer(company.wage_tax_number or "000000000L01", company.name)
    start, end = _day(declaration.data.get("TijdvakStart")), _day(declaration.data.get("TijdvakEnd"))
    return wage_tax_declaration_xml(
        employer, start, end, declared, message_id=f"LA{declaration.id}", created=midnight(end), strict=False
    )


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else (value or date(2000, 1, 1))


def _declared(
    employee: Employee, number: int, info: dict[str, Any], start: date, amounts: dict[str, int]
) -> WageTaxEmployee:
    return WageTaxEmployee(
        income_relationship_number=number,
        employee_number=str(employee.number),
        bsn=info.get("BSN") or "",
        initials=info.get("Initials") or "",
        prefix=info.get("Prefix") or "",
        last_name=info.get("LastName") or employee.display_name,
        birthday=_day(info.get("Birthday")),
        gender=info.get("Gender") or "male",
        start_date=start,
        nationality_code=info.get("NationalityCode") or 1,
        wage_lb_ph=Decimal(amounts["wage_lb_ph"]),
        wage_sv=Decimal(amounts["wage_sv"]),
        wage_tax=Decimal(amounts["wage_tax"]),
        aof_premium=Decimal(amounts["aof_premium"]),
        whk_premium=Decimal(amounts["whk_premium"]),
        awf_premium=Decimal(amounts["awf_premium"]),
        zvw_levy=Decimal(amounts["zvw_levy"]),
    )
