"""A tiny dependency-free PDF 1.4 writer (Helvetica, A4) and payslip / annual-document layouts.

Output is deterministic: no timestamps or random IDs unless a creation time is passed in. Text is
written in WinAnsiEncoding (cp1252: Latin-1 plus "€" and typographic quotes); any other character
becomes "?".
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

PAGE_WIDTH = 595.28  # A4 in points
PAGE_HEIGHT = 841.89
MARGIN = 50.0
RIGHT = PAGE_WIDTH - MARGIN
_BOTTOM = MARGIN + 30.0  # room for the footer
_LEADING = 14.0
_FONT_SIZE = 10.0
_AMOUNT_COLUMN = 100.0
_CENT = Decimal("0.01")

# Advance widths (per 1000 em) for characters 32..126, from the standard Adobe AFM metrics.
_HELVETICA_WIDTHS: tuple[int, ...] = (
    *(278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278),
    *(556,) * 10,
    *(278, 278, 584, 584, 584, 556, 1015),
    *(667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833),
    *(722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611),
    *(278, 278, 278, 469, 556, 333),
    *(556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833),
    *(556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500),
    *(334, 260, 334, 584),
)
_HELVETICA_BOLD_WIDTHS: tuple[int, ...] = (
    *(278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278),
    *(556,) * 10,
    *(333, 333, 584, 584, 584, 611, 975),
    *(722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833),
    *(722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611),
    *(333, 278, 333, 584, 556, 333),
    *(556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889),
    *(611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500),
    *(389, 280, 389, 584),
)

AmountLine = tuple[str, Decimal]


def pdf_escape(text: str) -> str:
    """The body of a PDF literal string: cp1252 bytes, with ( ) \\ escaped and non-ASCII as octal."""
    out: list[str] = []
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out.append("\\" + chr(byte))
        elif byte < 0x20:
            out.append(" ")
        elif byte > 0x7E:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return "".join(out)


def text_width(text: str, size: float = _FONT_SIZE, *, bold: bool = False) -> float:
    """Width in points of `text` in Helvetica (accented letters measured as their base letter)."""
    widths = _HELVETICA_BOLD_WIDTHS if bold else _HELVETICA_WIDTHS
    total = 0
    for char in text:
        code = ord(unicodedata.normalize("NFKD", char)[:1] or char)
        total += widths[code - 32] if 32 <= code <= 126 else 556
    return total * size / 1000


def format_euro(amount: Decimal) -> str:
    """Dutch notation with two decimals: Decimal("-1234.5") -> "-1.234,50"."""
    value = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    whole, cents = f"{abs(value):.2f}".split(".")
    return f"{'-' if value < 0 else ''}{int(whole):,}".replace(",", ".") + f",{cents}"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text + "…"


def _split_long_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    parts: list[str] = []
    current, used = "", 0.0
    for char in word:
        advance = text_width(char, size, bold=bold)
        if current and used + advance > width:
            parts.append(current)
            current, used = "", 0.0
        current += char
        used += advance
    return [*parts, current]


def wrap_text(text: str, width: float, size: float = _FONT_SIZE, *, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; words wider than a line are broken."""
    lines: list[str] = []
    current = ""
    words = [part for word in text.split() for part in _split_long_word(word, width, size, bold)]
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold=bold) > width:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current] if current else lines or [""]


