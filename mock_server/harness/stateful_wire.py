"""The SOAP side of the stateful model: request parameters as XML and answers as plain Python.

Everything here is built from Nmbrs's documented element names (../shared/reference/nmbrs-behaviour.md
§5.2), not from the mock's code, so the model can judge a real target as well as the mock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from nmbrs_client.raw import fault_of

from mock_server.harness.target import Exchange

_FAULT_CODE = re.compile(r"--->\s*(\d{4}):")
_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


@dataclass(frozen=True)
class Answer:
    """What a target answered: a fault code, or the result element (None for a void/empty answer)."""

    exchange: Exchange
    fault_code: int | None
    fault_text: str | None
    result: Any  # an lxml element or None

    @property
    def ok(self) -> bool:
        return self.fault_code is None and self.fault_text is None

    def describe(self) -> str:
        if self.fault_text is not None:
            return f"fault {self.fault_code or '?'} ({self.fault_text[:160]})"
        return f"HTTP {self.exchange.status} {self.exchange.response_body[:300]!r}"


def answer_of(exchange: Exchange) -> Answer:
    """Parse an exchange: the Nmbrs fault code out of `---> NNNN:`, or the `<OpResult>` element."""
    try:
        root = etree.fromstring(exchange.response_body, _PARSER)
    except etree.XMLSyntaxError:
        text = f"HTTP {exchange.status}, not XML: {exchange.response_body[:200]!r}"
        return Answer(exchange, None, text, None)
    fault = fault_of(exchange.response_body)
    if fault is not None:
        match = _FAULT_CODE.search(fault[1])
        return Answer(exchange, int(match.group(1)) if match else None, fault[1], None)
    if exchange.status != 200:
        return Answer(exchange, None, f"HTTP {exchange.status} without a fault", None)
    response = next((e for e in root.iter() if _local(e) == f"{exchange.operation}Response"), None)
    result = None if response is None else next(iter(response), None)
    return Answer(exchange, None, None, result)


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Any, name: str | None = None) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def child_text(element: Any, name: str) -> str | None:
    found = children(element, name)
    if not found or found[0].get(_NIL) == "true":
        return None
    return found[0].text or ""


def as_int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def as_decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def int_result(answer: Answer) -> int:
    """An int answer; an omitted or empty result reads as the .NET default 0."""
    return as_int(answer.result.text) if answer.result is not None else 0


def text_result(answer: Answer) -> str | None:
    return None if answer.result is None else (answer.result.text or "")


def bool_result(answer: Answer) -> bool | None:
    if answer.result is None:
        return None
    return (answer.result.text or "").strip() == "true"


def items(element: Any, item_name: str) -> list[Any]:
    """The items of an array result; an omitted result and an empty one both mean none (§8)."""
    return [] if element is None else children(element, item_name)


# --- request parameters ----------------------------------------------------------------------------


def param(name: str, value: Any) -> str:
    """One element; None is `xsi:nil`, booleans are `true`/`false`, decimals never in exponent form."""
    if value is None:
        return f'<{name} xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />'
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = escape(str(value))
    return f"<{name}>{text}</{name}>"


def params(*pairs: tuple[str, Any]) -> str:
    """Elements in the order given (the WSDL sequence order)."""
    return "".join(param(name, value) if not _is_xml(value) else value.xml(name) for name, value in pairs)


@dataclass(frozen=True)
class Xml:
    """A nested element: `inner` is XML already built."""

    inner: str

    def xml(self, name: str) -> str:
        return f"<{name}>{self.inner}</{name}>"


def _is_xml(value: Any) -> bool:
    return isinstance(value, Xml)


def hour_component(code: int, hours: Decimal, component_id: int = 0) -> Xml:
    """`HourComponent{Id, HourCode, Hours, CostCenterId~nil, CostUnitId~nil}` (single inserts)."""
    return Xml(
        params(
            ("Id", component_id),
            ("HourCode", code),
            ("Hours", hours),
            ("CostCenterId", None),
            ("CostUnitId", None),
        )
    )


def batch_hour_item(employee: int, code: int, hours: Decimal) -> str:
    """`EmployeeHourComponent`: note `Hours` after the cost ids (§5.2)."""
    inner = params(
        ("EmployeeId", employee),
        ("Id", 0),
        ("HourCode", code),
        ("CostCenterId", None),
        ("CostUnitId", None),
        ("Hours", hours),
    )
    return Xml(inner).xml("EmployeeHourComponent")


def wage_component(code: int, value: Decimal, component_id: int = 0) -> Xml:
    """`WageComponent{Id, Code, Value, CostCenterId~nil, CostUnitId~nil}`."""
    return Xml(
        params(
            ("Id", component_id),
            ("Code", code),
            ("Value", value),
            ("CostCenterId", None),
            ("CostUnitId", None),
        )
    )


def batch_wage_item(employee: int, code: int, value: Decimal) -> str:
    inner = params(
        ("EmployeeId", employee),
        ("Id", 0),
        ("Code", code),
        ("Value", value),
        ("CostCenterId", None),
        ("CostUnitId", None),
    )
    return Xml(inner).xml("EmployeeWageComponent")


def days_item(employee: int, days: int, year: int, period: int) -> str:
    inner = params(("EmployeeId", employee), ("Days", days), ("Period", period), ("Year", year))
    return Xml(inner).xml("DaysWorked")


def contract(hours_per_week: Decimal, employment_type: int, contract_id: int = 0) -> Xml:
    """`EmployeeContract` with its dates left to the target (nil) and the fields the model follows."""
    inner = params(
        ("ContractID", contract_id),
        ("CreationDate", None),
        ("StartDate", None),
        ("TrialPeriod", None),
        ("EndDate", None),
        ("EmployementType", employment_type),
        ("EmploymentSequenceTaxId", 1),
        ("Indefinite", True),
        ("PhaseClassification", 0),
        ("WrittenContract", True),
        ("HoursPerWeek", hours_per_week),
    )
    return Xml(inner)
