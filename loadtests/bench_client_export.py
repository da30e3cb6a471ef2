#!/usr/bin/env python
"""Benchmark: export 10,000 hour lines through nmbrs_client to a throttled mock (a script, not a test).

    python loadtests/bench_client_export.py [--lines N] [--batch-size B] [--threads T] [--in-process]
                                            [--json FILE]

A mock with throttling ON (150 calls/s per environment, answers beyond that 0.5 s late) runs in a
subprocess (`nmbrs-mock serve --port 0`; the journal is read through /__admin/requests) or, with
`--in-process`, in this process (MockApp + MockServer on 127.0.0.1:0; the journal read directly). The
client sends `--lines` hour lines (default 10,000)
for the current period of a monthly company as HourComponentVar_Insert_Batch calls of `--batch-size`
lines (default 10, so 1,000 calls), from `--threads` threads (default 8) that share the process-wide
rate limiter (default settings: 145 calls/s, burst 5).

Printed: calls made, calls the mock's throttle delayed (journal `delayed_ms` > 0), wall time, the
minimum wall time the 150 calls/s limit allows (calls / 150), and their ratio. Targets: 0 delayed
calls, ratio <= 1.15. Also checked: the mock holds exactly the lines sent. Exit code 1 when a target
or check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # run as `python loadtests/bench_client_export.py` from a checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from nmbrs_client import ClientSettings, HourLine, NmbrsClient, NmbrsCredentials, Period  # noqa: E402

from mock_server.app import MockApp  # noqa: E402
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, demo_spec  # noqa: E402
from mock_server.server import MockServer  # noqa: E402
from mock_server.settings import MockSettings  # noqa: E402

NMBRS_RATE = 150.0
TARGET_RATIO = 1.15
ENVIRONMENT = "bench"
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/soap/v3/")


@dataclass(frozen=True)
class Result:
    lines: int
    batch_size: int
    threads: int
    calls: int
    delayed_calls: int
    wall_seconds: float
    minimum_seconds: float
    ratio: float
    client_rate: float
    stored_lines: int

    @property
    def ok(self) -> bool:
        return self.delayed_calls == 0 and self.ratio <= TARGET_RATIO and self.stored_lines == self.lines


def hour_lines(employees: list[int], count: int) -> list[HourLine]:
    return [
        HourLine(employees[i % len(employees)], 1, Decimal("0.25") * (1 + i % 32), comment=f"line {i}")
        for i in range(count)
    ]


class InProcessMock:
    """MockApp + MockServer in this process (shares the GIL with the client)."""

    def __enter__(self) -> InProcessMock:
        self.app = MockApp(MockSettings())  # default settings: throttling on, 150 calls/s, 0.5 s penalty
        assert self.app.settings.throttle.enabled and self.app.settings.throttle.rate_per_second == NMBRS_RATE
        spec = demo_spec(ENVIRONMENT)
        user = replace(spec.users[0], username=f"bench@{ENVIRONMENT}.test", token="bench-token")
        self.app.backend.clone_environment(DEMO_DOMAIN, replace(spec, users=[user]))
        self.credentials = NmbrsCredentials(user.username, user.token, ENVIRONMENT)
        self.server = MockServer(self.app).start()
        self.url = self.server.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def clear_journal(self) -> None:
        self.app.pipeline.journal.clear(ENVIRONMENT)

    def delays_ms(self) -> list[float]:
        return [e.delayed_ms for e in self.app.pipeline.journal.entries(ENVIRONMENT) if e.operation]


class SubprocessMock:
    """`nmbrs-mock serve --port 0` in a process of its own (throttle on); journal via the admin API."""

    def __enter__(self) -> SubprocessMock:
        command = [sys.executable, "-m", "mock_server", "serve", "--host", "127.0.0.1", "--port", "0"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        assert self.process.stdout is not None
        seen = []
        for raw_line in iter(self.process.stdout.readline, b""):
            line = raw_line.decode("utf-8", "replace")
            seen.append(line)
            match = LISTENING.search(line)
            if match:
                self.url = match.group(1)
                break
        else:
            raise SystemExit(f"the mock did not start: {''.join(seen)}")
        self.credentials = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def clear_journal(self) -> None:
        requests.delete(f"{self.url}/__admin/requests", params={"environment": DEMO_DOMAIN}, timeout=30)

    def delays_ms(self) -> list[float]:
        """Every journal entry of the environment, newest first, 1,000 a page (`until` pages back)."""
        seen: dict[int, float] = {}
        until: float | None = None
        while True:
            query = {"environment": DEMO_DOMAIN, "limit": "1000", **({"until": repr(until)} if until else {})}
            reply = requests.get(f"{self.url}/__admin/requests", params=query, timeout=60)
            reply.raise_for_status()
            page = [e for e in reply.json()["requests"] if e.get("operation") and e["id"] not in seen]
            if not page:
                return list(seen.values())
            seen.update((e["id"], e["delayed_ms"]) for e in page)
            until = min(e["at"] for e in page)


def run(lines: int, batch_size: int, threads: int, in_process: bool, rate_limit: float | None) -> Result:
    with InProcessMock() if in_process else SubprocessMock() as mock:
        settings = ClientSettings(base_url=f"{mock.url}/soap/v3/", rate_limit=rate_limit)
        client = NmbrsClient.from_settings(settings, mock.credentials)
        current = {c.id: client.companies.current_period(c.id) for c in client.companies.list()}
        company_id = next(cid for cid, period in current.items() if period.period_type == "M")
        period = current[company_id].period
        employees = [e.id for e in client.employees.list(company_id)]
        before = _stored(client, employees, period)
        time.sleep(1.1)  # the mock's bucket refills after the warm-up; the journal starts empty
        mock.clear_journal()

        batches = [hour_lines(employees, lines)[i : i + batch_size] for i in range(0, lines, batch_size)]
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda batch: client.hours.insert_batch(batch, period), batches))
        wall = time.perf_counter() - started

        delays = mock.delays_ms()
        stored = _stored(client, employees, period) - before
    calls = len(delays)
    minimum = calls / NMBRS_RATE
    return Result(
        lines=lines,
        batch_size=batch_size,
        threads=threads,
        calls=calls,
        delayed_calls=sum(1 for delay in delays if delay > 0),
        wall_seconds=round(wall, 3),
        minimum_seconds=round(minimum, 3),
        ratio=round(wall / minimum, 3),
        client_rate=round(calls / wall, 1),
        stored_lines=stored,
    )


def _stored(client: NmbrsClient, employees: list[int], period: Period) -> int:
    return sum(len(client.hours.get(employee, period)) for employee in employees)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--in-process", action="store_true", help="serve the mock in this process")
    parser.add_argument(
        "--rate-limit", type=float, default=145.0, help="the client's calls/s (0: no limiter, for comparison)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = run(args.lines, args.batch_size, args.threads, args.in_process, args.rate_limit or None)
    print(f"hour lines exported        {result.lines} ({result.stored_lines} stored by the mock)")
    batches = f"batches of {result.batch_size}, {result.threads} threads"
    print(f"calls made                 {result.calls} ({batches})")
    print(f"calls delayed by throttle  {result.delayed_calls}   (target 0)")
    print(f"wall time                  {result.wall_seconds:.2f} s ({result.client_rate} calls/s)")
    print(f"minimum at 150 calls/s     {result.minimum_seconds:.2f} s")
    print(f"ratio                      {result.ratio:.3f}x  (target <= {TARGET_RATIO}x)")
    print("result                     " + ("OK" if result.ok else "FAILED"))
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
