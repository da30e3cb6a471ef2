"""CompanyService payroll output: runs, wage-tax declarations and documents."""

from __future__ import annotations

import builtins
from datetime import date, datetime

from nmbrs_client.group import Group
from nmbrs_client.models import items
from nmbrs_client.models_payroll import Document, Run, RunEmployee, RunRequest, WageTaxDeclaration


class Runs(Group):
    service = "CompanyService"

    def list(self, company_id: int, year: int) -> builtins.list[Run]:
        return [
            Run.from_zeep(r)
            for r in items(self._call("Run_GetList", CompanyId=company_id, Year=year), "RunInfo")
        ]

    def employees(self, company_id: int, run_id: int, year: int) -> builtins.list[RunEmployee]:
        result = self._call("Run_GetEmployeesByRunCompany", CompanyId=company_id, RunId=run_id, Year=year)
        return [RunEmployee.from_zeep(e) for e in items(result, "EmployeeIdNumber")]

    def requests(self, company_id: int, year: int) -> builtins.list[RunRequest]:
        result = self._call("RunRequest_GetList", CompanyId=company_id, Year=year)
        return [RunRequest.from_zeep(r) for r in items(result, "RunRequest")]

    def request(self, company_id: int) -> None:
        """Ask for a payroll run of the current period (`RunRequest_Insert`)."""
        self._call("RunRequest_Insert", CompanyId=company_id)


class WageTax(Group):
    service = "CompanyService"

    def list(
        self, company_id: int, year: int, status: str | None = None
    ) -> builtins.list[WageTaxDeclaration]:
        """The year's declarations; `status` (e.g. "locked") keeps only those, case-insensitively."""
        result = self._call("WageTax_GetList", CompanyId=company_id, intYear=year)
        declarations = [WageTaxDeclaration.from_zeep(w) for w in items(result, "WageTax")]
        if status is None:
            return declarations
        return [d for d in declarations if d.status.lower() == status.lower()]

    def xml(self, company_id: int, declaration_id: int) -> str:
        return str(self._call("WageTax_GetXML", LoonaangifteID=declaration_id, CompanyId=company_id) or "")

    def set_sent_external(self, company_id: int, declaration_id: int) -> bool:
        return bool(
            self._call("WageTax_SetSentExternal", LoonaangifteID=declaration_id, CompanyId=company_id)
        )


class Documents(Group):
    service = "CompanyService"

    def payslips(self, company_id: int, run_id: int, year: int) -> Document:
        """Every payslip of a run in one PDF."""
        result = self._call(
            "SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2",
            CompanyId=company_id,
            RunID=run_id,
            intYear=year,
        )
        return Document.from_zeep(result)

    def employee_payslips(
        self, employee_id: int, company_id: int, run_id: int, year: int
    ) -> builtins.list[Document]:
        result = self._call(
            "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
            EmployeeID=employee_id,
            CompanyId=company_id,
            RunID=run_id,
            intYear=year,
        )
        return [Document.from_zeep(p) for p in items(result, "Payslip")]

    def sepa(self, company_id: int, run_id: int, year: int, payment_date: date) -> str:
        """The run's SEPA credit-transfer file (XML text)."""
        paid = datetime(payment_date.year, payment_date.month, payment_date.day)
        result = self._call(
            "SalaryDocuments_GetSEPA", CompanyId=company_id, RunID=run_id, Year=year, paymentDate=paid
        )
        return str(result or "")

    def annual_statement(self, company_id: int, run_id: int, year: int) -> Document:
        result = self._call(
            "SalaryDocuments_AnnualDocument_AnualStatement", CompanyId=company_id, RunId=run_id, Year=year
        )
        return Document.from_zeep(result)

    def employee_annual_statement(self, employee_id: int, year: int) -> Document:
        result = self._client.invoke(
            "EmployeeService",
            "SalaryDocuments_GetAnnualStatementPDF",
            {"EmployeeID": employee_id, "intYear": year},
        )
        return Document.from_zeep(result)
