"""Scenario files: the format, serving one, and the CLI (their error messages: test_scenario_errors.py)."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.throttle import ThrottleSettings
from mock_server.scenario import load_scenario, parse_scenario
from mock_server.scenarios import EXAMPLE
from mock_server.settings import MockSettings

ROOT = Path(__file__).resolve().parents[1]
FAULT_1002 = "Server was unable to process request. ---> 1002: Unauthorized access"
FAULT_1003 = "Server was unable to process request. ---> 1003: Unauthorized access"

USER = '\n[[environments.users]]\nusername = "u@x.test"\ntoken = "t"\n'  # lines +1..+4

SCENARIO = """\
seed = 5

[templates]
company-reader = ["CompanyService.List_GetAll", "CompanyService.Company_GetCurrentPeriod"]

[[environments]]
name = "acme"
employees = 9
companies = ["M", "W4", "W1"]
debtors = 2

  [[environments.users]]
  username = "timechimp@acme.test"
  token = "tc-token"
  template = "timechimp"

  [[environments.users]]
  username = "admin@acme.test"
  token = "admin-token"

  [[environments.users]]
  username = "client2@acme.test"
  token = "client2-token"
  debtors = [2]

  [[environments.users]]
  username = "reader@acme.test"
  token = "reader-token"
  template = "company-reader"

[[environments]]
name = "other-office"
employees = 0
companies = ["W1"]
seed = 11

  [[environments.users]]
  username = "admin@acme.test"
  token = "other-token"
