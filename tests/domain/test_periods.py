from datetime import date, timedelta
from itertools import pairwise

import pytest

from mock_server.domain.errors import InvalidPeriod, InvalidSetOfValues
from mock_server.domain.periods import (
    Period,
    PeriodFormat,
    PeriodType,
    containing,
    first_day,
    format_period,
    iso_weeks_in_year,
    last_day,
    next_period,
    parse_period,
    periods_between,
    previous_period,
    validate,
)

M, W4, W1 = PeriodType.M, PeriodType.W4, PeriodType.W1


@pytest.mark.parametrize(("code", "period_type"), [(1, M), (2, W4), (3, W1)])
def test_from_code(code: int, period_type: PeriodType) -> None:
    assert PeriodType.from_code(code) is period_type
    assert period_type.code == code


@pytest.mark.parametrize("code", [0, 4, -1])
def test_from_code_rejects_unknown_codes(code: int) -> None:
    with pytest.raises(InvalidSetOfValues) as caught:
        PeriodType.from_code(code)
    assert caught.value.code == 2030


def test_iso_week_counts() -> None:
    assert iso_weeks_in_year(2026) == 53
    assert iso_weeks_in_year(2025) == 52
    assert iso_weeks_in_year(2020) == 53


@pytest.mark.parametrize(
    ("period_type", "year", "count"),
    [(M, 2025, 12), (M, 2026, 12), (W4, 2025, 13), (W4, 2026, 13), (W1, 2025, 52), (W1, 2026, 53)],
)
def test_range_of_each_type(period_type: PeriodType, year: int, count: int) -> None:
    assert period_type.periods_in_year(year) == count
    assert validate(period_type, year, 1) == Period(year, 1)
    assert validate(period_type, year, count) == Period(year, count)
    with pytest.raises(InvalidPeriod):
        validate(period_type, year, count + 1)


@pytest.mark.parametrize(
    ("period_type", "year", "number"),
    [
        (M, 2026, 0),
        (M, 2026, -1),
        (M, 2026, 13),
        (W4, 2026, 14),
        (W1, 2025, 53),
        (W1, 2026, 54),
        (M, 1899, 1),
        (M, 2101, 1),
    ],
)
def test_invalid_periods_raise_2006(period_type: PeriodType, year: int, number: int) -> None:
    with pytest.raises(InvalidPeriod) as caught:
        validate(period_type, year, number)
    assert caught.value.code == 2006
    assert caught.value.message == "2006: Invalid Period"


def test_year_bounds_are_valid() -> None:
    assert validate(M, 1900, 1) == Period(1900, 1)
    assert validate(W1, 2100, 52) == Period(2100, 52)


def test_monthly_days() -> None:
    assert first_day(M, Period(2024, 2)) == date(2024, 2, 1)
    assert last_day(M, Period(2024, 2)) == date(2024, 2, 29)
    assert last_day(M, Period(2025, 2)) == date(2025, 2, 28)
    assert last_day(M, Period(2026, 12)) == date(2026, 12, 31)


def test_weekly_days_follow_iso_weeks() -> None:
    assert first_day(W1, Period(2026, 1)) == date(2025, 12, 29)
    assert last_day(W1, Period(2026, 1)) == date(2026, 1, 4)
    assert first_day(W1, Period(2026, 53)) == date(2026, 12, 28)
    assert last_day(W1, Period(2026, 53)) == date(2027, 1, 3)


def test_four_weekly_days() -> None:
    assert first_day(W4, Period(2026, 1)) == date(2025, 12, 29)
    assert last_day(W4, Period(2026, 1)) == date(2026, 1, 25)
    assert first_day(W4, Period(2026, 2)) == date(2026, 1, 26)
    assert last_day(W4, Period(2025, 13)) == date(2025, 12, 28)


def test_four_weekly_period_13_takes_week_53() -> None:
    start, end = first_day(W4, Period(2026, 13)), last_day(W4, Period(2026, 13))
    assert start == date(2026, 11, 30)
    assert end == date(2027, 1, 3)
    assert (end - start).days + 1 == 35
    assert containing(W4, date(2026, 12, 31)) == Period(2026, 13)


@pytest.mark.parametrize("period_type", [M, W4, W1])
@pytest.mark.parametrize("year", [2025, 2026])
def test_periods_tile_the_year_without_gaps(period_type: PeriodType, year: int) -> None:
    periods = list(periods_between(period_type, Period(year, 1), Period(year + 1, 1)))
    assert len(periods) == period_type.periods_in_year(year) + 1
    for earlier, later in pairwise(periods):
        assert last_day(period_type, earlier) + timedelta(days=1) == first_day(period_type, later)
    for period in periods:
        assert containing(period_type, first_day(period_type, period)) == period
        assert containing(period_type, last_day(period_type, period)) == period


