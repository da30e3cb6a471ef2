"""Targets: the real-service safety rules, the client-side pacing, and the in-process mock's reset."""

from __future__ import annotations

import time

import pytest

from mock_server.harness import target as target_module
from mock_server.harness.target import (
    REAL_PACE,
    Credentials,
    Target,
    TargetError,
    real_target,
    request_headers,
    sandbox_target_from_env,
    soap_base,
)

SANDBOX = "https://api-sandbox.nmbrs.nl/soap/v3/"
USER = Credentials("me@example.nl", "secret-token", "mine")


def test_a_real_target_reads_only_and_is_paced_below_150_per_second() -> None:
    target = real_target(SANDBOX, USER)
    assert target.is_real and not target.allow_writes and target.pace == REAL_PACE < 150
    assert real_target(SANDBOX, USER, allow_bursts=True).pace is None
    with pytest.raises(TargetError, match="needs --company"):
        real_target(SANDBOX, USER, allow_writes=True)
    writer = real_target(SANDBOX, USER, allow_writes=True, company_id=12345)
    assert writer.allow_writes and writer.company_id == 12345
    assert target.secrets() == {"secret-token": "NMBRS_TOKEN"}


def test_the_sandbox_comes_from_the_environment() -> None:
    assert sandbox_target_from_env({}) is None
    env = {
        "NMBRS_BASE_URL": SANDBOX,
        "NMBRS_USERNAME": "me@example.nl",
        "NMBRS_TOKEN": "t",
        "NMBRS_DOMAIN": "mine",
    }
    target = sandbox_target_from_env(env)
    assert target is not None and target.is_real
    assert target.credentials == Credentials("me@example.nl", "t", "mine")
    assert target.base_url == SANDBOX


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/soap/v3",
        "http://127.0.0.1:8080/soap/v3/X.asmx",
    ],
)
def test_any_form_of_the_address_names_the_soap_base(url: str) -> None:
    assert soap_base(url) == "http://127.0.0.1:8080/soap/v3/"


def test_the_soap_action_can_be_replaced_or_left_out() -> None:
    action = "https://api.nmbrs.nl/soap/v3/CompanyService/List_GetAll"
    assert request_headers("CompanyService", "List_GetAll", "1.1")["SOAPAction"] == f'"{action}"'
    assert "SOAPAction" not in request_headers("CompanyService", "List_GetAll", "1.1", None)
    assert request_headers("CompanyService", "List_GetAll", "1.2", "x")["Content-Type"].endswith('action="x"')
    assert "action=" not in request_headers("CompanyService", "List_GetAll", "1.2", None)["Content-Type"]


def test_pacing_spaces_calls_out(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(target_module.time, "sleep", slept.append)
    pacer = Target("http://127.0.0.1:1/", USER, pace=100.0)._pacer
    started = time.monotonic()
    for _ in range(11):
        pacer.wait()
    waited = sum(slept) + (time.monotonic() - started)
    assert waited >= 0.099, f"11 calls at 100/s span at least 0.1 s, not {waited:.3f}"


def test_the_in_process_target_resets_its_environment(target: Target) -> None:
    params = "<EmployeeId>100000</EmployeeId><Days>3</Days>"
    read = "<EmployeeId>100000</EmployeeId>"
    before = target.call("EmployeeService", "DaysVar_GetCurrent", read).response_body
    assert target.call("EmployeeService", "DaysVar_SetCurrent", params).status == 200
    assert target.call("EmployeeService", "DaysVar_GetCurrent", read).response_body != before
    target.reset()
    assert target.call("EmployeeService", "DaysVar_GetCurrent", read).response_body == before
    with pytest.raises(TargetError, match="cannot reset"):
        real_target(SANDBOX, USER).reset()
