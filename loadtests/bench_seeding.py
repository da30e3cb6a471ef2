"""Seeding and memory: `POST /__admin/environments {employees: N}` on a running `nmbrs-mock serve`.

The server starts with the demo default; then one environment of N employees (the demo's four
companies, a year of payroll runs replayed) is seeded through the admin API. Reported: the seeding's
wall time and the server's CPU time for it, the server's resident memory (VmRSS) before and after,
and its peak (VmHWM); one SOAP call against the new environment proves it answers. Then one run is
processed (a write into every employee's ledger) and the environment reset: the reset's wall time.
With `seed_cache`, the server gets `--seed-cache` (a second server on the same folder copies the
environment from it: `seeded` tells which happened). With `probe` False nobody else is connected
while the environment is made (so it is copied in in one transaction, not in steps).

Meanwhile a prober calls `List_GetAll` of the demo environment one call after the other on a
keep-alive connection: how long the longest of those answers took while the environment was made
(and their median) shows whether the mock went on serving. It also samples the resident memory of
the server's descendants (the seeding process of a seeding apart, and the processes of its parts):
the largest is reported, with the CPU time of the children (theirs included).
"""

from __future__ import annotations

import contextlib
import http.client
import re
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import requests
from nmbrs_client import NmbrsCredentials, raw

from loadtests.bench_small import cpu_seconds
from loadtests.mock_process import HOST, BenchError, ServerProcess, SoapCall, post

ADMIN_TIMEOUT = 3600.0


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
    return {key: int(value) / 1024 for key, value in found.items()}


def bench_seed(employees: int, seed_cache: Path | None = None, probe: bool = True) -> dict[str, Any]:
    server = ServerProcess()
    server.command = server.command[: server.command.index("--no-throttle")]  # the demo default
    if seed_cache is not None:
        server.command += ["--seed-cache", str(seed_cache)]
    try:
        server.start()
        port = server.wait_for_port(120)
        assert server.process is not None
        pid = server.process.pid
        before = memory_mb(pid)
        name = "bench-large"
        login = NmbrsCredentials(f"api@{name}.test", "bench-token", name)
        body: dict[str, Any] = {"name": name, "employees": employees, "username": login.username,
                                "token": login.token}  # fmt: skip
        prober = Prober(port)
        prober.server = pid
        cpu_before, child_cpu_before = cpu_seconds(pid), cpu_seconds(pid, children=True)
        started = time.perf_counter()
        with prober if probe else contextlib.nullcontext():  # without it, nothing else is connected
            reply = requests.post(
                f"http://{HOST}:{port}/__admin/environments", json=body, timeout=ADMIN_TIMEOUT
            )
        wall, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu_before
        child_cpu = cpu_seconds(pid, children=True) - child_cpu_before
        if reply.status_code != 201:
            raise BenchError(f"seeding {employees} employees: HTTP {reply.status_code}: {reply.text[:300]}")
        after = memory_mb(pid)
        answer = requests.post(
            f"http://{HOST}:{port}/soap/v3/CompanyService.asmx",
            data=raw.envelope("CompanyService", "List_GetAll", "", login),
            headers=raw.http_headers("CompanyService", "List_GetAll"), timeout=120,
        )  # fmt: skip
        if answer.status_code != 200 or b"<List_GetAllResult>" not in answer.content:
            raise BenchError(f"List_GetAll on the seeded environment: HTTP {answer.status_code}")
        listed = requests.get(f"http://{HOST}:{port}/__admin/environments", timeout=ADMIN_TIMEOUT).json()
        seeded = next(e["seeded"] for e in listed["environments"] if e["name"] == name)
        reset = _reset_after_a_run(f"http://{HOST}:{port}/__admin/environments/{name}")
    finally:
        server.stop()
    return {"employees": employees, "seed_wall_s": wall, "seed_server_cpu_s": cpu,
            "seed_child_cpu_s": child_cpu, "child_peak_rss_mb": prober.child_peak_mb,
            "rss_before_mb": before["VmRSS"], "rss_after_mb": after["VmRSS"],
            "peak_rss_mb": after["VmHWM"], "reset_after_run_s": reset, "seeded": seeded,
            "probe_calls": len(prober.seconds), "probe_longest_s": max(prober.seconds, default=0.0),
            "probe_median_s": statistics.median(prober.seconds) if prober.seconds else 0.0}  # fmt: skip


class Prober:
    """While in its `with` block: `List_GetAll` of the demo, one call after the other, each timed."""

    CALL = SoapCall("CompanyService", "List_GetAll")

    def __init__(self, port: int) -> None:
        self.port = port
        self.server: int | None = None  # its pid: its children's memory is sampled
        self.child_peak_mb = 0.0
        self.seconds: list[float] = []
        self.failures: list[str] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._probe, daemon=True)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(ADMIN_TIMEOUT)
        if self.failures:
            raise BenchError(f"the demo did not answer while the environment was made: {self.failures[0]}")

    def _probe(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=ADMIN_TIMEOUT)
        body = self.CALL.body
        try:
            while not self._done.is_set():
                started = time.perf_counter()
                status, answer = post(conn, self.CALL, body)
                self.seconds.append(time.perf_counter() - started)
                if status != 200 or b"<List_GetAllResult>" not in answer:
                    self.failures.append(f"HTTP {status}: {answer[:200]!r}")
                    return
                self._sample_children()
                time.sleep(0.01)
        except OSError as error:
            self.failures.append(str(error))
        finally:
            conn.close()

    def _sample_children(self) -> None:
        """The largest resident memory of the server's descendants (the seeding process and the
        processes of its parts, when it seeds in parallel)."""
        if self.server is None:
            return
        for child in _descendants(self.server):
            try:
                rss = memory_mb(child).get("VmRSS", 0.0)
            except OSError:  # it ended meanwhile
                continue
            self.child_peak_mb = max(self.child_peak_mb, rss)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
        children = [int(child) for task in tasks for child in task.read_text().split()]
    except OSError:  # it ended meanwhile
        return found
    for child in children:
        found += [child, *_descendants(child)]
    return found


def _reset_after_a_run(environment: str) -> float:
    """Process a run of the first company (a payslip per employee), then time the reset."""
    company = requests.get(environment, timeout=ADMIN_TIMEOUT).json()["companies"][0]["id"]
    run = requests.post(f"{environment}/companies/{company}/runs", json={}, timeout=ADMIN_TIMEOUT)
    if run.status_code != 201:
        raise BenchError(f"processing a run: HTTP {run.status_code}: {run.text[:300]}")
    started = time.perf_counter()
    reply = requests.post(f"{environment}/reset", timeout=ADMIN_TIMEOUT)
    if reply.status_code != 200:
        raise BenchError(f"resetting: HTTP {reply.status_code}: {reply.text[:300]}")
    return time.perf_counter() - started