"""


# -- loading ------------------------------------------------------------------------------------------
def test_example_scenario_loads():
    setups = load_scenario(EXAMPLE)
    assert [setup.spec.name for setup in setups] == ["bakkerij-de-vries", "administratiekantoor-jansen"]
    bakery, office = setups
    assert bakery.shape.employees == 180 and bakery.shape.period_types == ("M", "W4", "W1")
    assert bakery.shape.debtors == 1 and bakery.shape.seed == bakery.spec.seed == 3
    assert [user.template for user in bakery.spec.users] == ["time-tracking-export", "read-only"]
    assert office.shape.seed == 7  # the top-level seed
    assert office.shape.unsent_declarations == 1
    assert [(user.template, user.debtor_ids) for user in office.spec.users] == [
        ("payroll-documents", None),
        ("full", None),
        ("full", [1000]),
    ]
    assert "read-only" in office.spec.templates and office.spec.templates == bakery.spec.templates


def test_defaults():
    (setup,) = parse_scenario(
        '[[environments]]\nname = "x"\n[[environments.users]]\nusername = "u"\ntoken = "t"\n'
    )
    assert (setup.shape.employees, setup.shape.period_types, setup.shape.debtors) == (
        40,
        ("M", "W4", "M", "W1"),
        2,
    )
    assert setup.shape.seed == 1 and setup.spec.users[0].template == "full"
    assert setup.spec.users[0].debtor_ids is None and setup.spec.templates == {}


def test_one_company_defaults_to_one_debtor():
    text = '[[environments]]\nname = "x"\ncompanies = ["W1"]\n' + USER
    assert parse_scenario(text)[0].shape.debtors == 1


# -- served -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> MockApp:
    settings = MockSettings(throttle=ThrottleSettings(enabled=False))
    return MockApp(settings, demo=None, environments=parse_scenario(SCENARIO))


def _call(app: MockApp, username: str, token: str, service: str, operation: str, params: str = "") -> bytes:
    body = raw.envelope(service, operation, params, NmbrsCredentials(username, token, "acme"))
    headers = raw.http_headers(service, operation)
    return app.pipeline.handle(service, body, headers["Content-Type"], headers["SOAPAction"]).body


def _fault(body: bytes) -> str | None:
    fault = raw.fault_of(body)
    return None if fault is None else fault[1]


def _company_ids(body: bytes) -> list[int]:
    ns = raw.namespace("CompanyService")
    return [int(element.text) for element in etree.fromstring(body).iter(f"{{{ns}}}ID")]


def test_scenario_is_served_without_the_demo(app):
    assert sorted(app.backend.specs) == ["acme", "other-office"]
    acme = app.backend.tenant("acme")
    assert [debtor.id for debtor in acme.debtors()] == [1000, 1001]  # the debtor positions' convention
    assert [(c.period_type, c.debtor_id) for c in acme.companies()] == [
        ("M", 1000),
        ("W4", 1001),  # companies go round robin over the debtors
        ("W1", 1000),
    ]
    assert sum(len(acme.employees(c.id)) for c in acme.companies()) == 9
    other = app.backend.tenant("other-office")
    assert [c.period_type for c in other.companies()] == ["W1"] and other.spec.seed == 11


def test_time_tracking_template_allows_list_and_refuses_the_rest(app):
    companies = _call(app, "timechimp@acme.test", "tc-token", "CompanyService", "List_GetAll")
    assert _fault(companies) is None
    assert _company_ids(companies) == [10000, 10001, 10002]
    period = _call(
        app, "timechimp@acme.test", "tc-token", "CompanyService", "Company_GetCurrentPeriod",
        "<CompanyId>10000</CompanyId>",
    )  # fmt: skip
    assert _fault(period) == FAULT_1002


def test_a_login_restricted_to_one_debtor(app):
    body = _call(app, "client2@acme.test", "client2-token", "CompanyService", "List_GetAll")
    assert _company_ids(body) == [10001]  # the one company of debtor 2 (round robin)
    own = _call(
        app, "client2@acme.test", "client2-token", "CompanyService", "Company_GetCurrentPeriod",
        "<CompanyId>10001</CompanyId>",
    )  # fmt: skip
    assert _fault(own) is None and b"Company_GetCurrentPeriodResult" in own
    foreign = _call(
        app, "client2@acme.test", "client2-token", "CompanyService", "Company_GetCurrentPeriod",
        "<CompanyId>10000</CompanyId>",
    )  # fmt: skip
    assert _fault(foreign) == FAULT_1003
    admin = _call(app, "admin@acme.test", "admin-token", "CompanyService", "List_GetAll")
    assert _company_ids(admin) == [10000, 10001, 10002]


def test_a_user_defined_template(app):
    period = _call(
        app, "reader@acme.test", "reader-token", "CompanyService", "Company_GetCurrentPeriod",
        "<CompanyId>10001</CompanyId>",
    )  # fmt: skip
    assert _fault(period) is None and b"Company_GetCurrentPeriodResult" in period
    debtors = _call(app, "reader@acme.test", "reader-token", "DebtorService", "List_GetAll")
    assert _fault(debtors) == FAULT_1002


def test_the_same_username_in_two_environments_is_told_apart_by_the_domain(app):
    body = _call(app, "admin@acme.test", "other-token", "CompanyService", "List_GetAll")
    assert _fault(body) == "Server was unable to process request. ---> 1001: Invalid Authentication"


# -- the CLI ------------------------------------------------------------------------------------------
def _serve(*options: str) -> list[str]:
    return [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--no-throttle", *options]


def test_cli_reports_a_bad_scenario_without_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[environments]]\nname = "acme"\nemployes = 5\n' + USER)
    result = subprocess.run(
        _serve("--scenario", str(path)), cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"nmbrs-mock: {path}:3: unknown key 'employes' in [[environments]]; did you mean 'employees'?\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_refuses_demo_options_with_a_scenario(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(SCENARIO)
    command = _serve("--scenario", str(path), "--employees", "5")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        "nmbrs-mock: --employees and --seed shape the demo environment; set them in the --scenario file\n"
    )


def test_cli_serves_a_scenario_and_lists_its_logins(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(SCENARIO)
    process = subprocess.Popen(
        _serve("--scenario", str(path)), cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        seen: list[str] = []
        while not seen or "WSDL:" not in seen[-1]:
            line = lines.get(timeout=30)
            assert line is not None, f"nmbrs-mock exited with {process.wait(5)}: {''.join(seen)}"
            seen.append(line)
        banner = "".join(seen)
        assert "Domain: acme  (9 employees, 3 companies, 2 debtors, seed 5)" in banner
        assert "Domain: other-office  (0 employees, 1 companies, 1 debtors, seed 11)" in banner
        assert "Username: client2@acme.test  Token: client2-token  Template: full  Debtor ids: 1001" in banner
        assert "Username: timechimp@acme.test  Token: tc-token  Template: timechimp" in banner
        assert "demo@nmbrs-mock.test" not in banner
        listening = re.search(r"listening on (http://[\d.]+:\d+)/soap/v3/", banner)
        assert listening is not None, banner
        url = listening[1]
        timechimp = NmbrsCredentials("timechimp@acme.test", "tc-token", "acme")
        response = requests.post(
            f"{url}/soap/v3/CompanyService.asmx", timeout=10,
            data=raw.envelope("CompanyService", "List_GetAll", credentials=timechimp),
            headers=raw.http_headers("CompanyService", "List_GetAll"),
        )  # fmt: skip
        assert response.status_code == 200 and _company_ids(response.content) == [10000, 10001, 10002]
    finally:
        process.kill()
        process.wait(10)
