#!/usr/bin/env python
"""Benchmark the throttle emulation (a script, not a test).

    python loadtests/bench_throttle.py [--quick] [--seconds S] [--rate R] [--other-rate R] [--json FILE]

A mock with throttling on (default settings: 150 calls/s per environment, 0.5 s delay beyond that)
runs in a subprocess of its own with two environments: the demo one (A) and a second one (B). An
open-loop load generator (gevent; every call starts at its planned time whatever earlier calls are
doing, so delayed answers do not slow the offered rate) offers `--rate` calls/s (default 300) of
EmployeeService.HourComponentVar_GetCurrent to A for `--seconds` (default 10, `--quick` 4), and at
the same time `--other-rate` calls/s (default 20) to B.

Expected: A gets a burst of 150 plus 150/s answered at once (≈ 150 + 150 × seconds), the rest
answered about 0.5 s late, none refused; B is unaffected (all answered at once). Checks (exit code 1
when one fails):

- A: calls answered in < 250 ms within ±10 % of the expected count; the rest delayed (≥ 450 ms), their
  p1 and p99 latency within 0.45-0.75 s; at most 1 % of the calls between 250 and 450 ms;
- A and B: every call answered with HTTP 200;
- B: zero calls delayed (p99 reported; under 100 ms is the ideal);
- the load generator held the offered rate (within 5 %) and its schedule (p99 lag < 50 ms).

Everything runs on loopback; the server subprocess is always killed before the script ends.
"""

from gevent import monkey

monkey.patch_all()

# ruff: noqa: E402  (imports after monkey-patching, on purpose)
import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import gevent

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # run as `python loadtests/bench_throttle.py` from a checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from nmbrs_client import NmbrsCredentials

from loadtests.open_loop import (
    CALL_TIMEOUT,
    FIRST_EMPLOYEES,
    HOST,
    MARKER,
    OPERATION,
    SERVICE,
    Stream,
    Target,
    post,
    room_for_delayed,
    run_streams,
)
from loadtests.raw_http import RawConnection
from loadtests.stream_figures import DEFAULTS, DELAY, DELAYED_FROM, DELAYED_MAX, LIMIT, figures_of
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER

OTHER_NAME, OTHER_USER, OTHER_TOKEN = "other", "other@nmbrs-mock.test", "other-token"

IMMEDIATE_TOLERANCE = 0.10
UNCLASSIFIED_MAX = 0.01
OFFERED_TOLERANCE = 0.05
LAG_P99_MAX = 0.050
SERVER_LIFETIME = 900  # seconds: the server exits on its own after this, whatever happens here
LISTENING = re.compile(r"listening on http://(?P<host>[^\s/:]+):(?P<port>\d+)/")
FIRST = re.compile(r"first_employees=(?P<ids>\{[^}]*\})")

# The server process: the mock in-process, with a second environment, throttling on (defaults).
SERVER_CODE = f"""
import json, os, signal, sys, gevent
from gevent import signal_handler
from mock_server.app import MockApp
from mock_server.domain.demo import EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.server import listen, make_server
from mock_server.settings import MockSettings

other = EnvironmentSpec({OTHER_NAME!r}, [ApiUser({OTHER_USER!r}, {OTHER_TOKEN!r})])
app = MockApp(MockSettings(), demo=EnvironmentShape(employees=10),
              environments=[EnvironmentSetup(other, EnvironmentShape(employees=10))])
assert app.settings.throttle.enabled
sock = listen({HOST!r}, 0)
host, port = sock.getsockname()[:2]
server = make_server(app, sock)
signal_handler(signal.SIGTERM, server.stop)
parent = os.getppid()

def watchdog():
    started = gevent.get_hub().loop.now()
    while os.getppid() == parent and gevent.get_hub().loop.now() - started < {SERVER_LIFETIME}:
        gevent.sleep(0.5)
    os._exit(3)

gevent.spawn(watchdog)
def first_employee(name):
    tenant = app.backend.tenant(name)
    return tenant.employees(tenant.companies()[0].id)[0].id

first = json.dumps({{name: first_employee(name) for name in ("demo", {OTHER_NAME!r})}})
import gc
gc.collect()
gc.freeze()  # as `nmbrs-mock serve` does after startup
print(f"listening on http://{{host}}:{{port}}/ throttle={{app.settings.throttle}}",
      f"first_employees={{first}}", flush=True)
server.serve_forever()
"""


class BenchError(RuntimeError):
    """The benchmark could not be carried out (the server did not start, wrong answers, ...)."""


