"""Payroll runs: pay per employee for a period, and processing a run.

Processing a run for a company's current period (what `RunRequest_Insert` asks for) writes a locked
`Run`, one `Payslip` record per paid employee holding its ledger figures (`figures.SlipFigures`),
adds them to the wage-tax declaration of the declaration period the run is paid in (`declarations`),
writes a handled `RunRequest`, then advances the company's current period (rolling the year over,
with 53-week years for weekly companies). Writes into the processed period then need UnprotectedMode.

The amounts are illustrative, not Dutch tax law (INFERRED, documented): wage tax is a flat
`WAGE_TAX_RATE` of the taxable wage, employer premiums flat percentages, and allowances untaxed.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.declarations import ReplayCache, declare
from mock_server.domain.figures import SlipFigures, SlipLine, cents
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import Period, PeriodType, iso_weeks_in_year, next_period
from mock_server.domain.records import StoredRecord, of_year, valid_at
from mock_server.domain.tax_periods import payment_date
from mock_server.domain.tenant import Tenant
from mock_server.storage.codec import dumps, encoded

WAGE_TAX_CODE = 9000
UNPAID = 10**9  # a period key after every real one
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
RUN_FIELDS = ("RunId", "Year", "Period", "PaymentDate")  # what a payslip record holds of its run


class PayrollCalculator:
    """Pay for the employees of a company, from the records valid in a period.

    It reads the company's records once, so one calculator can pay many periods in a row (seeding
    replays a year and a half of runs with one)."""

    def __init__(self, tenant: Tenant, company: Company) -> None:
        self.company = company
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
        self.first_paid = {  # the first period key with both a contract and a salary (a quick "not yet")
            e.id: max(
                min((r.start for r in self.data[family].get(e.id, [])), default=UNPAID)
                for family in ("Contract", "Salary")
            )
            for e in self.employees
        }
        self._pay: dict[tuple[Any, ...], SlipFigures] = {}  # by `_pay_key`: the figures but run and period
        self._tails: dict[int, tuple[Any, dict[str, Any], str]] = {}  # by id(pay.lines): see `payslip_data`
        self._spans: dict[int, tuple[list[int], dict[tuple[int, int], SlipFigures | None]]] = {}  # `_span`
        self._run: tuple[tuple[Any, ...], dict[str, Any], str] = ((), {}, "")  # the last run's fields, text
        self.wage_codes = {
            r.data.get("Code"): r.data.get("Description") or ""
            for family in ("WageModel", "WageModel2")
            for r in tenant.records(family, "company", [company.id])
        }

    def _first_start(self, family: str, employee_id: int) -> int:
        return min((r.start for r in self.data[family].get(employee_id, [])), default=UNPAID)

    def slips(self, period: Period, run_id: int) -> list[SlipFigures]:
        """The ledger of a run of `period`: one `SlipFigures` per paid employee. An employee paid from
        the same records as in an earlier period (and a year of as many periods) is paid the same."""
        paid = payment_date(self.company.type, period)
        periods = self.company.type.periods_in_year(period.year)
        at, first_paid = period.key, self.first_paid
        out = []
        for employee in self.employees:
            if at < first_paid.get(employee.id, UNPAID):
                continue
            bounds, pays = self._span(employee.id)
            span = (bisect_right(bounds, at), periods)
            if span in pays:
                pay = pays[span]
            else:
                pay = pays[span] = self._pay_of(employee, period, periods, paid)
            if pay is not None:
                out.append(pay.for_run(run_id, period.year, period.number, paid))
        return out

    def _pay_of(self, employee: Employee, period: Period, periods: int, paid: date) -> SlipFigures | None:
        """An employee's pay in `period` (None: not paid), computed once per `_pay_key`."""
        key = self._pay_key(employee, period.key, periods)
        if key is None:
            return None
        pay = self._pay.get(key)
        if pay is None:
            lines = self.lines(employee, period)
            if lines is None:
                return None
            pay = self._remember(key, _figures(employee, 0, period, paid, lines))
        return pay

    def _span(self, employee_id: int) -> tuple[list[int], dict[tuple[int, int], SlipFigures | None]]:
        """The period keys where a record an employee's pay is made of starts or stops holding, and the
        pays found so far by (span, periods in the year): within a span the same records hold, so the
        same `_pay_key` (and pay) comes out."""
        found = self._spans.get(employee_id)
        if found is None:
            points = set()
            for family, by_owner in self.data.items():
                for record in by_owner.get(employee_id, []):
                    points.add(record.start)
                    if family.endswith("Var"):  # `_components`: in its start period only
                        points.add(record.start + 1)
                    elif record.until is not None:
                        points.add(record.until + 1)
            found = self._spans[employee_id] = (sorted(points), {})
        return found

    def payslip_data(self, slip: SlipFigures) -> dict[str, Any]:
        """`slip.to_record()`, made faster for a slip of a pay computed once (`slips`): only the run and
        period are new, the rest and its JSON text are the pay's."""
        cached = self._tails.get(id(slip.lines))
        if cached is None or cached[0] is not slip.lines:
            return slip.to_record()
        _, tail, text = cached
        fields = (slip.run_id, slip.year, slip.period, slip.payment_date)
        if self._run[0] != fields:  # the same for every slip of a run
            run = {"RunId": slip.run_id, "Year": slip.year, "Period": slip.period,
                   "PaymentDate": slip.payment_date.isoformat()}  # fmt: skip
            self._run = (fields, run, dumps(run)[:-1] + ",")
        _, run, head = self._run
        return encoded({**run, **tail}, head + text)

    def _remember(self, key: tuple[Any, ...], pay: SlipFigures) -> SlipFigures:
        """Keep a computed pay, and its record's data but the run and period (with its JSON text)."""
        self._pay[key] = pay
        tail = {name: value for name, value in pay.to_record().items() if name not in RUN_FIELDS}
        self._tails[id(pay.lines)] = (pay.lines, tail, dumps(tail)[1:])
        return pay

    def _pay_key(self, employee: Employee, key: int, periods: int) -> tuple[Any, ...] | None:
        """What an employee's pay in period `key` depends on (the records' ids), or None: not paid."""
        salary = self._salary_paid(employee, key)
        if salary is None:
            return None
        hourly = salary.data.get("Type") in HOURLY_SALARY_TYPES
        return (
            employee.id,
            salary.id,
            None if hourly else periods,
            *(
                tuple(r.id for r in self._components(family, employee.id, key))
                for family in ("HourComponent", "WageComponent")
            ),
        )

    def _salary_paid(self, employee: Employee, key: int) -> StoredRecord | None:
        """The salary an employee is paid on in period `key`; None before the first paid period, or
        without a contract or a salary holding then."""
        if key < self.first_paid.get(employee.id, UNPAID):
            return None
        contracts = valid_at(self.data["Contract"].get(employee.id, []), key)
        salaries = valid_at(self.data["Salary"].get(employee.id, []), key)
        return salaries[-1] if contracts and salaries else None

    def _components(self, family: str, employee_id: int, key: int) -> list[StoredRecord]:
        """The variable records of `family` (HourComponent, WageComponent) in period `key`, then the
        fixed ones holding in it."""
        variable = self.data[family + "Var"].get(employee_id)
        fixed = self.data[family + "Fixed"].get(employee_id)
        var = [r for r in variable if r.start == key] if variable else []
        return var + valid_at(fixed, key) if fixed else var

    def lines(self, employee: Employee, period: Period) -> list[SlipLine] | None:
        """The pay lines, wage tax included; None without a contract or salary in the period (unpaid)."""
        key = period.key
        salary = self._salary_paid(employee, key)
        if salary is None:
            return None
        lines = [
            *self._wage_lines(employee, salary.data, period),
            *self._component_lines(employee, key),
        ]
        taxable = sum((line.amount for line in lines if line.taxable), Decimal(0))
        tax = cents(max(taxable, Decimal(0)) * WAGE_TAX_RATE)
        lines.append(SlipLine(WAGE_TAX_CODE, "Loonheffing", -tax, taxable=False))
        return lines

    def _wage_lines(self, employee: Employee, salary: dict[str, Any], period: Period) -> list[SlipLine]:
        value = Decimal(salary.get("Value") or 0)
        if salary.get("Type") in HOURLY_SALARY_TYPES:
            hours = self._hours(employee, period.key)
            return [SlipLine(1, f"Uurloon {hours} uur x {value}", cents(hours * value))]
        per_period = monthly_per_period(value, self.company.type, period.year)
        return [SlipLine(1, "Salaris", cents(per_period))]

    def _hours(self, employee: Employee, key: int) -> Decimal:
        records = self._components("HourComponent", employee.id, key)
        return sum((Decimal(r.data.get("Hours") or 0) for r in records), Decimal(0))

    def _component_lines(self, employee: Employee, key: int) -> list[SlipLine]:
        lines = []
        for record in self._components("WageComponent", employee.id, key):
            code = record.data.get("Code") or 0
            amount = cents(Decimal(record.data.get("Value") or 0))
            description = self.wage_codes.get(code) or f"Looncomponent {code}"
            lines.append(SlipLine(code, description, amount, taxable=code not in UNTAXED_WAGE_CODES))
        return lines


