"""The admin API over real HTTP: every endpoint, and every error path answers JSON and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import fault_text, hours_in, soap

from mock_server.control.routes import ROUTES

SCENARIO = """
[[environments]]
name = "scenario-one"
employees = 3
companies = ["M"]

  [[environments.users]]
  username = "office@scenario-one.test"
  token = "office-token"
"""


def test_health_and_an_openapi_document_made_from_the_route_table(admin):
    health = admin("GET", "/health").json()
    assert health["status"] == "ok" and health["version"] and health["environments"] >= 1
    document = admin("GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.0")
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    routed = {(route.method, f"/__admin{route.path}") for route in ROUTES}
    assert routed <= documented
    assert documented - routed == {("GET", "/__admin/ui")}
    create = document["paths"]["/__admin/environments"]["post"]
    assert "201" in create["responses"] and "409" in create["responses"]


def test_create_from_parameters_gives_working_credentials(admin, control_server):
    created = admin(
        "POST", "/environments", json={"name": "params-env", "employees": 3, "period_types": ["W1"]}
    )
    try:
        assert created.status_code == 201
        data = created.json()
        assert data["name"] == data["domain"] == "params-env"
        assert data["soap_url"] == f"{control_server.url}/soap/v3/"
        companies = soap(control_server, data, "CompanyService", "List_GetAll")
        assert companies.status_code == 200 and companies.text.count("<Company>") == 1
        listed = {e["name"]: e for e in admin("GET", "/environments").json()["environments"]}
        assert listed["params-env"] == {
            "name": "params-env",
            "users": [data["username"]],
            "companies": 1,
            "employees": 3,
            "seeded": "seeded",
        }
    finally:
        admin("DELETE", "/environments/params-env")


def test_create_from_a_scenario_and_its_errors_name_the_line(admin, control_server):
    created = admin("POST", "/environments", json={"scenario": SCENARIO})
    try:
        assert created.status_code == 201, created.text
        data = created.json()
        assert (data["username"], data["token"], data["name"]) == (
            "office@scenario-one.test",
            "office-token",
            "scenario-one",
        )
        assert soap(control_server, data, "CompanyService", "List_GetAll").status_code == 200
    finally:
        admin("DELETE", "/environments/scenario-one")
    bad = admin("POST", "/environments", json={"scenario": SCENARIO.replace('["M"]', '["X"]')})
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("<scenario>:5: company period type 'X'")
    assert "scenario-one" not in [e["name"] for e in admin("GET", "/environments").json()["environments"]]


def test_describe_lists_companies_periods_runs_and_employees(admin, env):
    described = admin("GET", f"/environments/{env['name']}").json()
    assert [c["period_type"] for c in described["companies"]] == ["M", "W4"]
    company = described["companies"][0]
    assert set(company["current_period"]) == {"period", "year"}
    assert company["employees"] == 2
    assert company["runs"] and company["runs"][0]["period"] == company["current_period"]["period"] - 1
    employees = admin("GET", f"/environments/{env['name']}/companies/{company['id']}/employees").json()
    assert len(employees["employees"]) == 2 and set(employees["employees"][0]) == {"id", "number", "name"}


def test_close_period_then_a_write_into_it_gets_2011_and_reset_reopens_it(admin, env, control_server):
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    employee = admin("GET", f"/environments/{env['name']}/companies/{company['id']}/employees").json()
    employee_id = employee["employees"][0]["id"]
    current = company["current_period"]
    closed = admin("POST", f"/environments/{env['name']}/companies/{company['id']}/close-period")
    assert closed.status_code == 200 and closed.json()["closed"] == current
    assert closed.json()["current"] != current
    write = hours_in(current["period"], current["year"], employee_id)
    answer = soap(control_server, env, "EmployeeService", "HourComponentVar_Insert", write)
    assert (
        fault_text(answer)
        == "Server was unable to process request. ---> 2011: Protected Mode: Cannot Change in the Past"
    )
    assert admin("POST", f"/environments/{env['name']}/reset").status_code == 200
    assert admin("GET", f"/environments/{env['name']}").json()["companies"][0]["current_period"] == current
    assert soap(control_server, env, "EmployeeService", "HourComponentVar_Insert", write).status_code == 200


def test_a_run_is_processed_for_the_current_period(admin, env):
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    run = admin(
        "POST", f"/environments/{env['name']}/companies/{company['id']}/runs", json={"description": "CI run"}
    )
    assert run.status_code == 201
    data = run.json()
    assert data["period"] == company["current_period"] and data["description"] == "CI run"
    assert data["payslips"] == 2
    after = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    assert after["current_period"] == data["current"] != company["current_period"]
    assert after["runs"][0]["id"] == data["id"]


def test_clone_has_its_own_login_and_data(admin, env, control_server):
    clone = admin("POST", f"/environments/{env['name']}/clone", json={"name": f"{env['name']}-copy"})
    try:
        assert clone.status_code == 201
        data = clone.json()
        assert data["token"] != env["token"]
        original = soap(control_server, env, "CompanyService", "List_GetAll").text
        assert soap(control_server, data, "CompanyService", "List_GetAll").text == original
    finally:
        admin("DELETE", f"/environments/{env['name']}-copy")


def test_a_user_with_a_template_is_limited_by_it(admin, env, control_server):
    user = {"username": "timechimp@ci.test", "token": "tc-token", "template": "timechimp"}
    added = admin("POST", f"/environments/{env['name']}/users", json=user)
    assert added.status_code == 201
    login = added.json()
    assert soap(control_server, login, "CompanyService", "List_GetAll").status_code == 200
    denied = soap(control_server, login, "DebtorService", "Debtor_Insert", "<Debtor><Id>0</Id></Debtor>")
    assert fault_text(denied) == "Server was unable to process request. ---> 1002: Unauthorized access"
    assert admin("POST", f"/environments/{env['name']}/users", json=user).status_code == 409


def test_delete_stops_the_logins(admin, control_server):
    data = admin("POST", "/environments", json={"employees": 1, "period_types": ["M"], "debtors": 1}).json()
    assert admin("DELETE", f"/environments/{data['name']}").json() == {"deleted": data["name"]}
    assert admin("GET", f"/environments/{data['name']}").status_code == 404
    answer = soap(control_server, data, "CompanyService", "List_GetAll")
    assert fault_text(answer) == "Server was unable to process request. ---> 1001: Invalid Authentication"


def test_throttle_settings_change_at_run_time(admin, control_app):
    before = admin("GET", "/throttle").json()
    try:
        changed = admin("PUT", "/throttle", json={"rate_per_second": 5, "delay_seconds": 0.25})
        assert changed.status_code == 200
        assert changed.json() == {**before, "rate_per_second": 5.0, "delay_seconds": 0.25}
        assert control_app.pipeline.throttle.settings.rate_per_second == 5.0
        bad = admin("PUT", "/throttle", json={"scope": "planet"})
        assert bad.status_code == 400 and "scope" in bad.json()["error"]
        assert admin("GET", "/throttle").json() == changed.json()
    finally:
        admin("PUT", "/throttle", json=before)


def test_the_journal_lists_filters_and_shows_one_entry(admin, env, control_server):
    soap(control_server, env, "CompanyService", "List_GetAll")
    soap(
        control_server, env, "EmployeeService", "HourComponentVar_GetCurrent", "<EmployeeId>999</EmployeeId>"
    )
    listed = admin("GET", f"/requests?environment={env['name']}").json()
    assert listed["total"] == 2
    newest, oldest = listed["requests"]
    assert newest["operation"] == "HourComponentVar_GetCurrent" and newest["fault_code"] == 2003
    assert newest["args"] == {"EmployeeId": 999} and "request_body" not in newest
    assert oldest["http_status"] == 200 and oldest["fault"] is None
    only = admin("GET", f"/requests?environment={env['name']}&operation=Company*.List_*").json()
    assert [r["operation"] for r in only["requests"]] == ["List_GetAll"]
    assert admin("GET", f"/requests?environment={env['name']}&fault_code=2003").json()["total"] == 1
    assert admin("GET", f"/requests?environment={env['name']}&status=200").json()["total"] == 1
    assert (
        admin("GET", f"/requests?environment={env['name']}&since=2999-01-01T00:00:00Z").json()["total"] == 0
    )
    one = admin("GET", f"/requests/{newest['id']}").json()
    assert "<Token>***</Token>" in one["request_body"] and env["token"] not in one["request_body"]
    assert "2003" in one["response_body"]
    unmatched = admin("GET", f"/requests/unmatched?environment={env['name']}").json()
    assert [r["id"] for r in unmatched["requests"]] == [newest["id"]]
    assert admin("DELETE", f"/requests?environment={env['name']}").status_code == 200
    assert admin("GET", f"/requests?environment={env['name']}").json()["total"] == 0


def _state(admin) -> Any:
    return (
        admin("GET", "/environments").json(),
        admin("GET", "/faults").json(),
        admin("GET", "/throttle").json(),
    )


BAD_REQUESTS = [
    ("POST", "/environments", {"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", "/environments", {"json": ["a", "list"]}, 400),
    ("POST", "/environments", {"json": {"employes": 3}}, 400),
    ("POST", "/environments", {"json": {"name": "Bad Name"}}, 400),
    ("POST", "/environments", {"json": {"employees": -1}}, 400),
    ("POST", "/environments", {"json": {"employees": "many"}}, 400),
    ("POST", "/environments", {"json": {"period_types": ["M", "Q"]}}, 400),
    ("POST", "/environments", {"json": {"period_types": ["M"], "debtors": 2}}, 400),
    ("POST", "/environments", {"json": {"template": "no-such-template"}}, 400),
    ("POST", "/environments", {"json": {"scenario": "[[environments]\nname="}}, 400),
    ("POST", "/environments", {"json": {"name": "demo"}}, 409),
    ("GET", "/environments/nope", {}, 404),
    ("DELETE", "/environments/nope", {}, 404),
    ("POST", "/environments/nope/reset", {}, 404),
    ("POST", "/environments/demo/clone", {"json": {"name": "demo"}}, 409),
    ("POST", "/environments/demo/users", {"json": {"username": "demo@nmbrs-mock.test", "token": "x"}}, 409),
    ("POST", "/environments/demo/users", {"json": {"username": "x@y.test", "template": "nope"}}, 400),
    ("POST", "/environments/demo/users", {"json": {"username": "x@y.test", "debtor_ids": [1]}}, 400),
    ("POST", "/environments/demo/companies/1/close-period", {}, 404),
    ("POST", "/environments/demo/companies/abc/runs", {}, 400),
    ("GET", "/environments/demo/companies/1/employees", {}, 404),
    ("POST", "/environments/demo/restore", {"data": b"not a snapshot"}, 400),
    ("POST", "/environments/demo/snapshot", {"json": {"path": "/no/such/folder/x.snap"}}, 400),
    ("PUT", "/throttle", {"json": {"rate_per_second": 0}}, 400),
    ("PUT", "/throttle", {"json": {"speed": 1}}, 400),
    ("GET", "/requests/999999999", {}, 404),
    ("GET", "/requests?limit=0", {}, 400),
    ("GET", "/requests?colour=red", {}, 400),
    ("GET", "/requests?fault_code=x", {}, 400),
    ("DELETE", "/requests?environment=nope", {}, 404),
    ("POST", "/requests/verify", {"json": {"where": {}}}, 400),
    ("POST", "/requests/verify", {"json": {"operation": "X", "count": -1}}, 400),
    ("POST", "/requests/verify", {"json": {"operation": "X", "where": {"a..b": 1}}}, 400),
    ("POST", "/faults", {"json": {"effect": {"type": "explode"}}}, 400),
    ("POST", "/faults", {"json": {"effect": {"type": "http", "status": 404}}}, 400),
    ("POST", "/faults", {"json": {"operation": "No_Such_Op", "effect": {"type": "empty"}}}, 400),
    ("POST", "/faults", {"json": {"environment": "nope", "effect": {"type": "empty"}}}, 404),
    ("POST", "/faults", {"json": {"probability": 2, "effect": {"type": "empty"}}}, 400),
    ("POST", "/faults", {"json": {"effect": {"type": "latency", "distribution": "gamma"}}}, 400),
    ("DELETE", "/faults/424242", {}, 404),
    ("PATCH", "/environments", {}, 405),
    ("GET", "/nothing-here", {}, 404),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), BAD_REQUESTS)
def test_bad_requests_get_a_json_error_and_change_nothing(admin, method, path, kwargs, status):
    before = _state(admin)
    response = admin(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in body["error"]
    assert _state(admin) == before


def test_a_body_over_the_limit_is_413(control_app, admin):
    limit = control_app.admin.max_body_bytes
    control_app.admin.max_body_bytes = 100
    try:
        response = admin("POST", "/environments", data=b"x" * 101)
        assert response.status_code == 413 and response.json()["status"] == 413
    finally:
        control_app.admin.max_body_bytes = limit


def test_405_names_the_allowed_methods(admin):
    response = admin("PUT", "/environments/demo")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET"
