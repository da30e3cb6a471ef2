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
(`SeedCache.save_part`): the same rows. The serving mock runs those processes itself (`RunParts`)
and copies each part in as soon as it is written, while the others are still being seeded
(`SeedCache.load_parts`); for the seed cache, its seeding process merges the parts into the cache
file first (`SeedCache.save_parts`), and the mock copies that file in.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
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
# runs `run_part` for each job at once, each in a process of its own, giving each (and what it gave)
# as it ends; what a part raises is raised when it is given
RunParts = Callable[[list[PartJob]], Iterator[tuple[PartJob, bool]]]


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

    def run(self) -> bool:
        return run_job(self)


RunApart = Callable[[SeedJob], bool]  # runs `run_job` somewhere else and waits for what it gives


def run_job(job: SeedJob) -> bool:
    """Seed the environment in a temporary store of its own and write it to `job.target`; False
    when the file cannot be written. A large shape is seeded in parts, each in a process of its
    own, when `job.run_part` is given and the machine has the cores (`parts`), and the parts merged
    into the file."""
    groups = parts(job.seeder) if job.run_part is not None else []
    if len(groups) > 1 and isinstance(job.seeder, ShapeSeeder) and job.run_part is not None:
        return _run_in_parts(job, job.seeder.shape, job.run_part, groups)
    store = SqliteStore()
    try:
        with store.transaction():
            store.next_id(ID_REGISTRY, f"block {job.spec.name}", job.block)  # the block claimed
            seed_into(store, job.spec, job.seeder)
        return SeedCache(job.folder).save(store, job.spec.name, job.target, job.fingerprint, job.block)
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
) -> bool:
    """Each part of `shape` in a process of its own (`run_part`, waited for on a thread each), then
    the parts merged into `job.target` (`SeedCache.save_parts`). What a part raises is raised here."""
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-parts-") as folder:
        jobs = part_jobs(job.spec, shape, groups, job.block, Path(folder))
        written = [ok for _, ok in parts_on_threads(run_part)(jobs)]
        files = [part.target for part in jobs]
        return all(written) and SeedCache(job.folder).save_parts(
            files, job.target, job.fingerprint, job.block
        )


def part_jobs(
    spec: EnvironmentSpec, shape: EnvironmentShape, groups: list[frozenset[int]], block: int, folder: Path
) -> list[PartJob]:
    return [PartJob(spec, shape, group, block, folder / f"part-{n}.sqlite") for n, group in enumerate(groups)]


def parts_on_threads(run_part: RunPart) -> RunParts:
    """A `RunParts` of `run_part`, each waited for on a thread of its own (where no hub serves)."""

    def run_parts(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
        with ThreadPoolExecutor(len(jobs)) as pool:
            running = {pool.submit(run_part, job): job for job in jobs}
            for ended in as_completed(running):
                yield running[ended], ended.result()

    return run_parts


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
    run_part: RunPart | None = None,
    run_parts: RunParts | None = None,
) -> bool:
    """Seed the environment apart into a seed-cache file (`run_apart(SeedJob)`: the cache's, or a
    private temporary one), then copy that file into the `serving` store through `copy_in`
    (`SeedCache.load`; in steps with the pause `copy_pause()` gives once the seeding is done, if
    any). Without a cache, a large shape is seeded in parts by `run_parts`, each copied in as it
    ends (`SeedCache.load_parts`). False when the files cannot be written or read: nothing of the
    environment is stored then."""
    with tempfile.TemporaryDirectory(prefix="nmbrs-mock-seeding-") as folder:
        groups = parts(seeder) if cache is None and run_parts is not None else []
        if len(groups) > 1 and isinstance(seeder, ShapeSeeder) and run_parts is not None:
            jobs = part_jobs(spec, seeder.shape, groups, block, Path(folder))
            written = (job.target if ok else None for job, ok in run_parts(jobs))
            return SeedCache(folder).load_parts(serving, spec.name, written, copy_in, copy_pause)
        writer = cache or SeedCache(folder)
        target = cache.file_for(fingerprint, block) if cache else Path(folder) / "seeded.sqlite"
        job = SeedJob(spec, seeder, block, fingerprint, writer.folder, target, run_part)
        if not run_apart(job):
            return False
        return writer.load(serving, spec.name, target, copy_in, copy_pause())
