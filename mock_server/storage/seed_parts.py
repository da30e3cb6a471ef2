"""Seeded rows in files, in pieces: how a seed-cache file, and each part of a seeding in parallel,
holds an environment's rows, and how they are copied on (`SeedCache.load`, `SeedCache.load_parts`,
`SeedCache.save_parts`).

A file holds the data tables (`entities`, `records`, `counters`, without `env`), a header, and
`pieces`: the rowid span of each piece of the environment in each table. A seeding written whole
(`SeedCache.save`) is one piece per table. A part of a seeding in parallel (`write_part`) holds
piece 0, what the companies share (the debtors, the companies as first made, and the records with
ids below the companies' ranges), and one piece for each company it seeded: piece `i + 1` is
company `i`'s entity (as the part left it), its employees, and the records of its id range.

Rows are copied piece by piece, in the order of the pieces' numbers (the parts in the order they
are given: `SeedCache.load_parts` copies each as soon as it is written); piece 0 from the first file
only. What the companies share must be the same in every part: a part that differs raises
`PartsDisagree` (a bug in the seeding, never silently merged). The counters are the largest value
of each across the files, sorted by name.

A company's payslips are written after its other records, by owner and period: copied into a
store that keeps its owner index up as rows come in (a copy in steps, `seed_copy`), each step then
adds to that index at a few places. In the order seeding made them (a run's payslips after the
previous run's) every step would touch every page of the index that the company's payslips fill:
a copy in steps took twice as long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED_ENTITIES = "kind NOT IN ('company', 'employee')"
COMPANY_ENTITIES = "((kind = 'employee' AND parent = ?) OR (kind = 'company' AND id = ?))"
PIECE_TABLES = ("entities", "records")  # the counters are merged, not copied in pieces
PAYSLIPS = "Payslip"  # the family seeding writes period by period, for every employee in turn


class BrokenFile(Exception):
    """A seeded file whose rows are not what its own pieces and header say it holds."""


class PartsDisagree(Exception):
    """Parts of a seeding in parallel hold different rows where they should hold the same."""


@dataclass(frozen=True)
class CompanyRows:
    """Where a company's rows are: its position among the companies, and its record-id range."""

    index: int
    company_id: int
    first_id: int
    last_id: int


@dataclass(frozen=True)
class Piece:
    """Rows `first` to `last` (rowids) of `table` in the file attached as `schema`."""

    schema: str
    table: str
    number: int
    first: int
    last: int

    @property
    def rows(self) -> int:
        return self.last - self.first + 1


PIECES_SCHEMA = "CREATE TABLE {schema}.pieces (number INTEGER, tbl TEXT, first INTEGER, last INTEGER)"


def write_whole(db: sqlite3.Connection, schema: str, env: str, columns: dict[str, list[str]]) -> None:
    """Copy an environment's rows from `main` to the file attached as `schema`, one piece a table
    (in the order they were written)."""
    out = _Writer(db, schema, env, columns)
    for table in columns:
        out.append(table, 0, "1", order="rowid", source=f"main.{table} NOT INDEXED")
    out.finish()


def write_part(db: sqlite3.Connection, schema: str, env: str, columns: dict[str, list[str]],
               shared_below: int, companies: list[CompanyRows]) -> None:  # fmt: skip
    """Copy a part of a seeding in parallel from `main` to the file attached as `schema`: what the
    companies share (piece 0, with the counters), then each of `companies` (piece `index + 1`)."""
    out = _Writer(db, schema, env, columns)
    out.append("entities", 0, SHARED_ENTITIES)
    out.append("records", 0, "id < ?", (shared_below,))
    out.append("counters", 0, "1", order="name")
    for company in companies:
        number, own = company.index + 1, (company.company_id, company.company_id)
        out.append("entities", number, COMPANY_ENTITIES, own)
        out.company_records(number, company)
    out.finish()


