"""When to try a call again, and how long to wait first.

Only failures a retry can fix are retried: network errors and HTTP 502/503/504. An Nmbrs fault
(wrong token, missing right, protected period, ...) is an answer and is never retried. A write
(variable hour components are additive) is retried only when the request surely never reached the
service: the connection could not be made, or the answer was 503 Service Unavailable. Reads, and
writes with `retry_writes=True`, are retried on every transport failure.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import requests

from nmbrs_client.errors import NmbrsFault, ServerUnavailable, TransportError

_WRITE = re.compile(r"_(Insert|Set|Clear|Update|Delete|Stop|Upload|Transition|Send|Cancel)")


_NOT_CONNECTED = (
    "connection refused",
    "newconnectionerror",
    "name or service not known",
    "failed to resolve",
)


def is_write(operation: str) -> bool:
    return bool(_WRITE.search(operation))


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.5
    retry_writes: bool = False

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `attempt` (1 = the first retry)."""
        base = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        return base * (1 + self.jitter * rand())

    def should_retry(self, error: NmbrsFault, operation: str, attempt: int) -> bool:
        """Whether to make retry number `attempt` after `error`."""
        if attempt > self.retries or not isinstance(error, TransportError):
            return False
        if self.retry_writes or not is_write(operation):
            return True
        return surely_unprocessed(error)


def surely_unprocessed(error: TransportError) -> bool:
    """The request cannot have been executed: no connection was made, or the server said 503."""
    if isinstance(error, ServerUnavailable):
        return error.status == 503
    cause = error.__cause__
    if isinstance(cause, requests.exceptions.ConnectTimeout):
        return True
    return isinstance(cause, requests.exceptions.ConnectionError) and _refused(cause)


def _refused(error: requests.exceptions.ConnectionError) -> bool:
    """Connection refused or the name did not resolve (not a reset after sending)."""
    text = str(error).lower()
    return any(sign in text for sign in _NOT_CONNECTED)
