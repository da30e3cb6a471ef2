"""The workflows against a real Nmbrs sandbox: only when NMBRS_* credentials are set. Read-only.

    NMBRS_BASE_URL=https://api-sandbox.nmbrs.nl/soap/v3/ NMBRS_USERNAME=... NMBRS_TOKEN=... \
    NMBRS_DOMAIN=... pytest tests/client/test_workflows_sandbox.py
"""

from __future__ import annotations

import _socket
import os
import socket

import pytest
from nmbrs_client import NmbrsClient
from nmbrs_client.cli import main
from nmbrs_client.settings import credentials_from_env, settings_from_env
from nmbrs_client.workflows.import_employees import import_employees
from nmbrs_client.workflows.permissions import Access, check_permissions

REQUIRED = ("NMBRS_BASE_URL", "NMBRS_USERNAME", "NMBRS_TOKEN", "NMBRS_DOMAIN")
MISSING = [name for name in REQUIRED if not os.environ.get(name)]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"real-sandbox tests need {', '.join(MISSING)} set (see the module docstring)"
)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> NmbrsClient:
    """A client for the sandbox; the test network guard is lifted only for these opted-in tests."""
    monkeypatch.setattr(socket.socket, "connect", _socket.socket.connect)
    credentials = credentials_from_env()
    assert credentials is not None
    return NmbrsClient.from_settings(settings_from_env(), credentials)


def test_sandbox_import_employees(sandbox: NmbrsClient) -> None:
    result = import_employees(sandbox)
    assert result.employees or result.skipped, "the sandbox login sees no employee"
    assert all(e.email for e in result.employees)


def test_sandbox_check_document_rights(sandbox: NmbrsClient) -> None:
    """Every probe of the Mijn Kantoor profile is a read; each answers allowed or missing, never unclear."""
    report = check_permissions(sandbox, ["mijnkantoor"])
    assert all(p.access in (Access.ALLOWED, Access.MISSING) for p in report.profiles[0].probes)


def test_sandbox_cli_import(sandbox: NmbrsClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", sandbox.base_url, "import-employees", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("company_id,employee_id")
