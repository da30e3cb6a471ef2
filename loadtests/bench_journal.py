#!/usr/bin/env python
"""Benchmark the request journal (a script, not a test).

    python loadtests/bench_journal.py [--quick] [--calls N] [--rounds R] [--bounded N] [--json FILE]

In process, through `Pipeline.handle` (the path every SOAP call takes, without HTTP):

1. Small-call throughput with the journal on and off, in the same run: two mocks (same seed, one
   with `JournalSettings(enabled=False)`) answer `CompanyService.Company_GetCurrentPeriod` in
   alternating rounds of `--calls` calls; the best round of each counts. Target: off/on >= 0.97
   (switching the journal off never costs throughput) and the journal's cost per call is reported.
2. The journal's size under `--bounded` calls (default 100,000) with small caps (2,000 entries,
   1 MiB): the peak number of entries and bytes must stay within the caps.

Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # run as `python loadtests/bench_journal.py` from a checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from nmbrs_client import NmbrsCredentials, raw  # noqa: E402

from mock_server.app import MockApp  # noqa: E402
from mock_server.control.journal import JournalSettings  # noqa: E402
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape  # noqa: E402
from mock_server.domain.throttle import ThrottleSettings  # noqa: E402
from mock_server.settings import MockSettings  # noqa: E402

SHAPE = EnvironmentShape(employees=4, period_types=("M",), debtors=1)
SERVICE, OPERATION = "CompanyService", "Company_GetCurrentPeriod"
RATIO_TARGET = 0.97
ENTRY_CAP, BYTE_CAP = 2_000, 1024 * 1024


def _app(journal: JournalSettings) -> MockApp:
    settings = MockSettings(throttle=ThrottleSettings(enabled=False), journal=journal)
    return MockApp(settings, demo=SHAPE)


class _Caller:
    def __init__(self, app: MockApp) -> None:
        self.handle = app.pipeline.handle
        company = app.backend.tenant(DEMO_DOMAIN).companies()[0].id
        login = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
        self.body = raw.envelope(SERVICE, OPERATION, f"<CompanyId>{company}</CompanyId>", login)
        headers = raw.http_headers(SERVICE, OPERATION)
        self.content_type, self.action = headers["Content-Type"], headers["SOAPAction"]

    def run(self, calls: int) -> float:
        """Calls per second over `calls` calls."""
        started = time.perf_counter()
        for _ in range(calls):
            response = self.handle(SERVICE, self.body, self.content_type, self.action)
            if response.status != 200:
                raise SystemExit(f"unexpected answer {response.status}: {response.body[:300]!r}")
        return calls / (time.perf_counter() - started)


def throughput(calls: int, rounds: int) -> dict[str, float]:
    on, off = _Caller(_app(JournalSettings())), _Caller(_app(JournalSettings(enabled=False)))
    on.run(200), off.run(200)  # warm up
    best = {"on": 0.0, "off": 0.0}
    for _ in range(rounds):
        best["on"] = max(best["on"], on.run(calls))
        best["off"] = max(best["off"], off.run(calls))
    return {
        "calls_per_s_journal_on": round(best["on"], 1),
        "calls_per_s_journal_off": round(best["off"], 1),
        "ratio_off_to_on": round(best["off"] / best["on"], 3),
        "journal_cost_us_per_call": round((1 / best["on"] - 1 / best["off"]) * 1e6, 1),
    }


def bounded(calls: int) -> dict[str, Any]:
    app = _app(JournalSettings(max_entries=ENTRY_CAP, max_bytes=BYTE_CAP))
    caller, journal = _Caller(app), app.pipeline.journal
    peak_entries = peak_bytes = 0
    step = 1_000
    for _ in range(0, calls, step):
        caller.run(step)
        peak_entries, peak_bytes = max(peak_entries, len(journal)), max(peak_bytes, journal.size_bytes)
    return {
        "calls": calls,
        "peak_entries": peak_entries,
        "entry_cap": ENTRY_CAP,
        "peak_bytes": peak_bytes,
        "byte_cap": BYTE_CAP,
        "last_id": journal.entries()[-1].id,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    parser.add_argument("--calls", type=int, default=3_000, help="calls per round (3000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per mode (5)")
    parser.add_argument("--bounded", type=int, default=100_000, help="calls for the size check (100000)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.rounds, args.bounded = 500, 3, 5_000
    speed = throughput(args.calls, args.rounds)
    size = bounded(args.bounded)
    checks = {
        f"off/on >= {RATIO_TARGET}": speed["ratio_off_to_on"] >= RATIO_TARGET,
        "peak entries <= cap": size["peak_entries"] <= ENTRY_CAP,
        "peak bytes <= cap": size["peak_bytes"] <= BYTE_CAP,
    }
    print(f"small calls ({SERVICE}.{OPERATION}, best of {args.rounds} rounds of {args.calls}):")
    print(f"  journal on : {speed['calls_per_s_journal_on']:>9.1f} calls/s")
    print(f"  journal off: {speed['calls_per_s_journal_off']:>9.1f} calls/s")
    print(f"  off/on     : {speed['ratio_off_to_on']:>9.3f}   (target >= {RATIO_TARGET})")
    print(f"  journal cost: {speed['journal_cost_us_per_call']:.1f} us per call")
    print(f"journal under {size['calls']} calls (caps {ENTRY_CAP} entries, {BYTE_CAP} bytes):")
    print(f"  peak entries: {size['peak_entries']:>9}   (target <= {ENTRY_CAP})")
    print(f"  peak bytes  : {size['peak_bytes']:>9}   (target <= {BYTE_CAP})")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if args.json:
        args.json.write_text(json.dumps({**speed, **size, "checks": checks}, indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
