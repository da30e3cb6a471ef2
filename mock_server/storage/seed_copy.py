"""Copying an environment's rows from seeded files (`seed_parts`) into a store (`SeedCache.load`,
`SeedCache.load_parts`).

In one transaction (`copy_in`, inside the caller's), a load larger than what the store holds drops
the records' owner index and builds it again once the rows are in: a third of the time of keeping
it up row by row. Into a store that serves, a large load goes in steps instead (`copy_in_steps`),
each its own transaction with a pause after it, so other calls are served meanwhile; the owner
index is kept up then, since those calls use it. The parts of a seeding in parallel are copied in
as they come (`copy_pieces`: each part in steps, or in one transaction of its own), their counters
last (`put_counters`).
"""

from __future__ import annotations

from collections.abc import Callable

from mock_server.storage import seed_parts
from mock_server.storage.seed_parts import Piece
from mock_server.storage.sqlite_store import SqliteStore

REINDEX_ROWS = 100_000  # a load at least this large, and larger than what is stored, rebuilds the owner index
STEPPED_ROWS = 50_000  # a load at least this large into a serving store is copied in steps (`load`)
STEP_ROWS = 10_000  # rows a step copies (some tens of milliseconds)
Pause = Callable[[], None]  # lets other calls be served (between the steps of a copy)


def rows_in(pieces: list[Piece]) -> int:
    return sum(piece.rows for piece in pieces)


Counters = dict[str, int]  # an environment's id counters, by name


def copy_in(store: SqliteStore, env: str, schema: str, pieces: list[Piece]) -> None:
    """The pieces, then the counters, of the file attached as `schema` into the store as `env` (in
    the caller's transaction)."""
    _copy_at_once(store, env, pieces)
    _put_counters(store, env, counters_of(store, schema))


def copy_in_steps(store: SqliteStore, env: str, schema: str, pieces: list[Piece], pause: Pause) -> None:
    """`copy_in` in steps of `STEP_ROWS` rows, each its own transaction, with `pause()` after each.
    What an earlier copy of `env` left (a process ended half-way) is removed first."""
    with store.transaction():
        store.drop_environment(env)
    copy_pieces(store, env, pieces, pause)
    put_counters(store, env, counters_of(store, schema))


def copy_pieces(store: SqliteStore, env: str, pieces: list[Piece], pause: Pause | None) -> None:
    """The pieces into the store as `env`: in steps of their own transactions with `pause()` after
    each, or without a pause in one transaction (`copy_in`'s, without the counters)."""
    if pause is None:
        with store.transaction():
            _copy_at_once(store, env, pieces)
        return
    for piece in pieces:
        for span in seed_parts.steps(piece, STEP_ROWS):
            with store.transaction():
                columns = store.columns[piece.table]
                seed_parts.copy_rows(store.db, piece, f"main.{piece.table}", columns, env, span)
            pause()


def counters_of(store: SqliteStore, schema: str, into: Counters | None = None) -> Counters:
    """The counters of the file attached as `schema`; with `into`, merged into it (the largest
    value of each)."""
    with store.lock:
        return seed_parts.counters_in(store.db, schema, {} if into is None else into)


def put_counters(store: SqliteStore, env: str, counters: Counters) -> None:
    """`counters` stored as `env`'s, sorted by name, in a transaction of their own."""
    with store.transaction():
        _put_counters(store, env, counters)


def _copy_at_once(store: SqliteStore, env: str, pieces: list[Piece]) -> None:
    db = store.db
    incoming = sum(piece.rows for piece in pieces if piece.table == "records")
    owner_index = _owner_index_if_rebuilt(store, incoming)
    for piece in pieces:
        seed_parts.copy_rows(db, piece, f"main.{piece.table}", store.columns[piece.table], env)
    if owner_index is not None:
        db.execute("PRAGMA threads=2")  # the index is sorted with a helper thread
        db.execute(owner_index)
        db.execute("PRAGMA threads=0")


def forget_steps(store: SqliteStore, env: str, stepped: bool) -> None:
    """What the steps of a copy that failed had copied, removed."""
    if stepped:
        with store.transaction():
            store.drop_environment(env)


def _put_counters(store: SqliteStore, env: str, counters: Counters) -> None:
    rows = [(env, name, counters[name]) for name in sorted(counters)]
    store.db.executemany("INSERT INTO main.counters (env, name, value) VALUES (?, ?, ?)", rows)


def _owner_index_if_rebuilt(store: SqliteStore, incoming: int) -> str | None:
    """For a load larger than what the store holds: drop the records' owner index (its SQL returned),
    to build it again once after the rows are in."""
    stored = store.db.execute("SELECT max(rowid) FROM main.records").fetchone()[0] or 0
    if incoming < REINDEX_ROWS or incoming <= stored:
        return None
    row = store.db.execute("SELECT sql FROM main.sqlite_master WHERE name = 'records_owner'").fetchone()
    store.db.execute("DROP INDEX main.records_owner")
    return str(row[0])
