"""The fast out-protocol: ASMX response envelopes written straight from the contract metadata.

Handlers return plain values: dicts keyed by element name for complex types, lists for `ArrayOfX`
types, and int / str / Decimal / datetime / date / bool / bytes / UUID for builtins. For every complex
type a writer function is generated (as Python source, compiled once, on first use) that appends
string pieces to a list; that is about ten times faster than building a tree with Spyne.

Wire rules (nmbrs-behaviour.md §8): null strings and objects are omitted, null nillable value types
are `xsi:nil="true"`, absent value types get their .NET default, dateTime is `YYYY-MM-DDTHH:MM:SS`,
decimals keep their scale and never use exponents, untyped members carry `xsi:type="xsd:string"`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.contract.model import Element, ServiceContract
from mock_server.soap.faults import (
    ENVELOPE_CLOSE,
    ENVELOPE_OPEN,
    INVALID_XML_CHAR,
    SOAP11_ENV,
    SOAP12_ENV,
    xml_safe,
)

Append = Callable[[str], None]
_NEEDS_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _default(contract: ServiceContract, element: Element) -> str | None:
    """The wire text of .NET's default for an absent required value type (see `ServiceContract.default`)."""
    value = contract.default(element)
    if value is None:
        return None
    return value if isinstance(value, str) else _FORMATTERS[element.type](value)


class SerializationError(Exception):
    """A handler returned a value the contract cannot carry (a bug in the mock, not the caller)."""


def fmt_string(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    if INVALID_XML_CHAR.search(text):
        text = xml_safe(text)  # stored data XML cannot carry: a read must still answer (see faults)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def fmt_int(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SerializationError(f"expected an int, got {value!r}")
    return str(value)


def fmt_decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SerializationError(f"decimal {value} cannot be sent")
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    raise SerializationError(f"expected a decimal, got {value!r}")


def fmt_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        if value.microsecond or value.tzinfo is not None:
            value = value.replace(tzinfo=None, microsecond=0)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00"
    raise SerializationError(f"expected a datetime, got {value!r}")


def fmt_bool(value: Any) -> str:
    return "true" if value else "false"


def fmt_base64(value: Any) -> str:
    if not isinstance(value, bytes | bytearray):
        raise SerializationError(f"expected bytes, got {type(value).__name__}")
    return base64.b64encode(value).decode("ascii")


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "int": fmt_int,
    "string": fmt_string,
    "anyType": fmt_string,
    "guid": fmt_string,
    "decimal": fmt_decimal,
    "dateTime": fmt_datetime,
    "boolean": fmt_bool,
    "base64Binary": fmt_base64,
}


class ResponseWriter:
    """Writes the response envelopes of one service."""

    def __init__(self, contract: ServiceContract) -> None:
        self.contract = contract
        self._writers = _Writers(self)
        self._heads = {
            version: ENVELOPE_OPEN.format(env=env)
            for version, env in (("1.1", SOAP11_ENV), ("1.2", SOAP12_ENV))
        }

    def response(self, version: str, operation: str, result: Any) -> bytes:
        op = self.contract.operations[operation]
        head = f'{self._heads[version]}<{op.response_name} xmlns="{self.contract.namespace}"'
        if not op.outputs:
            return (head + " />" + ENVELOPE_CLOSE).encode()
        parts: list[str] = [head, ">"]
        values = {op.outputs[0].name: result} if len(op.outputs) == 1 else result
        self.write_fields(parts.append, op.outputs, values)
        parts.append(f"</{op.response_name}>{ENVELOPE_CLOSE}")
        return "".join(parts).encode()

    def write_fields(self, append: Append, elements: tuple[Element, ...], values: dict[str, Any]) -> None:
        for element in elements:
            self._write_element(append, element, values.get(element.name))

    def _write_element(self, append: Append, element: Element, value: Any) -> None:
        if element.is_list:
            for item in value or ():
                self._write_single(append, element, item)
        else:
            self._write_single(append, element, value)

    def _write_single(self, append: Append, element: Element, value: Any) -> None:
        name = element.name
        if value is None:
            default = _default(self.contract, element)
            if element.nillable:
                append(f'<{name} xsi:nil="true" />')
            elif default is not None:
                append(f"<{name}>{default}</{name}>")
            return
        kind = self.contract.kind(element.type)
        if kind == "complex":
            append(f"<{name}>")
            self.writer(element.type)(append, value)
            append(f"</{name}>")
        elif kind == "enum":
            append(f"<{name}>{self._enum(element.type, value)}</{name}>")
        elif element.type == "anyType":
            append(f'<{name} xsi:type="xsd:string">{fmt_string(value)}</{name}>')
        else:
            append(f"<{name}>{_FORMATTERS[element.type](value)}</{name}>")

    def _enum(self, type_name: str, value: Any) -> str:
        text = str(value)
        if text not in self.contract.enums[type_name].values:
            raise SerializationError(f"{text!r} is not a {type_name} value")
        return text

    def writer(self, type_name: str) -> Callable[[Append, Any], None]:
        return self._writers[type_name]


