"""The integrations of shared/seeds, played through zeep against the mock (issue: Nmbrs behaviour)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from lxml import etree
from nmbrs_client import NmbrsClient, NmbrsCredentials
from nmbrs_faults import fault_code
from payloads import hour

from mock_server.domain.model import ApiUser
from mock_server.domain.periods import PeriodType, containing, first_day, parse_period


@pytest.fixture
def as_template(mock_app, mock_server, environment):
    """A client for a new login of the test's environment with the given permission template."""

    def make(template: str) -> NmbrsClient:
        user = ApiUser(f"{template}@{environment.name}.test", f"token-{template}", template)
        mock_app.backend.add_user(environment.name, user)
        return NmbrsClient(
            f"{mock_server.url}/soap/v3/", NmbrsCredentials(user.username, user.token, environment.name)
        )

    return make


def company_of_type(client: NmbrsClient, period_type: str):
    for company in client.company.List_GetAll():
        if client.company.Company_GetCurrentPeriod(CompanyId=company.ID).endswith(f"-{period_type}"):
            return company
    raise AssertionError(f"no {period_type} company in the demo environment")


def current(client: NmbrsClient, company_id: int):
    return parse_period(client.company.Company_GetCurrentPeriod(CompanyId=company_id))[1]


# --- 1. Time-tracking export (TimeChimp, seed 000) ------------------------------------------------


def test_time_tracking_export(client, as_template):
    timechimp = as_template("time-tracking-export")
    company = timechimp.company.List_GetAll()[0]
    codes = {c.Code for c in timechimp.company.HourModel_GetHourCodes(CompanyId=company.ID)}
    codes |= {c.Code for c in timechimp.company.HourModel2_GetHourCodes(CompanyId=company.ID)}
    assert {1, 10} <= codes  # hour model 1 and hour model 2 codes

    people = timechimp.employee.PersonalInfo_GetAll_AllEmployeesByCompany(CompanyID=company.ID)
    contracts = timechimp.employee.Contract_GetAll_AllEmployeesByCompany(CompanyID=company.ID)
    with_contract = {
        i.EmployeeId for i in contracts if i.EmployeeContracts and i.EmployeeContracts.EmployeeContract
    }
    latest = {item.EmployeeId: item.EmployeePersonalInfos.PersonalInfo_V2[-1] for item in people}
    importable = [eid for eid, info in latest.items() if info.EmailWork and eid in with_contract]
    assert importable and len(importable) < len(latest)  # the seed's edge cases exist: no e-mail, no contract
    assert any(not info.EmailWork for info in latest.values())
    assert any(eid not in with_contract for eid in latest)

    period = current(client, company.ID)
    hours = [hour(1, "8.00", employee=eid, comment=f"dag {day}") for eid in importable for day in range(1, 4)]
    for batch in (hours[: len(hours) // 2], hours[len(hours) // 2 :]):
        timechimp.employee.HourComponentVar_Insert_Batch(
            HourComponents={"EmployeeHourComponent": batch},
            Period=period.number,
            Year=period.year,
            UnprotectedMode=False,
        )
    days = [
        {"EmployeeId": eid, "Days": 3, "Period": period.number, "Year": period.year} for eid in importable
    ]
    timechimp.employee.DaysVar_Set_Batch(EmployeesDaysWorked={"DaysWorked": days}, UnprotectedMode=False)

    first = importable[0]
    exported = timechimp.employee.HourComponentVar_Get(
        EmployeeId=first, Period=period.number, Year=period.year
    )
    assert sorted(h.Hours for h in exported) == [Decimal("8.00")] * 3
    # edit one day and re-export: TimeChimp sends only what is not there yet
    wanted = [(1, Decimal("8.00"))] * 3 + [(1, Decimal("4.50"))]
    present = [(h.HourCode, h.Hours) for h in exported]
    changes = [hour(code, amount, employee=first) for code, amount in wanted[len(present) :]]
    timechimp.employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": changes},
        Period=period.number,
        Year=period.year,
        UnprotectedMode=False,
    )
    again = timechimp.employee.HourComponentVar_Get(EmployeeId=first, Period=period.number, Year=period.year)
    assert sorted(h.Hours for h in again) == [Decimal("4.50")] + [Decimal("8.00")] * 3
    assert client.employee.DaysVar_Get(EmployeeId=first, Period=period.number, Year=period.year) == 3

    # rights outside the TimeChimp list are refused
    assert fault_code(lambda: timechimp.company.Company_GetCurrentPeriod(CompanyId=company.ID)) == 1002
    assert (
        fault_code(
            lambda: timechimp.employee.HourComponentVar_Clear(
                EmployeeId=first, Period=period.number, Year=period.year, UnprotectedMode=True
            )
        )
        == 1002
    )
    assert (
        len(client.employee.HourComponentVar_Get(EmployeeId=first, Period=period.number, Year=period.year))
        == 4
    )


# --- 2. Timecard export into the wage period of the dates (eitje, seed 001) -------------------------


def test_timecards_land_in_the_four_weekly_period_of_their_dates(client):
    company = company_of_type(client, "W4")
    now = current(client, company.ID)
    start = first_day(PeriodType.W4, now)
    cards = [start + timedelta(days=2), start + timedelta(days=9)]  # both in the current four-week period
    assert {containing(PeriodType.W4, d) for d in cards} == {now}
    employee = client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)[0]
    hours = [hour(1, Decimal("6.25"), employee=employee.Id, comment=d.isoformat()) for d in cards]
    client.employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": hours},
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )
    client.employee.DaysVar_Set_Batch(
        EmployeesDaysWorked={
            "DaysWorked": [{"EmployeeId": employee.Id, "Days": 2, "Period": now.number, "Year": now.year}]
        },
        UnprotectedMode=False,
    )
    meals = [
        {
            "EmployeeId": employee.Id,
            "Id": 0,
            "Code": 120,
            "Value": Decimal("7.50"),
            "CostCenterId": None,
            "CostUnitId": None,
        }
    ]
    client.employee.WageComponentVar_Insert_Batch(
        WageComponents={"EmployeeWageComponent": meals},
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )

    got = client.employee.HourComponentVar_Get(EmployeeId=employee.Id, Period=now.number, Year=now.year)
    assert [h.Hours for h in got] == [Decimal("6.25"), Decimal("6.25")]
    assert client.employee.DaysVar_Get(EmployeeId=employee.Id, Period=now.number, Year=now.year) == 2
    wages = client.employee.WageComponentVar_Get(EmployeeId=employee.Id, Period=now.number, Year=now.year)
    assert [(w.Code, w.Value) for w in wages] == [(120, Decimal("7.50"))]
    assert client.employee.HourComponentVar_GetCurrent(EmployeeId=employee.Id)  # same period, read as current
    nxt = 1 if now.number == 13 else now.number + 1
    nxt_year = now.year + 1 if now.number == 13 else now.year
    assert client.employee.HourComponentVar_Get(EmployeeId=employee.Id, Period=nxt, Year=nxt_year) is None

    bad = [{**meals[0], "Code": 777}]
    assert (
        fault_code(
            lambda: client.employee.WageComponentVar_Insert_Batch(
                WageComponents={"EmployeeWageComponent": bad},
                Period=now.number,
                Year=now.year,
                UnprotectedMode=False,
            )
        )
        == 2002
    )


