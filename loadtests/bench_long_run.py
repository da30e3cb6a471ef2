"""Memory under a long run with large responses: RSS stays bounded (the journal is capped, nothing else
keeps per-call state). Calls go in process through the WSGI app (no sockets: the mock is measured,
not the network), each answering a list of every employee of a company.

    python loadtests/bench_long_run.py                 # 100,000 calls (minutes)
    python loadtests/bench_long_run.py --calls 5000    # a quick look

Prints RSS at every tenth of the run, and the growth from the moment the journal is full (it fills
up to its byte cap by design) to the end next to its target: at most 32 MB.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nmbrs_client.raw import envelope, http_headers
from nmbrs_client.settings import NmbrsCredentials

from mock_server.app import MockApp
from mock_server.control.journal import JournalSettings
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings

SLACK_MB = 32.0
OPERATION = "PersonalInfo_GetAll_AllEmployeesByCompany"


def rss_mb() -> float:
    """Current resident set size (not the peak) from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1024 / 1024


def build_app(employees: int, journal_bytes: int) -> tuple[MockApp, bytes, dict[str, str]]:
    settings = MockSettings(
        throttle=ThrottleSettings(enabled=False),
        journal=JournalSettings(max_bytes=journal_bytes),
    )
    app = MockApp(settings, EnvironmentShape(employees=employees, period_types=("M",), debtors=1))
    company = app.backend.tenant(DEMO_DOMAIN).companies()[0]
    credentials = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
    body = envelope("EmployeeService", OPERATION, f"<CompanyID>{company.id}</CompanyID>", credentials)
    return app, body, http_headers("EmployeeService", OPERATION)


def call(app: MockApp, body: bytes, headers: dict[str, str]) -> int:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/soap/v3/EmployeeService.asmx",
        "QUERY_STRING": "",
        "CONTENT_TYPE": headers["Content-Type"],
        "HTTP_SOAPACTION": headers["SOAPAction"],
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[str] = []
    answer = b"".join(app.wsgi(environ, lambda status, _headers: statuses.append(status)))
    if not statuses[0].startswith("200"):
        raise SystemExit(f"the call failed: {statuses[0]} {answer[:300]!r}")
    return len(answer)


def run(calls: int, employees: int, journal_bytes: int) -> dict[str, float]:
    """Growth is measured from the first checkpoint at which the journal is full (it then holds what
    it may hold; before, it is filling by design) to the end."""
    app, body, headers = build_app(employees, journal_bytes)
    journal = app.pipeline.journal
    step = max(calls // 10, 1)
    answered = 0
    started = time.perf_counter()
    baseline: float | None = None
    for n in range(1, calls + 1):
        answered += call(app, body, headers)
        if n % step == 0 or n == calls:
            full = journal.size_bytes >= 0.9 * journal_bytes or len(journal) >= journal.settings.max_entries
            if baseline is None and full:
                baseline = rss_mb()
            mark = "  (full)" if full else ""
            print(
                f"{n:>8} calls  RSS {rss_mb():7.1f} MB  answered {answered / 1e6:9.1f} MB  "
                f"journal {len(journal):>6} entries {journal.size_bytes / 1e6:6.1f} MB{mark}",
                flush=True,
            )
    return {
        "growth": rss_mb() - (baseline if baseline is not None else rss_mb()),
        "target": SLACK_MB,
        "answered": answered / 1e6,
        "seconds": time.perf_counter() - started,
        "measured": float(baseline is not None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--employees", type=int, default=40, help="employees in the one company (40)")
    parser.add_argument("--journal-max-bytes", type=int, default=64 * 1024 * 1024)
    args = parser.parse_args(argv)
    figures = run(args.calls, args.employees, args.journal_max_bytes)
    if not figures["measured"]:
        print("the journal never filled: run more --calls (or a lower --journal-max-bytes) to measure growth")
        return 1
    verdict = "OK" if figures["growth"] <= figures["target"] else "OVER"
    print(
        f"RSS growth once the journal was full: {figures['growth']:.1f} MB (target <= {SLACK_MB:.0f} MB) "
        f"{verdict}; {figures['answered']:.0f} MB answered in {figures['seconds']:.0f} s"
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
