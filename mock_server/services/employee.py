"""EmployeeService operations that act on entities rather than on period-based records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import containing, first_day, format_period, midnight
from mock_server.services.call import Call, handles

SERVICE = "EmployeeService"
EMPLOYEE_TYPES = {1: "Werknemer", 2: "Stagiair", 3: "DGA", 4: "Uitzendkracht", 5: "Oproepkracht"}


def employee_wire(employee: Employee) -> dict[str, Any]:
    return {"Id": employee.id, "Number": employee.number, "DisplayName": employee.display_name}


def _of_type(employees: list[Employee], employee_type: int) -> list[dict[str, Any]]:
    """EmployeeType 0 (also what an omitted element reads as) lists every type."""
    return [employee_wire(e) for e in employees if employee_type in (0, e.employee_type)]


@handles(SERVICE, "List_GetByCompany")
def list_by_company(call: Call) -> list[dict[str, Any]]:
    """Lists a company's employees of one employee type (0 = all)."""
    return _of_type(call.tenant.employees(call.args["CompanyId"]), call.args.get("EmployeeType") or 0)


@handles(SERVICE, "List_GetByDebtor")
def list_by_debtor(call: Call) -> list[dict[str, Any]]:
    """Lists the employees of every company of a debtor, of one type (0 = all)."""
    debtor = call.tenant.debtor(call.args["DebtorId"])
    employees = [e for c in call.tenant.companies(debtor.id) for e in call.tenant.employees(c.id)]
    return _of_type(employees, call.args.get("EmployeeType") or 0)


@handles(SERVICE, "Employee_GetCurrent")
def current_period(call: Call) -> str:
    """Returns the current period of the employee's company, `yyyy-p-M|W4|W1`."""
    employee = call.tenant.employee(call.args["EmployeeId"])
    company = call.tenant.company(employee.company_id)
    return format_period(company.type, company.current, call.settings.period_format)


@handles(SERVICE, "EmployeeType_GetList")
def employee_types(call: Call) -> list[dict[str, Any]]:
    """Lists the employee types (werknemer, stagiair, DGA, uitzendkracht, oproepkracht)."""
    return [{"Id": key, "Description": text} for key, text in EMPLOYEE_TYPES.items()]


@handles(SERVICE, "Employee_Insert", "Employee_InsertBasedOnDefault")
def insert(call: Call) -> int:
    """Creates an employee in a company (personal info, employment and service from the start date)."""
    tenant = call.tenant
    company = tenant.company(call.args["CompanyId"])
    first, last = call.args.get("FirstName") or "", call.args.get("LastName") or ""
    employee = Employee(
        id=tenant.entity_id("employee"),
        company_id=company.id,
        number=max((e.number for e in tenant.employees(company.id)), default=0) + 1,
        display_name=f"{first} {last}".strip(),
    )
    tenant.save(employee)
    start = _start_date(call, company)
    period = max(containing(company.type, start.date()), company.current)
    records: dict[str, dict[str, Any]] = {
        "PersonalInfo": {
            "FirstName": first or None,
            "LastName": last or None,
            "DisplayName": employee.display_name,
            "EmployeeNumber": employee.number,
        },
        "Employment": {"StartDate": start, "InitialStartDate": start, "EndDate": None},
        "Service": {"Start": start, "End": None},
    }
    for family, data in records.items():
        tenant.add_record(family, "employee", employee.id, period, data)
    return employee.id


def _start_date(call: Call, company: Company) -> datetime:
    """The start date sent (an absent date reads as 0001-01-01), else the current period's first day."""
    employment = call.args.get("employment") or {}
    value = call.args.get("StartDate") or employment.get("StartDate")
    if isinstance(value, datetime) and value.year > 1:
        return value
    return midnight(first_day(company.type, company.current))
