"""Flexible-payroll sync (seed 002, Keeping): hours of zero-hour employees, over several companies.

CSV columns: `company_id,employee_id,hour_code,hours` and optionally `days` (days worked, added up per
employee). Per company the hours go into its current period (`Company_GetCurrentPeriod`), clear-then-
insert: `HourComponentVar_ClearCurrent` per employee, then `HourComponentVar_Insert_Batch`, so sending
the same file twice leaves the same hours. Only zero-hour employees are sent: an hourly salary
(`Salary_GetAll_AllEmployeesByCompany`, latest record) and a schedule without fixed hours
(`Schedule_GetCurrent`, ParttimePercentage 0). Employees with fixed hours are processed in Nmbrs
itself; they are reported as skipped, as are employees the company does not have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from nmbrs_client import NmbrsClient
from nmbrs_client.models import DaysWorked, HourLine, Period
from nmbrs_client.workflows.common import PartialWrite, batches
from nmbrs_client.workflows.csv_input import read_rows
from nmbrs_client.workflows.progress import Progress, quiet

COLUMNS = ("company_id", "employee_id", "hour_code", "hours")
OPTIONAL = ("days",)
HOURLY_SALARY_TYPES = frozenset({3, 6, 8})  # SalaryType: Bruto_Uurloon, Netto_Uurloon_excl/incl_looncomp


@dataclass(frozen=True)
class FlexLine:
    employee_id: int
    hour_code: int
    hours: Decimal


@dataclass
class CompanySync:
    company_id: int
    period: Period | None = None
    sent: dict[int, list[FlexLine]] = field(default_factory=dict)  # employee -> lines sent
    days: dict[int, int] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)  # employee -> reason


@dataclass
class FlexResult:
    companies: list[CompanySync]
    calls: int = 0

    def summary(self) -> str:
        parts = [
            f"company {c.company_id} period {c.period}: {len(c.sent)} employees sent, "
            f"{len(c.skipped)} skipped"
            for c in self.companies
        ]
        return "; ".join(parts) + f" ({self.calls} write calls)"


@dataclass
class FlexCsv:
    lines: dict[int, dict[int, list[FlexLine]]]  # company -> employee -> lines
    days: dict[int, dict[int, int]]  # company -> employee -> days


def read_flex_csv(path: str | Path) -> FlexCsv:
    lines: dict[int, dict[int, list[FlexLine]]] = defaultdict(lambda: defaultdict(list))
    days: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in read_rows(path, COLUMNS, OPTIONAL):
        company, employee = row.integer("company_id"), row.integer("employee_id")
        code, hours = row.integer("hour_code"), row.decimal("hours")
        assert company is not None and employee is not None and code is not None and hours is not None
        lines[company][employee].append(FlexLine(employee, code, hours.quantize(Decimal("0.01"))))
        worked = row.integer("days", required=False)
        if worked is not None:
            days[company][employee] += worked
    return FlexCsv({c: dict(e) for c, e in lines.items()}, {c: dict(e) for c, e in days.items()})


def zero_hour_employees(client: NmbrsClient, company_id: int, candidates: list[int]) -> dict[int, str]:
    """Each candidate's reason not to be sent ('' for zero-hour employees)."""
    employees = {e.id for e in client.employees.list(company_id)}
    salaries = client.employees.salaries(company_id)
    reasons: dict[int, str] = {}
    for employee in candidates:
        history = sorted(salaries.get(employee, []), key=lambda s: (s.start_date or date.min, s.id))
        if employee not in employees:
            reasons[employee] = f"not an employee of company {company_id}"
        elif not history or history[-1].type not in HOURLY_SALARY_TYPES:
            reasons[employee] = "not paid by the hour"
        elif Decimal(client.employee.Schedule_GetCurrent(EmployeeId=employee).ParttimePercentage or 0) != 0:
            reasons[employee] = "has fixed hours (a schedule): process them in Nmbrs"
        else:
            reasons[employee] = ""
    return reasons


def sync_company(
    client: NmbrsClient, company_id: int, csv: FlexCsv, batch_size: int, dry_run: bool
) -> tuple[CompanySync, int]:
    sync = CompanySync(company_id, client.companies.current_period(company_id).period)
    wanted = csv.lines.get(company_id, {})
    reasons = zero_hour_employees(client, company_id, sorted(wanted))
    sync.skipped = {e: r for e, r in reasons.items() if r}
    sync.sent = {e: wanted[e] for e, r in reasons.items() if not r}
    sync.days = {e: d for e, d in csv.days.get(company_id, {}).items() if e in sync.sent}
    if dry_run:
        return sync, 0
    return sync, _send(client, sync, batch_size)


def _send(client: NmbrsClient, sync: CompanySync, batch_size: int) -> int:
    """Clear each employee's current period, then insert the hours and set the days."""
    assert sync.period is not None
    for employee in sync.sent:
        client.hours.clear(employee)  # HourComponentVar_ClearCurrent
    lines = [HourLine(x.employee_id, x.hour_code, x.hours) for rows in sync.sent.values() for x in rows]
    calls = len(sync.sent) + client.hours.insert_batch(lines, sync.period, batch_size=batch_size)
    days = [DaysWorked(employee, count, sync.period) for employee, count in sync.days.items()]
    for chunk in batches(days, batch_size):
        client.days.set_var_batch(chunk)
        calls += 1
    return calls


def flex_sync(
    client: NmbrsClient,
    path: str | Path,
    companies: list[int] | None = None,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Progress = quiet,
) -> FlexResult:
    """Syncs the CSV's companies (or only `companies`, which must appear in it)."""
    csv = read_flex_csv(path)
    ids = companies or sorted(csv.lines)
    result = FlexResult([])
    bar = progress("Syncing companies", len(ids))
    try:
        for company_id in ids:
            sync, calls = sync_company(client, company_id, csv, batch_size, dry_run)
            result.companies.append(sync)
            result.calls += calls
            bar.advance()
    except Exception as error:
        if not result.calls:
            raise
        raise PartialWrite(
            error, result.calls, "re-running is safe: it clears and sends those hours again"
        ) from error
    finally:
        bar.close()
    return result
