"""The workflows against a real Nmbrs sandbox: only when NMBRS_* credentials are set. Read-only.

    NMBRS_BASE_URL=https://api-sandbox.nmbrs.nl/soap/v3/ NMBRS_USERNAME=... NMBRS_TOKEN=... \
    NMBRS_DOMAIN=... pytest tests/client/test_workflows_sandbox.py
"""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsClient
from nmbrs_client.cli import main
from nmbrs_client.workflows.import_employees import import_employees
from nmbrs_client.workflows.permissions import Access, check_permissions


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
