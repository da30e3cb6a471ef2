"""The hand-written module that talks to Spyne, with `spyne_protocol` (its input protocol): kept apart
because Spyne 2.14 pins Python 3.11.

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

from lxml import etree
from spyne import Application, MethodContext
from spyne.protocol.soap import Soap11
from spyne.server import ServerBase

from mock_server.contract import module_name
from mock_server.contract.model import Element, ServiceContract
from mock_server.soap.decoded_bodies import DecodedBodies, DecodedBody, DecodedDocument, DecodedDocuments
from mock_server.soap.envelope import SoapRequest
from mock_server.soap.request_values import RequestValues, read_fault
from mock_server.soap.spyne_protocol import LenientSoap11
from mock_server.soap.xml_position import element_position

logging.getLogger("spyne").setLevel(logging.CRITICAL)  # expected faults are not errors (pitfall P8)


@dataclass
class DecodedCall:
    """A request decoded into plain values: `args` by element name, `header` fields or None; `body`
    is Spyne's decoding, and `spyne_context` its context when this call was decoded anew."""

    operation: str
    args: dict[str, Any]
    header: dict[str, Any] | None
    body: DecodedBody = field(repr=False)
    spyne_context: Any = field(repr=False, default=None)


class _CallContext:
    """The context a generated operation gets when its body was decoded before: `invoke` reads `udc`."""

    __slots__ = ("udc",)

    def __init__(self) -> None:
        self.udc: Any = None


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


_KNOWN_HEADERS = 256  # distinct SOAP headers remembered per service
_NO_HEADER: dict[str, Any] = {}  # remembered for a request whose header holds no credentials


def _header_key(header: tuple[etree._Element, ...]) -> tuple[Any, ...]:
    """Everything Spyne reads of a SOAP header: its elements as written, with the namespaces in scope."""
    return tuple((etree.tostring(e), *e.nsmap.items()) for e in header)


def _header_fields(known: dict[str, Any]) -> dict[str, Any] | None:
    """The caller's own copy of a remembered header's fields; None for a header without credentials."""
    return None if known is _NO_HEADER else dict(known)


def _untie(ctx: Any) -> None:
    """Break the reference cycles of a used Spyne context (its sub-contexts point back at it, their
    factories at themselves), so it is freed at once instead of by the cyclic garbage collector."""
    for name in ("transport", "inprot_ctx", "outprot_ctx", "event", "aux"):
        part = getattr(ctx, name, None)
        if part is not None:
            part.parent = None
            subcontexts = getattr(part, "_subctx", None)
            if subcontexts is not None:
                subcontexts.default_factory = None
    ctx.udc = None


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
            in_protocol=LenientSoap11(),
            out_protocol=Soap11(),
        )
        self.server = ServerBase(self.app)
        self.methods = self.app.interface.service_method_map
        self.values = RequestValues(contract)
        self._headers: dict[tuple[Any, ...], dict[str, Any]] = {}  # see `_remember_header`
        self.bodies = DecodedBodies()
        self.documents = DecodedDocuments()

    def read_and_decode(
        self,
        document: bytes,
        content_type: str | None,
        soap_action: str | None,
        read: Callable[[], SoapRequest],
    ) -> tuple[SoapRequest, DecodedCall]:
        """`read()` the request (its routing and checks), then decode it; a whole request sent before
        is neither read nor decoded again (`DecodedDocuments`)."""
        document_key = self.documents.key(document, content_type, soap_action)
        known = None if document_key is None else self.documents.get(document_key)
        if known is not None:
            request = known.request
            return request, DecodedCall(
                request.operation, known.body.arguments(), _header_fields(known.header), known.body
            )
        request = read()
        decoded = self.decode(request, document)
        if document_key is not None:
            header = _NO_HEADER if decoded.header is None else dict(decoded.header)
            self.documents.remember(document_key, DecodedDocument(request, decoded.body, header))
        return request, decoded

    def decode(self, request: SoapRequest, document: bytes) -> DecodedCall:
        """Decode the routed body; `document` is the request as sent (for the positions in faults)."""
        descriptor = self.methods[f"{{{self.contract.namespace}}}{request.operation}"][0]
        header_key = (descriptor.in_header, _header_key(request.header))
        known = self._headers.get(header_key)
        body_key = self.bodies.key(request.operation, request.body)
        body = None if body_key is None else self.bodies.get(body_key)
        if body is not None and known is not None:
            return DecodedCall(request.operation, body.arguments(), _header_fields(known), body)
        decoded = self._decode(request, document, descriptor, header_key, known)
        if body_key is not None:
            self.bodies.remember(body_key, decoded.body)
        return decoded

    def _decode(
        self,
        request: SoapRequest,
        document: bytes,
        descriptor: Any,
        header_key: tuple[Any, ...],
        known: Any,
    ) -> DecodedCall:
        """Decode through Spyne, after the .NET value checks (which place a fault in the document)."""
        self.values.check(request.operation, request.body, document)
        ctx = MethodContext(self.server, MethodContext.SERVER)
        ctx.method_request_string = f"{{{self.contract.namespace}}}{request.operation}"
        ctx.descriptor = descriptor
        ctx.in_body_doc = request.body
        ctx.in_header_doc = None if known is not None else list(request.header) or None
        try:
            self.app.in_protocol.deserialize(ctx, message=Soap11.REQUEST)
        except Exception:  # what the value checks let through and Spyne still refuses (xsi:type, ...)
            line, column = element_position(document, request.body)
            raise read_fault(f"There is an error in XML document ({line}, {column}).") from None
        operation = self.contract.operations[request.operation]
        args = {e.name: self._plain(e, getattr(ctx.in_object, e.name, None)) for e in operation.inputs}
        if known is None:
            known = self._remember_header(header_key, ctx.in_header)
        body = DecodedBody(ctx.function, ctx.in_object, args)
        return DecodedCall(request.operation, body.arguments(), _header_fields(known), body, ctx)

    def _remember_header(self, key: tuple[Any, ...], decoded: Any) -> dict[str, Any]:
        """The header fields Spyne decoded, remembered for the next call with the same header: a client
        sends the same credentials on every call, so Spyne decodes each distinct header once."""
        if decoded is None:
            fields = _NO_HEADER
        else:
            fields = {name: getattr(decoded, name, None) for name in ("Username", "Token", "Domain")}
        if len(self._headers) >= _KNOWN_HEADERS:
            del self._headers[next(iter(self._headers))]  # the oldest
        self._headers[key] = fields
        return fields

    def call(self, decoded: DecodedCall, run: Callable[[dict[str, Any]], Any]) -> Any:
        """Run `run(args)` through the generated Spyne operation; re-raise what it raised.

        The operation is called as Spyne's `call_wrapper` calls it (every operation is wrapped, with
        the context first), without `process_request`'s events: nothing listens to them here."""
        ctx = decoded.spyne_context or _CallContext()
        ctx.udc = invocation = _Invocation(run, decoded.args)
        try:
            decoded.body.function(ctx, *decoded.body.in_object)
        finally:
            if decoded.spyne_context is not None:
                _untie(ctx)
        if invocation.error is not None:
            raise invocation.error
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
