"""Wage periods on the client side: mapping dates into the periods of a wage year.

No v3 call returns period dates, so an integration that books by date (eitje, seed 001) is told the
first day of the first wage period of the year and counts from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from nmbrs_client.models import Period


class PeriodType(Enum):
    MONTHLY = "monthly"
    FOUR_WEEKLY = "four-weekly"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class WageCalendar:
    """Periods counted from `first_day` (the start of period 1 of `year`)."""

    period_type: PeriodType
    first_day: date
    year: int

    @classmethod
    def starting(cls, period_type: PeriodType, first_day: date, year: int | None = None) -> WageCalendar:
        """The wage year defaults to the calendar year in which period 1 ends."""
        if year is None:
            year = (first_day + timedelta(days=6 if period_type is PeriodType.WEEKLY else 27)).year
        return cls(period_type, first_day, year)

    def period_of(self, day: date) -> Period:
        """The wage period holding `day`; ValueError when it falls outside this wage year."""
        if day < self.first_day:
            raise ValueError(f"{day} is before the first wage period ({self.first_day})")
        if self.period_type is PeriodType.MONTHLY:
            months = (day.year - self.first_day.year) * 12 + day.month - self.first_day.month
            number = months + (0 if day.day >= self.first_day.day else -1) + 1
            if number > 12:
                raise ValueError(f"{day} is after the last monthly period of {self.year}")
            return Period(self.year, number)
        if day >= self.first_day + timedelta(weeks=self.weeks):
            raise ValueError(f"{day} is after the last {self.period_type.value} period of {self.year}")
        length = 7 if self.period_type is PeriodType.WEEKLY else 28
        last = 53 if self.period_type is PeriodType.WEEKLY else 13
        return Period(self.year, min((day - self.first_day).days // length + 1, last))

    @property
    def weeks(self) -> int:
        """52, or 53 when period 1 starts on the Monday of ISO week 1 of a year with 53 ISO weeks
        (then the last period takes the extra week: week 53, or a five-week period 13)."""
        iso = self.first_day.isocalendar()
        long_year = date(iso.year, 12, 28).isocalendar().week == 53
        return 53 if (iso.week, iso.weekday) == (1, 1) and long_year else 52
