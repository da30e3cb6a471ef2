"""Keep a process under Nmbrs's 150 calls per second, across all its threads and clients.

Nmbrs answers calls beyond 150 per second half a second late (no fault). A GCRA limiter per
(base URL, username) spaces this process's calls at the configured rate, letting `burst` calls go
back to back: any window of T seconds holds at most `burst + rate * T` calls, so at 145/s with a
burst of 5 no second ever sees more than 150. Each caller books the next free slot under a lock and
then sleeps outside it, so threads are served in order and none holds the others up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Generic cell-rate algorithm: `rate` calls per second, `burst` at once; clock and sleep injectable."""

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be positive and burst at least 1, not {rate}/{burst}")
        self._clock = clock
        self._sleep = sleep or _sleep
        self._configure(rate, burst)
        self._theoretical_arrival: float | None = None
        self._lock = threading.Lock()
        self.waited = 0  # calls that had to wait
        self.admitted = 0

    def _configure(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval

    def tighten(self, rate: float, burst: int) -> None:
        """Lower the rate or burst to these if they are stricter (never loosens)."""
        with self._lock:
            self._configure(min(rate, self.rate), min(burst, self.burst))

    def reserve(self) -> float:
        """Book the next slot; return how long to wait before using it (0.0 when it is free now)."""
        with self._lock:
            now = self._clock()
            arrival = now if self._theoretical_arrival is None else max(self._theoretical_arrival, now)
            wait = max(arrival - self._tolerance - now, 0.0)
            self._theoretical_arrival = arrival + self._interval
            self.admitted += 1
            if wait > 0:
                self.waited += 1
            return wait

    def acquire(self) -> float:
        """Wait for a slot; return the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up per call: gevent (Locust) may patch `time.sleep` after import


class _Registry:
    def __init__(self) -> None:
        self._limiters: dict[tuple[str, str], RateLimiter] = {}
        self._lock = threading.Lock()

    def limiter(self, base_url: str, username: str, rate: float, burst: int) -> RateLimiter:
        """The process's limiter for a (base URL, username). Clients asking for different rates share
        it at the strictest of them (lowest rate and burst)."""
        key = (base_url.rstrip("/").lower(), username.strip().lower())
        with self._lock:
            current = self._limiters.get(key)
            if current is None:
                current = self._limiters[key] = RateLimiter(rate, burst)
            else:
                current.tighten(rate, burst)
            return current

    def clear(self) -> None:
        with self._lock:
            self._limiters.clear()


LIMITERS = _Registry()


def shared_limiter(base_url: str, username: str, rate: float, burst: int) -> RateLimiter:
    return LIMITERS.limiter(base_url, username, rate, burst)
