"""Seeding apart in a process of its own (`mock_server/seeding_process.py`): the rows are those of
seeding in place, what the seeding raises comes back as it was raised, a process that dies is told,
and a seeder that cannot go to another process (or a process that cannot start) is seeded on the
calling thread."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
from test_seeding_apart import SHAPE, _state

from mock_server import seeding_process
from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.domain.tenant import Seeder, Tenant
from mock_server.seeding_process import SeedingProcessDied, in_a_child_process
from mock_server.storage.environment_rows import export_rows
from mock_server.storage.sqlite_store import SqliteStore

EMPTY: dict[str, list[list[object]]] = {"entities": [], "records": [], "counters": []}
FIRST = EnvironmentShape(employees=3)


def noting_pid(tenant: Tenant, shape: EnvironmentShape, note: Path) -> None:
    note.write_text(str(os.getpid()))
    seed_environment(tenant, shape)


def broken(tenant: Tenant, shape: EnvironmentShape) -> None:
    seed_environment(tenant, shape)
    raise ValueError("broken on purpose, half-way")


def dying(tenant: Tenant) -> None:
    os._exit(3)


def _backend(seeder: Seeder, apart: bool = True) -> Backend:
    backend = Backend(SqliteStore())
    backend.run_apart = in_a_child_process
    backend.add_environment(
        demo_spec("first"), partial(seed_environment, shape=EnvironmentShape(employees=3))
    )
    backend.add_environment(demo_spec("apart", SHAPE.seed), seeder, fingerprint=repr(SHAPE), apart=apart)
    return backend


def test_a_child_process_seeds_what_seeding_in_place_seeds(tmp_path: Path) -> None:
    note = tmp_path / "pid"
    in_child = _backend(partial(noting_pid, shape=SHAPE, note=note))
    assert int(note.read_text()) != os.getpid()
    in_place = _backend(partial(seed_environment, shape=SHAPE), apart=False)
    assert _state(in_child) == _state(in_place)
    assert in_child.sources["apart"] == "seeded" and in_child.pending == set()


def test_what_the_seeding_raises_comes_back_and_nothing_is_stored() -> None:
    backend = Backend(SqliteStore())
    backend.run_apart = in_a_child_process
    with pytest.raises(ValueError, match="broken on purpose, half-way"):
        backend.add_environment(demo_spec("apart"), partial(broken, shape=SHAPE), apart=True)
    assert "apart" not in backend.specs and backend.pending == set()
    assert export_rows(backend.store, "apart") == EMPTY


def test_a_seeding_process_that_dies_is_told() -> None:
    backend = Backend(SqliteStore())
    backend.run_apart = in_a_child_process
    with pytest.raises(SeedingProcessDied, match="ended with code 3"):
        backend.add_environment(demo_spec("apart"), dying, apart=True)
    assert "apart" not in backend.specs and export_rows(backend.store, "apart") == EMPTY


def test_a_seeder_that_cannot_be_pickled_is_seeded_on_this_thread() -> None:
    pids: list[int] = []

    def closure(tenant: Tenant) -> None:
        pids.append(os.getpid())
        seed_environment(tenant, SHAPE)

    backend = _backend(closure)
    assert pids == [os.getpid()] and backend.tenant("apart").companies()


def test_without_a_process_the_job_is_seeded_on_this_thread(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(seeding_process, "COMMAND", [str(tmp_path / "no-such-python")])
    note = tmp_path / "pid"
    with caplog.at_level(logging.WARNING, logger="nmbrs_mock.seeding"):
        backend = _backend(partial(noting_pid, shape=SHAPE, note=note))
    assert int(note.read_text()) == os.getpid() and backend.tenant("apart").companies()
    assert "cannot start a seeding process" in caplog.text


def sleeping(tenant: Tenant, note: Path) -> None:
    note.write_text(str(os.getpid()))
    time.sleep(60)


def test_a_seeding_process_ends_when_the_mock_is_killed(tmp_path: Path) -> None:
    """The mock (here a process that seeds one environment apart) is killed while its seeding process
    runs: that one ends within about a second instead of seeding on for nobody."""
    note = tmp_path / "pid"
    script = (
        "import sys; from functools import partial; from pathlib import Path\n"
        "from test_seeding_process import _backend, sleeping\n"
        "_backend(partial(sleeping, note=Path(sys.argv[1])))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    mock = subprocess.Popen([sys.executable, "-c", script, str(note)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not (note.exists() and note.read_text()):
            assert time.monotonic() < deadline and mock.poll() is None, "the seeding never started"
            time.sleep(0.05)
        seeding = int(note.read_text())
        mock.kill()
        mock.wait(10)
        deadline = time.monotonic() + 10
        while _alive(seeding):
            assert time.monotonic() < deadline, "the seeding process outlived the mock"
            time.sleep(0.05)
    finally:
        mock.kill()


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped by init, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