# --- 3. Flexible payroll (Keeping, seed 002) ------------------------------------------------------


def test_flexible_payroll_in_two_companies(client, as_template):
    keeping = as_template("flexible-payroll")
    companies = [company_of_type(client, "M"), company_of_type(client, "W4")]
    for company in companies:
        now = parse_period(keeping.company.Company_GetCurrentPeriod(CompanyId=company.ID))[1]
        runs = keeping.company.Run_GetList(CompanyId=company.ID, Year=now.year)
        assert runs and all(r.IsLocked for r in runs) and runs[-1].PeriodEnd == now.number - 1
        paid = keeping.company.Run_GetEmployeesByRunCompany(
            CompanyId=company.ID, RunId=runs[-1].ID, Year=now.year
        )
        assert paid and all(p.EmployeeNumber > 0 for p in paid)

        salaries = keeping.employee.Salary_GetAll_AllEmployeesByCompany(CompanyID=company.ID)
        hourly = [
            s.EmployeeId
            for s in salaries
            if s.EmployeeSalaries and s.EmployeeSalaries.Salary_V2[-1].Type == 3
        ]
        assert hourly, "every demo company has zero-hour (hourly paid) employees"
        employee = hourly[0]
        schedule = keeping.employee.Schedule_GetCurrent(EmployeeId=employee)
        assert schedule.ParttimePercentage == Decimal("0.0")
        assert (
            keeping.employee.Schedule_Get(EmployeeId=employee, Period=now.number, Year=now.year) == schedule
        )

        keeping.employee.DaysFixed_Set_Batch(
            EmployeesDaysWorked={
                "DaysWorked": [{"EmployeeId": employee, "Days": 4, "Period": now.number, "Year": now.year}]
            },
            UnprotectedMode=False,
        )
        keeping.employee.DaysVar_Set_Batch(
            EmployeesDaysWorked={
                "DaysWorked": [{"EmployeeId": employee, "Days": 3, "Period": now.number, "Year": now.year}]
            },
            UnprotectedMode=False,
        )
        assert keeping.employee.DaysFixed_GetCurrent(EmployeeId=employee) == 4
        assert keeping.employee.DaysFixed_Get(EmployeeId=employee, Period=now.number, Year=now.year) == 4
        worked = keeping.employee.DaysVarWorked_GetCurrent(EmployeeId=employee)
        assert (worked.Days, worked.PlusMinusDaysForWageComp) == (3, 0)
        assert (
            keeping.employee.DaysVarWorked_Get(EmployeeId=employee, Period=now.number, Year=now.year).Days
            == 3
        )

        for hours in (Decimal("10.00"), Decimal("12.50")):  # send twice: clear, then insert
            keeping.employee.HourComponentVar_ClearCurrent(EmployeeId=employee)
            keeping.employee.HourComponentVar_Insert_Batch(
                HourComponents={"EmployeeHourComponent": [hour(10, hours, employee=employee)]},
                Period=now.number,
                Year=now.year,
                UnprotectedMode=False,
            )
        sent = keeping.employee.HourComponentVar_GetCurrent(EmployeeId=employee)
        assert [(h.HourCode, h.Hours) for h in sent] == [(10, Decimal("12.50"))]


