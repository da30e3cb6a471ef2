"""Nmbrs faults reach the caller as the exception class of their code, with code, operation and advice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal

import pytest
from nmbrs_client import (
    AccessError,
    AuthenticationError,
    ClientSettings,
    CompanyNotAccessible,
    DebtorNotAccessible,
    DomainNotFound,
    EmployeeNotAccessible,
    HourLine,
    InvalidPeriod,
    NmbrsClient,
    NmbrsCredentials,
    NmbrsFault,
    Period,
    PermissionDenied,
    ProtectedPeriod,
    UnknownError,
)
from nmbrs_client.errors import FAULT_CLASSES
from stub_server import nmbrs_fault, stub_server

from mock_server.app import MockApp
from mock_server.domain import errors as mock_errors
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.server import MockServer


def client_for(server: MockServer, credentials: NmbrsCredentials, **settings: object) -> NmbrsClient:
    return NmbrsClient.from_settings(
        ClientSettings(base_url=f"{server.url}/soap/v3/", **settings),  # type: ignore[arg-type]
        credentials,
    )


def journal_count(mock_app: MockApp, environment: str | None, operation: str) -> int:
    return sum(1 for e in mock_app.pipeline.journal.entries(environment) if e.operation == operation)


def test_wrong_token_is_an_authentication_error(
    mock_server: MockServer, credentials: NmbrsCredentials
) -> None:
    client = client_for(mock_server, replace(credentials, token="wrong"))
    with pytest.raises(AuthenticationError) as raised:
        client.companies.list()
    error = raised.value
    assert type(error) is AuthenticationError  # not DomainNotFound: the token itself is wrong
    assert (error.code, error.operation, error.service) == (1001, "List_GetAll", "CompanyService")
    assert error.message.endswith("---> 1001: Invalid Authentication")
    assert "API token" in str(error)


def test_wrong_domain_is_domain_not_found(
    mock_server: MockServer, credentials: NmbrsCredentials, environment: EnvironmentSpec
) -> None:
    client = client_for(mock_server, replace(credentials, domain="kantoor"))
    with pytest.raises(DomainNotFound) as raised:
        client.companies.list()
    error = raised.value
    assert isinstance(error, AuthenticationError) and error.code == 1001
    assert (error.domain, error.actual) == ("kantoor", environment.name)
    assert "domain 'kantoor' not found" in str(error) and "kantoor.nmbrs.nl" in str(error)


def test_missing_domain_is_discovered_once(
    mock_app: MockApp, mock_server: MockServer, credentials: NmbrsCredentials, environment: EnvironmentSpec
) -> None:
    client = client_for(mock_server, replace(credentials, domain=None))
    assert client.domain == environment.name
    client.companies.list()
    client.companies.list()
    other = client_for(mock_server, replace(credentials, domain=None))  # same login: the process knows it
    other.debtors.list()
    assert journal_count(mock_app, environment.name, "Environment_Get") == 1
    assert client.auth.header("List_GetAll")["AuthHeaderWithDomain"]["Domain"] == environment.name
    assert "Domain" not in client.auth.header("Environment_Get")["AuthHeader"]


def test_threads_discover_the_domain_once(
    mock_app: MockApp, mock_server: MockServer, credentials: NmbrsCredentials, environment: EnvironmentSpec
) -> None:
    client = client_for(mock_server, replace(credentials, domain=None))
    with ThreadPoolExecutor(6) as pool:
        domains = list(pool.map(lambda _: client.companies.list() and client.domain, range(6)))
    assert domains == [environment.name] * 6
    assert journal_count(mock_app, environment.name, "Environment_Get") == 1


def test_missing_right_is_permission_denied(
    mock_app: MockApp, mock_server: MockServer, environment: EnvironmentSpec
) -> None:
    user = ApiUser(f"timechimp@{environment.name}.test", "token-timechimp", "time-tracking-export")
    mock_app.backend.add_user(environment.name, user)
    client = client_for(mock_server, NmbrsCredentials(user.username, user.token, environment.name))
    company = client.companies.list()[0]  # List_GetAll is in the template
    with pytest.raises(PermissionDenied) as raised:
        client.companies.current_period(company.id)
    error = raised.value
    assert (error.code, error.right, error.service) == (1002, "Company_GetCurrentPeriod", "CompanyService")
    assert "User templates" in str(error) and "Company services" in str(error)
    assert journal_count(mock_app, environment.name, "Company_GetCurrentPeriod") == 1  # never retried


def test_protected_period_changes_nothing_and_unprotected_mode_passes(
    mock_app: MockApp, client: NmbrsClient, environment: EnvironmentSpec
) -> None:
    tenant = mock_app.backend.tenant(environment.name)
    company = next(c for c in tenant.companies() if c.period_type == "M")
    employee = tenant.employees(company.id)[0].id
    assert company.current_period > 1
    past = Period(company.current_year, company.current_period - 1)
    before = len(tenant.records("HourComponentVar", "employee", [employee]))
    line = HourLine(employee, 1, Decimal("2.00"))
    with pytest.raises(ProtectedPeriod) as raised:
        client.hours.insert_batch([line], past)
    assert raised.value.code == 2011 and "UnprotectedMode" in str(raised.value)
    assert len(tenant.records("HourComponentVar", "employee", [employee])) == before
    client.hours.insert_batch([line], past, unprotected=True)
    assert len(tenant.records("HourComponentVar", "employee", [employee])) == before + 1


def test_period_outside_the_period_type_is_invalid_period(mock_app: MockApp, client: NmbrsClient) -> None:
    company = next(
        c for c in client.companies.list() if client.companies.current_period(c.id).period_type == "M"
    )
    employee = client.employees.list(company.id)[0].id
    with pytest.raises(InvalidPeriod) as raised:
        client.hours.get(employee, Period(2026, 13))
    assert raised.value.code == 2006


def test_foreign_ids_are_access_errors(client: NmbrsClient) -> None:
    cases = [
        (lambda: client.hours.get(1), EmployeeNotAccessible, 2003),
        (lambda: client.companies.current_period(1), CompanyNotAccessible, 2004),
        (lambda: client.debtors.get(1), DebtorNotAccessible, 2009),
    ]
    for call, cls, code in cases:
        with pytest.raises(cls) as raised:
            call()
        assert isinstance(raised.value, AccessError) and raised.value.code == code


def test_every_code_the_mock_knows_has_its_class() -> None:
    known = {cls.code for cls in mock_errors._subclasses(mock_errors.NmbrsError)}
    assert known <= set(FAULT_CLASSES), known - set(FAULT_CLASSES)
    for code, cls in FAULT_CLASSES.items():
        assert cls.default_code == code and issubclass(cls, NmbrsFault)


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("code", [*sorted(FAULT_CLASSES), 2042])
def test_fault_codes_on_the_wire_map_by_table(code: int, version: str) -> None:
    """Each code of the table, as an ASMX fault over SOAP 1.1 and 1.2, becomes its class (2042: none)."""
    with stub_server([nmbrs_fault(code, version)] * 2) as stub:
        client = NmbrsClient(
            f"{stub.url}/soap/v3/",
            NmbrsCredentials("u", "t", "d"),
            soap_version=version,
            settings=ClientSettings(),
        )
        with pytest.raises(NmbrsFault) as raised:
            client.debtors.list()
    assert type(raised.value) is FAULT_CLASSES.get(code, NmbrsFault)
    assert raised.value.code == code and raised.value.operation == "List_GetAll"
    # a fault is an answer, never retried; after a 1001 the client asks Environment_Get whether
    # only the domain is wrong (here that fails too, so it stays an AuthenticationError)
    assert stub.posts == (2 if code == 1001 else 1)


def test_unknown_error_9999() -> None:
    with stub_server([nmbrs_fault(9999)]) as stub:
        client = NmbrsClient(f"{stub.url}/soap/v3/", NmbrsCredentials("u", "t", "d"))
        with pytest.raises(UnknownError) as raised:
            client.companies.list()
    assert raised.value.code == 9999 and "Unkown" in raised.value.message
