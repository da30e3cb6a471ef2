"""A large environment copied into a store that serves (from the seed cache, or seeded apart) goes in
in steps, each its own transaction (`SeedCache.load` with a pause): other calls are served between
them, the environment is not served before it is complete, its rows are those of a copy in one
transaction, and a file that breaks half-way leaves nothing of it behind."""

from __future__ import annotations

import contextlib
import http.client
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import gevent
import pytest
import requests
from test_seeding_apart import _on_another_thread, _state, assert_served_while_pending

from mock_server import app as app_module
from mock_server.app import MockApp
from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.domain.seeding_apart import APART_EMPLOYEES
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import MockSettings
from mock_server.storage import seed_cache, seed_copy, seed_parts
from mock_server.storage.environment_rows import export_rows
from mock_server.storage.seed_cache import SeedCache
from mock_server.storage.sqlite_store import SqliteStore

SHAPE = EnvironmentShape(employees=30, period_types=("M", "W1"), debtors=1, seed=5)
FIRST = EnvironmentShape(employees=3)


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads of 100 rows and more go in steps of 97 rows (the environment has about 1,500)."""
    monkeypatch.setattr(seed_copy, "STEPPED_ROWS", 100)
    monkeypatch.setattr(seed_copy, "STEP_ROWS", 97)


def _backend(cache: Path, pause: Callable[[Backend], None] | None = None, apart: bool = False) -> Backend:
    """A backend with the environment "first", then "big" (`_add_big`)."""
    backend = _with_first(cache)
    _add_big(backend, pause, apart)
    return backend


def _with_first(cache: Path) -> Backend:
    backend = Backend(SqliteStore())
    backend.run_apart = _on_another_thread
    backend.seed_cache = SeedCache(cache)
    backend.add_environment(demo_spec("first"), partial(seed_environment, shape=FIRST))
    return backend


def _add_big(backend: Backend, pause: Callable[[Backend], None] | None = None, apart: bool = False) -> None:
    """The environment "big" (of `SHAPE`) made with `pause(backend)` between the steps of a copy (no
    pause: copied in one transaction)."""
    backend.pause = None if pause is None else partial(pause, backend)
    seeder = partial(seed_environment, shape=SHAPE)
    backend.add_environment(
        demo_spec("big", SHAPE.seed), seeder, fingerprint=repr(SHAPE), cacheable=True, apart=apart
    )


def _counted(pauses: list[int]) -> Callable[[Backend], None]:
    return lambda backend: pauses.append(1)


def test_a_copy_in_steps_holds_what_a_copy_in_one_transaction_holds(
    tmp_path: Path, small_steps: None
) -> None:
    seeded = _backend(tmp_path)
    assert "big" in seeded.cache_written
    in_one = _backend(tmp_path)
    pauses: list[int] = []
    in_steps = _backend(tmp_path, _counted(pauses))
    assert in_one.sources["big"] == in_steps.sources["big"] == "seed cache"
    assert _state(in_steps, "big") == _state(in_one, "big") == _state(seeded, "big")
    records = len(export_rows(in_steps.store, "big")["records"])
    assert len(pauses) >= records // 97
    company = in_steps.tenant("big").companies()[0]  # its snapshot holds: a write is reset
    with in_steps.transaction():
        in_steps.store.delete_entity("big", "company", company.id)
    in_steps.reset("big")
    assert _state(in_steps, "big") == _state(seeded, "big")


def test_other_calls_are_served_between_the_steps(tmp_path: Path, small_steps: None) -> None:
    _backend(tmp_path)  # fills the cache
    seen: list[tuple[int, bool, bool]] = []

    def read_the_other_environment(backend: Backend) -> None:
        """On another thread, which would wait for the store if the copy held it."""
        found: list[tuple[int, bool, bool]] = []
        reader = threading.Thread(
            target=lambda: found.append(
                (len(backend.tenant("first").companies()), "big" in backend.specs, "big" in backend.pending)
            )
        )
        reader.start()
        reader.join(10)
        assert found, "another thread could not read the store between two steps of the copy"
        seen.extend(found)

    backend = _backend(tmp_path, read_the_other_environment)
    companies = len(FIRST.period_types)
    assert len(seen) > 10 and set(seen) == {(companies, False, True)}  # "big" not served meanwhile
    assert backend.sources["big"] == "seed cache" and backend.pending == set()


def test_seeded_apart_and_copied_in_steps_is_seeded_in_place(tmp_path: Path, small_steps: None) -> None:
    in_place = _backend(tmp_path / "one")
    pauses: list[int] = []
    apart = _backend(tmp_path / "other", _counted(pauses), apart=True)
    assert apart.sources["big"] == "seeded" and pauses
    assert _state(apart, "big") == _state(in_place, "big")


def test_a_file_broken_half_way_leaves_nothing(
    tmp_path: Path, small_steps: None, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = _backend(tmp_path)
    (file,) = tmp_path.glob("nmbrs-seed-*.sqlite")
    with sqlite3.connect(file) as db:  # the last rows are lost: the header counts more
        db.execute("DELETE FROM records WHERE rowid > 1000")
    store = Backend(SqliteStore()).store
    fills: list[bool] = []
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.seed_cache"):
        loaded = SeedCache(tmp_path).load(
            store, "big", file, lambda _, stepped: fills.append(stepped), _no_pause
        )
    assert not loaded and not fills and not file.exists()
    assert "records: 30 rows where its pieces say 97" in caplog.text  # rows 971-1,067: to 1,000 only
    assert export_rows(store, "big") == {"entities": [], "records": [], "counters": []}
    again = _backend(tmp_path, _counted([]))  # seeded afresh, and the file written again
    assert again.sources["big"] == "seeded" and _state(again, "big") == _state(seeded, "big")


def _no_pause() -> None:
    pass


# --- over HTTP: the mock answers while a large environment is copied in -------------------------


SETTINGS = MockSettings(throttle=ThrottleSettings(enabled=False))
SMALL_DEMO = EnvironmentShape(employees=2, period_types=("M",), debtors=1)
LARGE: dict[str, Any] = {"name": "large", "employees": APART_EMPLOYEES, "period_types": ["M"], "debtors": 1}


@contextlib.contextmanager
def _another_client(served: MockServer) -> Iterator[None]:
    """A client connected (keep-alive, after one call) while the environment is made."""
    connection = http.client.HTTPConnection(served.host, served.port, timeout=20)
    try:
        connection.request("GET", "/__admin/health")
        assert connection.getresponse().read()
        yield
    finally:
        connection.close()


@pytest.fixture
def gated_pause(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The copy's first pause waits (letting the hub serve) until the test releases it."""
    started, release = threading.Event(), threading.Event()

    def pause() -> None:
        started.set()
        while not release.is_set():
            gevent.sleep(0.01)

    monkeypatch.setattr(seed_copy, "STEPPED_ROWS", 100)
    monkeypatch.setattr(seed_copy, "STEP_ROWS", 500)
    monkeypatch.setattr(app_module, "_let_others_run", pause)
    yield started, release
    release.set()


