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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from mock_server.storage import seed_copy, seed_parts
from mock_server.storage.seed_copy import Pause
from mock_server.storage.seed_parts import BrokenFile as BrokenCacheFile
from mock_server.storage.seed_parts import CompanyRows
from mock_server.storage.sqlite_store import DATA_TABLES, SqliteStore, create_private

log = logging.getLogger("nmbrs_mock.seed_cache")
VARIABLE = "NMBRS_MOCK_SEED_CACHE"  # the environment variable naming the folder (CLI and pytest plugin)
SCHEMA_NAME = "seed_cache"  # the cache file while attached (then a number: one per attachment)
PREFIX = "nmbrs-seed-"
CODE_PACKAGES = ("domain", "storage")
FillWith = Callable[[Callable[[], None], bool], None]  # see `SeedCache.load`
Fill = Callable[[sqlite3.Connection, str], None]  # writes the data tables and pieces of a file (`_write`)
_attachments = itertools.count(1)


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
        when there is no such file or it cannot be used (a broken one is removed)."""
        if not source.is_file() or store.db.in_transaction:  # SQLite attaches outside transactions only
            return False
        stepped = False
        try:
            with _attached(store, source, hold=pause is None) as schema:
                with store.lock:
                    _check_header(store.db, schema)
                    pieces = seed_parts.pieces_of(store.db, [schema])
                stepped = pause is not None and seed_copy.rows_in(pieces) >= seed_copy.STEPPED_ROWS
                if pause is not None and stepped:
                    seed_copy.copy_in_steps(store, env, schema, pieces, pause)
                    fill_with(lambda: None, True)
                else:
                    fill_with(lambda: seed_copy.copy_in(store, env, schema, pieces), False)
        except (sqlite3.DatabaseError, BrokenCacheFile) as error:
            log.warning(
                "seed cache: %s cannot be used (%s); removed, the environment is seeded", source, error
            )
            seed_copy.forget_steps(store, env, stepped)
            _discard(source)
            return False
        except BaseException:
            seed_copy.forget_steps(store, env, stepped)
            raise
        return True

    def load_parts(
        self,
        store: SqliteStore,
        env: str,
        parts: Iterable[Path | None],
        fill_with: FillWith,
        copy_pause: Callable[[], Pause | None],
    ) -> bool:
        """`load` of the parts of a seeding in parallel, each copied in as soon as `parts` gives it
        (while the others are still being seeded), with the pause `copy_pause()` gives when the
        first comes (none: each part in one transaction). Then the parts are checked to agree on
        what they share, the counters copied, and `fill_with(copy, True)` registers the
        environment. False, with nothing of it stored, when a part is missing (None: it could not
        be written) or cannot be used; `parts` is waited out first."""
        pending = iter(parts)
        try:
            with contextlib.ExitStack() as attached:
                counters = _copy_parts_as_they_come(store, env, pending, attached, copy_pause)
                if counters is None:
                    seed_copy.forget_steps(store, env, True)
                    return False
                seed_copy.put_counters(store, env, counters)
                fill_with(lambda: None, True)
        except (sqlite3.DatabaseError, BrokenCacheFile) as error:
            log.warning("seeding in parts: a part cannot be used (%s); nothing of %s is stored", error, env)
            seed_copy.forget_steps(store, env, True)
            return False
        except BaseException:
            seed_copy.forget_steps(store, env, True)
            raise
        finally:
            _wait_out(pending)
        return True

    # -- writing ----------------------------------------------------------------------------------
    def save(self, store: SqliteStore, env: str, target: Path, fingerprint: str = "", block: int = 0) -> bool:
        """Write the environment's rows as seeded (call right after seeding) to `target`; what it was
        seeded from (`fingerprint`, id `block`) is kept in the file's header for `cache_files`. False
        (with a warning) when it cannot be written."""
        columns = _data_columns(store)
        return self._write(target, lambda db, schema: seed_parts.write_whole(db, schema, env, columns),
                           _seeded_from(fingerprint, block), store)  # fmt: skip

    def save_part(self, store: SqliteStore, env: str, target: Path, shared_below: int,
                  companies: list[CompanyRows]) -> bool:  # fmt: skip
        """Write a part of a seeding in parallel (`seed_parts.write_part`) to `target`, as `save`
        writes a seeding; False (with a warning) when it cannot be written."""
        columns = _data_columns(store)
        return self._write(target, lambda db, schema: seed_parts.write_part(db, schema, env, columns,
                           shared_below, companies), [], store)  # fmt: skip

    def save_parts(self, parts: list[Path], target: Path, fingerprint: str = "", block: int = 0) -> bool:
        """Write the parts of a seeding in parallel, merged (`seed_parts.merge`), to `target`, as
        `save` writes a seeding; False (with a warning) when it cannot be written."""
        seeded_from = _seeded_from(fingerprint, block)
        return self._write(target, lambda db, schema: seed_parts.merge(db, parts), seeded_from)

    def _write(self, target: Path, fill: Fill, seeded_from: list[tuple[str, str]],
               store: SqliteStore | None = None) -> bool:  # fmt: skip
        """`fill(db, schema)` writes the tables of a new private file (attached to the `store`'s
        connection, or on a connection of its own), renamed to `target` once whole with its header;
        False (with a warning) when it cannot be written. A file that failed half-way never stays."""
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            create_private(str(temporary))
            if store is not None:
                with _attached(store, temporary) as schema:
                    _fill_file(store.db, schema, fill, seeded_from)
            else:
                with contextlib.closing(sqlite3.connect(str(temporary), isolation_level=None)) as db:
                    _fill_file(db, "main", fill, seeded_from)
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


def _data_columns(store: SqliteStore) -> dict[str, list[str]]:
    return {table: store.columns[table] for table in DATA_TABLES}


def _seeded_from(fingerprint: str, block: int) -> list[tuple[str, str]]:
    return [("seeded from", fingerprint), ("id block", str(block))]


def _fill_file(db: sqlite3.Connection, schema: str, fill: Fill, seeded_from: list[tuple[str, str]]) -> None:
    db.execute(f"PRAGMA {schema}.journal_mode=OFF")  # a file that failed half-way is thrown away
    db.execute(f"PRAGMA {schema}.synchronous=OFF")
    fill(db, schema)
    _write_header(db, schema, seeded_from)


def _write_header(db: sqlite3.Connection, schema: str, seeded_from: list[tuple[str, str]]) -> None:
    """The header of a file just written: the code that seeded it, what from, and its rows."""
    counts = seed_parts.rows_held(db, schema).items()
    db.execute(f"CREATE TABLE {schema}.header (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [("code", code_digest()), *seeded_from, ("written", written)]
    header += [(f"rows {table}", str(count)) for table, count in sorted(counts)]
    db.executemany(f"INSERT INTO {schema}.header VALUES (?, ?)", header)


def _copy_parts_as_they_come(store: SqliteStore, env: str, pending: Iterator[Path | None],
                             attached: contextlib.ExitStack, copy_pause: Callable[[], Pause | None]
                             ) -> seed_copy.Counters | None:  # fmt: skip
    """Each part `pending` gives copied in: the first stays attached (to `attached`) for the others
    to be checked against (what they share), each other one only while it is copied, so a seeding
    of many parts holds two attachments at most. The parts' counters merged, or None when a part is
    missing. What an earlier copy of `env` left (a process ended half-way) goes first."""
    first: str | None = None
    pause: Pause | None = None
    counters: seed_copy.Counters = {}
    for path in pending:
        if path is None or not path.is_file():
            return None
        if first is None:
            pause = copy_pause()
            with store.transaction():
                store.drop_environment(env)
        with contextlib.ExitStack() as this_part:
            # never held between the parts: other calls are served while the next one is seeded
            schema = (attached if first is None else this_part).enter_context(
                _attached(store, path, hold=False)
            )
            with store.lock:
                _check_header(store.db, schema)
                if first is not None:
                    seed_parts.check_shared(store.db, [first, schema])
                pieces = seed_parts.pieces_of(store.db, [schema], shared=first is None)
            seed_copy.counters_of(store, schema, counters)
            seed_copy.copy_pieces(store, env, pieces, pause)
        first = first or schema
    return counters


def _wait_out(pending: Iterator[Path | None]) -> None:
    """The parts still being seeded, waited for (their files are not used; what they raise is
    logged, the copy has failed already)."""
    try:
        for _ in pending:
            pass
    except Exception as error:
        log.warning("seeding in parts: another part failed too (%s)", error)


def _check_header(db: sqlite3.Connection, schema: str) -> None:
    """`BrokenCacheFile` unless this code wrote the file, and its header, its pieces and its
    counters agree on how many rows it holds (`copy_rows` counts the other tables' as it copies)."""
    header = dict(db.execute(f"SELECT name, value FROM {schema}.header").fetchall())
    if header.get("code") != code_digest():
        raise BrokenCacheFile(f"written by seeding code {header.get('code')}, this is {code_digest()}")
    pieces = seed_parts.rows_held(db, schema)
    pieces["counters"] = db.execute(f"SELECT count(*) FROM {schema}.counters").fetchone()[0]
    for table in DATA_TABLES:
        said = header.get(f"rows {table}", "")
        if said != str(pieces.get(table, 0)):
            raise BrokenCacheFile(
                f"{table}: {pieces.get(table, 0)} rows where its header says {said or 'none'}"
            )


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
