"""The request journal: what every SOAP call asked and how it was answered, oldest first.

Bounded twice: at most `max_entries` entries and at most `max_bytes` of stored bodies and arguments
(an estimate kept incrementally, O(1) per record); the oldest entries go first. Bodies are kept up to
`body_bytes` each, with the `<Token>` masked. Switched off (`enabled=False`), recording is one test.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from mock_server.control.redact import ENTRY_OVERHEAD, MASK_MARGIN, body_text

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class JournalSettings:
    enabled: bool = True
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_bytes: int = DEFAULT_MAX_BYTES
    body_bytes: int = DEFAULT_BODY_BYTES  # per request and per response body; 0 keeps no bodies

    def __post_init__(self) -> None:
        for name in ("max_entries", "max_bytes", "body_bytes"):
            if getattr(self, name) < 0:
                raise ValueError(f"journal {name} must not be negative, not {getattr(self, name)}")


@dataclass(slots=True)
class JournalEntry:
    """One call. The journal gives it its `id` and `size` when it records it; treat it as read-only."""

    at: float  # time.time() when the request arrived
    service: str
    operation: str | None  # None when the request could not be routed
    environment: str | None
    username: str | None
    soap_version: str
    http_status: int
    fault: str | None  # the fault text with the context the client does not see
    duration_ms: float
    delayed_ms: float  # throttle delay
    id: int = 0  # given by the journal
    fault_code: int | None = None  # the Nmbrs code, None for faults without one (routing, XML)
    injected: bool = False  # an injected fault or latency shaped this answer
    injection: str | None = None  # which rule and effect
    args: dict[str, Any] | None = None  # the decoded arguments, JSON-able, tokens masked
    request_body: str | None = None
    response_body: str | None = None
    request_truncated: bool = False
    response_truncated: bool = False
    size: int = field(default=0, compare=False)  # bytes this entry counts against `max_bytes`
    # The bodies as sent and the cap, until the entry is first read: most entries are never read, so
    # decoding, masking and cutting wait for a reader (`settle`). Never shown.
    sent_bodies: tuple[bytes, bytes, int] | None = field(default=None, repr=False, compare=False)

    def settle(self) -> JournalEntry:
        """Turn the bodies as sent into capped text with the tokens masked (once, on first read)."""
        sent = self.sent_bodies
        if sent is not None:
            request, response, cap = sent
            self.request_body, self.request_truncated = body_text(request, cap)
            self.response_body, self.response_truncated = body_text(response, cap, mask=False)
            self.sent_bodies = None
        return self

    def body_size(self) -> int:
        """Characters of body text this entry keeps (an estimate before it is settled)."""
        if self.sent_bodies is not None:
            request, response, cap = self.sent_bodies
            return min(len(request), cap) + min(len(response), cap)
        return len(self.request_body or "") + len(self.response_body or "")

    @property
    def qualified(self) -> str:
        return f"{self.service}.{self.operation}" if self.operation else self.service

    def summary(self) -> dict[str, Any]:
        """Everything but the bodies (what lists show)."""
        data = self.to_dict()
        for key in ("request_body", "response_body", "size"):
            data.pop(key)
        return data

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self.settle())
        data.pop("sent_bodies")
        moment = datetime.fromtimestamp(self.at, UTC).isoformat(timespec="milliseconds")
        return {"id": data.pop("id"), "time": moment, **data}


@dataclass(frozen=True)
class JournalQuery:
    environment: str | None = None
    operation: str | None = None  # glob over `Operation` or `Service.Operation`
    user: str | None = None
    fault_code: int | None = None
    status: int | None = None
    since: float | None = None
    until: float | None = None
    faulted: bool | None = None  # True: only unrouted or faulted calls
    limit: int | None = None

    def matches(self, entry: JournalEntry) -> bool:
        return (
            (self.environment is None or entry.environment == self.environment)
            and (self.operation is None or operation_matches(self.operation, entry))
            and (self.user is None or (entry.username or "").lower() == self.user.lower())
            and (self.fault_code is None or entry.fault_code == self.fault_code)
            and (self.status is None or entry.http_status == self.status)
            and (self.since is None or entry.at >= self.since)
            and (self.until is None or entry.at <= self.until)
            and (self.faulted is None or is_faulted(entry) == self.faulted)
        )


def operation_matches(pattern: str, entry: JournalEntry) -> bool:
    if entry.operation is None:
        return False
    target = entry.qualified if "." in pattern else entry.operation
    return fnmatchcase(target, pattern)


def is_faulted(entry: JournalEntry) -> bool:
    return entry.operation is None or entry.fault is not None or entry.http_status >= 400


class Journal:
    def __init__(self, settings: JournalSettings | None = None, capacity: int | None = None) -> None:
        settings = settings or JournalSettings()
        if capacity is not None:
            settings = JournalSettings(settings.enabled, capacity, settings.max_bytes, settings.body_bytes)
        self.settings = settings
        self._entries: deque[JournalEntry] = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    @property
    def body_bytes(self) -> int:
        return self.settings.body_bytes

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def bodies(self, request: bytes, response: bytes) -> dict[str, Any]:
        """The body fields of a new entry: kept as sent, made capped and masked text when first read."""
        cap = self.settings.body_bytes
        return {"sent_bodies": (request[: cap + MASK_MARGIN], response[: cap + MASK_MARGIN], cap)}

    def record(self, entry: JournalEntry, args_size: int = 0) -> JournalEntry | None:
        if not self.settings.enabled:
            return None
        size = ENTRY_OVERHEAD + args_size + entry.body_size()
        with self._lock:
            entry.id, entry.size = next(self._ids), size
            self._entries.append(entry)
            self._bytes += size
            while self._entries and (
                len(self._entries) > self.settings.max_entries or self._bytes > self.settings.max_bytes
            ):
                self._bytes -= self._entries.popleft().size
        return entry

    def entries(self, environment: str | None = None) -> list[JournalEntry]:
        """Oldest first."""
        with self._lock:
            found = [e for e in self._entries if environment is None or e.environment == environment]
        return [e.settle() for e in found]

    def query(self, query: JournalQuery) -> tuple[list[JournalEntry], int]:
        """Matching entries newest first (at most `limit`), and how many matched in all."""
        with self._lock:
            snapshot = list(self._entries)
        found = [e for e in reversed(snapshot) if query.matches(e)]
        shown = found if query.limit is None else found[: query.limit]
        return [e.settle() for e in shown], len(found)

    def get(self, entry_id: int) -> JournalEntry | None:
        with self._lock:
            found = next((e for e in self._entries if e.id == entry_id), None)
        return None if found is None else found.settle()

    def clear(self, environment: str | None = None) -> None:
        with self._lock:
            self._replace(
                e for e in self._entries if environment is not None and e.environment != environment
            )

    def _replace(self, kept: Iterable[JournalEntry]) -> None:
        entries = list(kept)
        self._entries = deque(entries)
        self._bytes = sum(e.size for e in entries)
