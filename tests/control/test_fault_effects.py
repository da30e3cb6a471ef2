"""Fault injection over real HTTP: every effect, counts, probability, expiry, users, and clearing."""

from __future__ import annotations

import socket

import pytest
import requests
from control_helpers import fault_text, soap
from lxml import etree
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, http_headers

from mock_server.control.effects import Effect
from mock_server.control.fault_injection import FaultInjector, FaultRule


def _rule(admin, env, effect, **fields):
    created = admin(
        "POST",
        "/faults",
        json={"environment": env["name"], "operation": "List_GetAll", "effect": effect, **fields},
    )
    assert created.status_code == 201, created.text
    return created.json()


def _last(admin, env):
    return admin("GET", f"/requests?environment={env['name']}&limit=1&bodies=1").json()["requests"][0]


def _companies(control_server, env):
    return soap(control_server, env, "CompanyService", "List_GetAll")


def test_an_nmbrs_code_with_its_real_text_once(admin, env, control_server):
    rule = _rule(admin, env, {"type": "nmbrs", "code": 1002}, times=1)
    first = _companies(control_server, env)
    assert first.status_code == 500
    assert fault_text(first) == "Server was unable to process request. ---> 1002: Unauthorized access"
    entry = _last(admin, env)
    assert entry["injected"] and entry["fault_code"] == 1002 and f"rule {rule['id']}" in entry["injection"]
    assert _companies(control_server, env).status_code == 200  # fired its one time
    assert admin("GET", f"/faults?environment={env['name']}").json()["faults"] == []


@pytest.mark.parametrize("status", [500, 503])
def test_http_outages_send_an_html_page(admin, env, control_server, status):
    _rule(admin, env, {"type": "http", "status": status})
    response = _companies(control_server, env)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert ("Service Unavailable" if status == 503 else "Server Error in '/' Application") in response.text
    entry = _last(admin, env)
    assert entry["injected"] and entry["http_status"] == status and entry["fault_code"] is None


