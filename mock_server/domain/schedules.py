"""Work schedules that agree with a contract's hours per week.

A company's full-time week is 5 x 8 = 40 hours (its `Schedule_GetCurrent` rota). An employee's two-week
rota spreads the contract's hours over whole days of 8 hours where they divide (24 h: Monday to
Wednesday, 32 h: Monday to Thursday), else over five equal days (38 h: 5 x 7.6); the part-time
percentage is the share of the full-time week. A zero-hour contract has an empty rota at 0 %.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FULLTIME_DAY = Decimal("8.0")
FULLTIME_WEEK = FULLTIME_DAY * 5


def _day_hours(hours_per_week: Decimal) -> list[Decimal]:
    if not hours_per_week:
        return [Decimal("0.0")] * 7
    if hours_per_week % FULLTIME_DAY == 0 and hours_per_week <= FULLTIME_WEEK:
        days = int(hours_per_week / FULLTIME_DAY)
        return [FULLTIME_DAY] * days + [Decimal("0.0")] * (7 - days)
    per_day = (hours_per_week / 5).quantize(Decimal("0.01"))
    return [per_day] * 5 + [Decimal("0.0")] * 2


def rota(hours: list[Decimal]) -> dict[str, Decimal]:
    """`HoursMonday` .. `HoursSunday2`: the same week twice."""
    return {
        f"Hours{day}{week}": value for week in ("", "2") for day, value in zip(WEEKDAYS, hours, strict=True)
    }


def employee_schedule(hours_per_week: Decimal) -> dict[str, Any]:
    """The Schedule fields of an employee with this contract (without StartDate)."""
    share = (Decimal(hours_per_week) / FULLTIME_WEEK * 100).quantize(Decimal("0.1"))
    return {**rota(_day_hours(Decimal(hours_per_week))), "ParttimePercentage": share}


def weekly_hours(schedule: dict[str, Any]) -> Decimal:
    """Hours per week of a two-week rota (the mean of its two weeks)."""
    return sum((Decimal(v or 0) for k, v in schedule.items() if k.startswith("Hours")), Decimal(0)) / 2


def company_fulltime_schedule() -> dict[str, Any]:
    """The company's `BedrijfFulltimeSchedule`: one full-time rota, hours per year divided by periods."""
    week = [FULLTIME_DAY] * 5 + [Decimal("0.0")] * 2
    return {"FulltimeScheduleOne": {"ScheduleCalcMethod": "HoursYearDevidedPeriods", **rota(week)}}
