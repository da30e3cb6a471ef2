"""Wage-tax declaration periods (aangiftetijdvakken), kept apart from payroll periods (loontijdvakken).

A company pays per payroll period (`periods.PeriodType`: month, four weeks, week) but declares wage
taxes per *declaration period*: a calendar month or four weeks, never a week, and always within one
calendar year (facts in shared/reference/dutch-payroll-facts.md):

- ``Month``: the 12 calendar months. CONFIRMED.
- ``Week4``: 13 periods of the calendar year. CONFIRMED that there are 13; INFERRED that period n starts
  on 1 January + 28 * (n - 1) days and that period 13 runs to 31 December (29 or 30 days).

A run's payslips belong to the declaration period holding the run's *payment date*: the last day of
the payroll period, but no later than 31 December of the payroll year (INFERRED: the last period of a
year is paid in that year). Weekly payslips thus roll up into four-weekly (or monthly) declarations,
and no declaration period ever ends in the next year. The company's `LoonaangifteTijdvak` says which
kind it declares: by default ``Month`` for monthly payroll and ``Week4`` for four-weekly and weekly
payroll (INFERRED, as the demo has always answered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from mock_server.domain.model import Company
from mock_server.domain.periods import Period, PeriodType, last_day

FOUR_WEEKS = 28


class DeclarationKind(Enum):
    """The declaration periods a company uses; the value is the `LoonaangifteTijdvak` enum name."""

    MONTH = "Month"
    WEEK4 = "Week4"

    @property
    def periods_in_year(self) -> int:
        return 12 if self is DeclarationKind.MONTH else 13

    @classmethod
    def of(cls, company: Company) -> DeclarationKind:
        """The company's kind: `Week4` as it says, everything else (`Month`, `Month6`, ...) monthly."""
        return cls.WEEK4 if company.loonaangifte_tijdvak == cls.WEEK4.value else cls.MONTH


def default_declaration_kind(period_type: PeriodType) -> DeclarationKind:
    """What a new company declares per: monthly payroll per month, four-weekly and weekly per 4 weeks."""
    return DeclarationKind.MONTH if period_type is PeriodType.M else DeclarationKind.WEEK4


@dataclass(frozen=True, order=True)
class DeclarationPeriod:
    """Declaration period `number` of calendar year `year`."""

    year: int
    number: int
    kind: DeclarationKind

    @property
    def first_day(self) -> date:
        if self.kind is DeclarationKind.MONTH:
            return date(self.year, self.number, 1)
        return date(self.year, 1, 1) + timedelta(days=FOUR_WEEKS * (self.number - 1))

    @property
    def last_day(self) -> date:
        if self.number == self.kind.periods_in_year:
            return date(self.year, 12, 31)
        following = DeclarationPeriod(self.year, self.number + 1, self.kind)
        return following.first_day - timedelta(days=1)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def declaration_periods(kind: DeclarationKind, year: int) -> list[DeclarationPeriod]:
    """Every declaration period of a calendar year, in order; together they cover it exactly."""
    return [DeclarationPeriod(year, number, kind) for number in range(1, kind.periods_in_year + 1)]


def declaration_period_of(kind: DeclarationKind, day: date) -> DeclarationPeriod:
    """The declaration period a day falls in."""
    if kind is DeclarationKind.MONTH:
        return DeclarationPeriod(day.year, day.month, kind)
    number = min((day - date(day.year, 1, 1)).days // FOUR_WEEKS + 1, kind.periods_in_year)
    return DeclarationPeriod(day.year, number, kind)


def payment_date(period_type: PeriodType, period: Period) -> date:
    """The day a payroll period's wages are paid: its last day, at the latest 31 December of its year."""
    return min(last_day(period_type, period), date(period.year, 12, 31))


def declaration_period_of_run(company: Company, period: Period) -> DeclarationPeriod:
    """The declaration period that declares the wages of `period`, a payroll period of `company`."""
    return declaration_period_of(DeclarationKind.of(company), payment_date(company.type, period))


def payment_reference(wage_tax_number: str | None, period: DeclarationPeriod) -> str:
    """The 16-digit payment reference (betalingskenmerk) of a declaration period: a check digit, the
    loonheffingennummer's 9 digits and its 2-digit subnumber, the year's last two digits, the period.
    INFERRED layout (the real derivation is not verified); consistent per company and period."""
    number = wage_tax_number or ""
    fiscal = "".join(ch for ch in number[:9] if ch.isdigit()).rjust(9, "0")
    subnumber = "".join(ch for ch in number[10:] if ch.isdigit()).rjust(2, "0")[-2:]
    body = f"{fiscal}{subnumber}{period.year % 100:02d}{period.number:02d}"
    weights = [pow(2, index, 11) for index in range(len(body), 0, -1)]
    check = (11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11) % 10
    return f"{check}{body}"
