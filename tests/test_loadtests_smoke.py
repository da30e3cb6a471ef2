"""Smoke tests of loadtests/: the CI smoke load run passes, and fails when a request errors; the
benchmark runs."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
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

    assert process.stdout is not None
    stdout = process.stdout

    def drain() -> None:
        for raw in iter(stdout.readline, b""):
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        seen: list[str] = []
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
        stdout.close()


def _smoke(host: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loadtests.smoke", "--host", host, "--seconds", "3", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _admin(host: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{host}/__admin{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read() or b"null")


def test_smoke_run_passes_and_writes_reports(served_mock: str, tmp_path: Path) -> None:
    result = _smoke(served_mock, tmp_path)
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, output
    assert "PASS" in result.stdout, output
    stats = json.loads((tmp_path / "smoke.json").read_text())
    assert sum(entry["num_requests"] for entry in stats) > 0, output
    assert sum(entry["num_failures"] for entry in stats) == 0, output
    names = {entry["name"] for entry in stats}
    assert {"CompanyService.List_GetAll", "EmployeeService.HourComponentVar_Get"} <= names, names
    assert all(name.count(".") == 1 for name in names), names  # Service.Operation, never a URL
    assert (tmp_path / "smoke_stats.csv").is_file() and (tmp_path / "smoke.html").is_file()
    environments = _admin(served_mock, "GET", "/environments")["environments"]
    assert {"name": "load-1", "employees": 40} in [
        {"name": e["name"], "employees": e["employees"]} for e in environments
    ]


def test_smoke_run_fails_when_a_request_errors(served_mock: str, tmp_path: Path) -> None:
    rule = {"operation": "CompanyService.Company_GetCurrentPeriod", "effect": {"type": "nmbrs", "code": 2004}}
    _admin(served_mock, "POST", "/faults", rule)
    result = _smoke(served_mock, tmp_path)
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 1, output
    assert "FAIL  CompanyService.Company_GetCurrentPeriod:" in result.stdout, output
    failures = (tmp_path / "smoke_failures.csv").read_text()
    assert "CompanyService.Company_GetCurrentPeriod" in failures and "Nmbrs 2004" in failures, failures


def test_the_benchmark_command_runs_its_startup_part_and_reports_it(tmp_path: Path) -> None:
    """`python -m loadtests.bench startup --quick` measures and reports; whether the figures meet their
    targets depends on the machine (exit code 1 then), so only a broken run fails here."""
    figures = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "loadtests.bench", "startup", "--quick", "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode in (0, 1), output
    assert "ERROR" not in result.stdout, output
    assert re.search(r"Startup to first answer \(demo default\), best.*\d+\.\d+ s", result.stdout), output
    data = json.loads(figures.read_text())
    assert data["raw"]["startup"]["best_s"] > 0
    assert {figure["figure"].split(" (quick)")[0] for figure in data["figures"]} >= {
        "Startup to first answer (demo default), best"
    }


def test_bench_command_prints_each_figure_next_to_its_target(tmp_path: Path) -> None:
    """`python -m loadtests.bench PART` prints the table and says which targets miss; the exit code
    follows the verdicts (the figures themselves depend on the machine)."""
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, "-m", "loadtests.bench", "batch", "--quick", "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    output = f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert re.search(r"^figure\s+\| target\s+\| measured\s+\| ok/MISS", result.stdout, re.M), output
    data = json.loads(figures.read_text())
    rows = data["figures"]
    assert [row["target"] for row in rows] == ["<= 3 s", "<= 1.25x (flat)"], output
    assert all(row["ok"] is not None and row["measured"] for row in rows), output
    missed = [row for row in rows if not row["ok"]]
    assert f"{len(missed)} of 2 targets missed" in result.stdout, output
    assert result.returncode == (1 if missed else 0), output
    assert data["machine"]["nproc"] >= 1 and data["raw"]["batch"]["history_lines"] == 4_000


def test_the_open_loop_generator_holds_its_collector_back_only_while_it_offers() -> None:
    """The load generator's own collector pauses are no server latency: held during a run, and
    running again afterwards, also when the run fails."""
    probe = (
        "import gc\n"
        "from loadtests.open_loop import generator_collector_held\n"
        "with generator_collector_held():\n"
        "    held = not gc.isenabled()\n"
        "try:\n"
        "    with generator_collector_held():\n"
        "        raise RuntimeError('run failed')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "print(held, gc.isenabled())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "True"], result.stderr[-2000:]


def test_a_bad_environment_prefix_is_named_before_the_mock_is_asked(tmp_path: Path) -> None:
    """`--nmbrs-prefix` is checked by the mock's own rule for environment names, so the run stops
    with the option named (no traceback), even with no mock listening."""
    locust = Path(sys.executable).with_name("locust")
    command = [str(locust)] if locust.is_file() else [sys.executable, "-m", "locust"]
    result = subprocess.run(
        [*command, "-f", "loadtests/locustfile.py", "--headless", "-u", "1", "-t", "2s",
         "--host", "http://127.0.0.1:9", "--nmbrs-prefix", "Month_End", "MonthEndHourExport"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "--nmbrs-prefix 'Month_End': environment name 'Month_End-1' is not a valid sub-domain" in output
    assert "Traceback" not in output, output
