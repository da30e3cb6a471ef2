"""`Tenant`: everything one environment holds, as the SOAP face and the seeding see it (plain values
in, plain values or `NmbrsError`s out). The backend (`backend.py`) makes one per call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mock_server.domain.errors import UnauthorizedData, UnknownCompany, UnknownDebtor, UnknownEmployee
from mock_server.domain.model import ApiUser, Company, Debtor, Employee, EnvironmentSpec
from mock_server.domain.periods import Period
from mock_server.domain.records import StoredRecord, by_owner
from mock_server.storage.sqlite_store import SqliteStore

Seeder = Callable[["Tenant"], None]
# Company and employee ids are unique in a mock instance, as in Nmbrs: every environment seeded gets its
# own block of ids, in the order environments are first seeded (the demo, seeded first, keeps 10000 and
# 100000). (first id of block 0, ids per block); the registry of blocks is kept under ID_REGISTRY, which
# is no environment name. A clone is a copy with the same ids (for test isolation).
ENTITY_ID_RANGES = {"company": (10_000, 10_000), "employee": (100_000, 1_000_000)}
ID_REGISTRY = "~ids"


class Tenant:
    """One environment: its entities and period-based records, scoped to what `user` may see."""

    def __init__(self, store: SqliteStore, spec: EnvironmentSpec, user: ApiUser | None = None) -> None:
        self.store = store
        self.spec = spec
        self.name = spec.name
        self.user = user
        self._created: tuple[datetime | None, str] = (None, "")  # the last `created` stamped, as text

    # -- ids and entities --------------------------------------------------------------------------
    def next_id(self, kind: str, start: int = 1) -> int:
        return self.store.next_id(self.name, kind, start)

    def entity_id(self, kind: str) -> int:
        """A new company or employee id, unique in the mock instance (see `ENTITY_ID_RANGES`)."""
        if self.store.counter(self.name, kind) is None:
            first, width = ENTITY_ID_RANGES[kind]
            return self.next_id(kind, first + width * self.claim_id_block())
        return self.next_id(kind)

    def claim_id_block(self) -> int:
        """The environment's id block: 0, 1, 2, ... in the order environments first get ids, kept by name."""
        name = f"block {self.name}"
        block = self.store.counter(ID_REGISTRY, name)
        if block is None:
            block = self.store.next_id(ID_REGISTRY, "blocks", 0)
            self.store.next_id(ID_REGISTRY, name, block)
        return block

    def save(self, entity: Debtor | Company | Employee) -> None:
        kind, parent = _kind_and_parent(entity)
        # its fields, as `asdict` gives them (they are plain values) without its deep copy
        self.store.put_entity(self.name, kind, entity.id, parent, dict(vars(entity)))

    # -- debtors, companies, employees with access checks -----------------------------------------
    def debtors(self) -> list[Debtor]:
        return [Debtor(**d) for d in self.store.entities(self.name, "debtor") if self._may_see(d["id"])]

    def debtor(self, debtor_id: int) -> Debtor:
        data = self.store.entity(self.name, "debtor", debtor_id)
        if data is None:
            raise UnknownDebtor(context=f"debtor {debtor_id}")
        if not self._may_see(debtor_id):
            raise UnauthorizedData(context=f"debtor {debtor_id}")
        return Debtor(**data)

    def companies(self, debtor_id: int | None = None) -> list[Company]:
        rows = self.store.entities(self.name, "company", debtor_id)
        return [Company(**c) for c in rows if self._may_see(c["debtor_id"])]

    def company(self, company_id: int) -> Company:
        data = self.store.entity(self.name, "company", company_id)
        if data is None:
            raise UnknownCompany(context=f"company {company_id}")
        if not self._may_see(data["debtor_id"]):
            raise UnauthorizedData(context=f"company {company_id}")
        return Company(**data)

    def employees(self, company_id: int) -> list[Employee]:
        self.company(company_id)
        return [Employee(**e) for e in self.store.entities(self.name, "employee", company_id)]

    def employee_ids(self, company_id: int) -> list[int]:
        """The ids of `employees(company_id)`, in the same order (no employee row decoded)."""
        self.company(company_id)
        return self.store.entity_ids(self.name, "employee", company_id)

    def employee(self, employee_id: int) -> Employee:
        return Employee(**self._visible_employee(employee_id)[0])

    def company_of_employee(self, employee_id: int) -> Company:
        """The company of a visible employee (what `company(employee(id).company_id)` gives, in one
        read of each)."""
        return Company(**self._visible_employee(employee_id)[1])

    def _visible_employee(self, employee_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """An employee's row and its company's, or UnknownEmployee (also for another debtor's)."""
        data = self.store.entity(self.name, "employee", employee_id)
        if data is None:
            raise UnknownEmployee(context=f"employee {employee_id}")
        company = self.store.entity(self.name, "company", data["company_id"])
        if company is None or not self._may_see(company["debtor_id"]):
            raise UnknownEmployee(context=f"employee {employee_id}")
        return data, company

    def _may_see(self, debtor_id: int) -> bool:
        return self.user is None or self.user.debtor_ids is None or debtor_id in self.user.debtor_ids

    # -- period-based records -------------------------------------------------------------------
    def records(
        self, family: str, owner_kind: str, owners: list[int] | None = None, start: int | None = None
    ) -> list[StoredRecord]:
        """A family's records (of `owners`; with `start`, only those starting in that period key)."""
        return self.store.records(self.name, family, owner_kind, owners, start)

    def now(self) -> datetime:
        """The time stamped on what a call writes (seeded data carries its own fixed date)."""
        return datetime.now().replace(microsecond=0)

    def records_by_owner(
        self, family: str, owner_kind: str, owners: list[int]
    ) -> dict[int, list[StoredRecord]]:
        return by_owner(self.records(family, owner_kind, owners))

    def add_record(
        self,
        family: str,
        owner_kind: str,
        owner: int,
        start: Period,
        data: dict[str, Any],
        variable: bool = False,
        created: datetime | None = None,
    ) -> StoredRecord:
        """Store a new record holding from `start` on (only in `start` when `variable`)."""
        record = self.new_record(family, owner_kind, owner, start, data, created)
        if variable:
            record.until = record.start
        self.store.put_record(self.name, record)
        return record

    def new_record(
        self,
        family: str,
        owner_kind: str,
        owner: int,
        start: Period,
        data: dict[str, Any],
        created: datetime | None,
    ) -> StoredRecord:
        """A record holding from `start` on, with its new id, not stored yet: for `put_record` later
        (seeding completes some records once later ids exist)."""
        if created is None or created is not self._created[0]:
            self._created = (created, (created or self.now()).replace(microsecond=0).isoformat())
        record_id = self.store.next_id(self.name, "record", 1000)  # called straight: seeding adds millions
        return StoredRecord(family, owner_kind, owner, record_id, start.key, None, self._created[1], data)

    def add_records(
        self,
        family: str,
        owner_kind: str,
        items: list[tuple[int, Period, dict[str, Any]]],
        variable: bool = False,
        created: datetime | None = None,
    ) -> list[StoredRecord]:
        """Store many new records at once, as `add_record` would one by one: (owner, start, data) each."""
        if not items:
            return []
        moment = (created or self.now()).replace(microsecond=0).isoformat()
        first = self.store.reserve_ids(self.name, "record", len(items), 1000)
        records = [
            StoredRecord(
                family, owner_kind, owner, first + n, start.key, start.key if variable else None, moment, data
            )
            for n, (owner, start, data) in enumerate(items)
        ]
        self.store.put_records(self.name, records)
        return records

    def put_record(self, record: StoredRecord) -> None:
        self.store.put_record(self.name, record)

    def delete_record(self, record_id: int) -> None:
        self.store.delete_record(self.name, record_id)


def _kind_and_parent(entity: Debtor | Company | Employee) -> tuple[str, int | None]:
    if isinstance(entity, Company):
        return "company", entity.debtor_id
    if isinstance(entity, Employee):
        return "employee", entity.company_id
    return "debtor", None


def seed_into(store: SqliteStore, spec: EnvironmentSpec, seeder: Seeder) -> None:
    """Run a seeder on the environment in `store` (inside its transaction), its writes held in bulk."""
    with store.bulk():
        seeder(Tenant(store, spec))
