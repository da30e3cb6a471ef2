"""export-hours (seed 000) against the in-process mock: state afterwards, and only differences re-sent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from nmbrs_client.models import Period
from nmbrs_client.workflows.common import PartialWrite
from nmbrs_client.workflows.csv_input import CsvError
from nmbrs_client.workflows.export_hours import export_hours
from workflow_support import client_for, employees_of, hours_in, login, operations, write_csv, writes

from mock_server.control.fault_injection import FaultRule

HEADER = "employee_id,hour_code,hours,comment,days"


@pytest.fixture
def company(mock_app, environment):
    """The first monthly company: (id, current period, its first four employees)."""
    tenant = mock_app.backend.tenant(environment.name)
    chosen = next(c for c in tenant.companies() if c.type.value == "M")
    period = Period(chosen.current.year, chosen.current.number)
    return chosen.id, period, employees_of(mock_app, environment.name, chosen.id)[:4]


def hours_csv(tmp_path, employees, edits=None):
    """Three lines per employee (8.00, 8.00, 4.50 of code 1) and 2 days each; `edits` replace lines."""
    lines = {}
    for employee in employees:
        for n, (code, hours) in enumerate(((1, "8.00"), (1, "8.00"), (2, "4.50"))):
            lines[(employee, n)] = f"{employee},{code},{hours},day {n},1"
    lines.update(edits or {})
    return write_csv(tmp_path / "hours.csv", HEADER, *[line for line in lines.values() if line])


def state(mock_app, environment, employees, period):
    key = period.year * 100 + period.number
    return {e: hours_in(mock_app, environment.name, e, key) for e in employees}


def test_export_writes_the_csv_and_a_rerun_sends_nothing(mock_app, client, environment, company, tmp_path):
    company_id, period, employees = company
    path = hours_csv(tmp_path, employees)
    result = export_hours(client, path, period, company_id=company_id)
    assert result.calls == 2  # one insert batch, one days batch
    after = state(mock_app, environment, employees, period)
    for employee in employees:
        assert [(code, hours) for _, code, hours in after[employee]] == [
            (1, Decimal("8.00")),
            (1, Decimal("8.00")),
            (2, Decimal("4.50")),
        ]
        assert client.employee.DaysVar_Get(EmployeeId=employee, Period=period.number, Year=period.year) == 3

    seen = len(operations(mock_app, environment.name))
    again = export_hours(client, path, period, company_id=company_id)
    assert again.plan.empty and again.calls == 0
    assert writes(mock_app, environment.name, seen) == []
    assert state(mock_app, environment, employees, period) == after  # same records, same ids


def test_editing_three_lines_resends_only_those_three(mock_app, client, environment, company, tmp_path):
    """Acceptance 3: after 3 CSV lines are edited, the re-export sends only those changes."""
    _company_id, period, employees = company
    export_hours(client, hours_csv(tmp_path, employees), period)
    before = state(mock_app, environment, employees, period)
    first, second = employees[0], employees[1]
    edits = {
        (first, 0): f"{first},1,6.00,day 0 shorter,1",  # changed hours -> update
        (first, 2): "",  # removed -> delete
        (second, 1): f"{second},3,8.00,sick,1",  # other code -> insert (and the old line deleted)
    }
    seen = len(operations(mock_app, environment.name))
    result = export_hours(client, hours_csv(tmp_path, employees, edits), period)

    sent = writes(mock_app, environment.name, seen)
    assert sorted(sent) == sorted(
        [
            "HourComponent_Update",
            "HourComponent_Delete",
            "HourComponentVar_Insert_Batch",
            "HourComponent_Delete",
            "DaysVar_Set_Batch",
        ]
    )
    assert result.plan.changed_employees == [first, second]
    after = state(mock_app, environment, employees, period)
    for untouched in employees[2:]:
        assert after[untouched] == before[untouched]
    assert sorted((c, h) for _, c, h in after[first]) == [(1, Decimal("6.00")), (1, Decimal("8.00"))]
    assert sorted((c, h) for _, c, h in after[second]) == [
        (1, Decimal("8.00")),
        (2, Decimal("4.50")),
        (3, Decimal("8.00")),
    ]
    kept = {rid for rid, _, _ in before[first]} & {rid for rid, _, _ in after[first]}
    assert len(kept) == 2  # the unchanged 8.00 line and the updated one keep their ids
    assert client.employee.DaysVar_Get(EmployeeId=first, Period=period.number, Year=period.year) == 2


def test_dry_run_changes_nothing(mock_app, client, environment, company, tmp_path):
    _company_id, period, employees = company
    before = state(mock_app, environment, employees, period)
    seen = len(operations(mock_app, environment.name))
    result = export_hours(client, hours_csv(tmp_path, employees), period, dry_run=True)
    assert len(result.plan.inserts) == 3 * len(employees) and result.calls == 0
    assert any("+ hour code 2: 4.50" in line for line in result.plan.describe())
    assert writes(mock_app, environment.name, seen) == []
    assert state(mock_app, environment, employees, period) == before


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("100000,1,acht,,", "hours", "is not a number"),
        ("abc,1,8,,", "employee_id", "is not a whole number"),
        ("100000,,8,,", "hour_code", "a value is required"),
    ],
)
def test_bad_csv_rows_name_file_line_and_column(client, company, tmp_path, line, column, message):
    _, period, employees = company
    path = write_csv(tmp_path / "bad.csv", HEADER, f"{employees[0]},1,8,,1", line)
    with pytest.raises(CsvError) as error:
        export_hours(client, path, period)
    assert (error.value.path, error.value.line, error.value.column) == (str(path), 3, column)
    assert message in str(error.value) and str(path) in str(error.value)


def test_unknown_hour_code_is_a_csv_error_before_anything_is_sent(
    mock_app, client, environment, company, tmp_path
):
    company_id, period, employees = company
    path = write_csv(tmp_path / "codes.csv", HEADER, f"{employees[0]},1,8,,", f"{employees[0]},99,8,,")
    seen = len(operations(mock_app, environment.name))
    with pytest.raises(CsvError, match="hour code 99 is not in the hour models") as error:
        export_hours(client, path, period, company_id=company_id)
    assert (error.value.line, error.value.column) == (3, "hour_code")
    assert writes(mock_app, environment.name, seen) == []


def test_protected_period_needs_unprotected_mode(mock_app, client, environment, company, tmp_path):
    _company_id, period, employees = company
    past = Period(period.year, period.number - 1)
    path = hours_csv(tmp_path, employees[:1])
    before = state(mock_app, environment, employees[:1], past)
    with pytest.raises(Exception) as error:
        export_hours(client, path, past)
    assert getattr(error.value, "code", None) == 2011
    assert state(mock_app, environment, employees[:1], past) == before
    export_hours(client, path, past, unprotected=True)
    assert len(state(mock_app, environment, employees[:1], past)[employees[0]]) == 3


def test_timechimp_rights_export_and_days_without_days_read(
    mock_app, mock_server, environment, company, tmp_path
):
    """The TimeChimp template may not call DaysVar_Get: days are then sent for every employee."""
    _, period, employees = company
    timechimp = client_for(
        f"{mock_server.url}/soap/v3/", login(mock_app, environment, "time-tracking-export")
    )
    result = export_hours(timechimp, hours_csv(tmp_path, employees[:2]), period)
    assert result.plan.days_unreadable and "DaysVar_Get" in result.summary()
    assert len(state(mock_app, environment, employees[:2], period)[employees[1]]) == 3


def test_a_failure_midway_says_what_went_out_and_a_rerun_completes(
    mock_app, client, environment, company, tmp_path
):
    """An injected 9999 on the days batch: the hours are in, the error counts them, the re-run sends days."""
    _, period, employees = company
    path = hours_csv(tmp_path, employees[:2])
    rule = FaultRule(operation="EmployeeService.DaysVar_Set_Batch", environment=environment.name, code=9999)
    mock_app.pipeline.faults.add(rule)
    with pytest.raises(PartialWrite) as failure:
        export_hours(client, path, period)
    assert failure.value.calls == 1 and getattr(failure.value.error, "code", None) == 9999
    assert len(state(mock_app, environment, employees[:2], period)[employees[0]]) == 3
    seen = len(operations(mock_app, environment.name))
    export_hours(client, path, period)
    assert writes(mock_app, environment.name, seen) == ["DaysVar_Set_Batch"]