def _figures(
    employee: Employee, run_id: int, period: Period, paid: date, lines: list[SlipLine]
) -> SlipFigures:
    gross = sum((line.amount for line in lines if line.amount > 0 and line.taxable), Decimal(0))
    return SlipFigures(
        employee_id=employee.id,
        run_id=run_id,
        year=period.year,
        period=period.number,
        payment_date=paid,
        lines=tuple(lines),
        gross=gross,
        wage_tax=-sum((line.amount for line in lines if line.code == WAGE_TAX_CODE), Decimal(0)),
        premiums=employer_premiums(gross),
        net=sum((line.amount for line in lines), Decimal(0)),
    )


def process_run(
    tenant: Tenant,
    company: Company,
    at: datetime,
    calculator: PayrollCalculator | None = None,
    replay: ReplayCache | None = None,
) -> int:
    """Run payroll for the company's current period; return the run id (`RunInfo.ID`).

    Seeding passes a `calculator` made earlier (nothing it reads changes while replaying runs) and a
    `replay` cache (the declarations' sums, the company's declarations and runs)."""
    period = company.current
    run = _add_run(tenant, company, period, at, replay)
    calculator = calculator or PayrollCalculator(tenant, company)
    slips = calculator.slips(period, run.id)
    tenant.add_records(
        "Payslip", "employee", [(s.employee_id, period, calculator.payslip_data(s)) for s in slips], True, at
    )
    declare(tenant, company, period, slips, run.id, at, replay)
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


