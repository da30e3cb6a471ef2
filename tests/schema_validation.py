"""Validate SOAP response elements against the XSD schemas embedded in the repository's `wsdl/*.wsdl`.

Each WSDL embeds two schemas: the service's own namespace, which imports
`http://microsoft.com/wsdl/types/` (the `guid` type) without a `schemaLocation`, and that guid schema.
Both are written to a temporary directory as `.xsd` files, the import is pointed at its file, and
the service schema is compiled with lxml.
"""

from __future__ import annotations

import copy
import tempfile
from functools import cache
from pathlib import Path

from lxml import etree

WSDL_DIR = Path(__file__).resolve().parent.parent / "wsdl"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
NS = {"wsdl": WSDL_NS, "s": XSD_NS}


def wsdl_path(service: str) -> Path:
    return WSDL_DIR / f"{service}.wsdl"


def wsdl_tree(service: str) -> etree._ElementTree:
    return etree.parse(str(wsdl_path(service)))


def wsdl_namespace(service: str) -> str:
    return wsdl_tree(service).getroot().get("targetNamespace")


def port_type_operations(root: etree._Element) -> dict[str, set[str]]:
    """The operations of every portType of a WSDL document: {portType name: {operation, ...}}."""
    return {
        port_type.get("name"): {op.get("name") for op in port_type.findall("wsdl:operation", NS)}
        for port_type in root.findall("wsdl:portType", NS)
    }


@cache
def response_schema(service: str) -> etree.XMLSchema:
    """The compiled schema of `wsdl/<service>.wsdl` (all its embedded `<s:schema>`s)."""
    root = wsdl_tree(service).getroot()
    schemas = root.findall("wsdl:types/s:schema", NS)
    if len(schemas) < 2:
        raise AssertionError(
            f"{service}: expected the service schema and the guid schema, got {len(schemas)}"
        )
    with tempfile.TemporaryDirectory(prefix="nmbrs-xsd-") as tmp:
        files = {
            schema.get("targetNamespace"): Path(tmp) / f"{service}-{n}.xsd"
            for n, schema in enumerate(schemas)
        }
        for schema in schemas:
            # A fresh root declaring every namespace in scope: QName values (type="tns:X") need them.
            standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
            standalone.extend(copy.deepcopy(child) for child in schema)
            for imported in standalone.findall("s:import", NS):
                imported.set("schemaLocation", files[imported.get("namespace")].as_uri())
            etree.ElementTree(standalone).write(str(files[schema.get("targetNamespace")]), encoding="utf-8")
        main = files[root.get("targetNamespace")]
        return etree.XMLSchema(etree.parse(str(main)))


def assert_valid_element(service: str, element: etree._Element) -> None:
    """Validate one element (e.g. `<OpResponse>`), copied into a document of its own with every
    namespace in scope where it stood (`xsi:type="xsd:string"` refers to the envelope's `xsd`)."""
    schema = response_schema(service)
    data = etree.tostring(element)  # serializing a sub-element keeps the prefixes declared above it
    document = etree.ElementTree(etree.fromstring(data))
    if not schema.validate(document):
        errors = "\n".join(f"  line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(
            f"{etree.QName(element).localname} does not validate against wsdl/{service}.wsdl:\n{errors}\n"
            + etree.tostring(element, encoding="unicode")[:3000]
        )
