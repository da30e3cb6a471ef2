""".NET's reading of request values: what `XmlSerializer` (through `XmlConvert`) accepts for each XSD type
of the contract, and the exception text it raises otherwise (.NET Framework 4.x, which ASMX runs on).

Each rule takes the element's text as sent and returns it in one canonical form Spyne decodes to the
same value, or raises `DotNetValueError` with .NET's message. The table in tests/test_dotnet_values.py
documents every rule; the rules (NETSRC `XmlConvert`, `XsdDateTime`, `Guid`, `Base64Decoder`):

* int: `Int32.Parse(s, AllowLeadingSign | AllowLeadingWhite | AllowTrailingWhite, Invariant)`: ASCII
  digits, one leading `+` or `-`, white space (U+0009-U+000D, U+0020) around; no point, exponent,
  group separator or hex. Out of range: OverflowException.
* decimal: `Decimal.Parse(s, AllowLeadingSign | AllowDecimalPoint | AllowLeadingWhite |
  AllowTrailingWhite, Invariant)`: as int plus one `.` (`5.` and `.5` too); no exponent; the scale is
  kept; more than 28 decimals are rounded; beyond ±79228162514264337593543950335: OverflowException.
* boolean: trimmed of XML white space (space, tab, CR, LF), then exactly `true`, `false`, `1` or `0`.
* dateTime: `XsdDateTime` with `AllXsd`, so besides `yyyy-MM-ddTHH:mm:ss[.f…][zone]` also a date
  (midnight), `yyyy-MM` and `yyyy` (the first day), `--MM-dd`, `--MM`, `---dd` (year 1904) and a time
  (today); white space around is skipped. The mock keeps the wall-clock time of a zoned value (INFERRED:
  .NET converts an offset to the server's local time) and microseconds (.NET keeps 100 ns ticks).
* guid: `new Guid(s)`, trimmed: 32 hex digits, with dashes (`D`), in braces (`B`) or parentheses (`P`),
  or the `{0x…,…}` form (`X`); written back as lower-case `D`.
* enum: the name exactly as declared (case and white space count), else XmlSerializer's
  "Instance validation error".
* base64Binary: XmlReader's `Base64Decoder`: white space is skipped, anything after `=` padding but
  more `=` or white space, and any other character, is an XmlException (so ASMX answers 400).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

FORMAT = "Input string was not in a correct format."
INT32_RANGE = (-(2**31), 2**31 - 1)
DECIMAL_MAX = Decimal(2**96 - 1)
DECIMAL_SCALE = 28
_WIDE = Context(prec=80)  # room for any value below the limit with 28 decimals
_NUMBER_SPACE = "\t\n\v\f\r "
_XML_SPACE = " \t\n\r"
_INT = re.compile(r"([+-]?)([0-9]+)")
_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")
_CANONICAL_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,27})(?:\.[0-9]{1,28})?")
_HEX = re.compile(r"[0-9a-fA-F]*")
_GUID_X = re.compile(
    r"\{0[xX]([0-9a-fA-F]{1,8}),0[xX]([0-9a-fA-F]{1,4}),0[xX]([0-9a-fA-F]{1,4}),"
    r"\{((?:0[xX][0-9a-fA-F]{1,2},){7}0[xX][0-9a-fA-F]{1,2})\}\}"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/ \t\r\n]*(=[= \t\r\n]*)?")
_ZONE = r"(?:Z|[+-](?P<zh>\d\d):(?P<zm>\d\d))?"
_YMD = r"(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)"
_HMS = r"(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)(?:\.(?P<f>\d+))?"
_XSD_DATES = [
    re.compile(p + _ZONE)
    for p in (
        _YMD + "T" + _HMS,  # dateTime
        _HMS,  # time
        _YMD,  # date
        r"(?P<y>\d{4})-(?P<mo>\d\d)",  # gYearMonth
        r"(?P<y>\d{4})",  # gYear
        r"--(?P<mo>\d\d)-(?P<d>\d\d)",  # gMonthDay
        r"---(?P<d>\d\d)",  # gDay
        r"--(?P<mo>\d\d)",  # gMonth
    )
]
_LEAP_YEAR = 1904  # the year XsdDateTime gives the year-less forms
GUID_LENGTH = "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
GUID_HEX = "Guid string should only contain hexadecimal characters."
GUID_DASHES = "Dashes are in the wrong position for GUID parsing."
GUID_UNRECOGNIZED = "Unrecognized Guid format."
BASE64_ECHO = 1024  # the decoder echoes the characters of its current chunk, not the whole value


class DotNetValueError(Exception):
    """A value .NET cannot read: `message` is .NET's text; `xml_error` when it is an XmlException."""

    def __init__(self, message: str, xml_error: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.xml_error = xml_error


def read_int(text: str) -> str:
    if text.isascii() and text.isdigit() and len(text) < 10:  # the common case, canonical but for zeros
        return text if text[0] != "0" or len(text) == 1 else str(int(text))
    match = _INT.fullmatch(text.strip(_NUMBER_SPACE))
    if match is None:
        raise DotNetValueError(FORMAT)
    value = int(match.group(1) + match.group(2))
    if not INT32_RANGE[0] <= value <= INT32_RANGE[1]:
        raise DotNetValueError("Value was either too large or too small for an Int32.")
    return str(value)


def read_decimal(text: str) -> str:
    if _CANONICAL_DECIMAL.fullmatch(text):  # the common case: already as Spyne and .NET read it
        return text
    match = _DECIMAL.fullmatch(text.strip(_NUMBER_SPACE))
    if match is None or not (match.group(2) or match.group(3)):
        raise DotNetValueError(FORMAT)
    sign, whole, fraction = match.group(1), match.group(2) or "0", match.group(3) or ""
    with localcontext(_WIDE):
        value = Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
        if len(fraction) > DECIMAL_SCALE:
            value = value.quantize(Decimal(1).scaleb(-DECIMAL_SCALE), rounding=ROUND_HALF_EVEN)
        if abs(value) > DECIMAL_MAX:
            raise DotNetValueError("Value was either too large or too small for a Decimal.")
    return f"{value:f}"


def read_boolean(text: str) -> str:
    trimmed = text.strip(_XML_SPACE)
    if trimmed in ("true", "1"):
        return "true"
    if trimmed in ("false", "0"):
        return "false"
    raise DotNetValueError(f"The string '{trimmed}' is not a valid Boolean value.")


def read_datetime(text: str, today: Callable[[], date] = date.today) -> str:
    """The canonical `yyyy-MM-ddTHH:mm:ss[.ffffff]` (no zone) of any AllXsd form."""
    value = _xsd_datetime(text.strip(), today)
    if value is None:
        raise DotNetValueError(f"The string '{text}' is not a valid AllXsd value.")
    return value.isoformat()


def _xsd_datetime(text: str, today: Callable[[], date]) -> datetime | None:
    for pattern in _XSD_DATES:
        match = pattern.fullmatch(text)
        if match is not None:
            return _datetime_of(match.groupdict(), today)
    return None


def _datetime_of(parts: dict[str, str | None], today: Callable[[], date]) -> datetime | None:
    zone_hours, zone_minutes = int(parts["zh"] or 0), int(parts["zm"] or 0)
    if zone_hours > 14 or zone_minutes > 59 or (zone_hours == 14 and zone_minutes):
        return None
    day = today() if not (parts.get("y") or parts.get("mo") or parts.get("d")) else None
    fraction = (parts.get("f") or "")[:6].ljust(6, "0")
    try:
        return datetime(
            day.year if day else int(parts.get("y") or _LEAP_YEAR),
            day.month if day else int(parts.get("mo") or 1),
            day.day if day else int(parts.get("d") or 1),
            int(parts.get("h") or 0),
            int(parts.get("mi") or 0),
            int(parts.get("s") or 0),
            int(fraction),
        )
    except ValueError:  # a month, day or time out of range
        return None


def read_guid(text: str) -> str:
    value = text.strip()
    if not value:
        raise DotNetValueError(GUID_UNRECOGNIZED)
    if value.startswith("{0x") or value.startswith("{0X"):
        return _guid_x(value)
    if value[0] in "{(":
        closing = "}" if value[0] == "{" else ")"
        if len(value) != 38 or value[-1] != closing:
            raise DotNetValueError(GUID_UNRECOGNIZED)
        value = value[1:-1]
    elif "-" not in value:
        return _guid_digits(value)
    if len(value) != 36:
        raise DotNetValueError(GUID_LENGTH)
    if any(value[i] != "-" for i in (8, 13, 18, 23)):
        raise DotNetValueError(GUID_DASHES)
    return _guid_digits(value.replace("-", "", 4))


def _guid_digits(digits: str) -> str:
    if len(digits) != 32:
        raise DotNetValueError(GUID_LENGTH)
    if not _HEX.fullmatch(digits):
        raise DotNetValueError(GUID_HEX)
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


def _guid_x(text: str) -> str:
    match = _GUID_X.fullmatch("".join(text.split()))
    if match is None:
        raise DotNetValueError(GUID_UNRECOGNIZED)
    tail = "".join(part[2:].rjust(2, "0") for part in match.group(4).split(","))
    a, b, c = match.group(1).rjust(8, "0"), match.group(2).rjust(4, "0"), match.group(3).rjust(4, "0")
    return _guid_digits(a + b + c + tail)


def read_base64(text: str) -> str:
    if not _BASE64.fullmatch(text):
        echoed = text[:BASE64_ECHO]
        raise DotNetValueError(f"'{echoed}' is not a valid Base64 text sequence.", xml_error=True)
    digits = "".join(text.split("=", 1)[0].split())
    digits = digits[: len(digits) - len(digits) % 4] if len(digits) % 4 == 1 else digits
    return digits + "=" * (-len(digits) % 4)


def enum_reader(name: str, values: tuple[str, ...]) -> Callable[[str], str]:
    allowed = frozenset(values)

    def read_enum(text: str) -> str:
        if text not in allowed:
            raise DotNetValueError(f"Instance validation error: '{text}' is not a valid value for {name}.")
        return text

    return read_enum


READERS: dict[str, Callable[[str], str]] = {
    "int": read_int,
    "decimal": read_decimal,
    "boolean": read_boolean,
    "dateTime": read_datetime,
    "guid": read_guid,
    "base64Binary": read_base64,
}
UNCHECKED = frozenset({"string", "anyType"})  # read as they are