def test_processing_a_run_pays_the_hours_locks_the_period_and_advances(client):
    company = company_of_type(client, "M")
    now = current(client, company.ID)
    salaries = client.employee.Salary_GetAll_AllEmployeesByCompany(CompanyID=company.ID)
    hourly = next(s for s in salaries if s.EmployeeSalaries and s.EmployeeSalaries.Salary_V2[-1].Type == 3)
    rate = hourly.EmployeeSalaries.Salary_V2[-1].Value
    client.employee.HourComponentVar_InsertCurrent(
        EmployeeId=hourly.EmployeeId,
        Hourcomponent=hour(10, Decimal("20.00")),
    )
    client.company.RunRequest_Insert(CompanyId=company.ID)
    after = current(client, company.ID)
    assert (after.year, after.number) == (
        (now.year, now.number + 1) if now.number < 12 else (now.year + 1, 1)
    )
    run = client.company.Run_GetList(CompanyId=company.ID, Year=now.year)[-1]
    assert (run.PeriodStart, run.IsLocked) == (now.number, True)
    requests = client.company.RunRequest_GetList(CompanyId=company.ID, Year=now.year)
    assert requests[-1].Status == "Complete" and requests[-1].Period == now.number
    journal = etree.fromstring(
        client.company.Journals_GetByRunCompany(CompanyId=company.ID, RunId=run.ID).encode()
    )
    line = journal.find(f"Employee[@Id='{hourly.EmployeeId}']/Line[@Code='1']")
    assert Decimal(line.get("Amount")) == (Decimal("20.00") * rate).quantize(Decimal("0.01"))
    # the processed period is locked now
    code = fault_code(
        lambda: client.employee.HourComponentVar_Insert(
            EmployeeId=hourly.EmployeeId,
            Hourcomponent=hour(1, Decimal("1")),
            Period=now.number,
            Year=now.year,
            UnprotectedMode=False,
        )
    )
    assert code == 2011


# --- 4. Payroll documents (Mijn Kantoor, seed 004) ------------------------------------------------


