"""Hypothesis strategies for valid requests, generated from the contract of every operation.

Values are drawn element by element in contract order, with edge values mixed in: nil value types,
omitted optional elements, empty and long arrays, unicode with XML-special and non-BMP characters,
long strings, decimals with scale 0-4 and large magnitudes, boundary dates, the company's valid
periods, years around the current one, and ids that exist on the target (see `discovery`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from mock_server.contract.model import UNBOUNDED, Element, ServiceContract
from mock_server.harness.discovery import CompanyScope, World
from mock_server.harness.operations import OperationInfo
from mock_server.harness.request import NIL, Param, Request

MAX_DEPTH = 6  # optional members below this depth are left out (guards recursive types)
LONG_ARRAY = 25
MAX_VALUES = 600  # values per request before every list is cut to at most one item
_XML_CHARS = st.characters(
    min_codepoint=0x20, max_codepoint=0x10FFFF, exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
EDGE_STRINGS = (
    "",
    " ",
    "Test",
    "a & b < c > d \" e ' f",
    "]]><!-- -->&amp;",
    "Zoë Ünïcødé ĳ",
    "emoji 😀 and 𝄞 clef",  # outside the BMP
    "line\nbreak\ttab",
    "x" * 4000,
    "ü😀&" * 300,
)
EDGE_DECIMALS = (
    "0",
    "0.0000",
    "-0.01",
    "8.50",
    "1234567890123.4567",
    "-99999999999999999999.9999",
    "79228162514264337593543950335",  # .NET decimal.MaxValue
)
EDGE_DATETIMES = (
    datetime(2024, 2, 29),
    datetime(2028, 2, 29, 12, 30),
    datetime(2025, 12, 31, 23, 59, 59),
    datetime(2026, 1, 1),
    datetime(2026, 12, 31),
    datetime(1, 1, 1),
    datetime(9999, 12, 31, 23, 59, 59),
)
EDGE_INTS = (0, 1, -1, 2, 2147483647, -2147483648)
# Strings whose meaning has a format (by lower-case element name): the right form half of the time.
FORMATTED_STRINGS = {
    "iban": "NL91ABNA0417164300",
    "bic": "ABNANL2A",
    "bsn": "111222333",
    "postalcode": "1011 AB",
    "email": "test@example.nl",
    "emailprivate": "test@example.nl",
    "emailwork": "test@example.nl",
    "countryisocode": "NL",
    "countryofbirthisocode": "NL",
    "endpoint": "https://example.nl/webhook",
    "documentname": "test.pdf",
    "strdocumentname": "test.pdf",
}
Draw = Callable[[st.SearchStrategy[Any]], Any]


def text_values() -> st.SearchStrategy[str]:
    return st.sampled_from(EDGE_STRINGS) | st.text(_XML_CHARS, max_size=40)


def decimal_values() -> st.SearchStrategy[str]:
    scaled = st.integers(0, 4).flatmap(
        lambda places: st.decimals(-(10**15), 10**15, places=places, allow_nan=False, allow_infinity=False)
    )
    return st.sampled_from(EDGE_DECIMALS) | scaled.map(lambda d: format(Decimal(d), "f"))


def datetime_values() -> st.SearchStrategy[str]:
    drawn = st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)).map(lambda d: d.replace(microsecond=0))
    return (st.sampled_from(EDGE_DATETIMES) | drawn).map(lambda d: d.isoformat())


def int_values() -> st.SearchStrategy[str]:
    return (st.sampled_from(EDGE_INTS) | st.integers(-(2**31), 2**31 - 1)).map(str)


BUILTINS: dict[str, st.SearchStrategy[str]] = {
    "string": text_values(),
    "anyType": text_values(),
    "int": int_values(),
    "decimal": decimal_values(),
    "dateTime": datetime_values(),
    "boolean": st.sampled_from(("true", "false")),
    "guid": st.uuids().map(str),
    "base64Binary": st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode("ascii")),
}


@dataclass(frozen=True)
class Context:
    """What one request is about: a company of the target and the year drawn for it."""

    scope: CompanyScope
    year: int
    budget: list[int] = field(default_factory=lambda: [MAX_VALUES])  # values left to draw

    def spend(self) -> bool:
        """Take one value from the budget; False once it is spent (then lists stay short)."""
        self.budget[0] -= 1
        return self.budget[0] > 0


class ValidRequests:
    """Valid requests for the operations of one target's world."""

    def __init__(self, world: World) -> None:
        self.world = world

    def request(self, info: OperationInfo) -> st.SearchStrategy[Request]:
        return st.builds(
            lambda params, version: Request(info.service, info.name, params, version),
            self.params(info),
            st.sampled_from(("1.1", "1.2")),
        )

    def params(self, info: OperationInfo) -> st.SearchStrategy[tuple[Param, ...]]:
        @st.composite
        def build(draw: Draw) -> tuple[Param, ...]:
            context = self.context(draw)
            return tuple(
                param
                for element in info.operation.inputs
                for param in self.element(draw, info.contract, element, None, 0, context)
            )

        return build()

    def context(self, draw: Draw) -> Context:
        scope = draw(st.sampled_from(self.world.companies))
        year = draw(st.sampled_from((scope.year, scope.year - 1, scope.year + 1)))
        return Context(scope, year)

    def element(
        self,
        draw: Draw,
        contract: ServiceContract,
        element: Element,
        owner: str | None,
        depth: int,
        ctx: Context,
    ) -> list[Param]:
        optional = element.min_occurs == 0
        if (optional or element.nillable) and depth > MAX_DEPTH:
            return []
        if element.is_list:
            long = depth <= 1 and ctx.spend()  # long arrays at the top (batches), never nested
            count = draw(st.sampled_from((1, 0, 2, 3, LONG_ARRAY) if long else (1, 0)))
            count = count if element.max_occurs == UNBOUNDED else min(count, element.max_occurs)
            count = max(count, element.min_occurs)
            return [
                (element.name, self.value(draw, contract, element, owner, depth, ctx)) for _ in range(count)
            ]
        if optional and draw(st.booleans()):
            return []  # an omitted optional element
        if element.nillable and contract.kind(element.type) != "complex" and draw(st.integers(0, 3)) == 0:
            return [(element.name, NIL)]
        return [(element.name, self.value(draw, contract, element, owner, depth, ctx))]

    def value(
        self,
        draw: Draw,
        contract: ServiceContract,
        element: Element,
        owner: str | None,
        depth: int,
        ctx: Context,
    ) -> Any:
        ctx.spend()
        kind = contract.kind(element.type)
        if kind == "enum":
            return draw(st.sampled_from(contract.enums[element.type].values))
        if kind == "builtin":
            return self.builtin(draw, element, owner, ctx)
        fields = contract.fields_of(element.type)
        return tuple(
            param
            for field in fields
            for param in self.element(draw, contract, field, element.type, depth + 1, ctx)
        )

    def builtin(self, draw: Draw, element: Element, owner: str | None, ctx: Context) -> str:
        name = element.name.lower()
        if element.type == "int":
            known = self.known_int(name, owner, ctx)
            if known is not None:
                return str(draw(known))
        if element.type == "string":
            formatted = "iban" if owner == "BankAccount" and name == "number" else name
            if formatted in FORMATTED_STRINGS and draw(st.booleans()):
                return FORMATTED_STRINGS[formatted]
        return str(draw(BUILTINS[element.type]))

    def known_int(self, name: str, owner: str | None, ctx: Context) -> st.SearchStrategy[int] | None:
        """Ids that exist, periods valid for the company, years around the current one."""
        scope = ctx.scope
        choices: tuple[int, ...] = ()
        if name == "employeeid":
            choices = scope.employees
        elif name == "companyid":
            choices = (scope.id,)
        elif name == "debtorid" or (owner == "Debtor" and name == "id"):
            choices = (scope.debtor,)
        elif name == "runid":
            choices = scope.runs
        elif name in ("loonaangifteid", "wagetaxid"):
            choices = scope.declarations
        elif name == "hourcode":
            choices = scope.hour_codes
        elif name == "code" and owner is not None and "WageComponent" in owner:
            choices = scope.wage_codes
        elif name.endswith("year"):
            return st.just(ctx.year)
        elif name.endswith("period"):
            last = scope.periods_in(ctx.year)
            current = min(scope.period, last)
            return st.sampled_from((current, 1, last)) | st.integers(1, last)
        return st.sampled_from(choices) if choices else None
