"""Embedded storage: one SQLite database (in memory by default, a file with `--state PATH`).

Everything is keyed by environment, so resetting one tenant is a few indexed DELETEs. Every SOAP call
runs in one transaction (`transaction()`): a call that raises leaves nothing behind. File databases
use WAL with synchronous=FULL, so an acknowledged write survives a crash or `kill -9`.

Rows hold Nmbrs vocabulary as JSON; Decimal, datetime, date and bytes are tagged so they come back
with their type (and decimals with their scale).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from mock_server.domain.records import StoredRecord
from mock_server.storage.transaction_lock import TransactionLock

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
_BULK_ROWS = 5000  # records held back at most in `bulk` (memory stays flat)


_TAGGERS: dict[type, Any] = {  # by exact type: the common case, one dict lookup
    Decimal: lambda value: {"$d": format(value, "f")},
    datetime: lambda value: {"$t": value.isoformat()},
    date: lambda value: {"$D": value.isoformat()},
}


def _default(value: Any) -> Any:
    tagger = _TAGGERS.get(type(value))
    if tagger is not None:
        return tagger(value)
    if isinstance(value, Decimal):
        return {"$d": format(value, "f")}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$D": value.isoformat()}
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(value).decode()}
    raise TypeError(f"cannot store {type(value).__name__}")


_DECODERS: dict[str, Callable[[Any], Any]] = {
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


class Encoded(dict[str, Any]):
    """A record's data with its JSON text made already (`encoded`): stored as that text."""

    text: str = ""


def encoded(data: dict[str, Any], text: str) -> Encoded:
    """`data`, stored as `text` (which must be `dumps(data)`: seeding makes many payslips alike)."""
    value = Encoded(data)
    value.text = text
    return value


def dumps(value: Any) -> str:
    if type(value) is Encoded:
        return value.text
    return _ENCODER.encode(value)


def loads(text: str) -> Any:
    return _DECODER.decode(text)


@lru_cache(maxsize=4096)
def _entity_data(text: str) -> dict[str, Any]:
    """An entity row's data, decoded once per distinct text (every call reads its employee and company;
    entities hold plain values, so a shallow copy of this is the caller's own)."""
    data: dict[str, Any] = loads(text)
    return data


