"""Export hours and days from a CSV into one period (seed 000, TimeChimp), idempotently.

CSV columns: `employee_id,hour_code,hours` and optionally `comment` and `days` (days worked; the
values of an employee's rows are added up, so a row per day can carry `days=1`).

How a re-run sends only the differences: `HourComponentVar_Get` returns each variable hour component
of the period as (Id, HourCode, Hours) - no comment, no date - so lines are matched on (hour code,
hours). Per employee and hour code, the components already in Nmbrs that the CSV still has are left
alone; a changed line becomes one `HourComponent_Update` of a component that no longer matches, a
line too many one `HourComponent_Delete`, a new line an insert (`HourComponentVar_Insert_Batch`, in
batches). Clear-then-insert (`HourComponentVar_Clear`) would rewrite every line of a changed employee;
per-line update/delete touches only what changed. Days are read with `DaysVar_Get` and set with
`DaysVar_Set_Batch` only where they differ. Employees that are not in the CSV are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

from nmbrs_client import NmbrsClient, PermissionDenied
from nmbrs_client.models import DaysWorked, HourLine, Period
from nmbrs_client.workflows.common import PartialWrite, batches
from nmbrs_client.workflows.csv_input import CsvError, read_rows
from nmbrs_client.workflows.progress import Progress, quiet

COLUMNS = ("employee_id", "hour_code", "hours")
OPTIONAL = ("comment", "days")


@dataclass(frozen=True)
class HourRow:
    employee_id: int
    hour_code: int
    hours: Decimal
    comment: str | None = None
    line: int = 0  # the CSV line, 0 for lines read from Nmbrs


@dataclass(frozen=True)
class Existing:
    component_id: int
    hour_code: int
    hours: Decimal


@dataclass(frozen=True)
class Update:
    component_id: int
    old_hours: Decimal
    line: HourRow


@dataclass(frozen=True)
class DaysChange:
    employee_id: int
    old: int | None  # None when the login may not read days (DaysVar_Get refused)
    new: int


@dataclass
class HoursCsv:
    lines: list[HourRow]
    days: dict[int, int]  # employee -> days worked; empty when the CSV has no `days` column

    @property
    def employees(self) -> list[int]:
        return sorted({line.employee_id for line in self.lines} | set(self.days))


@dataclass
class ExportPlan:
    period: Period
    inserts: list[HourRow] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    deletes: list[tuple[int, Existing]] = field(default_factory=list)  # (employee, component)
    days: list[DaysChange] = field(default_factory=list)
    employees: int = 0
    days_unreadable: bool = False

    @property
    def changed_employees(self) -> list[int]:
        touched = {line.employee_id for line in self.inserts} | {u.line.employee_id for u in self.updates}
        return sorted(touched | {e for e, _ in self.deletes} | {d.employee_id for d in self.days})

    @property
    def empty(self) -> bool:
        return not (self.inserts or self.updates or self.deletes or self.days)

    def describe(self) -> list[str]:
        """One line per change, grouped by employee (what `--dry-run` prints)."""
        out: list[str] = []
        for employee in self.changed_employees:
            out.append(f"employee {employee}:")
            out += [
                f"  + hour code {x.hour_code}: {x.hours}" for x in self.inserts if x.employee_id == employee
            ]
            out += [
                f"  ~ hour code {u.line.hour_code}: {u.old_hours} -> {u.line.hours}"
                for u in self.updates
                if u.line.employee_id == employee
            ]
            out += [f"  - hour code {c.hour_code}: {c.hours}" for e, c in self.deletes if e == employee]
            out += [f"  days: {d.old} -> {d.new}" for d in self.days if d.employee_id == employee]
        return out


@dataclass
class ExportResult:
    plan: ExportPlan
    dry_run: bool
    calls: int = 0  # write calls sent

    def summary(self) -> str:
        plan = self.plan
        verb = "would change" if self.dry_run else "changed"
        text = (
            f"period {plan.period}: {plan.employees} employees in the CSV, {verb} "
            f"{len(plan.changed_employees)} ({len(plan.inserts)} lines inserted, {len(plan.updates)} "
            f"updated, {len(plan.deletes)} deleted, days of {len(plan.days)} employees set)"
        )
        if not self.dry_run:
            text += f" in {self.calls} write calls"
        if plan.days_unreadable:
            text += "; days sent for every employee (this login may not call DaysVar_Get)"
        return text


def read_hours_csv(path: str | Path) -> HoursCsv:
    lines: list[HourRow] = []
    days: dict[int, int] = defaultdict(int)
    for row in read_rows(path, COLUMNS, OPTIONAL):
        employee = row.integer("employee_id")
        assert employee is not None
        worked = row.integer("days", required=False)
        if worked is not None:
            days[employee] += worked
        code, hours = row.integer("hour_code", required=False), row.decimal("hours", required=False)
        if code is None and hours is None and worked is not None:
            continue  # a days-only row
        if code is None or hours is None:
            raise row.error("hour_code" if code is None else "hours", "a value is required")
        if code <= 0:
            raise row.error("hour_code", f"{code} is not an hour code")
        lines.append(
            HourRow(employee, code, hours.quantize(Decimal("0.01")), row.value("comment", False), row.line)
        )
    return HoursCsv(lines, dict(days))


def check_hour_codes(client: NmbrsClient, company_id: int, csv: HoursCsv, path: str) -> None:
    """CsvError for the first line whose hour code is in neither hour model of the company."""
    known = {c.code for model in (1, 2) for c in client.companies.hour_codes(company_id, model)}
    for line in csv.lines:
        if line.hour_code not in known:
            codes = ", ".join(str(c) for c in sorted(known))
            message = (
                f"hour code {line.hour_code} is not in the hour models of company {company_id} ({codes})"
            )
            raise CsvError(path, line.line, "hour_code", message)


def plan_export(client: NmbrsClient, csv: HoursCsv, period: Period, progress: Progress = quiet) -> ExportPlan:
    plan = ExportPlan(period, employees=len(csv.employees))
    wanted: dict[int, list[HourRow]] = defaultdict(list)
    for line in csv.lines:
        wanted[line.employee_id].append(line)
    bar = progress("Reading the period", len(csv.employees))
    for employee in csv.employees:
        present = [
            Existing(c.id, c.hour_code, Decimal(c.hours).quantize(Decimal("0.01")))
            for c in client.hours.get(employee, period)
        ]
        _diff_hours(plan, employee, wanted.get(employee, []), present)
        if employee in csv.days:
            _diff_days(client, plan, employee, csv.days[employee])
        bar.advance()
    bar.close()
    return plan


def _diff_hours(plan: ExportPlan, employee: int, wanted: list[HourRow], present: list[Existing]) -> None:
    for code in sorted({x.hour_code for x in wanted} | {x.hour_code for x in present}):
        unmatched = [x for x in present if x.hour_code == code]
        missing: list[HourRow] = []
        for line in (x for x in wanted if x.hour_code == code):
            match = next((x for x in unmatched if x.hours == line.hours), None)
            if match is None:
                missing.append(line)
            else:
                unmatched.remove(match)
        for stale, line in zip(unmatched, missing, strict=False):
            plan.updates.append(Update(stale.component_id, stale.hours, line))
        plan.inserts += missing[len(unmatched) :]
        plan.deletes += [(employee, stale) for stale in unmatched[len(missing) :]]


def _diff_days(client: NmbrsClient, plan: ExportPlan, employee: int, days: int) -> None:
    old: int | None = None
    if not plan.days_unreadable:
        try:
            old = client.days.var(employee, plan.period)
        except PermissionDenied:
            plan.days_unreadable = True
    if old != days:
        plan.days.append(DaysChange(employee, old, days))


def apply_plan(
    client: NmbrsClient,
    plan: ExportPlan,
    unprotected: bool = False,
    batch_size: int = 500,
    progress: Progress = quiet,
) -> int:
    """Sends the plan - inserts in batches, updates, deletes, then days - and returns the write calls
    made. Inserts and updates go first: they carry UnprotectedMode, so a protected period fails before
    anything changed. A failure later raises `PartialWrite` (re-running sends what is still missing)."""
    writes = _writes(client, plan, unprotected, batch_size)
    bar = progress("Exporting", len(writes))
    calls = 0
    for write in writes:
        try:
            write()
        except Exception as error:
            bar.close()
            if calls == 0:
                raise
            raise PartialWrite(error, calls, "re-running sends only what is still missing") from error
        calls += 1
        bar.advance()
    bar.close()
    return calls


def _writes(
    client: NmbrsClient, plan: ExportPlan, unprotected: bool, size: int
) -> list[Callable[[], object]]:
    period, employee = plan.period, client.employee
    writes: list[Callable[[], object]] = [
        partial(
            client.hours.insert_batch,
            [HourLine(x.employee_id, x.hour_code, x.hours, x.comment) for x in batch],
            period,
            unprotected=unprotected,
        )
        for batch in batches(plan.inserts, size)
    ]
    writes += [
        partial(
            employee.HourComponent_Update,
            EmployeeId=update.line.employee_id,
            Hourcomponent=_component(update.line, update.component_id),
            EndPeriod=period.number,
            EndYear=period.year,
            UnprotectedMode=unprotected,
        )
        for update in plan.updates
    ]
    writes += [
        partial(employee.HourComponent_Delete, EmployeeId=owner, HourComponentID=stale.component_id)
        for owner, stale in plan.deletes
    ]
    writes += [
        partial(
            client.days.set_var_batch,
            [DaysWorked(d.employee_id, d.new, period) for d in chunk],
            unprotected=unprotected,
        )
        for chunk in batches(plan.days, size)
    ]
    return writes


def _component(line: HourRow, component_id: int) -> dict[str, object]:
    """The line as the `Hourcomponent` of `HourComponent_Update` (no typed method for it yet)."""
    return {
        "Id": component_id,
        "HourCode": line.hour_code,
        "Hours": line.hours,
        "CostCenterId": None,
        "CostUnitId": None,
        "Comment": line.comment,
    }


def export_hours(
    client: NmbrsClient,
    path: str | Path,
    period: Period,
    company_id: int | None = None,
    dry_run: bool = False,
    unprotected: bool = False,
    batch_size: int = 500,
    progress: Progress = quiet,
) -> ExportResult:
    csv = read_hours_csv(path)
    if company_id is not None:
        check_hour_codes(client, company_id, csv, str(path))
    plan = plan_export(client, csv, period, progress)
    result = ExportResult(plan, dry_run)
    if not dry_run:
        result.calls = apply_plan(client, plan, unprotected, batch_size, progress)
    return result
