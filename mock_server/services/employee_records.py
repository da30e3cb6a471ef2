"""EmployeeService operations whose records span families or are composed from several of them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mock_server.documents.report import Section, report_pdf
from mock_server.domain.figures import SlipFigures
from mock_server.domain.payroll import (
    EMPLOYER_PREMIUMS,
    HOURLY_SALARY_TYPES,
    monthly_per_period,
    weeks_per_period,
)
from mock_server.domain.periods import Period, validate
from mock_server.domain.records import StoredRecord, latest_at, of_year
from mock_server.services.annual import statement_rows
from mock_server.services.call import Call, handles
from mock_server.services.projection import enum_name
from mock_server.services.scope import check_protected
from mock_server.services.validation import validate_values

SERVICE = "EmployeeService"
COMPONENT_FAMILIES = {
    "HourComponent": ("HourComponentVar", "HourComponentFixed"),
    "WageComponent": ("WageComponentVar", "WageComponentFixed"),
}


def _component(call: Call, kind: str, component_id: int) -> StoredRecord | None:
    """The employee's variable or fixed component with this id (2003 for an unknown employee)."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    for family in COMPONENT_FAMILIES[kind]:
        for record in call.tenant.records(family, "employee", [employee.id]):
            if record.id == component_id:
                return record
    return None


@handles(SERVICE, "HourComponent_Delete", "WageComponent_Delete")
def delete_component(call: Call) -> bool:
    """Deletes a variable or fixed hour/wage component by its id; false when there is none."""
    kind = call.name.partition("_")[0]
    record = _component(call, kind, call.args.get(f"{kind}ID") or 0)
    if record is None:
        return False
    call.tenant.delete_record(record.id)
    return True


@handles(SERVICE, "HourComponent_Update", "WageComponent_Update")
def update_component(call: Call) -> Any:
    """Changes a variable or fixed component by its id (0/false when there is none); EndPeriod/EndYear
    end a fixed one."""
    kind = call.name.partition("_")[0]
    payload = call.args.get("Hourcomponent") or call.args.get("WageComponent") or {}
    record = _component(call, kind, payload.get("Id") or 0)
    returns_id = call.operation.result is not None and call.operation.result.type == "int"
    if record is None:
        return 0 if returns_id else False
    company = call.tenant.company(call.tenant.employee(record.owner).company_id)
    unprotected = bool(call.args.get("UnprotectedMode"))
    check_protected(call, company, record.period, unprotected)
    changes = {k: v for k, v in payload.items() if v is not None and k != "Id"}
    validate_values(call, record.family, company, changes)
    record.data = {**record.data, **changes}
    end_period, end_year = call.args.get("EndPeriod") or 0, call.args.get("EndYear") or 0
    if end_period and end_year and record.family.endswith("Fixed"):
        end = validate(company.type, end_year, end_period)
        check_protected(call, company, end, unprotected)
        record.until = end.key
    call.tenant.put_record(record)
    return record.id if returns_id else True


@handles(SERVICE, "Salary_GetEstimatedCostPerHour")
def estimated_cost_per_hour(call: Call) -> Decimal:
    """Salary plus employer premiums per scheduled hour of the period (hourly wages: per hour)."""
    employee = call.tenant.employee(call.args.get("employeeId") or 0)
    company = call.tenant.company(employee.company_id)
    period = validate(company.type, call.args.get("year") or 0, call.args.get("period") or 0)
    salary = _valid_data(call, "Salary", employee.id, period)
    factor = 1 + sum(EMPLOYER_PREMIUMS.values(), Decimal(0))
    value = Decimal(salary.get("Value") or 0)
    if salary.get("Type") in HOURLY_SALARY_TYPES:
        return (value * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
    schedule = _valid_data(call, "Schedule", employee.id, period)
    weekly = sum((Decimal(v) for k, v in schedule.items() if k.startswith("Hours") and v), Decimal(0)) / 2
    hours_per_period = weekly * weeks_per_period(company.type, period.year)
    if not hours_per_period:
        return Decimal("0.00")
    per_period = monthly_per_period(value, company.type, period.year)
    return (per_period * factor / hours_per_period).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _valid_data(call: Call, family: str, employee_id: int, period: Period) -> dict[str, Any]:
    record = latest_at(call.tenant.records(family, "employee", [employee_id]), period.key)
    return record.data if record is not None else {}


@handles(SERVICE, "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany")
def personal_contract_salary_address(call: Call) -> list[dict[str, Any]]:
    """One row per employee: the latest personal info, contract, salary and address together."""
    company = call.tenant.company(call.args.get("CompanyID") or 0)
    employees = call.tenant.employees(company.id)
    owners = [e.id for e in employees]
    latest: dict[str, dict[int, dict[str, Any]]] = {}
    for family in ("PersonalInfo", "Contract", "Salary", "Address"):
        grouped = call.tenant.records_by_owner(family, "employee", owners)
        latest[family] = {
            owner: record.data
            for owner, records in grouped.items()
            if (record := latest_at(records, company.current.key)) is not None
        }
    rows = [_composed(e.id, e.number, {f: latest[f].get(e.id, {}) for f in latest}) for e in employees]
    for row in rows:
        row["SalaryType"] = enum_name(call.contract, "SalaryType", row["SalaryType"])
    return rows


def _composed(employee_id: int, number: int, parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    info, contract, salary, address = (parts[f] for f in ("PersonalInfo", "Contract", "Salary", "Address"))
    hourly = salary.get("Type") in HOURLY_SALARY_TYPES
    return {
        **{
            k: info.get(k)
            for k in (
                "FirstName",
                "Birthday",
                "Prefix",
                "LastName",
                "Gender",
                "BSN",
                "TelephoneWork",
                "TelephoneMobileWork",
                "EmailWork",
                "EmailPrivate",
                "TelephonePrivate",
                "TelephoneMobilePrivate",
            )
        },
        **{k: address.get(k) for k in ("City", "Street", "HouseNumber", "HouseNumberAddition")},
        "EmployeeID": employee_id,
        "EmployeeNumber": number,
        "PostCode": address.get("PostalCode"),
        "ContractStartDate": contract.get("StartDate"),
        "ContractEndDate": contract.get("EndDate"),
        "SalaryType": salary.get("Type", 0),
        "SalaryValue": salary.get("Value"),
        "HourlyWage": salary.get("Value") if hourly else None,
        "ContractHours": contract.get("HoursPerWeek"),
    }


@handles(SERVICE, "SalaryDocuments_GetAnnualStatementPDF")
def annual_statement(call: Call) -> dict[str, bytes]:
    """Returns the employee's jaaropgaaf (annual statement) of a year as PDF, from the year's payslips."""
    employee = call.tenant.employee(call.args.get("EmployeeID") or 0)
    company = call.tenant.company(employee.company_id)
    year = call.args.get("intYear") or company.current_year
    records = of_year(call.tenant.records("Payslip", "employee", [employee.id]), year)
    slips = [SlipFigures.from_record(employee.id, r.data) for r in records]
    heading = f"Jaaropgaaf {year} - {employee.number} {employee.display_name}"
    section = Section(heading, ("Omschrijving", "Bedrag"), statement_rows(slips))
    return {"PDF": report_pdf(f"Jaaropgaaf {year}", company.name, str(year), [section])}