def test_the_mock_answers_while_a_large_environment_is_copied_in(
    gated_pause: tuple[threading.Event, threading.Event],
) -> None:
    started, release = gated_pause
    with MockServer(MockApp(SETTINGS, SMALL_DEMO)) as served, _another_client(served):
        admin = f"{served.url}/__admin/environments"
        created: dict[str, Any] = {}
        creating = threading.Thread(
            target=lambda: created.update(reply=requests.post(admin, json=LARGE, timeout=300))
        )
        creating.start()
        try:
            assert started.wait(60), "the copy never paused"
            assert_served_while_pending(served, LARGE)
        finally:
            release.set()
            creating.join(300)
        assert created["reply"].status_code == 201, created["reply"].text
        listed = requests.get(admin, timeout=20).json()["environments"]
        assert [(e["name"], e["employees"]) for e in listed if e["name"] == "large"] == [
            ("large", APART_EMPLOYEES)
        ]


def test_a_copy_that_raises_between_two_steps_leaves_nothing(tmp_path: Path, small_steps: None) -> None:
    _backend(tmp_path)
    pauses: list[int] = []

    def interrupted(backend: Backend) -> None:
        pauses.append(1)
        if len(pauses) == 3:
            raise KeyboardInterrupt

    backend = _with_first(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        _add_big(backend, interrupted)
    assert len(pauses) == 3 and list(tmp_path.glob("nmbrs-seed-*.sqlite"))  # the file is kept
    assert export_rows(backend.store, "big") == {"entities": [], "records": [], "counters": []}
    assert "big" not in backend.specs and backend.pending == set()


def test_rows_a_process_left_half_copied_are_removed_when_the_state_opens(
    tmp_path: Path, small_steps: None, caplog: pytest.LogCaptureFixture
) -> None:
    _backend(tmp_path / "cache")
    (file,) = (tmp_path / "cache").glob("nmbrs-seed-*.sqlite")
    state = str(tmp_path / "state.sqlite")
    backend = Backend(SqliteStore(state))
    backend.add_environment(demo_spec("first"), partial(seed_environment, shape=FIRST))
    kept = _state(backend, "first")
    store = backend.store
    with seed_cache._attached(store, file, hold=False) as schema:  # the steps, and then the end (kill -9)
        pieces = seed_parts.pieces_of(store.db, [schema])
        seed_copy.copy_in_steps(store, "big", schema, pieces, _no_pause)
    assert export_rows(store, "big")["records"]
    store.db.close()
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.storage"):
        reopened = Backend(SqliteStore(state))
    assert "removed the rows of big, left half-copied" in caplog.text
    assert export_rows(reopened.store, "big") == {"entities": [], "records": [], "counters": []}
    assert _state(reopened, "first") == kept


def test_with_nobody_else_connected_a_large_copy_goes_in_one_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pauses: list[int] = []
    monkeypatch.setattr(seed_copy, "STEPPED_ROWS", 100)
    monkeypatch.setattr(app_module, "_let_others_run", lambda: pauses.append(1))
    with MockServer(MockApp(SETTINGS, SMALL_DEMO)) as served:
        reply = requests.post(f"{served.url}/__admin/environments", json=LARGE, timeout=300)
        assert reply.status_code == 201, reply.text
        assert pauses == []  # the copy never paused: nobody was there to serve
        with _another_client(served):
            assert served.app.backend._copy_pause() is not None  # with a client more, it would


def test_the_pause_is_given_only_while_others_are_connected(tmp_path: Path, small_steps: None) -> None:
    _backend(tmp_path)
    pauses: list[int] = []
    backend = _with_first(tmp_path)
    backend.others_connected = lambda: False
    _add_big(backend, _counted(pauses))
    assert pauses == [] and backend.sources["big"] == "seed cache"
