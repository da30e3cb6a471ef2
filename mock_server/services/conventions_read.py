"""Reads by convention: the stored records of a family that hold in the period asked for.

`_GetCurrent` reads the current period, `_Get(…, Period, Year)` a given one, `_GetList` the history up to
it, `_GetAll_AllEmployeesByCompany` every employee's full history; variable families (`…Var`) hold in
one period only.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from mock_server.contract.model import VALUE_TYPES, Element, ServiceContract
from mock_server.domain.model import Company
from mock_server.domain.records import StoredRecord, of_year, valid_at
from mock_server.services.call import Call
from mock_server.services.inheritance import describe_entity
from mock_server.services.projection import names_record, project
from mock_server.services.scope import resolve_owner, target_period
from mock_server.services.shape import Shape

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "decimal": (Decimal, int),
    "string": (str,),
    "boolean": (bool,),
    "dateTime": (datetime,),
    "base64Binary": (bytes,),
}


def read(call: Call, shape: Shape) -> Any:
    owner_id = (call.args.get(shape.owner_param) if shape.owner_param else 0) or 0
    company = resolve_owner(call, shape.owner_kind, owner_id)
    result = call.operation.result
    if result is None:
        return None
    per_employee = per_employee_item(call.contract, result.type)
    if per_employee is not None and shape.owner_kind == "company":
        return _per_employee_read(call, shape, owner_id, per_employee)
    start = _variable_period_key(call, shape, company)
    stored = call.tenant.records(shape.family, shape.owner_kind, [owner_id], start)
    records = select(call, shape, company, stored)
    container = container_fields(call.contract, result.type) if not result.is_list else None
    if container is not None:
        id_field, records_field = container
        return {id_field.name: owner_id, records_field.name: output(call, shape, records_field, records)}
    return output(call, shape, result, records)


def select(
    call: Call, shape: Shape, company: Company | None, records: list[StoredRecord]
) -> list[StoredRecord]:
    """The records a read answers with: one named by id, or those holding in the period asked for."""
    if shape.id_param and names_record(shape.id_param, shape.family) and call.args.get(shape.id_param):
        records = [r for r in records if r.id == call.args[shape.id_param]]
    if company is None:
        target_period(call, shape, None, call.args)  # a debtor's read still validates the period named
        return records
    if shape.verb.startswith("GetAll") and not shape.has_period:
        return records
    if shape.year_param and not shape.period_param:
        return of_year(records, call.args.get(shape.year_param) or 0)
    period = target_period(call, shape, company, call.args)
    key = period.key if period else 0
    if shape.is_variable:
        return [r for r in records if r.start == key]
    return valid_at(records, key)


def _variable_period_key(call: Call, shape: Shape, company: Company | None) -> int | None:
    """The period key a read of a variable family selects (read only those records: one employee's
    hours do not grow with its history), or None when `select` keeps more than one period."""
    if not shape.is_variable or company is None or (shape.verb.startswith("GetAll") and not shape.has_period):
        return None
    if shape.id_param and names_record(shape.id_param, shape.family) and call.args.get(shape.id_param):
        return None
    if shape.year_param and not shape.period_param:
        return None
    period = target_period(call, shape, company, call.args)
    return period.key if period else None


def output(call: Call, shape: Shape, result: Element, records: list[StoredRecord]) -> Any:
    contract = call.contract
    if contract.kind(result.type) != "complex":
        return _scalar(records, result.type, shape.family)
    item = contract.complex_types[result.type].array_item
    if item is None:
        return (
            _projected(call, shape, result.type, records[-1])
            if records
            else zero_object(contract, result.type)
        )
    if contract.kind(item.type) != "complex":
        return [v for r in records for v in [_scalar([r], item.type, shape.family)] if v is not None]
    return [_projected(call, shape, item.type, r) for r in records]


def _projected(call: Call, shape: Shape, type_name: str, record: StoredRecord) -> Any:
    out = project(call.contract, type_name, record.data, record, shape.family)
    return describe_entity(call.contract, call.tenant, type_name, out, record)


def _scalar(records: list[StoredRecord], type_name: str, family: str) -> Any:
    """A single value out of the latest record: the field the family is named after (`Days` for
    `DaysVar`), else the first value of the wanted type."""
    wanted = _PYTHON_TYPES.get(type_name, (str,))
    for record in reversed(records):
        named = [v for k, v in record.data.items() if family.startswith(k)]
        for value in named + list(record.data.values()):
            if isinstance(value, wanted) and not (type_name != "boolean" and isinstance(value, bool)):
                return value
    return None


@cache
def zero_object(contract: ServiceContract, type_name: str) -> dict[str, Any] | None:
    """What Nmbrs answers for a counter-like object nobody has set (`DaysVarWorked`, `Spaarloon`): its
    value-type fields at their .NET defaults, as `DaysVar_Get` answers 0. Other objects stay absent."""
    fields = contract.fields_of(type_name)
    if not fields or any(f.type not in VALUE_TYPES and f.type not in contract.enums for f in fields):
        return None
    if any(f.type == "dateTime" for f in fields):  # a dated record (Schedule): none stored means none
        return None
    return {f.name: contract.default(f) for f in fields}


@cache
def container_fields(contract: ServiceContract, type_name: str) -> tuple[Element, Element] | None:
    """A type like `EmployeeContractItem{EmployeeId, EmployeeContracts}`: an owner id and its records."""
    if contract.kind(type_name) != "complex" or contract.complex_types[type_name].array_item is not None:
        return None
    fields = contract.fields_of(type_name)
    id_field = next((f for f in fields if f.name.lower() in ("employeeid", "companyid")), None)
    others = [f for f in fields if f is not id_field]
    if id_field is None or len(others) != 1 or contract.kind(others[0].type) != "complex":
        return None
    return id_field, others[0]


@cache
def per_employee_item(contract: ServiceContract, type_name: str) -> tuple[Element, Element] | None:
    """For `X_GetAll_AllEmployeesByCompany`: the item's EmployeeId field and its records field."""
    if contract.kind(type_name) != "complex":
        return None
    item = contract.complex_types[type_name].array_item
    container = container_fields(contract, item.type) if item is not None else None
    if container is None or container[0].name.lower() != "employeeid":
        return None
    return container


def _per_employee_read(call: Call, shape: Shape, company_id: int, item: tuple[Element, Element]) -> Any:
    id_field, records_field = item
    employees = call.tenant.employee_ids(company_id)
    grouped = call.tenant.records_by_owner(shape.family, "employee", employees)
    company = call.tenant.company(company_id) if shape.has_period else None
    id_name, records_name = id_field.name, records_field.name
    out = []
    for employee in employees:
        own = grouped.get(employee, [])
        if company is not None:  # "…ByCompany(CompanyId, Period, Year)": what holds in that period
            own = select(call, shape, company, own)
        out.append({id_name: employee, records_name: output(call, shape, records_field, own)})
    return out
