"""The nmbrs_mock pytest plugin as an integrator uses it: nothing but its fixtures.

`nmbrs_env` is this test's own fresh environment (login, URLs, a ready client, control helpers);
`nmbrs_env_factory` makes more. Passes under `pytest -n 2` (each worker serves its own mock).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from nmbrs_client import ClientSettings, HourLine, PermissionDenied, ProtectedPeriod, ServerUnavailable

from mock_server.testing import NmbrsEnv
from mock_server.testing.pytest_plugin import EnvFactory

LIST = "CompanyService.List_GetAll"
BATCH = "EmployeeService.HourComponentVar_Insert_Batch"
HOUR_CODE = "HourComponents.EmployeeHourComponent[*].HourCode"


def test_two_environments_have_their_own_logins_and_data(
    nmbrs_env: NmbrsEnv, nmbrs_env_factory: EnvFactory
) -> None:
    other = nmbrs_env_factory(employees=3, period_types=["W4"])
    assert other.name != nmbrs_env.name and other.token != nmbrs_env.token
    assert len(nmbrs_env.client.companies.list()) == len(nmbrs_env.companies) == 4
    assert [c.id for c in other.client.companies.list()] == [other.company_id]
    assert len(other.employees()) == 3


def test_a_1002_and_a_503_in_one_environment_leave_the_other_untouched(
    nmbrs_env: NmbrsEnv, nmbrs_env_factory: EnvFactory
) -> None:
    other = nmbrs_env_factory()
    nmbrs_env.inject_fault(LIST, code=1002, times=1)
    nmbrs_env.inject_fault(LIST, http_status=503, times=1)
    assert [rule.effect.type for rule in nmbrs_env.faults() if rule.effect] == ["nmbrs", "http"]
    client = nmbrs_env.make_client(settings=ClientSettings(retries=0))  # see each fault, no retry

    with pytest.raises(PermissionDenied) as denied:
        client.companies.list()
    assert denied.value.code == 1002 and "Unauthorized access" in denied.value.message
    assert len(other.client.companies.list()) == 4  # the other environment is not touched
    with pytest.raises(ServerUnavailable) as outage:
        client.companies.list()
    assert outage.value.status == 503
    assert len(client.companies.list()) == 4  # both rules fired their one time

    calls = nmbrs_env.requests("List_GetAll")  # newest first
    assert [(c.http_status, c.injected, c.fault_code) for c in calls] == [
        (200, False, None),
        (503, True, None),
        (500, True, 1002),
    ]
    assert nmbrs_env.faults() == [] and other.faults() == []
    assert [c.http_status for c in other.requests()] == [200] and other.unmatched() == []


def test_verify_passes_and_a_failing_verify_explains_why(nmbrs_env: NmbrsEnv) -> None:
    employee = nmbrs_env.employees()[0]["id"]
    period = nmbrs_env.client.companies.current_period(nmbrs_env.company_id).period
    nmbrs_env.client.hours.insert_batch([HourLine(employee, 1, Decimal(8))], period)

    result = nmbrs_env.verify(BATCH, {HOUR_CODE: 1, "Period": period.number}, count=1)
    assert result.matched_ids == [nmbrs_env.last_request(BATCH).id]
    nmbrs_env.verify("Company_GetCurrentPeriod", at_least=1, at_most=1)

    with pytest.raises(AssertionError) as failed:
        nmbrs_env.verify(BATCH, {HOUR_CODE: 2})
    explanation = str(failed.value)
    assert f"{HOUR_CODE} == 2, but 0 times matched" in explanation
    assert f"{HOUR_CODE}: expected 2, actual 1" in explanation  # the nearest call and the field
    with pytest.raises(AssertionError, match="exactly 2"):
        nmbrs_env.verify(BATCH, count=2)


def test_a_closed_period_refuses_writes_with_2011(nmbrs_env: NmbrsEnv) -> None:
    employee = nmbrs_env.employees()[0]["id"]
    period = nmbrs_env.client.companies.current_period(nmbrs_env.company_id).period
    closed = nmbrs_env.close_period()
    assert closed["closed"] == {"period": period.number, "year": period.year}
    assert nmbrs_env.current_period() == closed["current"] != closed["closed"]

    with pytest.raises(ProtectedPeriod) as refused:
        nmbrs_env.client.hours.insert_batch([HourLine(employee, 1, Decimal(8))], period)
    assert refused.value.code == 2011
    assert [c.operation for c in nmbrs_env.requests(fault_code=2011)] == ["HourComponentVar_Insert_Batch"]
    nmbrs_env.client.hours.insert_batch([HourLine(employee, 1, Decimal(8))], period, unprotected=True)
    nmbrs_env.verify(BATCH, {"UnprotectedMode": True}, count=1)


def test_the_readme_example(nmbrs_env: NmbrsEnv) -> None:
    nmbrs_env.inject_fault("CompanyService.List_GetAll", code=1002, times=1)
    with pytest.raises(PermissionDenied):
        nmbrs_env.client.companies.list()
    assert len(nmbrs_env.client.companies.list()) == 4  # the rule fired its one time
    nmbrs_env.verify("List_GetAll", count=2)  # AssertionError explains a miss
    nmbrs_env.close_period()  # writes into it now get 2011
