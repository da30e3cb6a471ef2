"""A large environment made at startup (the demo of `--employees N`, a `--scenario`'s) is seeded in
parallel parts where the machine has the cores for more than one, and holds what seeding in place
gives; on one core it is seeded in place. With progress on (a terminal, `--verbose`), a seeding
apart is told by a line as it starts and one when it is done: the counting seeder that reports
seeding in place cannot go to another process, and seeding on a thread of the mock instead would
keep the mock's core and memory."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server import app as app_module
from mock_server.app import MockApp
from mock_server.console import SeedProgress
from mock_server.domain import seeding_apart
from mock_server.domain.backend import Backend
from mock_server.domain.demo import DEMO_DOMAIN, EnvironmentShape, ShapeSeeder, demo_spec
from mock_server.domain.seeding_apart import PartJob, run_job
from mock_server.domain.seeding_by_company import BY_COMPANY_EMPLOYEES
from mock_server.settings import MockSettings
from mock_server.storage.environment_rows import export_rows
from mock_server.storage.sqlite_store import SqliteStore

SHAPE = EnvironmentShape(employees=BY_COMPANY_EMPLOYEES, period_types=("M", "W1"), debtors=1, seed=4)


def _started(
    monkeypatch: pytest.MonkeyPatch, cores: int, jobs: list[list[PartJob]], demo: EnvironmentShape = SHAPE
) -> tuple[MockApp, str]:
    """A mock started with `demo` (the large one) on a machine of `cores`, its progress on; the
    parts of each seeding in parallel go to `jobs` (each part in a process of its own). Also what
    its progress wrote at startup."""
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: cores)
    run_parts = app_module._parts_in_child_processes

    def recording(part_jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
        jobs.append(part_jobs)
        return run_parts(part_jobs)

    monkeypatch.setattr(app_module, "_parts_in_child_processes", recording)
    written = io.StringIO()
    app = MockApp(MockSettings(), demo=demo, progress=SeedProgress(written))
    return app, written.getvalue()


def test_a_large_demo_is_seeded_in_parallel_parts_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs: list[list[PartJob]] = []
    app, written = _started(monkeypatch, 2, jobs)
    [part_jobs] = jobs
    assert sorted(sorted(job.only) for job in part_jobs) == [[0], [1]]
    in_place = Backend(SqliteStore())
    in_place.add_environment(demo_spec(DEMO_DOMAIN, SHAPE.seed), ShapeSeeder(SHAPE), fingerprint=repr(SHAPE))
    assert export_rows(app.backend.store, DEMO_DOMAIN) == export_rows(in_place.store, DEMO_DOMAIN)
    assert app.backend.sources[DEMO_DOMAIN] == "seeded" and app.origins[DEMO_DOMAIN] == "created"
    started, done = written.splitlines()
    assert started == f"seeding demo: {BY_COMPANY_EMPLOYEES} employees, in 2 processes"
    assert done.startswith(f"seeding demo: {BY_COMPANY_EMPLOYEES} employees seeded: done in ")


def test_on_one_core_a_large_demo_is_seeded_in_place_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs: list[list[PartJob]] = []
    app, written = _started(monkeypatch, 1, jobs)
    assert jobs == [] and app.backend.sources[DEMO_DOMAIN] == "seeded"
    assert f"seeding demo: {BY_COMPANY_EMPLOYEES}/{BY_COMPANY_EMPLOYEES} employees" in written
    assert "done in" in written


def test_a_seeding_apart_that_fails_is_told_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
        raise MemoryError("the seeding process ran out of memory")
        yield from ()

    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(app_module, "_parts_in_child_processes", failing)
    written = io.StringIO()
    with pytest.raises(MemoryError):
        MockApp(MockSettings(), demo=SHAPE, progress=SeedProgress(written))
    started, failed = written.getvalue().splitlines()
    assert started.startswith("seeding demo:") and failed.startswith("seeding demo: failed after ")


def test_with_progress_on_the_admin_api_seeds_in_parallel_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mock run on a terminal (progress on) hands the shape itself to the seeding process, not a
    counting seeder that only a thread of the mock could run."""
    jobs: list[list[PartJob]] = []
    small = EnvironmentShape(employees=3)
    app, _ = _started(monkeypatch, 2, jobs, demo=small)
    assert jobs == []  # the small demo: in place
    assert app.progress is not None and isinstance(app.progress.stream, io.StringIO)
    written = app.progress.stream
    app.control.create_environment("big", employees=BY_COMPANY_EMPLOYEES, period_types=["M", "W1"], seed=4)
    [part_jobs] = jobs
    assert len(part_jobs) == 2 and all(job.shape == part_jobs[0].shape for job in part_jobs)
    assert app.backend.sources["big"] == "seeded"
    done = written.getvalue().splitlines()[-1]
    assert done.startswith(f"seeding big: {BY_COMPANY_EMPLOYEES} employees seeded: done in ")


def test_a_large_demo_in_the_seed_cache_is_told_as_copied(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(app_module, "_in_a_child_process", run_job)
    lines: list[list[str]] = []
    for _ in range(2):  # seeded into the cache, then copied from it
        written = io.StringIO()
        app = MockApp(MockSettings(seed_cache=str(tmp_path)), demo=SHAPE, progress=SeedProgress(written))
        lines.append(written.getvalue().splitlines())
    assert lines[0][0].endswith("employees, in 2 processes") and "employees seeded: done in " in lines[0][1]
    assert lines[1][0] == f"seeding demo: {BY_COMPANY_EMPLOYEES} employees, from the seed cache"
    assert lines[1][1].startswith(f"seeding demo: {BY_COMPANY_EMPLOYEES} employees copied from the seed")
    assert app.origins[DEMO_DOMAIN] == "copied from the seed cache"
