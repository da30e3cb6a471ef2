"""What a handler receives, and the registry of hand-written handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mock_server.contract.model import Operation, ServiceContract
from mock_server.domain.tenant import Tenant
from mock_server.settings import MockSettings


@dataclass
class Call:
    """One decoded SOAP call: plain arguments by element name, for an authenticated tenant."""

    contract: ServiceContract
    operation: Operation
    args: dict[str, Any]
    tenant: Tenant
    settings: MockSettings
    cache: dict[Any, Any] = field(default_factory=dict)  # lookups shared by the items of one call

    @property
    def service(self) -> str:
        return self.contract.name

    @property
    def name(self) -> str:
        return self.operation.name


Handler = Callable[[Call], Any]
_HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(service: str, *operations: str) -> Callable[[Handler], Handler]:
    """Register a hand-written handler for operations of a service."""

    def register(handler: Handler) -> Handler:
        for operation in operations:
            key = (service, operation)
            if key in _HANDLERS:
                raise ValueError(f"two handlers for {service}.{operation}")
            _HANDLERS[key] = handler
        return handler

    return register


def explicit_handler(service: str, operation: str) -> Handler | None:
    return _HANDLERS.get((service, operation))
