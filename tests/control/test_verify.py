"""Verify: counts with field-path conditions, and failures that explain themselves."""

from __future__ import annotations

import pytest
import requests
from control_helpers import batch_hours, fault_text, soap

from mock_server.control.errors import Invalid
from mock_server.control.verify import parse_path, resolve


def _employees(admin, env) -> list[int]:
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    listed = admin("GET", f"/environments/{env['name']}/companies/{company['id']}/employees").json()
    return [e["id"] for e in listed["employees"]]


def _insert_batch(admin, env, control_server, codes: list[int]) -> None:
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    period = company["current_period"]
    employee = _employees(admin, env)[0]
    params = batch_hours([(employee, code, "8") for code in codes], period["period"], period["year"])
    answer = soap(control_server, env, "EmployeeService", "HourComponentVar_Insert_Batch", params)
    assert answer.status_code == 200, answer.text


def test_verify_counts_calls_whose_arguments_match(admin, env, control_server):
    _insert_batch(admin, env, control_server, [1, 2])
    _insert_batch(admin, env, control_server, [3])
    where = {"HourComponents.EmployeeHourComponent[*].HourCode": 1}
    body = {"operation": "EmployeeService.HourComponentVar_Insert_Batch", "environment": env["name"]}
    result = admin("POST", "/requests/verify", json={**body, "where": where, "count": 1}).json()
    assert result["ok"] and result["matched"] == 1 and result["calls"] == 2
    assert admin("POST", "/requests/verify", json={**body, "at_least": 2}).json()["ok"]
    assert admin("POST", "/requests/verify", json={**body, "at_most": 2}).json()["ok"]
    first = {"HourComponents[0].HourCode": 3, "HourComponents[0].Hours": "8.00"}
    assert admin("POST", "/requests/verify", json={**body, "where": first, "count": 1}).json()["ok"]
    assert admin(
        "POST", "/requests/verify", json={"operation": "HourComponentVar_*", "environment": env["name"]}
    ).json()["ok"]


def test_a_failed_verify_explains_counts_nearest_calls_and_differing_fields(admin, env, control_server):
    _insert_batch(admin, env, control_server, [2, 3])
    body = {
        "operation": "HourComponentVar_Insert_Batch",
        "environment": env["name"],
        "where": {"HourComponents.EmployeeHourComponent[*].HourCode": 1, "Period": 1},
        "count": 1,
    }
    result = admin("POST", "/requests/verify", json=body).json()
    assert not result["ok"] and result["matched"] == 0 and result["expected"] == "exactly 1"
    [miss] = result["near_misses"]
    by_path = {d["path"]: d for d in miss["differences"]}
    assert by_path["HourComponents.EmployeeHourComponent[*].HourCode"]["actual"] == [2, 3]
    assert by_path["Period"]["expected"] == 1 and by_path["Period"]["actual"] != 1
    explanation = result["explanation"]
    assert (
        "called exactly 1 time(s)" in explanation and "0 times matched (once of that operation" in explanation
    )
    assert f"#{miss['id']}" in explanation and "HourCode: expected 1, actual [2, 3]" in explanation


def test_a_verify_of_an_uncalled_operation_names_calls_of_similar_ones(admin, env, control_server):
    soap(control_server, env, "EmployeeService", "HourComponentVar_GetCurrent", "<EmployeeId>1</EmployeeId>")
    result = admin(
        "POST", "/requests/verify", json={"operation": "HourComponentVar_Get", "environment": env["name"]}
    ).json()
    assert not result["ok"] and result["calls"] == 0
    assert result["near_misses"][0]["operation"] == "EmployeeService.HourComponentVar_GetCurrent"
    assert result["unmatched"][0]["fault_code"] == 2003  # employee 1 does not exist
    assert "Unrouted or faulted requests" in result["explanation"]


def test_too_many_calls_fail_at_most(admin, env, control_server):
    for _ in range(3):
        soap(control_server, env, "CompanyService", "List_GetAll")
    result = admin(
        "POST",
        "/requests/verify",
        json={"operation": "List_GetAll", "environment": env["name"], "at_most": 2},
    ).json()
    assert not result["ok"] and result["matched"] == 3 and "Matching calls: #" in result["explanation"]


def test_in_process_verify_is_the_same(control_app, env, admin, control_server):
    soap(control_server, env, "CompanyService", "List_GetAll")
    result = control_app.control.verify("CompanyService.List_GetAll", environment=env["name"], count=1)
    assert result.ok and bool(result)
    assert not control_app.control.verify("CompanyService.List_GetAll", environment=env["name"], count=2)


def test_field_paths():
    args = {"A": [{"B": 1, "C": {"D": "x"}}, {"B": 2}], "E": None}
    assert resolve(args, parse_path("A[*].B")) == [1, 2]
    assert resolve(args, parse_path("A.Item[1].B")) == [2]
    assert resolve(args, parse_path("A.B")) == [1, 2]  # an array's items without [*]
    assert resolve(args, parse_path("A[0].C.D")) == ["x"]
    assert resolve(args, parse_path("a[5].b")) == []
    assert resolve(args, parse_path("E")) == [None]
    for bad in ("", "A..B", "A[x]", "A."):
        with pytest.raises(Invalid):
            parse_path(bad)


def test_a_body_element_that_is_no_operation_gets_the_nearest_names(control_server, env):
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<List_GetALL xmlns="https://api.nmbrs.nl/soap/v3/CompanyService"/></soap:Body></soap:Envelope>'
    )
    answer = requests.post(
        control_server.soap_url("CompanyService"),
        data=body.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8"},
        timeout=30,
    )
    assert fault_text(answer) == (
        "Unable to handle request without a valid action parameter. Please supply a valid soap action. "
        "Did you mean: List_GetAll?"
    )
