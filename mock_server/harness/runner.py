"""The contract test run: every served operation through Hypothesis, every response through the checks.

report = run(in_process_target(), profile="quick", seed=0)
print(render_table(report)); sys.exit(0 if report.ok else 1)
"""

from __future__ import annotations

import importlib
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import ExampleDatabase
from lxml import etree

from mock_server.contract import SERVICES
from mock_server.harness import fingerprint
from mock_server.harness.checks import CheckContext, CheckFailed, run_checks
from mock_server.harness.discovery import World, discover
from mock_server.harness.operations import OperationInfo, all_operations, matches
from mock_server.harness.profiles import PROFILES, Profile, database_for, hypothesis_settings
from mock_server.harness.request import Request
from mock_server.harness.response import Response
from mock_server.harness.results import Failure, Result, RunReport
from mock_server.harness.schema import SchemaError, compile_schema, parse_wsdl, port_type_operations
from mock_server.harness.strategies import ValidRequests
from mock_server.harness.strategies_invalid import InvalidRequests
from mock_server.harness.target import Credentials, Exchange, Target, TargetError

STATEFUL_MODULE = "mock_server.harness.stateful"


@dataclass
class RunOptions:
    profile: str = "quick"
    seed: int | None = None  # None: 0 for quick (reproducible), a random seed for deep (printed)
    only: list[str] | None = None
    database: str | None = None  # a directory, "none", or None for the profile's default
    examples: int | None = None  # overrides the profile's examples per operation
    stateful: bool = True
    progress: Callable[[Result], None] | None = None
    notes: list[str] = field(default_factory=list)


