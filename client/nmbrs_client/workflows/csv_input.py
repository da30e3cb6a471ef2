"""CSV input for the export workflows; every bad value is a `CsvError` naming file, line and column.

Files are UTF-8 (a BOM is fine) with a header row; the delimiter (`,` or `;`) is sniffed from the
header. Decimals take `.` or `,` (`7,5`). Line numbers count the header as line 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class CsvError(ValueError):
    def __init__(self, path: str, line: int, column: str | None, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        where = f"{path}, line {line}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Row:
    """One data row; `value`, `integer`, `decimal` and `day` raise `CsvError` pointing at the cell."""

    path: str
    line: int
    cells: dict[str, str]

    def value(self, column: str, required: bool = True) -> str | None:
        text = (self.cells.get(column) or "").strip()
        if not text and required:
            raise CsvError(self.path, self.line, column, "a value is required")
        return text or None

    def _parsed(self, column: str, required: bool, parse: Callable[[str], T], kind: str) -> T | None:
        text = self.value(column, required)
        if text is None:
            return None
        try:
            return parse(text)
        except (ValueError, InvalidOperation):
            raise CsvError(self.path, self.line, column, f"{text!r} is not {kind}") from None

    def integer(self, column: str, required: bool = True) -> int | None:
        return self._parsed(column, required, int, "a whole number")

    def decimal(self, column: str, required: bool = True) -> Decimal | None:
        number = self._parsed(column, required, _decimal, "a number (like 7.5)")
        if number is not None and not number.is_finite():
            raise CsvError(self.path, self.line, column, f"{number} is not a finite number")
        return number

    def day(self, column: str, required: bool = True) -> date | None:
        return self._parsed(column, required, date.fromisoformat, "a date (YYYY-MM-DD)")

    def error(self, column: str | None, message: str) -> CsvError:
        return CsvError(self.path, self.line, column, message)


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def read_rows(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterator[Row]:
    """The data rows of a CSV whose header has every `required` column (case-insensitive names)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CsvError(name, 0, None, f"cannot open: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CsvError(name, text_line(error), None, "not UTF-8 text") from None
    first = text.partition("\n")[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ","
    )
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvError(name, 1, missing[0], f"the header lacks column(s) {', '.join(missing)}")
    unknown = [column for column in header if column and column not in required + optional]
    if unknown:
        raise CsvError(
            name, 1, unknown[0], f"unknown column; the columns are: {', '.join(required + optional)}"
        )
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise CsvError(name, reader.line_num, None, f"{len(cells)} cells, the header has {len(header)}")
        yield Row(name, reader.line_num, dict(zip(header, cells, strict=False)))


def text_line(error: UnicodeDecodeError) -> int:
    """The line (1-based) holding the byte that is not UTF-8."""
    return error.object[: error.start].count(b"\n") + 1
