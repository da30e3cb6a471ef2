"""The backend: environments over one store, authentication, and a per-tenant facade (`Tenant`).

Like moto's backends, the SOAP face calls this layer with plain values and gets plain values or
`NmbrsError`s back. `Tenant` (`tenant.py`) is everything one environment holds.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import localcontext
from typing import Any

from mock_server import __version__
from mock_server.domain.decimal_context import FIGURES
from mock_server.domain.errors import (
    InvalidAuthentication,
)
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.seeding_apart import (
    RunApart,
    RunPart,
    RunParts,
    parts_on_threads,
    run_here,
    seed_apart,
)
from mock_server.domain.tenant import ID_REGISTRY, Seeder, Tenant, seed_into
from mock_server.storage.leftovers import drop_unregistered
from mock_server.storage.seed_cache import FillWith, Pause, SeedCache
from mock_server.storage.sqlite_store import SqliteStore

# Part of every environment's fingerprint: a state file seeded by another mock version (or another
# storage format) is seeded anew instead of being read with different expectations.
# 2: payroll ledger, previous year, leave; 3: undo log; 4: rows written by orjson (UTF-8, not \u-escaped)
STORE_FORMAT = f"nmbrs-mock {__version__}/store 4"


class Backend:
    """All environments of one mock process."""

    def __init__(self, store: SqliteStore | None = None) -> None:
        self.store = store or SqliteStore()
        self.specs: dict[str, EnvironmentSpec] = {}  # the environments served in this run
        self.seeders: dict[str, Seeder] = {}
        self.seed_cache: SeedCache | None = None  # seeded environments kept between processes
        self.sources: dict[str, str] = {}  # environment -> "seeded", "seed cache", "kept" (--state) or "copy"
        self.cache_written: set[str] = set()  # environments seeded and then written to the seed cache
        self.run_apart: RunApart = run_here  # where environments seeded apart are seeded
        self.run_part: RunPart | None = None  # where the parts of a seeding in parallel run; None: no parts
        # runs the parts the mock copies in as they end (no seed cache); None: `run_part` on threads
        self.run_parts: RunParts | None = None
        self.pending: set[str] = set()  # environments being seeded or copied in (not served yet)
        # lets other calls be served between the steps of copying a large environment in (MockApp
        # sets it once it serves); None: copied in one transaction
        self.pause: Pause | None = None
        # whether clients other than the one asking are connected (the HTTP server tells): when none
        # is, a large copy goes in one transaction (twice as fast), since nobody waits for it
        self.others_connected: Callable[[], bool] = lambda: True
        drop_unregistered(self.store, kept=[ID_REGISTRY])  # what a copy in steps left half-done
        self._stored = self.store.environments()  # what a --state file already holds
        self._logins: dict[str, list[tuple[EnvironmentSpec, ApiUser]]] = {}  # lower-case username -> logins

    def add_environment(
        self,
        spec: EnvironmentSpec,
        seeder: Seeder,
        replace: bool = False,
        fingerprint: str = "",
        cacheable: bool = False,
        apart: bool = False,
    ) -> Tenant:
        """Serve an environment. It is seeded unless the store already holds it with the same
        `fingerprint` (what it was seeded from, and by which version); `replace` always re-seeds it.
        A `cacheable` one (seeded from its fingerprint alone) is copied from the seed cache when it
        holds it, and put there when it does not; seeded `apart`, other calls are served meanwhile
        (`seeding_apart`). If seeding fails nothing of it remains."""
        fingerprint = f"{STORE_FORMAT}|{fingerprint}"
        stored = self._stored.get(spec.name)
        keep = stored is not None and stored.get("fingerprint", "") == fingerprint and not replace
        data = {**spec.to_dict(), "fingerprint": fingerprint}
        self.pending.add(spec.name)  # not served, nor to be made again, until it is complete
        try:
            self.sources[spec.name] = self._store_rows(
                spec, seeder, fingerprint, data, keep, cacheable, apart
            )
        finally:
            self.pending.discard(spec.name)
        self._serve(spec, data, seeder)
        return Tenant(self.store, spec)

    def _store_rows(
        self,
        spec: EnvironmentSpec,
        seeder: Seeder,
        fingerprint: str,
        data: dict[str, Any],
        keep: bool,
        cacheable: bool,
        apart: bool,
    ) -> str:
        """The environment's rows stored (see `add_environment`); where they came from."""
        cache = self.seed_cache if cacheable and not keep else None
        block = self._id_block_of(spec.name)  # what seeding will claim (the rows hold its ids)
        cached = cache.file_for(fingerprint, block) if cache is not None else None

        def copy_in(rows: Callable[[], None], copied: bool) -> None:
            def claim_and_copy() -> None:
                Tenant(self.store, spec).claim_id_block()  # as seeding would (the rows hold its ids)
                rows()

            self._fill(spec, data, keep, claim_and_copy, drop=not copied)

        if cache and cached and cache.load(self.store, spec.name, cached, copy_in, self._copy_pause()):
            return "seed cache"
        if apart and not keep and self._seeded_apart(spec, seeder, fingerprint, cache, copy_in):
            return "seeded"
        self._fill(spec, data, keep, lambda: seed_into(self.store, spec, seeder))
        claimed = self._id_block_of(spec.name)  # the block its file is named by, as peeked
        if (
            cache
            and cached
            and claimed == block
            and cache.save(self.store, spec.name, cached, fingerprint, block)
        ):
            self.cache_written.add(spec.name)
        return "kept" if keep else "seeded"

    def in_seed_cache(self, name: str, fingerprint: str) -> bool:
        """Whether the seed cache holds a file for the environment (`add_environment`'s `fingerprint`):
        a cacheable environment is then copied from it, unless the file turns out broken."""
        if self.seed_cache is None:
            return False
        return self.seed_cache.file_for(f"{STORE_FORMAT}|{fingerprint}", self._id_block_of(name)).is_file()

    def _seeded_apart(
        self,
        spec: EnvironmentSpec,
        seeder: Seeder,
        fingerprint: str,
        cache: SeedCache | None,
        copy_in: FillWith,
    ) -> bool:
        """Seeded in a store of its own elsewhere (`run_apart`), then copied in. False, with
        nothing of it stored (its id block stays claimed), when its file cannot be written or read."""
        with self.store.transaction():  # claimed first: an environment seeded meanwhile gets the next
            block = Tenant(self.store, spec).claim_id_block()
        stored = seed_apart(
            spec,
            seeder,
            block,
            fingerprint,
            cache,
            self.run_apart,
            self.store,
            copy_in,
            self._copy_pause,
            self.run_part,
            self.run_parts or (parts_on_threads(self.run_part) if self.run_part else None),
        )
        if stored and cache is not None:
            self.cache_written.add(spec.name)
        return stored

    def _copy_pause(self) -> Pause | None:
        """How a large copy starting now lets other calls in: between steps (`pause`), or not at
        all when nobody else is connected."""
        return self.pause if self.pause is not None and self.others_connected() else None

    def _fill(
        self,
        spec: EnvironmentSpec,
        data: dict[str, Any],
        keep: bool,
        fill: Callable[[], None],
        drop: bool = True,
    ) -> None:
        """In one transaction: the environment registered and, unless kept, emptied (unless not to
        `drop`: its rows were copied in steps before), filled and snapshotted."""
        with self.store.transaction():
            if not keep and drop:
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
