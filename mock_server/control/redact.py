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
    if value is None or isinstance(value, bool | int | float):
        return value, 8
    if isinstance(value, str):
        return value, len(value) + 2
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text, len(text) + 2
    if isinstance(value, datetime | date | time):
        return value.isoformat(), 28
    if isinstance(value, bytes | bytearray):
        text = base64.b64encode(value).decode()
        return text, len(text) + 2
    if isinstance(value, dict):
        out, size = {}, 2
        for key, item in value.items():
            if isinstance(key, str) and key.lower() in _SECRET_KEYS and item is not None:
                out[key], item_size = MASK, 5
            else:
                out[key], item_size = jsonable(item)
            size += item_size + len(str(key)) + 4
        return out, size
    if isinstance(value, list | tuple):
        items, size = [], 2
        for item in value:
            converted, item_size = jsonable(item)
            items.append(converted)
            size += item_size + 1
        return items, size
    text = str(value)
    return text, len(text) + 2


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
