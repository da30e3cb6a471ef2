"""Writes that assign an employee something the debtor or company defines, named by id or guid.

`Department_UpdateCurrent(DepartmentId)` names one of the debtor's departments (`Department_GetList`),
`Function_Update(FunctionId)` one of its functions, `LabourAgreements_Update(guid)` one of its labour
agreement settings groups and `SalaryTable_Insert` a scale and step of the company's salary table. Each
writes a new version of the employee's record (from the period or date given, else the current period)
holding what the named item describes, so the family's reads answer it. An id that names nothing is
refused with 2030 and changes nothing (INFERRED: Nmbrs's code for a reference that does not exist).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from mock_server.domain.demo_catalogue import salary_scales, salary_steps
from mock_server.domain.errors import InvalidSetOfValues
from mock_server.domain.records import StoredRecord, latest_at
from mock_server.services.call import Call, handles
from mock_server.services.conventions_write import apply_record
from mock_server.services.scope import resolve_owner, target_period
from mock_server.services.shape import shape_of

SERVICE = "EmployeeService"


def _debtor_item(call: Call, family: str, matches: dict[str, Any]) -> StoredRecord:
    """The debtor's record of `family` (of the employee's company's debtor) with the values `matches`."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    debtor = call.tenant.company(employee.company_id).debtor_id
    for record in call.tenant.records(family, "debtor", [debtor]):
        values = {"Id": record.id, **record.data}
        if all(str(values.get(k)).lower() == str(v).lower() for k, v in matches.items()):
            return record
    raise InvalidSetOfValues(context=f"no {family} {matches} for debtor {debtor}")


def _check_period(call: Call) -> None:
    """The employee (2003) and the period named (2006) are checked before the item named (2030), as every
    other write checks them."""
    company = resolve_owner(call, "employee", call.args.get("EmployeeId") or 0)
    target_period(call, shape_of(call.service, call.name), company, call.args)


def _assign(call: Call, data: dict[str, Any]) -> None:
    """Write `data` as the employee's new version of the family (an Update: it carries the rest)."""
    shape = replace(shape_of(call.service, call.name), verb="Update", id_param=None)
    apply_record(call, shape, call.args.get("EmployeeId") or 0, data, unprotected=True)


@handles(SERVICE, "Department_UpdateCurrent")
def department(call: Call) -> None:
    """The employee works in the debtor's department named by id from the current period on."""
    item = _debtor_item(call, "Department", {"Id": call.args.get("DepartmentId") or 0})
    _assign(call, {"Code": item.data.get("Code"), "Description": item.data.get("Description")})


@handles(SERVICE, "Function_Update", "Function_UpdateCurrent")
def function(call: Call) -> None:
    """The employee has the debtor's function named by id from the period on (the current by default)."""
    _check_period(call)
    item = _debtor_item(call, "Function", {"Id": call.args.get("FunctionId") or 0})
    described = {"Id": item.id, "Code": item.data.get("Code"), "Description": item.data.get("Description")}
    _assign(call, {"Code": described["Code"], "Description": described["Description"], "Function": described})


@handles(SERVICE, "LabourAgreements_Update", "LabourAgreements_UpdateCurrent")
def labour_agreement(call: Call) -> None:
    """The employee follows the debtor's labour-agreement settings group named by guid from the period on."""
    _check_period(call)
    guid = call.args.get("labourAgreementSettingsGroupGuid") or ""
    item = _debtor_item(call, "LabourAgreementSettings", {"Guid": guid})
    data = item.data
    _assign(
        call, {"Guid": data.get("Guid"), "Number": data.get("IntNumber"), "Description": data.get("StrName")}
    )


@handles(SERVICE, "SalaryTable_Insert", "SalaryTable_InsertCurrent")
def salary_table(call: Call) -> None:
    """The employee's salary follows a scale and step of the company's table from the date on (ids are the
    table's code or guid, the scale's and step's name or guid)."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    company = call.tenant.company(employee.company_id)
    table = _company_table(call, company.id, company.current.key)
    scale = _named(
        salary_scales(company), call.args.get("SalaryTableScaleId"), "Scale", "GuidSalaryTableScale"
    )
    step = _named(
        salary_steps(company, scale["Scale"]),
        call.args.get("SalaryTableStepId"),
        "Step",
        "GuidSalaryTableStep",
    )
    wanted = str(call.args.get("SalaryTableId") or "").lower()
    if wanted not in (str(table.data.get("Code")), str(table.data.get("GuidSalaryTable")).lower()):
        raise InvalidSetOfValues(context=f"no salary table {wanted!r} in company {company.id}")
    nested = {
        "Code": table.data.get("Code"),
        "Description": table.data.get("Description"),
        "Schaal": {k: v for k, v in scale.items() if not k.startswith("Guid")},
        "Trede": {k: v for k, v in step.items() if not k.startswith("Guid")},
    }
    start = call.args.get("StartDate")
    shape = replace(shape_of(SERVICE, "Salary_Update"), verb="Update")
    call.args = {**call.args, "Start": start if isinstance(start, datetime) else None}
    apply_record(call, shape, employee.id, {"SalaryTable": nested}, unprotected=True)


def _company_table(call: Call, company_id: int, key: int) -> StoredRecord:
    table = latest_at(call.tenant.records("SalaryTable", "company", [company_id]), key)
    if table is None:
        raise InvalidSetOfValues(context=f"company {company_id} has no salary table")
    return table


def _named(items: list[dict[str, Any]], wanted: Any, name: str, guid: str) -> dict[str, Any]:
    text = str(wanted or "").lower()
    for item in items:
        if text in (str(item[name]).lower(), str(item.get(guid, "")).lower()):
            return item
    raise InvalidSetOfValues(context=f"no salary table {name.lower()} {wanted!r}")


@handles(SERVICE, "Employment_UpdateEmploymentInitialStartDate")
def initial_start_date(call: Call) -> None:
    """The initial start date belongs to the employment, not to a period: the latest employment changes."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    employments = call.tenant.records("Employment", "employee", [employee.id])
    day = call.args.get("InitialStartDate")
    if not employments or not isinstance(day, datetime) or day.year == 1:
        raise InvalidSetOfValues(context="no employment, or no initial start date")
    latest = employments[-1]
    latest.data = {**latest.data, "InitialStartDate": day}
    call.tenant.put_record(latest)
