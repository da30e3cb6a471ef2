"""The .NET XmlSerializer rules for request values, one row per rule (mock_server/soap/dotnet_values.py).

Each row: contract type, text as sent, what .NET reads (the canonical text the mock decodes) or the
exception text .NET raises. Sources: NETSRC XmlConvert / XsdDateTime / Guid / Base64Decoder.
"""

from __future__ import annotations

from datetime import date

import pytest

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import BUILTIN_TYPES
from mock_server.soap.dotnet_values import (
    FORMAT,
    GUID_DASHES,
    GUID_HEX,
    GUID_LENGTH,
    GUID_UNRECOGNIZED,
    READERS,
    UNCHECKED,
    DotNetValueError,
    enum_reader,
    read_datetime,
)

INT32 = "Value was either too large or too small for an Int32."
DECIMAL = "Value was either too large or too small for a Decimal."
G = "0f8fad5b-d9cb-469f-a165-70867728950e"

# (type, sent, read) — `read` is the canonical text, or ("error", .NET's message)
ACCEPTED = [
    ("int", "42", "42"),
    ("int", "+42", "42"),  # AllowLeadingSign: + and -
    ("int", "-42", "-42"),
    ("int", " \t\n42\r\n ", "42"),  # AllowLeading/TrailingWhite
    ("int", "0042", "42"),  # leading zeros
    ("int", "2147483647", "2147483647"),
    ("int", "-2147483648", "-2147483648"),
    ("decimal", "7.50", "7.50"),  # the scale is kept
    ("decimal", "+7.5", "7.5"),
    ("decimal", "-0.25", "-0.25"),
    ("decimal", " 12 ", "12"),
    ("decimal", "5.", "5"),  # AllowDecimalPoint: digits on one side are enough
    ("decimal", ".5", "0.5"),
    ("decimal", "1." + "1" * 30, "1." + "1" * 28),  # more than 28 decimals are rounded
    ("decimal", "79228162514264337593543950335", "79228162514264337593543950335"),
    ("boolean", "true", "true"),
    ("boolean", "false", "false"),
    ("boolean", "1", "true"),
    ("boolean", "0", "false"),
    ("boolean", "  true\n", "true"),  # trimmed of XML white space
    ("dateTime", "2026-03-31T12:34:56", "2026-03-31T12:34:56"),
    ("dateTime", "2026-03-31", "2026-03-31T00:00:00"),  # a date is midnight (issue 11 class 10)
    ("dateTime", "2026-03-31T12:34:56.1234567", "2026-03-31T12:34:56.123456"),
    ("dateTime", "2026-03-31T12:34:56Z", "2026-03-31T12:34:56"),  # wall clock kept (INFERRED)
    ("dateTime", "2026-03-31T12:34:56+02:00", "2026-03-31T12:34:56"),
    ("dateTime", "2026-03-31-05:00", "2026-03-31T00:00:00"),
    ("dateTime", " 2026-03-31T00:00:00 ", "2026-03-31T00:00:00"),
    ("dateTime", "2026-03", "2026-03-01T00:00:00"),  # gYearMonth
    ("dateTime", "2026", "2026-01-01T00:00:00"),  # gYear
    ("dateTime", "--03-31", "1904-03-31T00:00:00"),  # gMonthDay: XsdDateTime's leap year
    ("dateTime", "---31", "1904-01-31T00:00:00"),  # gDay
    ("dateTime", "--03", "1904-03-01T00:00:00"),  # gMonth
    ("dateTime", "2024-02-29", "2024-02-29T00:00:00"),
    ("guid", G, G),  # D
    ("guid", G.upper(), G),  # written back lower case
    ("guid", G.replace("-", ""), G),  # N
    ("guid", "{" + G + "}", G),  # B
    ("guid", "(" + G + ")", G),  # P
    ("guid", " " + G + "\n", G),  # trimmed
    ("guid", "{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}", G),  # X
    ("base64Binary", "aGVsbG8=", "aGVsbG8="),
    ("base64Binary", "aGVs\n bG8=", "aGVsbG8="),  # white space inside is skipped
    ("base64Binary", "aGVsbG8", "aGVsbG8="),  # padding may be left out
    ("base64Binary", "", ""),
]
REFUSED = [
    ("int", "", FORMAT),
    ("int", "   ", FORMAT),
    ("int", "abc", FORMAT),
    ("int", "1.5", FORMAT),  # no decimal point
    ("int", "1e3", FORMAT),  # no exponent
    ("int", "1,000", FORMAT),  # no group separator
    ("int", "0x1A", FORMAT),  # no hex
    ("int", "+-1", FORMAT),
    ("int", "1 2", FORMAT),
    ("int", "12abc", FORMAT),
    ("int", "١٢", FORMAT),  # ASCII digits only (Python's int() takes these)
    ("int", "1_000", FORMAT),  # (Python's int() takes this too)
    ("int", "\u00a042", FORMAT),  # NO-BREAK SPACE is no number white space
    ("int", "2147483648", INT32),
    ("int", "-2147483649", INT32),
    ("int", "99999999999", INT32),
    ("decimal", "", FORMAT),
    ("decimal", ".", FORMAT),
    ("decimal", "1e5", FORMAT),  # decimal: no exponent (xs:double would take it; the contract has none)
    ("decimal", "1,5", FORMAT),  # invariant culture: the point only
    ("decimal", "--1", FORMAT),
    ("decimal", "NaN", FORMAT),
    ("decimal", "Infinity", FORMAT),
    ("decimal", "1.2.3", FORMAT),
    ("decimal", "79228162514264337593543950336", DECIMAL),
    ("boolean", "True", "The string 'True' is not a valid Boolean value."),  # case counts
    ("boolean", "TRUE", "The string 'TRUE' is not a valid Boolean value."),
    ("boolean", "yes", "The string 'yes' is not a valid Boolean value."),
    ("boolean", "2", "The string '2' is not a valid Boolean value."),
    ("boolean", "", "The string '' is not a valid Boolean value."),
    ("boolean", " no ", "The string 'no' is not a valid Boolean value."),  # the message shows it trimmed
    ("dateTime", "", "The string '' is not a valid AllXsd value."),
    ("dateTime", "abc", "The string 'abc' is not a valid AllXsd value."),
    ("dateTime", "2026-13-01T00:00:00", "The string '2026-13-01T00:00:00' is not a valid AllXsd value."),
    ("dateTime", "2026-02-29", "The string '2026-02-29' is not a valid AllXsd value."),
    ("dateTime", "31-12-2026", "The string '31-12-2026' is not a valid AllXsd value."),
    ("dateTime", "2026-03-31 12:00:00", "The string '2026-03-31 12:00:00' is not a valid AllXsd value."),
    ("dateTime", "2026-03-31T24:00:00", "The string '2026-03-31T24:00:00' is not a valid AllXsd value."),
    ("dateTime", "2026-03-31T12:00", "The string '2026-03-31T12:00' is not a valid AllXsd value."),
    ("dateTime", "2026-3-31", "The string '2026-3-31' is not a valid AllXsd value."),
    ("dateTime", "0000-01-01", "The string '0000-01-01' is not a valid AllXsd value."),
    ("dateTime", "2026-03-31+15:00", "The string '2026-03-31+15:00' is not a valid AllXsd value."),
    ("dateTime", "1603068090810\n ", "The string '1603068090810\n ' is not a valid AllXsd value."),  # as sent
    ("guid", "", GUID_UNRECOGNIZED),
    ("guid", "abc", GUID_LENGTH),
    ("guid", G + "0", GUID_LENGTH),
    ("guid", G.replace("0", "g"), GUID_HEX),
    ("guid", G.replace("-", "")[:-1] + "x", GUID_HEX),
    ("guid", G[:7] + "-" + G[7:12] + G[13:], GUID_DASHES),
    ("guid", "{" + G + ")", GUID_UNRECOGNIZED),
    ("base64Binary", "aGVs!G8=", "'aGVs!G8=' is not a valid Base64 text sequence."),
    ("base64Binary", "aGVs=bG8", "'aGVs=bG8' is not a valid Base64 text sequence."),  # nothing after =
]


