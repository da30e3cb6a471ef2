"""How the load tests judge one SOAP answer (loadtests/scenarios/judge.py, no Locust involved)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from nmbrs_client import raw

from mock_server.domain.errors import ProtectedPeriod
from mock_server.soap.faults import client_fault, fault_body, from_nmbrs_error

# loadtests/ is no installed package: load the one module (it imports no Locust) from its file
_JUDGE = Path(__file__).resolve().parents[1] / "loadtests" / "scenarios" / "judge.py"
_spec = importlib.util.spec_from_file_location("loadtests_judge", _JUDGE)
assert _spec is not None and _spec.loader is not None
judge = importlib.util.module_from_spec(_spec)
sys.modules["loadtests_judge"] = judge
_spec.loader.exec_module(judge)
DELAY_HEADER, delay_ms, failure_of, operation_name = (
    judge.DELAY_HEADER, judge.delay_ms, judge.failure_of, judge.operation_name,
)  # fmt: skip
GOOD = raw.envelope("CompanyService", "List_GetAllResponse")


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_operation_name_from_the_action_of_either_soap_version(version: str) -> None:
    headers = raw.http_headers("EmployeeService", "HourComponentVar_Get", version)
    assert operation_name(headers) == "EmployeeService.HourComponentVar_Get"


def test_operation_name_is_none_without_an_action() -> None:
    assert operation_name({"Content-Type": "text/xml; charset=utf-8"}) is None
    assert operation_name(None) is None


def test_a_good_answer_is_no_failure() -> None:
    assert failure_of(200, GOOD) is None


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_an_nmbrs_fault_fails_with_its_code(version: str) -> None:
    body = fault_body(version, from_nmbrs_error(ProtectedPeriod("Period is protected")))
    failure = failure_of(500, body)
    assert failure is not None
    assert str(failure).startswith("Nmbrs 2011: ")


def test_a_fault_without_a_code_and_error_pages_fail_too() -> None:
    failure = failure_of(500, fault_body("1.1", client_fault("bad XML")))
    assert failure is not None and str(failure).startswith("SOAP fault: ")
    assert str(failure_of(503, b"<html>Service Unavailable</html>")).startswith("HTTP 503: ")
    assert str(failure_of(200, b"")) == "HTTP 200: empty answer"
    assert str(failure_of(0, None, ConnectionResetError("reset"))) == "HTTP 0: reset"


def test_a_fault_inside_a_200_is_a_failure() -> None:
    body = fault_body("1.1", from_nmbrs_error(ProtectedPeriod("Period is protected")))
    assert str(failure_of(200, body)).startswith("Nmbrs 2011: ")


def test_delay_header_in_milliseconds() -> None:
    assert delay_ms({DELAY_HEADER: "500.0"}) == 500.0
    assert delay_ms({DELAY_HEADER: "soon"}) is None
    assert delay_ms({}) is None and delay_ms(None) is None
