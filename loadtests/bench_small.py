"""Small calls: the mock next to a bare gevent + lxml responder, in the same run.

A closed loop over `connections` keep-alive connections (one client thread each) posts
`EmployeeService.HourComponentVar_Get` for `seconds`, first to `nmbrs-mock serve --no-throttle`,
then to `loadtests/bare_responder.py` serving the mock's own answer. For each: calls/s, p50/p99
latency and the server process's CPU time per call (user + system, from /proc).
"""

from __future__ import annotations

import http.client
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from loadtests.mock_process import (
    FIRST_COMPANY,
    FIRST_EMPLOYEE,
    HOST,
    BenchError,
    ServerProcess,
    SoapCall,
    percentile,
    post,
    running_server,
)

OPERATION = "HourComponentVar_Get"
DISTINCT_BODIES = 2048  # twice what the decoder remembers per service (soap/decoded_bodies.py)
MARKER = f"<{OPERATION}Response".encode()
PERIOD = re.compile(rb"<Company_GetCurrentPeriodResult>(\d{4})-(\d{1,2})-")


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU seconds of a process so far (Linux /proc); `children`: those of its child
    processes that ended (and were waited for) instead."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    first = 13 if children else 11  # utime, stime; cutime, cstime
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def small_call(port: int) -> SoapCall:
    """HourComponentVar_Get of the first employee in its company's current period."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        asked = SoapCall(
            "CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{FIRST_COMPANY}</CompanyId>"
        )
        status, data = post(conn, asked, asked.body)
    finally:
        conn.close()
    found = PERIOD.search(data)
    if status != 200 or found is None:
        raise BenchError(f"Company_GetCurrentPeriod answered HTTP {status}: {data[:300]!r}")
    year, number = int(found[1]), int(found[2])
    params = f"<EmployeeId>{FIRST_EMPLOYEE}</EmployeeId><Period>{number}</Period><Year>{year}</Year>"
    return SoapCall("EmployeeService", OPERATION, params)


def distinct_calls(call: SoapCall, count: int) -> list[bytes]:
    """`count` bodies of `call`'s operation that differ in Period and Year (all valid for a monthly
    company): cycled through in order, more than the decoder remembers, each is decoded anew."""
    employee = re.search(r"<EmployeeId>(\d+)</EmployeeId>", call.params)
    assert employee is not None, call.params
    pairs = [(year, period) for year in range(1900, 2101) for period in range(1, 13)][:count]
    return [
        replace(call, params=f"{employee[0]}<Period>{period}</Period><Year>{year}</Year>").body
        for year, period in pairs
    ]


def closed_loop(
    port: int, pid: int, call: SoapCall, connections: int, seconds: float, bodies: list[bytes] | None = None
) -> dict[str, Any]:
    """`bodies` (default: `call`'s own) are sent in turn, each connection starting at its own."""
    bodies = bodies or [call.body]
    go, errors = threading.Event(), [0] * connections
    latencies: list[list[float]] = [[] for _ in range(connections)]
    window: dict[str, float] = {}

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        post(conn, call, bodies[0])  # connect and warm up before the window opens
        go.wait(60)
        deadline, turn = window["start"] + seconds, index
        while (sent := time.perf_counter()) < deadline:
            body, turn = bodies[turn % len(bodies)], turn + connections
            try:
                status, data = post(conn, call, body)
                ok = status == 200 and MARKER in data
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            latencies[index].append(time.perf_counter() - sent)
            errors[index] += not ok
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    cpu_before, window["start"] = cpu_seconds(pid), time.perf_counter()
    go.set()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed, cpu = time.perf_counter() - window["start"], cpu_seconds(pid) - cpu_before
    ordered = sorted(v for values in latencies for v in values)
    calls = len(ordered)
    return {
        "calls": calls, "errors": sum(errors), "seconds": elapsed, "calls_per_s": calls / elapsed,
        "p50_ms": percentile(ordered, 50) * 1000, "p99_ms": percentile(ordered, 99) * 1000,
        "server_cpu_us_per_call": cpu / calls * 1e6 if calls else float("nan"),
    }  # fmt: skip


def bench_small(seconds: float = 5.0, connections: int = 16) -> dict[str, Any]:
    with running_server() as mock:
        assert mock.process is not None
        call = small_call(mock.port or 0)
        conn = http.client.HTTPConnection(HOST, mock.port, timeout=30)
        try:
            status, answer = post(conn, call, call.body)
        finally:
            conn.close()
        if status != 200 or MARKER not in answer:
            raise BenchError(f"{OPERATION} answered HTTP {status}: {answer[:300]!r}")
        mock_figures = closed_loop(mock.port or 0, mock.process.pid, call, connections, seconds)
        distinct = distinct_calls(call, DISTINCT_BODIES)
        distinct_figures = closed_loop(mock.port or 0, mock.process.pid, call, connections, seconds, distinct)
    with tempfile.NamedTemporaryFile(suffix=".xml") as file:
        file.write(answer)
        file.flush()
        bare = ServerProcess()
        bare.command = [sys.executable, "-m", "loadtests.bare_responder", "--answer", file.name]
        try:
            bare.start()
            port = bare.wait_for_port(60)
            assert bare.process is not None
            bare_figures = closed_loop(port, bare.process.pid, call, connections, seconds)
        finally:
            bare.stop()
    ratio = mock_figures["calls_per_s"] / bare_figures["calls_per_s"] if bare_figures["calls_per_s"] else 0.0
    return {"operation": f"EmployeeService.{OPERATION}", "connections": connections, "mock": mock_figures,
            "mock_distinct": distinct_figures, "distinct_bodies": len(distinct),
            "bare_lxml": bare_figures, "ratio_to_bare": ratio, "answer_bytes": len(answer)}  # fmt: skip
