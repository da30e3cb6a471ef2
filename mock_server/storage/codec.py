"""How rows hold their data: Nmbrs vocabulary as compact JSON. Decimal, datetime, date and bytes are
tagged so they come back with their type (and decimals with their scale).

orjson writes and reads the text (UTF-8, not \\u-escaped: `STORE_FORMAT` 4). What it cannot write
(an integer beyond 64 bits) the standard library writes, behind a leading space that sends the text
back through the standard library too (orjson would read such an integer as a float); text it cannot
read (NaN from an older row) the standard library reads.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
SLOW = " "  # what starts a text written by the standard library (see the module's docstring)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):  # by far the most common
        return {"$d": format(value, "f")}
    if isinstance(value, datetime):  # before date: a datetime is a date
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


def _untag(value: Any) -> Any:
    """What `_hook` makes of a decoded value, applied inside out as `json` applies it."""
    if type(value) is dict:
        return _hook(_untag_items(value, value.items()))
    if type(value) is list:
        return _untag_items(value, enumerate(value))
    return value


def _untag_items(container: Any, items: Iterable[tuple[Any, Any]]) -> Any:
    """`container` (a dict or list, whose `items` are given) with `_untag` applied to its items."""
    decoders = _DECODERS
    for key, item in items:
        kind = type(item)
        if kind is dict:
            if len(item) != 1:  # a plain object: its items untagged in place
                _untag_items(item, item.items())
                continue
            (tag,) = item  # most often a tag of a text
            inner = item[tag]
            decoder = decoders.get(tag)
            if decoder is not None and type(inner) is str:
                container[key] = decoder(inner)
            else:
                container[key] = _hook(_untag_items(item, item.items()))
        elif kind is list:
            _untag_items(item, enumerate(item))
    return container


_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False)
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
    try:
        return orjson.dumps(value, default=_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError as error:
        if isinstance(error.__cause__, TypeError):  # `_default`: a value that cannot be stored
            raise error.__cause__ from None
    # what orjson does not write (an integer beyond 64 bits, deep nesting): the standard library does
    return SLOW + _ENCODER.encode(value)


def loads(text: str) -> Any:
    if text.startswith(SLOW):
        return _DECODER.decode(text)
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _DECODER.decode(text)
    return _untag(value) if '"$' in text else value
