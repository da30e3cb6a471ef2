"""Embedded storage: one SQLite database (in memory by default, a file with `--state PATH`).

Everything is keyed by environment, so resetting one tenant is a few indexed DELETEs. Every SOAP call
runs in one transaction (`transaction()`): a call that raises leaves nothing behind. File databases
use WAL with synchronous=FULL, so an acknowledged write survives a crash or `kill -9`.

Rows hold Nmbrs vocabulary as JSON; Decimal, datetime, date and bytes are tagged so they come back
with their type (and decimals with their scale).
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.records import StoredRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS environments (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    env TEXT NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL, parent INTEGER, data TEXT NOT NULL,
    PRIMARY KEY (env, kind, id));
CREATE INDEX IF NOT EXISTS entities_parent ON entities (env, kind, parent);
CREATE TABLE IF NOT EXISTS records (
    env TEXT NOT NULL, family TEXT NOT NULL, owner_kind TEXT NOT NULL, owner INTEGER NOT NULL,
    id INTEGER NOT NULL, start INTEGER NOT NULL, until INTEGER, created TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (env, id));
CREATE INDEX IF NOT EXISTS records_owner ON records (env, family, owner_kind, owner, start);
CREATE TABLE IF NOT EXISTS counters (env TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (env, name));
CREATE TABLE IF NOT EXISTS snapshot_entities AS SELECT * FROM entities WHERE 0;
CREATE TABLE IF NOT EXISTS snapshot_records AS SELECT * FROM records WHERE 0;
CREATE TABLE IF NOT EXISTS snapshot_counters AS SELECT * FROM counters WHERE 0;
CREATE INDEX IF NOT EXISTS snapshot_records_env ON snapshot_records (env);
"""
DATA_TABLES = ("entities", "records", "counters")
_MAX_PARAMETERS = 900  # well under SQLite's limit on bound parameters


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": format(value, "f")}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$D": value.isoformat()}
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(value).decode()}
    raise TypeError(f"cannot store {type(value).__name__}")


_DECODERS = {
    "$d": Decimal,
    "$t": datetime.fromisoformat,
    "$D": date.fromisoformat,
    "$b": base64.b64decode,
}


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        key, value = next(iter(obj.items()))
        decoder = _DECODERS.get(key)
        if decoder is not None:
            return decoder(value)
    return obj


_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"))
_DECODER = json.JSONDecoder(object_hook=_hook)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def loads(text: str) -> Any:
    return _DECODER.decode(text)


