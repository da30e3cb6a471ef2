"""Period-based records: what employees, companies and debtors hold per period, in Nmbrs's field names.

`start` and `until` are period keys (`Period.key`, `year * 100 + number`); `until` is inclusive and None
for a record that holds until changed. Variable records have `until == start`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mock_server.domain.periods import Period


class StoredRecord:
    __slots__ = ("created", "data", "family", "id", "owner", "owner_kind", "start", "until")

    def __init__(
        self,
        family: str,
        owner_kind: str,
        owner: int,
        record_id: int,
        start: int,
        until: int | None,
        created: str,
        data: dict[str, Any],
    ) -> None:
        self.family = family
        self.owner_kind = owner_kind
        self.owner = owner
        self.id = record_id
        self.start = start
        self.until = until
        self.created = created
        self.data = data

    @property
    def period(self) -> Period:
        return Period.from_key(self.start)

    @property
    def year(self) -> int:
        return self.start // 100

    def holds_in(self, key: int) -> bool:
        return self.start <= key and (self.until is None or self.until >= key)


def valid_at(records: Iterable[StoredRecord], key: int) -> list[StoredRecord]:
    """The records that hold in the period `key`, oldest first."""
    return [r for r in records if r.holds_in(key)]


def latest_at(records: Iterable[StoredRecord], key: int) -> StoredRecord | None:
    """The newest record that holds in the period `key` (what a `_Get` of one object answers)."""
    valid = valid_at(records, key)
    return valid[-1] if valid else None


def of_year(records: Iterable[StoredRecord], year: int) -> list[StoredRecord]:
    return [r for r in records if r.year == year]


def by_owner(records: Iterable[StoredRecord]) -> dict[int, list[StoredRecord]]:
    grouped: dict[int, list[StoredRecord]] = {}
    for record in records:
        grouped.setdefault(record.owner, []).append(record)
    return grouped
