"""The bare-lxml baseline: any response document as plain data, and built again from it with lxml.

`plain(root)` turns a parsed document into nested tuples of ready-made strings; `build(data)` makes
the same document from them with `etree.SubElement` and `tostring`, which is what a hand-written
responder does at the least. The benchmarks time `build` next to the mock producing the same answer.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

# (tag, attributes, text, children, nsmap of the element when it declares namespaces)
Plain = tuple[str, dict[str, str], str | None, list[Any], dict[str | None, str] | None]


def plain(element: Any) -> Plain:
    parent = element.getparent()
    declared = dict(element.nsmap) if parent is None else _declared(element, parent)
    children = [plain(child) for child in element if isinstance(child.tag, str)]
    return element.tag, dict(element.attrib), element.text, children, declared or None


def _declared(element: Any, parent: Any) -> dict[str | None, str]:
    inherited = parent.nsmap
    return {prefix: uri for prefix, uri in element.nsmap.items() if inherited.get(prefix) != uri}


def build(data: Plain) -> bytes:
    """The document of `data` (as `plain` made it), serialized with an XML declaration."""
    tag, attrib, text, children, nsmap = data
    root = etree.Element(tag, attrib, nsmap=nsmap)
    root.text = text
    _fill(root, children)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _fill(parent: Any, children: list[Plain]) -> None:
    sub = etree.SubElement
    for tag, attrib, text, grandchildren, nsmap in children:
        if nsmap:
            child = sub(parent, tag, attrib, nsmap=nsmap)
        else:
            child = sub(parent, tag, attrib) if attrib else sub(parent, tag)
        child.text = text
        if grandchildren:
            _fill(child, grandchildren)


def same_document(a: bytes, b: bytes) -> bool:
    """Equal element trees (tags, attributes, texts), whatever the prefixes and declaration."""
    return plain(etree.fromstring(a))[:4] == plain(etree.fromstring(b))[:4]
