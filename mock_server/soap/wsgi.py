"""HTTP routing for the `.asmx` endpoints: POST to the pipeline, `?WSDL`, and the help pages."""

from __future__ import annotations

import errno
import logging
import re
import socket
import struct
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from mock_server.contract import SERVICES, load_contract, wsdl_bytes
from mock_server.contract.wsdl_writer import PLACEHOLDER_ADDRESS
from mock_server.http_headers import DELAY_HEADER
from mock_server.soap import help_pages
from mock_server.soap.envelope import version_from_content_type
from mock_server.soap.faults import SoapFault, internal_fault, unsupported_media_type
from mock_server.soap.pipeline import Pipeline, SoapResponse
from mock_server.soap.request_body import is_soap_content_type, read_body

log = logging.getLogger("nmbrs_mock")
StartResponse = Callable[..., Any]
ENDPOINT = re.compile(r"^/soap/v3/(?P<service>[A-Za-z]+)\.asmx$", re.IGNORECASE)
_SERVICE_BY_LOWER = {name.lower(): name for name in SERVICES}
_HTML = "text/html; charset=utf-8"
SOCKET_KEY = "nmbrs_mock.socket"  # the connection's socket, put in the environ by the server's handler


class SoapApp:
    """The WSGI application of the SOAP endpoints; anything else is handed to `fallback`."""

    def __init__(
        self, pipeline: Pipeline, fallback: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
    ):
        self.pipeline = pipeline
        self.fallback = fallback

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        match = ENDPOINT.match(path)
        service = _SERVICE_BY_LOWER.get(match.group("service").lower()) if match else None
        if service is None:
            if path.lower() in ("/soap/v3", "/soap/v3/") and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                return _reply(start_response, 200, _HTML, help_pages.index_page("/soap/v3/"))
            return self.fallback(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            try:
                return self._post(service, environ, start_response)
            except ConnectionResetError:
                raise
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
        body = read_body(environ, self.pipeline.settings)
        if isinstance(body, SoapFault):
            return _send(start_response, SoapResponse.fault(version, body), close=True)
        if not is_soap_content_type(content_type):
            fault = unsupported_media_type(content_type)
            return _send(start_response, SoapResponse.fault(version, fault))
        response = self.pipeline.handle(service, body, content_type, environ.get("HTTP_SOAPACTION"))
        if response.reset:
            reset_connection(environ)
        return _send(start_response, response)

    def _get(self, service: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        params = {k.lower(): v for k, v in parse_qs(query, keep_blank_values=True).items()}
        if "wsdl" in params:
            address = f"{environ.get('wsgi.url_scheme', 'http')}://{_host(environ)}{environ['PATH_INFO']}"
            placeholder = PLACEHOLDER_ADDRESS.format(service=service).encode()
            body = wsdl_bytes(service).replace(placeholder, address.encode())
            return _reply(start_response, 200, "text/xml; charset=utf-8", body)
        if "op" not in params:
            return _reply(start_response, 200, _HTML, help_pages.service_page(service))
        operation = params["op"][0]
        if operation not in load_contract(service).operations:
            return _reply(start_response, 404, _HTML, help_pages.unknown_operation_page(service, operation))
        page = help_pages.operation_page(service, operation, _host(environ), environ["PATH_INFO"])
        return _reply(start_response, 200, _HTML, page)


_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def _host(environ: dict[str, Any]) -> str:
    """The host the client used (for the WSDL's address); the server's own when the header is odd."""
    host = environ.get("HTTP_HOST", "")
    if _HOST.match(host):
        return host
    return f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"


def reset_connection(environ: dict[str, Any]) -> None:
    """Drop the connection with a TCP reset (SO_LINGER 0, then the server closes it): raises the
    ConnectionResetError gevent's handler takes for a peer that went away, so nothing is answered."""
    sock = environ.get(SOCKET_KEY)
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raise ConnectionResetError(errno.ECONNRESET, "connection reset by an injected fault")


def _send(start_response: StartResponse, response: SoapResponse, close: bool = False) -> Iterable[bytes]:
    extra = [("Connection", "close")] if close else []
    if response.delayed_ms:
        extra.append((DELAY_HEADER, f"{response.delayed_ms:g}"))
    return _reply(start_response, response.status, response.content_type, response.body, extra)


def _reply(
    start_response: StartResponse,
    status: int,
    content_type: str,
    body: bytes,
    extra: list[tuple[str, str]] | None = None,
) -> Iterable[bytes]:
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        405: "Method Not Allowed",
        408: "Request Timeout",
        413: "Payload Too Large",
        415: "Unsupported Media Type",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }.get(status, "")
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *(extra or [])]
    start_response(f"{status} {reason}", headers)
    return [body]
