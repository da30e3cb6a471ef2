"""`nmbrs-mock contract-test` in-process: the table, the exit code, the JSON and JUnit reports, and a
reproduction that replays: the printed `curl` command sends the very same request."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from broken import VARIANTS, break_app

from mock_server.cli import main
from mock_server.harness import command
from mock_server.harness.arguments import PROFILE_NAMES
from mock_server.harness.profiles import PROFILES
from mock_server.harness.target import Target, in_process_target

ONLY = ["--only", "CompanyService.List_GetAll", "--no-stateful"]


def test_a_passing_run_exits_0_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    assert main(["contract-test", *ONLY, "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "CompanyService.List_GetAll" in out and "operations exercised: 1 of 328 served" in out
    data = json.loads(report.read_text())
    assert data["ok"] is True and data["exercised"] == 1 and data["seed"] == 0
    (result,) = data["results"]
    assert result["key"] == "CompanyService.List_GetAll" and result["examples"] >= 6
    assert result["failed"] == {} and result["passed"]["schema"] >= 1


def test_a_broken_mock_exits_1_with_the_reproduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_target() -> Target:
        target = in_process_target()
        break_app(target.app, VARIANTS["dropped_element"])
        return target

    monkeypatch.setattr(command, "in_process_target", broken_target)
    report = tmp_path / "report.xml"
    assert main(["contract-test", *ONLY, "--report", str(report)]) == 1
    out = capsys.readouterr().out
    assert "FAIL schema" in out
    assert "CompanyService.List_GetAll: check 'schema' broke" in out
    assert "reproduce with:\n    curl -sS -i -X POST http://127.0.0.1:" in out
    assert "result: 1 failing" in out
    junit = report.read_text()
    assert '<testcase classname="CompanyService" name="List_GetAll"><failure message="schema:' in junit


def test_a_wrong_option_combination_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contract-test", "--allow-writes"]) == 2
    assert "--allow-writes and --company are for real targets" in capsys.readouterr().err
    assert main(["contract-test", "--target", "https://api-sandbox.nmbrs.nl/soap/v3/"]) == 2
    assert "give --username, --token and --domain" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl binary")
def test_the_curl_command_replays_the_exact_request(target: Target) -> None:
    exchange = target.call("EmployeeService", "Schedule_GetCurrent", "<EmployeeId>100000</EmployeeId>", "1.2")
    assert exchange.status == 200
    replay = subprocess.run(
        ["bash", "-c", exchange.curl(target.base_url).replace("curl -sS -i", "curl -sS")],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert replay.stdout == exchange.response_body


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl binary")
def test_a_real_target_reproduction_hides_the_token(target: Target) -> None:
    exchange = target.call("CompanyService", "List_GetAll")
    command_line = exchange.curl(target.base_url, {target.credentials.token: "NMBRS_TOKEN"})
    assert target.credentials.token not in command_line and "${NMBRS_TOKEN}" in command_line
    replay = subprocess.run(
        ["bash", "-c", command_line.replace("curl -sS -i", "curl -sS")],
        capture_output=True,
        check=True,
        timeout=30,
        env={"NMBRS_TOKEN": target.credentials.token, "PATH": "/usr/bin:/bin"},
    )
    assert replay.stdout == exchange.response_body


def test_the_cli_offers_every_profile_and_builds_without_hypothesis() -> None:
    assert sorted(PROFILE_NAMES) == sorted(PROFILES)
    code = "import sys, mock_server.cli as c; c._parser(); print('hypothesis' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"  # `nmbrs-mock serve` starts without importing Hypothesis
