"""Helpers for the workflow and CLI tests: logins with a template, the mock's state, its journal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from nmbrs_client import NmbrsClient, NmbrsCredentials

from mock_server.app import MockApp
from mock_server.domain.model import ApiUser, EnvironmentSpec

WRITE_PREFIXES = ("Insert", "Update", "Delete", "Set", "Clear", "Stop")


def login(mock_app: MockApp, environment: EnvironmentSpec, template: str) -> NmbrsCredentials:
    """A new login of the environment with the given permission template."""
    user = ApiUser(f"{template}@{environment.name}.test", f"token-{template}", template)
    mock_app.backend.add_user(environment.name, user)
    return NmbrsCredentials(user.username, user.token, environment.name)


def client_for(url: str, credentials: NmbrsCredentials) -> NmbrsClient:
    return NmbrsClient(url, credentials)


def hours_in(mock_app: MockApp, env: str, employee: int, period_key: int) -> list[tuple[int, int, Decimal]]:
    """(record id, hour code, hours) of the employee's variable hour components in the period."""
    records = mock_app.backend.tenant(env).records("HourComponentVar", "employee", [employee])
    return sorted(
        (r.id, r.data["HourCode"], Decimal(r.data["Hours"])) for r in records if r.start == period_key
    )


def operations(mock_app: MockApp, env: str) -> list[str]:
    return [e.operation or "?" for e in mock_app.pipeline.journal.entries(env)]


def writes(mock_app: MockApp, env: str, since: int = 0) -> list[str]:
    """The write operations the journal holds for the environment, from entry `since` on."""
    return [op for op in operations(mock_app, env)[since:] if _is_write(op)]


def _is_write(operation: str) -> bool:
    verb = operation.rpartition("_")[2]
    return any(verb.startswith(prefix) for prefix in WRITE_PREFIXES) or operation.endswith("_Batch")


def write_csv(path: Path, header: str, *lines: str) -> Path:
    path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    return path


def employees_of(mock_app: MockApp, env: str, company_id: int) -> list[int]:
    return [e.id for e in mock_app.backend.tenant(env).employees(company_id)]


def company_of_type(mock_app: MockApp, env: str, period_type: str) -> int:
    for company in mock_app.backend.tenant(env).companies():
        if company.type.value == period_type:
            return company.id
    raise AssertionError(f"no {period_type} company in the demo environment")