# --- low-level document --------------------------------------------------------------------------
def _text_string(text: str) -> str:
    """A PDF text string for the document info: UTF-16BE with BOM, as hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _pdf_date(moment: datetime) -> str:
    stamp = moment.strftime("D:%Y%m%d%H%M%S")
    offset = moment.utcoffset()
    if offset is None:
        return stamp
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{stamp}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode("ascii") + b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    file_id = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R /ID [<{file_id}> <{file_id}>] >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref_at}\n%%EOF\n".encode("ascii")
    return bytes(out)


def build_pdf(title: str, page_streams: Sequence[bytes], created: datetime | None = None) -> bytes:
    """Wrap ready content streams (one per A4 page, fonts /F1 Helvetica and /F2 Helvetica-Bold)."""
    streams = list(page_streams) or [b""]
    kids = " ".join(f"{6 + 2 * index} 0 R" for index in range(len(streams)))
    info = f"<< /Title {_text_string(title)} /Producer (nmbrs-mock)"
    info += f" /CreationDate ({_pdf_date(created)}) >>" if created else " >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(streams)} >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        info.encode("ascii"),
    ]
    for index, stream in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(PAGE_WIDTH)} {_num(PAGE_HEIGHT)}]"
            f" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {7 + 2 * index} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode("ascii") + stream + b"\nendstream")
    return _assemble(objects)


class _Canvas:
    """Drawing operations per page, in PDF points with the origin at the bottom left."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.ops = self.pages[0]

    def new_page(self) -> None:
        self.ops = []
        self.pages.append(self.ops)

    def select(self, index: int) -> None:
        self.ops = self.pages[index]

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = _FONT_SIZE,
        bold: bool = False,
        right: bool = False,
    ) -> None:
        if right:
            x -= text_width(text, size, bold=bold)
        font = "F2" if bold else "F1"
        self.ops.append(f"BT /{font} {_num(size)} Tf {_num(x)} {_num(y)} Td ({pdf_escape(text)}) Tj ET")

    def rule(self, y: float, width: float = 0.5) -> None:
        self.ops.append(f"{_num(width)} w {_num(MARGIN)} {_num(y)} m {_num(RIGHT)} {_num(y)} l S")

    def band(self, y: float, height: float, gray: float = 0.9) -> None:
        box = f"{_num(MARGIN)} {_num(y)} {_num(RIGHT - MARGIN)} {_num(height)}"
        self.ops.append(f"q {_num(gray)} g {box} re f Q")

    def streams(self) -> list[bytes]:
        return ["\n".join(ops).encode("ascii") for ops in self.pages]


