"""Startup: from spawning `nmbrs-mock serve --port 0 --no-throttle` (the demo default) to the first
HTTP 200 of a real SOAP call (`CompanyService.List_GetAll`)."""

from __future__ import annotations

import http.client
import time
from typing import Any

from loadtests.mock_process import HOST, BenchError, ServerProcess, SoapCall, post

STARTUP_TARGET_S = 2.0


def startup_once(timeout: float = 30) -> tuple[float, str]:
    """Seconds from spawning the server to the first HTTP 200 for List_GetAll, and its banner."""
    call = SoapCall("CompanyService", "List_GetAll")
    server = ServerProcess()
    started = time.perf_counter()
    try:
        server.start()
        port = server.wait_for_port(timeout)
        deadline = started + timeout
        last_error = "no answer"
        while time.perf_counter() < deadline:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            try:
                status, data = post(conn, call, call.body)
            except (OSError, http.client.HTTPException) as error:
                last_error = repr(error)
            else:
                if status == 200 and b"<List_GetAllResult>" in data:
                    return time.perf_counter() - started, server.banner
                last_error = f"HTTP {status}: {data[:300]!r}"
            finally:
                conn.close()
            time.sleep(0.005)
        raise BenchError(f"no HTTP 200 within {timeout:.0f} s ({last_error})")
    finally:
        server.stop()


def bench_startup(runs: int) -> dict[str, Any]:
    values, banner = [], ""
    for _ in range(runs):
        seconds, banner = startup_once()
        values.append(seconds)
    best = min(values)
    return {"best_s": best, "values_s": values, "target_s": STARTUP_TARGET_S, "server_banner": banner,
            "pass": best <= STARTUP_TARGET_S}  # fmt: skip
