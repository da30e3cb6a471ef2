"""EmployeeService operations whose records span families or are composed from several of them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mock_server.documents.pdf import annual_document_pdf
from mock_server.domain.payroll import EMPLOYER_PREMIUMS, HOURLY_SALARY_TYPES, PERIODS_PER_YEAR
from mock_server.domain.periods import Period, validate
from mock_server.services.call import Call, handles
from mock_server.services.conventions import check_protected, key_of
from mock_server.services.projection import enum_name
from mock_server.storage.sqlite_store import StoredRecord

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
    record.data = {**record.data, **{k: v for k, v in payload.items() if v is not None and k != "Id"}}
    end_period, end_year = call.args.get("EndPeriod") or 0, call.args.get("EndYear") or 0
    if end_period and end_year and record.family.endswith("Fixed"):
        company = call.tenant.company(call.tenant.employee(record.owner).company_id)
        end = validate(company.type, end_year, end_period)
        check_protected(call, company, end, bool(call.args.get("UnprotectedMode")))
        record.until = key_of(end)
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
    hours_per_period = weekly * 52 / PERIODS_PER_YEAR[company.type]
    if not hours_per_period:
        return Decimal("0.00")
    per_period = value * 12 / PERIODS_PER_YEAR[company.type]
    return (per_period * factor / hours_per_period).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _valid_data(call: Call, family: str, employee_id: int, period: Period) -> dict[str, Any]:
    key = key_of(period)
    records = [r for r in call.tenant.records(family, "employee", [employee_id]) if r.start <= key]
    return records[-1].data if records else {}


@handles(SERVICE, "PersonalInfoContractSalaryAddress_GetAll_AllEmployeesByCompany")
def personal_contract_salary_address(call: Call) -> list[dict[str, Any]]:
    """One row per employee: the latest personal info, contract, salary and address together."""
    company = call.tenant.company(call.args.get("CompanyID") or 0)
    employees = call.tenant.employees(company.id)
    owners = [e.id for e in employees]
    latest = {
        family: {r.owner: r.data for r in call.tenant.records(family, "employee", owners)}
        for family in ("PersonalInfo", "Contract", "Salary", "Address")
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
    """Returns the employee's jaaropgaaf (annual statement) of a year as PDF."""
    employee = call.tenant.employee(call.args.get("EmployeeID") or 0)
    company = call.tenant.company(employee.company_id)
    year = call.args.get("intYear") or company.current_year
    slips = [r for r in call.tenant.records("Payslip", "employee", [employee.id]) if r.start // 100 == year]
    totals = [
        (label, sum((Decimal(r.data.get(field) or 0) for r in slips), Decimal(0)))
        for label, field in (
            ("Loon voor de loonheffingen", "Gross"),
            ("Ingehouden loonheffing", "WageTax"),
            ("Netto uitbetaald", "Net"),
        )
    ]
    lines = [(f"Periode {r.data.get('Period')}", Decimal(r.data.get("Gross") or 0)) for r in slips]
    title = f"Jaaropgaaf {year}"
    pdf = annual_document_pdf(
        title, company.name, str(year), lines, totals, employee_name=employee.display_name
    )
    return {"PDF": pdf}