class _Writers(dict[str, Callable[[Append, Any], None]]):
    """The writer of each complex type, compiled on first use (generated code indexes it: `W[type]`)."""

    def __init__(self, owner: ResponseWriter) -> None:
        super().__init__()
        self.owner = owner

    def __missing__(self, type_name: str) -> Callable[[Append, Any], None]:
        writer = self[type_name] = _compile_writer(self.owner, type_name)
        return writer


def _compile_writer(owner: ResponseWriter, type_name: str) -> Callable[[Append, Any], None]:
    """Generate `def write(a, v)` for one complex type, unrolled over its fields."""
    contract = owner.contract
    complex_type = contract.complex_types[type_name]
    item = complex_type.array_item
    namespace: dict[str, Any] = {
        "owner": owner,
        "W": owner._writers,
        "F": _FORMATTERS,
        "SerializationError": SerializationError,
        "needs_escape": _NEEDS_ESCAPE.search,
        "Decimal": Decimal,
        "datetime": datetime,
    }
    if item is not None:
        lines = ["def write(a, v):", "    for x in v:"]
        lines += ["        " + line for line in _field_code(contract, item, "x")]
    else:
        lines = ["def write(a, v):", "    g = v.get"]
        for element in contract.fields_of(type_name):
            lines.append(f"    x = g({element.name!r})")
            if element.is_list:
                lines.append("    for x in x or ():")
                lines += ["        " + line for line in _field_code(contract, element, "x")]
            else:
                lines += ["    " + line for line in _field_code(contract, element, "x")]
    exec(compile("\n".join(lines), f"<writer {contract.name}.{type_name}>", "exec"), namespace)
    return namespace["write"]


def _field_code(contract: ServiceContract, element: Element, var: str) -> list[str]:
    name = element.name
    default = _default(contract, element)
    if element.nillable:
        when_none = [f"a('<{name} xsi:nil=\"true\" />')"]
    elif default is not None:
        when_none = [f"a('<{name}>{default}</{name}>')"]
    else:
        when_none = ["pass"]
    kind = contract.kind(element.type)
    if kind == "complex":
        present = [
            f"a('<{name}>')",
            f"W[{element.type!r}](a, {var})",
            f"a('</{name}>')",
        ]
    elif kind == "enum":
        present = [f"a('<{name}>' + owner._enum({element.type!r}, {var}) + '</{name}>')"]
    elif element.type == "anyType":
        present = [f"a('<{name} xsi:type=\"xsd:string\">' + F['anyType']({var}) + '</{name}>')"]
    elif element.type == "boolean":
        present = [f"a('<{name}>true</{name}>' if {var} else '<{name}>false</{name}>')"]
    elif element.type == "int":
        present = [
            f"if {var}.__class__ is not int: raise SerializationError('{name}: not an int: %r' % ({var},))",
            f"a('<{name}>' + str({var}) + '</{name}>')",
        ]
    else:
        present = [f"a('<{name}>' + {_inline_format(element.type, var)} + '</{name}>')"]
    return [f"if {var} is None:", *("    " + line for line in when_none), "else:"] + [
        "    " + line for line in present
    ]


# The common case of a formatter, inlined in generated code (the formatter itself for the rest): the
# same text, without a call per value.
_INLINE = {
    "string": "({v} if {v}.__class__ is str and needs_escape({v}) is None else F['string']({v}))",
    "decimal": "(format({v}, 'f') if {v}.__class__ is Decimal and {v}.is_finite() else F['decimal']({v}))",
    "dateTime": (
        "({v}.isoformat() if {v}.__class__ is datetime and not {v}.microsecond and {v}.tzinfo is None"
        " else F['dateTime']({v}))"
    ),
}


def _inline_format(type_name: str, var: str) -> str:
    pattern = _INLINE.get(type_name)
    return pattern.format(v=var) if pattern else f"F[{type_name!r}]({var})"
