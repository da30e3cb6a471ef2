"""The storage floor of seeding: SQLite alone storing as many record rows as seeding N employees writes.

Seeding 50,000 employees writes about 1.63 million record rows (`ROWS_PER_EMPLOYEE`). This inserts
that many rows of the same size into the mock's own records table (`SqliteStore`: the same schema,
indexes, temporary database and page cache while seeding), in the order seeding writes them: an
employee's profile records one employee after the other, then each payroll run's payslips. Rows are
made in batches of 5,000 and go in by `executemany`, one transaction, as `SqliteStore.bulk` writes
them; only the `executemany` calls are timed. None of seeding's Python work is in it: the time is
what storing these rows costs on this machine, so the seeding figure can be read against it.

    python loadtests/bench_storage_floor.py [EMPLOYEES] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROFILE_FAMILIES = 18  # records an employee is seeded with (personal info, contract, salary, ...)
RUNS = 14  # payslips an employee gets in the year of runs replayed (weekly companies more, monthly fewer)
ROWS_PER_EMPLOYEE = 1_631_194 / 50_000  # counted: 50,000 employees seeded write 1,631,194 rows
CREATED = "2025-01-01T00:00:00"
DATA = '{"Value":{"$d":"3444.00"},"Type":1,"StartDate":{"$t":"2025-01-01T00:00:00"},"Note":"%s"}'
BATCH = 5_000


def batches(employees: int) -> Iterator[list[tuple[Any, ...]]]:
    """As many rows as seeding `employees` writes, in seeding's order (ids ascending), `BATCH` at a time."""
    wanted = round(employees * ROWS_PER_EMPLOYEE)
    profile, payslip = DATA % ("x" * 180), DATA % ("y" * 160)
    payslips_per_run = max(1, (wanted - employees * PROFILE_FAMILIES) // RUNS)
    families = [f"Family{n}" for n in range(PROFILE_FAMILIES)]
    batch: list[tuple[Any, ...]] = []
    made = 0

    def row(family: str, owner: int, start: int, data: str) -> None:
        nonlocal made, batch
        made += 1
        batch.append(("floor", family, "employee", 100_000 + owner, made, start, None, CREATED, data))

    for owner in range(employees):
        for family in families:
            row(family, owner, 202501, profile)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    run = 0
    while made < wanted:
        for owner in range(min(payslips_per_run, employees, wanted - made)):
            row("Payslip", owner, 202501 + run, payslip)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        run += 1
    if batch:
        yield batch


def measure(employees: int) -> dict[str, Any]:
    """Seconds of the `executemany` calls alone (each batch is made before its call is timed)."""
    from mock_server.storage import scratch
    from mock_server.storage.sqlite_store import SqliteStore

    store = SqliteStore()
    store.db.execute(f"PRAGMA cache_size=-{scratch.BULK_CACHE_KB}")  # as `SqliteStore.bulk` has it
    insert = "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    seconds, rows = 0.0, 0
    with store.transaction():
        for batch in batches(employees):
            started = time.perf_counter()
            store.db.executemany(insert, batch)
            seconds += time.perf_counter() - started
            rows += len(batch)
    store.db.close()
    return {"employees": employees, "rows": rows, "seconds": seconds, "us_per_row": seconds / rows * 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("employees", nargs="?", type=int, default=50_000)
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    found = measure(args.employees)
    print(f"{found['rows']:,} rows for {args.employees:,} employees: {found['seconds']:.1f} s "
          f"({found['us_per_row']:.1f} us a row)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(found) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    ROOT = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
