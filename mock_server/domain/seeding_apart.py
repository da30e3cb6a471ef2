"""Seeding a large environment in a store of its own, elsewhere, while the mock serves.

Seeding runs in one transaction of the serving store. While it runs, every other call waits: a
minute for 50,000 employees. Seeded apart, the environment is made in a temporary store of its own
by `run_job`, which the mock runs in a process of its own (`mock_server/seeding_process.py`; tests
may run it on a thread), and written to a seed-cache file. Then the file is copied into the serving
store in steps of their own transactions (`SeedCache.load` with a pause), so other calls are served
between them too. The rows, ids and counters are the ones seeding in place gives (the same id
block, claimed in the serving store first), and nothing of the environment is served before it is
complete.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.tenant import ID_REGISTRY, Seeder, seed_into
from mock_server.storage.seed_cache import FillWith, Pause, SeedCache
from mock_server.storage.sqlite_store import SqliteStore

APART_EMPLOYEES = 1_000  # environments made through the admin API from this size on are seeded apart


@dataclass(frozen=True)
class SeedJob:
    """Seeding one environment apart, as plain values (another process can take it, `run_job`)."""

    spec: EnvironmentSpec
    seeder: Seeder
    block: int  # its id block, claimed in the serving store
    fingerprint: str
    folder: Path  # of the seed cache (or a private temporary one) that `target` is written to
    target: Path


RunApart = Callable[[SeedJob], bool]  # runs `run_job` somewhere else and waits for what it gives


def run_job(job: SeedJob) -> bool:
    """Seed the environment in a temporary store of its own and write it to `job.target`; False
    when the file cannot be written."""
    store = SqliteStore()
    try:
        with store.transaction():
            store.next_id(ID_REGISTRY, f"block {job.spec.name}", job.block)  # the block claimed
            seed_into(store, job.spec, job.seeder)
        return SeedCache(job.folder).save(store, job.spec.name, job.target, job.fingerprint, job.block)
    finally:
        store.db.close()


def run_here(job: SeedJob) -> bool:
    """The default `RunApart`: on this thread (nothing else is served meanwhile)."""
    return run_job(job)


def seed_apart(
    spec: EnvironmentSpec,
    seeder: Seeder,
    block: int,
    fingerprint: str,
    cache: SeedCache | None,
    run_apart: RunApart,
    serving: SqliteStore,
    copy_in: FillWith,
    copy_pause: Callable[[], Pause | None] = lambda: None,
) -> bool:
    """Seed the environment apart (`run_apart(SeedJob)`) into a seed-cache file (the cache's, or a
    private temporary one), then copy that file into the `serving` store through `copy_in`
    (`SeedCache.load`; in steps with the pause `copy_pause()` gives once the seeding is done, if
    any). False when the file cannot be written or read: nothing of the environment is stored then."""
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-seeding-") as folder:
        writer = cache or SeedCache(folder)
        target = cache.file_for(fingerprint, block) if cache else Path(folder) / "seeded.sqlite"
        if not run_apart(SeedJob(spec, seeder, block, fingerprint, writer.folder, target)):
            return False
        return writer.load(serving, spec.name, target, copy_in, copy_pause())
