"""EmployeeService reads: who works where, their personal info, contracts and salaries."""

from __future__ import annotations

import builtins
from typing import Any

from nmbrs_client.group import Group
from nmbrs_client.models import (
    Contract,
    CurrentPeriod,
    EmployeeListItem,
    EmployeeType,
    PersonalInfo,
    Salary,
    field,
    items,
)

ALL_TYPES = 0  # EmployeeType 0 lists every type


class Employees(Group):
    service = "EmployeeService"

    def list(self, company_id: int, employee_type: int = ALL_TYPES) -> builtins.list[EmployeeListItem]:
        result = self._call("List_GetByCompany", CompanyId=company_id, EmployeeType=employee_type)
        return [EmployeeListItem.from_zeep(e) for e in items(result, "Employee")]

    def types(self) -> builtins.list[EmployeeType]:
        return [EmployeeType.from_zeep(t) for t in items(self._call("EmployeeType_GetList"), "EmployeeType")]

    def current_period(self, employee_id: int) -> CurrentPeriod:
        """The current period of the employee's company (`Employee_GetCurrent`)."""
        return CurrentPeriod.parse(self._call("Employee_GetCurrent", EmployeeId=employee_id))

    def personal_infos(self, company_id: int) -> dict[int, builtins.list[PersonalInfo]]:
        """Employee id -> every version of their personal info, as the service orders them."""
        result = self._call("PersonalInfo_GetAll_AllEmployeesByCompany", CompanyID=company_id)
        return _by_employee(
            result, "PersonalInfoItem", "EmployeePersonalInfos", "PersonalInfo_V2", PersonalInfo
        )

    def contracts(self, company_id: int) -> dict[int, builtins.list[Contract]]:
        """Employee id -> their contracts (an empty list: the employee has none)."""
        result = self._call("Contract_GetAll_AllEmployeesByCompany", CompanyID=company_id)
        return _by_employee(
            result, "EmployeeContractItemGlobal", "EmployeeContracts", "EmployeeContract", Contract
        )

    def current_contracts(self, employee_id: int) -> builtins.list[Contract]:
        result = self._call("Contract_GetCurrentPeriod", EmployeeId=employee_id)
        return [Contract.from_zeep(c) for c in items(field(result, "EmployeeContracts"), "EmployeeContract")]

    def salaries(self, company_id: int) -> dict[int, builtins.list[Salary]]:
        result = self._call("Salary_GetAll_AllEmployeesByCompany", CompanyID=company_id)
        return _by_employee(result, "EmployeeSalaryItem", "EmployeeSalaries", "Salary_V2", Salary)


def _by_employee(
    result: Any, item: str, array: str, element: str, model: Any
) -> dict[int, builtins.list[Any]]:
    return {
        field(entry, "EmployeeId"): [model.from_zeep(v) for v in items(field(entry, array), element)]
        for entry in items(result, item)
    }
