"""Writes that move a record through its life: an absence recovers, a service interval ends or reopens.

* `Absence_RecoveryInsert(AbsenceID, Lastdayabsence, Reportdate)` ends the absence: `End` is the last day
  of absence, `RegistrationEndDate` the day the recovery was reported. It answers the absence id as text.
* `Absence_PartialRecoveryInsert(AbsenceID, StartDate, Reportdate, Percent)` keeps the absence open at
  `Percent` (the percentage still absent, INFERRED) and answers the absence id; its progress lines are
  kept with the record (`Absence_GetList` has no field for them).
* `Service_StopCurrent(End, EndServiceReasonId)` ends the open service interval on `End` (the current
  period is its last; an earlier date needs UnprotectedMode), `Service_RemoveOutService` opens it again,
  `Service_Insert`/`Service_Insert2` start a new interval (see `insert`), `Service_Delete` removes the
  latest interval. `Service_GetList` answers them.
An absence or interval that is not there changes nothing (the answer is empty, 0 or false).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mock_server.domain.errors import InvalidSetOfValues
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import containing
from mock_server.domain.records import StoredRecord
from mock_server.services.call import Call, handles
from mock_server.services.scope import check_protected

SERVICE = "EmployeeService"
# UWV's reasons for the end of an employment, by the id Nmbrs's list uses (INFERRED: the ids are not
# published; an unknown id is stored as its number).
END_SERVICE_REASONS = {
    1: "Einde contract",
    2: "Ontslag op verzoek van de werknemer",
    3: "Ontslag op initiatief van de werkgever",
    4: "Pensioen",
    5: "Overlijden",
}


def _employee(call: Call) -> tuple[Employee, Company]:
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    return employee, call.tenant.company(employee.company_id)


def _absence(call: Call, employee: Employee) -> StoredRecord | None:
    wanted = call.args.get("AbsenceID") or 0
    absences = call.tenant.records("Absence", "employee", [employee.id])
    return next((r for r in absences if r.id == wanted), None)


def _day(call: Call, name: str) -> datetime | None:
    value = call.args.get(name)
    return value if isinstance(value, datetime) and value.year > 1 else None


@handles(SERVICE, "Absence_RecoveryInsert")
def recovery(call: Call) -> str:
    """Ends the absence on the last day of absence (`RegistrationEndDate`: the day reported); its id."""
    employee, _ = _employee(call)
    absence, last = _absence(call, employee), _day(call, "Lastdayabsence")
    if absence is None:
        return ""
    start = absence.data.get("Start")
    if last is None or (isinstance(start, datetime) and last < start):
        raise InvalidSetOfValues(context=f"last day of absence {last} before its start {start}")
    reported = _day(call, "Reportdate") or last
    absence.data = {**absence.data, "End": last, "RegistrationEndDate": reported,
                    "Recovery": {"Comment": call.args.get("Comment"), "Reported": reported}}  # fmt: skip
    call.tenant.put_record(absence)
    return str(absence.id)


@handles(SERVICE, "Absence_PartialRecoveryInsert")
def partial_recovery(call: Call) -> int:
    """The open absence continues at `Percent` from `StartDate` on; answers the absence id."""
    employee, _ = _employee(call)
    absence, start = _absence(call, employee), _day(call, "StartDate")
    percent = call.args.get("Percent") or 0
    if absence is None:
        return 0
    if absence.data.get("End") is not None:
        raise InvalidSetOfValues(context=f"absence {absence.id} has ended")
    if start is None or not 0 < percent <= 100:
        raise InvalidSetOfValues(context=f"partial recovery from {start} at {percent} %")
    line = {"StartDate": start, "Reportdate": _day(call, "Reportdate"), "Percent": percent,
            "Comment": call.args.get("Comment")}  # fmt: skip
    progress = [*absence.data.get("Progress", []), line]
    absence.data = {**absence.data, "Percentage": percent, "Progress": progress}
    call.tenant.put_record(absence)
    return absence.id


def _intervals(call: Call, employee: Employee) -> list[StoredRecord]:
    return call.tenant.records("Service", "employee", [employee.id])


def _unprotected(call: Call) -> bool:
    return bool(call.args.get("UnprotectedMode"))


@handles(SERVICE, "Service_StopCurrent")
def stop(call: Call) -> None:
    """Ends the open interval on `End`; with none open, it corrects the end of the latest (INFERRED)."""
    employee, company = _employee(call)
    end, intervals = _day(call, "End"), _intervals(call, employee)
    if end is None or not intervals:
        raise InvalidSetOfValues(context=f"no service interval to end on {end}")
    open_ = [r for r in intervals if r.data.get("End") is None]
    interval = open_[-1] if open_ else intervals[-1]
    if end < interval.data["Start"]:
        raise InvalidSetOfValues(context=f"service ends {end} before it starts {interval.data['Start']}")
    check_protected(call, company, containing(company.type, end.date()), _unprotected(call))
    reason_id = call.args.get("EndServiceReasonId") or 0
    reason = END_SERVICE_REASONS.get(reason_id, str(reason_id) if reason_id else None)
    interval.data = {**interval.data, "End": end, "EndServiceReason": reason}
    call.tenant.put_record(interval)


@handles(SERVICE, "Service_RemoveOutService")
def remove_out_service(call: Call) -> bool:
    """Opens the latest service interval again (its end and reason removed); false if it is open."""
    employee, company = _employee(call)
    intervals = _intervals(call, employee)
    if not intervals or intervals[-1].data.get("End") is None:
        return False
    latest = intervals[-1]
    check_protected(call, company, containing(company.type, latest.data["End"].date()), _unprotected(call))
    latest.data = {**latest.data, "End": None, "EndServiceReason": None}
    call.tenant.put_record(latest)
    return True


@handles(SERVICE, "Service_Insert", "Service_Insert2")
def insert(call: Call) -> None:
    """A new interval from `Start`. An interval already starting on `Start` is the one meant (Insert2 sets
    its seniority date); one still open since before ends the day before (a new employment, INFERRED);
    an interval starting or ending after `Start` is refused with 2030."""
    employee, company = _employee(call)
    start, seniority = _day(call, "Start"), _day(call, "Ancienniteitsdatum")
    if start is None:
        raise InvalidSetOfValues(context="no start date")
    period = containing(company.type, start.date())
    check_protected(call, company, period, _unprotected(call))
    intervals = _intervals(call, employee)
    same = next((r for r in intervals if r.data["Start"] == start), None)
    if same is not None:
        same.data = {**same.data, "SeniorityDate": seniority or same.data.get("SeniorityDate") or start}
        call.tenant.put_record(same)
        return
    if any(r.data["Start"] > start or (r.data.get("End") or start) > start for r in intervals):
        raise InvalidSetOfValues(context=f"employee {employee.id} has service after {start.date()}")
    for interval in intervals:
        if interval.data.get("End") is None:
            interval.data = {**interval.data, "End": start - timedelta(days=1)}
            call.tenant.put_record(interval)
    data: dict[str, Any] = {"Start": start, "End": None, "SeniorityDate": seniority or start}
    call.tenant.add_record("Service", "employee", employee.id, period, data)


@handles(SERVICE, "Service_Delete")
def delete(call: Call) -> bool:
    """Removes the latest service interval; false if there is none."""
    employee, _ = _employee(call)
    intervals = _intervals(call, employee)
    if not intervals:
        return False
    call.tenant.delete_record(intervals[-1].id)
    return True