class _Writer:
    """Appends pieces of an environment's rows in `main` to the tables of the file attached as
    `schema` (made empty first), and at the end writes where they are (`pieces`)."""

    def __init__(self, db: sqlite3.Connection, schema: str, env: str, columns: dict[str, list[str]]) -> None:
        self.db, self.schema, self.env, self.columns = db, schema, env, columns
        self.pieces: list[tuple[int, str, int, int]] = []
        for table, cols in columns.items():
            db.execute(f"CREATE TABLE {schema}.{table} AS SELECT {', '.join(cols)} FROM main.{table} WHERE 0")
        self.next_rowid = dict.fromkeys(columns, 1)

    def append(self, table: str, number: int, where: str, params: tuple[str | int, ...] = (),
               order: str = "rowid", source: str = "") -> None:  # fmt: skip
        self._piece(table, number, self._insert(table, where, params, order, source))

    def company_records(self, number: int, company: CompanyRows) -> None:
        """A company's records but its payslips, as written (the rows of its rowid window: seeding
        made them one company after the other), then its payslips by employee and period."""
        span = (company.first_id, company.last_id)
        window = self.db.execute(
            "SELECT min(rowid), max(rowid) FROM main.records WHERE env = ? AND id BETWEEN ? AND ?",
            (self.env, *span),
        ).fetchone()
        where = f"rowid BETWEEN ? AND ? AND id BETWEEN ? AND ? AND family <> '{PAYSLIPS}'"
        rows = self._insert("records", where, (*window, *span), "rowid", "main.records NOT INDEXED")
        employees = "SELECT id FROM main.entities WHERE env = ? AND kind = 'employee' AND parent = ?"
        where = f"family = '{PAYSLIPS}' AND owner_kind = 'employee' AND owner IN ({employees}) "
        where += "AND id BETWEEN ? AND ?"
        rows += self._insert("records", where, (self.env, company.company_id, *span), "owner, start",
                             "main.records INDEXED BY records_owner")  # fmt: skip
        self._piece("records", number, rows)

    def _insert(self, table: str, where: str, params: tuple[str | int, ...], order: str, source: str) -> int:
        """The rows of the environment in `main` that `where` selects, appended in `order`: how many."""
        names = ", ".join(self.columns[table])
        cursor = self.db.execute(
            f"INSERT INTO {self.schema}.{table} SELECT {names} FROM {source or 'main.' + table} "
            f"WHERE env = ? AND {where} ORDER BY {order}",
            (self.env, *params),
        )
        return int(cursor.rowcount)

    def _piece(self, table: str, number: int, rows: int) -> None:
        """The `rows` last appended to `table` are piece `number`."""
        first = self.next_rowid[table]
        self.next_rowid[table] += rows
        self.pieces.append((number, table, first, first + rows - 1))

    def finish(self) -> None:
        _write_pieces(self.db, self.schema, self.pieces)


def _write_pieces(db: sqlite3.Connection, schema: str, pieces: list[tuple[int, str, int, int]]) -> None:
    db.execute(PIECES_SCHEMA.format(schema=schema))
    db.executemany(f"INSERT INTO {schema}.pieces VALUES (?, ?, ?, ?)", pieces)


def pieces_of(db: sqlite3.Connection, schemas: list[str], shared: bool = True) -> list[Piece]:
    """The pieces to copy from the files attached as `schemas`, in order: by table, then by number;
    piece 0 from the first file only (`check_shared` compares the others'), and not at all unless
    `shared`."""
    found = [
        Piece(schema, table, number, first, last)
        for n, schema in enumerate(schemas)
        for number, table, first, last in db.execute(f"SELECT number, tbl, first, last FROM {schema}.pieces")
        if table in PIECE_TABLES and (number or (shared and not n)) and last >= first
    ]
    return sorted(found, key=lambda piece: (PIECE_TABLES.index(piece.table), piece.number))