def test_empty_truncated_and_malformed_answers(admin, env, control_server):
    whole = _companies(control_server, env).content
    _rule(admin, env, {"type": "empty"}, times=1)
    empty = _companies(control_server, env)
    assert (empty.status_code, empty.content, empty.headers["Content-Length"]) == (200, b"", "0")
    _rule(admin, env, {"type": "truncated", "fraction": 0.5}, times=1)
    truncated = _companies(control_server, env)
    assert truncated.status_code == 200 and truncated.content == whole[: len(whole) // 2]
    _rule(admin, env, {"type": "malformed"}, times=1)
    malformed = _companies(control_server, env)
    assert malformed.status_code == 200
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(malformed.content)
    entries = admin("GET", f"/requests?environment={env['name']}&limit=3").json()["requests"]
    assert [e["injected"] for e in entries] == [True, True, True]


def test_a_connection_reset_is_a_tcp_reset(admin, env, control_server):
    _rule(admin, env, {"type": "reset"})
    body = envelope(
        "CompanyService", "List_GetAll", "", NmbrsCredentials(env["username"], env["token"], env["domain"])
    )
    headers = http_headers("CompanyService", "List_GetAll")
    request = (
        "POST /soap/v3/CompanyService.asmx HTTP/1.1\r\nHost: mock\r\n"
        f"Content-Type: {headers['Content-Type']}\r\n"
        f"SOAPAction: {headers['SOAPAction']}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((control_server.host, control_server.port), timeout=10) as sock:
        sock.sendall(request)
        with pytest.raises(ConnectionResetError):
            if sock.recv(65536) == b"":  # an orderly close would be a FIN, not a reset
                pytest.fail("the connection was closed, not reset")
    with pytest.raises(requests.ConnectionError):
        _companies(control_server, env)
    entry = _last(admin, env)
    assert entry["injected"] and "connection reset" in entry["injection"]


def test_latency_is_slept_through_the_pipeline(admin, env, control_server, slept):
    slept.clear()
    _rule(admin, env, {"type": "latency", "distribution": "fixed", "seconds": 2.5}, times=1)
    assert _companies(control_server, env).status_code == 200
    assert slept == [2.5]
    _rule(admin, env, {"type": "latency", "distribution": "uniform", "low": 1, "high": 2}, times=3, seed=4)
    _rule(admin, env, {"type": "latency", "distribution": "lognormal", "median": 0.2, "sigma": 0.5}, times=3)
    for _ in range(6):
        _companies(control_server, env)
    assert all(1 <= s <= 2 for s in slept[1:4]) and len(set(slept[1:4])) == 3
    assert all(0 < s < 5 for s in slept[4:7])
    assert _last(admin, env)["fault"] is None and _last(admin, env)["injected"]


def test_a_rule_for_one_user_spares_the_others(admin, env, control_server):
    other = admin(
        "POST",
        f"/environments/{env['name']}/users",
        json={"username": "other@ci.test", "token": "other-token"},
    ).json()
    _rule(admin, env, {"type": "nmbrs", "code": 2004}, user="OTHER@ci.test")
    assert _companies(control_server, env).status_code == 200
    assert "2004" in (fault_text(_companies(control_server, other)) or "")


def test_rules_are_cleared_with_their_environment(admin, env, control_server):
    _rule(admin, env, {"type": "nmbrs", "code": 2004})
    kept = admin(
        "POST", "/faults", json={"environment": "demo", "operation": "No_Op*", "effect": {"type": "empty"}}
    )
    assert kept.status_code == 400  # matches no served operation
    kept = admin(
        "POST",
        "/faults",
        json={"environment": "demo", "operation": "Debtor_Get", "effect": {"type": "empty"}},
    )
    assert admin("POST", f"/environments/{env['name']}/reset").status_code == 200
    assert admin("GET", f"/faults?environment={env['name']}").json()["faults"] == []
    assert _companies(control_server, env).status_code == 200
    assert [r["id"] for r in admin("GET", "/faults?environment=demo").json()["faults"]] == [kept.json()["id"]]
    assert admin("DELETE", f"/faults/{kept.json()['id']}").status_code == 200
    assert admin("GET", "/faults?environment=demo").json()["faults"] == []


def test_delete_all_rules(admin, env):
    _rule(admin, env, {"type": "empty"})
    _rule(admin, env, {"type": "malformed"})
    assert admin("DELETE", f"/faults?environment={env['name']}").json() == {"deleted": 2}


def test_a_seeded_probability_fires_reproducibly():
    def pattern(seed: int) -> list[bool]:
        injector = FaultInjector()
        injector.add(FaultRule("List_GetAll", probability=0.3, seed=seed, times=None, effect=Effect("empty")))
        return [injector.effect_for("CompanyService", "List_GetAll", "a") is not None for _ in range(200)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 30 <= sum(pattern(7)) <= 90  # about 30% of 200


def test_a_rule_expires():
    now = [1000.0]
    injector = FaultInjector(clock=lambda: now[0])
    injector.add(FaultRule("*", times=None, expires_at=1010.0))
    assert injector.effect_for("CompanyService", "List_GetAll", "a") is not None
    now[0] = 1010.0
    assert injector.effect_for("CompanyService", "List_GetAll", "a") is None
    assert injector.rules() == []


def test_expires_in_seconds_over_the_api(admin, env, control_app, control_server):
    faults = control_app.pipeline.faults
    real_clock = faults.clock
    now = [5000.0]
    faults.clock = lambda: now[0]
    try:
        rule = _rule(admin, env, {"type": "nmbrs", "code": 2004}, expires_in_seconds=30)
        assert rule["expires_at"] == 5030.0
        assert _companies(control_server, env).status_code == 500
        now[0] = 5031.0
        assert _companies(control_server, env).status_code == 200
    finally:
        faults.clock = real_clock
