"""A response read once for all checks: its envelope, its body element, its fault, its typed values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from mock_server.contract.model import Element, ServiceContract
from mock_server.harness.target import Exchange

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
ENVELOPES = {"1.1": SOAP11_ENV, "1.2": SOAP12_ENV}
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
FAULT_CODE = re.compile(r"---> (\d+): ")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


@dataclass(frozen=True)
class Fault:
    element: etree._Element
    version: str  # the envelope version it came in
    soap_code: str  # soap:Server, soap:Client, soap:Receiver, soap:Sender
    text: str

    @property
    def is_client(self) -> bool:
        return self.soap_code.endswith((":Client", ":Sender"))

    @property
    def code(self) -> int | None:
        match = FAULT_CODE.search(self.text)
        return int(match.group(1)) if match else None


class Response:
    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    @cached_property
    def root(self) -> etree._Element | None:
        try:
            return etree.fromstring(self.exchange.response_body, _PARSER)
        except (etree.XMLSyntaxError, ValueError):
            return None

    @cached_property
    def envelope_version(self) -> str | None:
        if self.root is None:
            return None
        return next((v for v, ns in ENVELOPES.items() if self.root.tag == f"{{{ns}}}Envelope"), None)

    @cached_property
    def body_child(self) -> etree._Element | None:
        version = self.envelope_version
        if version is None or self.root is None:
            return None
        body = self.root.find(f"{{{ENVELOPES[version]}}}Body")
        children = [c for c in body if isinstance(c.tag, str)] if body is not None else []
        return children[0] if len(children) == 1 else None

    @cached_property
    def fault(self) -> Fault | None:
        child, version = self.body_child, self.envelope_version
        if child is None or version is None or child.tag != f"{{{ENVELOPES[version]}}}Fault":
            return None
        env = ENVELOPES[version]
        if version == "1.1":
            return Fault(
                child, version, child.findtext("faultcode") or "", child.findtext("faultstring") or ""
            )
        code = child.findtext(f"{{{env}}}Code/{{{env}}}Value") or ""
        return Fault(child, version, code, child.findtext(f"{{{env}}}Reason/{{{env}}}Text") or "")

    @property
    def is_success(self) -> bool:
        return self.body_child is not None and self.fault is None

    def text(self) -> str:
        return self.exchange.response_body.decode("utf-8", errors="replace")


def typed_values(
    contract: ServiceContract, elements: tuple[Element, ...], node: etree._Element, path: str = ""
) -> Iterator[tuple[str, str, str]]:
    """(path, XSD type, text) of every simple value below `node`, typed by the contract."""
    by_name = {e.name: e for e in elements}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        element = by_name.get(name)
        if element is None:
            continue  # not in the contract: the schema check reports it
        here = f"{path}/{name}"
        kind = contract.kind(element.type)
        if kind == "complex":
            yield from typed_values(contract, contract.fields_of(element.type), child, here)
        elif kind == "builtin" and child.get(XSI_NIL) != "true":
            yield here, element.type, child.text or ""
