"""Embedded storage: one SQLite database (a temporary one by default, `scratch`; a file with
`--state PATH`).

Everything is keyed by environment; resetting one tenant undoes what changed since it was seeded
(`undo`: no second copy of its rows is kept). Every SOAP call runs in one transaction
(`transaction()`): a call that raises leaves nothing behind. File databases use WAL with
synchronous=FULL, so an acknowledged write survives a crash or `kill -9`.

Rows hold Nmbrs vocabulary as JSON (`codec`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from mock_server.domain.records import StoredRecord
from mock_server.storage import scratch, undo
from mock_server.storage.codec import dumps, loads
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
"""
DATA_TABLES = ("entities", "records", "counters")
_MAX_PARAMETERS = 900  # well under SQLite's limit on bound parameters
_BULK_ROWS = 5000  # records held back at most in `bulk` (memory stays flat)


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
        self.scratch = path == ":memory:"  # then a temporary database (`scratch`), not in memory
        self.db = sqlite3.connect(
            scratch.PATH if self.scratch else path, check_same_thread=False, isolation_level=None
        )
        self.lock = TransactionLock()
        if self.scratch:
            self.db.execute(f"PRAGMA cache_size=-{scratch.CACHE_KB}")
        else:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA + undo.UNDO_SCHEMA)
        self._seeded: dict[str, bool] = {}  # whether writes to an environment go to its undo log
        self._depth = 0
        self._bulk: _Bulk | None = None  # writes held back while seeding (see `bulk`)
        self._bulk_written: int | None = None  # records a `bulk` of the open transaction wrote
        self.columns = {  # each data table's columns but `env` (exports, imports, the seed cache)
            table: [row[1] for row in self.db.execute(f"PRAGMA table_info({table})") if row[1] != "env"]
            for table in DATA_TABLES
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
                self._seeded.clear()  # what was rolled back may have changed it
                raise
            finally:
                watch.stop()
                self._depth = 0
                self._after_bulk()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Inside a transaction: hold record inserts and id counters back and write them in batches
        (one `executemany`, counters once) just before the next read and at the end: what is stored,
        and in which order, is the same. Python's cyclic garbage collector waits meanwhile: seeding
        makes millions of objects that live until it ends, and each full collection walked them all
        again (8 of 43 s for 50,000 employees); the few cycles left are collected at the end."""
        if self._bulk is not None or not self._depth:
            yield
            return
        self._bulk = _Bulk()
        if self.scratch:  # until the transaction ends (`_after_bulk`)
            self.db.execute(f"PRAGMA cache_size=-{scratch.BULK_CACHE_KB}")
        collecting = gc.isenabled()
        gc.disable()  # see `scratch.release_freed_memory`
        try:
            yield
            self._flush()
        finally:
            self._bulk_written = (self._bulk_written or 0) + self._bulk.written
            self._bulk = None
            if collecting:
                gc.enable()

    def _after_bulk(self) -> None:
        """When the transaction of a `bulk` has ended (its pages are clean): memory given back."""
        written, self._bulk_written = self._bulk_written, None
        if written is not None:
            if self.scratch:  # its pages are clean now: the cache shrinks back
                self.db.execute(f"PRAGMA cache_size=-{scratch.CACHE_KB}")
            scratch.release_freed_memory(written)

    def _flush(self) -> None:
        bulk = self._bulk
        if bulk is None:
            return
        if bulk.records:
            for env in {row[0] for row in bulk.records}:
                self.log_writes("records", env, [(row[4],) for row in bulk.records if row[0] == env])
            self.db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", bulk.records
            )
            bulk.written += len(bulk.records)
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
        undo.forget(self.db, name)
        self.db.execute("DELETE FROM environments WHERE name = ?", (name,))
        self._seeded[name] = False

    def snapshot(self, name: str) -> None:
        """Remember an environment's rows as they are now (after seeding), for `restore`: from now on
        what writes change is kept in its undo log (`undo`), so this costs nothing however large."""
        self._flush()
        undo.mark_seeded(self.db, name)
        self._seeded[name] = True

    def copy_environment(self, source: str, target: str) -> None:
        """Give `target` the rows `source` was seeded with (its snapshot), as data and as snapshot."""
        undo.copy_seeded(self.db, source, target)
        self._seeded[target] = True

    def restore(self, name: str) -> bool:
        """Put an environment's rows back as snapshotted; False when there is no snapshot."""
        if not self.is_seeded(name):
            return False
        self._flush()
        undo.restore(self.db, name)
        return True

    def is_seeded(self, env: str) -> bool:
        """Whether the environment has a snapshot (so writes to it are kept in its undo log)."""
        seeded = self._seeded.get(env)
        if seeded is None:
            seeded = self._seeded[env] = undo.is_seeded(self.db, env)
        return seeded

    def log_writes(self, table: str, env: str, keys: list[tuple[Any, ...]]) -> None:
        """Before writing the rows of `keys` (each without env): keep them in the undo log if needed."""
        if keys and self.is_seeded(env):
            undo.save(self.db, table, [(env, *key) for key in keys])

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

    def raise_counter(self, env: str, name: str, value: int) -> None:
        """Make a counter at least `value` (its next id comes after it)."""
        if self._bulk is not None:
            last = self.counter(env, name)
            if last is None or last < value:
                self._bulk.counters[(env, name)] = value
                self._bulk.dirty[(env, name)] = None
            return
        self.db.execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (env, name) DO UPDATE SET "
            "value = max(value, excluded.value)",
            (env, name, value),
        )

    def sort_counters(self, env: str) -> None:
        """Store an environment's counters again, sorted by name (their rows' order)."""
        self._flush()
        rows = self.db.execute(
            "SELECT name, value FROM counters WHERE env = ? ORDER BY name", (env,)
        ).fetchall()
        self.db.execute("DELETE FROM counters WHERE env = ?", (env,))
        self.db.executemany(
            "INSERT INTO counters VALUES (?, ?, ?)", [(env, name, value) for name, value in rows]
        )

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
        self.log_writes("entities", env, [(kind, entity_id)])
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

    def entity_ids(self, env: str, kind: str, parent: int) -> list[int]:
        """The ids of `entities(env, kind, parent)`, in the same order."""
        sql = "SELECT id FROM entities WHERE env = ? AND kind = ? AND parent = ? ORDER BY id"
        return [entity_id for (entity_id,) in self._rows(sql, (env, kind, parent))]

    def count(self, env: str, kind: str, parent: int | None = None) -> int:
        if parent is None:
            rows = self._rows("SELECT COUNT(*) FROM entities WHERE env = ? AND kind = ?", (env, kind))
        else:
            sql = "SELECT COUNT(*) FROM entities WHERE env = ? AND kind = ? AND parent = ?"
            rows = self._rows(sql, (env, kind, parent))
        return int(rows[0][0])

    def delete_entity(self, env: str, kind: str, entity_id: int) -> None:
        self.log_writes("entities", env, [(kind, entity_id)])
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
        self.log_writes("records", env, [(r.id,) for r in records])
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
        fixed: list[Any] = [env, family, owner_kind]
        if start is not None:  # a parameter, not a literal: one prepared statement for every period
            base += " AND start = ?"
            fixed.append(int(start))
        if owners is None:
            chunks: list[list[int] | None] = [None]
        else:
            ordered = sorted(set(owners))
            chunks = [ordered[i : i + _MAX_PARAMETERS] for i in range(0, len(ordered), _MAX_PARAMETERS)]
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks:
            sql, params = base, list(fixed)
            if chunk is not None:
                sql += f" AND owner IN ({','.join('?' * len(chunk))})"
                params += chunk
            rows += self._rows(sql + " ORDER BY owner, start, id", params)
        return [StoredRecord(f, k, o, i, s, u, c, loads(d)) for f, k, o, i, s, u, c, d in rows]

    def delete_record(self, env: str, record_id: int) -> None:
        self._flush()
        self.log_writes("records", env, [(record_id,)])
        self.db.execute("DELETE FROM records WHERE env = ? AND id = ?", (env, record_id))


class _Bulk:
    """What `SqliteStore.bulk` holds back: record rows in order, counters and which of them changed."""

    def __init__(self) -> None:
        self.records: list[tuple[Any, ...]] = []
        self.counters: dict[tuple[str, str], int] = {}
        self.dirty: dict[tuple[str, str], None] = {}  # an ordered set: first use first
        self.written = 0  # records written so far
