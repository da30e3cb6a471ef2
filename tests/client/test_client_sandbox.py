"""The same client code against a real Nmbrs sandbox: runs only when NMBRS_* credentials are set.

    NMBRS_BASE_URL=https://api-sandbox.nmbrs.nl/soap/v3/ NMBRS_USERNAME=... NMBRS_TOKEN=... \
    NMBRS_DOMAIN=... pytest tests/client/test_client_sandbox.py

Read-only: nothing is written to the sandbox.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from nmbrs_client import AuthenticationError, NmbrsClient


def test_sandbox_environment_and_companies(sandbox: NmbrsClient) -> None:
    environment = sandbox.debtors.environment()
    assert environment.subdomain.lower() == (sandbox.credentials.domain or "").lower()
    companies = sandbox.companies.list()
    assert companies, "the sandbox login sees no company"
    period = sandbox.companies.current_period(companies[0].id)
    assert period.year > 2000 and period.number >= 1 and period.period_type


def test_sandbox_employees_and_hours(sandbox: NmbrsClient) -> None:
    company = sandbox.companies.list()[0]
    current = sandbox.companies.current_period(company.id).period
    employees = sandbox.employees.list(company.id)
    if not employees:
        pytest.skip(f"company {company.id} has no employees")
    assert set(sandbox.employees.personal_infos(company.id)) >= {employees[0].id}
    assert isinstance(sandbox.hours.get(employees[0].id, current), list)


def test_sandbox_wrong_token(sandbox: NmbrsClient) -> None:
    wrong = NmbrsClient.from_settings(sandbox.settings, replace(sandbox.credentials, token="not-a-token"))
    with pytest.raises(AuthenticationError) as raised:
        wrong.companies.list()
    assert raised.value.code == 1001