def _add_run(
    tenant: Tenant, company: Company, period: Period, at: datetime, replay: ReplayCache | None = None
) -> StoredRecord:
    if replay is None:
        number = len(of_year(tenant.records("Run", "company", [company.id]), period.year)) + 1
    else:
        if replay.runs is None:
            replay.runs = {}
            for record in tenant.records("Run", "company", [company.id]):
                replay.runs[record.year] = replay.runs.get(record.year, 0) + 1
        number = replay.runs[period.year] = replay.runs.get(period.year, 0) + 1
    return tenant.add_record(
        "Run",
        "company",
        company.id,
        period,
        {
            "Number": number,
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


def monthly_per_period(monthly: Decimal, period_type: PeriodType, year: int) -> Decimal:
    """A monthly amount spread over the year's periods (12, 13, or 52 or 53 weeks)."""
    return monthly * 12 / period_type.periods_in_year(year)


def weeks_per_period(period_type: PeriodType, year: int) -> Decimal:
    return Decimal(iso_weeks_in_year(year)) / period_type.periods_in_year(year)


def employer_premiums(gross: Decimal) -> dict[str, Decimal]:
    """Each employer premium of a gross wage, by `WageTaxEmployee` field name, rounded to the cent."""
    return {name: cents(gross * rate) for name, rate in EMPLOYER_PREMIUMS.items()}


def advance(tenant: Tenant, company: Company) -> None:
    following = next_period(company.type, company.current)
    company.current_year, company.current_period = following.year, following.number
    tenant.save(company)
