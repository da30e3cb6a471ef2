"""The text a PDF of the mock shows, in drawing order (its content streams are uncompressed)."""

from __future__ import annotations

import re
from decimal import Decimal

_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj", re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{3}|.)", re.DOTALL)


def _unescape(raw: bytes) -> str:
    def one(match: re.Match[bytes]) -> bytes:
        value = match.group(1)
        return bytes([int(value, 8)]) if len(value) == 3 else value

    return _ESCAPE.sub(one, raw).decode("cp1252")


def pdf_strings(data: bytes) -> list[str]:
    """Every string the PDF draws (`(...) Tj`), in order, footers included."""
    return [_unescape(match.group(1)) for match in _SHOWN.finditer(data)]


def euro(text: str) -> Decimal:
    """A Dutch amount as the documents print it ("€ -1.234,56" or "1.234,56") as a Decimal."""
    cleaned = text.replace("€", "").strip().replace(".", "").replace(",", ".")
    return Decimal(cleaned)


def after(strings: list[str], label: str, skip: int = 0) -> list[str]:
    """The first non-empty string drawn after each occurrence of `label` (the row's next filled cell),
    or with `skip` the one `skip` filled cells further."""
    out = []
    for index, text in enumerate(strings):
        if text == label:
            filled = [s for s in strings[index + 1 :] if s.strip()]
            if len(filled) > skip:
                out.append(filled[skip])
    return out
