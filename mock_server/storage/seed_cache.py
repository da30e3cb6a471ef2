"""Seeded environments kept on disk between processes (`--seed-cache DIR`, `MockSettings.seed_cache`).

Seeding 50,000 employees with a year of payroll takes a minute; copying the same rows back from a
cache file takes seconds. A file is named after everything that decides the seeded rows: the
environment's shape (employees, period types, debtors, seed), its id block (company and employee ids
depend on the order environments are first seeded in a process), the store format and a digest of
the code that seeds and stores (`mock_server/domain`, `mock_server/storage`): a changed mock never
loads rows another one seeded. The environment's name and logins are not in it (seeded data does not
depend on them).

A file is written whole under a temporary name and renamed into place, so processes sharing a folder
never see half a file; it is readable by its owner only. Writing one removes the files of other code
digests. A file that cannot be read, or whose rows do not add up, is removed and the environment
seeded afresh; a cache that cannot be written is reported and seeding goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from mock_server.storage.seed_parts import CompanyRows, merge
from mock_server.storage.sqlite_store import DATA_TABLES, SqliteStore, create_private

log = logging.getLogger("nmbrs_mock.seed_cache")
VARIABLE = "NMBRS_MOCK_SEED_CACHE"  # the environment variable naming the folder (CLI and pytest plugin)
SCHEMA_NAME = "seed_cache"  # the cache file while attached (then a number: one per attachment)
PREFIX = "nmbrs-seed-"
CODE_PACKAGES = ("domain", "storage")
REINDEX_ROWS = 100_000  # a load at least this large, and larger than what is stored, rebuilds the owner index
STEPPED_ROWS = 50_000  # a load at least this large into a serving store is copied in steps (`load`)
STEP_ROWS = 10_000  # rows a step copies (some tens of milliseconds)
Pause = Callable[[], None]  # lets other calls be served (between the steps of a copy)
FillWith = Callable[[Callable[[], None], bool], None]  # see `SeedCache.load`
_attachments = itertools.count(1)


class BrokenCacheFile(Exception):
    """A cache file whose rows are not what its own header says it holds."""


@cache
def code_digest() -> str:
    """A digest of the source that seeds and stores environments (what makes a cache file stale)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for source in sorted((root / package).rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class SeedCache:
    """The cache files of one folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def file_for(self, fingerprint: str, block: int) -> Path:
        key = hashlib.sha256(f"{fingerprint}|block {block}".encode()).hexdigest()[:24]
        return self.folder / f"{PREFIX}{code_digest()}-{key}.sqlite"

    # -- loading ----------------------------------------------------------------------------------
    def load(
        self,
        store: SqliteStore,
        env: str,
        source: Path,
        fill_with: FillWith,
        pause: Pause | None = None,
    ) -> bool:
        """`fill_with(copy, copied)` runs `copy()` in its transaction: `copy()` puts the environment's
        rows from `source` into the store. With `pause`, a large load is copied before, in steps of
        their own transactions with `pause()` between them, so the store serves other calls meanwhile
        (`copied` is True then, and `copy()` has nothing left to do). False, with nothing changed,
        when there is no such file or it cannot be used."""
        if not source.is_file() or store.db.in_transaction:  # SQLite attaches outside transactions only
            return False
        stepped = False
        try:
            with _attached(store, source, hold=pause is None) as schema:
                header = _header(store, schema)
                stepped = pause is not None and _rows_in(header) >= STEPPED_ROWS
                if pause is not None and stepped:
                    _copy_in_steps(store, env, header, schema, pause)
                    fill_with(lambda: None, True)
                else:
                    fill_with(lambda: _copy_in(store, env, header, schema), False)
        except (sqlite3.DatabaseError, BrokenCacheFile) as error:
            log.warning(
                "seed cache: %s cannot be used (%s); removed, the environment is seeded", source, error
            )
            _forget_steps(store, env, stepped)
            _discard(source)
            return False
        except BaseException:
            _forget_steps(store, env, stepped)
            raise
        return True

    # -- writing ----------------------------------------------------------------------------------
    def save(self, store: SqliteStore, env: str, target: Path, fingerprint: str = "", block: int = 0) -> bool:
        """Write the environment's rows as seeded (call right after seeding) to `target`; what it was
        seeded from (`fingerprint`, id `block`) is kept in the file's header for `cache_files`. False
        (with a warning) when it cannot be written."""
        seeded_from = [("seeded from", fingerprint), ("id block", str(block))]

        def fill(temporary: Path) -> None:
            with _attached(store, temporary) as schema:
                _copy_out(store, env, seeded_from, schema)

        return self._write(target, fill)

    def save_parts(
        self,
        parts: list[Path],
        companies: list[CompanyRows],
        shared_below: int,
        target: Path,
        fingerprint: str = "",
        block: int = 0,
    ) -> bool:
        """Write the parts of a seeding in parallel, merged (`seed_parts`), to `target`, as `save`
        writes a seeding; False (with a warning) when it cannot be written."""
        seeded_from = [("seeded from", fingerprint), ("id block", str(block))]

        def fill(temporary: Path) -> None:
            with contextlib.closing(sqlite3.connect(str(temporary), isolation_level=None)) as db:
                db.execute("PRAGMA journal_mode=OFF")  # a file that failed half-way is thrown away
                db.execute("PRAGMA synchronous=OFF")
                counts = merge(db, "main", parts, companies, shared_below)
                _write_header(db, "main", seeded_from, counts)

        return self._write(target, fill)

    def _write(self, target: Path, fill: Callable[[Path], None]) -> bool:
        """`fill(temporary)` writes a new private file, renamed to `target` once whole; False (with a
        warning) when it cannot be written. A file that failed half-way never stays."""
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            create_private(str(temporary))
            fill(temporary)
            os.replace(temporary, target)
        except (OSError, sqlite3.Error) as error:
            log.warning("seed cache: cannot write %s (%s); seeding goes on without it", target, error)
            _discard(temporary)
            return False
        except BaseException:
            _discard(temporary)
            raise
        self._remove_stale()
        return True

    def _remove_stale(self) -> None:
        """Remove the cache files that other versions of the seeding code wrote."""
        current = f"{PREFIX}{code_digest()}-"
        for file in self.folder.glob(f"{PREFIX}*.sqlite"):
            if not file.name.startswith(current):
                _discard(file)


def _forget_steps(store: SqliteStore, env: str, stepped: bool) -> None:
    """What the steps of a copy that failed had copied, removed."""
    if stepped:
        with store.transaction():
            store.drop_environment(env)


def _discard(path: Path) -> None:
    """Remove a file if it is there and may be removed (a cache never fails the mock)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _attached(store: SqliteStore, path: Path, hold: bool = True) -> Iterator[str]:
    """The cache file attached to the store's connection (outside any transaction), under a schema
    name of its own (given). `hold`: the store is held meanwhile; else only while attaching and
    detaching, and other calls go on (their tables are `main`'s: names resolve there first)."""
    schema = f"{SCHEMA_NAME}{next(_attachments)}"
    with store.lock if hold else contextlib.nullcontext():
        with store.lock:
            store.db.execute(f"ATTACH DATABASE ? AS {schema}", (str(path),))
        try:
            yield schema
        finally:
            with store.lock:
                store.db.execute(f"DETACH DATABASE {schema}")


def _columns(store: SqliteStore, table: str) -> str:
    return ", ".join(store.columns[table])


def _copy_out(store: SqliteStore, env: str, seeded_from: list[tuple[str, str]], schema: str) -> None:
    db = store.db
    db.execute(f"PRAGMA {schema}.journal_mode=OFF")  # a file that failed half-way is thrown away
    db.execute(f"PRAGMA {schema}.synchronous=OFF")
    counts: list[tuple[str, int]] = []
    for table in DATA_TABLES:  # NOT INDEXED: the table in rowid order, the order the rows were written
        columns = _columns(store, table)
        db.execute(f"CREATE TABLE {schema}.{table} AS SELECT {columns} FROM main.{table} WHERE 0")
        cursor = db.execute(
            f"INSERT INTO {schema}.{table} SELECT {columns} FROM main.{table} NOT INDEXED WHERE env = ?",
            (env,),
        )
        counts.append((table, cursor.rowcount))
    _write_header(db, schema, seeded_from, counts)


def _write_header(
    db: sqlite3.Connection, schema: str, seeded_from: list[tuple[str, str]], counts: list[tuple[str, int]]
) -> None:
    db.execute(f"CREATE TABLE {schema}.header (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [("code", code_digest()), *seeded_from, ("written", written)]
    header += [(f"rows {table}", str(count)) for table, count in counts]
    db.executemany(f"INSERT INTO {schema}.header VALUES (?, ?)", header)


def _header(store: SqliteStore, schema: str) -> dict[str, str]:
    with store.lock:
        rows = store.db.execute(f"SELECT name, value FROM {schema}.header").fetchall()
    header = dict(rows)
    if header.get("code") != code_digest():
        raise BrokenCacheFile(f"written by seeding code {header.get('code')}, this is {code_digest()}")
    return header


def _expected_rows(header: dict[str, str]) -> dict[str, int]:
    return {table: int(header.get(f"rows {table}", "-1")) for table in DATA_TABLES}


def _rows_in(header: dict[str, str]) -> int:
    return sum(max(count, 0) for count in _expected_rows(header).values())


def _copy_in(store: SqliteStore, env: str, header: dict[str, str], schema: str) -> None:
    db = store.db
    expected = _expected_rows(header)
    owner_index = _owner_index_if_rebuilt(store, expected["records"])
    for table in DATA_TABLES:
        columns = _columns(store, table)
        cursor = db.execute(
            f"INSERT INTO main.{table} (env, {columns}) "
            f"SELECT ?, {columns} FROM {schema}.{table} ORDER BY rowid",
            (env,),
        )
        if cursor.rowcount != expected[table]:
            raise BrokenCacheFile(f"{table}: {cursor.rowcount} rows, its header says {expected[table]}")
    if owner_index is not None:
        db.execute("PRAGMA threads=2")  # the index is sorted with a helper thread
        db.execute(owner_index)
        db.execute("PRAGMA threads=0")


def _copy_in_steps(store: SqliteStore, env: str, header: dict[str, str], schema: str, pause: Pause) -> None:
    """`_copy_in` in steps of `STEP_ROWS` rows, each its own transaction, with `pause()` after each
    (the owner index is kept up as rows come in: other calls use it meanwhile). What an earlier copy
    of `env` left (a process ended half-way) is removed first."""
    expected = _expected_rows(header)
    with store.transaction():
        store.drop_environment(env)
    for table in DATA_TABLES:
        columns = _columns(store, table)
        with store.lock:
            last = store.db.execute(f"SELECT max(rowid) FROM {schema}.{table}").fetchone()[0] or 0
        copied = 0
        for first in range(1, last + 1, STEP_ROWS):
            with store.transaction():
                cursor = store.db.execute(
                    f"INSERT INTO main.{table} (env, {columns}) SELECT ?, {columns} FROM {schema}.{table} "
                    "WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                    (env, first, first + STEP_ROWS - 1),
                )
                copied += cursor.rowcount
            pause()
        if copied != expected[table]:
            raise BrokenCacheFile(f"{table}: {copied} rows, its header says {expected[table]}")


def _owner_index_if_rebuilt(store: SqliteStore, incoming: int) -> str | None:
    """For a load larger than what the store holds: drop the records' owner index (its SQL returned),
    to build it again once after the rows are in (a third of the time of keeping it up row by row)."""
    stored = store.db.execute("SELECT max(rowid) FROM main.records").fetchone()[0] or 0
    if incoming < REINDEX_ROWS or incoming <= stored:
        return None
    row = store.db.execute("SELECT sql FROM main.sqlite_master WHERE name = 'records_owner'").fetchone()
    store.db.execute("DROP INDEX main.records_owner")
    return str(row[0])


@dataclass(frozen=True)
class CacheFile:
    """One file of a cache folder, as `nmbrs-mock seed-cache` lists it."""

    path: Path
    size: int
    current: bool  # written by this mock's seeding code (else it is never loaded)
    seeded_from: str  # the fingerprint: store format and shape ("" if the file cannot be read)
    block: str  # the environment's id block
    written: str
    rows: int

    def describe(self) -> str:
        if not self.seeded_from:
            return f"{self.path.name}  {self.size / 2**20:,.0f} MB, cannot be read"
        shape = self.seeded_from.partition("|")[2] or self.seeded_from
        state = "current" if self.current else "stale (another version of the seeding code; never loaded)"
        size = f"{self.rows:,} rows, {self.size / 2**20:,.0f} MB"
        return f"{self.path.name}  {shape}, id block {self.block}; {size}, {self.written}, {state}"


def cache_files(folder: Path) -> list[CacheFile]:
    """The cache files of `folder` with what their headers say (any folder: nothing is attached)."""
    found = []
    for path in sorted(folder.glob(f"{PREFIX}*.sqlite")):
        header = _read_header(path)
        rows = sum(
            int(value) for name, value in header.items() if name.startswith("rows ") and value.isdigit()
        )
        current = header.get("code") == code_digest()
        fields = (header.get("seeded from", ""), header.get("id block", "-"), header.get("written", "-"))
        found.append(CacheFile(path, path.stat().st_size, current, *fields, rows))
    return found


def _read_header(path: Path) -> dict[str, str]:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return dict(db.execute("SELECT name, value FROM header").fetchall())
    except sqlite3.Error:
        return {}


def clear(folder: Path) -> tuple[int, int]:
    """Remove every cache file of `folder`: how many, and their bytes."""
    removed = [(path, path.stat().st_size) for path in folder.glob(f"{PREFIX}*.sqlite")]
    for path, _ in removed:
        path.unlink(missing_ok=True)
    return len(removed), sum(size for _, size in removed)
