"""Nmbrs payroll periods: monthly, four-weekly and weekly, and their calendar days.

A company has one period type. ``Company_GetCurrentPeriod`` answers ``yyyy-p-TYPE``, unpadded
(``2010-5-M``, ``2026-13-W4``, ``2026-53-W1``).

- Monthly (``M``): 12 periods, the calendar months.
- Weekly (``W1``): period n of year Y is ISO week n of ISO week-year Y (Monday to Sunday), so a year
  has 52 periods, or 53 in ISO years with a week 53 (e.g. 2026, 2032).
- Four-weekly (``W4``): 13 periods; period n is ISO weeks 4n-3 to 4n of ISO week-year Y.
  INFERRED setting: in a 53-week ISO year, period 13 also takes week 53 (five weeks long), so every
  ISO week belongs to exactly one four-weekly period and there is never a 14th period.

Weekly and four-weekly years are ISO week-years: 2024-12-30 is in ISO week 1 of 2025, so its weekly
period is 2025-1, while 2026-12-31 is in week 53 of 2026.

Years run from 1900 to 2100; anything outside a type's range raises :class:`InvalidPeriod` (2006).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from mock_server.domain.errors import InvalidPeriod, InvalidSetOfValues

MIN_YEAR = 1900
MAX_YEAR = 2100


def iso_weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


class PeriodType(Enum):
    """The period type of a company; the value is Nmbrs's default suffix."""

    M = "M"
    W4 = "W4"
    W1 = "W1"

    @property
    def code(self) -> int:
        """The PeriodType int Nmbrs uses when creating a company."""
        return _CODES[self]

    @classmethod
    def from_code(cls, code: int) -> PeriodType:
        for period_type, known in _CODES.items():
            if known == code:
                return period_type
        raise InvalidSetOfValues(context=f"period type code {code!r} is not 1, 2 or 3")

    def periods_in_year(self, year: int) -> int:
        if self is PeriodType.M:
            return 12
        if self is PeriodType.W4:
            return 13
        return iso_weeks_in_year(year)


_CODES: dict[PeriodType, int] = {PeriodType.M: 1, PeriodType.W4: 2, PeriodType.W1: 3}


@dataclass(frozen=True, order=True)
class Period:
    """A payroll period; ordering is (year, number). It says nothing of its type: see :func:`validate`."""

    year: int
    number: int

    @property
    def key(self) -> int:
        """An int that orders like the period: `year * 100 + number` (how records store periods)."""
        return self.year * 100 + self.number

    @classmethod
    def from_key(cls, key: int) -> Period:
        return cls(key // 100, key % 100)


@dataclass(frozen=True)
class PeriodFormat:
    """The suffixes written after ``yyyy-p-``; one old Nmbrs document writes ``4W`` for four-weekly."""

    monthly: str = "M"
    four_weekly: str = "W4"
    weekly: str = "W1"

    def __post_init__(self) -> None:
        suffixes = (self.monthly, self.four_weekly, self.weekly)
        if len(set(suffixes)) != len(suffixes) or not all(suffixes):
            raise ValueError(f"period suffixes must be distinct and non-empty: {suffixes}")

    def suffix(self, period_type: PeriodType) -> str:
        match period_type:
            case PeriodType.M:
                return self.monthly
            case PeriodType.W4:
                return self.four_weekly
            case PeriodType.W1:
                return self.weekly

    def period_type(self, suffix: str) -> PeriodType:
        for period_type in PeriodType:
            if self.suffix(period_type) == suffix:
                return period_type
        raise InvalidPeriod(context=f"unknown period suffix {suffix!r}")


DEFAULT_FORMAT = PeriodFormat()


def validate(period_type: PeriodType, year: int, number: int) -> Period:
    """The period ``year``-``number`` of ``period_type``, or :class:`InvalidPeriod` if out of range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidPeriod(context=f"year {year} outside {MIN_YEAR}..{MAX_YEAR}")
    last = period_type.periods_in_year(year)
    if not 1 <= number <= last:
        raise InvalidPeriod(context=f"period {number} outside 1..{last} for {period_type.value} in {year}")
    return Period(year, number)


def _checked(period_type: PeriodType, period: Period) -> Period:
    return validate(period_type, period.year, period.number)


def first_day(period_type: PeriodType, period: Period) -> date:
    period = _checked(period_type, period)
    year, number = period.year, period.number
    if period_type is PeriodType.M:
        return date(year, number, 1)
    if period_type is PeriodType.W4:
        return date.fromisocalendar(year, 4 * number - 3, 1)
    return date.fromisocalendar(year, number, 1)


def last_day(period_type: PeriodType, period: Period) -> date:
    period = _checked(period_type, period)
    year, number = period.year, period.number
    if period_type is PeriodType.M:
        return _next_month_start(year, number) - timedelta(days=1)
    if period_type is PeriodType.W4:
        last_week = iso_weeks_in_year(year) if number == 13 else 4 * number
        return date.fromisocalendar(year, last_week, 7)
    return date.fromisocalendar(year, number, 7)


def _next_month_start(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def containing(period_type: PeriodType, day: date) -> Period:
    """The period ``day`` falls in; weekly types use the ISO week-year, not the calendar year."""
    if period_type is PeriodType.M:
        return validate(period_type, day.year, day.month)
    iso_year, week, _ = day.isocalendar()
    if period_type is PeriodType.W4:
        return validate(period_type, iso_year, min((week + 3) // 4, 13))
    return validate(period_type, iso_year, week)


def next_period(period_type: PeriodType, period: Period) -> Period:
    period = _checked(period_type, period)
    if period.number < period_type.periods_in_year(period.year):
        return Period(period.year, period.number + 1)
    return validate(period_type, period.year + 1, 1)


def previous_period(period_type: PeriodType, period: Period) -> Period:
    period = _checked(period_type, period)
    if period.number > 1:
        return Period(period.year, period.number - 1)
    if period.year <= MIN_YEAR:
        raise InvalidPeriod(context=f"no period before {period.year}-1")
    year = period.year - 1
    return Period(year, period_type.periods_in_year(year))


def periods_between(period_type: PeriodType, start: Period, end: Period) -> Iterator[Period]:
    """Every period from ``start`` to ``end``, both included; nothing if ``end`` is before ``start``."""
    current = _checked(period_type, start)
    end = _checked(period_type, end)
    while current <= end:
        yield current
        if current == end:
            return
        current = next_period(period_type, current)


def format_period(period_type: PeriodType, period: Period, fmt: PeriodFormat = DEFAULT_FORMAT) -> str:
    """``2026-5-M``: unpadded, as ``Company_GetCurrentPeriod`` answers."""
    period = _checked(period_type, period)
    return f"{period.year}-{period.number}-{fmt.suffix(period_type)}"


_PERIOD_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\w+)", re.ASCII)


def parse_period(text: str, fmt: PeriodFormat = DEFAULT_FORMAT) -> tuple[PeriodType, Period]:
    """The type and period written as ``yyyy-p-TYPE``; :class:`InvalidPeriod` if malformed or out of range."""
    match = _PERIOD_TEXT.fullmatch(text.strip())
    if match is None:
        raise InvalidPeriod(context=f"malformed period {text!r}")
    period_type = fmt.period_type(match.group(3))
    return period_type, validate(period_type, int(match.group(1)), int(match.group(2)))


def midnight(day: date) -> datetime:
    """A date as the midnight timestamp Nmbrs sends for date-only values."""
    return datetime.combine(day, datetime.min.time())
