"""The store's lock: threads wait for each other; greenlets of one hub must never meet inside it.

The greenlets of the serving hub share one thread, so a thread lock cannot keep them apart: a
greenlet that yields to the hub inside a transaction would let the next one join its transaction or
read what it has not committed. The mock never yields there (no I/O inside a call's transaction), and
this lock makes sure of it, loudly:

* another greenlet of the same thread taking the lock while it is held raises at once;
* a transaction that switched greenlets (seen by a `greenlet.settrace` hook while it is open) raises
  when it ends, so the store rolls it back.
"""

from __future__ import annotations

import threading
from typing import Any

import greenlet  # type: ignore[import-untyped]


class GreenletSwitchInTransaction(RuntimeError):
    """A greenlet switch inside a store transaction: a bug in the mock (never the caller's fault)."""


class TransactionLock:
    """A re-entrant lock held by one greenlet at a time (and by one thread at a time)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._owner: greenlet.greenlet | None = None
        self._depth = 0

    def __enter__(self) -> TransactionLock:
        self._lock.acquire()
        current = greenlet.getcurrent()
        if self._depth and self._owner is not current:
            self._lock.release()
            raise GreenletSwitchInTransaction(
                "the store was used by a second greenlet while another held it: "
                "a greenlet switched inside a transaction"
            )
        self._owner = current
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if not self._depth:
            self._owner = None
        self._lock.release()

    def watch_switches(self) -> SwitchWatch:
        """Start noticing switches away from the current greenlet (until `stop`)."""
        return SwitchWatch(greenlet.getcurrent())


class SwitchWatch:
    def __init__(self, owner: greenlet.greenlet) -> None:
        self.owner = owner
        self.switched = False
        self._previous = greenlet.settrace(self._trace)

    def _trace(self, event: str, args: Any) -> None:
        if event in ("switch", "throw") and args[0] is self.owner:
            self.switched = True
        if self._previous is not None:
            self._previous(event, args)

    def check(self) -> None:
        if self.switched:
            raise GreenletSwitchInTransaction(
                "a greenlet switch happened inside a transaction (it was rolled back)"
            )

    def stop(self) -> None:
        greenlet.settrace(self._previous)
