"""CompanyService: companies, their current period and their hour and wage models."""

from __future__ import annotations

import builtins

from nmbrs_client.group import Group
from nmbrs_client.models import Code, Company, CurrentPeriod, items


class Companies(Group):
    service = "CompanyService"

    def list(self) -> builtins.list[Company]:
        """Every company the login sees (`List_GetAll`)."""
        return [Company.from_zeep(c) for c in items(self._call("List_GetAll"), "Company")]

    def list_by_debtor(self, debtor_id: int) -> builtins.list[Company]:
        result = self._call("List_GetByDebtor", DebtorId=debtor_id)
        return [Company.from_zeep(c) for c in items(result, "Company")]

    def of_employee(self, employee_id: int) -> Company:
        return Company.from_zeep(self._call("Company_GetCurrentByEmployeeId", EmployeeId=employee_id))

    def current_period(self, company_id: int) -> CurrentPeriod:
        return CurrentPeriod.parse(self._call("Company_GetCurrentPeriod", CompanyId=company_id))

    def hour_codes(self, company_id: int, model: int = 1) -> builtins.list[Code]:
        """The codes of hour model 1 (`HourModel_GetHourCodes`) or 2 (`HourModel2_GetHourCodes`)."""
        operation = "HourModel_GetHourCodes" if model == 1 else "HourModel2_GetHourCodes"
        return [Code.from_zeep(c) for c in items(self._call(operation, CompanyId=company_id), "HourCode")]

    def wage_codes(self, company_id: int, model: int = 1) -> builtins.list[Code]:
        operation = "WageModel_GetWageCodes" if model == 1 else "WageModel2_GetWageCodes"
        return [Code.from_zeep(c) for c in items(self._call(operation, CompanyId=company_id), "WageCode")]
