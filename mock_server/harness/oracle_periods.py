"""Payroll periods as the oracle understands them: plain Python, independent of the mock's code.

A period is `(year, number)`; tuples order like periods. Monthly companies (M) have 12 periods, four-
weekly ones (W4) 13 and weekly ones (W1) one per ISO week: 52, or 53 in years such as 2026
(nmbrs-behaviour.md §4, CONFIRMED).
"""

from __future__ import annotations

import re
from datetime import date

Key = tuple[int, int]  # (year, period number)

KINDS = ("M", "W4", "W1")
_TEXT = re.compile(r"\s*(\d{4})-(\d{1,2})-(\w+)\s*", re.ASCII)


def iso_weeks(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar()[1]


class Periods:
    """The periods of one company type."""

    def __init__(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown period type {kind!r}; expected one of {KINDS}")
        self.kind = kind

    def count(self, year: int) -> int:
        if self.kind == "M":
            return 12
        if self.kind == "W4":
            return 13
        return iso_weeks(year)

    def valid(self, period: Key) -> bool:
        year, number = period
        return 1900 <= year <= 2100 and 1 <= number <= self.count(year)

    def next(self, period: Key) -> Key:
        year, number = period
        return (year, number + 1) if number < self.count(year) else (year + 1, 1)

    def previous(self, period: Key) -> Key:
        year, number = period
        return (year, number - 1) if number > 1 else (year - 1, self.count(year - 1))

    def shift(self, period: Key, steps: int) -> Key:
        for _ in range(abs(steps)):
            period = self.next(period) if steps > 0 else self.previous(period)
        return period

    def window(self, around: Key, before: int, after: int) -> list[Key]:
        """`before` periods before `around`, `around` itself and `after` periods after it, in order."""
        return [self.shift(around, step) for step in range(-before, after + 1)]

    def beyond_last(self, year: int) -> Key:
        """The first period number past the year's last one: always 2006 (Invalid Period)."""
        return (year, self.count(year) + 1)

    def format(self, period: Key) -> str:
        return f"{period[0]}-{period[1]}-{self.kind}"


def parse_period(text: str) -> tuple[str, Key] | None:
    """`2026-11-M` -> ("M", (2026, 11)); None when it is not in that form."""
    match = _TEXT.fullmatch(text or "")
    if match is None or match.group(3) not in KINDS:
        return None
    return match.group(3), (int(match.group(1)), int(match.group(2)))
