"""The year of a company up to one of its runs: the ledger the annual documents render from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.declarations import FAMILY as DECLARATIONS
from mock_server.domain.declarations import all_declared_sums
from mock_server.domain.figures import ZERO, SlipFigures, declaration_totals
from mock_server.domain.leave import LeaveBalance, LeaveLedger
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import Period
from mock_server.domain.records import StoredRecord, latest_at
from mock_server.domain.tax_periods import payment_date
from mock_server.domain.tenant import Tenant
from mock_server.services.payroll_data import find_run

HOLIDAY_ALLOWANCE = Decimal("0.08")  # vakantiegeld reserved on the gross wage (law: at least 8 %)


@dataclass(frozen=True)
class Declared:
    record: StoredRecord
    totals: dict[str, int]  # CollectieveAangifte by element name, TotGen included

    @property
    def label(self) -> str:
        start, end = (_day(self.record.data.get(k)) for k in ("TijdvakStart", "TijdvakEnd"))
        return f"Tijdvak {self.record.data.get('Period')} ({start:%d-%m} t/m {end:%d-%m})"


@dataclass(frozen=True)
class YearLedger:
    company: Company
    year: int
    up_to: Period  # the run's period: everything up to and including it
    employees: dict[int, Employee]
    slips: list[SlipFigures]  # of the year, up to the run, in run order
    declarations: list[Declared]  # of the year, up to the run's payment date
    ibans: dict[int, str]
    departments: dict[int, str]
    cost_centers: dict[int, str]
    leave: dict[int, LeaveBalance]

    def name(self, employee_id: int) -> str:
        employee = self.employees[employee_id]
        return f"{employee.number} {employee.display_name}"

    def by_employee(self) -> dict[int, list[SlipFigures]]:
        grouped: dict[int, list[SlipFigures]] = {}
        for slip in self.slips:
            grouped.setdefault(slip.employee_id, []).append(slip)
        return dict(sorted(grouped.items(), key=lambda item: self.employees[item[0]].number))

    def total(self, of: Callable[[SlipFigures], Decimal], employee_id: int | None = None) -> Decimal:
        return sum((of(s) for s in self.slips if employee_id in (None, s.employee_id)), ZERO)


def year_ledger(tenant: Tenant, company: Company, run_id: int, year: int | None) -> YearLedger:
    """The ledger of `year` (None: the run's) up to run `run_id`; 2006 when the run is of another year."""
    run = find_run(tenant, company, run_id, year)
    year = run.year
    employees = {e.id: e for e in tenant.employees(company.id)}
    owners = list(employees)
    slips = [
        SlipFigures.from_record(r.owner, r.data)
        for r in tenant.records("Payslip", "employee", owners)
        if r.data.get("Year") == year and (r.data.get("Period") or 0) <= run.period.number
    ]
    paid_by = payment_date(company.type, run.period)
    sums = all_declared_sums(tenant, company)
    declarations = [
        Declared(r, declaration_totals(sums.get(r.id, {})))
        for r in tenant.records(DECLARATIONS, "company", [company.id])
        if r.data.get("Year") == year and _day(r.data.get("TijdvakStart")) <= paid_by
    ]
    at = run.start
    leave = LeaveLedger(tenant, company, list(employees.values()))
    return YearLedger(
        company=company,
        year=year,
        up_to=run.period,
        employees=employees,
        slips=slips,
        declarations=declarations,
        ibans=_latest(tenant, "BankAccount", owners, at, lambda d: d.get("IBAN") or ""),
        departments=_latest(tenant, "Department", owners, at, lambda d: d.get("Description") or "Geen"),
        cost_centers=_latest(tenant, "CostCenter", owners, at, _cost_center),
        leave={e: leave.balance(e, year) for e in owners},
    )


def _latest(
    tenant: Tenant, family: str, owners: list[int], key: int, value: Callable[[dict[str, Any]], str]
) -> dict[int, str]:
    grouped = tenant.records_by_owner(family, "employee", owners)
    out = {}
    for owner, records in grouped.items():
        record = latest_at(records, key)
        if record is not None:
            out[owner] = value(record.data)
    return out


def _cost_center(data: dict[str, Any]) -> str:
    center = data.get("CostCenter") or {}
    return f"{center.get('Code') or ''} {center.get('Description') or ''}".strip() or "Geen"


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else (value or date(2000, 1, 1))
