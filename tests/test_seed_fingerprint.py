"""Seeding is fast (bulk writes, one replay cache per company, pay computed once per set of records),
and what it stores is exactly what the plain, record-by-record seeding stored: every row of every
table, in the same order, for fixed shapes.

The digests below were taken from the seeding before it was optimised (the records' data as decoded
values: taken again so, with the seeding of before the orjson codec). A change that means to seed
different data updates them (`python tests/test_seed_fingerprint.py` prints the current ones); a
speed-up must leave them as they are.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from mock_server.domain.backend import Backend
from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.storage.codec import loads
from mock_server.storage.environment_rows import WRITTEN_ORDER, export_rows
from mock_server.storage.sqlite_store import SqliteStore

SHAPES = {
    "demo": EnvironmentShape(),
    "mixed": EnvironmentShape(
        employees=25, period_types=("W1", "M", "W4"), debtors=3, seed=7, unsent_declarations=1
    ),
}
DIGESTS = {
    "demo": {
        "entities": (46, "3dc41900e5dd1948"),
        "records": (2084, "e43ed46fc75e3be2"),
        "counters": (4, "8eaca34daf0d238a"),
    },
    "mixed": {
        "entities": (31, "fb4a58d983f8848b"),
        "records": (1472, "8a004d1d618ff471"),
        "counters": (4, "3c09b0b17a2eb325"),
    },
}


def seeded_digests(shape: EnvironmentShape, name: str = "fingerprint") -> dict[str, tuple[int, str]]:
    """Per data table: how many rows an environment of `shape` is seeded with, and a digest of them
    (every column, in insertion order; the `data` column as the values it decodes to, so the digest
    holds whichever JSON text the codec writes)."""
    backend = Backend(SqliteStore())
    backend.add_environment(
        demo_spec(name, shape.seed), lambda tenant: seed_environment(tenant, shape), fingerprint=repr(shape)
    )
    rows = export_rows(backend.store, name, WRITTEN_ORDER)
    digests = {}
    for table, table_rows in rows.items():
        columns = backend.store.columns[table]
        data = columns.index("data") if "data" in columns else None
        values = [[loads(v) if i == data else v for i, v in enumerate(row)] for row in table_rows]
        text = json.dumps(values, default=_typed, sort_keys=True)
        digests[table] = (len(table_rows), hashlib.sha256(text.encode()).hexdigest()[:16])
    return digests


def _typed(value: Any) -> dict[str, str]:
    """A decoded value that JSON has no type for, with its type (and a decimal with its scale)."""
    if isinstance(value, Decimal | datetime | date):
        return {type(value).__name__: str(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    raise TypeError(f"unexpected {type(value).__name__} in seeded data")


@pytest.mark.parametrize("label", sorted(SHAPES))
def test_seeded_rows_are_unchanged(label: str) -> None:
    assert seeded_digests(SHAPES[label]) == DIGESTS[label]


def test_the_digest_sees_a_changed_record() -> None:
    """The fingerprint is not blind: one changed value in one record changes the records' digest."""
    shape = EnvironmentShape(employees=2, period_types=("M",), debtors=1)
    backend = Backend(SqliteStore())
    backend.add_environment(demo_spec("a", 1), lambda tenant: seed_environment(tenant, shape))
    before = export_rows(backend.store, "a")["records"]
    with backend.store.transaction():
        backend.store.db.execute("UPDATE records SET data = replace(data, '\"Code\":1,', '\"Code\":2,')")
    after = export_rows(backend.store, "a")["records"]
    assert json.dumps(before) != json.dumps(after)


if __name__ == "__main__":
    for label, shape in SHAPES.items():
        print(label, seeded_digests(shape))
