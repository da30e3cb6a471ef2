"""Reading a SOAP request's body within the limits: its size, its time, and only SOAP content types.

A body over `max_request_bytes` is refused from its Content-Length before a byte of it is read (a
chunked one after at most one byte past the limit); a body that takes longer than `body_timeout` to
arrive is refused where it stopped. Either way the mock reads no further: the server's handler is told
(through `STOP_READING_KEY`) not to drain the rest, and closes the connection after the fault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gevent

from mock_server.http_body import InvalidChunkedBody
from mock_server.settings import MockSettings
from mock_server.soap.faults import SoapFault

STOP_READING_KEY = "nmbrs_mock.stop_reading"  # a callable the server's handler puts in the environ
SOAP_CONTENT_TYPES = frozenset({"text/xml", "application/soap+xml"})  # what ASMX accepts (spec §1.3)


class _BodyTimeout(Exception):
    pass


def is_soap_content_type(content_type: str | None) -> bool:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return base in SOAP_CONTENT_TYPES


def read_body(environ: dict[str, Any], settings: MockSettings) -> bytes | SoapFault:
    """The request body, or the fault that refuses it (the connection is then closed unread)."""
    limit = settings.max_request_bytes
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not (declared.isascii() and declared.isdigit()):
        return _refuse(environ, f"Bad Content-Length header: {declared[:40]!r}.", 400)
    length = int(declared) if declared else None
    if length is not None and length > limit:
        return _refuse(environ, _too_large(limit), 413)
    timeout = settings.limits.body_timeout or None
    try:
        with gevent.Timeout(timeout, _BodyTimeout):
            # chunked (no length): at most one byte past the limit, to tell "over it" from "at it"
            body: bytes = environ["wsgi.input"].read(limit + 1 if length is None else length)
    except _BodyTimeout:
        return _refuse(environ, f"The request body did not arrive within {timeout:g} s.", 408)
    except OSError as error:  # broken chunked framing, a connection closed mid-body
        return _refuse(environ, f"The request body could not be read: {_reason(error)}.", 400)
    if len(body) > limit:
        return _refuse(environ, _too_large(limit), 413)
    if length is not None and len(body) < length:
        return _refuse(environ, f"The request body ended after {len(body)} of {length} bytes.", 400)
    return body


def _reason(error: OSError) -> str:
    return "invalid chunked encoding" if isinstance(error, InvalidChunkedBody) else "the connection failed"


def _too_large(limit: int) -> str:
    return f"Maximum request length exceeded. (The limit is {limit} bytes; see --max-request-bytes.)"


def _refuse(environ: dict[str, Any], message: str, status: int) -> SoapFault:
    stop: Callable[[], None] | None = environ.get(STOP_READING_KEY)
    if stop is not None:
        stop()
    return SoapFault(message, client=True, http_status=status)
