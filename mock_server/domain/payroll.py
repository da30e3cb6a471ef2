"""Payroll runs: pay per employee for a period, and processing a run.

Processing a run for a company's current period (what `RunRequest_Insert` asks for) writes a locked
`Run`, one `Payslip` record per paid employee, a `WageTax` declaration (status `locked`, not yet
sent) and a handled `RunRequest`, then advances the company's current period (rolling the year over,
with 53-week years for weekly companies). Writes into the processed period then need UnprotectedMode.

The amounts are illustrative, not Dutch tax law (INFERRED, documented): wage tax is a flat
`WAGE_TAX_RATE` of the taxable wage, employer premiums flat percentages, and allowances untaxed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mock_server.domain.backend import Tenant
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import (
    Period,
    PeriodType,
    first_day,
    iso_weeks_in_year,
    last_day,
    midnight,
    next_period,
)
from mock_server.domain.records import StoredRecord, of_year, valid_at

CENT = Decimal("0.01")
WAGE_TAX_RATE = Decimal("0.3697")
EMPLOYER_PREMIUMS = {
    "aof_premium": Decimal("0.0628"),
    "awf_premium": Decimal("0.0264"),
    "whk_premium": Decimal("0.0152"),
    "zvw_levy": Decimal("0.0657"),
}
# SalaryType values (by number or name) paid per hour: Bruto_Uurloon and the two Netto_Uurloon types.
HOURLY_SALARY_TYPES = frozenset(
    {3, 6, 8, "Bruto_Uurloon", "Netto_Uurloon_excl_looncomp", "Netto_Uurloon_incl_looncomp"}
)
UNTAXED_WAGE_CODES = {120, 121, 200}  # meal, travel and working-from-home allowances


@dataclass(frozen=True)
class PayLine:
    code: int
    description: str
    amount: Decimal  # positive: paid; negative: withheld
    taxable: bool = True


@dataclass(frozen=True)
class Pay:
    employee: Employee
    lines: tuple[PayLine, ...]

    @property
    def gross(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount > 0 and line.taxable), Decimal(0))

    @property
    def wage_tax(self) -> Decimal:
        return -sum((line.amount for line in self.lines if line.code == 9000), Decimal(0))

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


class PayrollCalculator:
    """Pay for every employee of a company in one period, from the records valid in it."""

    def __init__(self, tenant: Tenant, company: Company, period: Period) -> None:
        self.company = company
        self.period = period
        self.key = period.key
        self.employees = tenant.employees(company.id)
        owners = [e.id for e in self.employees]
        self.data = {
            family: tenant.records_by_owner(family, "employee", owners)
            for family in (
                "Contract",
                "Salary",
                "HourComponentVar",
                "HourComponentFixed",
                "WageComponentVar",
                "WageComponentFixed",
            )
        }
        self.wage_codes = {
            r.data.get("Code"): r.data.get("Description") or ""
            for family in ("WageModel", "WageModel2")
            for r in tenant.records(family, "company", [company.id])
        }

    def pays(self) -> list[Pay]:
        out = []
        for employee in self.employees:
            pay = self.pay(employee)
            if pay is not None:
                out.append(pay)
        return out

    def pay(self, employee: Employee) -> Pay | None:
        """None for an employee without a contract or salary in the period (not paid)."""
        contracts = valid_at(self.data["Contract"].get(employee.id, []), self.key)
        salaries = valid_at(self.data["Salary"].get(employee.id, []), self.key)
        if not contracts or not salaries:
            return None
        salary = salaries[-1].data
        lines = [*self._wage_lines(employee, salary), *self._component_lines(employee)]
        taxable = sum((line.amount for line in lines if line.taxable), Decimal(0))
        tax = (max(taxable, Decimal(0)) * WAGE_TAX_RATE).quantize(CENT, ROUND_HALF_UP)
        lines.append(PayLine(9000, "Loonheffing", -tax, taxable=False))
        return Pay(employee, tuple(lines))

    def _wage_lines(self, employee: Employee, salary: dict[str, Any]) -> list[PayLine]:
        value = Decimal(salary.get("Value") or 0)
        if salary.get("Type") in HOURLY_SALARY_TYPES:
            hours = self._hours(employee)
            return [
                PayLine(1, f"Uurloon {hours} uur x {value}", (hours * value).quantize(CENT, ROUND_HALF_UP))
            ]
        per_period = monthly_per_period(value, self.company.type, self.period.year)
        return [PayLine(1, "Salaris", per_period.quantize(CENT, ROUND_HALF_UP))]

    def _hours(self, employee: Employee) -> Decimal:
        var = [r for r in self.data["HourComponentVar"].get(employee.id, []) if r.start == self.key]
        fixed = valid_at(self.data["HourComponentFixed"].get(employee.id, []), self.key)
        return sum((Decimal(r.data.get("Hours") or 0) for r in var + fixed), Decimal(0))

    def _component_lines(self, employee: Employee) -> list[PayLine]:
        var = [r for r in self.data["WageComponentVar"].get(employee.id, []) if r.start == self.key]
        fixed = valid_at(self.data["WageComponentFixed"].get(employee.id, []), self.key)
        lines = []
        for record in var + fixed:
            code = record.data.get("Code") or 0
            amount = Decimal(record.data.get("Value") or 0).quantize(CENT, ROUND_HALF_UP)
            description = self.wage_codes.get(code) or f"Looncomponent {code}"
            lines.append(PayLine(code, description, amount, taxable=code not in UNTAXED_WAGE_CODES))
        return lines


def process_run(tenant: Tenant, company: Company, at: datetime) -> int:
    """Run payroll for the company's current period; return the run id (`RunInfo.ID`)."""
    period = company.current
    pays = PayrollCalculator(tenant, company, period).pays()
    run = _add_run(tenant, company, period, at)
    for pay in pays:
        _add_payslip(tenant, pay, period, run.id, at)
    _add_declaration(tenant, company, period, pays, run.id, at)
    tenant.add_record(
        "RunRequest",
        "company",
        company.id,
        period,
        {"Period": period.number, "Year": period.year, "Status": "Complete", "HandledDate": at},
        True,
        at,
    )
    advance(tenant, company)
    return run.id