@pytest.mark.parametrize(("type_name", "sent", "read"), ACCEPTED)
def test_dotnet_accepts(type_name: str, sent: str, read: str) -> None:
    assert READERS[type_name](sent) == read


@pytest.mark.parametrize(("type_name", "sent", "message"), REFUSED)
def test_dotnet_refuses(type_name: str, sent: str, message: str) -> None:
    with pytest.raises(DotNetValueError) as refused:
        READERS[type_name](sent)
    assert refused.value.message == message
    assert refused.value.xml_error == (type_name == "base64Binary")  # XmlException: ASMX answers 400


def test_a_time_of_day_is_today() -> None:
    assert read_datetime("08:30:00", today=lambda: date(2026, 5, 4)) == "2026-05-04T08:30:00"


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("Month", None),
        ("month", "Instance validation error: 'month' is not a valid value for PeriodType."),
        (" Month", "Instance validation error: ' Month' is not a valid value for PeriodType."),
        ("", "Instance validation error: '' is not a valid value for PeriodType."),
        ("1", "Instance validation error: '1' is not a valid value for PeriodType."),  # names, not numbers
    ],
)
def test_enums_take_their_names_exactly(sent: str, message: str | None) -> None:
    read = enum_reader("PeriodType", ("Month", "Week", "FourWeeks"))
    if message is None:
        assert read(sent) == sent
        return
    with pytest.raises(DotNetValueError) as refused:
        read(sent)
    assert refused.value.message == message


def test_every_type_the_contract_uses_has_a_rule() -> None:
    """A new XSD type in the contract must get a rule here (long, double, date are not used today)."""
    used = set()
    for service in SERVICES:
        contract = load_contract(service)
        elements = [e for t in contract.complex_types.values() for e in t.elements]
        elements += [e for op in contract.operations.values() for e in op.inputs]
        used |= {e.type for e in elements if e.type in BUILTIN_TYPES}
    assert used == set(READERS) | UNCHECKED
    assert {row[0] for row in ACCEPTED} == {row[0] for row in REFUSED} == set(READERS)
