"""EmployeeService leave: balances from the contract's entitlement, moved by exported leave hours and by
leave written here (see `domain/leave.py`); CompanyService leave type groups."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.errors import InvalidSetOfValues
from mock_server.domain.leave import (
    EXTRA_WEEKS,
    LEAVE_FAMILY,
    STATUTORY_WEEKS,
    TYPE_NAMES,
    LeaveBalance,
    LeaveEntry,
    LeaveLedger,
    leave_entry,
)
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import containing, validate
from mock_server.domain.records import StoredRecord
from mock_server.services.call import Call, handles

SERVICE = "EmployeeService"
FULL_TIME_HOURS = Decimal(40)  # the full-time week the company leave types are expressed in (INFERRED)
LEAVE_FIELDS = (
    "Description",
    "Hours",
    "UsageType",
    "Start",
    "End",
    "StartHours",
    "EndHours",
    "Type",
    "Status",
)


def _employee(call: Call) -> tuple[Employee, Company]:
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    return employee, call.tenant.company(employee.company_id)


def _balance(call: Call, year: int | None = None) -> LeaveBalance:
    employee, company = _employee(call)
    ledger = LeaveLedger(call.tenant, company, [employee])
    return ledger.balance(employee.id, year or company.current_year)


@handles(SERVICE, "LeaveBalance_Get")
def balance(call: Call) -> dict[str, Decimal]:
    """Returns the leave hours of the current year: the entitlement, and what is left of it now."""
    leave = _balance(call)
    return {"DecMedewerkerVerlofStartSaldo": leave.opening(), "DecMedewerkerVerlofCurrSaldo": leave.current()}


@handles(SERVICE, "LeaveBalance_GetPerType")
def balance_per_type(call: Call) -> dict[str, Decimal]:
    """Returns the opening and current leave hours of one leave type (Undefined: all types)."""
    leave = _balance(call)
    leave_type = _type_filter(call.args.get("LeaveType"))
    return {"OpeningBalance": leave.opening(leave_type), "CurrentBalance": leave.current(leave_type)}


def _type_filter(value: Any) -> str | None:
    return None if value in (None, "Undefined") else str(value)


def _wire(entry: LeaveEntry, with_id: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Description": entry.description,
        "Hours": entry.hours,
        "UsageType": entry.usage,
        "Start": entry.start,
        "End": entry.end,
        "StartHours": Decimal(0),
        "EndHours": Decimal(0),
        "Type": entry.leave_type,
        "Status": entry.status,
    }
    if with_id:
        out["Id"] = entry.record_id
    return out


@handles(SERVICE, "Leave_GetList", "Leave_GetList_V2")
def leave_list(call: Call) -> list[dict[str, Any]]:
    """Lists the leave of a year of one type (Undefined: all) and usage type, exported leave hours
    included (their id is the hour component's)."""
    leave = _balance(call, call.args.get("Year") or None)
    leave_type, usage = _type_filter(call.args.get("Type")), call.args.get("Soort") or "Withdrawal"
    return [
        _wire(entry, call.name.endswith("V2"))
        for entry in leave.entries
        if leave_type in (None, entry.leave_type) and entry.usage == usage
    ]


def _leave_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {name: payload.get(name) for name in LEAVE_FIELDS if payload.get(name) is not None}
    start, end = data.get("Start"), data.get("End")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        raise InvalidSetOfValues(context=f"leave ends {end} before it starts {start}")
    if Decimal(data.get("Hours") or 0) < 0:
        raise InvalidSetOfValues(context="negative leave hours")
    return data


def _period_of(company: Company, data: dict[str, Any]) -> Any:
    start = data.get("Start")
    if isinstance(start, datetime) and start.year > 1:
        return containing(company.type, start.date())
    return company.current


@handles(SERVICE, "Leave_Insert")
def insert(call: Call) -> None:
    """Registers leave of an employee; it moves the balance of the year it starts in."""
    employee, company = _employee(call)
    data = _leave_data(dict(call.args.get("Leave") or {}))
    data.setdefault("Start", datetime(company.current_year, 1, 1))
    data.setdefault("End", data["Start"])
    call.tenant.add_record(LEAVE_FAMILY, "employee", employee.id, _period_of(company, data), data)


def _leave_record(call: Call, employee: Employee, leave_id: int) -> StoredRecord | None:
    records = call.tenant.records(LEAVE_FAMILY, "employee", [employee.id])
    return next((r for r in records if r.id == leave_id), None)


@handles(SERVICE, "Leave_Update")
def update(call: Call) -> None:
    """Changes the fields sent of the leave named by `Id` (an unknown id changes nothing)."""
    employee, _ = _employee(call)
    payload = dict(call.args.get("Leave") or {})
    record = _leave_record(call, employee, payload.get("Id") or 0)
    if record is None:
        return
    changes = _leave_data(payload)
    merged = {**record.data, **changes}
    _leave_data(merged)  # the changed leave must still end after it starts
    record.data = merged
    call.tenant.put_record(record)


@handles(SERVICE, "Leave_Delete")
def delete(call: Call) -> str:
    """Deletes leave by id, giving its hours back to the balance; answers what happened."""
    employee, _ = _employee(call)
    leave_id = call.args.get("LeaveId") or 0
    record = _leave_record(call, employee, leave_id)
    if record is None:
        return f"Leave {leave_id} not found"
    call.tenant.delete_record(record.id)
    return f"Leave {leave_id} deleted ({leave_entry(record).hours} hours)"


@handles("CompanyService", "CompanyLeaveTypeGroups_Get")
def leave_type_groups(call: Call) -> list[dict[str, Any]]:
    """Lists the company's leave types with their full-time yearly hours (statutory and extra)."""
    company = call.tenant.company(call.args.get("CompanyId") or 0)
    validate(company.type, call.args.get("Year") or 0, call.args.get("Period") or 0)
    weeks = {"Type1": STATUTORY_WEEKS, "Type2": EXTRA_WEEKS}
    return [
        {
            "Type": leave_type,
            "Description": TYPE_NAMES[leave_type],
            "CompanyLeaveBalance": [
                {
                    "DescriptionLeaveBalance": TYPE_NAMES[leave_type],
                    "FullTimeBalance": (weeks[leave_type] * FULL_TIME_HOURS).quantize(Decimal("0.01")),
                    "LeaveRoundingMethod": "Normal",
                }
            ],
        }
        for leave_type in ("Type1", "Type2")
    ]
