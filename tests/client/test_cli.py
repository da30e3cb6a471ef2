"""The `nmbrs` CLI in process (main([...]) with capsys) and once as the installed console script."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from nmbrs_client.cli import main
from nmbrs_client.cli.parser import build_parser
from workflow_support import company_of_type, employees_of, hours_in, login, write_csv

from mock_server.control.fault_injection import FaultRule

SUBCOMMANDS = (
    "import-employees",
    "export-hours",
    "export-timecards",
    "sync-flex",
    "pull-documents",
    "check-permissions",
)


@pytest.fixture
def url(mock_server):
    return f"{mock_server.url}/soap/v3/"


@pytest.fixture
def nmbrs(url, credentials, capsys):
    """Runs `nmbrs` with the test login: (exit code, stdout, stderr)."""

    def run(*args, creds=credentials, base=url):
        flags = ["--url", base, "-u", creds.username, "-t", creds.token, "--retries", "0"]
        if creds.domain:
            flags += ["-d", creds.domain]
        code = main([*flags, *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


@pytest.fixture
def monthly(mock_app, environment):
    company = company_of_type(mock_app, environment.name, "M")
    current = mock_app.backend.tenant(environment.name).company(company).current
    return company, current, employees_of(mock_app, environment.name, company)


# --- help -----------------------------------------------------------------------------------------


def test_main_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    for name in SUBCOMMANDS:
        assert name in out
    assert "NMBRS_TOKEN" in out and "examples:" in out and "127.0.0.1:8080" in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_help_has_examples(capsys, name):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "examples:" in out and f"nmbrs {name}" in out
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for action in commands.choices[name]._actions:
        assert action.help, f"{name} {action.dest} has no help"


# --- success paths --------------------------------------------------------------------------------


def test_import_employees_json_and_csv(nmbrs, monthly, tmp_path):
    company, _, _ = monthly
    code, out, err = nmbrs("import-employees", "--company", str(company))
    assert code == 0
    document = json.loads(out)
    assert document["employees"] and all(e["email"] for e in document["employees"])
    assert "employees imported" in err
    target = tmp_path / "team.csv"
    code, out, err = nmbrs(
        "import-employees", "--company", str(company), "--format", "csv", "-o", str(target)
    )
    assert code == 0 and out == ""
    assert len(target.read_text().splitlines()) == len(document["employees"]) + 1


def test_export_hours_dry_run_then_export(nmbrs, mock_app, environment, monthly, tmp_path):
    company, current, employees = monthly
    path = write_csv(tmp_path / "hours.csv", "employee_id,hour_code,hours", f"{employees[0]},1,7.5")
    period = f"{current.year}-{current.number}"
    code, out, err = nmbrs("export-hours", str(path), "--period", period, "--dry-run")
    assert code == 0 and "+ hour code 1: 7.50" in out and "would change 1" in err
    assert hours_in(mock_app, environment.name, employees[0], current.key) == []
    code, out, err = nmbrs("export-hours", str(path), "--company", str(company))
    assert code == 0 and "changed 1" in err
    assert [(c, h) for _, c, h in hours_in(mock_app, environment.name, employees[0], current.key)] == [
        (1, Decimal("7.50"))
    ]


def test_export_timecards_and_sync_flex(nmbrs, mock_app, environment, monthly, tmp_path):
    company, current, employees = monthly
    cards = write_csv(
        tmp_path / "cards.csv",
        "employee_id,date,hours,meals",
        f"{employees[1]},{current.year}-{current.number:02d}-03,6,1",
    )
    code, _, err = nmbrs(
        "export-timecards",
        str(cards),
        "--period-type",
        "monthly",
        "--first-period-start",
        f"{current.year}-01-01",
        "--meal-code",
        "120",
    )
    assert code == 0 and "1 timecards" in err
    assert [(c, h) for _, c, h in hours_in(mock_app, environment.name, employees[1], current.key)] == [
        (1, Decimal("6.00"))
    ]
    flex = write_csv(
        tmp_path / "flex.csv", "company_id,employee_id,hour_code,hours", f"{company},{employees[2]},10,3"
    )
    code, _out, err = nmbrs("sync-flex", str(flex), "--dry-run")
    assert code in (0, 1) and f"company {company}" in err


def test_pull_documents_twice(nmbrs, monthly, tmp_path):
    company, current, _ = monthly
    args = (
        "pull-documents",
        str(tmp_path),
        "--year",
        str(current.year),
        "--company",
        str(company),
        "--kind",
        "wage-tax",
    )
    code, out, err = nmbrs(*args)
    assert code == 0 and out.count("wage-tax/") >= 1
    code, out, err = nmbrs(*args)
    assert code == 0 and out == "" and "0 documents downloaded" in err
    assert (tmp_path / "manifest.json").is_file()


def test_check_permissions_reports_missing_rights(nmbrs, mock_app, environment):
    code, out, err = nmbrs(
        "check-permissions", "--profile", "eitje", creds=login(mock_app, environment, "timechimp")
    )
    assert code == 1
    assert "MISSING  EmployeeService.WageComponentVar_Insert_Batch" in out and "Webservices Right Edit" in out
    assert "eitje: 1 rights missing" in err


# --- errors: one clear line, exit 2 ---------------------------------------------------------------


def test_wrong_credentials(nmbrs, credentials):
    wrong = type(credentials)(credentials.username, "not-the-token", credentials.domain)
    code, _out, err = nmbrs("import-employees", creds=wrong)
    assert code == 2 and "authentication failed" in err and "--token" in err


def test_wrong_domain_says_tenant_key_not_found(nmbrs, credentials):
    wrong = type(credentials)(credentials.username, credentials.token, "kantoor")
    code, _out, err = nmbrs("import-employees", creds=wrong)
    assert code == 2 and "Tenant Key not found" in err and "'kantoor'" in err
    assert repr(credentials.domain) in err  # names the domain these credentials belong to


def test_missing_permission_names_operation_and_right(nmbrs, mock_app, environment):
    keeping = login(mock_app, environment, "flexible-payroll")
    code, _out, err = nmbrs("import-employees", creds=keeping)
    assert code == 2
    assert "EmployeeService.Contract_GetAll_AllEmployeesByCompany" in err and "1002" in err
    assert "Webservices Right Edit" in err


def test_protected_period_explains_unprotected_mode(nmbrs, mock_app, environment, monthly, tmp_path):
    _, current, employees = monthly
    path = write_csv(tmp_path / "hours.csv", "employee_id,hour_code,hours", f"{employees[0]},1,8")
    past = f"{current.year}-{current.number - 1}"
    code, _, err = nmbrs("export-hours", str(path), "--period", past)
    assert code == 2 and "UnprotectedMode" in err and "--unprotected" in err and "protected" in err
    assert hours_in(mock_app, environment.name, employees[0], current.key - 1) == []
    code, _out, err = nmbrs("export-hours", str(path), "--period", past, "--unprotected")
    assert code == 0 and len(hours_in(mock_app, environment.name, employees[0], current.key - 1)) == 1


def test_bad_csv_row_names_file_line_and_column(nmbrs, monthly, tmp_path):
    _, current, employees = monthly
    path = write_csv(
        tmp_path / "hours.csv", "employee_id,hour_code,hours", f"{employees[0]},1,8", f"{employees[0]},1,8;5"
    )
    code, _out, err = nmbrs("export-hours", str(path), "--period", f"{current.year}-{current.number}")
    assert code == 2 and f"{path}, line 3, column 'hours'" in err and "'8;5' is not a number" in err


def test_unreachable_server_names_the_url(nmbrs):
    with socket.socket() as probe:  # bound, never listening: connections are refused, and no other
        probe.bind(("127.0.0.1", 0))  # server can take the port while the test runs
        port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}/soap/v3/"
        code, _out, err = nmbrs("import-employees", base=base)
    assert code == 2 and "cannot reach the Nmbrs server" in err and f"127.0.0.1:{port}" in err


def test_missing_credentials(capsys, monkeypatch):
    for name in ("NMBRS_USERNAME", "NMBRS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["import-employees"]) == 2
    assert "no credentials" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as done:
        main(["export-hours"])
    assert done.value.code == 2 and "csv" in capsys.readouterr().err


# --- the console script ---------------------------------------------------------------------------


def test_console_script_runs_and_fails_cleanly(url, credentials, tmp_path):
    script = shutil.which("nmbrs", path=str(Path(sys.executable).parent))
    assert script, "the `nmbrs` console script is not installed: pip install -e ."
    env = {**os.environ, "NMBRS_BASE_URL": url, "NMBRS_USERNAME": credentials.username, "NMBRS_DOMAIN": ""}
    ok = subprocess.run(
        [script, "-t", credentials.token, "-d", credentials.domain, "import-employees", "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("company_id,employee_id") and "employees imported" in ok.stderr
    bad = subprocess.run(
        [script, "-t", "wrong", "import-employees"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "authentication failed" in bad.stderr and "Traceback" not in bad.stderr


def test_a_failure_midway_tells_what_went_out(nmbrs, mock_app, environment, monthly, tmp_path):
    _, current, employees = monthly
    path = write_csv(tmp_path / "hours.csv", "employee_id,hour_code,hours,days", f"{employees[0]},1,8,1")
    rule = FaultRule(operation="DaysVar_Set_Batch", environment=environment.name, code=9999)
    mock_app.pipeline.faults.add(rule)
    code, _, err = nmbrs("export-hours", str(path), "--period", f"{current.year}-{current.number}")
    assert code == 2 and "DaysVar_Set_Batch" in err
    assert "1 write calls had gone through before: re-running sends only what is still missing" in err
