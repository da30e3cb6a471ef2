"""Spyne decodes each distinct small request body once.

An integrator repeats the same small calls (the same employee's hours, the current period of the same
company), and Spyne's decoding is most of what such a call costs. Decoding is a pure function of the
body element as written and the namespaces in scope, so its result is remembered, keyed by exactly
those: a body that differs in one byte is decoded anew. Only bodies that Spyne decoded without a fault
are remembered, and every call gets its own copy of the arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lxml import etree

if TYPE_CHECKING:
    from mock_server.soap.envelope import SoapRequest

MAX_BODY_BYTES = 2048  # larger bodies (batches) are rarely sent twice: always decoded
MAX_DOCUMENT_BYTES = 4096  # whole requests remembered as sent (`DecodedDocuments`), header included
MAX_ENTRIES = 1024  # distinct bodies remembered per service; the least recently used go first


@dataclass(frozen=True)
class DecodedBody:
    """What Spyne made of a body: the generated operation, its arguments as Spyne objects, and as plain
    values (copied for each call by `arguments`)."""

    function: Callable[..., Any]
    in_object: Any
    args: dict[str, Any]

    def arguments(self) -> dict[str, Any]:
        copied: dict[str, Any] = _copy(self.args)
        return copied


def _copy(value: Any) -> Any:
    """A copy of plain decoded values (dicts, lists, immutable scalars), so a handler may change its own."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


BodyKey = tuple[Any, ...]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """At most `max_entries` values, the least recently used dropped first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._entries[key] = found  # now the most recently used
        return found

    def remember(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = value

    def __len__(self) -> int:
        return len(self._entries)


class DecodedBodies(_Recent[BodyKey, DecodedBody]):
    """The decoded bodies of one service, least recently used first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        super().__init__(max_entries)
        self.max_body_bytes = max_body_bytes

    def key(self, operation: str, body: etree._Element) -> BodyKey | None:
        """The body as written with the namespaces in scope, or None when it is too large to remember."""
        written = etree.tostring(body)
        if len(written) > self.max_body_bytes:
            return None
        return (operation, written, *body.nsmap.items())


@dataclass(frozen=True)
class DecodedDocument:
    """A whole request as sent, read and decoded before: its routing, its body's decoding and its
    header's fields as the adapter remembers them; each call gets its own copies."""

    request: SoapRequest
    body: DecodedBody
    header: dict[str, Any]


DocumentKey = tuple[bytes, str | None, str | None]  # the request's bytes, Content-Type, SOAPAction


class DecodedDocuments(_Recent[DocumentKey, DecodedDocument]):
    """Whole small requests read and decoded once: an integrator repeats the very same calls, so even
    the envelope is parsed only the first time. Only requests that were read and decoded without a
    fault are remembered."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        super().__init__(max_entries)
        self.max_bytes = max_bytes

    def key(self, document: bytes, content_type: str | None, soap_action: str | None) -> DocumentKey | None:
        """The request as sent, or None when it is too large to remember."""
        return None if len(document) > self.max_bytes else (document, content_type, soap_action)
