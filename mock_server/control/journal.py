"""The request journal: what every SOAP call asked and how it was answered, newest last."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    at: float  # time.time() when the request arrived
    service: str
    operation: str | None  # None when the request could not be routed
    environment: str | None
    username: str | None
    soap_version: str
    http_status: int
    fault: str | None
    duration_ms: float
    delayed_ms: float  # throttle delay

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, environment: str | None = None) -> list[JournalEntry]:
        with self._lock:
            return [e for e in self._entries if environment is None or e.environment == environment]

    def clear(self, environment: str | None = None) -> None:
        with self._lock:
            kept = [e for e in self._entries if environment is not None and e.environment != environment]
            self._entries.clear()
            self._entries.extend(kept)
