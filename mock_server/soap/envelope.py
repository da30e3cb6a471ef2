"""Read a SOAP request the way ASMX does: version from the envelope, routing by action or body.

* SOAP 1.1 routes by the `SOAPAction` header (one pair of quotes stripped, URL-decoded); SOAP 1.2 by
  the `action` parameter of the Content-Type. Either falls back to the first Body child when no
  action is sent (real clients do this; `require_soap_action` turns the fallback off).
* An action naming no operation is a client fault; so is a body element other than the routed one.
* XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote

from lxml import etree

from mock_server.contract.model import ServiceContract
from mock_server.soap.faults import READ_PREFIX, SOAP11_ENV, SOAP12_ENV, client_fault

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
NO_ACTION = "Unable to handle request without a valid action parameter. Please supply a valid soap action."


@dataclass(frozen=True)
class SoapRequest:
    version: str  # "1.1" or "1.2"
    operation: str
    header: tuple[etree._Element, ...]  # the children of soap:Header
    body: etree._Element  # the operation's wrapper element


def version_from_content_type(content_type: str | None) -> str:
    """The best guess before the envelope is read (used for faults about unreadable requests)."""
    return "1.2" if content_type and "application/soap+xml" in content_type.lower() else "1.1"


def parse_request(
    data: bytes,
    content_type: str | None,
    soap_action: str | None,
    contract: ServiceContract,
    require_soap_action: bool = False,
) -> SoapRequest:
    envelope = _parse_xml(data)
    version = _envelope_version(envelope)
    env_ns = SOAP11_ENV if version == "1.1" else SOAP12_ENV
    header_node = envelope.find(f"{{{env_ns}}}Header")
    body_node = envelope.find(f"{{{env_ns}}}Body")
    body = None if body_node is None or len(body_node) == 0 else body_node[0]
    action = soap_action if version == "1.1" else _content_type_action(content_type)
    operation = _route(contract, _clean_action(action), body, require_soap_action)
    expected = f"{{{contract.namespace}}}{operation}"
    if body is None or body.tag != expected:
        raise _unexpected(body, expected)
    header = tuple(header_node) if header_node is not None else ()
    return SoapRequest(version=version, operation=operation, header=header, body=body)


def _parse_xml(data: bytes) -> etree._Element:
    if not data.strip():
        raise client_fault(
            READ_PREFIX + "There is an error in XML document (0, 0). ---> Root element is missing."
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        detail = error.msg or "The XML is not well-formed."
        raise client_fault(
            READ_PREFIX + f"There is an error in XML document ({line}, {column}). ---> {detail}",
            xml_error=True,
        ) from None
    if root.getroottree().docinfo.doctype:
        raise client_fault(
            READ_PREFIX + "There is an error in XML document (1, 1). ---> "
            "For security reasons DTD is prohibited in this XML document.",
            xml_error=True,
        )
    return root


def _envelope_version(envelope: etree._Element) -> str:
    if envelope.tag == f"{{{SOAP11_ENV}}}Envelope":
        return "1.1"
    if envelope.tag == f"{{{SOAP12_ENV}}}Envelope":
        return "1.2"
    raise client_fault(
        READ_PREFIX + f"There is an error in XML document (1, 2). ---> <{etree.QName(envelope).localname} "
        f"xmlns='{etree.QName(envelope).namespace or ''}'> is not a SOAP envelope."
    )


def _content_type_action(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_param("action")  # type: ignore[return-value]


def _clean_action(action: str | None) -> str | None:
    if action is None:
        return None
    action = action.strip()
    if len(action) >= 2 and action[0] == action[-1] == '"':
        action = action[1:-1]
    return unquote(action) or None


def _route(
    contract: ServiceContract, action: str | None, body: etree._Element | None, require_action: bool
) -> str:
    if action is not None:
        prefix = contract.namespace + "/"
        name = action[len(prefix) :] if action.startswith(prefix) else None
        if name not in contract.operations:
            raise client_fault(f"Server did not recognize the value of HTTP Header SOAPAction: {action}.")
        return name
    if require_action or body is None:
        raise client_fault(NO_ACTION)
    qname = etree.QName(body)
    if qname.namespace != contract.namespace or qname.localname not in contract.operations:
        raise client_fault(NO_ACTION)
    return qname.localname


def _unexpected(body: etree._Element | None, expected: str) -> Exception:
    if body is None:
        return client_fault(READ_PREFIX + "There is an error in XML document. ---> The SOAP Body is empty.")
    qname = etree.QName(body)
    return client_fault(
        READ_PREFIX + f"There is an error in XML document ({body.sourceline or 1}, 2). ---> "
        f"<{qname.localname} xmlns='{qname.namespace or ''}'> was not expected."
    )
