"""The seed cache (`--seed-cache DIR`): a seeded environment copied back from disk in another process
holds exactly the rows, ids and answers that seeding it gives; a changed shape, id block or seeding
code is another file; a broken file is removed and the environment seeded afresh; a cache that cannot
be written never stops the mock."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from nmbrs_client import NmbrsCredentials, raw
from test_first_run import Served, assert_one_line_error, run_serve
from test_persistence import ROOT, _serve_command

from mock_server.app import MockApp
from mock_server.console import seed_cache_line
from mock_server.domain.demo import EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.periods import Period
from mock_server.domain.tenant import ID_REGISTRY
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings
from mock_server.storage import seed_cache, seed_copy
from mock_server.storage.environment_rows import export_rows

SHAPE = EnvironmentShape(employees=24)
DEMO = NmbrsCredentials("demo@nmbrs-mock.test", "demo-token", "demo")
ACME_SHAPE = EnvironmentShape(employees=9, period_types=("W1", "M"), debtors=1, seed=3)
ACME = EnvironmentSetup(EnvironmentSpec("acme", [ApiUser("api@acme.test", "acme-token")], seed=3), ACME_SHAPE)


def app_with(cache: Path | None, demo: EnvironmentShape = SHAPE, *others: EnvironmentSetup) -> MockApp:
    folder = str(cache) if cache else None
    settings = MockSettings(seed_cache=folder, throttle=ThrottleSettings(enabled=False))
    return MockApp(settings, demo, environments=others)


def rows(app: MockApp, env: str = "demo") -> dict[str, list[list[Any]]]:
    return export_rows(app.backend.store, env)


def cache_files(folder: Path) -> list[Path]:
    return [file.path for file in seed_cache.cache_files(folder)]


def salaries(app: MockApp) -> bytes:
    company = app.backend.tenant("demo").companies()[0].id
    body = raw.envelope("EmployeeService", "Salary_GetAll_AllEmployeesByCompany",
                        f"<CompanyID>{company}</CompanyID>", DEMO)  # fmt: skip
    answer = app.pipeline.handle("EmployeeService", body, raw.CONTENT_TYPES["1.1"], None)
    assert answer.status == 200, answer.body[:300]
    return answer.body


def test_a_copy_from_the_cache_holds_what_seeding_made(tmp_path: Path) -> None:
    seeded = app_with(tmp_path)
    assert seeded.backend.sources["demo"] == "seeded" and len(cache_files(tmp_path)) == 1
    copied = app_with(tmp_path)
    assert copied.backend.sources["demo"] == "seed cache"
    assert copied.origins["demo"] == "copied from the seed cache"
    uncached = app_with(None)
    assert rows(copied) == rows(seeded) == rows(uncached)
    assert sum(len(table) for table in rows(copied).values()) > 500
    assert salaries(copied) == salaries(uncached)
    registry = [uncached.backend.store.counter(ID_REGISTRY, name) for name in ("blocks", "block demo")]
    assert [copied.backend.store.counter(ID_REGISTRY, name) for name in ("blocks", "block demo")] == registry


def test_each_environment_and_id_block_has_its_own_file(tmp_path: Path) -> None:
    first = app_with(tmp_path, SHAPE, ACME)
    assert len(cache_files(tmp_path)) == 2
    again = app_with(tmp_path, SHAPE, ACME)
    assert again.backend.sources == {"demo": "seed cache", "acme": "seed cache"}
    assert rows(again, "acme") == rows(first, "acme") == rows(app_with(None, SHAPE, ACME), "acme")
    assert again.backend.store.counter(ID_REGISTRY, "block acme") == 1
    # acme seeded first gets block 0: other company and employee ids, so another file
    alone = MockApp(MockSettings(seed_cache=str(tmp_path)), None, environments=[ACME])
    assert alone.backend.sources["acme"] == "seeded" and len(cache_files(tmp_path)) == 3
    assert rows(alone, "acme") != rows(first, "acme")


def test_another_shape_is_another_file(tmp_path: Path) -> None:
    app_with(tmp_path)
    other = app_with(tmp_path, EnvironmentShape(employees=24, seed=2))
    assert other.backend.sources["demo"] == "seeded" and len(cache_files(tmp_path)) == 2
    assert rows(other) == rows(app_with(None, EnvironmentShape(employees=24, seed=2)))


def test_files_of_other_seeding_code_are_removed_and_nothing_else(tmp_path: Path) -> None:
    stale = tmp_path / f"{seed_cache.PREFIX}0123456789abcdef-{'0' * 24}.sqlite"
    stale.write_bytes(b"rows of an older mock")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    app_with(tmp_path)
    assert not stale.exists() and notes.read_text() == "mine"
    assert [f.name.split("-")[2] for f in cache_files(tmp_path)] == [seed_cache.code_digest()]


def test_a_file_that_is_not_a_database_is_removed_and_seeded_afresh(tmp_path: Path, caplog: Any) -> None:
    app_with(tmp_path)
    (file,) = cache_files(tmp_path)
    file.write_bytes(b"\0garbage" * 1000)
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.seed_cache"):
        reseeded = app_with(tmp_path)
    assert reseeded.backend.sources["demo"] == "seeded"
    assert "cannot be used" in caplog.text and str(file) in caplog.text
    assert rows(reseeded) == rows(app_with(None))
    assert app_with(tmp_path).backend.sources["demo"] == "seed cache"  # written again, whole


def test_a_file_missing_rows_loads_nothing_of_them(tmp_path: Path, caplog: Any) -> None:
    app_with(tmp_path)
    (file,) = cache_files(tmp_path)
    with sqlite3.connect(file) as db:
        db.execute("DELETE FROM records WHERE rowid % 7 = 0")
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.seed_cache"):
        reseeded = app_with(tmp_path)
    assert reseeded.backend.sources["demo"] == "seeded"
    assert "where its pieces say" in caplog.text
    assert rows(reseeded) == rows(app_with(None))  # the partial copy was rolled back whole


def test_a_cache_that_cannot_be_written_only_warns(tmp_path: Path, caplog: Any) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.seed_cache"):
        app = app_with(blocker / "cache")
    assert app.backend.sources["demo"] == "seeded" and "cannot write" in caplog.text
    assert app.backend.cache_written == set() and seed_cache_line("x", app.backend.sources, set()) == (
        "  Seeds:    x: demo seeded"
    )
    assert rows(app) == rows(app_with(None))


def test_a_reset_puts_a_copied_environment_back(tmp_path: Path) -> None:
    app_with(tmp_path)
    copied = app_with(tmp_path)
    before = rows(copied)
    tenant = copied.backend.tenant("demo")
    employee = tenant.employees(tenant.companies()[0].id)[0].id
    with copied.backend.transaction():
        tenant.add_record("Payslip", "employee", employee, Period(2026, 11), {"Note": "after the copy"})
    assert rows(copied) != before
    copied.reset("demo")
    assert rows(copied) == before


def test_environments_made_through_the_admin_api_use_the_cache(tmp_path: Path) -> None:
    made = app_with(tmp_path).control
    made.create_environment(name="acme", employees=7, period_types=["W4"], seed=5)
    again = app_with(tmp_path).control
    again.create_environment(name="acme", employees=7, period_types=["W4"], seed=5)
    summaries = {summary["name"]: summary["seeded"] for summary in again.environments()}
    assert summaries == {"demo": "seed cache", "acme": "seed cache"}
    assert rows(again.app, "acme") == rows(made.app, "acme")


def test_seed_cache_on_a_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cache.txt"
    path.write_text("")
    assert_one_line_error(run_serve("--port", "0", "--seed-cache", str(path)), "--seed-cache", "is a file")


def test_the_banner_says_where_each_environment_came_from(tmp_path: Path) -> None:
    cache = tmp_path / "seeds"
    for run, told in enumerate(("demo seeded and written to it", "demo copied from it")):
        served = Served(tmp_path / f"state-{run}.db", "--seed-cache", str(cache))  # a new state file each run
        lines = "".join(served.output) + "".join(served.lines_until("Seeds:"))
        assert f"Seeds:    {cache}: {told}" in lines
        assert served.terminate() == 0


def test_an_environment_without_employees_is_cached_too(tmp_path: Path) -> None:
    shape = EnvironmentShape(employees=0)
    app_with(tmp_path, shape)
    copied = app_with(tmp_path, shape)
    assert copied.backend.sources["demo"] == "seed cache"
    assert rows(copied) == rows(app_with(None, shape))


def owner_index(app: MockApp) -> list[str]:
    db = app.backend.store.db
    return [row[0] for row in db.execute("SELECT sql FROM sqlite_master WHERE name = 'records_owner'")]


def test_a_large_copy_rebuilds_the_owner_index_once(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(seed_copy, "REINDEX_ROWS", 10)  # every copy larger than the store is "large"
    seeded = app_with(tmp_path)
    copied = app_with(tmp_path)
    assert copied.backend.sources["demo"] == "seed cache"
    assert owner_index(copied) == owner_index(seeded) and len(owner_index(copied)) == 1
    assert rows(copied) == rows(seeded) and salaries(copied) == salaries(seeded)  # reads INDEXED BY it


def test_a_broken_large_copy_leaves_the_owner_index(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(seed_copy, "REINDEX_ROWS", 10)
    app_with(tmp_path)
    (file,) = cache_files(tmp_path)
    with sqlite3.connect(file) as db:
        db.execute("UPDATE header SET value = '1' WHERE name = 'rows counters'")
    reseeded = app_with(tmp_path)
    assert reseeded.backend.sources["demo"] == "seeded" and len(owner_index(reseeded)) == 1
    assert rows(reseeded) == rows(app_with(None))


def seed_cache_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [*_serve_command(), "seed-cache", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False, env=env)


def test_the_seed_cache_command_lists_and_clears_a_folder(tmp_path: Path) -> None:
    app_with(tmp_path, SHAPE, ACME)
    stale = tmp_path / f"{seed_cache.PREFIX}0123456789abcdef-{'0' * 24}.sqlite"
    stale.write_bytes(b"")
    older = tmp_path / f"{seed_cache.PREFIX}fedcba9876543210-{'1' * 24}.sqlite"
    older.write_bytes(next(file for file in cache_files(tmp_path) if file != stale).read_bytes())
    with sqlite3.connect(older) as db:
        db.execute("UPDATE header SET value = 'fedcba9876543210' WHERE name = 'code'")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    listed = seed_cache_command(str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[-1].startswith(f"4 cache files in {tmp_path}")
    described = [line for line in lines if "EnvironmentShape(" in line and not line.startswith(older.name)]
    assert len(described) == 2 and all(line.endswith(", current") for line in described)
    assert any(line.startswith(older.name) and line.endswith("never loaded)") for line in lines)
    assert any(
        "employees=9, period_types=('W1', 'M')" in line and "id block 1;" in line for line in described
    )
    assert any("employees=24," in line and "id block 0;" in line for line in described)
    assert any(line.startswith(stale.name) and "cannot be read" in line for line in lines)
    cleared = seed_cache_command("--clear", env={**os.environ, "NMBRS_MOCK_SEED_CACHE": str(tmp_path)})
    assert cleared.returncode == 0 and cleared.stdout.startswith("removed 4 cache files (")
    assert cache_files(tmp_path) == [] and notes.read_text() == "mine"


def test_the_seed_cache_command_names_a_missing_folder(tmp_path: Path) -> None:
    missing = seed_cache_command(str(tmp_path / "nowhere"))
    assert (
        missing.returncode == 2
        and missing.stderr.strip() == f"nmbrs-mock: seed-cache: {tmp_path / 'nowhere'} is not a folder"
    )
    unnamed = seed_cache_command(env={k: v for k, v in os.environ.items() if k != "NMBRS_MOCK_SEED_CACHE"})
    assert (
        unnamed.returncode == 2 and "name the folder" in unnamed.stderr and "Traceback" not in unnamed.stderr
    )