class Harness:
    def __init__(self, target: Target, options: RunOptions) -> None:
        self.target = target
        self.options = options
        self.profile: Profile = PROFILES[options.profile]
        if options.seed is not None:
            self.seed = options.seed
        else:
            self.seed = 0 if not self.profile.uses_database else random.randrange(2**31)
        self.database: ExampleDatabase | None = database_for(self.profile, options.database)
        self.schemas: dict[str, etree.XMLSchema] = {}
        self.served: dict[str, set[str]] = {}
        self.world: World | None = None

    # --- set-up ------------------------------------------------------------------------------------

    def prepare(self) -> list[str]:
        """Fetch and compile the target's WSDLs, then discover ids; returns notes for the report."""
        notes = []
        for service in SERVICES:
            try:
                root = parse_wsdl(self._wsdl(service))
                self.schemas[service] = compile_schema(root)
                self.served[service] = set().union(*port_type_operations(root).values())
            except (SchemaError, TargetError) as error:
                notes.append(f"{service}: no schema checks: {error}")
                self.served[service] = set()
        self.world = discover(self.target)
        notes += list(self.world.notes)
        return notes

    def _wsdl(self, service: str) -> bytes:
        import requests

        url = f"{self.target.base_url}{service}.asmx?WSDL"
        try:
            response = requests.get(url, timeout=60)
        except requests.RequestException as error:
            raise TargetError(f"GET {url}: {error}") from None
        if response.status_code != 200:
            raise TargetError(f"GET {url}: HTTP {response.status_code}")
        return response.content

    def operations(self) -> list[OperationInfo]:
        return [
            info
            for info in all_operations()
            if info.name in self.served.get(info.service, set()) and matches(info, self.options.only)
        ]

    # --- one example ---------------------------------------------------------------------------------

    def send(self, request: Request) -> Exchange:
        creds = self.target.credentials
        if request.token is not None:
            creds = Credentials(creds.username, request.token, creds.domain)
        kwargs: dict[str, Any] = {"soap_action": request.soap_action} if request.soap_action else {}
        return self.target.call(
            request.service, request.operation, request.params_xml(), request.version, creds, **kwargs
        )

    def execute(self, info: OperationInfo, request: Request) -> tuple[Response, CheckContext]:
        assert self.world is not None
        reads = fingerprint.reads_for(request, self.world.companies[0]) if info.is_write else None
        before = fingerprint.take(self.target, reads) if reads is not None else None
        response = Response(self.send(request))
        context = CheckContext(info, request, response, self.schemas.get(info.service))
        if not info.is_write and response.is_success:
            context.again = self.send(request)
        if reads is not None and before is not None:
            after = fingerprint.take(self.target, reads)
            if response.fault is not None:
                context.state_changes = fingerprint.differences(before, after)
            context.side_reads = [
                f"{read} (already before this call)" for read in fingerprint.crashed(before)
            ]
            context.side_reads += [f"{read} (after this call)" for read in fingerprint.crashed(after)]
        return response, context

    # --- one operation -----------------------------------------------------------------------------

    def strategy(self, info: OperationInfo) -> st.SearchStrategy[Request]:
        assert self.world is not None
        valid = ValidRequests(self.world)
        # On a real target a foreign id in a write could touch data outside the allowed company.
        exclude = frozenset({"foreign_id"}) if self.target.is_real and info.is_write else frozenset()
        invalid = InvalidRequests(self.world, valid, exclude)
        return st.one_of(valid.request(info), invalid.request(info))

    def run_operation(self, info: OperationInfo) -> Result:
        result = Result(info.key)
        if self.target.is_real and info.is_write and not self.target.allow_writes:
            result.skipped = "a write on a real target (use --allow-writes --company ID)"
            return result
        last: list[Failure] = []
        first: list[Failure] = []

        def example(request: Request) -> None:
            response, context = self.execute(info, request)
            outcomes = run_checks(response.exchange, context)
            result.record(response, outcomes)
            broken = [f for f in outcomes.values() if f is not None]
            if broken:
                failure = Failure(
                    broken[0].name, broken[0].message, broken[0].fact, response.exchange, request
                )
                failure.also = [f"{b.name}: {b.message}" for b in broken[1:]]
                last[:] = [failure]
                first[:] = first or last
                raise broken[0]

        example.__name__ = f"contract_{info.service}_{info.name}"  # its own example-database key
        test = given(self.strategy(info))(example)
        test = hypothesis_settings(self.profile, self.database, self.options.examples)(test)
        test = hypothesis_seed(self._seed_for(info.key))(test)
        try:
            test()
        except CheckFailed:
            result.failure = last[0]
            if first and first[0].exchange is not last[0].exchange:
                result.failure.cause = first[0]
        except TargetError as error:
            result.error = str(error)
        except Exception as error:  # Hypothesis's own errors (a flaky failure): report, never crash
            if last:
                result.failure = replace(last[0], note=f"{type(error).__name__}: did not reproduce reliably")
            else:
                result.error = f"{type(error).__name__}: {error}"
        return result

    def _seed_for(self, key: str) -> int:
        return (self.seed + zlib.crc32(key.encode())) % 2**32

    # --- the whole run -------------------------------------------------------------------------------

    def run(self) -> RunReport:
        started = time.perf_counter()
        report = RunReport(self.target.description, self.profile.name, self.seed, served=0)
        report.notes += self.prepare()
        report.served = sum(len(ops) for ops in self.served.values())
        for info in self.operations():
            result = self.run_operation(info)
            report.results.append(result)
            if self.options.progress:
                self.options.progress(result)
        if self.options.stateful and not self.options.only:
            report.results += self.run_stateful(report)
        report.seconds = time.perf_counter() - started
        return report

    def run_stateful(self, report: RunReport) -> list[Result]:
        """The state machines of `mock_server.harness.stateful` (when present): `run_stateful(target,
        profile, seed)` returns `Result`s (or objects with the same fields)."""
        try:
            module = importlib.import_module(STATEFUL_MODULE)
        except ImportError as error:
            if error.name != STATEFUL_MODULE:
                raise
            report.notes.append("no stateful machines (mock_server.harness.stateful is not installed)")
            return []
        results: list[Result] = list(module.run_stateful(self.target, self.profile, self.seed))
        for result in results:
            if self.options.progress:
                self.options.progress(result)
        return results


def run(target: Target, options: RunOptions | None = None, **kwargs: Any) -> RunReport:
    return Harness(target, options or RunOptions(**kwargs)).run()
