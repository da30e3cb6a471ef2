"""Smoke tests of loadtests/: the Locust file runs headless without failures, the benchmark runs."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
BENCH = ROOT / "loadtests" / "bench_contract.py"
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/soap/v3/")


def _executable(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def _serve_command() -> list[str]:
    script = _executable("nmbrs-mock")
    return [script] if script else [sys.executable, "-m", "mock_server"]


@pytest.fixture
def served_mock() -> Iterator[str]:
    """`nmbrs-mock serve --port 0 --no-throttle --employees 25` in a subprocess; yields its base URL."""
    options = ["serve", "--host", "127.0.0.1", "--port", "0", "--no-throttle", "--employees", "25"]
    command = [*_serve_command(), *options]
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        for raw in iter(process.stdout.readline, b""):
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        seen = []
        while True:
            try:
                line = lines.get(timeout=15)
            except queue.Empty:
                pytest.fail(f"nmbrs-mock serve printed no 'listening on' line in 15 s: {''.join(seen)}")
            if line is None:
                pytest.fail(f"nmbrs-mock serve exited with {process.wait(5)}: {''.join(seen)}")
            seen.append(line)
            match = LISTENING.search(line)
            if match:
                break
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stdout.close()


def test_locustfile_runs_headless_without_failures(served_mock: str, tmp_path: Path) -> None:
    locust = _executable("locust")
    if locust is None:
        pytest.fail(
            "locust is not installed: it is a dev dependency, install it with `pip install -e .[dev]`"
        )
    result = subprocess.run(
        [locust, "-f", str(LOCUSTFILE), "--headless", "-u", "4", "-r", "4", "-t", "3s", "--host", served_mock,
         "--only-summary", "--json-file", str(tmp_path / "stats"), "--exit-code-on-error", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output
    stats_file = tmp_path / "stats.json"
    assert stats_file.is_file(), output
    stats = json.loads(stats_file.read_text())
    requests = sum(entry["num_requests"] for entry in stats)
    failures = sum(entry["num_failures"] for entry in stats)
    assert requests > 0, output
    assert failures == 0, output
    names = {entry["name"] for entry in stats}
    assert {
        "CompanyService.List_GetAll",
        "EmployeeService.PersonalInfo_GetAll_AllEmployeesByCompany",
    } <= names


def test_bench_contract_quick_runs_and_reports_startup(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--no-large", "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output
    assert "Startup to first answer" in result.stdout, output
    assert re.search(r"best of \d+\s+\d+\.\d+ s", result.stdout), output
    data = json.loads(figures.read_text())
    assert 0 < data["startup"]["best_s"] < 2.0
    assert data["throughput"]["errors"] == 0 and data["throughput"]["calls"] > 0
