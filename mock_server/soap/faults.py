"""ASMX-shaped SOAP faults.

SOAP 1.1: `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>…</faultstring><detail /></soap:Fault>`;
SOAP 1.2: `Code/Value soap:Receiver|soap:Sender`, `Reason/Text xml:lang="en"`, an empty `Detail`.
Application errors read `Server was unable to process request. ---> <code>: <text>`.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from mock_server.domain.errors import NmbrsError, Unknown

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
ENVELOPE_OPEN = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="{env}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)
ENVELOPE_CLOSE = "</soap:Body></soap:Envelope>"
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}
SERVER_PREFIX = "Server was unable to process request. ---> "
READ_PREFIX = "Server was unable to read request. ---> "


# Characters XML 1.0 cannot carry, not even as character references. A stored string holding one (from
# a snapshot, a scenario, a seed) is written with U+FFFD in its place: a later read never breaks on it.
INVALID_XML_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML cannot carry replaced by U+FFFD (not escaped)."""
    return INVALID_XML_CHAR.sub("\ufffd", text)


class SoapFault(Exception):
    """A fault to send back as it is. `client` faults are the caller's fault (soap:Client / Sender);
    `code` names another SOAP fault code (VersionMismatch)."""

    def __init__(
        self, message: str, *, client: bool = False, http_status: int = 500, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.client = client
        self.http_status = http_status
        self.code = code
        self.version: str | None = None  # the request envelope's SOAP version, once it was read


def client_fault(message: str, *, xml_error: bool = False) -> SoapFault:
    """ASMX answers 400 when an XML parse error is in the fault chain, otherwise 500."""
    return SoapFault(message, client=True, http_status=400 if xml_error else 500)


def version_mismatch(namespace: str) -> SoapFault:
    """ASMX's answer to an envelope in another namespace than SOAP 1.1's or 1.2's (HTTP 500)."""
    fault = SoapFault(
        f"Possible SOAP version mismatch: Envelope namespace {namespace} was unexpected. "
        f"Expecting {SOAP11_ENV}.",
        code="VersionMismatch",
    )
    fault.version = "1.1"
    return fault


def unsupported_media_type(content_type: str | None) -> SoapFault:
    """A POST whose Content-Type is no SOAP one (HTTP 415, spec §3.1)."""
    sent = content_type.split(";", 1)[0].strip() if content_type else "none"
    return SoapFault(
        f"Unsupported media type {sent[:80]}: a SOAP request is sent as text/xml (SOAP 1.1) "
        "or application/soap+xml (SOAP 1.2).",
        client=True,
        http_status=415,
    )


def from_nmbrs_error(error: NmbrsError) -> SoapFault:
    return SoapFault(SERVER_PREFIX + error.message)


def internal_fault() -> SoapFault:
    """What a crash inside the mock looks like to the client: Nmbrs's catch-all, never a traceback."""
    return from_nmbrs_error(Unknown())


def fault_body(version: str, fault: SoapFault) -> bytes:
    text = escape(xml_safe(fault.message))
    if version == "1.2":
        code = f"soap:{fault.code}" if fault.code else "soap:Sender" if fault.client else "soap:Receiver"
        inner = (
            f"<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault>"
        )
        env = SOAP12_ENV
    else:
        code = f"soap:{fault.code}" if fault.code else "soap:Client" if fault.client else "soap:Server"
        inner = (
            f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring>"
            "<detail /></soap:Fault>"
        )
        env = SOAP11_ENV
    return (ENVELOPE_OPEN.format(env=env) + inner + ENVELOPE_CLOSE).encode()
