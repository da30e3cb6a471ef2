"""API user templates: the set of operations a user may call, by service, with wildcards.

A pattern is `Service.Operation` where either part may use shell wildcards (`*`, `?`), e.g.
`CompanyService.SalaryDocuments_AnnualDocument*` or `EmployeeService.*`. A call outside the
template is refused with 1002.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache

from mock_server.domain.errors import UnauthorizedOperation


@dataclass(frozen=True)
class Template:
    name: str
    patterns: tuple[str, ...]

    def allows(self, service: str, operation: str) -> bool:
        return _allows(self.patterns, f"{service}.{operation}")

    def check(self, service: str, operation: str) -> None:
        if not self.allows(service, operation):
            raise UnauthorizedOperation(context=f"template {self.name!r} lacks {service}.{operation}")


def _ops(service: str, *operations: str) -> tuple[str, ...]:
    return tuple(f"{service}.{operation}" for operation in operations)


# Exactly the rights the integration guides in shared/seeds list.
TIME_TRACKING_EXPORT = _ops(  # TimeChimp (seed 000)
    "CompanyService", "List_GetAll", "HourModel_GetHourCodes", "HourModel2_GetHourCodes"
) + _ops(
    "EmployeeService",
    "Contract_GetAll_AllEmployeesByCompany",
    "PersonalInfo_GetAll_AllEmployeesByCompany",
    "HourComponentVar_Insert_Batch",
    "DaysVar_Set_Batch",
    "HourComponentVar_Get",
)
FLEXIBLE_PAYROLL = _ops(  # Keeping (seed 002)
    "CompanyService", "Company_GetCurrentPeriod", "List_GetAll", "Run_GetList", "Run_GetEmployeesByRunCompany"
) + _ops(
    "EmployeeService",
    "DaysFixed_GetCurrent",
    "DaysFixed_Get",
    "DaysVarWorked_GetCurrent",
    "DaysVarWorked_Get",
    "DaysVar_Set_Batch",
    "DaysFixed_Set_Batch",
    "HourComponentVar_GetCurrent",
    "HourComponentVar_Get",
    "HourComponentVar_ClearCurrent",
    "HourComponentVar_Insert_Batch",
    "List_GetByCompany",
    "PersonalInfo_GetAll_AllEmployeesByCompany",
    "Salary_GetAll_AllEmployeesByCompany",
    "Schedule_GetCurrent",
    "Schedule_Get",
)
# Mijn Kantoor (seed 004) names every `SalaryDocuments_AnnualDocument*` right; the rest of what it fetches
# and syncs it covers with "admin rights" (INFERRED from its feature list): declarations, payslips (found
# through the run's employees), SEPA files, the employees' annual statements and the relation sync in both
# directions (debtors, companies with address and bank account, employees with personal info, address and
# contract).
PAYROLL_DOCUMENTS = (
    _ops("CompanyService", "SalaryDocuments_AnnualDocument*")
    + _ops(
        "CompanyService",
        "List_GetAll",
        "List_GetByDebtor",
        "Company_GetCurrentPeriod",
        "Run_GetList",
        "Run_GetEmployeesByRunCompany",
        "WageTax_GetList",
        "WageTax_GetXML",
        "WageTax_SetSentExternal",
        "SalaryDocuments_GetAllPayslipsPDFByRunCompany*",
        "SalaryDocuments_GetEmployeePayslips*",
        "SalaryDocuments_GetSEPA*",
        "Company_Insert",
        "Address_*",
        "BankAccount_*",
        "ContactPerson_Get",
    )
    + _ops(
        "EmployeeService",
        "List_GetByCompany",
        "List_GetByDebtor",
        "Employee_Insert",
        "PersonalInfo_*",
        "Address_*",
        "Contract_*",
        "SalaryDocuments_GetAnnualStatementPDF",
    )
    + _ops("DebtorService", "List_GetAll", "List_GetByNumber", "Debtor_Get", "Debtor_Insert", "Debtor_Update")
    + _ops("DebtorService", "Address_Get", "ContactPerson_Get")
)
# eitje (seed 001) lists no rights; these are the calls its described workflow needs (INFERRED): the
# workforce sync (employees, personal info, contracts), the wage period, the hour and wage codes of both
# models, and the export of hours, days worked, meal allowances and additional payments.
TIMECARD_EXPORT = _ops(
    "CompanyService",
    "List_GetAll",
    "Company_GetCurrentPeriod",
    "HourModel_GetHourCodes",
    "HourModel2_GetHourCodes",
    "WageModel_GetWageCodes",
    "WageModel2_GetWageCodes",
) + _ops(
    "EmployeeService",
    "List_GetByCompany",
    "PersonalInfo_GetAll_AllEmployeesByCompany",
    "Contract_GetAll_AllEmployeesByCompany",
    "HourComponentVar_Insert_Batch",
    "DaysVar_Set_Batch",
    "WageComponentVar_Insert_Batch",
)


@cache
def _allows(patterns: tuple[str, ...], qualified: str) -> bool:
    """Whether a pattern matches `Service.Operation` (remembered: every call asks)."""
    return any(fnmatchcase(qualified, pattern) for pattern in patterns)


BUILTIN_TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in (
        Template("full", ("*",)),
        Template("time-tracking-export", TIME_TRACKING_EXPORT),
        Template("flexible-payroll", FLEXIBLE_PAYROLL),
        Template("payroll-documents", PAYROLL_DOCUMENTS),
        Template("timecard-export", TIMECARD_EXPORT),
    )
}
ALIASES = {
    "timechimp": "time-tracking-export",
    "keeping": "flexible-payroll",
    "mijnkantoor": "payroll-documents",
    "eitje": "timecard-export",
}


def resolve_template(name: str, user_defined: dict[str, list[str]]) -> Template:
    if name in user_defined:
        return Template(name, tuple(user_defined[name]))
    name = ALIASES.get(name, name)
    if name in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[name]
    raise KeyError(f"unknown permission template {name!r}")
