"""Stored record data → the dict a contract type expects.

The serializer reads a type's fields by name and ignores other keys, so a projection only has to
fill an empty id field with the record id (under either casing, `Id` or `ID`) and shape nested
complex values; scalar fields pass through untouched. The plan for each (type, family) is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from mock_server.contract.model import ServiceContract

ID_FIELDS = frozenset({"id", "recordid"})


def is_id_field(name: str, family: str) -> bool:
    lower = name.lower()
    return lower in ID_FIELDS or lower == f"{family.lower()}id"


@dataclass(frozen=True)
class _Plan:
    array_item_type: str | None  # set for ArrayOfX types
    id_fields: tuple[tuple[str, str], ...]  # (name, the other casing)
    nested: tuple[tuple[str, str], ...]  # (name, complex type)


@cache
def _plan(contract: ServiceContract, type_name: str, family: str) -> _Plan:
    complex_type = contract.complex_types[type_name]
    item = complex_type.array_item
    if item is not None:
        return _Plan(item.type if contract.kind(item.type) == "complex" else None, (), ())
    fields = contract.fields_of(type_name)
    ids = tuple(
        (f.name, f.name.swapcase() if f.name in ("ID", "id") else ("ID" if f.name == "Id" else f.name))
        for f in fields
        if f.type == "int" and is_id_field(f.name, family)
    )
    nested = tuple((f.name, f.type) for f in fields if contract.kind(f.type) == "complex")
    return _Plan(None, ids, nested)


def project(contract: ServiceContract, type_name: str, data: Any, record_id: int, family: str) -> Any:
    """Shape `data` for `type_name`; the record id fills an empty id field."""
    plan = _plan(contract, type_name, family)
    if contract.complex_types[type_name].array_item is not None:
        values = data if isinstance(data, list) else []
        if plan.array_item_type is None:
            return values
        return [_nested(contract, plan.array_item_type, v, record_id, family) for v in values]
    if not isinstance(data, dict):
        return None
    out = dict(data)
    for name, other in plan.id_fields:
        if not out.get(name):
            out[name] = out.get(other) or record_id
    for name, nested_type in plan.nested:
        value = out.get(name)
        if value is not None:
            out[name] = _nested(contract, nested_type, value, record_id, family)
    return out


def _nested(contract: ServiceContract, type_name: str, value: Any, record_id: int, family: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list) and contract.complex_types[type_name].array_item is None:
        return None
    if isinstance(value, dict | list):
        return project(contract, type_name, value, record_id, family)
    return None
