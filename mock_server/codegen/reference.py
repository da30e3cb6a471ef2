"""Read a reference Nmbrs WSDL (ASMX, document/literal) into a `ServiceContract`.

Spyne's own XSD reader drops complexContent extensions and anonymous types, so this small lxml
reader is used instead. Anonymous nested types get a unique name `<Parent>_<Element>`; operation
wrapper types are not kept as types, their children become `Operation.inputs` / `outputs`.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from mock_server.contract.model import UNBOUNDED, ComplexType, Element, EnumType, Operation, ServiceContract

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
MS_TYPES_NS = "http://microsoft.com/wsdl/types/"
V3_BASE = "https://api.nmbrs.nl/soap/v3/"

_S = f"{{{XSD_NS}}}"
_W = f"{{{WSDL_NS}}}"


class ReferenceError_(Exception):
    """The reference WSDL has a construct this reader does not know."""


def read_reference(path: Path, service: str) -> ServiceContract:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    contract = ServiceContract(name=service, namespace=V3_BASE + service)
    reader = _SchemaReader(contract)
    schema = _service_schema(root)
    wrappers = reader.read(schema)
    _read_operations(root, contract, wrappers)
    return contract


def _service_schema(root: etree._Element) -> etree._Element:
    for schema in root.iter(f"{_S}schema"):
        if schema.get("targetNamespace", "").startswith("https://api.nmbrs.nl/"):
            return schema
    raise ReferenceError_("no Nmbrs schema in the WSDL")


class _SchemaReader:
    def __init__(self, contract: ServiceContract) -> None:
        self.contract = contract

    def read(self, schema: etree._Element) -> dict[str, tuple[Element, ...]]:
        """Fill the contract's types; return the children of each global wrapper element."""
        wrappers: dict[str, tuple[Element, ...]] = {}
        for child in schema:
            if child.tag == f"{_S}complexType":
                self._complex(child, child.get("name"), anonymous=False)
            elif child.tag == f"{_S}simpleType":
                self._enum(child)
            elif child.tag == f"{_S}element" and child.find(f"{_S}complexType") is not None:
                name = child.get("name")
                wrappers[name] = self._particles(child.find(f"{_S}complexType"), name)
        return wrappers

    def _enum(self, node: etree._Element) -> None:
        restriction = node.find(f"{_S}restriction")
        values = tuple(e.get("value") for e in restriction.iterfind(f"{_S}enumeration"))
        if not values:
            raise ReferenceError_(f"simpleType {node.get('name')} is not an enumeration")
        self.contract.enums[node.get("name")] = EnumType(node.get("name"), values)

    def _complex(self, node: etree._Element, name: str, anonymous: bool) -> None:
        base = None
        body = node
        content = node.find(f"{_S}complexContent")
        if content is not None:
            extension = content.find(f"{_S}extension")
            base = _local(extension.get("base"))
            body = extension
        elements = self._particles(body, name)
        any_attribute = body.find(f"{_S}anyAttribute") is not None
        self.contract.complex_types[name] = ComplexType(name, elements, base, anonymous, any_attribute)

    def _particles(self, node: etree._Element, owner: str) -> tuple[Element, ...]:
        sequence = node.find(f"{_S}sequence")
        if sequence is None:
            return ()
        return tuple(self._element(child, owner) for child in sequence.iterfind(f"{_S}element"))

    def _element(self, node: etree._Element, owner: str) -> Element:
        name = node.get("name")
        inline = node.find(f"{_S}complexType")
        if inline is not None:
            type_name = f"{owner}_{name}"
            self._complex(inline, type_name, anonymous=True)
        elif node.get("type") is None:
            type_name = "anyType"
        else:
            type_name = _local(node.get("type"))
        max_occurs = node.get("maxOccurs", "1")
        return Element(
            name=name,
            type=type_name,
            min_occurs=int(node.get("minOccurs", "1")),
            max_occurs=UNBOUNDED if max_occurs == "unbounded" else int(max_occurs),
            nillable=node.get("nillable") == "true",
        )


def _read_operations(
    root: etree._Element, contract: ServiceContract, wrappers: dict[str, tuple[Element, ...]]
) -> None:
    messages = {m.get("name"): m for m in root.iterfind(f"{_W}message")}
    port_type = next(root.iterfind(f"{_W}portType"))
    for op in port_type.iterfind(f"{_W}operation"):
        name = op.get("name")
        doc = op.findtext(f"{_W}documentation") or ""
        in_element = _message_element(messages, op.find(f"{_W}input"))
        out_element = _message_element(messages, op.find(f"{_W}output"))
        if in_element != name or out_element != f"{name}Response":
            raise ReferenceError_(f"{name}: unexpected wrapper elements {in_element}/{out_element}")
        contract.operations[name] = Operation(
            name=name, doc=doc.strip(), inputs=wrappers[in_element], outputs=wrappers[out_element]
        )


def _message_element(messages: dict[str, etree._Element], io: etree._Element) -> str:
    message = messages[_local(io.get("message"))]
    return _local(message.find(f"{_W}part").get("element"))


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]