@pytest.mark.parametrize(
    ("period_type", "day", "expected"),
    [
        (W1, date(2024, 12, 30), Period(2025, 1)),
        (W1, date(2026, 12, 31), Period(2026, 53)),
        (W1, date(2027, 1, 3), Period(2026, 53)),
        (W1, date(2027, 1, 4), Period(2027, 1)),
        (W4, date(2024, 12, 30), Period(2025, 1)),
        (W4, date(2027, 1, 3), Period(2026, 13)),
        (M, date(2024, 12, 31), Period(2024, 12)),
        (M, date(2025, 1, 1), Period(2025, 1)),
    ],
)
def test_containing_at_year_boundaries(period_type: PeriodType, day: date, expected: Period) -> None:
    assert containing(period_type, day) == expected


def test_containing_outside_supported_years() -> None:
    with pytest.raises(InvalidPeriod):
        containing(M, date(2101, 1, 1))


@pytest.mark.parametrize(
    ("period_type", "period", "following"),
    [
        (M, Period(2025, 12), Period(2026, 1)),
        (M, Period(2025, 5), Period(2025, 6)),
        (W4, Period(2026, 13), Period(2027, 1)),
        (W1, Period(2025, 52), Period(2026, 1)),
        (W1, Period(2026, 52), Period(2026, 53)),
        (W1, Period(2026, 53), Period(2027, 1)),
    ],
)
def test_next_and_previous_roll_over_years(
    period_type: PeriodType, period: Period, following: Period
) -> None:
    assert next_period(period_type, period) == following
    assert previous_period(period_type, following) == period


def test_stepping_past_the_supported_years_is_invalid() -> None:
    with pytest.raises(InvalidPeriod):
        next_period(M, Period(2100, 12))
    with pytest.raises(InvalidPeriod):
        previous_period(M, Period(1900, 1))


def test_stepping_from_an_invalid_period_is_invalid() -> None:
    with pytest.raises(InvalidPeriod):
        next_period(W1, Period(2025, 53))


def test_periods_between() -> None:
    assert list(periods_between(M, Period(2025, 11), Period(2026, 2))) == [
        Period(2025, 11),
        Period(2025, 12),
        Period(2026, 1),
        Period(2026, 2),
    ]
    assert list(periods_between(W1, Period(2026, 3), Period(2026, 3))) == [Period(2026, 3)]
    assert list(periods_between(W1, Period(2026, 4), Period(2026, 3))) == []
    assert len(list(periods_between(W1, Period(2025, 1), Period(2027, 1)))) == 52 + 53 + 1


def test_ordering_is_year_then_number() -> None:
    assert Period(2025, 13) < Period(2026, 1)
    assert Period(2026, 2) < Period(2026, 10)
    assert not Period(2026, 1) < Period(2026, 1)
    assert not Period(2026, 1) < Period(2025, 12)
    assert Period.from_key(Period(2026, 53).key) == Period(2026, 53)


@pytest.mark.parametrize(
    ("period_type", "period", "text"),
    [
        (M, Period(2010, 5), "2010-5-M"),
        (W4, Period(2026, 13), "2026-13-W4"),
        (W1, Period(2026, 53), "2026-53-W1"),
    ],
)
def test_format_is_unpadded(period_type: PeriodType, period: Period, text: str) -> None:
    assert format_period(period_type, period) == text
    assert parse_period(text) == (period_type, period)


def test_four_weekly_suffix_is_configurable() -> None:
    old = PeriodFormat(four_weekly="4W")
    assert format_period(W4, Period(2026, 7), old) == "2026-7-4W"
    assert parse_period("2026-7-4W", old) == (W4, Period(2026, 7))
    with pytest.raises(InvalidPeriod):
        parse_period("2026-7-4W")
    with pytest.raises(InvalidPeriod):
        parse_period("2026-7-W4", old)


def test_round_trip_over_all_periods_of_a_53_week_year() -> None:
    for fmt in (PeriodFormat(), PeriodFormat(four_weekly="4W")):
        for period_type in PeriodType:
            last = Period(2026, period_type.periods_in_year(2026))
            for period in periods_between(period_type, Period(2026, 1), last):
                assert parse_period(format_period(period_type, period, fmt), fmt) == (period_type, period)


@pytest.mark.parametrize(
    "text", ["", "2026-5", "2026-5-X", "26-5-M", "2026-13-M", "2025-53-W1", "2026--1-M", "2026-0-M"]
)
def test_parse_rejects_bad_text(text: str) -> None:
    with pytest.raises(InvalidPeriod) as caught:
        parse_period(text)
    assert caught.value.code == 2006


def test_format_rejects_invalid_period() -> None:
    with pytest.raises(InvalidPeriod):
        format_period(M, Period(2026, 13))


def test_format_suffixes_must_be_distinct() -> None:
    with pytest.raises(ValueError):
        PeriodFormat(four_weekly="M")
