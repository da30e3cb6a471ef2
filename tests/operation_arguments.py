"""Valid arguments for every operation, synthesized from the contract metadata with ids that exist in
the environment (`Ids`); used by test_all_operations.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.contract import load_contract
from mock_server.contract.model import Element, ServiceContract
from mock_server.harness.strategies import FORMATTED_STRINGS

SOAP_VERSIONS = ("1.1", "1.2")


@dataclass(frozen=True)
class Ids:
    debtor: int
    company: int
    employee: int
    year: int
    period: int
    run: int
    declarations: tuple[int, ...]  # not yet sent first, so WageTax_SetSentExternal may mark them sent
    hour_code: int
    wage_code: int
    references: dict[str, Any] = field(default_factory=dict)  # what a write names by id: lower-case name

    def declaration(self, version: str) -> int:
        """A declaration of its own per SOAP version: marking one as sent twice is rightly refused."""
        return self.declarations[SOAP_VERSIONS.index(version) % len(self.declarations)]


# --- valid arguments from the contract metadata -----------------------------------------------------

FIXED_GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
MAX_DEPTH = 8  # optional members below this depth are left out (guards recursive types)
BUILTIN_VALUES: dict[str, Any] = {
    "boolean": True,  # UnprotectedMode and every other flag
    "string": "Test",
    "anyType": "Test",
    "decimal": Decimal("8.50"),
    "dateTime": datetime(2026, 11, 2),
    "guid": FIXED_GUID,
    "base64Binary": b"%PDF-1.4 test",
}

# Strings whose meaning has a format (by lower-case element name), as the harness sends them; every
# other string is "Test".
STRING_VALUES = FORMATTED_STRINGS
VALID_IBAN = STRING_VALUES["iban"]


@dataclass(frozen=True)
class Arguments:
    """Valid arguments for the operations of one service, from its contract metadata."""

    contract: ServiceContract
    ids: Ids
    version: str

    def for_operation(self, operation: str) -> dict[str, Any]:
        return {e.name: self.element(e, None, 0) for e in self.contract.operations[operation].inputs}

    def element(self, element: Element, owner: str | None, depth: int) -> Any:
        if depth > MAX_DEPTH and (element.min_occurs == 0 or element.nillable):
            return None
        value = self.value(element.name, element.type, owner, depth)
        return [value] if element.is_list else value

    def value(self, name: str, type_name: str, owner: str | None, depth: int) -> Any:
        kind = self.contract.kind(type_name)
        if kind == "builtin":
            if type_name == "int":
                return self.integer(name, owner)
            if type_name == "string":
                return self.string(name, owner)
            return self.ids.references.get(name.lower(), BUILTIN_VALUES[type_name])
        if kind == "enum":
            return self.contract.enums[type_name].values[0]
        item = self.contract.complex_types[type_name].array_item
        if item is not None:  # ArrayOfX: one item (zeep takes {"X": [...]})
            return {item.name: [self.value(item.name, item.type, type_name, depth + 1)]}
        members = (
            (f.name, self.element(f, type_name, depth + 1)) for f in self.contract.fields_of(type_name)
        )
        return {name: value for name, value in members if value is not None}

    def string(self, name: str, owner: str | None) -> str:
        if owner == "BankAccount" and name == "Number":  # the account number: the IBAN
            return VALID_IBAN
        lower = name.lower()
        return self.ids.references.get(lower, STRING_VALUES.get(lower, BUILTIN_VALUES["string"]))

    def integer(self, name: str, owner: str | None) -> int:
        ids, lower = self.ids, name.lower()
        if lower == "employeeid":
            return ids.employee
        if lower == "companyid":
            return ids.company
        if lower == "debtorid" or (owner == "Debtor" and lower == "id"):
            return ids.debtor
        if lower == "runid":
            return ids.run
        if lower in ids.references:
            return int(ids.references[lower])
        if lower in ("loonaangifteid", "wagetaxid"):
            return ids.declaration(self.version)
        if lower == "hourcode":  # must be in the company's hour models
            return ids.hour_code
        if lower == "code" and owner is not None and "WageComponent" in owner:  # in its wage models
            return ids.wage_code
        if lower.endswith("year"):  # Year, intYear, StartYear, EndYear, IntYear
            return ids.year
        if lower.endswith("period"):  # Period, StartPeriod, EndPeriod, IntPeriod
            return ids.period
        return 1


def arguments_for(service: str, operation: str, ids: Ids, version: str) -> dict[str, Any]:
    return Arguments(load_contract(service), ids, version).for_operation(operation)
