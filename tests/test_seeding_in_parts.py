"""Large shapes are seeded company by company (`domain/seeding_by_company.py`), each company's records
in an id range of its own; seeded apart, their companies are seeded in parallel processes and the
parts copied in (`storage/seed_parts.py`): the rows, ids and counters are those of seeding in
place."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.domain import seeding_apart
from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, ShapeSeeder, demo_spec
from mock_server.domain.seeding_apart import PartJob, RunParts, parts, run_part
from mock_server.domain.seeding_by_company import (
    BY_COMPANY_EMPLOYEES,
    SeedingTooLarge,
    record_range,
    record_span,
)
from mock_server.seeding_process import in_a_child_process
from mock_server.storage import seed_cache
from mock_server.storage.environment_rows import export_rows
from mock_server.storage.seed_cache import SeedCache
from mock_server.storage.seed_parts import PartsDisagree
from mock_server.storage.sqlite_store import SqliteStore

SHAPE = EnvironmentShape(employees=BY_COMPANY_EMPLOYEES, period_types=("M", "W1", "W4"), debtors=2, seed=3)


def _backend(
    apart: bool,
    merged: list[list[frozenset[int]]] | None = None,
    cache: Path | None = None,
    run_parts: Callable[[Backend], RunParts] | None = None,
) -> Backend:
    backend = Backend(SqliteStore())
    backend.seed_cache = SeedCache(cache) if cache is not None else None
    backend.add_environment(demo_spec("first"), ShapeSeeder(EnvironmentShape(employees=3)))
    if apart:
        backend.run_part = _recording(merged) if merged is not None else in_a_child_process
        backend.run_parts = run_parts(backend) if run_parts is not None else None
    backend.add_environment(
        demo_spec("big", SHAPE.seed), ShapeSeeder(SHAPE), fingerprint=repr(SHAPE), cacheable=True, apart=apart
    )
    return backend


def _recording(merged: list[list[frozenset[int]]]) -> Any:
    def run(job: PartJob) -> bool:
        merged.append([job.only])
        return in_a_child_process(job)

    return run


def _state(backend: Backend) -> tuple[Any, ...]:
    registry = backend.store.db.execute("SELECT name, value FROM counters WHERE env = '~ids' ORDER BY name")
    return export_rows(backend.store, "big"), registry.fetchall()


@pytest.fixture(scope="module")
def in_place() -> Backend:
    return _backend(apart=False)


def test_seeded_in_parallel_parts_is_seeded_in_place(
    in_place: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 3)
    ran: list[list[frozenset[int]]] = []
    apart = _backend(apart=True, merged=ran)
    assert sorted(sorted(group) for [group] in ran) == [[0], [1], [2]]  # one process per company
    assert _state(apart) == _state(in_place)


def _copied(backend: Backend) -> int:
    return int(backend.store.db.execute("SELECT count(*) FROM records WHERE env = 'big'").fetchone()[0])


def test_each_part_is_copied_in_as_soon_as_it_ends(
    in_place: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 3)
    copied_before: list[tuple[int, bool, int]] = []

    def one_by_one(backend: Backend) -> RunParts:
        def run_parts(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
            for job in jobs:  # each part ends only once the one before was given
                listed = backend.store.db.execute("PRAGMA database_list").fetchall()
                attached = [name for _, name, _ in listed if name.startswith(seed_cache.SCHEMA_NAME)]
                copied_before.append((_copied(backend), "big" in backend.specs, len(attached)))
                yield job, run_part(job)

        return run_parts

    apart = _backend(apart=True, run_parts=one_by_one)
    counts = [count for count, _, _ in copied_before]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]  # the parts ended before were copied in
    assert not any(served for _, served, _ in copied_before)  # and nothing served before the end
    assert [attached for _, _, attached in copied_before] == [0, 1, 1]  # the first part's file only
    assert apart.sources["big"] == "seeded" and _state(apart) == _state(in_place)


def test_a_part_that_is_not_written_leaves_nothing_and_the_others_are_waited_for(
    in_place: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 3)
    given: list[PartJob] = []

    def second_fails(backend: Backend) -> RunParts:
        def run_parts(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
            for n, job in enumerate(jobs):
                given.append(job)
                yield job, n != 1 and run_part(job)

        return run_parts

    fell_back = _backend(apart=True, run_parts=second_fails)
    assert len(given) == 3  # the third part was waited for, though its file is not used
    assert fell_back.sources["big"] == "seeded" and _state(fell_back) == _state(in_place)  # in place


def test_a_part_that_raises_leaves_nothing_of_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 3)
    backends: list[Backend] = []

    def second_raises(backend: Backend) -> RunParts:
        backends.append(backend)

        def run_parts(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
            yield jobs[0], run_part(jobs[0])
            raise MemoryError("the part's process ran out of memory")

        return run_parts

    with pytest.raises(MemoryError):
        _backend(apart=True, run_parts=second_raises)
    [backend] = backends
    assert _copied(backend) == 0 and "big" not in backend.specs and backend.pending == set()


def test_seeded_in_parts_for_the_seed_cache_is_seeded_in_place(
    in_place: Backend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 2)
    ran: list[list[frozenset[int]]] = []
    merged = _backend(apart=True, merged=ran, cache=tmp_path)  # the parts merged into the cache file
    assert len(ran) == 2 and "big" in merged.cache_written and merged.sources["big"] == "seeded"
    assert _state(merged) == _state(in_place)
    copied = _backend(apart=True, cache=tmp_path)
    assert copied.sources["big"] == "seed cache" and _state(copied) == _state(in_place)


def test_two_parts_share_the_companies_out_by_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 2)
    assert sorted(sorted(group) for group in parts(ShapeSeeder(SHAPE))) == [[0, 2], [1]]  # weekly alone
    monkeypatch.setattr(seeding_apart.os, "cpu_count", lambda: 1)
    assert parts(ShapeSeeder(SHAPE)) == [frozenset({0, 1, 2})]
    small = EnvironmentShape(employees=BY_COMPANY_EMPLOYEES - 1)
    assert parts(ShapeSeeder(small)) == []


def test_each_company_has_its_records_in_its_range(in_place: Backend) -> None:
    tenant = in_place.tenant("big")
    span = record_span(SHAPE)
    shared_below = record_range(span, 0)[0]
    for index, company in enumerate(tenant.companies()):
        low, high = record_range(span, index)
        employees = tenant.employee_ids(company.id)
        assert len(employees) == len(range(index, SHAPE.employees, 3))
        records = tenant.records("Payslip", "employee", employees) + tenant.records(
            "Run", "company", [company.id]
        )
        assert records and all(low <= r.id <= high for r in records)
        own = tenant.records("HourModel", "company", [company.id])  # made with the company itself
        assert own and all(r.id < shared_below for r in own)
    counters = dict(export_rows(in_place.store, "big")["counters"])
    assert counters["record"] == max(r[3] for r in export_rows(in_place.store, "big")["records"])


def test_a_company_that_outgrows_its_range_fails_and_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_server.domain import seeding_by_company

    monkeypatch.setattr(seeding_by_company, "record_span", lambda shape: 1000)
    backend = Backend(SqliteStore())
    with pytest.raises(SeedingTooLarge, match="beyond its"):
        backend.add_environment(demo_spec("big"), ShapeSeeder(SHAPE))
    assert export_rows(backend.store, "big") == {"entities": [], "records": [], "counters": []}


def test_a_shape_whose_ranges_do_not_fit_in_int_ids_is_refused() -> None:
    huge = EnvironmentShape(employees=2_200_000, period_types=("W1",) * 2200)  # ranges of a million
    with pytest.raises(SeedingTooLarge, match="beyond 2147483647"):
        record_span(huge)


def test_parts_that_disagree_on_what_they_share_are_never_merged(tmp_path: Path) -> None:
    spec = demo_spec("big")
    files = [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]
    for group, target in zip((frozenset({0, 2}), frozenset({1})), files, strict=True):
        assert run_part(PartJob(spec, SHAPE, group, 0, target))
    with sqlite3.connect(files[1]) as db:  # a shared record changed in one part only
        db.execute("UPDATE records SET data = '{}' WHERE id = (SELECT min(id) FROM records)")
    with pytest.raises(PartsDisagree):
        SeedCache(tmp_path).save_parts(files, tmp_path / "merged.sqlite")
    assert not (tmp_path / "merged.sqlite").exists()
    backend = Backend(SqliteStore())
    with pytest.raises(PartsDisagree):  # nor copied in
        SeedCache(tmp_path).load_parts(backend.store, "big", files, lambda copy, copied: None, lambda: None)
    assert export_rows(backend.store, "big") == {"entities": [], "records": [], "counters": []}


def test_a_part_holds_each_company_with_its_payslips_last_by_employee_and_period(tmp_path: Path) -> None:
    target = tmp_path / "part.sqlite"
    assert run_part(PartJob(demo_spec("big"), SHAPE, frozenset({0, 2}), 0, target))
    with sqlite3.connect(target) as db:
        pieces = db.execute("SELECT number, first, last FROM pieces WHERE tbl = 'records' ORDER BY number")
        numbers = []
        for number, first, last in pieces.fetchall():
            numbers.append(number)
            rows = db.execute(
                "SELECT family, owner, start FROM records WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                (first, last),
            ).fetchall()
            payslips = [(owner, start) for family, owner, start in rows if family == "Payslip"]
            assert [family for family, _, _ in rows[len(rows) - len(payslips) :]] == ["Payslip"] * len(
                payslips
            )
            assert payslips == sorted(payslips) and (number == 0 or len(set(payslips)) > 100)
        assert numbers == [0, 1, 3]  # what the companies share, then companies 0 and 2