ENV_A = Target("A (demo)", NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN))
ENV_B = Target(f"B ({OTHER_NAME})", NmbrsCredentials(OTHER_USER, OTHER_TOKEN, OTHER_NAME))


# ---------------------------------------------------------------------------------------------
# SOAP


# ---------------------------------------------------------------------------------------------
# The server subprocess


@contextmanager
def running_server(timeout: float = 60) -> Iterator[int]:
    """Start the two-environment mock in a subprocess; yield its port; always kill it."""
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=env,
    )  # fmt: skip
    try:
        yield _wait_for_port(process, stderr, timeout)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process.stdout is not None:
            process.stdout.close()
        stderr.close()


def _wait_for_port(process: subprocess.Popen[bytes], stderr: IO[bytes], timeout: float) -> int:
    assert process.stdout is not None
    line = b""
    with gevent.Timeout(timeout, False):
        while True:
            line = process.stdout.readline()
            if not line:
                break
            match = LISTENING.search(line.decode("utf-8", "replace"))
            first = FIRST.search(line.decode("utf-8", "replace"))
            if first:
                FIRST_EMPLOYEES.update(json.loads(first["ids"]))
            if match:
                print(f"  server: {line.decode().strip()}", flush=True)
                return int(match["port"])
    stderr.seek(0)
    tail = stderr.read().decode("utf-8", "replace").strip()[-2000:]
    state = "exited" if process.poll() is not None else f"printed no port within {timeout:.0f} s"
    raise BenchError(f"the server {state}{': ' + tail if tail else ''}")


# ---------------------------------------------------------------------------------------------
# Open-loop load