def test_payroll_documents(client, as_template):
    office = as_template("payroll-documents")
    company = office.company.List_GetAll()[0]
    year = current(client, company.ID).year
    declarations = office.company.WageTax_GetList(CompanyId=company.ID, intYear=year)
    locked = [d for d in declarations if d.Status == "locked"]
    assert locked and len(locked) < len(declarations)  # locked and already-sent declarations both exist
    xml = etree.fromstring(
        office.company.WageTax_GetXML(LoonaangifteID=locked[0].LoonaangifteID, CompanyId=company.ID).encode()
    )
    assert etree.QName(xml).localname == "Loonaangifte"
    assert office.company.WageTax_SetSentExternal(
        LoonaangifteID=locked[0].LoonaangifteID, CompanyId=company.ID
    )
    assert (
        fault_code(
            lambda: office.company.WageTax_SetSentExternal(
                LoonaangifteID=locked[0].LoonaangifteID, CompanyId=company.ID
            )
        )
        == 2012
    )
    statuses = {
        d.LoonaangifteID: d.Status for d in office.company.WageTax_GetList(CompanyId=company.ID, intYear=year)
    }
    assert statuses[locked[0].LoonaangifteID] == "sent"

    run = office.company.Run_GetList(CompanyId=company.ID, Year=year)[-1]
    pdf = office.company.SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2(
        CompanyId=company.ID, RunID=run.ID, intYear=year
    )
    assert_pdf(pdf)
    sepa = etree.fromstring(
        office.company.SalaryDocuments_GetSEPA(
            CompanyId=company.ID, RunID=run.ID, Year=year, paymentDate=datetime(year, 12, 24)
        ).encode()
    )
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert int(sepa.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns)) > 0
    assert sepa.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:ReqdExctnDt", namespaces=ns) == f"{year}-12-24"
    operations = [
        op
        for op in client.company.zeep.wsdl.services["CompanyService"]
        .ports["CompanyServiceSoap"]
        .binding._operations
        if op.startswith("SalaryDocuments_AnnualDocument")
    ]
    assert len(operations) == 15
    for operation in operations:
        assert_pdf(office.company.call(operation, CompanyId=company.ID, RunId=run.ID, Year=year))
    employee = client.company.Run_GetEmployeesByRunCompany(CompanyId=company.ID, RunId=run.ID, Year=year)[0]
    assert_pdf(
        client.employee.SalaryDocuments_GetAnnualStatementPDF(EmployeeID=employee.EmployeeId, intYear=year)
    )
    address = office.company.Address_GetCurrent(CompanyId=company.ID)  # relation sync reads the address
    assert address.Id and address.City and address.CountryISOCode == "NL"


def assert_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[start : start + 4] == b"xref"


# --- 5. Faults change nothing ---------------------------------------------------------------------


def test_refused_writes_change_nothing(client, as_template):
    company = company_of_type(client, "M")
    now = current(client, company.ID)
    employee = client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)[0].Id
    item = hour(1, Decimal("3.00"), employee=employee)

    def insert(items, period=now.number, year=now.year, unprotected=False, who=client):
        return fault_code(
            lambda: who.employee.HourComponentVar_Insert_Batch(
                HourComponents={"EmployeeHourComponent": items},
                Period=period,
                Year=year,
                UnprotectedMode=unprotected,
            )
        )

    previous = now.number - 1
    assert insert([item], period=previous) == 2011  # protected period
    assert insert([item], period=13) == 2006  # a monthly company has 12 periods
    assert insert([item, {**item, "EmployeeId": 1}]) == 2003  # one foreign employee: the whole batch fails
    assert insert([item, {**item, "HourCode": 999}]) == 2001  # one unknown hour code
    assert insert([item], who=as_template("payroll-documents")) == 1002
    assert fault_code(lambda: client.company.Company_GetCurrentPeriod(CompanyId=1)) == 2004
    assert fault_code(lambda: client.company.List_GetByDebtor(DebtorId=1)) == 2009
    for period in (now.number, previous):
        assert client.employee.HourComponentVar_Get(EmployeeId=employee, Period=period, Year=now.year) is None
    assert insert([item], period=previous, unprotected=True) is None  # retro-active with UnprotectedMode
    assert len(client.employee.HourComponentVar_Get(EmployeeId=employee, Period=previous, Year=now.year)) == 1


def test_weekly_company_rolls_over_a_53_week_year(client):
    company = company_of_type(client, "W1")
    now = current(client, company.ID)
    assert now.year == 2026
    while now.number < 53:
        client.company.RunRequest_Insert(CompanyId=company.ID)
        now = current(client, company.ID)
    assert client.company.Company_GetCurrentPeriod(CompanyId=company.ID) == "2026-53-W1"
    client.company.RunRequest_Insert(CompanyId=company.ID)
    assert client.company.Company_GetCurrentPeriod(CompanyId=company.ID) == "2027-1-W1"
    assert (
        fault_code(
            lambda: client.employee.DaysVar_Get(
                EmployeeId=client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)[0].Id,
                Period=53,
                Year=2027,
            )
        )
        == 2006
    )
    assert date(2027, 1, 4) == first_day(PeriodType.W1, parse_period("2027-1-W1")[1])
