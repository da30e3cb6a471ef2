"""Payroll reports as PDF: a heading, then sections of tables (the annual documents' layout)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from mock_server.documents.pdf import AmountLine, _Layout, format_euro

Cell = str


@dataclass(frozen=True)
class Section:
    """One table: a heading above it, its columns (the first is text, the others right-aligned)."""

    heading: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    totals: Sequence[AmountLine] = ()
    details: Sequence[tuple[str, str]] = field(default_factory=tuple)


def report_pdf(
    title: str,
    company_name: str,
    subtitle: str,
    sections: Sequence[Section],
    *,
    notes: Sequence[str] = (),
    created: datetime | None = None,
) -> bytes:
    """A report with `sections` one after the other (tables continue on new pages with their header)."""
    layout = _Layout(f"{title} - {company_name}")
    layout.heading(company_name, title, subtitle)
    for section in sections:
        layout.ensure(4 * 14.0)
        layout.line(section.heading, bold=True)
        layout.y -= 4
        if section.details:
            layout.details(section.details)
        layout.table(section.columns, section.rows or [["(geen)", *[""] * (len(section.columns) - 1)]])
        if section.totals:
            layout.totals(section.totals, width=len(section.columns) - 1)
        layout.y -= 12
    layout.notes(notes)
    return layout.finish(created)


def euro_cell(amount: Decimal) -> Cell:
    """An amount as a table cell, in Dutch notation (1.234,56)."""
    return format_euro(amount)
