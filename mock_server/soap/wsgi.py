"""HTTP routing for the `.asmx` endpoints: POST to the pipeline, `?WSDL`, and the help pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import parse_qs

from mock_server.contract import SERVICES, load_contract, wsdl_bytes
from mock_server.contract.wsdl_writer import PLACEHOLDER_ADDRESS
from mock_server.soap.envelope import version_from_content_type
from mock_server.soap.faults import SoapFault, internal_fault
from mock_server.soap.pipeline import Pipeline, SoapResponse

log = logging.getLogger("nmbrs_mock")
StartResponse = Callable[..., Any]
ENDPOINT = re.compile(r"^/soap/v3/(?P<service>[A-Za-z]+)\.asmx$", re.IGNORECASE)
_SERVICE_BY_LOWER = {name.lower(): name for name in SERVICES}


class SoapApp:
    """The WSGI application of the SOAP endpoints; anything else is handed to `fallback`."""

    def __init__(
        self, pipeline: Pipeline, fallback: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
    ):
        self.pipeline = pipeline
        self.fallback = fallback

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = ENDPOINT.match(environ.get("PATH_INFO", ""))
        service = _SERVICE_BY_LOWER.get(match.group("service").lower()) if match else None
        if service is None:
            return self.fallback(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            try:
                return self._post(service, environ, start_response)
            except Exception:  # never a traceback or a bare server error page: an ASMX fault
                log.exception("unexpected error reading a request to %s", service)
                version = version_from_content_type(environ.get("CONTENT_TYPE"))
                return _send(start_response, SoapResponse.fault(version, internal_fault()))
        if method in ("GET", "HEAD"):
            return self._get(service, environ, start_response)
        return _reply(start_response, 405, "text/plain; charset=utf-8", b"Method not allowed\n")

    def _post(self, service: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE")
        version = version_from_content_type(content_type)
        limit = self.pipeline.settings.max_request_bytes
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        if declared and not (declared.isascii() and declared.isdigit()):
            fault = SoapFault(f"Bad Content-Length header: {declared[:40]!r}.", client=True, http_status=400)
            return _send(start_response, SoapResponse.fault(version, fault))
        length = int(declared) if declared else None
        body = b""
        if length is None:
            body = environ["wsgi.input"].read(limit + 1)  # chunked: read at most one byte past the limit
        elif length <= limit:
            body = environ["wsgi.input"].read(length)
        if (length or len(body)) > limit:
            fault = SoapFault("Maximum request length exceeded.", client=True, http_status=413)
            return _send(start_response, SoapResponse.fault(version, fault))
        return _send(
            start_response, self.pipeline.handle(service, body, content_type, environ.get("HTTP_SOAPACTION"))
        )

    def _get(self, service: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        params = {k.lower(): v for k, v in parse_qs(query, keep_blank_values=True).items()}
        if "wsdl" in params:
            address = f"{environ.get('wsgi.url_scheme', 'http')}://{_host(environ)}{environ['PATH_INFO']}"
            placeholder = PLACEHOLDER_ADDRESS.format(service=service).encode()
            body = wsdl_bytes(service).replace(placeholder, address.encode())
            return _reply(start_response, 200, "text/xml; charset=utf-8", body)
        return _reply(
            start_response, 200, "text/html; charset=utf-8", _help_page(service, params.get("op", [""])[0])
        )


_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def _host(environ: dict[str, Any]) -> str:
    """The host the client used (for the WSDL's address); the server's own when the header is odd."""
    host = environ.get("HTTP_HOST", "")
    if _HOST.match(host):
        return host
    return f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"


def _help_page(service: str, operation: str) -> bytes:
    contract = load_contract(service)
    op = contract.operations.get(operation)
    if op is not None:
        params = "".join(f"<li><code>{escape(e.name)}</code>: {escape(e.type)}</li>" for e in op.inputs)
        body = (
            f"<h1>{escape(service)}.{escape(op.name)}</h1><p>{escape(op.doc)}</p>"
            f"<p>SOAPAction: <code>{escape(contract.soap_action(op.name))}</code></p><ul>{params}</ul>"
        )
    else:
        items = "".join(
            f'<li><a href="?op={escape(name)}">{escape(name)}</a>: {escape(o.doc)}</li>'
            for name, o in contract.operations.items()
        )
        body = (
            f'<h1>{escape(service)}</h1><p><a href="?WSDL">Service description (WSDL)</a></p><ul>{items}</ul>'
        )
    title = f"<head><title>{escape(service)}</title></head>"
    return f"<!DOCTYPE html><html>{title}<body>{body}</body></html>".encode()


def _send(start_response: StartResponse, response: SoapResponse) -> Iterable[bytes]:
    return _reply(start_response, response.status, response.content_type, response.body)


def _reply(start_response: StartResponse, status: int, content_type: str, body: bytes) -> Iterable[bytes]:
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Payload Too Large",
        500: "Internal Server Error",
    }.get(status, "")
    start_response(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
