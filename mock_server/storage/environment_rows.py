"""An environment's rows as plain tables, out and back in: what an admin snapshot holds
(`control/snapshot.py`), and what tests compare two seedings by.

The rows of each data table come in the order of its key (`KEY_ORDER`: the order they are stored
in differs between a seeding in place and one copied in from its parts), with the columns of
`SqliteStore.columns` (without `env`). Putting them back replaces the environment's rows, inside
the caller's transaction, and keeps its reset working: what it had at seeding is saved to its undo
log first.
"""

from __future__ import annotations

from typing import Any

from mock_server.storage import undo
from mock_server.storage.sqlite_store import DATA_TABLES, SqliteStore

Tables = dict[str, list[list[Any]]]  # data table -> its rows, each a list of column values
KEY_ORDER = {"entities": "kind, id", "records": "id", "counters": "name"}
WRITTEN_ORDER = dict.fromkeys(DATA_TABLES, "rowid")  # the order the rows were stored in


def export_rows(store: SqliteStore, name: str, order: dict[str, str] = KEY_ORDER) -> Tables:
    """An environment's current rows per data table (in `order`: key order, or `WRITTEN_ORDER`)."""
    with store.lock:
        return {
            table: [
                list(row)
                for row in store.db.execute(
                    f"SELECT {', '.join(store.columns[table])} FROM {table} WHERE env = ? "
                    f"ORDER BY {order[table]}",
                    (name,),
                )
            ]
            for table in DATA_TABLES
        }


def import_rows(store: SqliteStore, name: str, tables: Tables) -> None:
    """Replace an environment's current rows with exported ones (inside a transaction)."""
    if store.is_seeded(name):
        for table in undo.LOGGED:
            undo.save_environment(store.db, table, name)
    for table in DATA_TABLES:
        columns = store.columns[table]
        store.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
        if table in undo.LOGGED:  # the new rows: absent at seeding, unless saved just now
            at = [columns.index(key) for key in undo.LOGGED[table][0]]
            store.log_writes(table, name, [tuple(row[i] for i in at) for row in tables.get(table, [])])
        marks = ", ".join("?" * (len(columns) + 1))
        store.db.executemany(
            f"INSERT INTO {table} (env, {', '.join(columns)}) VALUES ({marks})",
            [(name, *row) for row in tables.get(table, [])],
        )
