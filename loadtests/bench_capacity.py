#!/usr/bin/env python
"""Capacity: one mock process serving many environments at once, each at the full 150 calls/s.

    python -m loadtests.bench_capacity [--environments 10] [--seconds 10] [--json FILE]

`nmbrs-mock serve` (throttling ON, default 150 calls/s per environment) runs in a subprocess; the
admin API adds `--environments` environments plus one more ("other"). An open-loop generator
(bench_throttle's: every call starts at its planned time) first offers 50 calls/s to "other" alone,
then 150 calls/s of `HourComponentVar_GetCurrent` to every environment and the same 50 calls/s to
"other" together, for `--seconds` each. Per environment: answered at once (< 250 ms), delayed,
errors; for "other": its latency alone and under the load.
"""

from gevent import monkey

monkey.patch_all()

# ruff: noqa: E402  (imports after monkey-patching, on purpose)
import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from nmbrs_client import NmbrsCredentials, raw

from loadtests import bench_throttle as throttle
from loadtests import open_loop
from loadtests.mock_process import ServerProcess

RATE, OTHER_RATE = throttle.LIMIT, 50.0  # "other" offers 500 calls in 10 s: its p99 is not one stray call


@dataclass(frozen=True)
class EnvTarget(open_loop.Target):
    employee: int = 0

    @property
    def body(self) -> bytes:
        params = f"<EmployeeId>{self.employee}</EmployeeId>"
        return raw.envelope(open_loop.SERVICE, open_loop.OPERATION, params, self.credentials)


def make_environment(admin: str, name: str) -> EnvTarget:
    login = NmbrsCredentials(f"cap@{name}.test", f"{name}-token", name)
    body: dict[str, Any] = {"name": name, "employees": 4, "period_types": ["M"], "seed": 1,
            "username": login.username, "token": login.token}  # fmt: skip
    requests.post(f"{admin}/environments", json=body, timeout=120).raise_for_status()
    company = requests.get(f"{admin}/environments/{name}", timeout=60).json()["companies"][0]["id"]
    employees = requests.get(f"{admin}/environments/{name}/companies/{company}/employees", timeout=60)
    return EnvTarget(name, login, employees.json()["employees"][0]["id"])


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    keep = ("environment", "offered", "completed", "errors", "achieved_rate", "between")
    return {**{k: figures[k] for k in keep}, "immediate": figures["immediate"]["count"],
            "delayed": figures["delayed"]["count"], "p50_ms": figures["all"]["p50_ms"],
            "p99_ms": figures["all"]["p99_ms"], "max_ms": figures["all"]["max_ms"],
            "lag_p99_ms": figures["lag"]["p99_ms"], "first_error": figures["first_error"]}  # fmt: skip


def bench(environments: int, seconds: float) -> dict[str, Any]:
    server = ServerProcess()
    server.command = [*server.command[:-1], "--employees", "4", "--no-journal"]  # throttle ON
    try:
        server.start()
        port = server.wait_for_port(120)
        admin = f"http://{open_loop.HOST}:{port}/__admin"
        targets = [make_environment(admin, f"cap-{n}") for n in range(1, environments + 1)]
        other = make_environment(admin, "other")
        alone = open_loop.Stream(other, OTHER_RATE, seconds)
        open_loop.run_streams(port, [alone], [open_loop.room_for_delayed(alone, 10)])
        loaded = [open_loop.Stream(target, RATE, seconds) for target in targets]
        beside = open_loop.Stream(other, OTHER_RATE, seconds)
        streams = [*loaded, beside]
        open_loop.run_streams(port, streams, [open_loop.room_for_delayed(s, 10) for s in streams])
    finally:
        server.stop()
    return {
        "environments": environments, "seconds": seconds, "rate_per_environment": RATE,
        "loaded": [summary(throttle.figures_of(s)) for s in loaded],
        "other_alone": summary(throttle.figures_of(alone)),
        "other_beside": summary(throttle.figures_of(beside)),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--environments", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    figures = bench(args.environments, args.seconds)
    text = json.dumps(figures, indent=2, default=str)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
