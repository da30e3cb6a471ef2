"""Rows of environments that were never registered: what a large copy in steps leaves in a `--state`
file when the process ends half-way (`SeedCache.load` with a pause registers the environment only in
its last step). They are never served; `drop_unregistered` removes them when the store is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from mock_server.storage.sqlite_store import DATA_TABLES, SqliteStore

log = logging.getLogger("nmbrs_mock.storage")


def environments_with_rows(store: SqliteStore) -> set[str]:
    """Every environment name a data table holds rows of (one index seek per name and table)."""
    found: set[str] = set()
    with store.lock:
        for table in DATA_TABLES:  # table names are ours
            after = ""
            while (row := store.db.execute(
                f"SELECT env FROM {table} WHERE env > ? ORDER BY env LIMIT 1", (after,)
            ).fetchone()) is not None:  # fmt: skip
                after = row[0]
                found.add(after)
    return found


def drop_unregistered(store: SqliteStore, kept: Iterable[str] = ()) -> list[str]:
    """Remove the rows of environments the store does not list (but those `kept`: rows that are no
    environment's); their names, sorted."""
    unregistered = sorted(environments_with_rows(store) - set(store.environments()) - set(kept))
    if unregistered:
        with store.transaction():
            for name in unregistered:
                store.drop_environment(name)
        log.warning("removed the rows of %s, left half-copied by an earlier process", ", ".join(unregistered))
    return unregistered
