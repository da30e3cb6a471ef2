"""Render a `ServiceContract` as an ASMX-style WSDL 1.1 document (SOAP 1.1 and 1.2 bindings).

The layout follows what ASMX generates: one schema in the service namespace with a wrapper element
per operation, named complex and simple types, the Microsoft `guid` type in its own schema, messages
`<Op>SoapIn` / `<Op>SoapOut` / `<Op><Header>`, a port type and the `<Service>Soap` and
`<Service>Soap12` bindings. Output is deterministic, so `wsdl/` can be checked for drift.
"""

from __future__ import annotations

from lxml import etree

from mock_server.contract.model import UNBOUNDED, Element, Operation, ServiceContract

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
MS_TYPES = "http://microsoft.com/wsdl/types/"
PLACEHOLDER_ADDRESS = "https://api.nmbrs.nl/soap/v3/{service}.asmx"
_XSD_BUILTINS = {"int", "string", "decimal", "dateTime", "boolean", "base64Binary"}


def render_wsdl(contract: ServiceContract) -> bytes:
    nsmap = {
        "s": XSD,
        "soap12": SOAP12,
        "tns": contract.namespace,
        "s1": MS_TYPES,
        "soap": SOAP11,
        "wsdl": WSDL,
    }
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=contract.namespace)
    _types(etree.SubElement(root, f"{{{WSDL}}}types"), contract)
    _messages(root, contract)
    _port_type(root, contract)
    for version in ("1.1", "1.2"):
        _binding(root, contract, version)
    _service(root, contract)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") + b"\n"


def _s(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XSD}}}{tag}", {k: v for k, v in attrs.items() if v is not None})


def _types(types: etree._Element, contract: ServiceContract) -> None:
    schema = _s(types, "schema", elementFormDefault="qualified", targetNamespace=contract.namespace)
    _s(schema, "import", namespace=MS_TYPES)
    for op in contract.operations.values():
        _wrapper(schema, op.name, op.inputs, contract)
        _wrapper(schema, op.response_name, op.outputs, contract)
    for name in ("AuthHeader", "AuthHeaderWithDomain"):
        _s(schema, "element", name=name, type=f"tns:{name}")
    for complex_type in contract.complex_types.values():
        if not complex_type.anonymous:
            node = _s(schema, "complexType", name=complex_type.name)
            _complex_body(node, complex_type.name, contract)
    for enum in contract.enums.values():
        restriction = _s(_s(schema, "simpleType", name=enum.name), "restriction", base="s:string")
        for value in enum.values:
            _s(restriction, "enumeration", value=value)
    guid_schema = _s(types, "schema", elementFormDefault="qualified", targetNamespace=MS_TYPES)
    guid = _s(_s(guid_schema, "simpleType", name="guid"), "restriction", base="s:string")
    _s(guid, "pattern", value="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _wrapper(
    schema: etree._Element, name: str, elements: tuple[Element, ...], contract: ServiceContract
) -> None:
    complex_type = _s(_s(schema, "element", name=name), "complexType")
    if elements:
        sequence = _s(complex_type, "sequence")
        for element in elements:
            _element(sequence, element, contract)


def _complex_body(node: etree._Element, type_name: str, contract: ServiceContract) -> None:
    complex_type = contract.complex_types[type_name]
    body = node
    if complex_type.base:
        content = _s(node, "complexContent", mixed="false")
        body = _s(content, "extension", base=f"tns:{complex_type.base}")
    if complex_type.elements:
        sequence = _s(body, "sequence")
        for element in complex_type.elements:
            _element(sequence, element, contract)
    if complex_type.any_attribute:
        _s(body, "anyAttribute")


def _element(sequence: etree._Element, element: Element, contract: ServiceContract) -> None:
    attrs = {
        "minOccurs": str(element.min_occurs),
        "maxOccurs": "unbounded" if element.max_occurs == UNBOUNDED else str(element.max_occurs),
        "name": element.name,
    }
    if element.nillable:
        attrs["nillable"] = "true"
    complex_type = contract.complex_types.get(element.type)
    if complex_type is not None and complex_type.anonymous:
        node = _s(sequence, "element", **attrs)
        _complex_body(_s(node, "complexType"), element.type, contract)
        return
    type_ref = _type_ref(element.type)
    if type_ref is not None:
        attrs["type"] = type_ref
    _s(sequence, "element", **attrs)


def _type_ref(type_name: str) -> str | None:
    if type_name == "anyType":
        return None  # ASMX writes untyped (object) members without a type attribute
    if type_name == "guid":
        return "s1:guid"
    if type_name in _XSD_BUILTINS:
        return f"s:{type_name}"
    return f"tns:{type_name}"


def _w(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{WSDL}}}{tag}", attrs)


def _messages(root: etree._Element, contract: ServiceContract) -> None:
    for op in contract.operations.values():
        _w(_w(root, "message", name=f"{op.name}SoapIn"), "part", name="parameters", element=f"tns:{op.name}")
        out = _w(root, "message", name=f"{op.name}SoapOut")
        _w(out, "part", name="parameters", element=f"tns:{op.response_name}")
        header = _w(root, "message", name=f"{op.name}{op.header}")
        _w(header, "part", name=op.header, element=f"tns:{op.header}")


def _port_type(root: etree._Element, contract: ServiceContract) -> None:
    port_type = _w(root, "portType", name=f"{contract.name}Soap")
    for op in contract.operations.values():
        node = _w(port_type, "operation", name=op.name)
        _w(node, "documentation").text = op.doc
        _w(node, "input", message=f"tns:{op.name}SoapIn")
        _w(node, "output", message=f"tns:{op.name}SoapOut")


def _binding(root: etree._Element, contract: ServiceContract, version: str) -> None:
    soap = SOAP11 if version == "1.1" else SOAP12
    suffix = "Soap" if version == "1.1" else "Soap12"
    binding = _w(root, "binding", name=f"{contract.name}{suffix}", type=f"tns:{contract.name}Soap")
    etree.SubElement(binding, f"{{{soap}}}binding", transport="http://schemas.xmlsoap.org/soap/http")
    for op in contract.operations.values():
        _binding_operation(binding, contract, op, soap)


def _binding_operation(binding: etree._Element, contract: ServiceContract, op: Operation, soap: str) -> None:
    node = _w(binding, "operation", name=op.name)
    etree.SubElement(node, f"{{{soap}}}operation", soapAction=contract.soap_action(op.name), style="document")
    request = _w(node, "input")
    etree.SubElement(request, f"{{{soap}}}body", use="literal")
    etree.SubElement(
        request, f"{{{soap}}}header", message=f"tns:{op.name}{op.header}", part=op.header, use="literal"
    )
    etree.SubElement(_w(node, "output"), f"{{{soap}}}body", use="literal")


def _service(root: etree._Element, contract: ServiceContract) -> None:
    service = _w(root, "service", name=contract.name)
    address = PLACEHOLDER_ADDRESS.format(service=contract.name)
    for suffix, soap in (("Soap", SOAP11), ("Soap12", SOAP12)):
        port = _w(service, "port", name=f"{contract.name}{suffix}", binding=f"tns:{contract.name}{suffix}")
        etree.SubElement(port, f"{{{soap}}}address", location=address)
