"""Writes by convention: `_Insert`, `_Insert_Batch`, `_Set`, `_Update`, `_Delete`, `_Clear`, `_Stop`.

Inserts add a record from their period on (variable families: for that period only); Set and Update
replace the record named by id, else the one of their period; an id that names no record changes
nothing (the answer is 0 or false). A named period before the current one needs UnprotectedMode, and
so does changing or deleting a record of such a period where the operation takes the flag.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from mock_server.domain.errors import InvalidSetOfValues
from mock_server.domain.model import Company
from mock_server.domain.periods import Period, containing, first_day, midnight, previous_period, validate
from mock_server.domain.records import StoredRecord, latest_at
from mock_server.services.call import Call
from mock_server.services.inheritance import without_identity
from mock_server.services.projection import is_id_field, names_record, project
from mock_server.services.scope import check_protected, resolve_owner, target_period
from mock_server.services.shape import Shape
from mock_server.services.validation import validate_values

ITEM_OWNERS = {
    "EmployeeId": "employee",
    "EmployeeID": "employee",
    "CompanyId": "company",
    "CompanyID": "company",
}
ADDRESSING = frozenset({*ITEM_OWNERS, "Period", "Year"})  # where a batch item goes, not what it holds
EMPTY_DATE = datetime(1, 1, 1)  # what .NET reads for an omitted required date
SCALAR_FIELDS = {"Amount": "Value"}  # `Levensloop_Insert(Start, Amount)` is read back as `Levensloop.Value`
# Families whose StartDate says from when a version holds (Salary, Schedule); elsewhere it is a date of
# the thing itself (a contract's, a partner's, a lease car's start) and a new version carries it.
STARTED_VERSIONS = frozenset({"Salary", "Schedule"})
_NOT_FOUND = object()  # an id was named but no record has it


def write(call: Call, shape: Shape) -> Any:
    unprotected = bool(call.args.get(shape.unprotected_param or "", False))
    if shape.is_batch and shape.payload is not None:
        items = call.args.get(shape.payload.name) or []
        written = [_write_item(call, shape, item, unprotected) for item in items if item is not None]
        return _result(call, shape, written if _answers_ids(call) else (written[-1] if written else None))
    owner_id = (call.args.get(shape.owner_param) if shape.owner_param else 0) or 0
    if shape.replaces_set and shape.payload is not None:
        return _replace_set(call, shape, owner_id, call.args.get(shape.payload.name) or [], unprotected)
    return _result(call, shape, apply_record(call, shape, owner_id, _payload_data(call, shape), unprotected))


def _write_item(call: Call, shape: Shape, item: dict[str, Any], unprotected: bool) -> StoredRecord | None:
    """One item of a batch: it names its employee, and sometimes its own period (`DaysWorked`)."""
    named = next(((kind, item[key]) for key, kind in ITEM_OWNERS.items() if key in item), None)
    kind, owner_id = named or (shape.owner_kind, call.args.get(shape.owner_param or "") or 0)
    item_shape = shape if kind == shape.owner_kind else _owned_by(shape, kind)
    own_period = (item["Year"], item["Period"]) if "Period" in item and "Year" in item else None
    data = {k: v for k, v in item.items() if k not in ADDRESSING}
    record = apply_record(call, item_shape, owner_id, data, unprotected, own_period)
    return None if record is _NOT_FOUND else record


@lru_cache(maxsize=256)
def _owned_by(shape: Shape, kind: str) -> Shape:
    """The shape with another owner kind (the items of a batch name their owners: made once)."""
    return replace(shape, owner_kind=kind)


def _payload_data(call: Call, shape: Shape) -> dict[str, Any]:
    if shape.payload is not None:
        value = call.args.get(shape.payload.name)
        if isinstance(value, dict):
            return without_identity(call.contract, shape.payload.type, dict(value))
        return {shape.payload.name: value}
    return {SCALAR_FIELDS.get(name, name): call.args.get(name) for name in shape.scalars}


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
    day = call.args.get(shape.date_param or "")
    if isinstance(day, datetime) and day != EMPTY_DATE:  # `Salary_Update(Start)`, `LeaseCar_Stop(End)`
        return containing(company.type, day.date()), False
    return company.current, False


def apply_record(
    call: Call,
    shape: Shape,
    owner_id: int,
    data: dict[str, Any],
    unprotected: bool,
    own_period: tuple[int, int] | None = None,
) -> Any:
    """Write one record; returns it, None when nothing is left to return, or `_NOT_FOUND`."""
    company = resolve_owner(call, shape.owner_kind, owner_id)
    period, named = _write_period(call, shape, company, own_period)
    if company is not None and period is not None and named:
        check_protected(call, company, period, unprotected)
    key = period.key if period else 0
    verb = shape.verb
    if verb.startswith(("Delete", "Clear", "Stop")):
        return _remove(call, shape, owner_id, company, key, data, unprotected)
    if company is not None:
        validate_values(call, shape.family, company, data)
    if not verb.startswith("Insert"):
        existing = _existing(call, shape, owner_id, data, key)
        if existing is _NOT_FOUND:
            return existing
        if existing is not None:
            _check_record_period(call, shape, company, existing, unprotected)
            existing.data = {**existing.data, **changed_fields(shape, data)}
            call.tenant.put_record(existing)
            return existing
        data = _new_version(call, shape, owner_id, key, data)
    if company is not None and period is not None:
        _start_date(call, shape, company, period, data)
    stored = {k: v for k, v in data.items() if not is_id_field(k, shape.family)}  # the record id is the id
    start = period or Period(2000, 1)
    record = call.tenant.add_record(
        shape.family, shape.owner_kind, owner_id, start, stored, shape.is_variable
    )
    return _end(call, shape, company, record)


def _new_version(call: Call, shape: Shape, owner_id: int, key: int, data: dict[str, Any]) -> dict[str, Any]:
    """An Update or Set in a period without a record of its own starts a new version there: the version
    holding before it, with the fields the call names changed (and its own CreationDate)."""
    if shape.is_variable:
        return data
    base = latest_at(call.tenant.records(shape.family, shape.owner_kind, [owner_id]), key)
    if base is None:
        return data
    own = {"CreationDate", "StartDate"} if shape.family in STARTED_VERSIONS else {"CreationDate"}
    carried = {k: v for k, v in base.data.items() if k not in own}
    return {**carried, **changed_fields(shape, data)}


def changed_fields(shape: Shape, data: dict[str, Any]) -> dict[str, Any]:
    """What an Update or Set changes: the fields it names. An omitted or nil element (None) and an empty
    date (an omitted required date, as .NET reads it) keep the stored value; `Contract_Update` ignores
    StartDate, as Nmbrs does."""
    kept = {"StartDate"} if shape.family == "Contract" else set()
    return {k: v for k, v in data.items() if v is not None and v != EMPTY_DATE and k not in kept}


def _start_date(call: Call, shape: Shape, company: Company, period: Period, data: dict[str, Any]) -> None:
    """A new record's StartDate: the date the call names (`Salary_Update(Start)`), else the first day of
    its period."""
    day = call.args.get(shape.date_param or "")
    if data.get("StartDate") in (None, EMPTY_DATE):
        named = isinstance(day, datetime) and day != EMPTY_DATE
        data["StartDate"] = day if named else midnight(first_day(company.type, period))


def _end(call: Call, shape: Shape, company: Company | None, record: StoredRecord) -> StoredRecord:
    """`…_With_End`: the record holds up to its EndPeriod/EndYear (parameters, or fields of the item)."""
    names = shape.end_params or ("EndPeriod", "EndYear")
    source = call.args if shape.end_params else record.data
    period, year = source.get(names[0]), source.get(names[1])
    if company is None or not period or not year or shape.is_variable:
        return record
    end = validate(company.type, year, period)
    if end.key < record.start:
        raise InvalidSetOfValues(context=f"end period {end} before the start {record.period}")
    record.until = end.key
    call.tenant.put_record(record)
    return record


def _named_id(call: Call, shape: Shape, data: dict[str, Any]) -> int | None:
    """The record id the call names: an id parameter of this family, else the payload's id field."""
    if shape.id_param and names_record(shape.id_param, shape.family) and call.args.get(shape.id_param):
        return call.args[shape.id_param]
    return next((v for k, v in data.items() if is_id_field(k, shape.family) and v), None)


