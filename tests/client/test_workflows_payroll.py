"""import-employees, export-timecards and sync-flex against the in-process mock, checked in its state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from nmbrs_client.workflows.csv_input import CsvError
from nmbrs_client.workflows.export_timecards import WageCodes, export_timecards
from nmbrs_client.workflows.flex_sync import flex_sync
from nmbrs_client.workflows.import_employees import as_csv, as_json, import_employees
from nmbrs_client.workflows.periods import PeriodType, WageCalendar
from workflow_support import client_for, company_of_type, hours_in, login, operations, write_csv, writes

from mock_server.domain.payroll import HOURLY_SALARY_TYPES
from mock_server.domain.periods import Period, containing, first_day
from mock_server.domain.periods import PeriodType as MockPeriodType
from mock_server.domain.records import latest_at

# --- import employees (seed 000) ------------------------------------------------------------------


def test_import_employees_matches_the_mock(mock_app, client, environment):
    tenant = mock_app.backend.tenant(environment.name)
    result = import_employees(client)
    expected_in, expected_skipped, expected_active = set(), set(), set()
    for company in tenant.companies():
        for employee in tenant.employees(company.id):
            info = tenant.records("PersonalInfo", "employee", [employee.id])[-1].data
            if not info.get("EmailWork"):
                expected_skipped.add(employee.id)
                continue
            expected_in.add(employee.id)
            if tenant.records("Contract", "employee", [employee.id]):
                expected_active.add(employee.id)
    assert {e.employee_id for e in result.employees} == expected_in
    assert {s.employee_id for s in result.skipped} == expected_skipped
    assert {e.employee_id for e in result.employees if e.active} == expected_active
    assert expected_skipped and expected_in - expected_active  # the seed's edge cases exist in the demo
    first = result.employees[0]
    assert (
        first.email == tenant.records("PersonalInfo", "employee", [first.employee_id])[-1].data["EmailWork"]
    )
    csv_lines = as_csv(result).splitlines()
    assert csv_lines[0].startswith("company_id,employee_id") and len(csv_lines) == len(expected_in) + 1
    assert '"skipped"' in as_json(result)


def test_import_one_company(client, mock_app, environment):
    company = company_of_type(mock_app, environment.name, "W4")
    result = import_employees(client, [company])
    assert result.employees and {e.company_id for e in result.employees} == {company}


# --- timecards (seed 001) -------------------------------------------------------------------------


def test_timecards_land_in_the_wage_period_of_their_dates(mock_app, client, environment, tmp_path):
    company_id = company_of_type(mock_app, environment.name, "W4")
    tenant = mock_app.backend.tenant(environment.name)
    company = tenant.company(company_id)
    employee = tenant.employees(company_id)[0].id
    start = first_day(MockPeriodType.W4, Period(company.current.year, 1))
    calendar = WageCalendar.starting(PeriodType.FOUR_WEEKLY, start)
    now = first_day(MockPeriodType.W4, company.current)
    later = now + timedelta(days=30)  # the next four-week period
    path = write_csv(
        tmp_path / "cards.csv",
        "employee_id,date,hours,hour_code,meals,payment,comment",
        f"{employee},{now + timedelta(days=1)},7.5,,1,,",
        f"{employee},{now + timedelta(days=2)},6.25,2,2,25.00,late",
        f"{employee},{later},4,,,,",
    )
    codes = WageCodes(meal=120, meal_rate=Decimal("7.50"), payment=130)
    result = export_timecards(client, path, calendar, default_hour_code=1, codes=codes)

    periods = {containing(MockPeriodType.W4, d) for d in (now, later)}
    assert [(p.period.year, p.period.number) for p in result.periods] == sorted(
        (p.year, p.number) for p in periods
    )
    current_key, next_key = sorted(p.key for p in periods)
    assert [(c, h) for _, c, h in hours_in(mock_app, environment.name, employee, current_key)] == [
        (1, Decimal("7.50")),
        (2, Decimal("6.25")),
    ]
    assert [(c, h) for _, c, h in hours_in(mock_app, environment.name, employee, next_key)] == [
        (1, Decimal("4.00"))
    ]
    wages = [r for r in tenant.records("WageComponentVar", "employee", [employee]) if r.start == current_key]
    assert sorted((r.data["Code"], Decimal(r.data["Value"])) for r in wages) == [
        (120, Decimal("7.50")),
        (120, Decimal("15.00")),
        (130, Decimal("25.00")),
    ]
    current = containing(MockPeriodType.W4, now)
    assert client.employee.DaysVar_Get(EmployeeId=employee, Period=current.number, Year=current.year) == 2
    comments = {r.data.get("Comment") for r in tenant.records("HourComponentVar", "employee", [employee])}
    assert f"{now + timedelta(days=2)} late" in comments


def test_timecards_before_the_first_wage_period_are_a_csv_error(client, tmp_path):
    calendar = WageCalendar.starting(PeriodType.MONTHLY, first_day(MockPeriodType.M, Period(2026, 1)))
    path = write_csv(tmp_path / "cards.csv", "employee_id,date,hours", "100000,2025-12-31,8")
    with pytest.raises(CsvError) as error:
        export_timecards(client, path, calendar)
    assert (error.value.line, error.value.column) == (2, "date") and "before the first wage period" in str(
        error.value
    )


@pytest.mark.parametrize("period_type", list(MockPeriodType))
def test_calendar_agrees_with_the_mock_periods(period_type):
    """A calendar started on period 1's first day maps every day of 2026 as the mock's calendar does."""
    ours = {MockPeriodType.M: PeriodType.MONTHLY, MockPeriodType.W4: PeriodType.FOUR_WEEKLY}
    calendar = WageCalendar.starting(
        ours.get(period_type, PeriodType.WEEKLY), first_day(period_type, Period(2026, 1))
    )
    day = first_day(period_type, Period(2026, 1))
    while day.year < 2027 or (
        period_type is not MockPeriodType.M and containing(period_type, day).year == 2026
    ):
        expected = containing(period_type, day)
        got = calendar.period_of(day)
        assert (got.year, got.number) == (expected.year, expected.number), day
        day += timedelta(days=1)


# --- flexible payroll (seed 002) ------------------------------------------------------------------


def zero_hour(tenant, company_id):
    """Per employee of the company whether it is a zero-hour employee (hourly salary, no schedule)."""
    result = {}
    key = tenant.company(company_id).current.key
    for employee in tenant.employees(company_id):
        salary = latest_at(tenant.records("Salary", "employee", [employee.id]), key)
        schedule = latest_at(tenant.records("Schedule", "employee", [employee.id]), key)
        hourly = salary is not None and salary.data.get("Type") in HOURLY_SALARY_TYPES
        part_time = Decimal(schedule.data.get("ParttimePercentage") or 0) if schedule is not None else None
        result[employee.id] = hourly and part_time == 0
    return result


def test_flex_sync_sends_zero_hour_employees_of_two_companies(mock_app, mock_server, environment, tmp_path):
    keeping = client_for(f"{mock_server.url}/soap/v3/", login(mock_app, environment, "flexible-payroll"))
    tenant = mock_app.backend.tenant(environment.name)
    companies = [company_of_type(mock_app, environment.name, t) for t in ("M", "W4")]
    lines, expected = [], {}
    for company_id in companies:
        kinds = zero_hour(tenant, company_id)
        flex = [e for e, is_flex in kinds.items() if is_flex][:2]
        fixed = next(e for e, is_flex in kinds.items() if not is_flex)
        assert flex, "every demo company has zero-hour employees"
        lines += [f"{company_id},{e},10,12.50,2" for e in flex] + [f"{company_id},{fixed},10,3,1"]
        expected[company_id] = (flex, fixed)
    path = write_csv(tmp_path / "flex.csv", "company_id,employee_id,hour_code,hours,days", *lines)

    for _ in range(2):  # clear-then-insert: the second run leaves the same hours
        result = flex_sync(keeping, path)
    for sync in result.companies:
        flex, fixed = expected[sync.company_id]
        assert sorted(sync.sent) == sorted(flex) and list(sync.skipped) == [fixed]
        key = tenant.company(sync.company_id).current.key
        for employee in flex:
            assert [(c, h) for _, c, h in hours_in(mock_app, environment.name, employee, key)] == [
                (10, Decimal("12.50"))
            ]
            assert keeping.employee.DaysVarWorked_GetCurrent(EmployeeId=employee).Days == 2
        assert all(code != 10 for _, code, _ in hours_in(mock_app, environment.name, fixed, key))


def test_flex_sync_dry_run_sends_nothing(mock_app, client, environment, tmp_path):
    company_id = company_of_type(mock_app, environment.name, "M")
    flex = [e for e, f in zero_hour(mock_app.backend.tenant(environment.name), company_id).items() if f]
    path = write_csv(
        tmp_path / "flex.csv", "company_id,employee_id,hour_code,hours", f"{company_id},{flex[0]},10,5"
    )
    seen = len(operations(mock_app, environment.name))
    result = flex_sync(client, path, dry_run=True)
    assert list(result.companies[0].sent) == [flex[0]] and result.calls == 0
    assert writes(mock_app, environment.name, seen) == []
