"""kill -9 in the middle of many concurrent batch writes (`serve --state`), at 20 random points: after
every restart each acknowledged batch is there whole, and no batch is there in part.

Kill points are drawn by progress (a random number of acknowledged batches, plus a random pause of a
few milliseconds so the kill lands inside requests), not by wall time; one state file serves all
rounds, so every restart also re-checks the batches of the rounds before.
"""

from __future__ import annotations

import os
import queue
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from hardening_support import DEMO
from lxml import etree
from nmbrs_client.raw import envelope, http_headers, namespace

ROUNDS = 20
WRITERS = 16
PER_EMPLOYEE = 2
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/soap/v3/")
NS = {"e": namespace("EmployeeService"), "c": namespace("CompanyService")}
ROOT = Path(__file__).resolve().parents[2]


def _command(state: Path) -> list[str]:
    beside = Path(sys.executable).with_name("nmbrs-mock")
    script = str(beside) if beside.is_file() else shutil.which("nmbrs-mock")
    base = [script] if script else [sys.executable, "-m", "mock_server"]
    return [
        *base,
        "serve",
        "--port",
        "0",
        "--no-throttle",
        "--no-journal",
        "--state",
        str(state),
        "--employees",
        "6",
    ]


class Mock:
    def __init__(self, state: Path) -> None:
        self.process = subprocess.Popen(
            _command(state), cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []

        def drain() -> None:
            assert self.process.stdout is not None
            for raw in iter(self.process.stdout.readline, b""):
                lines.put(raw.decode("utf-8", "replace"))
            lines.put("")

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            self.output.append(line)
            found = LISTENING.search(line)
            if found:
                self.url = found.group(1)
                return
            if not line:
                break
        self.kill()
        pytest.fail("nmbrs-mock did not start: " + "".join(self.output)[-3000:])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()  # SIGKILL: no shutdown code runs
        self.process.wait(30)


def call(session: requests.Session, url: str, service: str, operation: str, params: str) -> bytes:
    response = session.post(
        f"{url}/soap/v3/{service}.asmx", data=envelope(service, operation, params, DEMO),
        headers=http_headers(service, operation), timeout=30,
    )  # fmt: skip
    assert response.status_code == 200, response.text[:500]
    return response.content


def company_scope(url: str) -> tuple[int, int, list[int]]:
    """(year, period, two employee ids) of the first demo company with two employees or more."""
    with requests.Session() as session:
        companies = etree.fromstring(call(session, url, "CompanyService", "List_GetAll", ""))
        for found in companies.iterfind(".//c:ID", namespaces=NS):
            company = int(found.text or 0)
            listed = etree.fromstring(
                call(
                    session, url, "EmployeeService", "List_GetByCompany", f"<CompanyId>{company}</CompanyId>"
                )
            )
            employees = [int(e.text or 0) for e in listed.iterfind(".//e:Id", namespaces=NS)]
            if len(employees) >= 2:
                break
        else:
            pytest.fail("no demo company has two employees")
        current = (
            etree.fromstring(
                call(
                    session,
                    url,
                    "CompanyService",
                    "Company_GetCurrentPeriod",
                    f"<CompanyId>{company}</CompanyId>",
                )
            ).findtext(".//c:Company_GetCurrentPeriodResult", namespaces=NS)
            or ""
        )
        year, period = (int(part) for part in current.split("-")[:2])
    return year, period, employees[:2]


def batch(tag: int, employees: list[int], year: int, period: int) -> str:
    items = "".join(
        f"<EmployeeHourComponent><EmployeeId>{employee}</EmployeeId><Id>0</Id><HourCode>1</HourCode>"
        f"<Hours>{tag}.{n + 1}</Hours></EmployeeHourComponent>"
        for employee in employees
        for n in range(PER_EMPLOYEE)
    )
    return f"<HourComponents>{items}</HourComponents><Period>{period}</Period><Year>{year}</Year>"


def stored_tags(url: str, employees: list[int]) -> Counter[int]:
    """Items per batch tag over both employees' current hours (tags are the integer part of Hours)."""
    found: Counter[int] = Counter()
    with requests.Session() as session:
        for employee in employees:
            root = etree.fromstring(
                call(
                    session,
                    url,
                    "EmployeeService",
                    "HourComponentVar_GetCurrent",
                    f"<EmployeeId>{employee}</EmployeeId>",
                )
            )
            found.update(int(Decimal(h.text or "0")) for h in root.iterfind(".//e:Hours", namespaces=NS))
    return Counter({tag: n for tag, n in found.items() if tag >= 10_000})


def write_until_killed(
    mock: Mock, scope: tuple[int, int, list[int]], first_tag: int, kill_after: int, pause: float
) -> set[int]:
    """WRITERS threads send batches until the mock dies; it is killed once `kill_after` batches were
    acknowledged (and `pause` later). The tags whose answer arrived."""
    year, period, employees = scope
    acknowledged: set[int] = set()
    lock = threading.Lock()
    enough = threading.Event()

    def writer(number: int) -> None:
        with requests.Session() as session:
            for n in range(10_000):
                tag = first_tag + number * 1000 + n
                try:
                    call(
                        session,
                        mock.url,
                        "EmployeeService",
                        "HourComponentVar_Insert_Batch",
                        batch(tag, employees, year, period),
                    )
                except (requests.RequestException, AssertionError):
                    return
                with lock:
                    acknowledged.add(tag)
                    if len(acknowledged) >= kill_after:
                        enough.set()

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    assert enough.wait(120), "the writers made no progress"
    time.sleep(pause)
    mock.kill()
    for thread in threads:
        thread.join(60)
    with lock:
        return set(acknowledged)


def test_kill_9_during_concurrent_batches_keeps_every_acknowledged_batch_whole(tmp_path):
    state = tmp_path / "state.sqlite"
    draw = random.Random(int(os.environ.get("NMBRS_CRASH_SEED", "0")) or None)
    mock = Mock(state)
    scope = company_scope(mock.url)
    whole = 2 * PER_EMPLOYEE
    acknowledged: set[int] = set()
    kills: list[tuple[int, float, int]] = []
    try:
        for round_number in range(ROUNDS):
            kill_after, pause = draw.randint(1, 40), draw.uniform(0, 0.02)
            first_tag = 100_000 * (round_number + 1)
            acknowledged |= write_until_killed(mock, scope, first_tag, kill_after, pause)
            mock = Mock(state)  # restart on the same state file
            found = stored_tags(mock.url, scope[2])
            partial = {tag: n for tag, n in found.items() if n != whole}
            missing = sorted(acknowledged - set(found))
            kills.append((kill_after, round(pause * 1000, 1), len(found)))
            assert not partial, f"round {round_number}: batches stored in part: {partial}"
            assert not missing, f"round {round_number}: acknowledged batches lost: {missing[:20]}"
    finally:
        mock.kill()
    print(f"{ROUNDS} kill -9 points (acknowledged before the kill, ms after, batches stored): {kills}")
    print(f"{len(acknowledged)} acknowledged batches, all whole after every restart")
    assert len(kills) == ROUNDS
