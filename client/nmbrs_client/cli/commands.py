"""One handler per subcommand: run the workflow, print its output and summary, return the exit code.

Results go to stdout (or --output); the summary and notes go to stderr, so stdout stays data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from nmbrs_client import NmbrsClient
from nmbrs_client.cli.errors import CliError
from nmbrs_client.models import Period
from nmbrs_client.workflows import documents, export_hours, export_timecards, flex_sync, import_employees
from nmbrs_client.workflows.periods import PeriodType, WageCalendar
from nmbrs_client.workflows.permissions import Access, check_permissions
from nmbrs_client.workflows.progress import Progress

EXIT_OK, EXIT_ATTENTION = 0, 1
Handler = Callable[[NmbrsClient, argparse.Namespace, Progress], int]


def note(text: str) -> None:
    print(text, file=sys.stderr)


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag}: {text!r} is not a date (YYYY-MM-DD)") from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    Path(output).write_text(text, encoding="utf-8")


def run_import_employees(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    result = import_employees.import_employees(client, args.company, progress)
    render = import_employees.as_csv if args.format == "csv" else import_employees.as_json
    _write(render(result), args.output)
    for skipped in result.skipped:
        note(f"skipped: employee {skipped.employee_id} ({skipped.name}): {skipped.reason}")
    note(result.summary() + (f"; written to {args.output}" if args.output else ""))
    return EXIT_OK


def run_export_hours(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    if args.period is not None:
        period = Period(*args.period)
    elif args.company is not None:
        period = client.companies.current_period(args.company).period
    else:
        raise CliError("export-hours needs --period YEAR-PERIOD or --company ID (for its current period)")
    result = export_hours.export_hours(
        client,
        args.csv,
        period,
        company_id=args.company,
        dry_run=args.dry_run,
        unprotected=args.unprotected,
        batch_size=args.batch_size,
        progress=progress,
    )
    if args.dry_run:
        print("\n".join(result.plan.describe()) or "nothing to change")
    note(result.summary())
    return EXIT_OK


def run_export_timecards(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    calendar = WageCalendar.starting(
        PeriodType(args.period_type), _day(args.first_period_start, "--first-period-start"), args.year
    )
    try:
        rate = Decimal(args.meal_rate)
    except InvalidOperation:
        raise CliError(f"--meal-rate: {args.meal_rate!r} is not a number") from None
    codes = export_timecards.WageCodes(args.meal_code, rate, args.payment_code)
    result = export_timecards.export_timecards(
        client,
        args.csv,
        calendar,
        args.hour_code,
        codes,
        unprotected=args.unprotected,
        batch_size=args.batch_size,
        dry_run=args.dry_run,
        progress=progress,
    )
    if args.dry_run:
        for export in result.periods:
            print(
                f"period {export.period}: {len(export.hours)} hour lines, {len(export.wages)} wage lines, "
                f"days worked {export.days}"
            )
    note(result.summary())
    return EXIT_OK


def run_sync_flex(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    result = flex_sync.flex_sync(client, args.csv, args.company, args.batch_size, args.dry_run, progress)
    for company in result.companies:
        verb = "would send" if args.dry_run else "sent"
        for employee, lines in company.sent.items():
            hours = sum((line.hours for line in lines), Decimal(0))
            print(
                f"company {company.company_id} period {company.period}: "
                f"{verb} employee {employee}: {hours} hours"
            )
        for employee, reason in company.skipped.items():
            note(f"skipped: company {company.company_id} employee {employee}: {reason}")
    note(result.summary())
    return EXIT_ATTENTION if any(c.skipped for c in result.companies) else EXIT_OK


def run_pull_documents(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    paid = _day(args.payment_date, "--payment-date") if args.payment_date else None
    statuses = () if args.all_statuses else tuple(args.status or ["locked"])
    request = documents.PullRequest(
        year=args.year,
        companies=tuple(args.company),
        run_id=args.run,
        statuses=statuses,
        kinds=tuple(args.kind or documents.KINDS),
        payment_date=paid,
    )
    result = documents.pull_documents(client, args.folder, request, progress)
    for entry in result.downloaded:
        print(f"{entry.sha256}  {entry.path}")
    note(result.summary())
    return EXIT_OK


def run_check_permissions(client: NmbrsClient, args: argparse.Namespace, progress: Progress) -> int:
    report = check_permissions(client, args.profile or None, progress)
    for profile in report.profiles:
        state = "complete" if profile.complete else f"{len(profile.missing)} missing"
        print(f"{profile.name} - {profile.description} [{state}]")
        for probe in profile.probes:
            mark = {Access.ALLOWED: "ok", Access.MISSING: "MISSING"}.get(probe.access, probe.access.value)
            extra = f"  -> {probe.advice}" if probe.access is not Access.ALLOWED else ""
            print(f"  {mark:8} {probe.service}.{probe.operation}{extra}")
    note(report.summary())
    return EXIT_OK if all(p.complete for p in report.profiles) else EXIT_ATTENTION


HANDLERS: dict[str, Handler] = {
    "import-employees": run_import_employees,
    "export-hours": run_export_hours,
    "export-timecards": run_export_timecards,
    "sync-flex": run_sync_flex,
    "pull-documents": run_pull_documents,
    "check-permissions": run_check_permissions,
}
