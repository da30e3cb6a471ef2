"""Family conventions: what one call writes, the others read, in the right periods."""

from __future__ import annotations

from decimal import Decimal

import pytest
from nmbrs_client import NmbrsFault
from payloads import hour

from mock_server.domain.periods import parse_period


@pytest.fixture
def monthly(client):
    """(company id, an employee id, current period) of the first monthly company."""
    for company in client.company.List_GetAll():
        kind, period = parse_period(client.company.Company_GetCurrentPeriod(CompanyId=company.ID))
        if kind.value == "M":
            employee = client.employee.List_GetByCompany(CompanyId=company.ID, EmployeeType=0)[0].Id
            return company.ID, employee, period
    raise AssertionError("no monthly company")


def test_fixed_components_hold_until_stopped_and_variable_ones_for_one_period(client, monthly):
    _, employee, now = monthly
    nxt = now.number + 1 if now.number < 12 else 1
    nxt_year = now.year if now.number < 12 else now.year + 1
    fixed_id = client.employee.HourComponentFixed_Insert(
        EmployeeId=employee,
        Hourcomponent=hour(1, "16.00"),
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )
    client.employee.HourComponentVar_Insert(
        EmployeeId=employee,
        Hourcomponent=hour(2, "3.00"),
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )
    assert [
        h.Id for h in client.employee.HourComponentFixed_Get(EmployeeId=employee, Period=nxt, Year=nxt_year)
    ] == [fixed_id]
    assert client.employee.HourComponentVar_Get(EmployeeId=employee, Period=nxt, Year=nxt_year) is None
    client.employee.HourComponentFixed_Stop(
        EmployeeId=employee,
        Hourcomponent=hour(1, "16.00", fixed_id),
        Period=now.number,
        Year=now.year,
        UnprotectedMode=False,
    )
    assert client.employee.HourComponentFixed_Get(EmployeeId=employee, Period=nxt, Year=nxt_year) is None
    assert client.employee.HourComponentFixed_GetCurrent(EmployeeId=employee)[0].Hours == Decimal("16.00")


def test_components_update_and_delete_by_id(client, monthly):
    _, employee, _ = monthly
    component = client.employee.HourComponentVar_InsertCurrent(
        EmployeeId=employee, Hourcomponent=hour(1, "2.00")
    )
    assert (
        client.employee.HourComponent_Update(
            EmployeeId=employee,
            Hourcomponent=hour(1, "5.50", component),
            EndPeriod=0,
            EndYear=0,
            UnprotectedMode=False,
        )
        == component
    )
    assert [h.Hours for h in client.employee.HourComponentVar_GetCurrent(EmployeeId=employee)] == [
        Decimal("5.50")
    ]
    assert client.employee.HourComponent_Delete(EmployeeId=employee, HourComponentID=component) is True
    assert client.employee.HourComponentVar_GetCurrent(EmployeeId=employee) is None
    assert client.employee.HourComponent_Delete(EmployeeId=employee, HourComponentID=component) is False


def test_set_replaces_the_value_of_its_period(client, monthly):
    _, employee, now = monthly
    for days in (4, 2):
        client.employee.DaysVar_Set(
            EmployeeId=employee, Days=days, Period=now.number, Year=now.year, UnprotectedMode=False
        )
    assert client.employee.DaysVar_Get(EmployeeId=employee, Period=now.number, Year=now.year) == 2
    client.employee.DaysFixed_SetCurrent(EmployeeId=employee, Days=5)
    assert client.employee.DaysFixed_GetCurrent(EmployeeId=employee) == 5


