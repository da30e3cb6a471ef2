"""The figures of one open-loop stream against the throttle (bench_throttle, bench_capacity): calls
answered at once and delayed, per second, with their latency percentiles and the generator's lag."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from loadtests.mock_process import percentile
from mock_server.domain.throttle import ThrottleSettings

if TYPE_CHECKING:  # open_loop takes the throttle's figures from here
    from loadtests.open_loop import Stream

DEFAULTS = ThrottleSettings()  # what the server runs with
LIMIT = DEFAULTS.rate_per_second
DELAY = DEFAULTS.delay_seconds
IMMEDIATE_BELOW = 0.250  # seconds: "answered at once"
DELAYED_FROM = 0.450  # seconds: "delayed"
DELAYED_MAX = 0.750


def group(latencies: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in latencies]
    return {
        "count": len(ms),
        "p1_ms": percentile(ms, 1),
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else math.nan,
    }


def expected_immediate(stream: Stream) -> float:
    """Calls a token bucket of `LIMIT` (full at the start, refilled at `LIMIT`/s) admits at once."""
    span = (stream.count - 1) / stream.rate  # planned time of the last call
    if stream.rate <= LIMIT:
        return float(stream.count)
    return min(float(stream.count), LIMIT + LIMIT * span)


def figures_of(stream: Stream) -> dict[str, Any]:
    results = stream.results
    answered = [r for r in results if r.status == 200 and r.error is None]
    immediate = [r for r in answered if r.latency < IMMEDIATE_BELOW]
    delayed = [r for r in answered if r.latency >= DELAYED_FROM]
    between = [r for r in answered if IMMEDIATE_BELOW <= r.latency < DELAYED_FROM]
    seconds = math.ceil(stream.seconds)
    per_second = [0] * seconds
    delayed_per_second = [0] * seconds
    for r in immediate:
        per_second[min(int(r.planned), seconds - 1)] += 1
    for r in delayed:
        delayed_per_second[min(int(r.planned), seconds - 1)] += 1
    sends = sorted(r.planned + r.lag for r in results)
    window = sends[-1] - sends[0] if len(sends) > 1 else 0.0
    errors = [r for r in results if r.status != 200 or r.error is not None]
    return {
        "environment": stream.target.name,
        "offered_rate": stream.rate,
        "seconds": stream.seconds,
        "offered": stream.count,
        "completed": len(results),
        "achieved_rate": (len(sends) - 1) / window if window else math.nan,
        "connections": stream.connections,
        "errors": len(errors),
        "first_error": errors[0].error if errors else None,
        "immediate": group([r.latency for r in immediate]),
        "delayed": group([r.latency for r in delayed]),
        "between": len(between),
        "delayed_over_max": sum(1 for r in delayed if r.latency > DELAYED_MAX),
        "all": group([r.latency for r in answered]),
        "immediate_per_second": per_second,
        "delayed_per_second": delayed_per_second,
        "expected_immediate": expected_immediate(stream),
        "expected_delayed": stream.count - expected_immediate(stream),
        "lag": group([r.lag for r in results]),
    }
