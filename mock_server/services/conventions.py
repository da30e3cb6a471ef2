"""Family conventions: how every operation without a hand-written handler behaves.

Reads (`_Get`, `_GetCurrent`, `_GetList`, `_GetAll_AllEmployeesByCompany`, ...) return the stored records
of the family that are valid in the period asked for; writes (`_Insert`, `_Insert_Batch`, `_Set`,
`_Update`, `_Delete`, `_Clear`, `_Stop`, ...) change them. So what one call writes, the others read.
Period rules apply to all of them: a period outside the company's type → 2006, a write before the
current period without UnprotectedMode → 2011 (or the legacy 9999, a setting).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.contract.model import Element
from mock_server.domain.errors import ProtectedPeriod, Unknown
from mock_server.domain.model import Company
from mock_server.domain.periods import Period, first_day, previous_period, validate
from mock_server.services.call import Call
from mock_server.services.projection import is_id_field, project
from mock_server.services.shape import Shape, shape_of
from mock_server.services.validation import validate_values
from mock_server.storage.sqlite_store import StoredRecord

ADDRESSING = frozenset({"EmployeeId", "EmployeeID", "Period", "Year"})  # where a batch item goes, not what


def key_of(period: Period) -> int:
    return period.year * 100 + period.number


def handle(call: Call) -> Any:
    shape = shape_of(call.service, call.name)
    if shape.is_read:
        return read(call, shape)
    return write(call, shape)


# --- owners and periods ---------------------------------------------------------------------------


def resolve_owner(call: Call, kind: str, owner_id: int) -> Company | None:
    """Check the owner exists and is visible (2003 / 2004 / 2009); return the company it belongs to."""
    tenant = call.tenant
    if kind == "employee":
        return tenant.company(tenant.employee(owner_id).company_id)
    if kind == "company":
        return tenant.company(owner_id)
    if kind == "debtor":
        tenant.debtor(owner_id)
    return None


def target_period(call: Call, shape: Shape, company: Company | None, values: dict[str, Any]) -> Period | None:
    if company is None:
        return None
    period, year = values.get(shape.period_param or ""), values.get(shape.year_param or "")
    if shape.has_period and period is not None and year is not None:
        return validate(company.type, year, period)
    return company.current


def check_protected(call: Call, company: Company, period: Period, unprotected: bool) -> None:
    if period < company.current and not unprotected:
        if call.settings.protected_period_code == 9999:
            raise Unknown(context=f"TWK: period {period} is before {company.current}")
        raise ProtectedPeriod(context=f"period {period} is before {company.current}")


# --- reads ----------------------------------------------------------------------------------------


def read(call: Call, shape: Shape) -> Any:
    owner_id = (call.args.get(shape.owner_param) if shape.owner_param else 0) or 0
    company = resolve_owner(call, shape.owner_kind, owner_id)
    result = call.operation.result
    if result is None:
        return None
    per_employee = _per_employee_item(call, result)
    if per_employee is not None and shape.owner_kind == "company":
        return _per_employee_read(call, shape, owner_id, per_employee)
    records = call.tenant.records(shape.family, shape.owner_kind, [owner_id])
    records = _select(call, shape, company, records)
    container = _container(call, result.type) if not result.is_list else None
    if container is not None:
        id_field, records_field = container
        return {id_field.name: owner_id, records_field.name: _output(call, shape, records_field, records)}
    return _output(call, shape, result, records)


def _select(
    call: Call, shape: Shape, company: Company | None, records: list[StoredRecord]
) -> list[StoredRecord]:
    if shape.id_param and call.args.get(shape.id_param):
        wanted = call.args[shape.id_param]
        matching = [r for r in records if r.id == wanted]
        records = matching or records
    if (shape.verb.startswith("GetAll") and not shape.has_period) or company is None:
        return records
    if shape.year_param and not shape.period_param:
        year = call.args.get(shape.year_param)
        return [r for r in records if r.start // 100 == year]
    period = target_period(call, shape, company, call.args)
    key = key_of(period) if period else 0
    if shape.is_variable:
        return [r for r in records if r.start == key]
    return [r for r in records if r.start <= key and (r.until is None or r.until >= key)]


def _output(call: Call, shape: Shape, result: Element, records: list[StoredRecord]) -> Any:
    contract = call.contract
    if contract.kind(result.type) != "complex":
        return _scalar(records, result.type, shape.family)
    item = contract.complex_types[result.type].array_item
    if item is None:
        if not records:
            return None
        latest = records[-1]
        return project(contract, result.type, latest.data, latest, shape.family)
    if contract.kind(item.type) != "complex":
        return [v for r in records for v in [_scalar([r], item.type, shape.family)] if v is not None]
    return [project(contract, item.type, r.data, r, shape.family) for r in records]


def _scalar(records: list[StoredRecord], type_name: str, family: str) -> Any:
    """A single value out of the latest record: the field the family is named after (`Days` for
    `DaysVar`), else the first value of the wanted type."""
    wanted: tuple[type, ...] = {
        "int": (int,),
        "decimal": (Decimal, int),
        "string": (str,),
        "boolean": (bool,),
        "dateTime": (datetime,),
        "base64Binary": (bytes,),
    }.get(type_name, (str,))
    for record in reversed(records):
        named = [v for k, v in record.data.items() if family.startswith(k)]
        for value in named + list(record.data.values()):
            if isinstance(value, wanted) and not (type_name != "boolean" and isinstance(value, bool)):
                return value
    return None


def _container(call: Call, type_name: str) -> tuple[Element, Element] | None:
    """A type like `EmployeeContractItem{EmployeeId, EmployeeContracts}`: an owner id and its records."""
    contract = call.contract
    if contract.kind(type_name) != "complex" or contract.complex_types[type_name].array_item is not None:
        return None
    fields = contract.fields_of(type_name)
    id_field = next((f for f in fields if f.name.lower() in ("employeeid", "companyid")), None)
    others = [f for f in fields if f is not id_field]
    if id_field is None or len(others) != 1 or contract.kind(others[0].type) != "complex":
        return None
    return id_field, others[0]


def _per_employee_item(call: Call, result: Element) -> tuple[Element, Element] | None:
    """For `X_GetAll_AllEmployeesByCompany`: the item's EmployeeId field and its records field."""
    contract = call.contract
    if contract.kind(result.type) != "complex":
        return None
    item = contract.complex_types[result.type].array_item
    if item is None:
        return None
    container = _container(call, item.type)
    if container is None or container[0].name.lower() != "employeeid":
        return None
    return container


