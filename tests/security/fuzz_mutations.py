"""Mutations of a whole request (bytes and HTTP headers) for the fuzz test: broken bytes, broken XML,
moved and doubled elements, foreign values, other namespaces, media types and actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]
Headers = dict[str, str]
Mutation = Callable[[Draw, bytes, Headers], tuple[bytes, Headers]]

S11 = b"http://schemas.xmlsoap.org/soap/envelope/"
S12 = b"http://www.w3.org/2003/05/soap-envelope"
FRAGMENTS = (
    b"<",
    b">",
    b"&",
    b"&amp",
    b"&nosuch;",
    b"]]>",
    b"<![CDATA[x]]>",
    b"<!-- c -->",
    b"<?pi x?>",
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"&#0;",
    b"&#x1F;",
    b"&#xFFFE;",
    b"<a>" * 40,
    b"</Body>",
    b"<x xmlns=''/>",
    b'<!DOCTYPE x [<!ENTITY e "1">]>',
    b"&e;",
    b"\r\n",
    b"\t",
    "Zoë €😀".encode(),
    b"xsi:nil='true'",
    b' xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    b"-1",
    b"99999999999",
    b"1e5",
    b"NaN",
    b"true",
    b"True",
    b"2026-13-45T25:61:61",
    b" 7 ",
    b"+1",
    b"0x10",
    b"",
    b"\\",
    b"'",
    b'"',
)
VALUES = st.sampled_from(FRAGMENTS) | st.binary(max_size=12) | st.text(max_size=12).map(lambda t: t.encode())
CONTENT_TYPES = (
    None,
    "",
    "text/xml",
    "text/xml; charset=utf-8",
    "TEXT/XML; charset=UTF-8",
    "application/soap+xml",
    'application/soap+xml; charset=utf-8; action="https://api.nmbrs.nl/soap/v3/EmployeeService/Nope"',
    "application/json",
    "application/xml",
    "text/plain",
    "multipart/form-data; boundary=x",
    "text/xml; charset=latin-1",
)
ACTIONS = (
    None,
    "",
    '""',
    "Nope",
    '"https://api.nmbrs.nl/soap/v3/EmployeeService/Nope"',
    "https://api.nmbrs.nl/soap/v3/CompanyService/List_GetAll",
    "https%3A%2F%2Fapi.nmbrs.nl",
    "\x01\x02",
)
DEPTHS = st.sampled_from((1, 5, 300))
SWAPS = st.sampled_from(
    (
        (S11, S12), (S12, S11), (S11, b"urn:soap"), (S12, b""),
        (b"https://api.nmbrs.nl/soap/v3/", b"https://api.nmbrs.nl/soap/v2.1/"),
        (b'EmployeeService"', b'CompanyService"'), (b"xmlns=", b"xmlns:z="),
    )
)  # fmt: skip
SECOND = st.sampled_from((b"<Other/>", b'<List_GetAll xmlns="https://api.nmbrs.nl/soap/v3/DebtorService"/>'))
ENCODINGS = st.sampled_from(("utf-16", "utf-16-le-undeclared", "latin-1", "bom", "declared-utf-16"))
BOOL = st.booleans()
CONTENT_TYPE = st.sampled_from(CONTENT_TYPES)
ACTION = st.sampled_from(ACTIONS)
_TEXT = re.compile(rb">([^<>]+)<")
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)[^<>]*>[^<>]*</\1>")


# Strategies built once: building one per draw costs more than sending the request.
FRACTION = st.integers(0, 1_000_000)
BYTE = st.integers(0, 255)
FEW = st.integers(1, 4)
COPIES = st.integers(2, 5)
EXTRA = st.integers(1, 3)
SPAN = st.integers(1, 300)


def _index(draw: Draw, size: int) -> int:
    """A position in 0..size-1 (0 when size is 0)."""
    return int(draw(FRACTION)) * size // 1_000_001


def _position(draw: Draw, body: bytes) -> int:
    return _index(draw, len(body) + 1)


def identity(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    return body, headers


def truncate(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    return body[: _position(draw, body)], headers


def flip(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    data = bytearray(body)
    for _ in range(draw(FEW)):
        if data:
            data[_index(draw, len(data))] = draw(BYTE)
    return bytes(data), headers


def insert(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    at = _position(draw, body)
    return body[:at] + draw(VALUES) + body[at:], headers


def cut(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    start = _position(draw, body)
    return body[:start] + body[start + draw(SPAN) :], headers


def repeat(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    start = _position(draw, body)
    piece = body[start : start + draw(SPAN)]
    return body[:start] + piece * draw(COPIES) + body[start:], headers


def _pick(draw: Draw, pattern: re.Pattern[bytes], body: bytes) -> re.Match[bytes] | None:
    found = list(pattern.finditer(body))
    return found[_index(draw, len(found))] if found else None


def replace_text(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    """A value replaced by a foreign one (wrong types, control characters, entities, huge numbers)."""
    match = _pick(draw, _TEXT, body)
    if match is None:
        return body, headers
    return body[: match.start(1)] + draw(VALUES) + body[match.end(1) :], headers


def drop_element(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    match = _pick(draw, _ELEMENT, body)
    return (body, headers) if match is None else (body[: match.start()] + body[match.end() :], headers)


def double_element(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    match = _pick(draw, _ELEMENT, body)
    if match is None:
        return body, headers
    return body[: match.end()] + match.group(0) * draw(EXTRA) + body[match.end() :], headers


def nest_element(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    match = _pick(draw, _ELEMENT, body)
    if match is None:
        return body, headers
    depth = draw(DEPTHS)
    inner = b"<Wrap>" * depth + match.group(0) + b"</Wrap>" * depth
    return body[: match.start()] + inner + body[match.end() :], headers


def rename(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    match = _pick(draw, _ELEMENT, body)
    if match is None:
        return body, headers
    name = match.group(1)
    new = (b"X" + name, name.lower(), b"q:" + name, name[:-1] or b"a")[_index(draw, 4)]
    element = (
        match.group(0).replace(b"<" + name, b"<" + new, 1).replace(b"</" + name + b">", b"</" + new + b">")
    )
    return body[: match.start()] + element + body[match.end() :], headers


def namespaces(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    swap = draw(SWAPS)
    return body.replace(swap[0], swap[1]), headers


def second_body_element(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    extra = draw(SECOND)
    return body.replace(b"</soap:Body>", extra + b"</soap:Body>", 1), headers


def encoding(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    choice = draw(ENCODINGS)
    text = body.decode("utf-8", "replace")
    if choice == "utf-16":
        return text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"), headers
    if choice == "utf-16-le-undeclared":
        return text.encode("utf-16-le"), headers
    if choice == "latin-1":
        return text.replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode("latin-1", "replace"), headers
    if choice == "bom":
        return b"\xef\xbb\xbf" + body, headers
    return body.replace(b'encoding="utf-8"', b'encoding="utf-16"'), headers


def http_headers(draw: Draw, body: bytes, headers: Headers) -> tuple[bytes, Headers]:
    changed = dict(headers)
    if draw(BOOL):
        content_type = draw(CONTENT_TYPE)
        changed.pop("Content-Type", None)
        if content_type is not None:
            changed["Content-Type"] = content_type
    if draw(BOOL):
        action = draw(ACTION)
        changed.pop("SOAPAction", None)
        if action is not None:
            changed["SOAPAction"] = action
    return body, changed


MUTATIONS: dict[str, Mutation] = {
    "none": identity,
    "truncate": truncate,
    "flip": flip,
    "insert": insert,
    "cut": cut,
    "repeat": repeat,
    "replace_text": replace_text,
    "drop_element": drop_element,
    "double_element": double_element,
    "nest_element": nest_element,
    "rename": rename,
    "namespaces": namespaces,
    "second_body_element": second_body_element,
    "encoding": encoding,
    "http_headers": http_headers,
}
