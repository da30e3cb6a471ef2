"""The behaviour switches for INFERRED Nmbrs facts, end to end through the pipeline and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, fault_of, http_headers

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.periods import PeriodFormat
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings

DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
SMALL = EnvironmentShape(employees=8, period_types=("W4", "M"))


def make_app(**settings: object) -> MockApp:
    return MockApp(MockSettings(throttle=ThrottleSettings(enabled=False), **settings), SMALL)  # type: ignore[arg-type]


def call(app: MockApp, service: str, operation: str, params: str = "", action: bool = True) -> bytes:
    headers = http_headers(service, operation)
    response = app.pipeline.handle(
        service,
        envelope(service, operation, params, DEMO),
        headers["Content-Type"],
        headers["SOAPAction"] if action else None,
    )
    return response.body


def first_company(app: MockApp, period_type: str) -> int:
    return next(c.id for c in app.backend.tenant(DEMO_DOMAIN).companies() if c.period_type == period_type)


def test_four_weekly_suffix_is_a_setting():
    for suffix in ("W4", "4W"):
        app = make_app(period_format=PeriodFormat(four_weekly=suffix))
        body = call(
            app,
            "CompanyService",
            "Company_GetCurrentPeriod",
            f"<CompanyId>{first_company(app, 'W4')}</CompanyId>",
        )
        assert f"-{suffix}</Company_GetCurrentPeriodResult>".encode() in body


@pytest.mark.parametrize(
    ("code", "text"), [(2011, "Protected Mode: Cannot Change in the Past"), (9999, "Unkown")]
)
def test_protected_period_fault_is_a_setting(code, text):
    app = make_app(protected_period_code=code)
    tenant = app.backend.tenant(DEMO_DOMAIN)
    company = tenant.company(first_company(app, "M"))
    employee = tenant.employees(company.id)[0]
    params = (
        f"<EmployeeId>{employee.id}</EmployeeId><Days>2</Days><Period>{company.current_period - 1}</Period>"
        f"<Year>{company.current_year}</Year><UnprotectedMode>false</UnprotectedMode>"
    )
    fault = fault_of(call(app, "EmployeeService", "DaysVar_Set", params))
    assert fault == ("soap:Server", f"Server was unable to process request. ---> {code}: {text}")


def test_require_soap_action_refuses_body_routing():
    lenient, strict = make_app(), make_app(require_soap_action=True)
    assert fault_of(call(lenient, "CompanyService", "List_GetAll", action=False)) is None
    fault = fault_of(call(strict, "CompanyService", "List_GetAll", action=False))
    assert fault == (
        "soap:Client",
        "Unable to handle request without a valid action parameter. Please supply a valid soap action.",
    )


def test_bad_cli_settings_are_named_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--throttle-rate", "-5"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "nmbrs-mock: rate_per_second must be positive, not -5.0"
    assert "Traceback" not in result.stderr
