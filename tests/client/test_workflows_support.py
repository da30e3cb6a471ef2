"""The small pieces under the workflows: progress bars, CSV errors, the wage calendar."""

from __future__ import annotations

import io
from datetime import date

import pytest
from nmbrs_client.models import Period
from nmbrs_client.workflows.csv_input import CsvError, read_rows
from nmbrs_client.workflows.periods import PeriodType, WageCalendar
from nmbrs_client.workflows.progress import TerminalBar, for_stream, quiet


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_off_when_stderr_is_no_terminal():
    assert for_stream(io.StringIO()) is quiet
    assert for_stream(Terminal(), enabled=False) is quiet


def test_terminal_bar_draws_and_ends_the_line():
    stream = Terminal()
    bar = for_stream(stream)("Exporting", 4)
    assert isinstance(bar, TerminalBar)
    for _ in range(4):
        bar.advance()
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rExporting [") and "] 4/4" in text and text.endswith("\n")
    assert "#" * TerminalBar.WIDTH in text


def test_csv_semicolons_comma_decimals_and_bom(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("\ufeffEmployee_ID;Hours\n1;7,5\n\n2;8\n", encoding="utf-8")
    rows = list(read_rows(path, ("employee_id", "hours")))
    assert [(r.line, r.integer("employee_id"), str(r.decimal("hours"))) for r in rows] == [
        (2, 1, "7.5"),
        (4, 2, "8"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("employee_id\n1\n", 1, "hours", "lacks column"),
        ("employee_id,hours,colour\n1,2,red\n", 1, "colour", "unknown column"),
        ("employee_id,hours\n1,2,3\n", 2, None, "3 cells"),
        ("employee_id,hours\n1,NaN\n", 2, "hours", "not a finite number"),
    ],
)
def test_csv_errors_point_at_the_cell(tmp_path, text, line, column, fragment):
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CsvError) as error:
        for row in read_rows(path, ("employee_id", "hours")):
            row.decimal("hours")
    assert (error.value.line, error.value.column) == (line, column) and fragment in str(error.value)


def test_csv_that_is_missing_or_not_utf8(tmp_path):
    with pytest.raises(CsvError, match="cannot open"):
        list(read_rows(tmp_path / "nope.csv", ("a",)))
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a\nok\n\xe9\n")
    with pytest.raises(CsvError, match="line 3: not UTF-8"):
        list(read_rows(path, ("a",)))


def test_monthly_calendar_from_the_16th():
    calendar = WageCalendar.starting(PeriodType.MONTHLY, date(2025, 12, 16))
    assert calendar.year == 2026
    assert calendar.period_of(date(2025, 12, 16)) == Period(2026, 1)
    assert calendar.period_of(date(2026, 1, 15)) == Period(2026, 1)
    assert calendar.period_of(date(2026, 1, 16)) == Period(2026, 2)
    assert calendar.period_of(date(2026, 12, 15)) == Period(2026, 12)
    with pytest.raises(ValueError, match="after the last monthly period"):
        calendar.period_of(date(2026, 12, 16))


def test_four_weekly_year_of_52_weeks_ends_after_13_periods():
    calendar = WageCalendar.starting(PeriodType.FOUR_WEEKLY, date(2027, 1, 4))  # ISO 2027 has 52 weeks
    assert calendar.period_of(date(2027, 12, 26)) == Period(2027, 13)
    with pytest.raises(ValueError):
        calendar.period_of(date(2028, 1, 3))
