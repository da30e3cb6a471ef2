"""The one place every SOAP call passes through.

parse and route → decode (Spyne) → authenticate (1001) → template (1002) → throttle (delay) →
injected faults → handler in one transaction → serialize; then the journal. Whatever goes wrong
becomes an ASMX fault; a Python traceback never reaches the client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import gevent

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import ServiceContract
from mock_server.control.effects import damage, outage_page
from mock_server.control.fault_injection import FaultInjector, Injection
from mock_server.control.journal import Journal, JournalEntry
from mock_server.control.redact import jsonable
from mock_server.domain.backend import Backend
from mock_server.domain.errors import NmbrsError
from mock_server.domain.permissions import resolve_template
from mock_server.domain.tenant import Tenant
from mock_server.domain.throttle import Throttle
from mock_server.services import Call, handler_for
from mock_server.settings import MockSettings
from mock_server.soap.collector import collector_paused
from mock_server.soap.envelope import SoapRequest, parse_request, version_from_content_type
from mock_server.soap.faults import CONTENT_TYPES, SoapFault, fault_body, from_nmbrs_error, internal_fault
from mock_server.soap.serializer import ResponseWriter
from mock_server.soap.spyne_adapter import DecodedCall, SpyneService

log = logging.getLogger("nmbrs_mock")


@dataclass(frozen=True)
class SoapResponse:
    status: int
    content_type: str
    body: bytes
    reset: bool = False  # close the connection with a TCP reset instead of answering
    delayed_ms: float = 0.0  # how long the throttle held the call back (sent as DELAY_HEADER)

    @classmethod
    def fault(cls, version: str, fault: SoapFault) -> SoapResponse:
        return cls(fault.http_status, CONTENT_TYPES[version], fault_body(version, fault))


@dataclass
class _Outcome:
    """What the journal needs to know about one call."""

    version: str
    operation: str | None = None
    tenant: Tenant | None = None
    delayed: float = 0.0
    fault: str | None = None  # what went wrong, with the context the client does not see
    fault_code: int | None = None
    injection: Injection | None = None
    args: Any = None  # JSON-able decoded arguments (only while the journal is on)
    args_size: int = 0


class _ServiceRuntime:
    def __init__(self, contract: ServiceContract) -> None:
        self.contract = contract
        self.spyne = SpyneService(contract)
        self.writer = ResponseWriter(contract)


class Pipeline:
    def __init__(
        self,
        backend: Backend,
        settings: MockSettings,
        sleep: Callable[[float], None] = gevent.sleep,
        journal: Journal | None = None,
        faults: FaultInjector | None = None,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.sleep = sleep
        self.throttle = Throttle(settings.throttle)
        self.journal = journal or Journal(settings.journal)
        self.faults = faults or FaultInjector()
        self.services = {name: _ServiceRuntime(load_contract(name)) for name in SERVICES}
        self.listeners: list[Callable[[JournalEntry], None]] = []  # told of every call, journal on or off

    def handle(
        self, service: str, body: bytes, content_type: str | None, soap_action: str | None
    ) -> SoapResponse:
        started = time.time()
        outcome = _Outcome(version=version_from_content_type(content_type))
        try:
            response = self._handle(self.services[service], body, content_type, soap_action, outcome)
        except SoapFault as fault:
            outcome.fault = fault.message
            outcome.version = fault.version or outcome.version
            response = SoapResponse.fault(outcome.version, fault)
        except NmbrsError as error:
            outcome.fault = f"{error.message} ({error.context})" if error.context else error.message
            outcome.fault_code = error.code
            response = SoapResponse.fault(outcome.version, from_nmbrs_error(error))
        except Exception as error:
            log.exception("unexpected error in %s.%s", service, outcome.operation)
            outcome.fault = f"9999: internal error {type(error).__name__}: {error}"
            outcome.fault_code = 9999
            response = SoapResponse.fault(outcome.version, internal_fault())
        if outcome.delayed:
            response = replace(response, delayed_ms=round(outcome.delayed * 1000, 3))
        if self.journal.enabled or self.listeners:
            self._journal(service, outcome, body, response, started)
        return response

    def _handle(
        self,
        runtime: _ServiceRuntime,
        body: bytes,
        content_type: str | None,
        soap_action: str | None,
        outcome: _Outcome,
    ) -> SoapResponse:
        contract = runtime.contract

        def read() -> SoapRequest:  # the version and operation are known before decoding can fault
            request = parse_request(
                body, content_type, soap_action, contract, self.settings.require_soap_action
            )
            outcome.version, outcome.operation = request.version, request.operation
            return request

        request, decoded = runtime.spyne.read_and_decode(body, content_type, soap_action, read)
        outcome.version, outcome.operation = request.version, request.operation
        if self.journal.enabled:
            outcome.args, outcome.args_size = jsonable(decoded.args)
        tenant = outcome.tenant = self._authenticate(decoded)
        self._authorize(contract.name, decoded.operation, tenant)
        username = tenant.user.username if tenant.user else ""
        outcome.delayed = self.throttle.admit(tenant.name, username)
        if outcome.delayed:
            self.sleep(outcome.delayed)
        injection = outcome.injection = self.faults.effect_for(
            contract.name, decoded.operation, tenant.name, username
        )
        if injection is not None:
            early = self._inject(injection, request.version, outcome)
            if early is not None:
                return early
        with collector_paused():  # see `collector`
            result = self._run(runtime, decoded, tenant)
            data = runtime.writer.response(request.version, request.operation, result)
        if injection is not None and injection.effect.type in ("truncated", "malformed"):
            data = damage(injection.effect, data)
        return SoapResponse(200, CONTENT_TYPES[request.version], data)

    def _inject(self, injection: Injection, version: str, outcome: _Outcome) -> SoapResponse | None:
        """Apply an injected effect before the handler: an answer instead of the call's, or None to
        go on (after a latency)."""
        effect = injection.effect
        if effect.type == "nmbrs":
            raise NmbrsError(
                effect.fault_text(), code=effect.code, context=f"injected by {injection.describe()}"
            )
        if effect.type == "latency":
            self.sleep(injection.latency)
            return None
        if effect.type in ("truncated", "malformed"):
            return None
        outcome.fault = f"injected by {injection.describe()}"
        if effect.type == "http":
            return SoapResponse(effect.status, "text/html; charset=utf-8", outage_page(effect.status))
        if effect.type == "empty":
            return SoapResponse(200, CONTENT_TYPES[version], b"")
        return SoapResponse(0, "", b"", reset=True)

    def _authenticate(self, decoded: DecodedCall) -> Tenant:
        header = decoded.header or {}
        return self.backend.authenticate(header.get("Username"), header.get("Token"), header.get("Domain"))

    def _authorize(self, service: str, operation: str, tenant: Tenant) -> None:
        if operation == "Environment_Get" or tenant.user is None:
            return  # an authentication helper, outside the API template (INFERRED, spec §7)
        resolve_template(tenant.user.template, tenant.spec.templates).check(service, operation)

    def _run(self, runtime: _ServiceRuntime, decoded: DecodedCall, tenant: Tenant) -> Any:
        operation = runtime.contract.operations[decoded.operation]
        handler = handler_for(runtime.contract.name, decoded.operation)

        def run(args: dict[str, Any]) -> Any:
            return handler(Call(runtime.contract, operation, args, tenant, self.settings))

        with self.backend.transaction():
            return runtime.spyne.call(decoded, run)

    def _journal(
        self, service: str, outcome: _Outcome, body: bytes, response: SoapResponse, started: float
    ) -> None:
        tenant = outcome.tenant
        injection = outcome.injection
        entry = JournalEntry(
            at=started,
            service=service,
            operation=outcome.operation,
            environment=tenant.name if tenant else None,
            username=tenant.user.username if tenant and tenant.user else None,
            soap_version=outcome.version,
            http_status=response.status,
            fault=outcome.fault,
            duration_ms=round((time.time() - started) * 1000, 3),
            delayed_ms=round(outcome.delayed * 1000, 3),
            fault_code=outcome.fault_code,
            injected=injection is not None,
            injection=injection.describe() if injection is not None else None,
            args=outcome.args,
            **(self.journal.bodies(body, response.body) if self.journal.enabled else {}),
        )
        if self.journal.enabled:
            self.journal.record(entry, outcome.args_size)
        for listener in self.listeners:
            try:
                listener(entry)
            except Exception:  # a listener (e.g. the --log line) never changes the answer
                log.exception("call listener %r failed", listener)
