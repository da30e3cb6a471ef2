"""Seeding a large environment in a store of its own, elsewhere, while the mock serves.

Seeding runs in one transaction of the serving store. While it runs, every other call waits: a
minute for 50,000 employees. Seeded apart, the environment is made in a temporary store of its own
by `run_job`, which the mock runs in a process of its own (`mock_server/seeding_process.py`; tests
may run it on a thread), and written to a seed-cache file. Then the file is copied into the serving
store in steps of their own transactions (`SeedCache.load` with a pause), so other calls are served
between them too. The rows, ids and counters are the ones seeding in place gives (the same id
block, claimed in the serving store first), and nothing of the environment is served before it is
complete. A large shape (`seeding_by_company`) is seeded in parts instead, its companies shared out
over one process per core (`parts`, `run_part`), each part written to a file of its own
(`SeedCache.save_part`). The serving store copies the parts in (the same rows); for the seed cache
they are merged into its file first (`SeedCache.save_parts`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mock_server.domain import demo
from mock_server.domain.demo import EnvironmentShape, ShapeSeeder
from mock_server.domain.history import HISTORY_YEARS
from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.periods import PeriodType
from mock_server.domain.seeding_by_company import by_company, record_range, record_span
from mock_server.domain.tenant import ENTITY_ID_RANGES, ID_REGISTRY, Seeder, seed_into
from mock_server.storage.seed_cache import FillWith, Pause, SeedCache
from mock_server.storage.seed_parts import CompanyRows
from mock_server.storage.sqlite_store import SqliteStore

APART_EMPLOYEES = 1_000  # environments made through the admin API from this size on are seeded apart
MAX_PARTS = 8  # processes a seeding in parallel uses at most
PER_EMPLOYEE_WEIGHT = 30  # an employee's own records against one payslip a run, when sharing companies out
FIRST_COMPANY_ID, ID_WIDTH = ENTITY_ID_RANGES["company"]


@dataclass(frozen=True)
class PartJob:
    """One part of a seeding in parallel: what the companies share and the companies `only` (by
    index) of `shape`, written to `target` (`run_part`)."""

    spec: EnvironmentSpec
    shape: EnvironmentShape
    only: frozenset[int]
    block: int
    target: Path

    def run(self) -> bool:
        return run_part(self)


RunPart = Callable[[PartJob], bool]  # runs `run_part` in another process and waits for what it gives
Seeded = list[Path]  # the files holding a seeding apart's rows ([]: they could not be written)


@dataclass(frozen=True)
class SeedJob:
    """Seeding one environment apart, as plain values (another process can take it, `run_job`)."""

    spec: EnvironmentSpec
    seeder: Seeder
    block: int  # its id block, claimed in the serving store
    fingerprint: str
    folder: Path  # of the seed cache (or a private temporary one) that `target` is written to
    target: Path
    run_part: RunPart | None = None  # with it, a large shape is seeded in parts in parallel (`parts`)
    merge: bool = True  # the parts of a seeding in parallel merged into `target` (else next to it)

    def run(self) -> Seeded:
        return run_job(self)


RunApart = Callable[[SeedJob], Seeded]  # runs `run_job` somewhere else and waits for what it gives


def run_job(job: SeedJob) -> Seeded:
    """Seed the environment in a temporary store of its own and write it to `job.target`: the files
    written. A large shape is seeded in parts, each in a process of its own, when `job.run_part` is
    given and the machine has the cores (`parts`): the part files, unless `job.merge`."""
    groups = parts(job.seeder) if job.run_part is not None else []
    if len(groups) > 1 and isinstance(job.seeder, ShapeSeeder) and job.run_part is not None:
        return _run_in_parts(job, job.seeder.shape, job.run_part, groups)
    store = SqliteStore()
    try:
        with store.transaction():
            store.next_id(ID_REGISTRY, f"block {job.spec.name}", job.block)  # the block claimed
            seed_into(store, job.spec, job.seeder)
        saved = SeedCache(job.folder).save(store, job.spec.name, job.target, job.fingerprint, job.block)
        return [job.target] if saved else []
    finally:
        store.db.close()


def parts(seeder: Seeder) -> list[frozenset[int]]:
    """The companies (by index) of each part of a seeding in parallel: one part per core at most,
    the heaviest companies (employees times runs replayed) shared out first; [] for a seeder that is
    not a large shape's (`seeding_by_company`)."""
    if not isinstance(seeder, ShapeSeeder) or not by_company(seeder.shape):
        return []
    kinds = seeder.shape.period_types
    count = min(os.cpu_count() or 1, len(kinds), MAX_PARTS)
    employees = [len(range(index, seeder.shape.employees, len(kinds))) for index in range(len(kinds))]
    runs = [PeriodType(kind).periods_in_year(2000) * (HISTORY_YEARS + 1) for kind in kinds]  # at most
    weights = [employees[i] * (PER_EMPLOYEE_WEIGHT + runs[i]) for i in range(len(kinds))]
    loads, groups = [0] * count, [set[int]() for _ in range(count)]
    for index in sorted(range(len(kinds)), key=lambda i: -weights[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += weights[index]
        groups[lightest].add(index)
    return [frozenset(group) for group in groups if group]


def run_part(job: PartJob) -> bool:
    """Seed one part in a temporary store of its own and write it to `job.target`."""
    span = record_span(job.shape)
    first_company = FIRST_COMPANY_ID + ID_WIDTH * job.block  # company ids follow their index
    companies = [
        CompanyRows(index, first_company + index, *record_range(span, index)) for index in sorted(job.only)
    ]
    store = SqliteStore()
    try:
        with store.transaction():
            store.next_id(ID_REGISTRY, f"block {job.spec.name}", job.block)  # the block claimed
            seed_into(store, job.spec, lambda tenant: demo.Seeder(tenant, job.shape, job.only).run())
        shared_below = record_range(span, 0)[0]
        return SeedCache(job.target.parent).save_part(
            store, job.spec.name, job.target, shared_below, companies
        )
    finally:
        store.db.close()


def _run_in_parts(
    job: SeedJob, shape: EnvironmentShape, run_part: RunPart, groups: list[frozenset[int]]
) -> Seeded:
    """The part files, next to `job.target` (`_seed_parts`); with `job.merge` the parts merged into
    `job.target` instead (`SeedCache.save_parts`)."""
    if not job.merge:
        return _seed_parts(job, shape, run_part, groups, job.target.parent)
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-parts-") as folder:
        files = _seed_parts(job, shape, run_part, groups, Path(folder))
        merged = bool(files) and SeedCache(job.folder).save_parts(
            files, job.target, job.fingerprint, job.block
        )
        return [job.target] if merged else []


def _seed_parts(job: SeedJob, shape: EnvironmentShape, run_part: RunPart, groups: list[frozenset[int]],
                folder: Path) -> Seeded:  # fmt: skip
    """Each part of `shape` in a process of its own (`run_part`, waited for on a thread each), written
    to `folder`: the part files ([] if one could not be written). What a part raises is raised here."""
    jobs = [PartJob(job.spec, shape, group, job.block, folder / f"{job.target.stem}.part{n}.sqlite")
            for n, group in enumerate(groups)]  # fmt: skip
    with ThreadPoolExecutor(len(jobs)) as pool:
        written = list(pool.map(run_part, jobs))
    return [part.target for part in jobs] if all(written) else []


def run_here(job: SeedJob) -> Seeded:
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
    run_part: RunPart | None = None,
) -> bool:
    """Seed the environment apart (`run_apart(SeedJob)`) into a seed-cache file (the cache's), or
    into private temporary files (one per part of a seeding in parallel), then copy them into the
    `serving` store through `copy_in` (`SeedCache.load`; in steps with the pause `copy_pause()`
    gives once the seeding is done, if any). False when the files cannot be written or read:
    nothing of the environment is stored then."""
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-seeding-") as folder:
        writer = cache or SeedCache(folder)
        target = cache.file_for(fingerprint, block) if cache else Path(folder) / "seeded.sqlite"
        job = SeedJob(
            spec, seeder, block, fingerprint, writer.folder, target, run_part, merge=cache is not None
        )
        files = run_apart(job)
        return bool(files) and writer.load(serving, spec.name, files, copy_in, copy_pause())
