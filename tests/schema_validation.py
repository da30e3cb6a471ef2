"""Validate SOAP response elements against the XSD schemas embedded in the repository's `wsdl/*.wsdl`.

The schema handling lives in the installed harness (`mock_server.harness.schema`); this module binds
it to the repository's `wsdl/` folder for the tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from mock_server.harness.schema import NS, compile_schema, port_type_operations, validation_errors

WSDL_DIR = Path(__file__).resolve().parent.parent / "wsdl"
__all__ = [
    "NS",
    "assert_valid_element",
    "port_type_operations",
    "response_schema",
    "wsdl_namespace",
    "wsdl_path",
    "wsdl_tree",
]


def wsdl_path(service: str) -> Path:
    return WSDL_DIR / f"{service}.wsdl"


def wsdl_tree(service: str) -> etree._ElementTree:
    return etree.parse(str(wsdl_path(service)))


def wsdl_namespace(service: str) -> str:
    return wsdl_tree(service).getroot().get("targetNamespace")


@cache
def response_schema(service: str) -> etree.XMLSchema:
    """The compiled schema of `wsdl/<service>.wsdl` (all its embedded `<s:schema>`s)."""
    return compile_schema(wsdl_tree(service).getroot())


def assert_valid_element(service: str, element: etree._Element) -> None:
    """Validate one element (e.g. `<OpResponse>`) against `wsdl/<service>.wsdl`."""
    errors = validation_errors(response_schema(service), element)
    if errors:
        raise AssertionError(
            f"{etree.QName(element).localname} does not validate against wsdl/{service}.wsdl:\n  "
            + "\n  ".join(errors)
            + "\n"
            + etree.tostring(element, encoding="unicode")[:3000]
        )