def test_an_array_for_one_employee_replaces_the_set_from_its_period_on(client, monthly):
    company, employee, now = monthly
    centers = client.company.CostCenter_GetList(CompanyId=company)
    before = client.employee.CostCenter_GetCurrent(EmployeeId=employee)
    assert before[0].CostCenter.Id in [c.Id for c in centers]
    split = [
        {
            "Id": 0,
            "CostCenter": {"Code": c.Code, "Description": c.Description, "Id": c.Id},
            "Percentage": Decimal(share),
            "Default": share == "60",
        }
        for c, share in zip(centers[1:], ("60", "40"), strict=True)
    ]
    client.employee.CostCenter_UpdateCurrent(EmployeeId=employee, CostCenters={"EmployeeCostCenter": split})
    assert [c.Percentage for c in client.employee.CostCenter_GetCurrent(EmployeeId=employee)] == [
        Decimal("60"),
        Decimal("40"),
    ]
    everyone = client.employee.CostCenter_GetAllEmployeesByCompany(
        CompanyId=company, Period=now.number, Year=now.year
    )
    mine = next(item for item in everyone if item.EmployeeId == employee)
    assert [c.Percentage for c in mine.CostCenters.EmployeeCostCenter] == [Decimal("60"), Decimal("40")]
    earlier = client.employee.CostCenter_Get(EmployeeId=employee, Period=now.number - 1, Year=now.year)
    assert [c.Percentage for c in earlier] == [before[0].Percentage]


def test_history_reads_pick_the_record_of_the_period(client, monthly):
    _, employee, now = monthly
    seeded = client.employee.Address_GetListCurrent(EmployeeId=employee)
    assert seeded and all(a.City != "Utrecht" for a in seeded)
    address = {
        "Id": 0,
        "Default": True,
        "Street": "Nieuwe Gracht",
        "HouseNumber": "12",
        "PostalCode": "3512 LT",
        "City": "Utrecht",
        "CountryISOCode": "NL",
        "Type": "HomeAddress",
    }
    client.employee.Address_InsertCurrent(EmployeeId=employee, Address=address)
    current = client.employee.Address_GetListCurrent(EmployeeId=employee)
    assert [a.City for a in current] == [a.City for a in seeded] + ["Utrecht"]
    earlier = client.employee.Address_GetList(EmployeeId=employee, Period=now.number - 1, Year=now.year)
    assert [a.Id for a in earlier] == [a.Id for a in seeded]


def test_an_unknown_id_changes_nothing(client, monthly):
    _, employee, _ = monthly
    before = client.employee.Address_GetListCurrent(EmployeeId=employee)
    unknown = {
        "Id": 424242,
        "Default": True,
        "Street": "Nergens",
        "HouseNumber": "1",
        "PostalCode": "1000 AA",
        "City": "Nergens",
        "CountryISOCode": "NL",
        "Type": "HomeAddress",
    }
    client.employee.Address_Update(EmployeeId=employee, Address=unknown)
    assert (
        client.employee.HourComponent_Update(
            EmployeeId=employee,
            Hourcomponent=hour(1, "1.00", 424242),
            EndPeriod=0,
            EndYear=0,
            UnprotectedMode=False,
        )
        == 0
    )
    after = client.employee.Address_GetListCurrent(EmployeeId=employee)
    assert [(a.Id, a.City) for a in after] == [(a.Id, a.City) for a in before]


def test_changing_a_record_of_a_past_period_needs_unprotected_mode(client, monthly):
    _, employee, now = monthly
    past = client.employee.HourComponentVar_Insert(
        EmployeeId=employee,
        Hourcomponent=hour(1, "2.00"),
        Period=now.number - 1,
        Year=now.year,
        UnprotectedMode=True,
    )

    def update(code: int, hours: str, unprotected: bool) -> int:
        return client.employee.HourComponent_Update(
            EmployeeId=employee,
            Hourcomponent=hour(code, hours, past),
            EndPeriod=0,
            EndYear=0,
            UnprotectedMode=unprotected,
        )

    for code, unprotected, fault in ((1, False, 2011), (999, True, 2001)):  # past period; unknown hour code
        with pytest.raises(NmbrsFault) as refused:
            update(code, "9.00", unprotected)
        assert refused.value.code == fault
    hours = client.employee.HourComponentVar_Get(EmployeeId=employee, Period=now.number - 1, Year=now.year)
    assert [(h.HourCode, h.Hours) for h in hours] == [(1, Decimal("2.00"))]
    assert update(2, "9.00", True) == past
