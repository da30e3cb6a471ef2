"""Declaration periods (aangiftetijdvakken) apart from payroll periods: monthly or 4-weekly, within the
calendar year, and every payroll period of every company type declared in exactly one of them."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest

from mock_server.domain.model import Company
from mock_server.domain.periods import Period, PeriodType, first_day, last_day, validate
from mock_server.domain.tax_periods import (
    DeclarationKind,
    declaration_period_of,
    declaration_period_of_run,
    declaration_periods,
    default_declaration_kind,
    payment_date,
    payment_reference,
)

YEARS = range(2020, 2034)  # 2020, 2026 and 2032 are 53-week ISO years


def company(period_type: PeriodType, kind: DeclarationKind) -> Company:
    return Company(
        1,
        1,
        1,
        "X",
        period_type.value,
        2026,
        1,
        wage_tax_number="123456782L01",
        loonaangifte_tijdvak=kind.value,
    )


@pytest.mark.parametrize("kind", list(DeclarationKind))
@pytest.mark.parametrize("year", YEARS)
def test_declaration_periods_tile_the_calendar_year(kind: DeclarationKind, year: int) -> None:
    periods = declaration_periods(kind, year)
    assert len(periods) == (12 if kind is DeclarationKind.MONTH else 13)
    assert periods[0].first_day == date(year, 1, 1) and periods[-1].last_day == date(year, 12, 31)
    for before, after in itertools.pairwise(periods):
        assert after.first_day == before.last_day + timedelta(days=1)
    if kind is DeclarationKind.WEEK4:
        assert all((p.last_day - p.first_day).days + 1 == 28 for p in periods[:-1])
        assert (periods[-1].last_day - periods[-1].first_day).days + 1 in (29, 30)  # absorbs the leftover
    day = date(year, 1, 1)
    while day.year == year:  # every day lies in the period declaration_period_of names
        assert day in declaration_period_of(kind, day)
        day += timedelta(days=1)


CASES = [
    (PeriodType.M, DeclarationKind.MONTH),
    (PeriodType.W4, DeclarationKind.WEEK4),
    (PeriodType.W1, DeclarationKind.WEEK4),
    (PeriodType.W1, DeclarationKind.MONTH),
]


@pytest.mark.parametrize(("period_type", "kind"), CASES)
@pytest.mark.parametrize("year", YEARS)
def test_every_payroll_period_is_declared_once_within_its_year(
    period_type: PeriodType, kind: DeclarationKind, year: int
) -> None:
    owner = company(period_type, kind)
    runs_per_declaration: Counter[int] = Counter()
    for number in range(1, period_type.periods_in_year(year) + 1):
        period = validate(period_type, year, number)
        paid = payment_date(period_type, period)
        declared = declaration_period_of_run(owner, period)
        assert first_day(period_type, period) <= paid <= last_day(period_type, period)
        assert paid.year == year and declared.year == year, "no declaration period ends in the next year"
        assert paid in declared and declared.kind is kind
        runs_per_declaration[declared.number] += 1
    expected = {
        (PeriodType.M, DeclarationKind.MONTH): {1},
        (PeriodType.W4, DeclarationKind.WEEK4): {0, 1, 2},
        # weekly payslips roll up: 4 weeks, 5 in the last period, 3 when the ISO year starts late
        (PeriodType.W1, DeclarationKind.WEEK4): {3, 4, 5},
        (PeriodType.W1, DeclarationKind.MONTH): {3, 4, 5},
    }[(period_type, kind)]
    counts = [runs_per_declaration[p.number] for p in declaration_periods(kind, year)]
    assert set(counts) <= expected, counts
    assert sum(counts) == period_type.periods_in_year(year)


def test_the_year_end_of_a_53_week_year() -> None:
    week_53 = Period(2026, 53)
    assert last_day(PeriodType.W1, week_53) == date(2027, 1, 3)  # the pay period crosses the year end,
    assert payment_date(PeriodType.W1, week_53) == date(2026, 12, 31)  # its wages are paid in 2026
    declared = declaration_period_of_run(company(PeriodType.W1, DeclarationKind.WEEK4), week_53)
    assert (declared.year, declared.number, declared.last_day) == (2026, 13, date(2026, 12, 31))
    w4 = declaration_period_of_run(company(PeriodType.W4, DeclarationKind.WEEK4), Period(2026, 13))
    assert (w4.year, w4.number) == (2026, 13)


def test_default_declaration_kinds_and_what_a_company_says() -> None:
    assert default_declaration_kind(PeriodType.M) is DeclarationKind.MONTH
    assert default_declaration_kind(PeriodType.W4) is DeclarationKind.WEEK4
    assert default_declaration_kind(PeriodType.W1) is DeclarationKind.WEEK4  # never a weekly declaration
    assert DeclarationKind.of(company(PeriodType.W1, DeclarationKind.WEEK4)) is DeclarationKind.WEEK4


def test_payment_references_have_16_digits_per_company_and_period() -> None:
    periods = declaration_periods(DeclarationKind.WEEK4, 2026)
    references = [payment_reference("123456782L01", p) for p in periods]
    assert all(len(r) == 16 and r.isdigit() for r in references)
    assert len(set(references)) == len(references)
    assert references == [payment_reference("123456782L01", p) for p in periods]
    assert payment_reference("987654321L02", periods[0]) != references[0]