def _per_employee_read(call: Call, shape: Shape, company_id: int, item: tuple[Element, Element]) -> Any:
    id_field, records_field = item
    employees = call.tenant.employees(company_id)
    records = call.tenant.records(shape.family, "employee", [e.id for e in employees])
    if shape.has_period:  # "…ByCompany(CompanyId, Period, Year)": what holds in that period
        records = _select(call, shape, call.tenant.company(company_id), records)
    by_owner: dict[int, list[StoredRecord]] = {}
    for record in records:
        by_owner.setdefault(record.owner, []).append(record)
    out = []
    for employee in employees:
        own = by_owner.get(employee.id, [])
        out.append({id_field.name: employee.id, records_field.name: _output(call, shape, records_field, own)})
    return out


# --- writes ---------------------------------------------------------------------------------------


def write(call: Call, shape: Shape) -> Any:
    unprotected = bool(call.args.get(shape.unprotected_param or "", False))
    if shape.is_batch and shape.payload is not None:
        items = call.args.get(shape.payload.name) or []
        written = [_write_item(call, shape, item, unprotected) for item in items if item is not None]
        return _write_result(call, shape, written[-1] if written else None)
    owner_id = (call.args.get(shape.owner_param) if shape.owner_param else 0) or 0
    if shape.replaces_set and shape.payload is not None:
        return _replace_set(call, shape, owner_id, call.args.get(shape.payload.name) or [], unprotected)
    record = _apply(call, shape, owner_id, _payload_data(call, shape), unprotected)
    return _write_result(call, shape, record)


def _replace_set(call: Call, shape: Shape, owner_id: int, items: list[Any], unprotected: bool) -> Any:
    """An array for one owner (`CostCenter_UpdateCurrent`): the new set holds from the period on, the
    previous set ends the period before."""
    company = resolve_owner(call, shape.owner_kind, owner_id)
    period, named = _write_period(call, shape, company, None)
    if company is None or period is None:
        return None
    if named:
        check_protected(call, company, period, unprotected)
    key, tenant = key_of(period), call.tenant
    for record in tenant.records(shape.family, shape.owner_kind, [owner_id]):
        if record.start == key:
            tenant.delete_record(record.id)
        elif record.start < key and (record.until is None or record.until >= key):
            record.until = key_of(previous_period(company.type, period))
            tenant.put_record(record)
    records = [
        _apply(call, replace(shape, verb="Insert"), owner_id, dict(item), True) for item in items if item
    ]
    return _write_result(call, shape, records[-1] if records else None)


