"""Stored records → the dicts a contract type expects.

The serializer reads a type's fields by name and ignores other keys, so a projection only has to
fill what the record knows but the data lacks (the record id in an empty id field under either
casing; StartPeriod, StartYear and CreationDate), convert enum values between name and number
(`Salary.Type` is an enum, `Salary_V2.Type` an int) and shape nested values. Plans are cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from mock_server.contract.model import ServiceContract
from mock_server.domain.records import StoredRecord

ID_FIELDS = frozenset({"id", "recordid"})
_EMPTY_DATES = (None, datetime(1, 1, 1))


@lru_cache(maxsize=4096)  # asked for every field of every written item
def is_id_field(name: str, family: str) -> bool:
    """A payload field holding the record's own id: `Id`/`ID`, or `<Family>Id` (`WebhookSettingId` for
    the `WebhookSettings` family)."""
    lower, stem = name.lower(), family.lower()
    return lower in ID_FIELDS or lower in (f"{stem}id", f"{stem.removesuffix('s')}id")


def names_record(parameter: str, family: str) -> bool:
    """An id parameter naming a record of this family (`AddressID` for Address, `WageComponentId` for
    WageComponentFixed), not a filter such as `LabourAgreementSettingsGroupId`."""
    lower, stem_family = parameter.lower(), family.lower()
    if not lower.endswith("id"):
        return False
    stem = lower[:-2]
    return stem in ("", "record") or stem_family.startswith(stem) or stem.startswith(stem_family)


@dataclass(frozen=True)
class _Plan:
    array_item_type: str | None  # set for ArrayOfX types of complex items
    id_fields: tuple[tuple[str, str, bool], ...]  # (name, the other casing, is decimal)
    derived: tuple[str, ...]  # StartPeriod, StartYear, CreationDate present in the type
    enums: tuple[tuple[str, str], ...]  # (field, enum type): an int is the position of the name
    # int fields: one that holds text (an enum name, or a write through a type where the field is a
    # string, as PersonalInfo_Update's BurgerlijkeStaat) reads as its number, else 0 (.NET's default)
    ints_from_enum: tuple[tuple[str, dict[str, int]], ...]
    nested: tuple[tuple[str, str], ...]  # (name, complex type)
    is_array: bool = False  # an ASMX ArrayOfX type
    unchanged: bool = False  # nothing to convert: a nested value (no record to fill from) is kept as is


def enum_name(contract: ServiceContract, enum: str, value: Any) -> Any:
    """An enum value as its name; a number is the position of the name (as .NET numbers enums)."""
    values = contract.enums[enum].values
    if isinstance(value, int) and not isinstance(value, bool):
        return values[value] if 0 <= value < len(values) else values[0]
    return value


def _salary_type_positions(contract: ServiceContract) -> dict[str, int]:
    """`Salary_V2.Type` is an int where `Salary.Type` is the SalaryType enum: a name reads as its number."""
    enum = contract.enums.get("SalaryType")
    return {value: index for index, value in enumerate(enum.values)} if enum else {}


@cache
def _plan(contract: ServiceContract, type_name: str, family: str) -> _Plan:
    item = contract.complex_types[type_name].array_item
    if item is not None:
        item_type = item.type if contract.kind(item.type) == "complex" else None
        return _Plan(item_type, (), (), (), (), (), is_array=True)
    fields = contract.fields_of(type_name)
    ids = tuple(
        (f.name, {"ID": "Id", "Id": "ID"}.get(f.name, f.name), f.type == "decimal")
        for f in fields
        if f.type in ("int", "decimal") and is_id_field(f.name, family)
    )
    derived = tuple(f.name for f in fields if f.name in ("StartPeriod", "StartYear", "CreationDate"))
    enums = tuple((f.name, f.type) for f in fields if f.type in contract.enums)
    positions = _salary_type_positions(contract)
    ints = tuple((f.name, positions if f.name == "Type" else {}) for f in fields if f.type == "int")
    nested = tuple((f.name, f.type) for f in fields if contract.kind(f.type) == "complex")
    return _Plan(None, ids, derived, enums, ints, nested, unchanged=not (enums or ints or nested))


def project(
    contract: ServiceContract, type_name: str, data: Any, record: StoredRecord | None, family: str
) -> Any:
    """Shape `data` (a record's data, or a nested value of it) for `type_name`."""
    plan = _plan(contract, type_name, family)
    if plan.is_array:
        values = data if isinstance(data, list) else []
        if plan.array_item_type is None:
            return values
        return [_nested(contract, plan.array_item_type, v, record, family) for v in values]
    if not isinstance(data, dict):
        return None
    if record is None and plan.unchanged:  # a nested value with nothing to fill or convert: as it is
        return data
    out = dict(data)
    if record is not None:
        _fill_from_record(out, plan, record)
    for name, enum in plan.enums:
        out[name] = enum_name(contract, enum, out.get(name))
    for name, positions in plan.ints_from_enum:
        value = out.get(name)
        if isinstance(value, str):
            out[name] = positions.get(value, _int_or_zero(value))
    for name, nested_type in plan.nested:
        value = out.get(name)
        if value is not None:
            out[name] = _nested(contract, nested_type, value, None, family)
    return out


def _int_or_zero(text: str) -> int:
    stripped = text.strip()
    value = int(stripped) if stripped.lstrip("+-").isdigit() and len(stripped) < 12 else 0
    return value if -(2**31) <= value < 2**31 else 0


def _fill_from_record(out: dict[str, Any], plan: _Plan, record: StoredRecord) -> None:
    for name, other, decimal in plan.id_fields:
        if not out.get(name):
            value = out.get(other) or record.id
            out[name] = Decimal(value) if decimal else value
    for name in plan.derived:
        if out.get(name) not in _EMPTY_DATES and out.get(name) != 0:
            continue
        if name == "StartPeriod":
            out[name] = record.period.number
        elif name == "StartYear":
            out[name] = record.year
        else:
            out[name] = datetime.fromisoformat(record.created)


def _nested(
    contract: ServiceContract, type_name: str, value: Any, record: StoredRecord | None, family: str
) -> Any:
    if value is None:
        return None
    if isinstance(value, list) and contract.complex_types[type_name].array_item is None:
        return None
    if isinstance(value, dict | list):
        return project(contract, type_name, value, record, family)
    return None
