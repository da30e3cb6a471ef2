"""Large environments made while the mock serves are seeded apart (`domain/seeding_apart.py`): the
mock answers other calls meanwhile, nothing of the environment is served before it is complete, and
its rows, ids and counters are exactly those of seeding in place (with or without a seed cache)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from nmbrs_client import NmbrsCredentials, raw

from mock_server import app as app_module
from mock_server.app import MockApp
from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.domain.seeding_apart import APART_EMPLOYEES, SeedJob, run_job
from mock_server.domain.tenant import Tenant
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import MockSettings
from mock_server.storage.environment_rows import export_rows
from mock_server.storage.seed_cache import SeedCache
from mock_server.storage.sqlite_store import SqliteStore

SHAPE = EnvironmentShape(employees=30, period_types=("M", "W1"), debtors=1, seed=5)
DEMO = NmbrsCredentials("demo@nmbrs-mock.test", "demo-token", "demo")


def _on_another_thread(job: SeedJob) -> bool:
    """A `run_apart` that really runs on another thread (and hands back what it raised)."""
    found: dict[str, Any] = {}

    def run() -> None:
        found["thread"] = threading.current_thread()
        try:
            found["result"] = run_job(job)
        except Exception as error:
            found["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert found["thread"] is not threading.current_thread()
    if "error" in found:
        raise found["error"]
    return bool(found["result"])


def _backend(apart: bool, cache: Path | None = None, shape: EnvironmentShape = SHAPE) -> Backend:
    backend = Backend(SqliteStore())
    backend.run_apart = _on_another_thread
    backend.seed_cache = SeedCache(cache) if cache else None
    backend.add_environment(
        demo_spec("first"), partial(seed_environment, shape=EnvironmentShape(employees=3))
    )
    seeder = partial(seed_environment, shape=shape)
    backend.add_environment(
        demo_spec("apart", shape.seed), seeder, fingerprint=repr(shape), cacheable=True, apart=apart
    )
    return backend


def _state(backend: Backend, env: str = "apart") -> tuple[Any, ...]:
    """Every row of the environment and its id block (the registry's counters)."""
    registry = backend.store.db.execute("SELECT name, value FROM counters WHERE env = '~ids' ORDER BY name")
    return export_rows(backend.store, env), registry.fetchall()


def test_seeded_apart_is_seeded_in_place() -> None:
    in_place, apart = _backend(apart=False), _backend(apart=True)
    assert _state(apart) == _state(in_place)
    assert apart.sources["apart"] == "seeded" and apart.pending == set()
    assert (
        Tenant(apart.store, apart.specs["apart"]).companies()
        == Tenant(in_place.store, in_place.specs["apart"]).companies()
    )


def test_seeded_apart_fills_the_seed_cache(tmp_path: Path) -> None:
    in_place = _backend(apart=False)
    written = _backend(apart=True, cache=tmp_path)
    assert "apart" in written.cache_written and len(list(tmp_path.glob("nmbrs-seed-*.sqlite"))) == 1
    copied = _backend(apart=True, cache=tmp_path)
    assert copied.sources["apart"] == "seed cache"
    assert _state(written) == _state(in_place) == _state(copied)


def test_a_failed_seeding_apart_leaves_nothing() -> None:
    backend = Backend(SqliteStore())
    backend.run_apart = _on_another_thread

    def broken(tenant: Tenant) -> None:
        seed_environment(tenant, SHAPE)
        raise RuntimeError("seeding failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        backend.add_environment(demo_spec("apart"), broken, fingerprint="broken", cacheable=True, apart=True)
    assert "apart" not in backend.specs and backend.pending == set()
    assert export_rows(backend.store, "apart") == {"entities": [], "records": [], "counters": []}
    backend.add_environment(demo_spec("apart"), partial(seed_environment, shape=SHAPE), apart=True)
    assert backend.tenant("apart").companies()


# --- over HTTP: the mock serves while an environment is seeded apart ------------------------------


@pytest.fixture
def served() -> Iterator[MockServer]:
    settings = MockSettings(throttle=ThrottleSettings(enabled=False))
    with MockServer(
        MockApp(settings, EnvironmentShape(employees=2, period_types=("M",), debtors=1))
    ) as server:
        yield server


def gated(tenant: Tenant, shape: EnvironmentShape, started: Path, gate: Path) -> None:
    """A seeding (in the seeding process) that says it started, with its process id, then waits for
    the test to open the gate; it seeds a small environment (the size only decides that it is seeded
    apart)."""
    started.write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while not gate.exists():
        assert time.monotonic() < deadline, "the test never opened the gate"
        time.sleep(0.01)
    small = EnvironmentShape(
        employees=4, period_types=shape.period_types, debtors=shape.debtors, seed=shape.seed
    )
    seed_environment(tenant, small)


def test_the_mock_answers_while_a_large_environment_is_seeded(
    served: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started, gate = tmp_path / "started", tmp_path / "gate"
    monkeypatch.setattr(  # the app's seeder of a shape: the gated one (a partial another process takes)
        app_module, "ShapeSeeder", lambda shape: partial(gated, shape=shape, started=started, gate=gate)
    )
    admin = f"{served.url}/__admin/environments"
    created: dict[str, requests.Response] = {}
    body: dict[str, Any] = {"name": "large", "employees": APART_EMPLOYEES}
    creating = threading.Thread(
        target=lambda: created.update(reply=requests.post(admin, json=body, timeout=120))
    )
    creating.start()
    try:
        deadline = time.monotonic() + 60
        while not (started.exists() and started.read_text()):
            assert time.monotonic() < deadline, "the seeding never started"
            time.sleep(0.01)
        assert int(started.read_text()) != os.getpid()  # seeded in a process of its own
        assert_served_while_pending(served, body)  # seeded in place, the hub would not answer
    finally:
        gate.touch()
        creating.join(120)
    assert created["reply"].status_code == 201, created["reply"].text
    listed = requests.get(admin, timeout=20).json()["environments"]
    assert [e["seeded"] for e in listed if e["name"] == "large"] == ["seeded"]


def assert_served_while_pending(served: MockServer, body: dict[str, Any]) -> None:
    """While the environment `body` creates is being made: the demo answers, the same name gets 409,
    and the environment is not listed (not served before it is complete)."""
    envelope = raw.envelope("CompanyService", "List_GetAll", "", DEMO)
    headers = raw.http_headers("CompanyService", "List_GetAll")
    answer = requests.post(served.soap_url("CompanyService"), data=envelope, headers=headers, timeout=20)
    assert answer.status_code == 200 and b"List_GetAllResult" in answer.content
    admin = f"{served.url}/__admin/environments"
    again = requests.post(admin, json=body, timeout=20)
    assert again.status_code == 409 and "being seeded" in again.json()["error"]
    listed = requests.get(admin, timeout=20).json()["environments"]
    assert body["name"] not in [e["name"] for e in listed]
