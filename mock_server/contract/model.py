"""The wire contract of one Nmbrs service as plain data: types, elements and operations.

Everything the SOAP face needs (WSDL rendering, request decoding, response serialization, Spyne model
generation) is derived from these objects. They are built by `mock_server.codegen` from the reference
WSDLs and stored as generated Python literals under `mock_server/contract/_generated/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

UNBOUNDED = -1

# Builtin XSD types used by Nmbrs (prefix-free names), plus the Microsoft guid type.
BUILTIN_TYPES = frozenset(
    {"int", "string", "decimal", "dateTime", "boolean", "base64Binary", "guid", "anyType"}
)
# .NET value types and their defaults: an absent element reads as the default, never as null (enums are
# value types too: their default is their first value).
DOTNET_DEFAULTS: dict[str, Any] = {
    "int": 0,
    "decimal": Decimal(0),
    "boolean": False,
    "dateTime": datetime(1, 1, 1),
    "guid": "00000000-0000-0000-0000-000000000000",
}
VALUE_TYPES = frozenset(DOTNET_DEFAULTS)


@dataclass(frozen=True)
class Element:
    """One element particle: `<s:element name=... type=... minOccurs maxOccurs nillable>`."""

    name: str
    type: str  # a builtin name, an enum name, or a complex type name
    min_occurs: int = 1
    max_occurs: int = 1  # UNBOUNDED for maxOccurs="unbounded"
    nillable: bool = False

    @property
    def is_list(self) -> bool:
        return self.max_occurs != 1


@dataclass(frozen=True)
class ComplexType:
    """A complex type; `anonymous` ones are inline in the WSDL and named here only for reference."""

    name: str
    elements: tuple[Element, ...] = ()
    base: str | None = None  # complexContent extension base
    anonymous: bool = False
    any_attribute: bool = False

    @property
    def array_item(self) -> Element | None:
        """The item element when this is an ASMX `ArrayOfX` type (a single repeated element)."""
        if self.base is None and len(self.elements) == 1 and self.elements[0].is_list:
            return self.elements[0]
        return None


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    """A document/literal wrapped operation: `<Name>` in, `<Name>Response` out."""

    name: str
    doc: str
    inputs: tuple[Element, ...]
    outputs: tuple[Element, ...]  # children of <NameResponse>; empty for void operations
    header: str = "AuthHeaderWithDomain"  # or "AuthHeader" (DebtorService Environment_Get)

    @property
    def response_name(self) -> str:
        return f"{self.name}Response"

    @property
    def result(self) -> Element | None:
        return self.outputs[0] if self.outputs else None


@dataclass(eq=False)  # compared and hashed by identity: one contract object per service
class ServiceContract:
    name: str  # e.g. "EmployeeService"
    namespace: str  # e.g. "https://api.nmbrs.nl/soap/v3/EmployeeService"
    complex_types: dict[str, ComplexType] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    _fields: dict[str, tuple[Element, ...]] = field(default_factory=dict, repr=False)

    def soap_action(self, operation: str) -> str:
        return f"{self.namespace}/{operation}"

    def fields_of(self, type_name: str) -> tuple[Element, ...]:
        """All elements of a complex type in wire order, base type's elements first (remembered)."""
        fields = self._fields.get(type_name)
        if fields is None:
            complex_type = self.complex_types[type_name]
            inherited = self.fields_of(complex_type.base) if complex_type.base else ()
            fields = self._fields[type_name] = inherited + complex_type.elements
        return fields

    def default(self, element: Element) -> Any:
        """What .NET reads or writes for an absent required value-type element, or None."""
        if not element.min_occurs or element.nillable:
            return None
        if element.type in DOTNET_DEFAULTS:
            return DOTNET_DEFAULTS[element.type]
        if element.type in self.enums:
            return self.enums[element.type].values[0]
        return None

    def kind(self, type_name: str) -> str:
        """'builtin', 'enum' or 'complex'."""
        if type_name in BUILTIN_TYPES:
            return "builtin"
        if type_name in self.enums:
            return "enum"
        if type_name in self.complex_types:
            return "complex"
        raise KeyError(f"{self.name}: unknown type {type_name!r}")