def _write_item(call: Call, shape: Shape, item: dict[str, Any], unprotected: bool) -> StoredRecord | None:
    """One item of a batch: it names its employee, and sometimes its own period (`DaysWorked`)."""
    owner_id = item.get("EmployeeId") or item.get("EmployeeID") or call.args.get(shape.owner_param or "") or 0
    kind = "employee" if ("EmployeeId" in item or "EmployeeID" in item) else shape.owner_kind
    item_shape = shape if kind == shape.owner_kind else replace(shape, owner_kind=kind)
    own_period = (item["Year"], item["Period"]) if "Period" in item and "Year" in item else None
    data = {k: v for k, v in item.items() if k not in ADDRESSING}
    return _apply(call, item_shape, owner_id, data, unprotected, own_period)


def _payload_data(call: Call, shape: Shape) -> dict[str, Any]:
    if shape.payload is not None:
        value = call.args.get(shape.payload.name)
        return dict(value) if isinstance(value, dict) else {shape.payload.name: value}
    return {name: call.args.get(name) for name in shape.scalars}


def _write_period(
    call: Call, shape: Shape, company: Company | None, own_period: tuple[int, int] | None
) -> tuple[Period | None, bool]:
    """The period a write targets, and whether the caller named it (then it is checked)."""
    if company is None:
        return None, False
    if own_period is not None:
        return validate(company.type, *own_period), True
    if shape.has_period and "Current" not in shape.verb:
        return target_period(call, shape, company, call.args), True
    return company.current, False


def _apply(
    call: Call,
    shape: Shape,
    owner_id: int,
    data: dict[str, Any],
    unprotected: bool,
    own_period: tuple[int, int] | None = None,
) -> StoredRecord | None:
    company = resolve_owner(call, shape.owner_kind, owner_id)
    period, named = _write_period(call, shape, company, own_period)
    if company is not None and period is not None and named:
        check_protected(call, company, period, unprotected)
    key = key_of(period) if period else 0
    tenant = call.tenant
    verb = shape.verb
    inserting = verb.startswith("Insert")
    records = [] if inserting else tenant.records(shape.family, shape.owner_kind, [owner_id])
    if verb.startswith("Delete"):
        return _delete(call, shape, records)
    if verb.startswith("Clear"):
        for record in records:
            if record.start == key:
                tenant.delete_record(record.id)
        return None
    if verb.startswith("Stop"):
        return _stop(call, shape, records, key, data)
    if company is not None:
        validate_values(call, shape.family, company, data)
        if period is not None and data.get("StartDate", 0) in (None, datetime(1, 1, 1)):
            data["StartDate"] = datetime.combine(first_day(company.type, period), datetime.min.time())
    existing = None if inserting else _existing(call, shape, records, data, key)
    if existing is not None:
        existing.data = {**existing.data, **{k: v for k, v in data.items() if v is not None}}
        tenant.put_record(existing)
        return existing
    record_id = tenant.next_id("record", 1000)
    until = key if shape.is_variable else None
    created = datetime.now().replace(microsecond=0).isoformat()
    record = StoredRecord(shape.family, shape.owner_kind, owner_id, record_id, key, until, created, data)
    tenant.put_record(record)
    return record


def _existing(
    call: Call, shape: Shape, records: list[StoredRecord], data: dict[str, Any], key: int
) -> StoredRecord | None:
    """The record an Update or Set replaces, if any."""
    wanted = call.args.get(shape.id_param) if shape.id_param else None
    wanted = wanted or next((v for k, v in data.items() if is_id_field(k, shape.family) and v), None)
    if wanted:
        return next((r for r in records if r.id == wanted), None)
    if shape.verb.startswith("Set") or shape.verb.startswith("Update"):
        same_period = [r for r in records if r.start == key]
        return same_period[-1] if same_period else None
    return None


def _delete(call: Call, shape: Shape, records: list[StoredRecord]) -> StoredRecord | None:
    wanted = call.args.get(shape.id_param) if shape.id_param else None
    for record in records:
        if wanted is None or record.id == wanted:
            call.tenant.delete_record(record.id)
            return record
    return None


def _stop(
    call: Call, shape: Shape, records: list[StoredRecord], key: int, data: dict[str, Any]
) -> StoredRecord | None:
    """End the record named by an id parameter or the payload's id, else every open one."""
    wanted = call.args.get(shape.id_param) if shape.id_param else None
    wanted = wanted or next((v for k, v in data.items() if is_id_field(k, shape.family) and v), None)
    stopped = None
    for record in records:
        if (wanted is None or record.id == wanted) and record.start <= key and record.until is None:
            record.until = key
            call.tenant.put_record(record)
            stopped = record
    return stopped


def _write_result(call: Call, shape: Shape, record: StoredRecord | None) -> Any:
    result = call.operation.result
    if result is None:
        return None
    if result.type == "int":
        return record.id if record is not None else 0
    if result.type == "boolean":
        return True
    if call.contract.kind(result.type) == "complex" and record is not None:
        return project(call.contract, result.type, record.data, record, shape.family)
    return None
