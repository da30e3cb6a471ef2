"""The mock in a subprocess and SOAP calls over HTTP: what the benchmark scripts share.

`ServerProcess` runs `nmbrs-mock serve --port 0 --no-throttle` (plus any flags) and reads the port it
prints; `SoapCall` is one demo-login call, `post` sends it on a keep-alive connection.
"""

from __future__ import annotations

import http.client
import math
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from nmbrs_client import NmbrsCredentials, raw

from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER

DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
HOST = "127.0.0.1"
FIRST_COMPANY = 10_000  # demo ids: companies from 10000, employees from 100000
FIRST_EMPLOYEE = 100_000
LISTENING = re.compile(r"listening on http://(?P<host>[^\s/]+):(?P<port>\d+)/soap/v3/")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (values need not be sorted)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


class BenchError(RuntimeError):
    """A benchmark step could not be carried out (server did not start, wrong answer, ...)."""


# ---------------------------------------------------------------------------------------------
# SOAP over HTTP


@dataclass(frozen=True)
class SoapCall:
    service: str
    operation: str
    params: str = ""

    @property
    def path(self) -> str:
        return f"/soap/v3/{self.service}.asmx"

    @property
    def body(self) -> bytes:
        return raw.envelope(self.service, self.operation, self.params, DEMO)

    @property
    def headers(self) -> dict[str, str]:
        return raw.http_headers(self.service, self.operation)


def post(conn: http.client.HTTPConnection, call: SoapCall, body: bytes) -> tuple[int, bytes]:
    conn.request("POST", call.path, body=body, headers=call.headers)
    response = conn.getresponse()
    return response.status, response.read()


# ---------------------------------------------------------------------------------------------
# The server subprocess


def serve_command(*extra: str) -> list[str]:
    script = Path(sys.executable).with_name("nmbrs-mock")
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "mock_server"]
    return [*base, "serve", "--host", HOST, "--port", "0", "--no-throttle", *extra]


class ServerProcess:
    """`nmbrs-mock serve` in a subprocess; its stdout is drained by a thread, stderr kept in a file."""

    def __init__(self, *extra: str) -> None:
        self.command = serve_command(*extra)
        self.process: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self.banner = ""
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: IO[bytes] | None = None

    def start(self) -> ServerProcess:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("NMBRS_MOCK_SEED_CACHE", None)  # a benchmark says when it wants the seed cache
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, env=env
        )
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
        return self

    def _drain(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            self._lines.put(line.decode("utf-8", "replace").rstrip())
        self._lines.put(None)

    def wait_for_port(self, timeout: float) -> int:
        deadline = time.perf_counter() + timeout
        while self.port is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise BenchError(f"no 'listening on' line within {timeout:.0f} s{self._stderr_tail()}")
            try:
                line = self._lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                code = self.process.wait(5) if self.process else None
                raise BenchError(f"the server exited (code {code}) before listening{self._stderr_tail()}")
            match = LISTENING.search(line)
            if match:
                self.port, self.banner = int(match["port"]), line
        return self.port

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return f":\n{text[-2000:]}" if text else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def running_server(*extra: str, timeout: float = 60) -> Iterator[ServerProcess]:
    server = ServerProcess(*extra)
    try:
        server.start()
        server.wait_for_port(timeout)
        yield server
    finally:
        server.stop()
