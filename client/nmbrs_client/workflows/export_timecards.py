"""Export timecards (seed 001, eitje): hours, days worked, meal allowances and additional payments.

CSV columns: `employee_id,date,hours` and optionally `hour_code` (else the default code), `meals`
(number of meal allowances), `payment` (an additional payment, in euros) and `comment`.

Each card's date is mapped into a wage period counted from the configured first day of the first wage
period of the year (weekly, four-weekly or monthly; no v3 call returns period dates). Per period:
hours go out as variable hour components, one per card, commented with the card's date
(`HourComponentVar_Insert_Batch`); meals and payments as variable wage components
(`WageComponentVar_Insert_Batch`, value = meals x meal rate, or the payment); days worked (distinct dates
with hours, per employee) through `DaysVar_Set_Batch`, which sets rather than adds. Like eitje, which
exports each card once (green -> white), this adds components: export a card only once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from nmbrs_client import NmbrsClient
from nmbrs_client.models import DaysWorked, HourLine, Period, WageLine
from nmbrs_client.workflows.common import PartialWrite, batches
from nmbrs_client.workflows.csv_input import read_rows
from nmbrs_client.workflows.periods import WageCalendar
from nmbrs_client.workflows.progress import Progress, quiet

COLUMNS = ("employee_id", "date", "hours")
OPTIONAL = ("hour_code", "meals", "payment", "comment")


@dataclass(frozen=True)
class Timecard:
    employee_id: int
    day: date
    hours: Decimal
    hour_code: int
    meals: int = 0
    payment: Decimal = Decimal(0)
    comment: str | None = None


@dataclass(frozen=True)
class WageCodes:
    meal: int | None = None  # wage code for meal allowances
    meal_rate: Decimal = Decimal(1)  # value per meal (1: the value is the number of meals)
    payment: int | None = None  # wage code for additional payments


@dataclass
class PeriodExport:
    period: Period
    hours: list[HourLine] = field(default_factory=list)
    wages: list[WageLine] = field(default_factory=list)
    days: dict[int, int] = field(default_factory=dict)


@dataclass
class TimecardResult:
    periods: list[PeriodExport]
    cards: int
    calls: int = 0

    def summary(self) -> str:
        spans = ", ".join(str(p.period) for p in self.periods) or "none"
        hours = sum(len(p.hours) for p in self.periods)
        wages = sum(len(p.wages) for p in self.periods)
        days = sum(len(p.days) for p in self.periods)
        return (
            f"{self.cards} timecards into periods {spans}: {hours} hour components, {wages} wage components, "
            f"days worked of {days} employee-periods, in {self.calls} calls"
        )


def read_timecards(
    path: str | Path, calendar: WageCalendar, default_code: int, codes: WageCodes
) -> list[Timecard]:
    cards: list[Timecard] = []
    for row in read_rows(path, COLUMNS, OPTIONAL):
        employee, day, hours = row.integer("employee_id"), row.day("date"), row.decimal("hours")
        assert employee is not None and day is not None and hours is not None
        try:
            calendar.period_of(day)
        except ValueError as error:
            raise row.error("date", f"{error}; set the first wage-period date of that year") from None
        meals = row.integer("meals", required=False) or 0
        payment = row.decimal("payment", required=False) or Decimal(0)
        if meals and codes.meal is None:
            raise row.error("meals", "meal allowances need a wage code (--meal-code)")
        if payment and codes.payment is None:
            raise row.error("payment", "additional payments need a wage code (--payment-code)")
        code = row.integer("hour_code", required=False) or default_code
        cards.append(Timecard(employee, day, hours, code, meals, payment, row.value("comment", False)))
    return cards


def plan_timecards(cards: list[Timecard], calendar: WageCalendar, codes: WageCodes) -> list[PeriodExport]:
    exports: dict[Period, PeriodExport] = {}
    worked: dict[Period, dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    for card in cards:
        period = calendar.period_of(card.day)
        export = exports.setdefault(period, PeriodExport(period))
        note = " ".join(p for p in (card.day.isoformat(), card.comment) if p)
        if card.hours:
            export.hours.append(HourLine(card.employee_id, card.hour_code, card.hours, note))
            worked[period][card.employee_id].add(card.day)
        if card.meals and codes.meal is not None:
            value = (card.meals * codes.meal_rate).quantize(Decimal("0.01"))
            export.wages.append(WageLine(card.employee_id, codes.meal, value, note))
        if card.payment and codes.payment is not None:
            export.wages.append(WageLine(card.employee_id, codes.payment, card.payment, note))
    for period, export in exports.items():
        export.days = {employee: len(days) for employee, days in sorted(worked[period].items())}
    return [exports[p] for p in sorted(exports)]


def send_period(client: NmbrsClient, export: PeriodExport, unprotected: bool, batch_size: int) -> int:
    """Hours, then wages, then days of one period; returns the calls made."""
    calls = client.hours.insert_batch(
        export.hours, export.period, unprotected=unprotected, batch_size=batch_size
    )
    calls += client.wages.insert_batch(
        export.wages, export.period, unprotected=unprotected, batch_size=batch_size
    )
    days = [DaysWorked(employee, count, export.period) for employee, count in export.days.items()]
    for chunk in batches(days, batch_size):
        client.days.set_var_batch(chunk, unprotected=unprotected)
        calls += 1
    return calls


def export_timecards(
    client: NmbrsClient,
    path: str | Path,
    calendar: WageCalendar,
    default_hour_code: int = 1,
    codes: WageCodes | None = None,
    unprotected: bool = False,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Progress = quiet,
) -> TimecardResult:
    codes = codes or WageCodes()
    cards = read_timecards(path, calendar, default_hour_code, codes)
    result = TimecardResult(plan_timecards(cards, calendar, codes), len(cards))
    if dry_run:
        return result
    bar = progress("Exporting timecards", len(result.periods))
    sent: list[str] = []
    try:
        for export in result.periods:
            result.calls += send_period(client, export, unprotected, batch_size)
            sent.append(str(export.period))
            bar.advance()
    except Exception as error:
        if not sent:
            raise  # a period fails on its first call (protected, unknown code): nothing went out
        advice = f"periods {', '.join(sent)} went out: export only the other cards again"
        raise PartialWrite(error, result.calls, advice) from error
    finally:
        bar.close()
    return result
