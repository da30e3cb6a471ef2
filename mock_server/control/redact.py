"""What the journal keeps of a call: JSON-able arguments and capped bodies, never a token in clear."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

MASK = "***"
ENTRY_OVERHEAD = 400  # bytes an entry costs beyond its bodies and arguments (a fair estimate)
_SECRET_KEYS = frozenset({"token", "password"})
# A <Token> element's text, also when written as CDATA or split by comments (hardening).
_TOKEN_TEXT = r"(?:[^<]|<!\[CDATA\[.*?\]\]>|<!--.*?-->)*"
_TOKEN = re.compile(
    rf"(<(?:[\w.-]+:)?Token\b[^>]*(?<!/)>){_TOKEN_TEXT}(</(?:[\w.-]+:)?Token\s*>)", re.IGNORECASE | re.DOTALL
)
# cut inside a token: everything after an opening tag that is not closed
_OPEN_TOKEN = re.compile(
    r"(<(?:[\w.-]+:)?Token\b[^>]*(?<!/)>)(?:(?!</(?:[\w.-]+:)?Token\s*>).)*$", re.IGNORECASE | re.DOTALL
)
MASK_MARGIN = 4096  # bytes read past the cap, so a token the cut would open is still masked


def jsonable(value: Any) -> tuple[Any, int]:
    """`value` with Decimal, dates and bytes as strings and secrets masked; and its approximate size."""
    convert = _BY_TYPE.get(type(value))
    return convert(value) if convert is not None else _jsonable_subclass(value)


def _jsonable_subclass(value: Any) -> tuple[Any, int]:
    """`jsonable` of a value whose exact type `_BY_TYPE` does not hold (a subclass, or any other)."""
    if value is None or isinstance(value, bool | int | float):
        return value, 8
    for kind, convert in _BY_TYPE.items():
        if isinstance(value, kind):
            return convert(value)
    text = str(value)
    return text, len(text) + 2


def _text(value: str) -> tuple[Any, int]:
    return value, len(value) + 2


def _decimal(value: Decimal) -> tuple[Any, int]:
    text = format(value, "f")
    return text, len(text) + 2


def _moment(value: datetime | date | time) -> tuple[Any, int]:
    return value.isoformat(), 28


def _binary(value: bytes | bytearray) -> tuple[Any, int]:
    text = base64.b64encode(value).decode()
    return text, len(text) + 2


def _mapping(value: dict[Any, Any]) -> tuple[Any, int]:
    out, size = {}, 2
    for key, item in value.items():
        secret = _SECRET_NAMES.get(key)
        if secret is None:
            secret = isinstance(key, str) and key.lower() in _SECRET_KEYS
            if len(_SECRET_NAMES) < _KNOWN_NAMES:
                _SECRET_NAMES[key] = secret
        if secret and item is not None:
            out[key], item_size = MASK, 5
        elif type(item) is str:  # the most common: inline
            out[key], item_size = item, len(item) + 2
        else:
            out[key], item_size = jsonable(item)
        size += item_size + len(str(key)) + 4
    return out, size


def _sequence(value: list[Any] | tuple[Any, ...]) -> tuple[Any, int]:
    items, size = [], 2
    for item in value:
        converted, item_size = jsonable(item)
        items.append(converted)
        size += item_size + 1
    return items, size


def _scalar(value: Any) -> tuple[Any, int]:
    return value, 8


_BY_TYPE: dict[type, Any] = {  # exact types first; `_jsonable_subclass` tries them in this order
    type(None): _scalar,
    bool: _scalar,
    int: _scalar,
    float: _scalar,
    str: _text,
    Decimal: _decimal,
    datetime: _moment,
    date: _moment,
    time: _moment,
    bytes: _binary,
    bytearray: _binary,
    dict: _mapping,
    list: _sequence,
    tuple: _sequence,
}
_SECRET_NAMES: dict[Any, bool] = {}  # key -> whether its value is masked (keys are field names)
_KNOWN_NAMES = 4096


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(rf"\g<1>{MASK}\g<2>", text)


def body_text(body: bytes, cap: int, mask: bool = True) -> tuple[str | None, bool]:
    """A body as text of at most `cap` characters (None when nothing is kept), and whether it was cut.
    Tokens are masked before the cut, and a token the cut opens is masked too."""
    if cap <= 0:
        return None, bool(body)
    head = body[: cap + MASK_MARGIN].decode("utf-8", errors="replace")
    if mask:
        head = mask_tokens(head)
    truncated = len(body) > cap or len(head) > cap
    text = head[:cap]
    if mask and truncated:
        text = _OPEN_TOKEN.sub(rf"\g<1>{MASK}", text)
    return text, truncated