def _add_run(tenant: Tenant, company: Company, period: Period, at: datetime) -> StoredRecord:
    runs = of_year(tenant.records("Run", "company", [company.id]), period.year)
    return tenant.add_record(
        "Run",
        "company",
        company.id,
        period,
        {
            "Number": len(runs) + 1,
            "Year": period.year,
            "PeriodStart": period.number,
            "PeriodEnd": period.number,
            "Description": f"Verloning {period.year} periode {period.number}",
            "RunAt": at,
            "IsLocked": True,
        },
        True,
        at,
    )


def _add_payslip(tenant: Tenant, pay: Pay, period: Period, run_id: int, at: datetime) -> None:
    lines = [
        {"Code": line.code, "Description": line.description, "Amount": line.amount, "Taxable": line.taxable}
        for line in pay.lines
    ]
    tenant.add_record(
        "Payslip",
        "employee",
        pay.employee.id,
        period,
        {
            "RunId": run_id,
            "Year": period.year,
            "Period": period.number,
            "Gross": pay.gross,
            "WageTax": pay.wage_tax,
            "Net": pay.net,
            "Lines": lines,
        },
        True,
        at,
    )


def _add_declaration(
    tenant: Tenant, company: Company, period: Period, pays: list[Pay], run_id: int, at: datetime
) -> None:
    """The wage-tax declaration (loonaangifte) of the run's period: `locked` until sent."""
    payable = sum(
        (pay.wage_tax + sum(employer_premiums(pay.gross).values(), Decimal(0)) for pay in pays), Decimal(0)
    )
    serial = len(of_year(tenant.records("WageTax", "company", [company.id]), period.year)) + 1
    start, end = midnight(first_day(company.type, period)), midnight(last_day(company.type, period))
    tenant.add_record(
        "WageTax",
        "company",
        company.id,
        period,
        {
            "SerialNumber": serial,
            "PaymentReference": f"{company.wage_tax_number or ''}{period.key}",
            "TotalGeneral": int(payable),
            "Period": period.number,
            "Year": period.year,
            "Status": "locked",
            "SentAt": None,
            "TijdvakStart": start,
            "TijdvakEnd": end,
            "CorrectionTijdvakStart": None,
            "CorrectionTijdvakEnd": None,
            "RunId": run_id,
        },
        True,
        at,
    )


def monthly_per_period(monthly: Decimal, period_type: PeriodType, year: int) -> Decimal:
    """A monthly amount spread over the year's periods (12, 13, or 52 or 53 weeks)."""
    return monthly * 12 / period_type.periods_in_year(year)


def weeks_per_period(period_type: PeriodType, year: int) -> Decimal:
    return Decimal(iso_weeks_in_year(year)) / period_type.periods_in_year(year)


def employer_premiums(gross: Decimal) -> dict[str, Decimal]:
    """Each employer premium of a gross wage, by `WageTaxEmployee` field name, rounded to the cent."""
    return {name: (gross * rate).quantize(CENT, ROUND_HALF_UP) for name, rate in EMPLOYER_PREMIUMS.items()}


def advance(tenant: Tenant, company: Company) -> None:
    following = next_period(company.type, company.current)
    company.current_year, company.current_period = following.year, following.number
    tenant.save(company)
