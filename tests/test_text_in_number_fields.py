"""A field that is text in a write type and a number in a read type (`PersonalInfo.BurgerlijkeStaat`
is a string, `PersonalInfo_V2.BurgerlijkeStaat` an int) reads back as its number, or .NET's default 0:
the write never breaks a later read (found by the contract harness)."""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsClient

EMPLOYEE = 100000


def _civil_state(client: NmbrsClient, company: int) -> int:
    infos = client.employee.PersonalInfo_GetAll_AllEmployeesByCompany(CompanyID=company)
    (mine,) = [item for item in infos if item.EmployeeId == EMPLOYEE]
    return mine.EmployeePersonalInfos.PersonalInfo_V2[-1].BurgerlijkeStaat


@pytest.mark.parametrize(("sent", "read"), [("2", 2), (" 3 ", 3), ("gehuwd", 0), ("99999999999", 0)])
def test_text_written_into_a_number_field_reads_back(client: NmbrsClient, sent: str, read: int) -> None:
    company = client.company.Company_GetCurrentByEmployeeId(EmployeeId=EMPLOYEE).ID
    current = client.employee.PersonalInfo_GetCurrent(EmployeeId=EMPLOYEE)
    current.BurgerlijkeStaat = sent
    client.employee.PersonalInfo_UpdateCurrent(EmployeeId=EMPLOYEE, PersonalInfo=current)
    assert _civil_state(client, company) == read
    assert client.employee.PersonalInfo_GetCurrent(EmployeeId=EMPLOYEE).BurgerlijkeStaat == sent
