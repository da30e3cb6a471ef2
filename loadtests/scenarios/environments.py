"""Fresh, sized environments for a load run, made through the mock's admin API.

Before the users start, the master (or the single process of a local run) makes every environment
the run uses fresh: created when missing, reset to its seeded state when it exists with the same
size (milliseconds), re-created when its size differs. Workers never touch the admin API; they
derive the same logins from the same options, which the master forwards to them.

Two sources, chosen by options (each also from an environment variable, for docker-compose):

- parameters: `--nmbrs-employees N` (default 200; hundreds to 50,000), `--nmbrs-companies M,W4,M,W1`,
  `--nmbrs-seed S`, `--nmbrs-environments K` (default 1): K environments `<prefix>-1..K`, each with
  the login `load.s<seed>.<companies>@<name>.test` / `<name>-token`, made by `POST /__admin/environments`;
- a scenario file: `--nmbrs-scenario FILE` (the TOML of `nmbrs-mock serve --scenario`): its
  environments, each used through its first login.

Users are dealt over the environments round robin.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner
from nmbrs_client import NmbrsCredentials

from mock_server.control.errors import Invalid
from mock_server.control.params import environment_name
from mock_server.scenario import parse_scenario

log = logging.getLogger("loadtests")
ADMIN_TIMEOUT = 1800.0  # seconds: seeding 50,000 employees takes a while


@dataclass(frozen=True)
class EnvironmentPlan:
    name: str
    login: NmbrsCredentials
    employees: int
    companies: int
    body: dict[str, Any]  # the POST /__admin/environments body that creates it

    def matches(self, existing: dict[str, Any] | None) -> bool:
        """Whether an existing environment (as GET /__admin/environments lists it) is this one."""
        return (
            existing is not None
            and (existing["employees"], existing["companies"]) == (self.employees, self.companies)
            and self.login.username in existing["users"]
        )


@events.init_command_line_parser.add_listener
def add_arguments(parser: Any) -> None:
    group = parser.add_argument_group("nmbrs-mock environments")
    group.add_argument("--nmbrs-employees", type=int, default=200, env_var="NMBRS_LOAD_EMPLOYEES",
                       help="employees per environment (default 200)")  # fmt: skip
    group.add_argument("--nmbrs-companies", default="M,W4,M,W1", env_var="NMBRS_LOAD_COMPANIES",
                       help="period type per company, comma-separated (default M,W4,M,W1)")  # fmt: skip
    group.add_argument("--nmbrs-seed", type=int, default=1, env_var="NMBRS_LOAD_SEED",
                       help="data seed (default 1): the same seed and size give the same data")  # fmt: skip
    group.add_argument("--nmbrs-environments", type=int, default=1, env_var="NMBRS_LOAD_ENVIRONMENTS",
                       help="environments to spread the users over (default 1)")  # fmt: skip
    group.add_argument("--nmbrs-prefix", default="load", env_var="NMBRS_LOAD_PREFIX",
                       help="environment names: <prefix>-1..K (default load)")  # fmt: skip
    group.add_argument("--nmbrs-scenario", default="", env_var="NMBRS_LOAD_SCENARIO",
                       help="a scenario TOML to take the environments from instead")  # fmt: skip
    group.add_argument("--nmbrs-admin-token", default="", env_var="NMBRS_MOCK_ADMIN_TOKEN",
                       help="the mock's --admin-token (needed on a non-loopback address)")  # fmt: skip
    group.add_argument("--nmbrs-batch-size", type=int, default=100, env_var="NMBRS_LOAD_BATCH_SIZE",
                       help="lines per *_Batch call (default 100)")  # fmt: skip
    group.add_argument("--nmbrs-export-employees", type=int, default=200,
                       env_var="NMBRS_LOAD_EXPORT_EMPLOYEES",
                       help="employees one export covers (default 200; 0: the whole company)")  # fmt: skip


def plans(options: Any) -> list[EnvironmentPlan]:
    """The environments the options describe, in the order users are dealt over them."""
    if options.nmbrs_scenario:
        return list(_scenario_plans(options.nmbrs_scenario))
    count = options.nmbrs_environments
    if count < 1 or options.nmbrs_employees < 0:
        raise ValueError("--nmbrs-environments must be at least 1 and --nmbrs-employees not negative")
    try:  # the mock's own rule for environment names, before anything is asked of the mock
        environment_name(f"{options.nmbrs_prefix}-{count}")
    except Invalid as error:
        raise ValueError(f"--nmbrs-prefix {options.nmbrs_prefix!r}: {error}") from None
    companies = [kind.strip() for kind in options.nmbrs_companies.split(",") if kind.strip()]
    found = []
    for number in range(1, count + 1):
        name = f"{options.nmbrs_prefix}-{number}"
        # the seed and the companies are in the username: an environment seeded otherwise is re-created
        shape = "-".join(companies).lower()
        login = NmbrsCredentials(f"load.s{options.nmbrs_seed}.{shape}@{name}.test", f"{name}-token", name)
        body = {"name": name, "employees": options.nmbrs_employees, "period_types": companies,
                "seed": options.nmbrs_seed, "username": login.username, "token": login.token}  # fmt: skip
        found.append(EnvironmentPlan(name, login, options.nmbrs_employees, len(companies), body))
    return found


@functools.cache
def _scenario_plans(path: str) -> tuple[EnvironmentPlan, ...]:
    """The scenario file's environments (read once per process: every user asks)."""
    text = Path(path).read_text(encoding="utf-8")
    found = []
    for setup in parse_scenario(text, str(path)):
        user, name = setup.spec.users[0], setup.spec.name
        login = NmbrsCredentials(user.username, user.token, name)
        shape = setup.shape
        found.append(
            EnvironmentPlan(name, login, shape.employees, len(shape.period_types), {"scenario": text})
        )
    return tuple(found)