class SqliteStore:
    """A thin, typed layer over the database; the domain decides what rows mean."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.RLock()
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._depth = 0
        self._columns = {  # each data table's columns but `env`, for copies between table and snapshot
            name: [row[1] for row in self.db.execute(f"PRAGMA table_info({name})") if row[1] != "env"]
            for table in DATA_TABLES
            for name in (table, f"snapshot_{table}")
        }

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nested uses join the outer transaction.

        The lock keeps other threads (tests, tools) out. Greenlets of the serving hub share its thread,
        so the lock does not separate them: a transaction must never yield to the hub (the throttle
        delay is slept before the call's transaction starts)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    # -- environments ---------------------------------------------------------------------------
    def put_environment(self, name: str, data: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO environments VALUES (?, ?)", (name, dumps(data)))

    def environments(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT name, data FROM environments").fetchall()
        return {name: loads(data) for name, data in rows}

    def drop_environment(self, name: str) -> None:
        for table in DATA_TABLES:  # table names are ours, never input
            self.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
            self.db.execute(f"DELETE FROM snapshot_{table} WHERE env = ?", (name,))
        self.db.execute("DELETE FROM environments WHERE name = ?", (name,))

    def _copy(self, table: str, source_table: str, source_env: str, target_env: str) -> None:
        """Copy an environment's rows between a table and its snapshot, renaming the environment; the
        columns are named, so both tables must simply share them."""
        columns = ", ".join(self._columns[table])
        self.db.execute(
            f"INSERT INTO {table} (env, {columns}) SELECT ?, {columns} FROM {source_table} WHERE env = ?",
            (target_env, source_env),
        )

    def snapshot(self, name: str) -> None:
        """Remember an environment's rows as they are now (after seeding), for `restore`."""
        for table in DATA_TABLES:
            self.db.execute(f"DELETE FROM snapshot_{table} WHERE env = ?", (name,))
            self._copy(f"snapshot_{table}", table, name, name)

    def copy_environment(self, source: str, target: str) -> None:
        """Give `target` the rows `source` was seeded with (its snapshot), as data and as snapshot."""
        for table in DATA_TABLES:
            self._copy(table, f"snapshot_{table}", source, target)
            self._copy(f"snapshot_{table}", f"snapshot_{table}", source, target)

    def restore(self, name: str) -> bool:
        """Put an environment's rows back as snapshotted; False when there is no snapshot."""
        if not self._rows("SELECT 1 FROM snapshot_counters WHERE env = ? LIMIT 1", (name,)):
            return False
        for table in DATA_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
            self._copy(table, f"snapshot_{table}", name, name)
        return True

    # -- ids ------------------------------------------------------------------------------------
    def next_id(self, env: str, name: str, start: int = 1) -> int:
        row = self.db.execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (env, name) DO UPDATE SET value = value + 1 "
            "RETURNING value",
            (env, name, start),
        ).fetchone()
        return int(row[0])

    # -- entities (debtors, companies, employees, runs, ...) --------------------------------------
    def put_entity(
        self, env: str, kind: str, entity_id: int, parent: int | None, data: dict[str, Any]
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?)",
            (env, kind, entity_id, parent, dumps(data)),
        )

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any]) -> list[tuple[Any, ...]]:
        """Rows read under the lock, so another thread never sees a transaction half done."""
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def entity(self, env: str, kind: str, entity_id: int) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT data FROM entities WHERE env = ? AND kind = ? AND id = ?", (env, kind, entity_id)
        )
        return loads(rows[0][0]) if rows else None

    def entities(self, env: str, kind: str, parent: int | None = None) -> list[dict[str, Any]]:
        if parent is None:
            sql, params = "SELECT data FROM entities WHERE env = ? AND kind = ? ORDER BY id", (env, kind)
        else:
            sql = "SELECT data FROM entities WHERE env = ? AND kind = ? AND parent = ? ORDER BY id"
            params = (env, kind, parent)
        return [loads(data) for (data,) in self._rows(sql, params)]

    def delete_entity(self, env: str, kind: str, entity_id: int) -> None:
        self.db.execute("DELETE FROM entities WHERE env = ? AND kind = ? AND id = ?", (env, kind, entity_id))

    # -- period-based records ------------------------------------------------------------------
    def put_record(self, env: str, record: StoredRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                env,
                record.family,
                record.owner_kind,
                record.owner,
                record.id,
                record.start,
                record.until,
                record.created,
                dumps(record.data),
            ),
        )

    def records(
        self, env: str, family: str, owner_kind: str, owners: list[int] | None = None
    ) -> list[StoredRecord]:
        """The records of a family, by owner, then period, then age; for any number of owners."""
        base = "SELECT family, owner_kind, owner, id, start, until, created, data FROM records "
        base += "WHERE env = ? AND family = ? AND owner_kind = ?"
        if owners is None:
            chunks: list[list[int] | None] = [None]
        else:
            ordered = sorted(set(owners))
            chunks = [ordered[i : i + _MAX_PARAMETERS] for i in range(0, len(ordered), _MAX_PARAMETERS)]
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks:
            sql, params = base, [env, family, owner_kind]
            if chunk is not None:
                sql += f" AND owner IN ({','.join('?' * len(chunk))})"
                params += chunk
            rows += self._rows(sql + " ORDER BY owner, start, id", params)
        return [StoredRecord(f, k, o, i, s, u, c, loads(d)) for f, k, o, i, s, u, c, d in rows]

    def delete_record(self, env: str, record_id: int) -> None:
        self.db.execute("DELETE FROM records WHERE env = ? AND id = ?", (env, record_id))
