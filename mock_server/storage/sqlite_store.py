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


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook)


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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nested uses join the outer transaction."""
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
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0

    # -- environments ---------------------------------------------------------------------------
    def put_environment(self, name: str, data: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO environments VALUES (?, ?)", (name, dumps(data)))

    def environments(self) -> dict[str, dict[str, Any]]:
        return {name: loads(data) for name, data in self.db.execute("SELECT name, data FROM environments")}

    def drop_environment(self, name: str) -> None:
        for table in DATA_TABLES:  # table names are ours, never input
            self.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
            self.db.execute(f"DELETE FROM snapshot_{table} WHERE env = ?", (name,))
        self.db.execute("DELETE FROM environments WHERE name = ?", (name,))

    def snapshot(self, name: str) -> None:
        """Remember an environment's rows as they are now (after seeding), for `restore`."""
        for table in DATA_TABLES:
            self.db.execute(f"DELETE FROM snapshot_{table} WHERE env = ?", (name,))
            self.db.execute(f"INSERT INTO snapshot_{table} SELECT * FROM {table} WHERE env = ?", (name,))

    def copy_environment(self, source: str, target: str) -> None:
        """Give `target` the rows `source` was seeded with (its snapshot), as data and as snapshot."""
        for table in DATA_TABLES:
            columns = [row[1] for row in self.db.execute(f"PRAGMA table_info({table})")]
            rest = ", ".join(c for c in columns if c != "env")
            select = f"SELECT ?, {rest} FROM snapshot_{table} WHERE env = ?"
            for prefix in ("", "snapshot_"):
                self.db.execute(f"INSERT INTO {prefix}{table} (env, {rest}) {select}", (target, source))

    def restore(self, name: str) -> bool:
        """Put an environment's rows back as snapshotted; False when there is no snapshot."""
        if (
            self.db.execute("SELECT 1 FROM snapshot_counters WHERE env = ? LIMIT 1", (name,)).fetchone()
            is None
        ):
            return False
        for table in DATA_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
            self.db.execute(f"INSERT INTO {table} SELECT * FROM snapshot_{table} WHERE env = ?", (name,))
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

    def entity(self, env: str, kind: str, entity_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT data FROM entities WHERE env = ? AND kind = ? AND id = ?", (env, kind, entity_id)
        ).fetchone()
        return None if row is None else loads(row[0])

    def entities(self, env: str, kind: str, parent: int | None = None) -> list[dict[str, Any]]:
        if parent is None:
            rows = self.db.execute(
                "SELECT data FROM entities WHERE env = ? AND kind = ? ORDER BY id", (env, kind)
            )
        else:
            rows = self.db.execute(
                "SELECT data FROM entities WHERE env = ? AND kind = ? AND parent = ? ORDER BY id",
                (env, kind, parent),
            )
        return [loads(data) for (data,) in rows]

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
        sql = "SELECT family, owner_kind, owner, id, start, until, created, data FROM records "
        sql += "WHERE env = ? AND family = ? AND owner_kind = ?"
        params: list[Any] = [env, family, owner_kind]
        if owners is not None:
            if len(owners) == 1:
                sql += " AND owner = ?"
            else:
                sql += f" AND owner IN ({','.join('?' * len(owners))})"
            params += owners
        rows = self.db.execute(sql + " ORDER BY owner, start, id", params)
        return [StoredRecord(f, k, o, i, s, u, c, loads(d)) for f, k, o, i, s, u, c, d in rows]

    def delete_record(self, env: str, record_id: int) -> None:
        self.db.execute("DELETE FROM records WHERE env = ? AND id = ?", (env, record_id))
