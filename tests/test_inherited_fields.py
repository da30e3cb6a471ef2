"""Every result type that extends another fills the inherited fields from the entity it describes.

`PersonalInfo` extends `Employee`: its Id, Number and DisplayName are the employee's, as List_GetByCompany
lists them. Types extending a record type (`AbsenceV2` extends `Absence`) agree with the base type's read
of the same record. One case per extending type of the contract; a new one without a case fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from nmbrs_client import NmbrsClient
from zeep.helpers import serialize_object

from mock_server.contract import SERVICES, load_contract

HEADERS = frozenset({"AuthHeaderWithDomain"})  # extends AuthHeader: a SOAP header, not a result
COMPANY = 10_000


def inherited(service: str, type_name: str, value: Any) -> dict[str, Any]:
    contract = load_contract(service)
    base = contract.complex_types[type_name].base
    assert base is not None
    data = serialize_object(value, dict)
    return {f.name: data.get(f.name) for f in contract.fields_of(base)}


def _employees(client: NmbrsClient) -> list[Any]:
    return client.employee.List_GetByCompany(CompanyId=COMPANY, EmployeeType=0)


def personal_info(client: NmbrsClient) -> int:
    checked = 0
    for employee in _employees(client):
        info = client.employee.PersonalInfo_GetCurrent(EmployeeId=employee.Id)
        expected = {"Id": employee.Id, "Number": employee.Number, "DisplayName": employee.DisplayName}
        assert inherited("EmployeeService", "PersonalInfo", info) == expected
        assert inherited("EmployeeService", "PersonalInfo", client.employee.PersonalInfo_Get(
            EmployeeId=employee.Id, Period=11, Year=2026
        )) == expected  # fmt: skip
        checked += 1
    return checked


def absence_v2(client: NmbrsClient) -> int:
    checked = 0
    for employee in _employees(client):
        base = [
            serialize_object(a, dict) for a in client.employee.Absence_GetList(EmployeeId=employee.Id) or []
        ]
        extended = client.employee.Absence2_GetList(EmployeeId=employee.Id) or []
        assert [inherited("EmployeeService", "AbsenceV2", a) for a in extended] == base
        checked += len(base)
    return checked


def employee_absence(client: NmbrsClient) -> int:
    everyone = client.employee.Absence_GetAll_AllEmployeesByCompany(CompanyId=COMPANY) or []
    for item in everyone:
        own = [serialize_object(a, dict) for a in client.employee.Absence_GetList(EmployeeId=item.EmployeeId)]
        assert inherited("EmployeeService", "EmployeeAbsence", item) in own
    return len(everyone)


def leave_v2(client: NmbrsClient) -> int:
    checked = 0
    for employee in _employees(client):
        args = {"EmployeeId": employee.Id, "Type": "Type1", "Soort": "Withdrawal", "Year": 2026}
        base = [serialize_object(x, dict) for x in client.employee.Leave_GetList(**args) or []]
        extended = client.employee.Leave_GetList_V2(**args) or []
        assert [inherited("EmployeeService", "LeaveV2", x) for x in extended] == base
        checked += len(base)
    return checked


def _table(client: NmbrsClient, operation: str) -> Any:
    return client.company.call(operation, CompanyId=COMPANY, Period=1, Year=2026)


def salary_table_v2(client: NmbrsClient) -> int:
    table = _table(client, "SalaryTable_Get")
    assert inherited(
        "CompanyService", "SalaryTableV2", _table(client, "SalaryTable2_Get")
    ) == serialize_object(table, dict)
    return 1


def salary_table_scale_v2(client: NmbrsClient) -> int:
    base = [serialize_object(s, dict) for s in _table(client, "SalaryTable_GetScales")]
    extended = _table(client, "SalaryTable2_GetScales")
    assert [inherited("CompanyService", "SalaryTableScaleV2", s) for s in extended] == base and base
    return len(base)


def salary_table_step_v2(client: NmbrsClient) -> int:
    scale = serialize_object(_table(client, "SalaryTable_GetScales")[0], dict)
    args = {"CompanyId": COMPANY, "Scale": scale, "Period": 1, "Year": 2026}
    base = [serialize_object(s, dict) for s in client.company.SalaryTable_GetSteps(**args)]
    extended = client.company.SalaryTable2_GetSteps(**args)
    assert [inherited("CompanyService", "SalaryTableStepV2", s) for s in extended] == base and base
    return len(base)


def salary_table_employee(client: NmbrsClient) -> int:
    table = serialize_object(_table(client, "SalaryTable_Get"), dict)
    checked = 0
    for employee in _employees(client):
        salary = client.employee.Salary_GetCurrent(EmployeeId=employee.Id)
        if salary.SalaryTable is not None:
            assert inherited("EmployeeService", "SalaryTableEmployee", salary.SalaryTable) == table
            checked += 1
    return checked


CASES: dict[str, Callable[[NmbrsClient], int]] = {
    "EmployeeService.PersonalInfo": personal_info,
    "EmployeeService.AbsenceV2": absence_v2,
    "EmployeeService.EmployeeAbsence": employee_absence,
    "EmployeeService.LeaveV2": leave_v2,
    "EmployeeService.SalaryTableEmployee": salary_table_employee,
    "CompanyService.SalaryTableV2": salary_table_v2,
    "CompanyService.SalaryTableScaleV2": salary_table_scale_v2,
    "CompanyService.SalaryTableStepV2": salary_table_step_v2,
}


def extending_types() -> set[str]:
    return {
        f"{service}.{name}"
        for service in SERVICES
        for name, complex_type in load_contract(service).complex_types.items()
        if complex_type.base is not None and name not in HEADERS
    }


def test_every_extending_type_has_a_case() -> None:
    assert extending_types() == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_inherited_fields_describe_the_entity(client: NmbrsClient, key: str) -> None:
    checked = CASES[key](client)
    print(f"{key}: {checked} answers checked")
    assert checked, f"{key}: the demo has no data to check"
