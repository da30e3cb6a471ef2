"""Judging one SOAP answer, without Locust: its name, whether it failed (with the Nmbrs code) and the
throttle delay the mock reports for it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree
from nmbrs_client import raw
from nmbrs_client.errors import code_of

from mock_server.http_headers import DELAY_HEADER  # the milliseconds the mock's throttle held a call back

# A Fault element anywhere in the answer: character data is escaped, so `<Fault` can only be a tag.
FAULT = re.compile(rb"<(?:[\w.-]+:)?Fault[\s/>]")
ACTION = re.compile(r'(?:^"?|action=")https://api\.nmbrs\.nl/soap/v3/(\w+)/(\w+)"?')


class SoapFailure(Exception):
    """What Locust lists under failures: `Nmbrs 2011: <fault text>` or `HTTP 503: ...`."""


def operation_name(headers: Mapping[str, str] | None) -> str | None:
    """`Service.Operation` from the SOAPAction (1.1) or the Content-Type's action (1.2)."""
    if not headers:
        return None
    for key in ("SOAPAction", "Content-Type"):
        match = ACTION.search(headers.get(key, ""))
        if match:
            return f"{match[1]}.{match[2]}"
    return None


def failure_of(status: int, body: bytes | None, error: object = None) -> SoapFailure | None:
    """None for a good answer; else the failure, carrying the Nmbrs code when the fault has one."""
    body = body or b""
    if status == 200 and body and not FAULT.search(body):
        return None
    if not body:
        return SoapFailure(f"HTTP {status}: {error or 'empty answer'}")
    fault = _fault(body)
    if fault is None:
        return SoapFailure(f"HTTP {status}: {body[:120].decode('utf-8', 'replace')}")
    code = code_of(fault)
    return SoapFailure(f"Nmbrs {code}: {fault}" if code is not None else f"SOAP fault: {fault}")


def _fault(body: bytes) -> str | None:
    try:
        found = raw.fault_of(body)
    except etree.XMLSyntaxError:
        return None
    return found[1][:300] if found is not None else None


def delay_ms(headers: Mapping[str, str] | None) -> float | None:
    """The throttle delay the mock reports for a call, None when it reports none."""
    value = (headers or {}).get(DELAY_HEADER)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
