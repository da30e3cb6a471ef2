"""The largest decimal a .NET client can send (29 digits) is stored, read back and computed with: no 9999
(found by the contract harness's deep profile: rounding it to the cent overflowed Python's 28 digits)."""

from __future__ import annotations

from decimal import Decimal

from nmbrs_client import NmbrsClient
from nmbrs_faults import fault_code

DOTNET_MAX = Decimal("79228162514264337593543950335")
COMPANY = 10000


def test_work_cost_of_the_largest_decimal_reads_back(client: NmbrsClient) -> None:
    client.company.WorkCost_Insert(CompanyId=COMPANY, value=DOTNET_MAX, Period=3, Year=2027)
    listed = client.company.WorkCost_GetList(CompanyId=COMPANY, Year=2027)
    assert [w.WorkCostFinancial for w in listed if w.Period == 3] == [DOTNET_MAX]


def test_a_run_over_the_largest_wage_component_computes(client: NmbrsClient) -> None:
    employee = client.employee.List_GetByCompany(CompanyId=COMPANY, EmployeeType=0)[0].Id
    client.employee.WageComponentVar_InsertCurrent(
        EmployeeId=employee, WageComponent={"Id": 0, "Code": 1, "Value": DOTNET_MAX}
    )
    assert fault_code(lambda: client.company.RunRequest_Insert(CompanyId=COMPANY)) is None
    runs = client.company.Run_GetList(CompanyId=COMPANY, Year=2026)
    assert (
        runs and fault_code(lambda: client.company.WageTax_GetList(CompanyId=COMPANY, intYear=2026)) is None
    )
