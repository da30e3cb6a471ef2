"""pull-documents (seed 004) and check-permissions against the in-process mock."""

from __future__ import annotations

import hashlib
import json

import pytest
from nmbrs_client.workflows.documents import ANNUAL_DOCUMENTS, PullRequest, pull_documents
from nmbrs_client.workflows.permissions import PROFILES, Access, check_permissions
from workflow_support import client_for, company_of_type, login, operations, writes

from mock_server.domain.permissions import resolve_template


@pytest.fixture
def office(mock_app, mock_server, environment):
    return client_for(f"{mock_server.url}/soap/v3/", login(mock_app, environment, "payroll-documents"))


def test_pull_documents_of_a_year(mock_app, office, environment, tmp_path):
    company = company_of_type(mock_app, environment.name, "M")
    year = mock_app.backend.tenant(environment.name).company(company).current.year
    runs = office.company.Run_GetList(CompanyId=company, Year=year)
    declarations = office.company.WageTax_GetList(CompanyId=company, intYear=year)
    locked = [d for d in declarations if d.Status == "locked"]
    assert locked and len(locked) < len(declarations)

    result = pull_documents(office, tmp_path, PullRequest(year=year, companies=(company,)))

    assert len(result.downloaded) == 2 * len(runs) + len(locked) + len(ANNUAL_DOCUMENTS)
    base = tmp_path / str(company) / str(year)
    for run in runs:
        assert (base / f"run-{run.ID}" / "payslips.pdf").read_bytes().startswith(b"%PDF")
        assert b"pain.001" in (base / f"run-{run.ID}" / "sepa.xml").read_bytes()
    wage_tax = sorted(p.name for p in (base / "wage-tax").iterdir())
    assert wage_tax == sorted(f"{d.LoonaangifteID}-period-{d.Period}.xml" for d in locked)
    assert len(list((base / "annual").iterdir())) == len(ANNUAL_DOCUMENTS)

    manifest = json.loads((tmp_path / "manifest.json").read_text())["files"]
    assert len(manifest) == len(result.downloaded)
    for entry in manifest:
        data = (tmp_path / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert {e["status"] for e in manifest if e["kind"] == "wage-tax"} == {"locked"}
    assert not list(tmp_path.rglob("*.part"))
    assert writes(mock_app, environment.name) == []  # reading documents changes nothing
    statuses = {
        d.LoonaangifteID: d.Status for d in office.company.WageTax_GetList(CompanyId=company, intYear=year)
    }
    assert statuses == {d.LoonaangifteID: d.Status for d in declarations}


def test_pull_skips_what_is_there_and_keeps_the_manifest(mock_app, office, environment, tmp_path):
    company = company_of_type(mock_app, environment.name, "M")
    year = mock_app.backend.tenant(environment.name).company(company).current.year
    run = office.company.Run_GetList(CompanyId=company, Year=year)[-1]
    request = PullRequest(year=year, companies=(company,), run_id=run.ID, kinds=("payslips", "sepa"))
    first = pull_documents(office, tmp_path, request)
    assert len(first.downloaded) == 2
    payslips = tmp_path / str(company) / str(year) / f"run-{run.ID}" / "payslips.pdf"
    payslips.unlink()

    seen = len(operations(mock_app, environment.name))
    again = pull_documents(office, tmp_path, request)
    assert [e.path for e in again.downloaded] == [str(payslips.relative_to(tmp_path))]
    assert [e.kind for e in again.skipped] == ["sepa"]
    fetched = operations(mock_app, environment.name)[seen:]
    assert fetched.count("SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2") == 1
    assert "SalaryDocuments_GetSEPA" not in fetched
    manifest = json.loads((tmp_path / "manifest.json").read_text())["files"]
    assert sorted(e["kind"] for e in manifest) == ["payslips", "sepa"]
    assert {e["sha256"] for e in manifest} == {e.sha256 for e in first.downloaded}


def test_pull_other_statuses(mock_app, office, environment, tmp_path):
    company = company_of_type(mock_app, environment.name, "M")
    year = mock_app.backend.tenant(environment.name).company(company).current.year
    request = PullRequest(year=year, companies=(company,), statuses=("sent",), kinds=("wage-tax",))
    result = pull_documents(office, tmp_path, request)
    sent = [d for d in office.company.WageTax_GetList(CompanyId=company, intYear=year) if d.Status == "sent"]
    assert sorted(e.declaration_id or 0 for e in result.downloaded) == sorted(d.LoonaangifteID for d in sent)


# --- check permissions ----------------------------------------------------------------------------


def state_fingerprint(mock_app, env):
    tenant = mock_app.backend.tenant(env)
    counts = []
    for company in tenant.companies():
        ids = [e.id for e in tenant.employees(company.id)]
        for family in ("HourComponentVar", "WageComponentVar", "DaysVar", "Address", "BankAccount"):
            counts.append(len(tenant.records(family, "employee", ids)))
    return len(tenant.debtors()), len(tenant.companies()), counts


@pytest.mark.parametrize(
    ("template", "profile"),
    [
        ("time-tracking-export", "timechimp"),
        ("flexible-payroll", "keeping"),
        ("payroll-documents", "mijnkantoor"),
    ],
)
def test_check_permissions_matches_the_template(mock_app, mock_server, environment, template, profile):
    login_client = client_for(f"{mock_server.url}/soap/v3/", login(mock_app, environment, template))
    before = state_fingerprint(mock_app, environment.name)
    report = check_permissions(login_client)
    rights = resolve_template(template, {})
    for checked in report.profiles:
        for probe in checked.probes:
            if probe.access is Access.UNKNOWN_OPERATION:
                assert probe.operation == "Schedule_GetNmbrs"  # listed by Keeping, not in the v3 API
                continue
            assert (probe.access is Access.ALLOWED) == rights.allows(probe.service, probe.operation), probe
    by_name = {p.name: p for p in report.profiles}
    assert by_name[profile].complete
    assert not by_name["nmbrs-cli"].complete
    missing = by_name["nmbrs-cli"].missing[0]
    assert "Webservices Right Edit" in missing.advice and missing.operation in missing.advice
    assert state_fingerprint(mock_app, environment.name) == before
    assert {p.name for p in report.profiles} == set(PROFILES)


def test_full_rights_are_complete(client):
    report = check_permissions(client, ["timechimp", "nmbrs-cli"])
    assert all(p.complete for p in report.profiles)
