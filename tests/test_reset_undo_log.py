"""Reset and clone go back to the seeded rows exactly (every column, in seeding order) although the
store keeps no second copy of them: writes after seeding save what they change in an undo log."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.domain.records import StoredRecord
from mock_server.storage.environment_rows import WRITTEN_ORDER, export_rows, import_rows
from mock_server.storage.sqlite_store import SqliteStore

SHAPE = EnvironmentShape(employees=6, period_types=("M", "W1"), debtors=1)


def _seeded(name: str = "undo") -> Backend:
    backend = Backend(SqliteStore())
    backend.add_environment(demo_spec(name, 1), lambda tenant: seed_environment(tenant, SHAPE))
    return backend


def _change_everything(backend: Backend, name: str) -> None:
    """Writes of every kind: entities replaced, added and deleted, records replaced, added and
    deleted, counters moved on."""
    store, tenant = backend.store, backend.tenant(name)
    with store.transaction():
        employee = store.entities(name, "employee")[0]
        store.put_entity(name, "employee", employee["id"], employee["company_id"], {**employee, "number": 99})
        store.put_entity(name, "employee", 999_999, employee["company_id"], {**employee, "id": 999_999})
        store.delete_entity(name, "employee", store.entities(name, "employee")[1]["id"])
        salary = store.records(name, "Salary", "employee")[0]
        salary.data = {**salary.data, "Value": "1.00"}
        store.put_record(name, salary)
        store.delete_record(name, store.records(name, "Salary", "employee")[1].id)
        tenant.add_record("Salary", "employee", employee["id"], salary.period, {"Value": "2.00"})
        tenant.next_id("record")
    with store.transaction():  # a second round touching the same rows again keeps their first state
        salary.data = {**salary.data, "Value": "3.00"}
        store.put_record(name, salary)
        store.delete_entity(name, "employee", employee["id"])


def _rows(backend: Backend, name: str) -> dict[str, list[list[Any]]]:
    return export_rows(backend.store, name, WRITTEN_ORDER)


def test_reset_gives_back_every_seeded_row_in_seeding_order() -> None:
    backend = _seeded()
    seeded = _rows(backend, "undo")
    _change_everything(backend, "undo")
    assert _rows(backend, "undo") != seeded
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded
    _change_everything(backend, "undo")  # and again after a reset
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded


def test_a_reset_without_changes_changes_nothing() -> None:
    backend = _seeded()
    seeded = _rows(backend, "undo")
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded


def test_a_clone_of_a_changed_environment_starts_from_its_seeded_rows() -> None:
    backend = _seeded()
    seeded = _rows(backend, "undo")
    _change_everything(backend, "undo")
    changed = _rows(backend, "undo")
    backend.clone_environment("undo", demo_spec("copy", 1))
    assert _rows(backend, "copy") == seeded
    assert _rows(backend, "undo") == changed  # the source keeps its changes
    _change_everything(backend, "copy")
    backend.reset("copy")
    assert _rows(backend, "copy") == seeded
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded


def test_replacing_all_rows_is_undone_too() -> None:
    backend = _seeded()
    seeded = _rows(backend, "undo")
    other = _seeded("other")
    with backend.store.transaction():
        import_rows(backend.store, "undo", _rows(other, "other") | {"records": seeded["records"][:5]})
    assert _rows(backend, "undo")["records"] == seeded["records"][:5]
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded


def test_a_rolled_back_transaction_leaves_the_undo_log_as_it_was() -> None:
    backend = _seeded()
    seeded = _rows(backend, "undo")
    store = backend.store
    with pytest.raises(RuntimeError), store.transaction():
        store.put_record("undo", StoredRecord("Salary", "employee", 1, 1, 202601, None, "x", {}))
        raise RuntimeError("the call failed")
    _change_everything(backend, "undo")
    backend.reset("undo")
    assert _rows(backend, "undo") == seeded


def test_a_rowid_taken_by_another_environment_still_restores_every_row() -> None:
    """The newest seeded row deleted, another environment's new row takes its rowid: the reset still
    gives back every seeded row (that one at the end)."""
    backend = _seeded()
    backend.add_environment(demo_spec("later", 1), lambda tenant: None)
    seeded = _rows(backend, "undo")
    store = backend.store
    newest = store.db.execute("SELECT id FROM records WHERE env = 'undo' ORDER BY rowid DESC").fetchone()[0]
    with store.transaction():
        store.delete_record("undo", newest)
        store.put_record("later", StoredRecord("Salary", "employee", 1, 1, 202601, None, "x", {}))
    backend.reset("undo")
    restored = _rows(backend, "undo")
    assert sorted(restored["records"]) == sorted(seeded["records"])
    assert restored["records"][-1][3] == newest and restored["entities"] == seeded["entities"]
