"""Scenario files: the format, its error messages (file:line: problem), serving one, and the CLI."""

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
from mock_server.scenario import ScenarioError, load_scenario, parse_scenario
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


# -- errors: every problem names its line ------------------------------------------------------------

ERRORS = [
    pytest.param('[[environments]]\nname = "acme"\nemployees = 12 3\n', 3, "invalid TOML: ", id="syntax"),
    pytest.param('seed = 1\n[[environments]\nname = "acme"\n', 2, "invalid TOML: ", id="syntax-header"),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployes = 120\n' + USER,
        3,
        "unknown key 'employes' in [[environments]]; did you mean 'employees'?",
        id="unknown-key",
    ),
    pytest.param(
        'seeds = 4\n[[environments]]\nname = "acme"\n' + USER,
        1,
        "unknown key 'seeds' in the top level; did you mean 'seed'?",
        id="unknown-top-key",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + 'tokn = "x"\n',
        7,
        "unknown key 'tokn' in [[environments.users]]; did you mean 'token'?",
        id="unknown-user-key",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployees = "120"\n' + USER,
        3,
        "'employees' must be an integer, not a string ('120')",
        id="wrong-type",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nseed = true\n' + USER,
        3,
        "'seed' must be an integer, not a boolean (True)",
        id="bool-is-not-int",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\nemployees = -1\n' + USER,
        4,
        "'employees' must be between 0 and 100000, not -1",
        id="employees-negative",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nemployees = 100_001\n' + USER,
        3,
        "'employees' must be between 0 and 100000, not 100001",
        id="employees-too-many",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = []\n' + USER,
        3,
        "'companies' is empty: list one period type (M, W4 or W1) per company",
        id="companies-empty",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = [\n  "M",\n  "W2",\n]\n' + USER,
        5,
        "company period type 'W2' is not one of M, W4, W1",
        id="companies-bad-type",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ncompanies = ["M", "W4"]\ndebtors = 3\n' + USER,
        4,
        "'debtors' must be between 1 and 2, not 3",
        id="more-debtors-than-companies",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ndebtors = 0\n' + USER,
        3,
        "'debtors' must be between 1 and 4, not 0",
        id="no-debtors",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + '\n[[environments]]\nname = "acme"\n' + USER,
        9,
        "duplicate environment name 'acme'",
        id="duplicate-environment",
    ),
    pytest.param(
        '[[environments]]\nname = "Acme Corp"\n' + USER,
        2,
        "environment name 'Acme Corp' is not a valid sub-domain: use lowercase letters, digits and '-' "
        "(e.g. 'acme-corp')",
        id="bad-name",
    ),
    pytest.param(
        "[[environments]]\nemployees = 3\n" + USER,
        1,
        "environment without a name",
        id="missing-name",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + USER.replace("u@x", "U@X"),
        9,
        "duplicate username 'U@X.test' in this environment",
        id="duplicate-username",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER.replace('token = "t"', 'token = "  "'),
        6,
        "empty token: a login needs one",
        id="empty-token",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER.replace('token = "t"', 'token = "t "'),
        6,
        "token 't ' has spaces around it: the mock strips them from the header, so it would never match",
        id="token-with-spaces",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\n[[environments.users]]\nusername = "u@x.test"\n',
        4,
        "user without a token: add token = ",
        id="missing-token",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + 'template = "time-tracking"\n',
        7,
        "unknown template 'time-tracking'; did you mean 'time-tracking-export'?",
        id="unknown-template",
    ),
    pytest.param(
        '[templates]\nmine = ["CompanyService.List_GetAll"]\n[[environments]]\nname = "acme"\n'
        + USER
        + 'template = "yours"\n',
        9,
        "unknown template 'yours'; known: full, time-tracking-export",
        id="unknown-template-lists-known",
    ),
    pytest.param(
        '[templates]\nmine = [\n  "CompanyService.List_*",\n  "CompanyService.List_GetAl",\n]\n',
        4,
        "template 'mine': pattern 'CompanyService.List_GetAl' matches no served operation; "
        "did you mean 'CompanyService.List_GetAll'?",
        id="pattern-typo",
    ),
    pytest.param(
        '[templates]\nmine = ["List_GetAll"]\n',
        2,
        "template 'mine': pattern 'List_GetAll' matches no served operation; write Service.Operation",
        id="pattern-without-service",
    ),
    pytest.param(
        '[templates]\nfull = ["CompanyService.*"]\n',
        2,
        "template 'full' would hide the builtin of that name",
        id="template-shadows-builtin",
    ),
    pytest.param(
        "[templates]\nnothing = []\n",
        2,
        "template 'nothing' has no patterns, so it would allow nothing",
        id="template-empty",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\ndebtors = 2\n' + USER + "debtors = [1, 3]\n",
        8,
        "debtor position 3 is not one of 1..2 (the environment's debtors, in order)",
        id="debtor-position",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n' + USER + "debtors = []\n",
        7,
        "'debtors' is empty, so this login would see nothing; omit it to see all",
        id="debtor-positions-empty",
    ),
    pytest.param("seed = 3\n", 1, "no [[environments]] table: add at least one", id="no-environment"),
    pytest.param("seed = 3\nenvironments = []\n", 2, "'environments' is empty", id="empty-environments"),
    pytest.param(
        'seed = 3\n\n[[environments]]\nname = "acme"\n',
        3,
        "no [[environments.users]] table: add at least one",
        id="no-user",
    ),
    pytest.param(
        '[environments]\nname = "acme"\n',
        1,
        "'environments' must be an array of tables: write [[environments]] (double brackets)",
        id="single-brackets",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\n\n[environments.users]\nusername = "u"\ntoken = "t"\n',
        4,
        "'users' must be an array of tables: write [[environments.users]] (double brackets)",
        id="single-brackets-users",
    ),
    pytest.param(
        '[[environments]]\nname = "acme"\nusers = [\n  {username = "a", token = "t"},\n'
        '  {username = "b", token = ""},\n]\n',
        3,  # inline tables have no header of their own: the line of their array's key
        "empty token: a login needs one",
        id="inline-users",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), ERRORS)
def test_errors_name_file_line_and_problem(tmp_path, text, line, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert (raised.value.file, raised.value.line) == (str(path), line), str(raised.value)
    assert str(raised.value).startswith(f"{path}:{line}: {problem}"), str(raised.value)


def test_errors_in_the_second_environment_point_into_it(tmp_path):
    text = '[[environments]]\nname = "a"\n' + USER + '\n[[environments]]\nname = "b"\nemployees = -5\n' + USER
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(
        ScenarioError, match=r"two\.toml:10: 'employees' must be between 0 and 100000, not -5"
    ):
        load_scenario(path)


def test_a_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"missing\.toml: cannot read the scenario: No such file"):
        load_scenario(tmp_path / "missing.toml")


def test_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"seed = 1\n# caf\xe9\n")
    with pytest.raises(ScenarioError, match=r"latin1\.toml:2: not UTF-8 text"):
        load_scenario(path)


def test_multi_line_strings_do_not_confuse_the_line_index(tmp_path):
    text = '[[environments]]\nname = "acme"\n' + USER + 'template = """\nemployees = 3\n"""\nbogus = 1\n'
    path = tmp_path / "ml.toml"
    path.write_text(text)
    with pytest.raises(
        ScenarioError, match=r"ml\.toml:10: unknown key 'bogus' in \[\[environments\.users\]\]"
    ):
        load_scenario(path)


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
