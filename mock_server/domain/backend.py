"""The backend: environments over one store, authentication, and a per-tenant facade.

Like moto's backends, the SOAP face calls this layer with plain values and gets plain values or
`NmbrsError`s back. `Tenant` is everything one environment holds.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import localcontext
from typing import Any

from mock_server import __version__
from mock_server.domain.decimal_context import FIGURES
from mock_server.domain.errors import (
    InvalidAuthentication,
    UnauthorizedData,
    UnknownCompany,
    UnknownDebtor,
    UnknownEmployee,
)
from mock_server.domain.model import ApiUser, Company, Debtor, Employee, EnvironmentSpec
from mock_server.domain.periods import Period
from mock_server.domain.records import StoredRecord, by_owner
from mock_server.storage.seed_cache import SeedCache
from mock_server.storage.sqlite_store import SqliteStore

Seeder = Callable[["Tenant"], None]
# Part of every environment's fingerprint: a state file seeded by another mock version (or another
# storage format) is seeded anew instead of being read with different expectations.
# 2: payroll ledger, previous year, leave; 3: undo log; 4: rows written by orjson (UTF-8, not \u-escaped)
STORE_FORMAT = f"nmbrs-mock {__version__}/store 4"
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


class Backend:
    """All environments of one mock process."""

    def __init__(self, store: SqliteStore | None = None) -> None:
        self.store = store or SqliteStore()
        self.specs: dict[str, EnvironmentSpec] = {}  # the environments served in this run
        self.seeders: dict[str, Seeder] = {}
        self.seed_cache: SeedCache | None = None  # seeded environments kept between processes
        self.sources: dict[str, str] = {}  # environment -> "seeded", "seed cache", "kept" (--state) or "copy"
        self.cache_written: set[str] = set()  # environments seeded and then written to the seed cache
        self._stored = self.store.environments()  # what a --state file already holds
        self._logins: dict[str, list[tuple[EnvironmentSpec, ApiUser]]] = {}  # lower-case username -> logins

    def add_environment(
        self,
        spec: EnvironmentSpec,
        seeder: Seeder,
        replace: bool = False,
        fingerprint: str = "",
        cacheable: bool = False,
    ) -> Tenant:
        """Serve an environment. It is seeded unless the store already holds it with the same
        `fingerprint` (what it was seeded from, and by which version); `replace` always re-seeds it.
        A `cacheable` one (seeded from its fingerprint alone) is copied from the seed cache when it
        holds it, and put there when it does not. If seeding fails nothing of it remains."""
        fingerprint = f"{STORE_FORMAT}|{fingerprint}"
        stored = self._stored.get(spec.name)
        keep = stored is not None and stored.get("fingerprint", "") == fingerprint and not replace
        data = {**spec.to_dict(), "fingerprint": fingerprint}
        cache = self.seed_cache if cacheable and not keep else None
        block = self._id_block_of(spec.name)  # what seeding will claim (the rows hold its ids)

        def seed() -> None:
            with self.store.bulk():
                seeder(Tenant(self.store, spec))

        def copy_in(rows: Callable[[], None]) -> None:
            def claim_and_copy() -> None:
                Tenant(self.store, spec).claim_id_block()  # as seeding would (the rows hold its ids)
                rows()

            self._fill(spec, data, keep, claim_and_copy)

        cached = cache.file_for(fingerprint, block) if cache is not None else None
        if cache is not None and cached is not None and cache.load(self.store, spec.name, cached, copy_in):
            self.sources[spec.name] = "seed cache"
        else:
            self._fill(spec, data, keep, seed)
            self.sources[spec.name] = "kept" if keep else "seeded"
            claimed = self._id_block_of(spec.name)  # the block its file is named by, as peeked
            if (
                cache
                and cached
                and claimed == block
                and cache.save(self.store, spec.name, cached, fingerprint, block)
            ):
                self.cache_written.add(spec.name)
        self._serve(spec, data, seeder)
        return Tenant(self.store, spec)

    def _fill(
        self, spec: EnvironmentSpec, data: dict[str, Any], keep: bool, fill: Callable[[], None]
    ) -> None:
        """In one transaction: the environment registered and, unless kept, emptied, filled, snapshotted."""
        with self.store.transaction():
            if not keep:
                self.store.drop_environment(spec.name)
            self.store.put_environment(spec.name, data)
            if not keep:
                fill()
                self.store.snapshot(spec.name)

    def _id_block_of(self, name: str) -> int:
        """The id block an environment has, or would get if seeded now (`Tenant.claim_id_block`)."""
        block = self.store.counter(ID_REGISTRY, f"block {name}")
        if block is None:
            last = self.store.counter(ID_REGISTRY, "blocks")
            block = 0 if last is None else last + 1
        return block

    def clone_environment(self, source: str, spec: EnvironmentSpec) -> Tenant:
        """A new environment with `source`'s seeded data and `spec`'s logins, in milliseconds."""
        self._known(source)
        if spec.name == source:
            raise ValueError(f"cannot clone environment {source!r} onto itself")
        data = {**spec.to_dict(), "fingerprint": self._stored[source].get("fingerprint", "")}
        with self.store.transaction():
            self.store.drop_environment(spec.name)
            self.store.put_environment(spec.name, data)
            self.store.copy_environment(source, spec.name)
        self.sources[spec.name] = f"copy of {source}"
        self._serve(spec, data, self.seeders[source])
        return Tenant(self.store, spec)

    def reset(self, name: str) -> None:
        """Put one environment back as it was seeded (a copy of its snapshot); the others are untouched."""
        self._known(name)
        with self.transaction():
            if self.store.restore(name):
                return
        fingerprint = self._stored[name].get("fingerprint", "").partition("|")[2]
        self.add_environment(self.specs[name], self.seeders[name], replace=True, fingerprint=fingerprint)

    def delete(self, name: str) -> None:
        """Stop serving an environment and drop everything it holds (its logins stop working)."""
        self._known(name)
        with self.store.transaction():
            self.store.drop_environment(name)
        for logins in self._logins.values():
            logins[:] = [(s, u) for s, u in logins if s.name != name]
        self.specs.pop(name)
        self.seeders.pop(name)
        self.sources.pop(name, None)
        self._stored.pop(name, None)

    def fingerprint(self, name: str) -> str:
        """What an environment was seeded from (and by which version); equal ones hold equal seeds."""
        return str(self._stored.get(name, {}).get("fingerprint", ""))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: what the pipeline wraps every call in; figures are computed in `FIGURES`."""
        with self.store.transaction(), localcontext(FIGURES):
            yield

    def add_user(self, environment: str, user: ApiUser) -> None:
        """Add (or replace, by username) a login of an environment."""
        spec = self._known(environment)
        spec.users = [u for u in spec.users if u.username.lower() != user.username.lower()] + [user]
        data = {**spec.to_dict(), "fingerprint": self._stored[environment].get("fingerprint", "")}
        with self.store.transaction():
            self.store.put_environment(spec.name, data)
        self._serve(spec, data, self.seeders[environment])

    def tenant(self, name: str, user: ApiUser | None = None) -> Tenant:
        return Tenant(self.store, self._known(name), user)

    def authenticate(self, username: str | None, token: str | None, domain: str | None) -> Tenant:
        """The tenant a header's credentials open, or 1001. `domain` is the sub-domain (optional)."""
        if not username or not token:
            raise InvalidAuthentication(context="no credentials")
        wanted_domain = domain.strip().lower() if domain else None
        sent = token.strip().encode()
        found = None
        for spec, user in self._logins.get(username.strip().lower(), []):
            # constant time in the token; every login of the username is compared (no early exit)
            matches = hmac.compare_digest(user.token.encode(), sent)
            if matches and found is None and wanted_domain in (None, spec.name.lower()):
                found = Tenant(self.store, spec, user)
        if found is not None:
            return found
        raise InvalidAuthentication(context=f"user {username!r} domain {domain!r}")

    def _serve(self, spec: EnvironmentSpec, data: dict[str, Any], seeder: Seeder) -> None:
        self._stored[spec.name] = data
        self.specs[spec.name] = spec
        self.seeders[spec.name] = seeder
        for logins in self._logins.values():
            logins[:] = [(s, u) for s, u in logins if s.name != spec.name]
        for user in spec.users:
            self._logins.setdefault(user.username.lower(), []).append((spec, user))

    def _known(self, name: str) -> EnvironmentSpec:
        if name not in self.specs:
            raise KeyError(f"unknown environment {name!r}; served: {', '.join(sorted(self.specs))}")
        return self.specs[name]
