"""Result types that extend an entity type: the inherited part describes that entity.

`PersonalInfo` extends `Employee {Id, Number, DisplayName}`: a personal-info record answers with the
employee's own id, number and name (as `List_GetByCompany` lists them), not with the record's id. Types
that extend a record type (`AbsenceV2` extends `Absence`) describe the same record, so the projection
fills them already. Writes of such a type name their record by the owner, never by the inherited `Id`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from mock_server.contract.model import ServiceContract
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant
from mock_server.services.employee import employee_wire

# Base type -> the wire form of the entity a record's owner is.
ENTITY_BASES: dict[str, Callable[[Tenant, int], dict[str, Any]]] = {
    "Employee": lambda tenant, owner: employee_wire(tenant.employee(owner)),
}
# Inherited fields that identify the entity: a write never stores them or reads them as a record id.
IDENTIFYING = frozenset({"Id", "Number"})


@cache
def entity_base(contract: ServiceContract, type_name: str) -> str | None:
    """The entity type `type_name` extends (directly or further up), if any."""
    base = contract.complex_types[type_name].base if contract.kind(type_name) == "complex" else None
    while base is not None:
        if base in ENTITY_BASES:
            return base
        base = contract.complex_types[base].base
    return None


def describe_entity(
    contract: ServiceContract, tenant: Tenant, type_name: str, out: Any, record: StoredRecord
) -> Any:
    """Overwrite the inherited fields of a projected record with its owner entity's values."""
    base = entity_base(contract, type_name)
    if base is None or not isinstance(out, dict):
        return out
    entity = ENTITY_BASES[base](tenant, record.owner)
    return {**out, **{f.name: entity.get(f.name) for f in contract.fields_of(base)}}


def without_identity(contract: ServiceContract, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A written payload without the inherited fields naming its entity (they are not record data)."""
    if entity_base(contract, type_name) is None:
        return data
    return {k: v for k, v in data.items() if k not in IDENTIFYING}
