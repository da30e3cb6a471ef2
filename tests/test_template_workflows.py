"""Each built-in permission template runs its integration's whole workflow (seeds 000-004) over SOAP.

Every workflow logs in as a user holding only that template, makes the calls the integration makes and
checks their effect with a full-rights client. A template without a workflow here fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree
from nmbrs_client import NmbrsClient
from payloads import hour
from test_seed_workflows import as_template, current, fault_code  # noqa: F401  (as_template: a fixture)
from zeep.helpers import serialize_object

from mock_server.domain.permissions import ALIASES, BUILTIN_TEMPLATES

Workflow = Callable[[NmbrsClient, NmbrsClient], None]


def time_tracking_export(tool: NmbrsClient, client: NmbrsClient) -> None:
    """TimeChimp: hour codes, import employees with a work e-mail and a contract, export hours and days."""
    company = tool.company.List_GetAll()[0].ID
    codes = {c.Code for c in tool.company.HourModel_GetHourCodes(CompanyId=company)}
    codes |= {c.Code for c in tool.company.HourModel2_GetHourCodes(CompanyId=company)}
    people = tool.employee.PersonalInfo_GetAll_AllEmployeesByCompany(CompanyID=company)
    contracts = tool.employee.Contract_GetAll_AllEmployeesByCompany(CompanyID=company)
    with_contract = {
        c.EmployeeId for c in contracts if c.EmployeeContracts and c.EmployeeContracts.EmployeeContract
    }
    imported = [
        p.EmployeeId
        for p in people
        if p.EmployeePersonalInfos.PersonalInfo_V2[-1].EmailWork and p.EmployeeId in with_contract
    ]
    assert 1 in codes and imported
    now = current(client, company)
    present = tool.employee.HourComponentVar_Get(EmployeeId=imported[0], Period=now.number, Year=now.year)
    assert present is None  # nothing exported yet: send everything
    tool.employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": [hour(1, "7.50", employee=e) for e in imported]},
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )
    days = [{"EmployeeId": e, "Days": 1, "Period": now.number, "Year": now.year} for e in imported]
    tool.employee.DaysVar_Set_Batch(EmployeesDaysWorked={"DaysWorked": days}, UnprotectedMode=False)
    sent = tool.employee.HourComponentVar_Get(EmployeeId=imported[-1], Period=now.number, Year=now.year)
    assert [(h.HourCode, h.Hours) for h in sent] == [(1, Decimal("7.50"))]
    assert client.employee.DaysVar_Get(EmployeeId=imported[-1], Period=now.number, Year=now.year) == 1


def flexible_payroll(tool: NmbrsClient, client: NmbrsClient) -> None:
    """Keeping: zero-hour employees of a company get their days and hours of the current period."""
    company = tool.company.List_GetAll()[0].ID
    period = tool.company.Company_GetCurrentPeriod(CompanyId=company)
    year, number = int(period.split("-")[0]), int(period.split("-")[1])
    run = tool.company.Run_GetList(CompanyId=company, Year=year)[-1]
    paid = tool.company.Run_GetEmployeesByRunCompany(CompanyId=company, RunId=run.ID, Year=year)
    employees = {e.Id for e in tool.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)}
    assert paid and {p.EmployeeId for p in paid} <= employees
    assert tool.employee.PersonalInfo_GetAll_AllEmployeesByCompany(CompanyID=company)
    salaries = tool.employee.Salary_GetAll_AllEmployeesByCompany(CompanyID=company)
    flexible = next(s.EmployeeId for s in salaries if s.EmployeeSalaries.Salary_V2[-1].Type == 3)
    assert tool.employee.Schedule_GetCurrent(EmployeeId=flexible).ParttimePercentage == Decimal("0.0")
    assert tool.employee.Schedule_Get(EmployeeId=flexible, Period=number, Year=year) is not None
    assert tool.employee.DaysFixed_GetCurrent(EmployeeId=flexible) == 0
    assert tool.employee.DaysFixed_Get(EmployeeId=flexible, Period=number, Year=year) == 0
    assert tool.employee.DaysVarWorked_GetCurrent(EmployeeId=flexible).Days == 0  # no days yet: zero
    item = {"EmployeeId": flexible, "Days": 2, "Period": number, "Year": year}
    tool.employee.DaysVar_Set_Batch(EmployeesDaysWorked={"DaysWorked": [item]}, UnprotectedMode=False)
    tool.employee.DaysFixed_Set_Batch(EmployeesDaysWorked={"DaysWorked": [item]}, UnprotectedMode=False)
    assert tool.employee.DaysVarWorked_Get(EmployeeId=flexible, Period=number, Year=year).Days == 2
    tool.employee.HourComponentVar_ClearCurrent(EmployeeId=flexible)
    tool.employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": [hour(10, "16.00", employee=flexible)]},
        Period=number,
        Year=year,
        UnprotectedMode=False,
    )
    assert [h.Hours for h in tool.employee.HourComponentVar_GetCurrent(EmployeeId=flexible)] == [
        Decimal("16.00")
    ]
    assert client.employee.DaysFixed_GetCurrent(EmployeeId=flexible) == 2


def payroll_documents(tool: NmbrsClient, client: NmbrsClient) -> None:
    """Mijn Kantoor: declarations, payslips per employee, SEPA, year-end documents and the relation sync."""
    debtor = tool.debtor.List_GetAll()[0]
    assert tool.debtor.Debtor_Get(DebtorId=debtor.Id).Name == debtor.Name
    assert tool.debtor.List_GetByNumber(Number=debtor.Number)[0].Id == debtor.Id
    company = tool.company.List_GetByDebtor(DebtorId=debtor.Id)[0].ID
    year = current(client, company).year
    declarations = tool.company.WageTax_GetList(CompanyId=company, intYear=year)
    locked = next(d for d in declarations if d.Status == "locked")
    assert tool.company.WageTax_GetXML(LoonaangifteID=locked.LoonaangifteID, CompanyId=company)
    assert tool.company.WageTax_SetSentExternal(LoonaangifteID=locked.LoonaangifteID, CompanyId=company)
    run = tool.company.Run_GetList(CompanyId=company, Year=year)[-1]
    paid = tool.company.Run_GetEmployeesByRunCompany(CompanyId=company, RunId=run.ID, Year=year)
    for employee in paid[:2]:
        slips = tool.company.SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2(
            EmployeeID=employee.EmployeeId, CompanyId=company, RunID=run.ID, intYear=year
        )
        assert slips and slips[0].PDF.startswith(b"%PDF")
        statement = tool.employee.SalaryDocuments_GetAnnualStatementPDF(
            EmployeeID=employee.EmployeeId, intYear=year
        )
        assert statement.startswith(b"%PDF")
    assert tool.company.SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2(
        CompanyId=company, RunID=run.ID, intYear=year
    ).startswith(b"%PDF")
    payday = datetime(year, 12, 24)
    sepa = tool.company.SalaryDocuments_GetSEPA(
        CompanyId=company, RunID=run.ID, Year=year, paymentDate=payday
    )
    assert etree.fromstring(sepa.encode()) is not None
    assert tool.company.SalaryDocuments_AnnualDocument_LeaveSaldos(
        CompanyId=company, RunId=run.ID, Year=year
    ).startswith(b"%PDF")
    _relation_sync(tool, client, company)


def _relation_sync(tool: NmbrsClient, client: NmbrsClient, company: int) -> None:
    """Incoming and outgoing: the company's address, the employees' personal info, address and contract."""
    address = tool.company.Address_GetCurrent(CompanyId=company)
    assert address.Id and address.City
    employees = tool.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)
    first = employees[0]
    info = tool.employee.PersonalInfo_GetCurrent(EmployeeId=first.Id)
    assert (info.Id, info.Number) == (first.Id, first.Number)
    assert tool.employee.Address_GetListCurrent(EmployeeId=first.Id)
    assert tool.employee.Contract_GetCurrentPeriod(EmployeeId=first.Id).EmployeeContracts
    changed = {**serialize_object(info, dict), "TelephoneWork": "020-1234567"}
    tool.employee.PersonalInfo_UpdateCurrent(EmployeeId=first.Id, PersonalInfo=changed)
    after = client.employee.PersonalInfo_GetCurrent(EmployeeId=first.Id)
    assert (after.TelephoneWork, after.Id, after.BSN) == ("020-1234567", first.Id, info.BSN)
    tool.company.Address_Update(
        CompanyId=company, Address={**serialize_object(address, dict), "City": "Zwolle"}
    )
    assert client.company.Address_GetCurrent(CompanyId=company).City == "Zwolle"


def timecard_export(tool: NmbrsClient, client: NmbrsClient) -> None:
    """eitje: sync the workforce, then export timecards, days worked and meal allowances into the period."""
    company = tool.company.List_GetAll()[0].ID
    period = tool.company.Company_GetCurrentPeriod(CompanyId=company)
    year, number = int(period.split("-")[0]), int(period.split("-")[1])
    team = tool.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)
    assert tool.employee.PersonalInfo_GetAll_AllEmployeesByCompany(CompanyID=company)
    assert tool.employee.Contract_GetAll_AllEmployeesByCompany(CompanyID=company)
    hours = tool.company.HourModel_GetHourCodes(CompanyId=company)
    hours += tool.company.HourModel2_GetHourCodes(CompanyId=company)
    wages = tool.company.WageModel_GetWageCodes(CompanyId=company)
    wages += tool.company.WageModel2_GetWageCodes(CompanyId=company)
    meal = next(w.Code for w in wages if w.Description == "Maaltijdvergoeding")
    employee = team[-1].Id
    tool.employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": [hour(hours[0].Code, "5.25", employee=employee)]},
        Period=number,
        Year=year,
        UnprotectedMode=False,
    )
    days = [{"EmployeeId": employee, "Days": 1, "Period": number, "Year": year}]
    tool.employee.DaysVar_Set_Batch(EmployeesDaysWorked={"DaysWorked": days}, UnprotectedMode=False)
    allowance = {"EmployeeId": employee, "Id": 0, "Code": meal, "Value": Decimal("7.50")}
    tool.employee.WageComponentVar_Insert_Batch(
        WageComponents={"EmployeeWageComponent": [allowance]}, Period=number, Year=year, UnprotectedMode=False
    )
    got = client.employee.WageComponentVar_GetCurrent(EmployeeId=employee)
    assert [(w.Code, w.Value) for w in got] == [(meal, Decimal("7.50"))]
    assert [h.Hours for h in client.employee.HourComponentVar_GetCurrent(EmployeeId=employee)] == [
        Decimal("5.25")
    ]


WORKFLOWS: dict[str, Workflow] = {
    "time-tracking-export": time_tracking_export,
    "flexible-payroll": flexible_payroll,
    "payroll-documents": payroll_documents,
    "timecard-export": timecard_export,
}


def test_every_builtin_template_has_a_workflow() -> None:
    assert set(WORKFLOWS) == set(BUILTIN_TEMPLATES) - {"full"}
    assert set(ALIASES.values()) <= set(WORKFLOWS)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_the_template_runs_its_integrations_workflow(client, as_template, alias: str) -> None:  # noqa: F811
    WORKFLOWS[ALIASES[alias]](as_template(alias), client)


@pytest.mark.parametrize("template", sorted(WORKFLOWS))
def test_the_template_still_refuses_what_the_integration_does_not_need(as_template, template: str) -> None:  # noqa: F811
    tool = as_template(template)
    assert fault_code(lambda: tool.company.RunRequest_Insert(CompanyId=10000)) == 1002
    assert fault_code(lambda: tool.employee.Absence_GetList(EmployeeId=100000)) == 1002
