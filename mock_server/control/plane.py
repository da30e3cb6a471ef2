"""The control plane: everything a test or pipeline may do to a running mock, in process.

Every admin endpoint is a thin JSON layer over one method here, and the pytest plugin calls the same
methods. Problems raise `Invalid` (400), `NotFound` (404) or `Conflict` (409); a call that raises
changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from difflib import get_close_matches
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from mock_server import __version__
from mock_server.control import params, snapshot
from mock_server.control.errors import Conflict, Invalid, NotFound
from mock_server.control.fault_injection import FaultRule, rule_from_json
from mock_server.control.journal import JournalEntry, JournalQuery
from mock_server.control.summaries import company_summary, period_json, run_json
from mock_server.control.verify import VerifyResult, verify
from mock_server.domain.demo import EnvironmentSetup, EnvironmentShape
from mock_server.domain.errors import NmbrsError
from mock_server.domain.model import ApiUser, Company, EnvironmentSpec
from mock_server.domain.payroll import advance, process_run
from mock_server.domain.permissions import resolve_template
from mock_server.domain.seeding_apart import APART_EMPLOYEES
from mock_server.domain.tenant import Tenant
from mock_server.domain.throttle import ThrottleSettings
from mock_server.scenario import ScenarioError, parse_scenario
from mock_server.storage.environment_rows import export_rows, import_rows

if TYPE_CHECKING:
    from mock_server.app import MockApp


@dataclass(frozen=True)
class Credentials:
    name: str  # the environment, also the <Domain> clients send
    username: str
    token: str
    domain: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class ControlPlane:
    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.backend = app.backend
        self.pipeline = app.pipeline

    # -- environments ------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "environments": len(self.backend.specs)}

    def environments(self, names: list[str] | None = None) -> list[dict[str, Any]]:
        """Summaries of all environments, or of `names` (a page of them) in that order."""
        return [self._summary(name) for name in (sorted(self.backend.specs) if names is None else names)]

    def create_environment(
        self,
        name: str | None = None,
        employees: int | None = None,
        period_types: list[str] | tuple[str, ...] | None = None,
        debtors: int | None = None,
        seed: int | None = None,
        username: str | None = None,
        token: str | None = None,
        template: str = "full",
    ) -> Credentials:
        """A new environment seeded from parameters (the demo's defaults for what is not given)."""
        default = EnvironmentShape()
        kinds = params.period_types(period_types) if period_types is not None else default.period_types
        shape = EnvironmentShape(
            employees=default.employees if employees is None else params.employees(employees),
            period_types=kinds,
            debtors=min(default.debtors, len(kinds))
            if debtors is None
            else params.integer(debtors, "debtors", 1, len(kinds)),
            seed=default.seed if seed is None else params.seed(seed),
        )
        name = self._free_name(name)
        user = ApiUser(
            params.text(username, "username") if username is not None else f"api@{name}.test",
            params.text(token, "token") if token is not None else params.new_token(),
            self._template(template, {}),
        )
        self._create(EnvironmentSetup(EnvironmentSpec(name, [user], seed=shape.seed), shape))
        return self._credentials(name, user)

    def create_from_scenario(self, text: str, name: str | None = None) -> list[Credentials]:
        """The environments of a scenario document (TOML); a problem is `Invalid` with `<scenario>:line`."""
        if not isinstance(text, str):
            raise Invalid("'scenario' must be the TOML text of a scenario document")
        try:
            setups = parse_scenario(text, "<scenario>")
        except ScenarioError as error:
            raise Invalid(str(error)) from None
        if name is not None:
            if len(setups) != 1:
                raise Invalid(
                    "'name' renames a scenario's environment, so the scenario must hold exactly one"
                )
            setups = [replace(setups[0], spec=replace(setups[0].spec, name=params.environment_name(name)))]
        for setup in setups:
            self._free_name(setup.spec.name)
        for setup in setups:
            self._create(setup)
        return [self._credentials(s.spec.name, s.spec.users[0]) for s in setups]

    def clone_environment(self, source: str, name: str | None = None) -> Credentials:
        """A new environment holding what `source` was seeded with, with a login of its own."""
        spec = self.spec(source)
        name = self._free_name(name)
        user = ApiUser(f"api@{name}.test", params.new_token())
        self.backend.clone_environment(source, EnvironmentSpec(name, [user], dict(spec.templates), spec.seed))
        return self._credentials(name, user)

    def describe(self, name: str) -> dict[str, Any]:
        tenant = self._tenant(name)
        companies = [company_summary(tenant, company) for company in tenant.companies()]
        debtors = [{"id": d.id, "number": d.number, "name": d.name} for d in tenant.debtors()]
        return {**self._summary(name), "debtors": debtors, "companies": companies}

    def employees(self, name: str, company_id: int) -> list[dict[str, Any]]:
        tenant = self._tenant(name)
        return [
            {"id": e.id, "number": e.number, "name": e.display_name}
            for e in tenant.employees(self._company_of(tenant, company_id).id)
        ]

    def reset(self, name: str) -> None:
        """Back to the seeded state; its journal, fault rules and throttle budget are forgotten."""
        self.spec(name)
        self.app.reset(name)

    def delete(self, name: str) -> None:
        self.spec(name)
        self.backend.delete(name)
        self._forget(name)

    # -- snapshots ---------------------------------------------------------------------------------
    def snapshot(self, name: str) -> bytes:
        spec = self.spec(name)
        return snapshot.Snapshot(name, spec.to_dict(), export_rows(self.backend.store, name)).encode()

    def snapshot_to_file(self, name: str, path: str) -> int:
        return snapshot.write_private(params.text(path, "path"), self.snapshot(name))

    def restore(self, name: str, data: bytes) -> bool:
        """Put a snapshot's rows into environment `name`; True when that created the environment
        (it then has the snapshot's logins, and a reset goes back to the restored state)."""
        snap = snapshot.decode(data)
        if name in self.backend.specs:
            try:
                with self.backend.transaction():
                    import_rows(self.backend.store, name, snap.tables)
            except Exception as error:
                raise Invalid(f"a damaged snapshot: {error}") from None
            return False
        params.environment_name(name)
        try:
            spec = replace(EnvironmentSpec.from_dict(snap.spec), name=name)
        except (KeyError, TypeError) as error:
            raise Invalid(f"a damaged snapshot: its spec is not valid ({error})") from None

        def seeder(tenant: Tenant) -> None:
            import_rows(tenant.store, name, snap.tables)

        try:
            self.backend.add_environment(spec, seeder, replace=True, fingerprint=f"restored {snap.digest}")
        except Exception as error:
            raise Invalid(f"a damaged snapshot: {error}") from None
        return True

    # -- users, periods and runs -------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        username: str,
        token: str | None = None,
        template: str = "full",
        debtor_ids: list[int] | None = None,
    ) -> Credentials:
        spec = self.spec(name)
        username = params.text(username, "username")
        if any(u.username.lower() == username.lower() for u in spec.users):
            raise Conflict(f"environment {name!r} already has a user {username!r}")
        if debtor_ids is not None:
            known = {d.id for d in self._tenant(name).debtors()}
            if not isinstance(debtor_ids, list) or not debtor_ids or not set(debtor_ids) <= known:
                raise Invalid(
                    f"'debtor_ids' must be a non-empty list of this environment's debtors {sorted(known)}"
                )
        user = ApiUser(
            username,
            params.text(token, "token") if token is not None else params.new_token(),
            self._template(template, spec.templates),
            sorted(set(debtor_ids)) if debtor_ids is not None else None,
        )
        self.backend.add_user(name, user)
        return self._credentials(name, user)

    def close_period(self, name: str, company_id: int) -> dict[str, Any]:
        """Close the company's current period without a run: writes into it then need UnprotectedMode."""
        tenant = self._tenant(name)
        company = self._company_of(tenant, company_id)
        closed = company.current
        with self.backend.transaction():
            advance(tenant, company)
        return {"closed": period_json(closed), "current": period_json(company.current)}

    def process_run(self, name: str, company_id: int, description: str | None = None) -> dict[str, Any]:
        """Run payroll for the company's current period (as `RunRequest_Insert` asks), which closes it."""
        tenant = self._tenant(name)
        company = self._company_of(tenant, company_id)
        period = company.current
        if description is not None:
            params.text(description, "description")
        with self.backend.transaction():
            run_id = process_run(tenant, company, tenant.now())
            run = next(r for r in tenant.records("Run", "company", [company.id]) if r.id == run_id)
            if description is not None:
                run.data = {**run.data, "Description": description}
                tenant.put_record(run)
        payslips = [r for r in tenant.records("Payslip", "employee") if r.data.get("RunId") == run_id]
        return {
            **run_json(run),
            "period": period_json(period),
            "payslips": len(payslips),
            "current": period_json(company.current),
        }

    # -- throttle ----------------------------------------------------------------------------------
    def throttle(self) -> dict[str, Any]:
        return asdict(self.pipeline.throttle.settings)

    def set_throttle(self, **changes: Any) -> dict[str, Any]:
        current = self.throttle()
        unknown = sorted(set(changes) - set(current))
        if unknown:
            raise Invalid(f"unknown throttle field(s): {', '.join(unknown)}; known: {', '.join(current)}")
        if "enabled" in changes:
            params.boolean(changes["enabled"], "enabled")
        for key in ("rate_per_second", "delay_seconds"):
            if key in changes:
                changes[key] = params.number(changes[key], key, 0.0)
        try:
            settings = ThrottleSettings(**{**current, **changes})
        except (ValueError, TypeError) as error:
            raise Invalid(str(error)) from None
        self.pipeline.throttle.settings = settings
        self.pipeline.throttle.reset()
        return self.throttle()

    # -- journal -----------------------------------------------------------------------------------
    def requests(self, query: JournalQuery | None = None) -> tuple[list[JournalEntry], int]:
        """Journal entries matching `query`, newest first, and how many matched in all."""
        return self.pipeline.journal.query(query or JournalQuery())

    def request(self, entry_id: int) -> JournalEntry:
        entry = self.pipeline.journal.get(entry_id)
        if entry is None:
            raise NotFound(f"no journal entry {entry_id} (it may have been dropped: the journal is bounded)")
        return entry

    def clear_requests(self, environment: str | None = None) -> None:
        self.pipeline.journal.clear(environment)

    def verify(
        self,
        operation: str,
        environment: str | None = None,
        where: dict[str, Any] | None = None,
        count: int | None = None,
        at_least: int | None = None,
        at_most: int | None = None,
    ) -> VerifyResult:
        entries = self.pipeline.journal.entries(environment)
        return verify(entries, operation, where or {}, count=count, at_least=at_least, at_most=at_most)

    # -- faults ------------------------------------------------------------------------------------
    def add_fault(self, rule: FaultRule | dict[str, Any]) -> FaultRule:
        if isinstance(rule, dict):
            try:
                rule = rule_from_json(rule, self.pipeline.faults.clock())
            except ValueError as error:
                raise Invalid(str(error)) from None
        self._check_rule(rule)
        self.pipeline.faults.add(rule)
        return rule

    def faults(self, environment: str | None = None) -> list[FaultRule]:
        return self.pipeline.faults.rules(environment)

    def delete_fault(self, rule_id: int) -> None:
        if not self.pipeline.faults.delete(rule_id):
            raise NotFound(f"no fault rule {rule_id} (it may have fired its last time or expired)")

    def clear_faults(self, environment: str | None = None) -> int:
        return self.pipeline.faults.clear(environment)

    # -- helpers -----------------------------------------------------------------------------------
    def _check_rule(self, rule: FaultRule) -> None:
        if not _is_glob(rule.environment) and rule.environment not in self.backend.specs:
            self.spec(rule.environment)
        operations = [
            f"{s}.{o}" for s, runtime in self.pipeline.services.items() for o in runtime.contract.operations
        ]
        names = operations if "." in rule.operation else [o.split(".", 1)[1] for o in operations]
        if not any(fnmatchcase(o, rule.operation) for o in names):
            close = get_close_matches(rule.operation, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise Invalid(f"operation pattern {rule.operation!r} matches no served operation{hint}")

    def _create(self, setup: EnvironmentSetup) -> None:
        fingerprint = repr(setup.shape)
        twin = next(
            (n for n in self.backend.specs if self.backend.fingerprint(n).endswith(f"|{fingerprint}")), None
        )
        if twin is not None:  # same shape and seed: copy its seeded rows (milliseconds, same data)
            self.backend.clone_environment(twin, setup.spec)
        else:
            self.app.add_environment(setup, replace=True, apart=setup.shape.employees >= APART_EMPLOYEES)

    def _free_name(self, name: str | None) -> str:
        if name is None:
            return params.unique_name(set(self.backend.specs) | self.backend.pending)
        params.environment_name(name)
        if name in self.backend.specs:
            raise Conflict(f"environment {name!r} exists; delete it first or choose another name")
        if name in self.backend.pending:
            raise Conflict(f"environment {name!r} is being seeded; wait for it or choose another name")
        return name

    def _template(self, template: str, user_defined: dict[str, list[str]]) -> str:
        try:
            resolve_template(params.text(template, "template"), user_defined)
        except KeyError as error:
            raise Invalid(str(error.args[0])) from None
        return template

    def spec(self, name: str) -> EnvironmentSpec:
        spec = self.backend.specs.get(name)
        if spec is None:
            raise NotFound(f"unknown environment {name!r}; served: {', '.join(sorted(self.backend.specs))}")
        return spec

    def _tenant(self, name: str) -> Tenant:
        self.spec(name)
        return self.backend.tenant(name)

    def _company_of(self, tenant: Tenant, company_id: int) -> Company:
        try:
            return tenant.company(company_id)
        except NmbrsError:
            raise NotFound(f"environment {tenant.name!r} has no company {company_id}") from None

    def _summary(self, name: str) -> dict[str, Any]:
        spec = self.spec(name)
        store = self.backend.store
        companies = store.count(name, "company")
        return {
            "name": name,
            "users": [u.username for u in spec.users],
            "companies": companies,
            "employees": store.count(name, "employee"),
            "seeded": self.backend.sources.get(name, "seeded"),  # or "seed cache", "kept", "copy of <name>"
        }

    def _credentials(self, name: str, user: ApiUser) -> Credentials:
        return Credentials(name, user.username, user.token, name)

    def _forget(self, name: str) -> None:
        self.pipeline.journal.clear(name)
        self.pipeline.faults.clear(name)
        self.pipeline.throttle.reset_environment(name)


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")
