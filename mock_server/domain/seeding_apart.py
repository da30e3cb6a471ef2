"""Seeding a large environment in a store of its own, on another thread, while the mock serves.

Seeding runs in one transaction of the serving store. While it runs, every other call waits: a
minute for 50,000 employees. Seeded apart, the environment is made in a temporary store of its own,
on a thread of the serving hub's pool, and written to a seed-cache file. Then the file is copied into
the serving store in steps of their own transactions (`SeedCache.load` with a pause), so other calls
are served between them too. The rows, ids and counters are the ones seeding in place gives (the
same id block, claimed in the serving store first), and nothing of the environment is served before
it is complete.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mock_server.storage.seed_cache import FillWith, Pause, SeedCache
from mock_server.storage.sqlite_store import SqliteStore

T = TypeVar("T")
RunApart = Callable[[Callable[[], T]], T]  # runs a function on another thread and waits for its result
APART_EMPLOYEES = 1_000  # environments made through the admin API from this size on are seeded apart


def run_here(function: Callable[[], T]) -> T:
    """The default `RunApart`: on this thread (nothing else is served meanwhile)."""
    return function()


def seed_apart(
    name: str,
    fill: Callable[[SqliteStore], None],
    cache: SeedCache | None,
    fingerprint: str,
    block: int,
    run_apart: RunApart[bool],
    serving: SqliteStore,
    copy_in: FillWith,
    pause: Pause | None = None,
) -> bool:
    """Seed environment `name` in a temporary store of its own (`fill`, run by `run_apart`), write it
    to a seed-cache file (the cache's, or a private temporary one), then copy that file into the
    `serving` store through `copy_in` (`SeedCache.load`; in steps, with `pause`). False when the
    file cannot be written or read: nothing of the environment is stored then."""
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-seeding-") as folder:
        writer = cache or SeedCache(folder)
        target = cache.file_for(fingerprint, block) if cache else Path(folder) / "seeded.sqlite"
        if not run_apart(lambda: _seed_and_write(name, fill, writer, target, fingerprint, block)):
            return False
        return writer.load(serving, name, target, copy_in, pause)


def _seed_and_write(
    name: str,
    fill: Callable[[SqliteStore], None],
    writer: SeedCache,
    target: Path,
    fingerprint: str,
    block: int,
) -> bool:
    store = SqliteStore()
    try:
        fill(store)
        return writer.save(store, name, target, fingerprint, block)
    finally:
        store.db.close()
