"""The time-registration add-on: registrations of hours worked (dated, per employee) and time schedules.

A registration (`TimeRegistration_Insert`, `_Insert_Batch`) is stored in the period of its start and
read by the dates it falls between (`TimeRegistration_GetList(dtmStart, dtmEnd)`); `_Delete` removes
one by id, `_Clear` those starting between two dates, `_ClearCurrent` those of the current period.
`TimeSchedule_Insert(startDate, timeSlots)` adds a schedule from that date on (the open one before it
ends the day before) and answers its id; `TimeSchedule_GetAll`/`_GetListByPeriod` read them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mock_server.domain.errors import InvalidSetOfValues
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import containing, first_day, last_day, midnight
from mock_server.domain.records import StoredRecord
from mock_server.services.call import Call, handles
from mock_server.services.scope import check_protected

SERVICE = "EmployeeService"
FAMILY = "TimeRegistration"


def _employee(call: Call, employee_id: int) -> tuple[Employee, Company]:
    employee = call.tenant.employee(employee_id)
    return employee, call.tenant.company(employee.company_id)


def _dated(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) and value.year > 1 else None


def _store(call: Call, model: dict[str, Any]) -> StoredRecord:
    employee, company = _employee(call, model.get("EmployeeID") or 0)
    start, end = _dated(model.get("DtmStart")), _dated(model.get("DtmEnd"))
    if start is None or end is None or end < start:
        raise InvalidSetOfValues(context=f"time registration from {start} to {end}")
    code = dict(model.get("TimeRegistrationCode") or {})
    data = {"DtmStart": start, "DtmEnd": end, "EmployeeID": employee.id,
            "Status": model.get("Status") or "Open", "TimeRegistrationCode": code,
            "Description": model.get("Description") or code.get("Description"),
            "CostCenterId": model.get("CostCenterId") or 0}  # fmt: skip
    period = containing(company.type, start.date())
    return call.tenant.add_record(FAMILY, "employee", employee.id, period, data, variable=True)


@handles(SERVICE, "TimeRegistration_Insert")
def insert(call: Call) -> None:
    """Registers hours worked between two moments, in the period of the start."""
    args = call.args
    _store(call, {"EmployeeID": args.get("employeeId"), "DtmStart": args.get("dtmStart"),
                  "DtmEnd": args.get("dtmEnd"), "TimeRegistrationCode": args.get("timeRegistrationCode"),
                  "CostCenterId": args.get("costCenterId")})  # fmt: skip


@handles(SERVICE, "TimeRegistration_Insert_Batch")
def insert_batch(call: Call) -> None:
    """Registers hours worked for each model (its `EmployeeID`), all or nothing."""
    for model in call.args.get("models") or []:
        if model is not None:
            _store(call, model)


def _registrations(call: Call, employee: Employee, start: datetime, end: datetime) -> list[StoredRecord]:
    """The employee's registrations starting between `start` and `end` (inclusive)."""
    records = call.tenant.records(FAMILY, "employee", [employee.id])
    return [r for r in records if start <= r.data["DtmStart"] <= end]


def _between(call: Call, start_name: str, end_name: str) -> tuple[datetime, datetime]:
    start, end = _dated(call.args.get(start_name)), _dated(call.args.get(end_name))
    if start is None or end is None or end < start:
        raise InvalidSetOfValues(context=f"dates {start} to {end}")
    return start, end


@handles(SERVICE, "TimeRegistration_GetList")
def get_list(call: Call) -> list[dict[str, Any]]:
    """The employee's registrations starting between the two dates."""
    employee, _ = _employee(call, call.args.get("employeeId") or 0)
    found = _registrations(call, employee, *_between(call, "dtmStart", "dtmEnd"))
    return [{**r.data, "ID": r.id} for r in found]


@handles(SERVICE, "TimeRegistration_Delete")
def delete(call: Call) -> None:
    """Deletes one registration by id (an unknown id changes nothing)."""
    employee, _ = _employee(call, call.args.get("employeeId") or 0)
    wanted = call.args.get("timeRegistrationModelId") or 0
    for record in call.tenant.records(FAMILY, "employee", [employee.id]):
        if record.id == wanted:
            call.tenant.delete_record(record.id)


@handles(SERVICE, "TimeRegistration_Clear")
def clear(call: Call) -> None:
    """Deletes the employee's registrations starting between the two dates."""
    employee, _ = _employee(call, call.args.get("employeeId") or 0)
    start, end = _between(call, "startDate", "endDate")
    for record in _registrations(call, employee, start, end):
        call.tenant.delete_record(record.id)


@handles(SERVICE, "TimeRegistration_ClearCurrent")
def clear_current(call: Call) -> None:
    """Deletes the employee's registrations of the current period."""
    employee, company = _employee(call, call.args.get("employeeId") or 0)
    first = midnight(first_day(company.type, company.current))
    last = midnight(last_day(company.type, company.current)) + timedelta(days=1) - timedelta(microseconds=1)
    for record in _registrations(call, employee, first, last):
        call.tenant.delete_record(record.id)


@handles(SERVICE, "TimeSchedule_Insert")
def insert_schedule(call: Call) -> int:
    """A time schedule from the start date on (the open one ends the day before); answers its id."""
    employee, company = _employee(call, call.args.get("EmployeeId") or 0)
    start = _dated(call.args.get("startDate"))
    if start is None:
        raise InvalidSetOfValues(context="a time schedule needs its start date")
    period = containing(company.type, start.date())
    check_protected(call, company, period, bool(call.args.get("UnprotectedMode")))
    for record in call.tenant.records("TimeSchedule", "employee", [employee.id]):
        if record.data.get("DtmEnd") is None and record.data["DtmStart"] < start:
            record.data = {**record.data, "DtmEnd": start - timedelta(days=1)}
            record.until = min(record.until or period.key, period.key)
            call.tenant.put_record(record)
    slots = [dict(s) for s in call.args.get("timeSlots") or [] if s is not None]
    data = {"DtmStart": start, "DtmEnd": None, "IntMedewerkerID": employee.id, "IntEnvironmentID": 0,
            "Slots": slots}  # fmt: skip
    return call.tenant.add_record("TimeSchedule", "employee", employee.id, period, data).id
