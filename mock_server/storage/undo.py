"""Per-environment reset without a second copy of its rows: an undo log of what changed since seeding.

`mark_seeded` makes an environment's current rows its seeded state and costs next to nothing, however
large the environment: from then on the first write to each entity or record saves that row as it was
(its rowid, its columns), or that it did not exist, in `undo_entities` / `undo_records` (`save`).
`restore` deletes what changed and puts the saved rows back under their old rowids, so an export lists
them in the same order as right after seeding; its cost grows with what changed, not with the
environment. `copy_seeded` gives another environment the seeded rows (the current ones that never
changed plus the saved ones). Counters are a handful of rows per environment: they are copied whole
into `snapshot_counters`, which also marks an environment as seeded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

UNDO_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_counters AS SELECT * FROM counters WHERE 0;
CREATE INDEX IF NOT EXISTS snapshot_counters_env ON snapshot_counters (env);
CREATE TABLE IF NOT EXISTS undo_entities (
    env TEXT NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL, rid INTEGER, parent INTEGER, data TEXT,
    PRIMARY KEY (env, kind, id));
CREATE TABLE IF NOT EXISTS undo_records (
    env TEXT NOT NULL, id INTEGER NOT NULL, rid INTEGER, family TEXT, owner_kind TEXT, owner INTEGER,
    start INTEGER, until INTEGER, created TEXT, data TEXT, PRIMARY KEY (env, id));
DROP TABLE IF EXISTS snapshot_entities;
DROP TABLE IF EXISTS snapshot_records;
"""
# per logged table: its key columns (after env) and the other columns it saves
LOGGED = {
    "entities": (("kind", "id"), ("parent", "data")),
    "records": (("id",), ("family", "owner_kind", "owner", "start", "until", "created", "data")),
}
COUNTER_COLUMNS = "name, value"


def _where(table: str) -> str:
    return " AND ".join(f"{column} = ?" for column in ("env", *LOGGED[table][0]))


def save(db: sqlite3.Connection, table: str, keys: Iterable[tuple[Any, ...]]) -> None:
    """Before writing the rows of `keys` ((env, *key) each): keep each row as it was at seeding, once
    (a row already saved keeps its first saved state; a missing row is saved as absent, rid NULL)."""
    key_columns, columns = LOGGED[table]
    all_keys = ", ".join(("env", *key_columns))
    keys = list(keys)
    db.executemany(
        f"INSERT OR IGNORE INTO undo_{table} ({all_keys}, rid, {', '.join(columns)}) "
        f"SELECT {all_keys}, rowid, {', '.join(columns)} FROM {table} WHERE {_where(table)}",
        keys,
    )
    marks = ", ".join("?" * (1 + len(key_columns)))
    db.executemany(f"INSERT OR IGNORE INTO undo_{table} ({all_keys}) VALUES ({marks})", keys)


def save_environment(db: sqlite3.Connection, table: str, env: str) -> None:
    """Before replacing all of an environment's rows of `table`: keep every row as it was at seeding."""
    key_columns, columns = LOGGED[table]
    listed = ", ".join(("env", *key_columns, "rowid", *columns))
    db.execute(f"INSERT OR IGNORE INTO undo_{table} SELECT {listed} FROM {table} WHERE env = ?", (env,))


def is_seeded(db: sqlite3.Connection, env: str) -> bool:
    return db.execute("SELECT 1 FROM snapshot_counters WHERE env = ? LIMIT 1", (env,)).fetchone() is not None


def mark_seeded(db: sqlite3.Connection, env: str) -> None:
    """The environment's rows as they are now are its seeded state (what `restore` goes back to)."""
    forget(db, env)
    db.execute(
        f"INSERT INTO snapshot_counters (env, {COUNTER_COLUMNS}) SELECT env, {COUNTER_COLUMNS} "
        "FROM counters WHERE env = ? ORDER BY rowid",
        (env,),
    )


def forget(db: sqlite3.Connection, env: str) -> None:
    """Drop an environment's seeded state and its undo log."""
    for table in ("snapshot_counters", *(f"undo_{name}" for name in LOGGED)):
        db.execute(f"DELETE FROM {table} WHERE env = ?", (env,))


def restore(db: sqlite3.Connection, env: str) -> None:
    """Put an environment's rows back as they were seeded (it must be `is_seeded`)."""
    for table, (key_columns, columns) in LOGGED.items():
        keys = ", ".join(key_columns)
        db.execute(
            f"DELETE FROM {table} WHERE env = ? AND ({keys}) IN "
            f"(SELECT {keys} FROM undo_{table} WHERE env = ?)",
            (env, env),
        )
        listed = ", ".join(("env", *key_columns, *columns))
        saved = f"FROM undo_{table} WHERE env = ? AND rid IS NOT NULL ORDER BY rid"
        try:  # under their old rowids: the order they were seeded in
            db.execute(f"INSERT INTO {table} (rowid, {listed}) SELECT rid, {listed} {saved}", (env,))
        except sqlite3.IntegrityError:  # another environment took a freed rowid: in order, new rowids
            db.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} {saved}", (env,))
        db.execute(f"DELETE FROM undo_{table} WHERE env = ?", (env,))
    db.execute("DELETE FROM counters WHERE env = ?", (env,))
    db.execute(
        f"INSERT INTO counters (env, {COUNTER_COLUMNS}) SELECT env, {COUNTER_COLUMNS} "
        "FROM snapshot_counters WHERE env = ? ORDER BY rowid",
        (env,),
    )


def copy_seeded(db: sqlite3.Connection, source: str, target: str) -> None:
    """Give `target` (holding nothing) the rows `source` was seeded with, as its data and seeded state."""
    for table, (key_columns, columns) in LOGGED.items():
        listed = ", ".join((*key_columns, *columns))
        unchanged = " AND ".join(f"u.{column} = t.{column}" for column in ("env", *key_columns))
        db.execute(
            f"INSERT INTO {table} (env, {listed}) SELECT ?, {listed} FROM ("
            f"SELECT t.rowid AS seq, {listed} FROM {table} AS t WHERE t.env = ? "
            f"AND NOT EXISTS (SELECT 1 FROM undo_{table} AS u WHERE {unchanged}) "
            f"UNION ALL SELECT rid AS seq, {listed} FROM undo_{table} WHERE env = ? AND rid IS NOT NULL"
            ") ORDER BY seq",
            (target, source, source),
        )
    for table in ("counters", "snapshot_counters"):
        db.execute(
            f"INSERT INTO {table} (env, {COUNTER_COLUMNS}) SELECT ?, {COUNTER_COLUMNS} "
            "FROM snapshot_counters WHERE env = ? ORDER BY rowid",
            (target, source),
        )