def _existing(call: Call, shape: Shape, owner_id: int, data: dict[str, Any], key: int) -> Any:
    """The record an Update or Set replaces: the one named by id (`_NOT_FOUND` if none has it), else
    the one of the period."""
    records = call.tenant.records(shape.family, shape.owner_kind, [owner_id])
    wanted = _named_id(call, shape, data)
    if wanted:
        return next((r for r in records if r.id == wanted), _NOT_FOUND)
    same_period = [r for r in records if r.start == key]
    return same_period[-1] if same_period else None


def _check_record_period(
    call: Call, shape: Shape, company: Company | None, record: StoredRecord, unprotected: bool
) -> None:
    """Changing a record of a past period needs the flag, where the operation takes one."""
    if company is not None and shape.unprotected_param and record.owner_kind != "environment":
        check_protected(call, company, record.period, unprotected)


def _remove(
    call: Call, shape: Shape, owner_id: int, company: Company | None, key: int, data: dict[str, Any],
    unprotected: bool,
) -> Any:  # fmt: skip
    """Delete a record by id, Clear the period's (variable) records, or Stop the open ones at the period."""
    records = call.tenant.records(shape.family, shape.owner_kind, [owner_id])
    wanted = _named_id(call, shape, data)
    if shape.verb.startswith("Clear"):
        cleared = [r for r in records if r.start == key]
        for record in cleared:
            call.tenant.delete_record(record.id)
        return cleared if _answers_ids(call) else None
    chosen = [r for r in records if wanted is None or r.id == wanted]
    if wanted is not None and not chosen:
        return _NOT_FOUND
    if shape.verb.startswith("Delete"):
        for record in chosen[:1]:
            _check_record_period(call, shape, company, record, unprotected)
            call.tenant.delete_record(record.id)
        return chosen[0] if chosen else None
    return _stop(call, chosen, key, data)


