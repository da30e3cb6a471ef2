"""The one place every SOAP call passes through.

parse and route → decode (Spyne) → authenticate (1001) → template (1002) → throttle (delay) →
injected faults → handler in one transaction → serialize; then the journal. Whatever goes wrong
becomes an ASMX fault; a Python traceback never reaches the client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gevent

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import ServiceContract
from mock_server.control.fault_injection import FaultInjector
from mock_server.control.journal import Journal, JournalEntry
from mock_server.domain.backend import Backend, Tenant
from mock_server.domain.errors import NmbrsError
from mock_server.domain.permissions import resolve_template
from mock_server.domain.throttle import Throttle
from mock_server.services import Call, handler_for
from mock_server.settings import MockSettings
from mock_server.soap.envelope import parse_request, version_from_content_type
from mock_server.soap.faults import CONTENT_TYPES, SoapFault, fault_body, from_nmbrs_error, internal_fault
from mock_server.soap.serializer import ResponseWriter
from mock_server.soap.spyne_adapter import DecodedCall, SpyneService

log = logging.getLogger("nmbrs_mock")


@dataclass(frozen=True)
class SoapResponse:
    status: int
    content_type: str
    body: bytes

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
        self.journal = journal or Journal()
        self.faults = faults or FaultInjector()
        self.services = {name: _ServiceRuntime(load_contract(name)) for name in SERVICES}

    def handle(
        self, service: str, body: bytes, content_type: str | None, soap_action: str | None
    ) -> SoapResponse:
        started = time.time()
        outcome = _Outcome(version=version_from_content_type(content_type))
        try:
            response = self._handle(self.services[service], body, content_type, soap_action, outcome)
        except SoapFault as fault:
            outcome.fault = fault.message
            response = SoapResponse.fault(outcome.version, fault)
        except NmbrsError as error:
            outcome.fault = f"{error.message} ({error.context})" if error.context else error.message
            response = SoapResponse.fault(outcome.version, from_nmbrs_error(error))
        except Exception as error:
            log.exception("unexpected error in %s.%s", service, outcome.operation)
            outcome.fault = f"9999: internal error {type(error).__name__}: {error}"
            response = SoapResponse.fault(outcome.version, internal_fault())
        self._journal(service, outcome, response, started)
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
        request = parse_request(body, content_type, soap_action, contract, self.settings.require_soap_action)
        outcome.version, outcome.operation = request.version, request.operation
        decoded = runtime.spyne.decode(request)
        tenant = outcome.tenant = self._authenticate(decoded)
        self._authorize(contract.name, decoded.operation, tenant)
        outcome.delayed = self.throttle.admit(tenant.name, tenant.user.username if tenant.user else "")
        if outcome.delayed:
            self.sleep(outcome.delayed)
        self.faults.check(contract.name, decoded.operation, tenant.name)
        result = self._run(runtime, decoded, tenant)
        data = runtime.writer.response(request.version, request.operation, result)
        return SoapResponse(200, CONTENT_TYPES[request.version], data)

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

    def _journal(self, service: str, outcome: _Outcome, response: SoapResponse, started: float) -> None:
        tenant = outcome.tenant
        self.journal.record(
            JournalEntry(
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
            )
        )
