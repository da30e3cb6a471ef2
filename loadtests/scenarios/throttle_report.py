"""The mock's throttle delays as a figure of their own.

Nmbrs never refuses a call over its 150 calls/s: it answers it 0.5 s late. A load test must show
that apart from the server's own latency. At the end of a run the master (or the local process)
reads the journal of every environment of the run (`GET /__admin/requests`, `delayed_ms` per call)
and fires one `THROTTLE` request per delayed call, named by operation, with the delay as its
response time. They show as their own rows in Locust's table, CSV and HTML report (request type
THROTTLE), and a summary line is logged. The mock also sends the delay with each delayed answer
(`X-Nmbrs-Mock-Delayed-Ms`): then the SOAP rows are reported net of it and the THROTTLE rows come from
the header as the calls happen, and this report only logs the summary (it is what remains for a mock
that sends no such header).

The journal keeps the newest `--journal-max-entries` calls (10,000 by default): for long runs,
start the mock with a larger cap and `--journal-body-bytes 0`; the summary says how many calls the
journal still covered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner

from loadtests.scenarios.environments import Admin, plans
from loadtests.scenarios.soap import THROTTLE_TYPE

log = logging.getLogger("loadtests")
PAGE = 1000


@dataclass
class Delays:
    calls: int = 0  # journal entries of SOAP calls read
    delayed: list[tuple[str, float]] = field(default_factory=list)  # (Service.Operation, ms)

    @property
    def total_s(self) -> float:
        return sum(ms for _, ms in self.delayed) / 1000


def journal_delays(admin: Admin, environment_name: str) -> Delays:
    """Every journal entry of an environment, newest first, a page at a time (`until` pages back)."""
    found = Delays()
    seen: set[int] = set()
    until: float | None = None
    while True:
        query: dict[str, str] = {"environment": environment_name, "limit": str(PAGE)}
        if until is not None:
            query["until"] = repr(until)
        page = [e for e in admin.call("GET", "/requests", params=query)["requests"] if e["id"] not in seen]
        if not page:
            return found
        for entry in page:
            seen.add(entry["id"])
            if not entry.get("operation"):
                continue
            found.calls += 1
            if entry.get("delayed_ms"):
                found.delayed.append((f"{entry['service']}.{entry['operation']}", float(entry["delayed_ms"])))
        until = min(e["at"] for e in page)


def _reported_by_header(environment: Environment) -> bool:
    stats = environment.runner.stats if environment.runner else None
    return stats is not None and any(method == THROTTLE_TYPE for _, method in stats.entries)


@events.test_stop.add_listener
def report(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner) or not environment.host:
        return
    options: Any = environment.parsed_options
    admin = Admin(environment.host, options.nmbrs_admin_token)
    by_header = _reported_by_header(environment)
    for plan in plans(options):
        try:
            delays = journal_delays(admin, plan.name)
        except (RuntimeError, OSError, ValueError) as error:
            log.warning("throttle figure for %s not available: %s", plan.name, error)
            continue
        if not by_header:
            for name, ms in delays.delayed:
                environment.events.request.fire(
                    request_type=THROTTLE_TYPE, name=name, response_time=ms, response_length=0, exception=None
                )
        log.info("throttle %s: %d of %d journalled calls delayed, %.1f s of delay in all",
                 plan.name, len(delays.delayed), delays.calls, delays.total_s)  # fmt: skip