# --- layouts -------------------------------------------------------------------------------------
class _Layout:
    """Flows headings, key/value blocks, tables and notes down A4 pages, breaking pages as needed."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.canvas = _Canvas()
        self.y = PAGE_HEIGHT - MARGIN
        self.columns: tuple[str, ...] = ()

    def new_page(self) -> None:
        self.canvas.new_page()
        self.y = PAGE_HEIGHT - MARGIN

    def ensure(self, height: float) -> None:
        if self.y - height >= _BOTTOM:
            return
        self.new_page()
        self.canvas.text(MARGIN, self.y - 10, self.title, size=9, bold=True)
        self.y -= 28
        if self.columns:
            self._table_header()

    def line(self, text: str, *, size: float = _FONT_SIZE, bold: bool = False) -> None:
        for part in wrap_text(text, RIGHT - MARGIN, size, bold=bold):
            self.ensure(size * 1.4)
            self.y -= size * 1.4
            self.canvas.text(MARGIN, self.y, part, size=size, bold=bold)

    def heading(self, left: str, title: str, subtitle: str) -> None:
        self.canvas.text(
            MARGIN, self.y - 16, _fit(left, RIGHT - MARGIN - 200, 14, bold=True), size=14, bold=True
        )
        self.canvas.text(RIGHT, self.y - 16, title, size=16, bold=True, right=True)
        self.canvas.text(RIGHT, self.y - 32, subtitle, right=True)
        self.y -= 42
        self.canvas.rule(self.y, width=1)
        self.y -= 10

    def details(self, pairs: Sequence[tuple[str, str]]) -> None:
        for label, value in pairs:
            self.ensure(_LEADING)
            self.y -= _LEADING
            self.canvas.text(MARGIN, self.y, label, bold=True)
            self.canvas.text(MARGIN + 140, self.y, _fit(value, RIGHT - MARGIN - 140, _FONT_SIZE))
        self.y -= 12

    def _amount_right_edges(self, count: int) -> list[float]:
        return [RIGHT - 4 - (count - 1 - index) * _AMOUNT_COLUMN for index in range(count)]

    def _row(self, cells: Sequence[str], *, bold: bool = False) -> None:
        edges = self._amount_right_edges(len(cells) - 1)
        space = (edges[0] - _AMOUNT_COLUMN if edges else RIGHT) - MARGIN - 8
        self.y -= _LEADING
        self.canvas.text(MARGIN + 4, self.y, _fit(cells[0], space, _FONT_SIZE, bold=bold), bold=bold)
        for edge, cell in zip(edges, cells[1:], strict=True):
            self.canvas.text(edge, self.y, cell, bold=bold, right=True)

    def _table_header(self) -> None:
        self.canvas.band(self.y - _LEADING - 4, _LEADING + 2)
        self._row(self.columns, bold=True)
        self.y -= 4

    def table(self, columns: tuple[str, ...], rows: Sequence[Sequence[str]]) -> None:
        self.ensure(3 * _LEADING)
        self.columns = columns
        self._table_header()
        for row in rows:
            self.ensure(_LEADING)
            self._row(row)
        self.columns = ()

    def totals(self, pairs: Sequence[AmountLine], width: int) -> None:
        self.ensure(_LEADING * (len(pairs) + 1))
        self.y -= 6
        self.canvas.rule(self.y)
        for label, amount in pairs:
            self._row([label, *[""] * (width - 1), f"€ {format_euro(amount)}"], bold=True)

    def notes(self, notes: Sequence[str]) -> None:
        if notes:
            self.y -= 16
        for note in notes:
            self.line(note, size=8)

    def finish(self, created: datetime | None) -> bytes:
        count = len(self.canvas.pages)
        for index in range(count):
            self.canvas.select(index)
            self.canvas.text(MARGIN, MARGIN, _fit(self.title, 300, 8), size=8)
            self.canvas.text(RIGHT, MARGIN, f"Pagina {index + 1} van {count}", size=8, right=True)
        return build_pdf(self.title, self.canvas.streams(), created)


def render_pdf(title: str, pages: list[list[str]], *, created: datetime | None = None) -> bytes:
    """One A4 page per list of lines (overflowing lines continue on extra pages), title on top."""
    layout = _Layout(title)
    for index, lines in enumerate(pages or [[]]):
        if index:
            layout.new_page()
        layout.line(title, size=14, bold=True)
        layout.y -= 8
        for text in lines:
            layout.line(text)
    return layout.finish(created)


def _payment_or_deduction(amount: Decimal) -> tuple[str, str]:
    return (format_euro(amount), "") if amount >= 0 else ("", format_euro(-amount))


@dataclass(frozen=True)
class PayslipContent:
    employee_name: str
    period_label: str
    lines: Sequence[AmountLine]
    totals: Sequence[AmountLine]
    details: Sequence[tuple[str, str]] = ()
    notes: Sequence[str] = ()


def payslips_pdf(
    company_name: str, slips: Sequence[PayslipContent], *, created: datetime | None = None
) -> bytes:
    """Loonstroken, each from a new page: payments under "Betaling", negative amounts under "Inhouding"."""
    title = f"Loonstroken {company_name}" if len(slips) != 1 else f"Loonstrook {slips[0].period_label}"
    layout = _Layout(title if len(slips) != 1 else f"{title} - {slips[0].employee_name}")
    for index, slip in enumerate(slips):
        if index:
            layout.columns = ()
            layout.new_page()
        layout.heading(company_name, "Loonstrook", slip.period_label)
        layout.details([("Naam", slip.employee_name), *slip.details])
        rows = [(description, *_payment_or_deduction(amount)) for description, amount in slip.lines]
        layout.table(("Omschrijving", "Betaling", "Inhouding"), rows)
        layout.totals(slip.totals, width=2)
        layout.notes(slip.notes)
    return layout.finish(created)


def payslip_pdf(
    company_name: str,
    employee_name: str,
    period_label: str,
    lines: Sequence[AmountLine],
    totals: Sequence[AmountLine],
    *,
    details: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    created: datetime | None = None,
) -> bytes:
    """A single loonstrook."""
    slip = PayslipContent(employee_name, period_label, lines, totals, details, notes)
    return payslips_pdf(company_name, [slip], created=created)


def annual_document_pdf(
    title: str,
    company_name: str,
    period_label: str,
    lines: Sequence[AmountLine],
    totals: Sequence[AmountLine],
    *,
    employee_name: str = "",
    details: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    created: datetime | None = None,
) -> bytes:
    """A yearly document such as "Jaaropgaaf 2026" (per employee) or "Loonjournaal" (per company)."""
    layout = _Layout(f"{title} - {employee_name}" if employee_name else f"{title} - {company_name}")
    layout.heading(company_name, title, period_label)
    layout.details([*([("Naam", employee_name)] if employee_name else []), *details])
    layout.table(("Omschrijving", "Bedrag"), [(text, format_euro(amount)) for text, amount in lines])
    layout.totals(totals, width=1)
    layout.notes(notes)
    return layout.finish(created)
