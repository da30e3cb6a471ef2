"""The parts of a seeding in parallel merged into one seed-cache file (`SeedCache.save_parts`).

Each part file (a seed-cache file, `SeedCache.save`) holds what the companies share (the debtors,
the companies as first made, and records with ids below the companies' ranges) and the rows of the
companies it seeded. The merge takes what is shared from the first part, then company by company
the company's entity (as its part left it), its employees and the records of its id range from the
part that seeded it, each in its part's row order: the rows, and their order, that seeding every
company in turn in one store gives (`domain/seeding_by_company.py`). The counters are the largest
value of each across the parts, sorted by name. What the parts share must be the same in every one:
a part that differs raises `PartsDisagree` (a bug in the seeding, never silently merged).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SHARED_ENTITIES = "kind NOT IN ('company', 'employee')"
COMPANY_ENTITIES = "(kind = 'employee' AND parent = ?) OR (kind = 'company' AND id = ?)"


class PartsDisagree(Exception):
    """Parts of a seeding in parallel hold different rows where they should hold the same."""


@dataclass(frozen=True)
class CompanyRows:
    """Where a company's rows are: its part (an index into the part files) and its record-id range."""

    part: int
    company_id: int
    first_id: int
    last_id: int


def merge(
    db: sqlite3.Connection, schema: str, parts: list[Path], companies: list[CompanyRows], shared_below: int
) -> list[tuple[str, int]]:
    """Make the data tables in `schema` from the part files; how many rows each table got."""
    names = [f"{schema}_part{n}" for n in range(len(parts))]
    for name, path in zip(names, parts, strict=True):
        db.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
    try:
        columns = {
            table: [row[1] for row in db.execute(f"PRAGMA {names[0]}.table_info({table})")]
            for table in ("entities", "records", "counters")
        }
        for table, cols in columns.items():
            db.execute(
                f"CREATE TABLE {schema}.{table} AS SELECT {', '.join(cols)} FROM {names[0]}.{table} WHERE 0"
            )
        _check_shared(db, names, shared_below, columns)
        return _fill(db, schema, names, companies, shared_below, columns)
    finally:
        for name in names:
            db.execute(f"DETACH DATABASE {name}")


def _fill(db: sqlite3.Connection, schema: str, names: list[str], companies: list[CompanyRows],
          shared_below: int, columns: dict[str, list[str]]) -> list[tuple[str, int]]:  # fmt: skip
    entities, records = ", ".join(columns["entities"]), ", ".join(columns["records"])
    first = names[0]

    def copy(table: str, cols: str, part: str, where: str, params: tuple[int, ...] = ()) -> None:
        db.execute(
            f"INSERT INTO {schema}.{table} ({cols}) SELECT {cols} FROM {part}.{table} WHERE {where} "
            "ORDER BY rowid",
            params,
        )

    copy("entities", entities, first, SHARED_ENTITIES)
    copy("records", records, first, "id < ?", (shared_below,))
    for company in companies:
        part = names[company.part]
        copy("entities", entities, part, COMPANY_ENTITIES, (company.company_id, company.company_id))
        copy("records", records, part, "id BETWEEN ? AND ?", (company.first_id, company.last_id))
    every = " UNION ALL ".join(f"SELECT name, value FROM {name}.counters" for name in names)
    db.execute(
        f"INSERT INTO {schema}.counters (name, value) SELECT name, max(value) FROM ({every}) "
        "GROUP BY name ORDER BY name"
    )
    counts = []
    for table in ("entities", "records", "counters"):
        counts.append((table, int(db.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0])))
    return counts


def _check_shared(db: sqlite3.Connection, names: list[str], shared_below: int,
                  columns: dict[str, list[str]]) -> None:  # fmt: skip
    entities, records = ", ".join(columns["entities"]), ", ".join(columns["records"])
    shared = [
        (f"SELECT {entities} FROM {{part}}.entities WHERE {SHARED_ENTITIES}", ()),
        (f"SELECT {records} FROM {{part}}.records WHERE id < ?", (shared_below,)),
    ]
    for other in names[1:]:
        for sql, params in shared:
            for a, b in ((names[0], other), (other, names[0])):
                query = f"SELECT count(*) FROM ({sql.format(part=a)} EXCEPT {sql.format(part=b)})"
                if db.execute(query, params * 2).fetchone()[0]:
                    raise PartsDisagree(f"{a} and {b} differ in what the companies share")
