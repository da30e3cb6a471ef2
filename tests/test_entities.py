"""Debtors, companies and employees created through the API behave like the seeded ones."""

from __future__ import annotations

from datetime import datetime

import pytest
from nmbrs_client import NmbrsFault

from mock_server.domain.periods import first_day, parse_period


def test_an_inserted_employee_has_personal_info_employment_and_service(client):
    company = client.company.List_GetAll()[0]
    kind, now = parse_period(client.company.Company_GetCurrentPeriod(CompanyId=company.ID))
    numbers = [e.Number for e in client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)]
    employee = client.employee.Employee_Insert(
        FirstName="Fenna",
        LastName="Bakker",
        StartDate=datetime(1, 1, 1),
        CompanyId=company.ID,
        UnprotectedMode=False,
    )
    listed = client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)
    assert (listed[-1].Id, listed[-1].Number, listed[-1].DisplayName) == (
        employee,
        max(numbers) + 1,
        "Fenna Bakker",
    )
    info = client.employee.PersonalInfo_GetCurrent(EmployeeId=employee)
    assert (info.FirstName, info.LastName, info.EmployeeNumber) == ("Fenna", "Bakker", max(numbers) + 1)
    start = datetime.combine(first_day(kind, now), datetime.min.time())  # no start date: the current period's
    assert [s.Start for s in client.employee.Service_GetList(EmployeeId=employee)] == [start]
    assert client.employee.Employee_GetCurrent(EmployeeId=employee) == f"{now.year}-{now.number}-{kind.value}"


def insert_company(client, debtor_id: int, name: str, period_type: int) -> int:
    return client.company.Company_Insert(
        DebtorId=debtor_id,
        CompanyName=name,
        PeriodType=period_type,
        DefaultCompanyId=0,
        LabourAgreementSettingsGroupGuid="00000000-0000-0000-0000-000000000000",
        PayInAdvance=False,
    )


def test_an_inserted_company_starts_in_the_environments_current_period(client):
    debtor = client.debtor.List_GetAll()[0]
    existing = client.company.List_GetAll()
    weekly = insert_company(client, debtor.Id, "Nieuwe Vestiging B.V.", period_type=3)
    assert weekly not in [c.ID for c in existing]
    names = {c.ID: c.Name for c in client.company.List_GetByDebtor(DebtorId=debtor.Id)}
    assert names[weekly] == "Nieuwe Vestiging B.V."
    assert client.company.Company_GetCurrentPeriod(CompanyId=weekly) == "2026-47-W1"  # 16 November 2026
    with pytest.raises(NmbrsFault) as refused:  # an unknown period type is refused, nothing is created
        insert_company(client, debtor.Id, "X", period_type=9)
    assert refused.value.code == 2030
    assert len(client.company.List_GetAll()) == len(existing) + 1


def test_debtors_insert_update_and_find_by_number(client):
    new = client.debtor.Debtor_Insert(Debtor={"Id": 0, "Number": "D-77", "Name": "Klant 77"})
    client.debtor.Debtor_Update(Debtor={"Id": new, "Number": "D-78", "Name": "Klant 78"})
    found = client.debtor.List_GetByNumber(Number="D-78")
    assert [(d.Id, d.Name) for d in found] == [(new, "Klant 78")]
    assert client.debtor.Debtor_Get(DebtorId=new).Number == "D-78"