def check_shared(db: sqlite3.Connection, schemas: list[str]) -> None:
    """Raise `PartsDisagree` unless piece 0 of entities and records is the same in every file."""
    spans = {
        (schema, table): (first, last)
        for schema in schemas
        for table, first, last in db.execute(f"SELECT tbl, first, last FROM {schema}.pieces WHERE number = 0")
    }
    for table in PIECE_TABLES:
        cols = ", ".join(row[1] for row in db.execute(f"PRAGMA {schemas[0]}.table_info({table})"))
        for other in schemas[1:]:
            for a, b in ((schemas[0], other), (other, schemas[0])):
                query = (
                    f"SELECT count(*) FROM (SELECT {cols} FROM {a}.{table} WHERE rowid BETWEEN ? AND ? "
                    f"EXCEPT SELECT {cols} FROM {b}.{table} WHERE rowid BETWEEN ? AND ?)"
                )
                bounds = (*spans.get((a, table), (1, 0)), *spans.get((b, table), (1, 0)))
                if db.execute(query, bounds).fetchone()[0]:
                    raise PartsDisagree(f"{a} and {b} differ in what the companies share")


def steps(piece: Piece, size: int) -> Iterator[tuple[int, int]]:
    """The rowid spans of `piece` in steps of at most `size` rows."""
    for first in range(piece.first, piece.last + 1, size):
        yield first, min(first + size - 1, piece.last)


def rows_held(db: sqlite3.Connection, schema: str) -> dict[str, int]:
    """How many rows the pieces of the file attached as `schema` hold, per table."""
    sql = f"SELECT tbl, sum(last - first + 1) FROM {schema}.pieces GROUP BY tbl"
    return {table: int(rows) for table, rows in db.execute(sql).fetchall()}


def counters_in(db: sqlite3.Connection, schema: str, into: dict[str, int]) -> dict[str, int]:
    """The counters of the file attached as `schema` merged into `into` (the largest value of each)."""
    for name, value in db.execute(f"SELECT name, value FROM {schema}.counters").fetchall():
        into[name] = max(value, into.get(name, value))
    return into


def copy_rows(db: sqlite3.Connection, piece: Piece, into: str, cols: list[str], env: str | None = None,
              span: tuple[int, int] | None = None) -> None:  # fmt: skip
    """Insert rows `span` (rowids; all of the piece by default) of `piece` into the table `into`,
    with `env` first if given; `BrokenFile` if the file holds fewer."""
    first, last = span or (piece.first, piece.last)
    names = ", ".join(cols)
    params: tuple[str | int, ...] = (first, last)
    target, values = f"{into} ({names})", names
    if env is not None:
        target, values, params = f"{into} (env, {names})", f"?, {names}", (env, first, last)
    cursor = db.execute(
        f"INSERT INTO {target} SELECT {values} FROM {piece.schema}.{piece.table} "
        "WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
        params,
    )
    if cursor.rowcount != last - first + 1:
        raise BrokenFile(f"{piece.table}: {cursor.rowcount} rows where its pieces say {last - first + 1}")


def merge(db: sqlite3.Connection, parts: list[Path]) -> None:
    """Write the rows of the `parts` to `main` of `db` (a new file), merged: what copying them in
    (`SeedCache.load`) gives, as one piece a table."""
    names = [f"part{n}" for n in range(len(parts))]
    for name, path in zip(names, parts, strict=True):
        db.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
    try:
        check_shared(db, names)
        columns = {
            table: [row[1] for row in db.execute(f"PRAGMA {names[0]}.table_info({table})")]
            for table in (*PIECE_TABLES, "counters")
        }
        for table, cols in columns.items():
            names_of = ", ".join(cols)
            db.execute(f"CREATE TABLE main.{table} AS SELECT {names_of} FROM {names[0]}.{table} WHERE 0")
        for piece in pieces_of(db, names):
            copy_rows(db, piece, f"main.{piece.table}", columns[piece.table])
        counters: dict[str, int] = {}
        for name in names:
            counters_in(db, name, counters)
        db.executemany("INSERT INTO main.counters (name, value) VALUES (?, ?)", sorted(counters.items()))
        counts = [(0, table, 1, db.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0])
                  for table in columns]  # fmt: skip
        _write_pieces(db, "main", counts)
    finally:
        for name in names:
            db.execute(f"DETACH DATABASE {name}")
