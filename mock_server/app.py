"""Assemble one mock instance: storage, backend, demo environment, pipeline and WSGI app."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from typing import Any, TypeVar

import gevent

from mock_server.console import SeedProgress, origin
from mock_server.contract import SERVICES
from mock_server.control.admin_app import PREFIX as ADMIN_PREFIX
from mock_server.control.admin_app import AdminApp
from mock_server.control.plane import ControlPlane
from mock_server.domain.backend import STORE_FORMAT, Backend
from mock_server.domain.demo import (
    DEMO_DOMAIN,
    EnvironmentSetup,
    EnvironmentShape,
    ShapeSeeder,
    demo_spec,
)
from mock_server.domain.seeding_apart import PartJob, SeedJob, parts
from mock_server.domain.tenant import Seeder
from mock_server.seeding_process import in_a_child_process
from mock_server.settings import MockSettings
from mock_server.soap.pipeline import Pipeline
from mock_server.soap.wsgi import SoapApp, StartResponse
from mock_server.storage.seed_cache import SeedCache
from mock_server.storage.sqlite_store import SqliteStore

DEFAULT_DEMO = EnvironmentShape()
PAUSE_S = 0.001  # a timer, not sleep(0): the hub polls for I/O then (the calls that came in meanwhile)
T = TypeVar("T")


class MockApp:
    """A complete mock: `wsgi` is the WSGI callable, `backend` the state behind it, `control` the
    test control (the admin API at /__admin is a layer over it)."""

    def __init__(
        self,
        settings: MockSettings | None = None,
        demo: EnvironmentShape | None = DEFAULT_DEMO,
        sleep: Callable[[float], None] | None = None,
        environments: Sequence[EnvironmentSetup] = (),
        progress: SeedProgress | None = None,
    ) -> None:
        self.settings = settings or MockSettings()
        self.backend = Backend(SqliteStore(self.settings.state_path or ":memory:"))
        self.backend.run_apart = _in_a_child_process
        self.backend.run_part = in_a_child_process  # a part's process, waited for on a thread of the seeding
        self.backend.run_parts = _parts_in_child_processes  # those the mock copies in as they end
        if self.settings.seed_cache:
            self.backend.seed_cache = SeedCache(self.settings.seed_cache)
        self.progress = progress  # reports seeding (the CLI's, on a terminal or with --verbose)
        self.origins: dict[str, str] = {}  # environment -> "created", "reused" or "re-seeded: <why>"
        if demo is not None:
            self._add_at_startup(EnvironmentSetup(demo_spec(DEMO_DOMAIN, demo.seed), demo))
        for setup in environments:
            self._add_at_startup(setup)
        self.backend.pause = _let_others_run  # from now on calls may be served while one is copied in
        kwargs: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        self.pipeline = Pipeline(self.backend, self.settings, **kwargs)
        self.soap = SoapApp(self.pipeline, self._index)
        self.control = ControlPlane(self)
        self.admin = AdminApp(self.control, self.settings.admin_token, self.settings.max_request_bytes)

    def wsgi(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The admin API under /__admin, the SOAP endpoints (and their index) elsewhere."""
        path = environ.get("PATH_INFO", "")
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            return self.admin(environ, start_response)
        return self.soap(environ, start_response)

    def add_environment(self, setup: EnvironmentSetup, replace: bool = False, apart: bool = False) -> None:
        """Create an environment, unless a `--state` file already holds it (then its data is kept);
        `apart`: seeded in another process while other calls are served (`domain/seeding_apart.py`)."""
        seeder: Seeder = ShapeSeeder(setup.shape)
        fingerprint = repr(setup.shape)
        name = setup.spec.name
        stored = "" if replace else self.backend.fingerprint(name)
        self.origins[name] = origin(stored, f"{STORE_FORMAT}|{fingerprint}")
        reported: AbstractContextManager[None] = nullcontext()
        if self.progress is not None and self.origins[name] != "reused":
            if apart:  # the counting seeder of `wrap` would stay in this process
                processes = max(1, len(parts(seeder)))
                cached = self.backend.in_seed_cache(name, fingerprint)

                def source() -> str:  # where it came from, once it is made
                    return self.backend.sources.get(name, "")

                reported = self.progress.apart(name, setup.shape.employees, processes, cached, source)
            else:
                seeder = self.progress.wrap(name, setup.shape.employees, seeder)
        with reported:
            self.backend.add_environment(
                setup.spec, seeder, replace=replace, fingerprint=fingerprint, cacheable=True, apart=apart
            )
        if self.backend.sources[name] == "seed cache":
            self.origins[name] = "copied from the seed cache"

    def _add_at_startup(self, setup: EnvironmentSetup) -> None:
        """An environment made before the mock serves: a large shape is seeded in parallel parts where
        the machine has the cores for more than one (`seeding_apart.parts`), in place otherwise."""
        self.add_environment(setup, apart=len(parts(ShapeSeeder(setup.shape))) > 1)

    def reset(self, environment: str) -> None:
        """Re-seed one environment and forget its journal, injected faults and throttle budget."""
        self.backend.reset(environment)
        self.pipeline.journal.clear(environment)
        self.pipeline.faults.clear(environment)
        self.pipeline.throttle.reset_environment(environment)

    def _index(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "/") not in ("/", ""):
            body = b"Not found. The SOAP endpoints are /soap/v3/<Service>.asmx\n"
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [body]
        links = "".join(f'<li><a href="/soap/v3/{s}.asmx">{s}</a></li>' for s in SERVICES)
        body = f"<!DOCTYPE html><html><body><h1>nmbrs-mock</h1><ul>{links}</ul></body></html>".encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]


def _in_a_child_process(job: SeedJob) -> bool:
    """Seed an environment apart in a process of its own (`seeding_process`), waited for on a thread
    of the hub's pool: the hub serves other calls meanwhile."""
    return _on_the_hubs_threads(partial(in_a_child_process, job))


def _parts_in_child_processes(jobs: list[PartJob]) -> Iterator[tuple[PartJob, bool]]:
    """Each part of a seeding in parallel in a process of its own (`seeding_process`), waited for on
    threads of the hub's pool, given as it ends: the hub serves other calls meanwhile."""
    pool = gevent.get_hub().threadpool
    waiting = {pool.spawn(in_a_child_process, job): job for job in jobs}
    for ended in gevent.iwait(list(waiting)):
        yield waiting[ended], bool(ended.get())  # what the part raised is raised here


def _on_the_hubs_threads(function: Callable[[], T]) -> T:
    """Run `function` on a thread of this thread's gevent hub pool; the waiting greenlet lets the hub
    serve other calls meanwhile."""
    result: T = gevent.get_hub().threadpool.apply(function)
    return result


def _let_others_run() -> None:
    """Let the hub serve what came in (other calls), then go on."""
    gevent.sleep(PAUSE_S)
