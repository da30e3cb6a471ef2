"""The one hand-written module that talks to Spyne (kept apart because Spyne 2.14 pins Python 3.11).

Spyne holds the generated service classes (`mock_server/soap/spyne_models/`), decodes the request
body and header into its models (leniently, like .NET's XmlSerializer: any element order, unknown
elements ignored) and calls the generated method, whose body hands over to `invoke`. Responses are
written by our own `serializer`, not by Spyne (pitfalls P1, P5 and its speed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import Any

from spyne import Application, MethodContext
from spyne.protocol.soap import Soap11
from spyne.server import ServerBase

from mock_server.contract import module_name
from mock_server.contract.model import Element, ServiceContract
from mock_server.soap.envelope import SoapRequest
from mock_server.soap.faults import READ_PREFIX, client_fault

logging.getLogger("spyne").setLevel(logging.CRITICAL)  # expected faults are not errors (pitfall P8)


@dataclass
class DecodedCall:
    """A request decoded into plain values: `args` by element name, `header` fields or None."""

    operation: str
    args: dict[str, Any]
    header: dict[str, Any] | None
    spyne_context: Any = field(repr=False, default=None)


@dataclass
class _Invocation:
    run: Callable[[dict[str, Any]], Any]
    args: dict[str, Any]
    result: Any = None
    error: BaseException | None = None


def invoke(ctx: Any) -> None:
    """Called by every generated Spyne operation: run the mock's handler for the decoded call."""
    invocation: _Invocation = ctx.udc
    try:
        invocation.result = invocation.run(invocation.args)
    except BaseException as error:  # handed back to the pipeline, which decides what the client sees
        invocation.error = error


class SpyneService:
    """One Nmbrs service as a Spyne application."""

    def __init__(self, contract: ServiceContract) -> None:
        self.contract = contract
        module = import_module(f"mock_server.soap.spyne_models.{module_name(contract.name)}")
        service_class = getattr(module, contract.name)
        self.app = Application(
            [service_class],
            tns=contract.namespace,
            name=contract.name,
            in_protocol=Soap11(),
            out_protocol=Soap11(),
        )
        self.server = ServerBase(self.app)
        self.methods = self.app.interface.service_method_map

    def decode(self, request: SoapRequest) -> DecodedCall:
        ctx = MethodContext(self.server, MethodContext.SERVER)
        ctx.method_request_string = f"{{{self.contract.namespace}}}{request.operation}"
        ctx.descriptor = self.methods[ctx.method_request_string][0]
        ctx.in_body_doc = request.body
        ctx.in_header_doc = list(request.header) or None
        try:
            self.app.in_protocol.deserialize(ctx, message=Soap11.REQUEST)
        except Exception as error:  # Spyne's cast and validation errors
            line = request.body.sourceline or 1
            raise client_fault(
                READ_PREFIX + f"There is an error in XML document ({line}, 2). ---> {_reason(error)}"
            ) from None
        operation = self.contract.operations[request.operation]
        args = {e.name: self._plain(e, getattr(ctx.in_object, e.name, None)) for e in operation.inputs}
        header = None
        if ctx.in_header is not None:
            header = {name: getattr(ctx.in_header, name, None) for name in ("Username", "Token", "Domain")}
        return DecodedCall(request.operation, args, header, ctx)

    def call(self, decoded: DecodedCall, run: Callable[[dict[str, Any]], Any]) -> Any:
        """Run `run(args)` through the generated Spyne operation; re-raise what it raised."""
        ctx = decoded.spyne_context
        ctx.udc = invocation = _Invocation(run, decoded.args)
        self.app.process_request(ctx)
        if invocation.error is not None:
            raise invocation.error
        if ctx.out_error is not None:
            raise RuntimeError(f"Spyne failed to call {decoded.operation}: {ctx.out_error}")
        return invocation.result

    def _plain(self, element: Element, value: Any) -> Any:
        """A Spyne value as plain Python, with .NET defaults for absent value types."""
        if element.is_list:
            return [self._plain_single(element, item) for item in value or ()]
        return self._plain_single(element, value)

    def _plain_single(self, element: Element, value: Any) -> Any:
        if value is None:
            return self.contract.default(element)
        kind = self.contract.kind(element.type)
        if kind == "complex":
            return self._plain_complex(element.type, value)
        if element.type == "base64Binary":
            return b"".join(value) if isinstance(value, list | tuple) else bytes(value)
        if element.type == "dateTime" and isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        if kind == "enum":
            return str(value)
        return value

    def _plain_complex(self, type_name: str, value: Any) -> Any:
        item = self.contract.complex_types[type_name].array_item
        if item is not None:
            items = value if isinstance(value, list | tuple) else getattr(value, item.name, None) or ()
            return [None if v is None else self._plain_single(item, v) for v in items]
        return {
            e.name: self._plain(e, getattr(value, e.name, None)) for e in self.contract.fields_of(type_name)
        }


def _reason(error: Exception) -> str:
    text = getattr(error, "faultstring", None) or str(error) or type(error).__name__
    return f"Input string was not in a correct format. ({text})"
