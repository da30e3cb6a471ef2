"""Read a SOAP request the way ASMX does: version from the envelope, routing by action or body.

* SOAP 1.1 routes by the `SOAPAction` header (one pair of quotes stripped, URL-decoded); SOAP 1.2 by
  the `action` parameter of the Content-Type. Either falls back to the first Body child when no
  action is sent (real clients do this; `require_soap_action` turns the fallback off).
* An action naming no operation is a client fault; so is a body element other than the routed one.
  Faults about a name that is no operation end with the nearest operation names ("Did you mean: …?").
* The version comes from the envelope's namespace (as ASMX reads it); any other namespace is a
  VersionMismatch fault. `require_soap_action` refuses SOAP 1.1 without SOAPAction only: SOAP 1.2 is
  routed by its `action` parameter or its body, as ASMX does.
* XML is parsed once, here, with the secure settings: no DTD (a DOCTYPE is refused), no entity
  expansion, no network, no external file (a resolver refuses every load), libxml2's default limits
  (nesting at most 256 deep, its entity-amplification guard; never `huge_tree`). Spyne decodes the
  parsed tree and never parses the bytes again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from difflib import get_close_matches
from email.message import Message
from urllib.parse import unquote

from lxml import etree

from mock_server.contract.model import ServiceContract
from mock_server.soap.faults import (
    READ_PREFIX,
    SOAP11_ENV,
    SOAP12_ENV,
    SoapFault,
    client_fault,
    version_mismatch,
)

MAX_DEPTH = 256  # libxml2's nesting limit without huge_tree; a real SOAP call nests about 10 deep


class _RefuseLoads(etree.Resolver):
    """Refuse every external load (DTD, entity, XInclude): the parser settings already keep them off."""

    def resolve(self, system_url: str, public_id: str, context: object) -> None:
        raise ValueError(f"external resource refused: {system_url}")


def secure_parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    parser.resolvers.add(_RefuseLoads())
    return parser


_PARSERS = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = secure_parser()
    return parser


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
    header_node, body_node = _header_and_body(envelope, env_ns)
    children = [] if body_node is None else [c for c in body_node if isinstance(c.tag, str)]
    body = children[0] if children else None
    action = soap_action if version == "1.1" else _content_type_action(content_type)
    try:
        if len(children) > 1:
            raise _second_element(children[1])
        operation = _route(contract, _clean_action(action), body, require_soap_action and version == "1.1")
        expected = f"{{{contract.namespace}}}{operation}"
        if body is None or body.tag != expected:
            raise _unexpected(body, expected)
    except SoapFault as fault:  # ASMX knows the version before it routes: the fault is in it too
        fault.version = version
        raise
    header = tuple(header_node) if header_node is not None else ()
    return SoapRequest(version=version, operation=operation, header=header, body=body)


def _header_and_body(
    envelope: etree._Element, env_ns: str
) -> tuple[etree._Element | None, etree._Element | None]:
    """The envelope's first soap:Header and first soap:Body (what `find` gives), in one pass."""
    header_tag, body_tag = f"{{{env_ns}}}Header", f"{{{env_ns}}}Body"
    header = body = None
    for child in envelope:
        if child.tag == body_tag:
            if body is None:
                body = child
        elif child.tag == header_tag and header is None:
            header = child
    return header, body


def _parse_xml(data: bytes) -> etree._Element:
    if not data.strip():
        raise client_fault(
            READ_PREFIX + "There is an error in XML document (0, 0). ---> Root element is missing.",
            xml_error=True,
        )
    try:
        root = etree.fromstring(data, _parser())
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


_ENVELOPE_TAGS = {f"{{{SOAP11_ENV}}}Envelope": "1.1", f"{{{SOAP12_ENV}}}Envelope": "1.2"}


def _envelope_version(envelope: etree._Element) -> str:
    """The SOAP version of the envelope's namespace; another namespace is a VersionMismatch (ASMX
    reads the root's namespace first); a SOAP namespace on another root element a read fault."""
    known = _ENVELOPE_TAGS.get(envelope.tag)
    if known is not None:
        return known
    qname = etree.QName(envelope)
    versions = {SOAP11_ENV: "1.1", SOAP12_ENV: "1.2"}
    if qname.namespace not in versions:
        raise version_mismatch(qname.namespace or "")
    if qname.localname == "Envelope":
        return versions[qname.namespace]
    fault = client_fault(
        READ_PREFIX + f"There is an error in XML document ({envelope.sourceline or 1}, 2). ---> "
        f"<{qname.localname} xmlns='{qname.namespace}'> was not expected: the root must be a soap:Envelope."
    )
    fault.version = versions[qname.namespace]
    raise fault


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
    return (unquote(action) if "%" in action else action) or None


def _route(
    contract: ServiceContract, action: str | None, body: etree._Element | None, require_action: bool
) -> str:
    if action is not None:
        prefix = contract.namespace + "/"
        name = action[len(prefix) :] if action.startswith(prefix) else None
        if name not in contract.operations:
            raise client_fault(
                f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
                + suggestion(contract, action.rsplit("/", 1)[-1])
            )
        return name
    if require_action or body is None:
        raise client_fault(NO_ACTION)
    qname = etree.QName(body)
    if qname.namespace != contract.namespace or qname.localname not in contract.operations:
        raise client_fault(NO_ACTION + suggestion(contract, qname.localname))
    return qname.localname


def suggestion(contract: ServiceContract, name: str) -> str:
    """A hint after ASMX's routing fault: the operations named most like `name` (none: "")."""
    close = get_close_matches(name, list(contract.operations), n=3, cutoff=0.6)
    return f" Did you mean: {', '.join(close)}?" if close else ""


def _second_element(extra: etree._Element) -> SoapFault:
    qname = etree.QName(extra)
    return client_fault(
        READ_PREFIX + f"There is an error in XML document ({extra.sourceline or 1}, 2). ---> "
        f"<{qname.localname} xmlns='{qname.namespace or ''}'> was not expected: "
        "the SOAP Body must hold only the operation's element.",
        xml_error=True,
    )


def _unexpected(body: etree._Element | None, expected: str) -> Exception:
    if body is None:
        return client_fault(READ_PREFIX + "There is an error in XML document. ---> The SOAP Body is empty.")
    qname = etree.QName(body)
    return client_fault(
        READ_PREFIX + f"There is an error in XML document ({body.sourceline or 1}, 2). ---> "
        f"<{qname.localname} xmlns='{qname.namespace or ''}'> was not expected."
    )
