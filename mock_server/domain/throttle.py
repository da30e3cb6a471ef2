"""Emulation of the Nmbrs rate limit: 150 calls per second, calls beyond that answered 0.5 s late.

Nmbrs never rejects a call for going over the limit and sends no fault; it only delays the answer.
Other users' calls count against the same budget, so by default the budget is per environment.

Each scope key has a token bucket holding at most ``rate_per_second`` tokens (a burst of one second),
refilled continuously at ``rate_per_second``. A call that finds a whole token takes it and is answered
at once; a call that finds none is delayed by ``delay_seconds`` and takes no token.

:meth:`Throttle.admit` only returns the delay; the caller sleeps (the server does so cooperatively).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

Scope = Literal["environment", "user", "global"]

GLOBAL_KEY = "*"
# Slack for float drift in the refill, so 0.1 s at 150/s yields 15 tokens and not 14.999….
_EPSILON = 1e-9


@dataclass(frozen=True)
class ThrottleSettings:
    enabled: bool = True
    rate_per_second: float = 150.0
    delay_seconds: float = 0.5
    scope: Scope = "environment"

    def __post_init__(self) -> None:
        if self.rate_per_second <= 0:
            raise ValueError(f"rate_per_second must be positive, not {self.rate_per_second}")
        if self.delay_seconds < 0:
            raise ValueError(f"delay_seconds must not be negative, not {self.delay_seconds}")
        if self.scope not in get_args(Scope):
            raise ValueError(f"scope must be one of {get_args(Scope)}, not {self.scope!r}")


@dataclass(frozen=True)
class KeyStats:
    admitted: int
    delayed: int


@dataclass
class _Bucket:
    tokens: float
    updated: float
    admitted: int = 0
    delayed: int = 0


class Throttle:
    """Token buckets per scope key; thread-safe, O(1) per call.

    At most ``max_keys`` buckets are kept; beyond that the least recently used one is dropped (with its
    stats). An idle key's bucket is full again after one second, so dropping it changes no delay.
    """

    def __init__(
        self,
        settings: ThrottleSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_keys: int = 10_000,
    ) -> None:
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, not {max_keys}")
        self.settings = settings if settings is not None else ThrottleSettings()
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def key_for(self, environment: str, user: str) -> str:
        """The bucket key a call counts against under the configured scope."""
        scope = self.settings.scope
        if scope == "global":
            return GLOBAL_KEY
        if scope == "user":
            return f"{environment}/{user}"
        return environment

    def admit(self, environment: str, user: str) -> float:
        """Count one call; return how many seconds to wait before answering it (0.0 within budget)."""
        if not self.settings.enabled:
            return 0.0
        key = self.key_for(environment, user)
        with self._lock:
            bucket = self._bucket(key, self._clock())
            if bucket.tokens >= 1.0 - _EPSILON:
                bucket.tokens = max(bucket.tokens - 1.0, 0.0)
                bucket.admitted += 1
                return 0.0
            bucket.delayed += 1
            return self.settings.delay_seconds

    def reset(self, key: str | None = None) -> None:
        """Forget one key's bucket and stats (as returned by :meth:`key_for`), or all of them."""
        with self._lock:
            if key is None:
                self._buckets.clear()
            else:
                self._buckets.pop(key, None)

    def reset_environment(self, environment: str) -> None:
        """Forget an environment's budget under any scope (`env` and every `env/user` key); under the
        global scope the shared budget is left alone."""
        with self._lock:
            for key in [k for k in self._buckets if k == environment or k.startswith(f"{environment}/")]:
                del self._buckets[key]

    def stats(self) -> dict[str, KeyStats]:
        """Calls admitted at once and calls delayed, per key still held."""
        with self._lock:
            return {key: KeyStats(b.admitted, b.delayed) for key, b in self._buckets.items()}

    def _bucket(self, key: str, now: float) -> _Bucket:
        rate = self.settings.rate_per_second
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=rate, updated=now)
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return bucket
        self._buckets.move_to_end(key)
        if now > bucket.updated:  # a clock that steps back refills nothing
            bucket.tokens = min(bucket.tokens + (now - bucket.updated) * rate, rate)
            bucket.updated = now
        return bucket