def _stop(call: Call, chosen: list[StoredRecord], key: int, data: dict[str, Any]) -> Any:
    """The period `key` is the last one the open records hold in (one that starts later, or is stopped
    already, is left alone); `End` (`LeaseCar_Stop(End)`) is also the record's end date."""
    stopped = None
    end = data.get("End")
    for record in chosen:
        if record.start <= key and record.until is None:
            record.until = key
            if isinstance(end, datetime) and "EndDate" in record.data:
                record.data = {**record.data, "EndDate": end}
            call.tenant.put_record(record)
            stopped = record
    return stopped


def _replace_set(call: Call, shape: Shape, owner_id: int, items: list[Any], unprotected: bool) -> Any:
    """An array for one owner (`CostCenter_UpdateCurrent`): the new set holds from the period on, the
    previous set ends the period before."""
    company = resolve_owner(call, shape.owner_kind, owner_id)
    period, named = _write_period(call, shape, company, None)
    if company is None or period is None:
        return None
    if named:
        check_protected(call, company, period, unprotected)
    for record in call.tenant.records(shape.family, shape.owner_kind, [owner_id]):
        if record.start == period.key:
            call.tenant.delete_record(record.id)
        elif record.holds_in(period.key):
            record.until = previous_period(company.type, period).key
            call.tenant.put_record(record)
    insert = replace(shape, verb="Insert")
    records = [apply_record(call, insert, owner_id, dict(item), True) for item in items if item]
    return _result(call, shape, records[-1] if records else None)


def _answers_ids(call: Call) -> bool:
    result = call.operation.result
    return result is not None and result.type == "ArrayOfInt"


def _result(call: Call, shape: Shape, record: Any) -> Any:
    result = call.operation.result
    if result is None:
        return None
    found = isinstance(record, StoredRecord)
    if isinstance(record, list):  # the ids a batch wrote or a clear removed (`ArrayOfInt`)
        return [r.id for r in record if isinstance(r, StoredRecord)]
    if result.type == "int":
        return record.id if found else 0
    if result.type == "string" and shape.verb.startswith("Insert"):  # `Children_Insert`: the new id as text
        return str(record.id) if found else ""
    if result.type == "boolean":
        return found or (record is None and not shape.verb.startswith("Delete"))
    if call.contract.kind(result.type) == "complex" and found:
        return project(call.contract, result.type, record.data, record, shape.family)
    return None