def run_load(port: int, a: Stream, b: Stream) -> None:
    for target in (a.target, b.target):  # both environments answer (spends one token of each)
        conn = RawConnection(HOST, port, timeout=CALL_TIMEOUT)
        try:
            status, data = post(conn, target.body)
        finally:
            conn.close()
        if status != 200 or MARKER not in data:
            raise BenchError(f"{target.name} answered HTTP {status}: {data[:300]!r}")
    run_streams(port, [a, b], [room_for_delayed(a, 50), 10])  # the delayed calls park on their connections


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def checks_for(a: dict[str, Any], b: dict[str, Any]) -> list[Check]:
    expected = a["expected_immediate"]
    low, high = expected * (1 - IMMEDIATE_TOLERANCE), expected * (1 + IMMEDIATE_TOLERANCE)
    immediate = a["immediate"]["count"]
    delayed = a["delayed"]
    unclassified_max = UNCLASSIFIED_MAX * a["offered"]
    lag_p99 = max(a["lag"]["p99_ms"], b["lag"]["p99_ms"])
    return [
        Check("A: every call answered with HTTP 200", a["errors"] == 0 and a["completed"] == a["offered"],
              f"{a['completed']} of {a['offered']} completed, {a['errors']} errors"),
        Check("A: answered at once (< 250 ms) ≈ 150 + 150 x s", low <= immediate <= high,
              f"{immediate} (expected {expected:.0f}, ±10 %: {low:.0f}-{high:.0f})"),
        Check("A: the rest delayed (>= 450 ms)",
              delayed["count"] > 0 and a["between"] <= unclassified_max,
              f"{delayed['count']} delayed (expected {a['expected_delayed']:.0f}), "
              f"{a['between']} between 250 and 450 ms (at most {unclassified_max:.0f})"),
        Check("A: delayed latency within 0.45-0.75 s (p1, p99)",
              delayed["count"] > 0 and delayed["p1_ms"] >= DELAYED_FROM * 1000
              and delayed["p99_ms"] <= DELAYED_MAX * 1000,
              f"p1 {delayed['p1_ms']:.0f} ms, p99 {delayed['p99_ms']:.0f} ms, max {delayed['max_ms']:.0f} ms,"
              f" {a['delayed_over_max']} over 750 ms"),
        Check("B: every call answered with HTTP 200", b["errors"] == 0 and b["completed"] == b["offered"],
              f"{b['completed']} of {b['offered']} completed, {b['errors']} errors"),
        Check("B: zero delayed (unaffected by A)", b["delayed"]["count"] == 0 and b["between"] == 0,
              f"{b['delayed']['count']} delayed, {b['between']} between 250 and 450 ms; "
              f"p99 {b['all']['p99_ms']:.1f} ms ({'under' if b['all']['p99_ms'] < 100 else 'OVER'} the "
              "100 ms ideal)"),
        Check("load generator held the offered rate (±5 %)",
              all(abs(f["achieved_rate"] / f["offered_rate"] - 1) <= OFFERED_TOLERANCE for f in (a, b)),
              f"A {a['achieved_rate']:.1f}/s of {a['offered_rate']:g}, "
              f"B {b['achieved_rate']:.1f}/s of {b['offered_rate']:g}"),
        Check("load generator kept its schedule (p99 lag < 50 ms)", lag_p99 < LAG_P99_MAX * 1000,
              f"p99 lag {lag_p99:.1f} ms, max {max(a['lag']['max_ms'], b['lag']['max_ms']):.1f} ms"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Report


def row(label: str, value: str) -> None:
    print(f"  {label:<40} {value}", flush=True)


def title(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}", flush=True)


def _group_text(g: dict[str, Any]) -> str:
    if not g["count"]:
        return "0"
    p50, p99, top = g["p50_ms"], g["p99_ms"], g["max_ms"]
    return f"{g['count']:>5}   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {top:7.1f} ms"


def report_stream(f: dict[str, Any]) -> None:
    title(f"Environment {f['environment']}: {f['offered_rate']:g} calls/s offered for {f['seconds']:g} s")
    row("offered / completed / errors", f"{f['offered']} / {f['completed']} / {f['errors']}")
    row("achieved offered rate", f"{f['achieved_rate']:.1f} calls/s ({f['connections']} connections)")
    row("answered at once (< 250 ms)", _group_text(f["immediate"]))
    row("delayed (>= 450 ms)", _group_text(f["delayed"]))
    row("between 250 and 450 ms", str(f["between"]))
    row("expected at once / delayed", f"{f['expected_immediate']:.0f} / {f['expected_delayed']:.0f}")
    row("answered at once, per second", " ".join(str(n) for n in f["immediate_per_second"]))
    row("delayed, per second", " ".join(str(n) for n in f["delayed_per_second"]))
    row("all answered", _group_text(f["all"]))
    row("schedule lag p50 / p99 / max",
        f"{f['lag']['p50_ms']:.2f} / {f['lag']['p99_ms']:.2f} / {f['lag']['max_ms']:.2f} ms")  # fmt: skip
    if f["first_error"]:
        row("first error", f["first_error"])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, help="seconds of load (default 10, --quick 4)")
    parser.add_argument("--quick", action="store_true", help="4 s of load instead of 10")
    parser.add_argument("--rate", type=float, default=300.0, help="calls/s offered to A (default 300)")
    parser.add_argument("--other-rate", type=float, default=20.0, help="calls/s offered to B (default 20)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (4.0 if args.quick else 10.0)
    if seconds <= 0 or seconds > 300 or args.rate <= 0 or args.other_rate <= 0 or args.rate > 5000:
        parser.error("--seconds must be in (0, 300], the rates positive and --rate at most 5000")

    print(f"nmbrs-mock throttle benchmark: {cores()} core(s), Python {sys.version.split()[0]}", flush=True)
    print(f"  throttle under test: {LIMIT:g} calls/s per environment, {DELAY:g} s delay beyond", flush=True)
    print(f"  call: {SERVICE}.{OPERATION}, open loop (gevent), server in its own process", flush=True)
    a = Stream(ENV_A, args.rate, seconds)
    b = Stream(ENV_B, args.other_rate, seconds)
    figures: dict[str, Any] = {
        "machine": {"cores": cores(), "python": sys.version.split()[0], "platform": sys.platform},
        "throttle": asdict(DEFAULTS),
        "operation": f"{SERVICE}.{OPERATION}",
    }
    try:
        with running_server() as port:
            run_load(port, a, b)
    except (BenchError, OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
        print(f"  ERROR: {error}", flush=True)
        figures["error"], figures["pass"] = str(error), False
        _write_json(args.json, figures)
        return 1

    fa, fb = figures_of(a), figures_of(b)
    figures["a"], figures["b"] = fa, fb
    report_stream(fa)
    report_stream(fb)
    checks = checks_for(fa, fb)
    title("Checks")
    for check in checks:
        print(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}", flush=True)
    ok = all(check.ok for check in checks)
    figures["checks"] = [asdict(check) for check in checks]
    figures["pass"] = ok
    title("Result")
    row("all checks", "PASS" if ok else "FAIL")
    _write_json(args.json, figures)
    return 0 if ok else 1


def _write_json(path: Path | None, figures: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    row("figures written to", str(path))


if __name__ == "__main__":
    sys.exit(main())
