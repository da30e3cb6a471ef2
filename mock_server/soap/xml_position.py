"""Line and column of an element, or of its text, in the request document as sent (as .NET counts them).

lxml knows an element's line (`sourceline`) but not its column, so the start tags of the raw document
are counted in document order (skipping comments, CDATA, processing instructions and end tags) up to
the element's own. Lines and columns start at 1; CR LF and CR count as one line end (XML's line-end
normalisation); columns count characters. Only used to word faults, so it may take its time.
"""

from __future__ import annotations

import re

from lxml import etree

_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>|</[^>]*>"
    r"|<(?P<name>[^\s/>!?]+)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(?P<empty>/?)>",
    re.DOTALL,
)


def element_position(document: bytes, element: etree._Element) -> tuple[int, int]:
    """Where the element's name starts (just after its `<`)."""
    found = _start_tag(document, element)
    if found is None:
        return element.sourceline or 1, 1
    text, match = found
    return _line_column(text, match.start() + 1)


def value_position(document: bytes, element: etree._Element) -> tuple[int, int]:
    """Where the element's text starts: just after its start tag (an empty element: its name)."""
    found = _start_tag(document, element)
    if found is None:
        return element.sourceline or 1, 1
    text, match = found
    offset = match.start() + 1 if match.group("empty") else match.end()
    return _line_column(text, offset)


def _start_tag(document: bytes, element: etree._Element) -> tuple[str, re.Match[str]] | None:
    root = element.getroottree().getroot()
    index = next((i for i, node in enumerate(root.iter(etree.Element)) if node is element), None)
    if index is None:
        return None
    text = _decode(document, element).replace("\r\n", "\n").replace("\r", "\n")
    count = -1
    for match in _MARKUP.finditer(text):
        if match.group("name") is not None:
            count += 1
            if count == index:
                line = text.count("\n", 0, match.start()) + 1
                return (text, match) if element.sourceline in (None, line) else None
    return None


def _decode(document: bytes, element: etree._Element) -> str:
    encoding = element.getroottree().docinfo.encoding or "utf-8"
    if document.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return document.decode(encoding, errors="replace")
    except LookupError:
        return document.decode("utf-8", errors="replace")


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
