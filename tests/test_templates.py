"""What each permission template allows and denies, for every operation family, over SOAP (1002, §7).

For every built-in template, every alias and every template of the example scenario, one login calls
an operation of EVERY family (the part of the name before the first `_`) that the template allows and
one it denies, where the family has such an operation. A denied call is refused with exactly 1002; an
allowed one never is (it may fault otherwise: the arguments are empty). The expectation is computed
here from the template's patterns with fnmatch, and a hand-written table pins the seeds' rights.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from fnmatch import fnmatchcase
from importlib.resources import files
from pathlib import Path

import pytest
import requests
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.contract import SERVICES, load_contract
from mock_server.domain.demo import DEMO_DOMAIN, demo_spec
from mock_server.domain.model import ApiUser
from mock_server.domain.permissions import ALIASES, BUILTIN_TEMPLATES
from mock_server.scenario import load_scenario
from mock_server.server import MockServer

UNAUTHORIZED = "Server was unable to process request. ---> 1002: Unauthorized access"
_names = itertools.count(1)


def scenario_templates() -> dict[str, list[str]]:
    path = Path(str(files("mock_server.scenarios").joinpath("example.toml")))
    templates: dict[str, list[str]] = {}
    for setup in load_scenario(path):
        templates.update(setup.spec.templates)
    assert templates, "the example scenario defines templates of its own"
    return templates


SCENARIO_TEMPLATES = scenario_templates()
TEMPLATES = sorted([*BUILTIN_TEMPLATES, *ALIASES, *SCENARIO_TEMPLATES])


def patterns_of(name: str) -> tuple[str, ...]:
    if name in SCENARIO_TEMPLATES:
        return tuple(SCENARIO_TEMPLATES[name])
    return BUILTIN_TEMPLATES[ALIASES.get(name, name)].patterns


def expected_allowed(name: str, service: str, operation: str) -> bool:
    return any(fnmatchcase(f"{service}.{operation}", pattern) for pattern in patterns_of(name))


def families() -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for service in SERVICES:
        for operation in sorted(load_contract(service).operations):
            grouped.setdefault((service, operation.partition("_")[0]), []).append(operation)
    return grouped


FAMILIES = families()
EXEMPT = {("DebtorService", "Environment_Get")}  # an authentication helper, outside every template


def representatives(name: str) -> Iterator[tuple[str, str, bool]]:
    """(service, operation, allowed): one allowed and one denied operation of every family."""
    for (service, _), operations in FAMILIES.items():
        for allowed in (True, False):
            chosen = next(
                (
                    op
                    for op in operations
                    if (service, op) not in EXEMPT and expected_allowed(name, service, op) is allowed
                ),
                None,
            )
            if chosen is not None:
                yield service, chosen, allowed


# The rights the integration guides list (shared/seeds), written out: what a template must allow or deny.
SEED_RIGHTS = [
    ("time-tracking-export", "EmployeeService.HourComponentVar_Insert_Batch", True),
    ("time-tracking-export", "CompanyService.HourModel2_GetHourCodes", True),
    ("time-tracking-export", "EmployeeService.HourComponentVar_GetCurrent", False),
    ("time-tracking-export", "DebtorService.List_GetAll", False),
    ("flexible-payroll", "EmployeeService.HourComponentVar_ClearCurrent", True),
    ("flexible-payroll", "EmployeeService.DaysFixed_Set_Batch", True),
    ("flexible-payroll", "EmployeeService.HourComponentVar_Insert", False),
    ("flexible-payroll", "CompanyService.WageTax_GetList", False),
    ("payroll-documents", "CompanyService.SalaryDocuments_AnnualDocument_PayrollRegister", True),
    ("payroll-documents", "DebtorService.Debtor_Update", True),
    ("payroll-documents", "EmployeeService.HourComponentVar_Insert_Batch", False),
    ("payroll-documents", "DebtorService.Department_Delete", False),
    ("timecard-export", "EmployeeService.WageComponentVar_Insert_Batch", True),
    ("timecard-export", "CompanyService.WageModel_GetWageCodes", True),
    ("timecard-export", "EmployeeService.WageComponentVar_Insert", False),
    ("full", "DebtorService.Department_Delete", True),
    ("full", "EmployeeService.Employee_Insert", True),
    ("read-only", "EmployeeService.PersonalInfo_GetCurrent", True),
    ("read-only", "EmployeeService.PersonalInfo_UpdateCurrent", False),
    ("read-only", "CompanyService.Company_Insert", False),
]


@pytest.fixture(scope="module")
def logins(mock_app: MockApp) -> dict[str, NmbrsCredentials]:
    """One environment with the scenario's templates and a login per template."""
    spec = replace(demo_spec(f"templates{next(_names)}"), users=[], templates=dict(SCENARIO_TEMPLATES))
    mock_app.backend.clone_environment(DEMO_DOMAIN, spec)
    credentials = {}
    for name in TEMPLATES:
        user = ApiUser(f"{name}@{spec.name}.test", f"token-{name}", name)
        mock_app.backend.add_user(spec.name, user)
        credentials[name] = NmbrsCredentials(user.username, user.token, spec.name)
    return credentials


def refused_with_1002(
    session: requests.Session, server: MockServer, credentials: NmbrsCredentials, service: str, op: str
) -> bool:
    body = raw.envelope(service, op, "", credentials)
    response = session.post(
        server.soap_url(service), data=body, headers=raw.http_headers(service, op), timeout=10
    )
    fault = raw.fault_of(response.content)
    assert fault is None or response.status_code == 500, response.text
    return fault is not None and fault[1] == UNAUTHORIZED


def test_the_seed_rights_are_what_the_templates_say():
    for name, qualified, allowed in SEED_RIGHTS:
        service, _, operation = qualified.partition(".")
        assert operation in load_contract(service).operations, qualified
        assert expected_allowed(name, service, operation) is allowed, (name, qualified)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_family_is_allowed_or_denied_as_the_template_says(mock_server, logins, name):
    wrong = []
    checked = {True: 0, False: 0}
    with requests.Session() as session:
        for service, operation, allowed in representatives(name):
            checked[allowed] += 1
            if refused_with_1002(session, mock_server, logins[name], service, operation) is allowed:
                wrong.append(
                    f"{service}.{operation}: {'allowed' if allowed else 'denied'} but answered otherwise"
                )
    assert not wrong, "\n".join(wrong)
    assert checked[True] > 0
    if name != "full":
        assert checked[False] >= len(FAMILIES) // 2, "a narrow template denies most families"


@pytest.mark.parametrize(("name", "qualified", "allowed"), SEED_RIGHTS)
def test_the_seed_rights_over_soap(mock_server, logins, name, qualified, allowed):
    service, _, operation = qualified.partition(".")
    with requests.Session() as session:
        assert refused_with_1002(session, mock_server, logins[name], service, operation) is not allowed


def test_environment_get_is_outside_every_template(mock_server, logins):
    with requests.Session() as session:
        for credentials in logins.values():
            assert not refused_with_1002(
                session, mock_server, credentials, "DebtorService", "Environment_Get"
            )
