"""Raw SOAP requests without zeep, for load tests, wire tests and tools that want to see the bytes.

body = envelope("EmployeeService", "HourComponentVar_GetCurrent", "<EmployeeId>100000</EmployeeId>",
                credentials)
requests.post(url, data=body, headers=http_headers("EmployeeService", "HourComponentVar_GetCurrent"))
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from nmbrs_client.settings import NmbrsCredentials

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}


def namespace(service: str) -> str:
    return f"https://api.nmbrs.nl/soap/v3/{service}"


def soap_action(service: str, operation: str) -> str:
    return f"{namespace(service)}/{operation}"


def auth_header(service: str, operation: str, credentials: NmbrsCredentials) -> str:
    """`AuthHeaderWithDomain`, or `AuthHeader` for DebtorService Environment_Get; no Domain when None."""
    name = "AuthHeader" if operation == "Environment_Get" else "AuthHeaderWithDomain"
    domain = (
        ""
        if credentials.domain is None or name == "AuthHeader"
        else f"<Domain>{escape(credentials.domain)}</Domain>"
    )
    return (
        f'<{name} xmlns="{namespace(service)}"><Username>{escape(credentials.username)}</Username>'
        f"<Token>{escape(credentials.token)}</Token>{domain}</{name}>"
    )


def envelope(
    service: str,
    operation: str,
    params: str = "",
    credentials: NmbrsCredentials | None = None,
    version: str = "1.1",
    header: str | None = None,
) -> bytes:
    """A request envelope; `params` is the XML inside the operation element, `header` replaces the
    auth header built from `credentials` (pass "" for a header-less request)."""
    env = SOAP11_ENV if version == "1.1" else SOAP12_ENV
    if header is None:
        header = auth_header(service, operation, credentials) if credentials is not None else ""
    head = f"<soap:Header>{header}</soap:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env}">{head}<soap:Body>'
        f'<{operation} xmlns="{namespace(service)}">{params}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def http_headers(service: str, operation: str, version: str = "1.1") -> dict[str, str]:
    """Content-Type and SOAPAction (1.1) or the `action` parameter (1.2), as ASMX clients send them."""
    if version == "1.1":
        return {"Content-Type": CONTENT_TYPES["1.1"], "SOAPAction": f'"{soap_action(service, operation)}"'}
    return {"Content-Type": f'{CONTENT_TYPES["1.2"]}; action="{soap_action(service, operation)}"'}


def fault_of(body: bytes) -> tuple[str, str] | None:
    """(fault code, fault string) of a SOAP 1.1 or 1.2 fault response, None when it is no fault."""
    root = etree.fromstring(body)
    for env in (SOAP11_ENV, SOAP12_ENV):
        fault = root.find(f"{{{env}}}Body/{{{env}}}Fault")
        if fault is None:
            continue
        if env == SOAP11_ENV:
            return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""
        code = fault.findtext(f"{{{env}}}Code/{{{env}}}Value") or ""
        return code, fault.findtext(f"{{{env}}}Reason/{{{env}}}Text") or ""
    return None
