"""SOAP calls with Python arguments and answers, through the mock's pipeline in process (no HTTP).

`Api.call("EmployeeService", "Address_InsertCurrent", EmployeeId=1, Address={...})` builds the request
from the contract (elements in the contract's order, arrays under their item names) and decodes the
`…Result` back into dicts, lists and strings, so the write-effect sweep reads like the calls it makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from nmbrs_client import raw

from mock_server.contract import load_contract
from mock_server.contract.model import ServiceContract


class Fault(AssertionError):
    """A call answered a SOAP fault (its Nmbrs code is in the text)."""


def to_xml(contract: ServiceContract, name: str, type_name: str, value: Any) -> str:
    """`<name>` holding `value` as `type_name`; None leaves the element out."""
    if value is None:
        return ""
    if contract.kind(type_name) != "complex":
        return f"<{name}>{_text(value)}</{name}>"
    item = contract.complex_types[type_name].array_item
    if item is not None:
        inner = "".join(to_xml(contract, item.name, item.type, v) for v in value)
    else:
        fields = contract.fields_of(type_name)
        unknown = set(value) - {f.name for f in fields}
        assert not unknown, f"{type_name} has no fields {sorted(unknown)}"
        inner = "".join(to_xml(contract, f.name, f.type, value.get(f.name)) for f in fields)
    return f"<{name}>{inner}</{name}>"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return escape(str(value))


def decode(contract: ServiceContract, type_name: str, element: etree._Element) -> Any:
    """An answered element as Python: complex types as dicts (arrays as lists), values as their text
    (None for `xsi:nil`)."""
    if contract.kind(type_name) != "complex":
        nil = element.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
        return None if nil else (element.text or "")
    item = contract.complex_types[type_name].array_item
    if item is not None:
        return [decode(contract, item.type, child) for child in element]
    types = {f.name: f.type for f in contract.fields_of(type_name)}
    out: dict[str, Any] = {}
    for child in element:
        local = etree.QName(child).localname
        out[local] = decode(contract, types.get(local, "string"), child)
    return out


class Api:
    """Calls for one login of an environment, answered through `app.pipeline`."""

    def __init__(self, app: Any, credentials: Any) -> None:
        self.app, self.credentials = app, credentials

    def call(self, service: str, operation: str, **arguments: Any) -> Any:
        """The decoded result (None for a void operation or an absent result); `Fault` on a fault."""
        contract = load_contract(service)
        op = contract.operations[operation]
        unknown = set(arguments) - {e.name for e in op.inputs}
        assert not unknown, f"{operation} takes no {sorted(unknown)}"
        params = "".join(to_xml(contract, e.name, e.type, arguments.get(e.name)) for e in op.inputs)
        body = raw.envelope(service, operation, params, self.credentials)
        headers = raw.http_headers(service, operation)
        response = self.app.pipeline.handle(service, body, headers["Content-Type"], headers["SOAPAction"])
        fault = raw.fault_of(response.body)
        if fault is not None:
            raise Fault(f"{service}.{operation} faulted: {fault[1]}")
        answer = etree.fromstring(response.body)[-1][0]
        if op.result is None or not len(answer):
            return None
        return decode(contract, op.result.type, answer[0])


E, C, D = "EmployeeService", "CompanyService", "DebtorService"


@dataclass
class Ctx:
    """What one write scenario works on: its own employee of the first company, the company, the
    debtor and the company's current period; `checked` records what was verified for which write."""

    api: Api
    company: int
    employee: int
    debtor: int
    year: int
    period: int
    checked: dict[str, str] = field(default_factory=dict)

    def e(self, operation: str, **arguments: Any) -> Any:
        return self.api.call(E, operation, **arguments)

    def c(self, operation: str, **arguments: Any) -> Any:
        return self.api.call(C, operation, **arguments)

    def d(self, operation: str, **arguments: Any) -> Any:
        return self.api.call(D, operation, **arguments)

    def ok(self, service: str, operation: str, what: str) -> None:
        """Record that `operation`'s effect was seen (call after its assertions)."""
        self.checked[f"{service}.{operation}"] = what

    def wage_code(self, index: int) -> int:
        """A wage code of the company's wage model (writes must use the company's codes); items are told
        apart by their values, as the model has few codes."""
        codes = self.c("WageModel_GetWageCodes", CompanyId=self.company)
        return int(codes[index % len(codes)]["Code"])

    @property
    def next_period(self) -> tuple[int, int]:
        """(period, year) after the current one (a monthly company: the demo's first)."""
        return (1, self.year + 1) if self.period == 12 else (self.period + 1, self.year)

    @property
    def previous_period(self) -> tuple[int, int]:
        return (12, self.year - 1) if self.period == 1 else (self.period - 1, self.year)


Scenario = Callable[[Ctx], None]
SCENARIOS: dict[str, tuple[tuple[str, ...], Scenario]] = {}


def scenario(*writes: str) -> Callable[[Scenario], Scenario]:
    """Register a scenario that checks the effect of `writes` ("Service.Operation")."""

    def register(function: Scenario) -> Scenario:
        SCENARIOS[function.__name__] = (writes, function)
        return function

    return register


def same(answered: Any, expected: str) -> bool:
    """An answered text is the expected one, numbers compared by value ("3.5" is "3.50")."""
    if str(answered) == expected:
        return True
    try:
        return Decimal(str(answered)) == Decimal(expected)
    except ArithmeticError:
        return False


def one(items: list[dict[str, Any]] | None, **match: str) -> dict[str, Any]:
    """The one item whose fields have the values `match` names (as text), else AssertionError."""
    found = [i for i in items or [] if all(same(i.get(k), v) for k, v in match.items())]
    assert len(found) == 1, f"{len(found)} items with {match} in {items}"
    return found[0]


def none_of(items: list[dict[str, Any]] | None, **match: str) -> None:
    found = [i for i in items or [] if all(same(i.get(k), v) for k, v in match.items())]
    assert not found, f"still there: {found}"
