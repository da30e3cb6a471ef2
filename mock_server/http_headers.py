"""The mock's own HTTP header, and request headers read without the email package (gevent's default,
`http.client.parse_headers`, costs about a tenth of a small SOAP call).

`RequestHeaders` offers what gevent's handler reads of its header object (the API of gevent's
`OldMessage`): `status`, `get`/`getheader` (case-insensitive, first value), `del`, `headers` (the lines)
and `typeheader`. The limits are http.client's: a line over 65,536 bytes or more than 100 headers is
refused (gevent then answers 400), and so is a line that is not `name: value`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

# Sent with an answer the throttle held back: the milliseconds of the delay (Nmbrs sends no such header;
# a load test uses it to report the delay apart from the latency, see loadtests/scenarios/judge.py).
DELAY_HEADER = "X-Nmbrs-Mock-Delayed-Ms"
MAX_LINE = 65536  # http.client._MAXLINE
MAX_HEADERS = 100  # http.client._MAXHEADERS
_END = (b"\r\n", b"\n", b"")
_TOKEN_CHARACTERS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class _LineReader(Protocol):
    def readline(self, size: int = ..., /) -> bytes: ...


class RequestHeaders:
    __slots__ = ("_items", "status")

    def __init__(self, items: list[tuple[str, str]] | None = None, status: str = "") -> None:
        self._items = items or []
        self.status = status  # not empty: the headers were refused (why)

    def get(self, name: str, default: Any = None) -> Any:
        wanted = name.lower()
        for key, value in self._items:
            if key.lower() == wanted:
                return value
        return default

    getheader = get

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __delitem__(self, name: str) -> None:
        wanted = name.lower()
        self._items = [(key, value) for key, value in self._items if key.lower() != wanted]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    @property
    def headers(self) -> Iterator[str]:
        for key, value in self._items:
            yield f"{key}: {value}\r\n"

    @property
    def typeheader(self) -> str | None:
        value: str | None = self.get("content-type")
        return value


def read_headers(stream: _LineReader, *_: object) -> RequestHeaders:
    """The header lines up to the blank line (as `http.client.parse_headers` reads them)."""
    items: list[tuple[str, str]] = []
    while True:
        line = stream.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            return RequestHeaders(status="Line too long")
        if line in _END:
            return RequestHeaders(items)
        if len(items) >= MAX_HEADERS:
            return RequestHeaders(status=f"More than {MAX_HEADERS} headers")
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t"):  # an obsolete folded line continues the previous value
            if not items:
                return RequestHeaders(status="A folded line before the first header")
            key, value = items[-1]
            items[-1] = (key, f"{value} {text.strip()}".strip())
            continue
        name, colon, value = text.partition(":")
        if not colon or not name or not _TOKEN_CHARACTERS.issuperset(name):
            return RequestHeaders(status="Invalid header line")
        items.append((name, value.strip()))
