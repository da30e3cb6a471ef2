"""Stored record data → the dict a contract type expects (and back for payloads)."""

from __future__ import annotations

from typing import Any

from mock_server.contract.model import ServiceContract

ID_FIELDS = frozenset({"id", "recordid"})


def is_id_field(name: str, family: str) -> bool:
    lower = name.lower()
    return lower in ID_FIELDS or lower == f"{family.lower()}id"


def project(contract: ServiceContract, type_name: str, data: dict[str, Any], record_id: int, family: str) -> Any:
    """Pick the fields of `type_name` out of `data`; the record id fills an empty id field."""
    complex_type = contract.complex_types[type_name]
    item = complex_type.array_item
    if item is not None:
        values = data if isinstance(data, list) else []
        return [_project_value(contract, item.type, v, record_id, family) for v in values]
    out: dict[str, Any] = {}
    for element in contract.fields_of(type_name):
        value = data.get(element.name)
        if value is None:
            value = _case_insensitive(data, element.name)
        if element.type == "int" and not value and is_id_field(element.name, family):
            value = record_id
        out[element.name] = _project_value(contract, element.type, value, record_id, family)
    return out


def _project_value(contract: ServiceContract, type_name: str, value: Any, record_id: int, family: str) -> Any:
    if value is None or contract.kind(type_name) != "complex":
        return value
    if isinstance(value, list) and contract.complex_types[type_name].array_item is None:
        return None
    if isinstance(value, dict | list):
        return project(contract, type_name, value, record_id, family)
    return None


def _case_insensitive(data: dict[str, Any], name: str) -> Any:
    """`ID` in a payload answers `Id` in a read type (Nmbrs mixes the casings)."""
    lower = name.lower()
    for key, value in data.items():
        if key.lower() == lower:
            return value
    return None
