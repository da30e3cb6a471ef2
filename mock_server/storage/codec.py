"""How rows hold their data: Nmbrs vocabulary as compact JSON. Decimal, datetime, date and bytes are
tagged so they come back with their type (and decimals with their scale)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_TAGGERS: dict[type, Any] = {  # by exact type: the common case, one dict lookup
    Decimal: lambda value: {"$d": format(value, "f")},
    datetime: lambda value: {"$t": value.isoformat()},
    date: lambda value: {"$D": value.isoformat()},
}


def _default(value: Any) -> Any:
    tagger = _TAGGERS.get(type(value))
    if tagger is not None:
        return tagger(value)
    if isinstance(value, Decimal):
        return {"$d": format(value, "f")}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$D": value.isoformat()}
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(value).decode()}
    raise TypeError(f"cannot store {type(value).__name__}")


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$d": Decimal,
    "$t": datetime.fromisoformat,
    "$D": date.fromisoformat,
    "$b": base64.b64decode,
}


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        key, value = next(iter(obj.items()))
        decoder = _DECODERS.get(key)
        if decoder is not None:
            return decoder(value)
    return obj


_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"))
_DECODER = json.JSONDecoder(object_hook=_hook)


class Encoded(dict[str, Any]):
    """A record's data with its JSON text made already (`encoded`): stored as that text."""

    text: str = ""


def encoded(data: dict[str, Any], text: str) -> Encoded:
    """`data`, stored as `text` (which must be `dumps(data)`: seeding makes many payslips alike)."""
    value = Encoded(data)
    value.text = text
    return value


def dumps(value: Any) -> str:
    if type(value) is Encoded:
        return value.text
    return _ENCODER.encode(value)


def loads(text: str) -> Any:
    return _DECODER.decode(text)