class Admin:
    """The mock's admin API at `<host>/__admin`."""

    def __init__(self, host: str, token: str = "") -> None:
        self.base = f"{host.rstrip('/')}/__admin"
        self.session = requests.Session()
        self.session.trust_env = False
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        reply = self.session.request(method, f"{self.base}{path}", timeout=ADMIN_TIMEOUT, **kwargs)
        if reply.status_code not in expect:
            raise RuntimeError(f"admin {method} {path}: HTTP {reply.status_code}: {reply.text[:300]}")
        return reply.json() if reply.content else None

    def existing(self) -> dict[str, dict[str, Any]]:
        return {e["name"]: e for e in self.call("GET", "/environments")["environments"]}

    def make_fresh(self, group: list[EnvironmentPlan], existing: dict[str, dict[str, Any]]) -> str:
        """Reset the environments when they all exist as planned (ms), else (re-)create them with one
        POST (`group` shares one body: one parameter set or one scenario document)."""
        if all(plan.matches(existing.get(plan.name)) for plan in group):
            for plan in group:
                self.call("POST", f"/environments/{plan.name}/reset")
            return "reset"
        for plan in group:
            if plan.name in existing:
                self.call("DELETE", f"/environments/{plan.name}")
        self.call("POST", "/environments", json=group[0].body)
        return "created"


_prepared = threading.Event()
_dealt = itertools.count()


def prepare(environment: Environment) -> None:
    """Make every environment of the run fresh (not on workers); logs how long it took."""
    if isinstance(environment.runner, WorkerRunner) or not environment.host:
        return
    options: Any = environment.parsed_options
    found = plans(options)
    admin = Admin(environment.host, options.nmbrs_admin_token)
    existing = admin.existing()
    groups = [found] if options.nmbrs_scenario else [[plan] for plan in found]
    for group in groups:
        started = time.perf_counter()
        done = admin.make_fresh(group, existing)
        names = ", ".join(f"{plan.name} ({plan.employees} employees)" for plan in group)
        log.info("environment %s %s in %.2f s", names, done, time.perf_counter() - started)
    _prepared.set()


def _prepared_or_why(environment: Environment) -> str | None:
    try:
        prepare(environment)
    except (RuntimeError, OSError, ValueError, KeyError) as error:  # requests' errors are OSErrors
        return f"cannot prepare the environments at {environment.host}: {error}"
    return None


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    if options is not None and getattr(options, "headless", False):
        problem = _prepared_or_why(environment)  # before the run-time clock starts
        if problem:
            raise SystemExit(problem)


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    if _prepared.is_set():
        _prepared.clear()  # the next run (web UI) starts fresh again
        return
    problem = _prepared_or_why(environment)
    _prepared.clear()
    if problem:
        log.error(problem)
        if environment.runner is not None:
            environment.runner.quit()


def login_for(environment: Environment, user: object) -> NmbrsCredentials:
    """The login of the environment this user works in (round robin over the run's environments)."""
    found = plans(environment.parsed_options)
    return found[next(_dealt) % len(found)].login
