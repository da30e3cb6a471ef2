"""The `nmbrs` command line: global options and one subcommand per workflow."""

from __future__ import annotations

import argparse
import os

from nmbrs_client.cli import epilogs
from nmbrs_client.cli.epilogs import DEFAULT_URL
from nmbrs_client.workflows.documents import KINDS
from nmbrs_client.workflows.periods import PeriodType
from nmbrs_client.workflows.permissions import PROFILES

URL_ALIASES = {
    "production": "https://api.nmbrs.nl/soap/v3/",
    "sandbox": "https://api-sandbox.nmbrs.nl/soap/v3/",
    "mock": DEFAULT_URL,
}
_RAW = argparse.RawDescriptionHelpFormatter


def _period(text: str) -> tuple[int, int]:
    year, _, number = text.partition("-")
    try:
        return int(year), int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not YEAR-PERIOD, like 2026-11") from None


def _url(text: str) -> str:
    return URL_ALIASES.get(text.lower(), text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nmbrs",
        description="Nmbrs SOAP API v3 workflows from the integration guides: import employees, export "
        "hours and timecards, sync flexible payroll, pull payroll documents, check API rights.",
        epilog=epilogs.MAIN,
        formatter_class=_RAW,
    )
    env = os.environ.get
    parser.add_argument(
        "--url",
        type=_url,
        default=_url(env("NMBRS_BASE_URL") or DEFAULT_URL),
        help="SOAP v3 base URL, or production / sandbox / mock (env NMBRS_BASE_URL; default: the local mock)",
    )
    parser.add_argument(
        "-u", "--username", default=env("NMBRS_USERNAME"), help="the login's e-mail (NMBRS_USERNAME)"
    )
    parser.add_argument("-t", "--token", default=env("NMBRS_TOKEN"), help="the API token (NMBRS_TOKEN)")
    parser.add_argument(
        "-d",
        "--domain",
        default=env("NMBRS_DOMAIN") or None,
        help="the sub-domain ('Tenant Key'), e.g. kantoor for kantoor.nmbrs.nl (NMBRS_DOMAIN; "
        "default: asked from Environment_Get)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for an answer (default 60)"
    )
    parser.add_argument(
        "--retries", type=int, default=3, help="retries after a network error or HTTP 502/503/504 (default 3)"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bars (off anyway when stderr is no terminal)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _import_employees(commands)
    _export_hours(commands)
    _export_timecards(commands)
    _sync_flex(commands)
    _pull_documents(commands)
    _check_permissions(commands)
    return parser


def _command(
    commands: argparse._SubParsersAction, name: str, summary: str, epilog: str
) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=summary, epilog=epilog, formatter_class=_RAW)


def _writes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="show what would be sent, send nothing")
    parser.add_argument(
        "--unprotected",
        action="store_true",
        help="send UnprotectedMode=true: allow changes to periods before the company's current period",
    )
    _batch_size(parser)


def _batch_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=int, default=500, help="lines per batch call (default 500)")


def _companies(parser: argparse.ArgumentParser, help: str = "company id (repeatable; default: all)") -> None:
    parser.add_argument("--company", type=int, action="append", default=[], help=help)


def _import_employees(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "import-employees",
        "Import employees (TimeChimp, seed 000): personal info plus contracts. Employees without a work "
        "e-mail are skipped and listed; employees without a contract are marked inactive.",
        epilogs.IMPORT_EMPLOYEES,
    )
    _companies(p)
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    p.add_argument("--output", "-o", help="write to this file instead of stdout")


def _export_hours(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "export-hours",
        "Export hours and days from a CSV into one period (TimeChimp, seed 000). Re-running sends only "
        "the differences: changed lines are updated, removed ones deleted, new ones inserted in batches.",
        epilogs.EXPORT_HOURS,
    )
    p.add_argument("csv", help="the hours CSV")
    p.add_argument(
        "--period", type=_period, help="YEAR-PERIOD, e.g. 2026-11 (default: the company's current period)"
    )
    p.add_argument(
        "--company", type=int, help="company id: checks the hour codes and supplies the current period"
    )
    _writes(p)


def _export_timecards(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "export-timecards",
        "Export timecards (eitje, seed 001): hours, days worked, meal allowances and additional payments "
        "as hour and wage components, each card in the wage period of its date.",
        epilogs.EXPORT_TIMECARDS,
    )
    p.add_argument("csv", help="the timecards CSV")
    p.add_argument(
        "--period-type", required=True, choices=[t.value for t in PeriodType], help="the wage period length"
    )
    p.add_argument("--first-period-start", required=True, help="first day of wage period 1 (YYYY-MM-DD)")
    p.add_argument("--year", type=int, help="the wage year (default: the year in which period 1 ends)")
    p.add_argument("--hour-code", type=int, default=1, help="hour code for cards without one (default 1)")
    p.add_argument("--meal-code", type=int, help="wage code for meal allowances (e.g. 120)")
    p.add_argument(
        "--meal-rate", default="1", help="value per meal allowance (default 1: the number of meals)"
    )
    p.add_argument("--payment-code", type=int, help="wage code for additional payments (e.g. 130)")
    _writes(p)


def _sync_flex(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "sync-flex",
        "Flexible-payroll sync (Keeping, seed 002): hours of zero-hour employees into each company's "
        "current period, clear-then-insert, so a re-run leaves the same hours.",
        epilogs.SYNC_FLEX,
    )
    p.add_argument("csv", help="the hours CSV")
    _companies(p, "only this company (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="show who would be sent, send nothing")
    _batch_size(p)


def _pull_documents(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "pull-documents",
        "Pull payroll documents (Mijn Kantoor, seed 004): payslips, SEPA files, wage-tax declarations "
        "by status and the annual documents, for a year or one run, into a folder with a sha256 manifest.",
        epilogs.PULL_DOCUMENTS,
    )
    p.add_argument("folder", help="where the documents go")
    p.add_argument("--year", type=int, required=True, help="the payroll year")
    _companies(p)
    p.add_argument("--run", type=int, help="only this run id")
    p.add_argument(
        "--status", action="append", default=[], help="wage-tax status to fetch (repeatable; default locked)"
    )
    p.add_argument("--all-statuses", action="store_true", help="fetch declarations of every status")
    p.add_argument(
        "--kind", action="append", choices=KINDS, default=[], help="what to fetch (repeatable; default all)"
    )
    p.add_argument("--payment-date", help="SEPA payment date YYYY-MM-DD (default: the run date)")


def _check_permissions(commands: argparse._SubParsersAction) -> None:
    p = _command(
        commands,
        "check-permissions",
        "List which operations of each integration profile this token may call, by one harmless call per "
        "operation, and which template right to enable for the rest.",
        epilogs.CHECK_PERMISSIONS,
    )
    p.add_argument(
        "--profile",
        action="append",
        choices=list(PROFILES),
        default=[],
        help="only this profile (repeatable)",
    )
