"""Strict validation of response elements against the XSD schemas embedded in a WSDL.

An ASMX WSDL embeds two schemas: the service's own namespace, which imports
`http://microsoft.com/wsdl/types/` (the `guid` type) without a `schemaLocation`, and that guid schema.
Both are written to a temporary directory as `.xsd` files, the import is pointed at its file, and the
service schema is compiled with lxml. Works on any WSDL: the repository's, the mock's or Nmbrs's own.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from lxml import etree

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
NS = {"wsdl": WSDL_NS, "s": XSD_NS}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class SchemaError(Exception):
    """A WSDL whose schema cannot be compiled."""


def parse_wsdl(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise SchemaError(f"the WSDL is not well-formed XML: {error}") from None


def port_type_operations(root: etree._Element) -> dict[str, set[str]]:
    """The operations of every portType of a WSDL document: {portType name: {operation, ...}}."""
    return {
        port_type.get("name", ""): {op.get("name", "") for op in port_type.findall("wsdl:operation", NS)}
        for port_type in root.findall("wsdl:portType", NS)
    }


def compile_schema(root: etree._Element) -> etree.XMLSchema:
    """The compiled schema of a WSDL document (all its embedded `<s:schema>`s)."""
    schemas = root.findall("wsdl:types/s:schema", NS)
    if not schemas:
        raise SchemaError("the WSDL embeds no schema")
    with tempfile.TemporaryDirectory(prefix="nmbrs-xsd-") as tmp:
        files = {
            schema.get("targetNamespace"): Path(tmp) / f"schema-{n}.xsd" for n, schema in enumerate(schemas)
        }
        for schema in schemas:
            # A fresh root declaring every namespace in scope: QName values (type="tns:X") need them.
            standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
            standalone.extend(copy.deepcopy(child) for child in schema)
            for imported in standalone.findall("s:import", NS):
                location = files.get(imported.get("namespace"))
                if location is None:
                    raise SchemaError(f"the WSDL imports {imported.get('namespace')!r} but does not embed it")
                imported.set("schemaLocation", location.as_uri())
            etree.ElementTree(standalone).write(str(files[schema.get("targetNamespace")]), encoding="utf-8")
        main = files.get(root.get("targetNamespace")) or next(iter(files.values()))
        try:
            return etree.XMLSchema(etree.parse(str(main)))
        except etree.XMLSchemaParseError as error:
            raise SchemaError(f"the WSDL's schema does not compile: {error}") from None


def validation_errors(schema: etree.XMLSchema, element: etree._Element) -> list[str]:
    """Why one element (e.g. `<OpResponse>`) does not validate; empty when it does. The element is
    copied into a document of its own with every namespace in scope where it stood."""
    data = etree.tostring(element)  # serializing a sub-element keeps the prefixes declared above it
    document = etree.ElementTree(etree.fromstring(data))
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
