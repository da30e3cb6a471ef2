"""The HTML pages ASMX serves on GET: the list of services, a service's operations, and an operation's
page with sample SOAP 1.1 and 1.2 requests and responses, generated from the contract (placeholders
name the type: `int`, `string`, enum values joined by " or ", two items of an array)."""

from __future__ import annotations

from html import escape

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import Element, Operation, ServiceContract
from mock_server.soap.envelope import suggestion
from mock_server.soap.faults import CONTENT_TYPES, SOAP11_ENV, SOAP12_ENV

MAX_DEPTH = 8  # nested complex types deeper than this are left out of the samples (ASMX does the same)
_STYLE = (
    "<style>body{font-family:Verdana,sans-serif;font-size:.8em;margin:2em}"
    "pre{background:#e5e5cc;padding:1em;overflow:auto}h2{margin-top:2em}</style>"
)
_ENVELOPES = {
    "1.1": ("soap", SOAP11_ENV),
    "1.2": ("soap12", SOAP12_ENV),
}


def index_page(base: str) -> bytes:
    """`GET /soap/v3/`: the services, each with its WSDL."""
    items = "".join(
        f'<li><a href="{base}{s}.asmx">{s}</a> ({len(load_contract(s).operations)} operations,'
        f' <a href="{base}{s}.asmx?WSDL">WSDL</a>)</li>'
        for s in SERVICES
    )
    return _page("nmbrs-mock: Nmbrs SOAP API v3", f"<p>The services of this mock:</p><ul>{items}</ul>")


def service_page(service: str) -> bytes:
    contract = load_contract(service)
    items = "".join(
        f'<li><a href="?op={escape(name)}">{escape(name)}</a><br>{escape(op.doc)}</li>'
        for name, op in sorted(contract.operations.items())
    )
    body = (
        "<p>The following operations are supported. For a formal definition, please review the "
        f'<a href="?WSDL">Service Description</a>.</p><ul>{items}</ul>'
    )
    return _page(service, body)


def unknown_operation_page(service: str, operation: str) -> bytes:
    contract = load_contract(service)
    hint = suggestion(contract, operation)
    body = (
        f"<p>The operation <b>{escape(operation) or '(empty)'}</b> is unknown: {escape(service)} has no "
        f"operation of that name.{escape(hint)}</p>"
        f'<p><a href="?">All {len(contract.operations)} operations of {escape(service)}</a></p>'
    )
    return _page(f"{service}: unknown operation", body)


def operation_page(service: str, operation: str, host: str, path: str) -> bytes:
    contract = load_contract(service)
    op = contract.operations[operation]
    parts = [
        f'<p><a href="?">{escape(service)}</a> &gt; <b>{escape(op.name)}</b></p>',
        f"<p>{escape(op.doc)}</p>",
    ]
    for version in ("1.1", "1.2"):
        parts.append(
            f"<h2>SOAP {version}</h2><p>The following is a sample SOAP {version} request and response. "
            "The <b>placeholders</b> shown need to be replaced with actual values.</p>"
            f"<pre>{escape(sample_request(contract, op, version, host, path))}</pre>"
            f"<pre>{escape(sample_response(contract, op, version))}</pre>"
        )
    return _page(f"{service}.{op.name}", "".join(parts))


def sample_request(contract: ServiceContract, op: Operation, version: str, host: str, path: str) -> str:
    headers = [f"POST {path} HTTP/1.1", f"Host: {host}"]
    action = contract.soap_action(op.name)
    if version == "1.1":
        headers += [f"Content-Type: {CONTENT_TYPES['1.1']}", "Content-Length: length"]
        headers.append(f'SOAPAction: "{action}"')
    else:
        headers += [f"Content-Type: {CONTENT_TYPES['1.2']}", "Content-Length: length"]
    prefix = _ENVELOPES[version][0]
    header_fields = contract.fields_of(op.header)
    header = _wrapper(contract, op.header, header_fields, 2)
    body = _wrapper(contract, op.name, op.inputs, 2)
    lines = [f"  <{prefix}:Header>", *header, f"  </{prefix}:Header>", f"  <{prefix}:Body>", *body]
    return "\n".join([*headers, "", *_envelope(version, [*lines, f"  </{prefix}:Body>"])])


def sample_response(contract: ServiceContract, op: Operation, version: str) -> str:
    headers = ["HTTP/1.1 200 OK", f"Content-Type: {CONTENT_TYPES[version]}", "Content-Length: length"]
    prefix = _ENVELOPES[version][0]
    body = _wrapper(contract, op.response_name, op.outputs, 2)
    lines = [f"  <{prefix}:Body>", *body, f"  </{prefix}:Body>"]
    return "\n".join([*headers, "", *_envelope(version, lines)])


def _envelope(version: str, inner: list[str]) -> list[str]:
    prefix, namespace = _ENVELOPES[version]
    return [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<{prefix}:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:{prefix}="{namespace}">',
        *inner,
        f"</{prefix}:Envelope>",
    ]


def _wrapper(contract: ServiceContract, name: str, fields: tuple[Element, ...], depth: int) -> list[str]:
    pad = "  " * depth
    if not fields:
        return [f'{pad}<{name} xmlns="{contract.namespace}" />']
    inner = [line for field in fields for line in _element(contract, field, depth + 1, ())]
    return [f'{pad}<{name} xmlns="{contract.namespace}">', *inner, f"{pad}</{name}>"]


def _element(contract: ServiceContract, element: Element, depth: int, path: tuple[str, ...]) -> list[str]:
    pad = "  " * depth
    kind = contract.kind(element.type)
    if kind != "complex":
        return [f"{pad}<{element.name}>{_placeholder(contract, element.type)}</{element.name}>"] * (
            2 if element.is_list else 1
        )
    if element.type in path or depth > MAX_DEPTH:
        return [f'{pad}<{element.name} xsi:nil="true" />'] if element.nillable else []
    item = contract.complex_types[element.type].array_item
    fields = (item,) if item is not None else contract.fields_of(element.type)
    inner = [line for f in fields for line in _element(contract, f, depth + 1, (*path, element.type))]
    single = [f"{pad}<{element.name}>", *inner, f"{pad}</{element.name}>"]
    if not inner:
        single = [f"{pad}<{element.name} />"]
    return single * (2 if element.is_list else 1)


def _placeholder(contract: ServiceContract, type_name: str) -> str:
    if type_name in contract.enums:
        return " or ".join(contract.enums[type_name].values)
    return "string" if type_name == "anyType" else type_name


def _page(title: str, body: str) -> bytes:
    head = f"<head><meta charset='utf-8'><title>{escape(title)}</title>{_STYLE}</head>"
    return f"<!DOCTYPE html><html>{head}<body><h1>{escape(title)}</h1>{body}</body></html>".encode()
