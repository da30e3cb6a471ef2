"""`--target URL` works against any running mock: one started in this process on port 0, a
`nmbrs-mock serve --port 0` subprocess, and a broken mock made in a process of its own."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from broken import VARIANTS
from support import harness_for

from mock_server.app import MockApp
from mock_server.cli import main
from mock_server.domain.throttle import ThrottleSettings
from mock_server.harness.repro import reproduction
from mock_server.harness.target import url_target
from mock_server.server import MockServer
from mock_server.settings import MockSettings

HERE = Path(__file__).resolve().parent
ONLY = (
    "CompanyService.List_GetAll",
    "EmployeeService.Schedule_GetCurrent",
    "EmployeeService.HourComponentVar_Get",
)


def _spawn(*command: str) -> tuple[subprocess.Popen[str], str]:
    """Start a server process; returns it and the first URL it prints."""
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:\d+/soap/v3/", line)
        if found:
            return process, found.group(0)
    process.kill()
    raise AssertionError(f"{command} printed no URL (exit {process.wait()})")


@pytest.fixture
def served_mock() -> Iterator[MockServer]:
    app = MockApp(MockSettings(throttle=ThrottleSettings(enabled=False)))
    with MockServer(app) as server:
        yield server


def _environments(server: MockServer) -> set[str]:
    listed = requests.get(f"{server.url}/__admin/environments", timeout=10).json()["environments"]
    return {environment["name"] for environment in listed}


def test_a_mock_in_this_process_at_its_url(served_mock: MockServer) -> None:
    with url_target(served_mock.url) as target:
        assert target.base_url == f"{served_mock.url}/soap/v3/"
        assert target.admin_url == f"{served_mock.url}/__admin/"
        assert target.environment not in (None, "demo"), "a fresh environment of its own"
        assert _environments(served_mock) == {"demo", target.environment}
        harness = harness_for(target, *ONLY)
        results = [harness.run_operation(info) for info in harness.operations()]
    assert sorted(r.key for r in results) == sorted(ONLY)
    assert _environments(served_mock) == {"demo"}, "its environment is deleted on close"
    for result in results:
        assert result.ok, reproduction(result, target)
        assert result.examples >= harness.profile.examples


def test_the_cli_against_a_serve_subprocess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process, url = _spawn(sys.executable, "-m", "mock_server", "serve", "--port", "0", "--no-throttle")
    try:
        report = tmp_path / "report.xml"
        argv = ["contract-test", "--target", url, "--no-stateful", "--report", str(report)]
        code = main(argv + [arg for key in ONLY for arg in ("--only", key)])
    finally:
        process.kill()
        process.wait()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "operations exercised: 3 of 328 served" in out
    assert report.read_text().count("<testcase") == 3 and "<failure" not in report.read_text()


@pytest.mark.parametrize("name", ["decimal_exponent", "fault_with_200"])
def test_a_broken_mock_in_another_process_is_caught(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    variant = VARIANTS[name]
    key = f"{variant.service}.{variant.operation}"
    process, url = _spawn(sys.executable, str(HERE / "broken.py"), name)
    try:
        code = main(["contract-test", "--target", url, "--no-stateful", "--only", key])
    finally:
        process.kill()
        process.wait()
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"{key}: check '{variant.check}' broke" in out or f"FAIL {variant.check}" in out, out
    assert f"curl -sS -i -X POST {url}{variant.service}.asmx" in out