def create_private(path: str) -> None:
    """Create a new state file readable by its owner only (0600); SQLite gives its -wal and -shm files
    the same mode. An existing file keeps its mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class SqliteStore:
    """A thin, typed layer over the database; the domain decides what rows mean."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        if path != ":memory:":
            create_private(path)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = TransactionLock()
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._depth = 0
        self._bulk: _Bulk | None = None  # writes held back while seeding (see `bulk`)
        self._columns = {  # each data table's columns but `env`, for copies between table and snapshot
            name: [row[1] for row in self.db.execute(f"PRAGMA table_info({name})") if row[1] != "env"]
            for table in DATA_TABLES
            for name in (table, f"snapshot_{table}")
        }

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nested uses join the outer transaction.

        The lock keeps other threads (tests, tools) out. Greenlets of the serving hub share its thread,
        so a transaction must never yield to the hub (the throttle delay is slept before the call's
        transaction starts). `TransactionLock` enforces that: another greenlet touching the store while
        a transaction is open raises `GreenletSwitchInTransaction`, and so does the transaction itself
        when it ends after a switch (it is rolled back)."""
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
            watch = self.lock.watch_switches()
            try:
                yield
                watch.check()
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            finally:
                watch.stop()
                self._depth = 0

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Inside a transaction: hold record inserts and id counters back and write them in batches
        (one `executemany`, counters once) just before the next read and at the end. Seeding writes
        tens of thousands of records this way; what is stored, and in which order, is the same."""
        if self._bulk is not None or not self._depth:
            yield
            return
        self._bulk = _Bulk()
        try:
            yield
            self._flush()
        finally:
            self._bulk = None

    def _flush(self) -> None:
        bulk = self._bulk
        if bulk is None:
            return
        if bulk.records:
            self.db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", bulk.records
            )
            bulk.records = []
        if bulk.dirty:
            self.db.executemany(
                "INSERT INTO counters VALUES (?, ?, ?) "
                "ON CONFLICT (env, name) DO UPDATE SET value = excluded.value",
                [(env, name, bulk.counters[(env, name)]) for env, name in bulk.dirty],
            )
            bulk.dirty = {}

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

    def export_rows(self, name: str) -> dict[str, list[list[Any]]]:
        """An environment's current rows per data table (columns as in `_columns`, without `env`)."""
        with self.lock:
            return {
                table: [
                    list(row)
                    for row in self.db.execute(
                        f"SELECT {', '.join(self._columns[table])} FROM {table} WHERE env = ? ORDER BY rowid",
                        (name,),
                    )
                ]
                for table in DATA_TABLES
            }

    def import_rows(self, name: str, tables: dict[str, list[list[Any]]]) -> None:
        """Replace an environment's current rows with exported ones (inside a transaction)."""
        for table in DATA_TABLES:
            columns = self._columns[table]
            self.db.execute(f"DELETE FROM {table} WHERE env = ?", (name,))
            marks = ", ".join("?" * (len(columns) + 1))
            self.db.executemany(
                f"INSERT INTO {table} (env, {', '.join(columns)}) VALUES ({marks})",
                [(name, *row) for row in tables.get(table, [])],
            )

    # -- ids ------------------------------------------------------------------------------------
    def next_id(self, env: str, name: str, start: int = 1) -> int:
        if self._bulk is not None:
            return self._bulk_ids(env, name, 1, start)
        row = self.db.execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (env, name) DO UPDATE SET value = value + 1 "
            "RETURNING value",
            (env, name, start),
        ).fetchone()
        return int(row[0])

    def reserve_ids(self, env: str, name: str, count: int, start: int = 1) -> int:
        """The first of `count` consecutive new ids (what `count` calls of `next_id` would give)."""
        if self._bulk is not None:
            return self._bulk_ids(env, name, count, start)
        row = self.db.execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (env, name) DO UPDATE SET value = value + ? "
            "RETURNING value",
            (env, name, start + count - 1, count),
        ).fetchone()
        return int(row[0]) - count + 1

    def _bulk_ids(self, env: str, name: str, count: int, start: int) -> int:
        """`reserve_ids` on the counter kept in memory while in `bulk`."""
        assert self._bulk is not None
        key = (env, name)
        last = self._bulk.counters[key] if key in self._bulk.counters else self._stored_counter(env, name)
        value = start + count - 1 if last is None else last + count
        self._bulk.counters[key] = value
        self._bulk.dirty[key] = None
        return value - count + 1

    def counter(self, env: str, name: str) -> int | None:
        """A counter's last value, or None before its first `next_id`."""
        if self._bulk is not None and (env, name) in self._bulk.counters:
            return self._bulk.counters[(env, name)]
        return self._stored_counter(env, name)

    def _stored_counter(self, env: str, name: str) -> int | None:
        rows = self._rows("SELECT value FROM counters WHERE env = ? AND name = ?", (env, name))
        return int(rows[0][0]) if rows else None

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
            self._flush()
            return self.db.execute(sql, params).fetchall()

    def entity(self, env: str, kind: str, entity_id: int) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT data FROM entities WHERE env = ? AND kind = ? AND id = ?", (env, kind, entity_id)
        )
        return dict(_entity_data(rows[0][0])) if rows else None

    def entities(self, env: str, kind: str, parent: int | None = None) -> list[dict[str, Any]]:
        params: tuple[Any, ...]
        if parent is None:
            sql, params = "SELECT data FROM entities WHERE env = ? AND kind = ? ORDER BY id", (env, kind)
        else:
            sql = "SELECT data FROM entities WHERE env = ? AND kind = ? AND parent = ? ORDER BY id"
            params = (env, kind, parent)
        return [loads(data) for (data,) in self._rows(sql, params)]

    def count(self, env: str, kind: str, parent: int | None = None) -> int:
        if parent is None:
            rows = self._rows("SELECT COUNT(*) FROM entities WHERE env = ? AND kind = ?", (env, kind))
        else:
            sql = "SELECT COUNT(*) FROM entities WHERE env = ? AND kind = ? AND parent = ?"
            rows = self._rows(sql, (env, kind, parent))
        return int(rows[0][0])

    def delete_entity(self, env: str, kind: str, entity_id: int) -> None:
        self.db.execute("DELETE FROM entities WHERE env = ? AND kind = ? AND id = ?", (env, kind, entity_id))

    # -- period-based records ------------------------------------------------------------------
    def put_record(self, env: str, record: StoredRecord) -> None:
        self.put_records(env, [record])

    def put_records(self, env: str, records: list[StoredRecord]) -> None:
        rows = [
            (env, r.family, r.owner_kind, r.owner, r.id, r.start, r.until, r.created, dumps(r.data))
            for r in records
        ]
        if self._bulk is not None:
            self._bulk.records += rows
            if len(self._bulk.records) >= _BULK_ROWS:
                self._flush()
            return
        self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def records(
        self,
        env: str,
        family: str,
        owner_kind: str,
        owners: list[int] | None = None,
        start: int | None = None,
    ) -> list[StoredRecord]:
        """The records of a family, by owner, then period, then age; for any number of owners; with
        `start`, only those starting in that period (a run's payslips)."""
        # the owner index, always: with `start` fixed SQLite would rather walk the environment by id
        base = "SELECT family, owner_kind, owner, id, start, until, created, data "
        base += "FROM records INDEXED BY records_owner WHERE env = ? AND family = ? AND owner_kind = ?"
        if start is not None:
            base += f" AND start = {int(start)}"
        if owners is None:
            chunks: list[list[int] | None] = [None]
        else:
            ordered = sorted(set(owners))
            chunks = [ordered[i : i + _MAX_PARAMETERS] for i in range(0, len(ordered), _MAX_PARAMETERS)]
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks:
            sql, params = base, list[Any]([env, family, owner_kind])
            if chunk is not None:
                sql += f" AND owner IN ({','.join('?' * len(chunk))})"
                params += chunk
            rows += self._rows(sql + " ORDER BY owner, start, id", params)
        return [StoredRecord(f, k, o, i, s, u, c, loads(d)) for f, k, o, i, s, u, c, d in rows]

    def delete_record(self, env: str, record_id: int) -> None:
        self._flush()
        self.db.execute("DELETE FROM records WHERE env = ? AND id = ?", (env, record_id))


class _Bulk:
    """What `SqliteStore.bulk` holds back: record rows in order, counters and which of them changed."""

    def __init__(self) -> None:
        self.records: list[tuple[Any, ...]] = []
        self.counters: dict[tuple[str, str], int] = {}
        self.dirty: dict[tuple[str, str], None] = {}  # an ordered set: first use first
