"""Leave balances (issue 11 class 9): the contract's entitlement, moved by hours exported on the leave
hour code and by leave written through the leave operations; the leave-balance annual document agrees."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from payloads import hour
from pdf_text import after, pdf_strings

from mock_server.domain.leave import entitlement

CENT = Decimal("0.01")


def monthly_company(client):
    for company in client.company.List_GetAll():
        if client.company.Company_GetCurrentPeriod(CompanyId=company.ID).endswith("-M"):
            return company.ID
    raise AssertionError("no monthly company")


def leave_code(client, company: int) -> int:
    codes = client.company.HourModel_GetHourCodes(CompanyId=company)
    return next(c.Code for c in codes if c.Description == "Verlofuren")


def contracted(client, company: int, number_parity: int = 0):
    """An employee (even numbers have seeded leave) with contract hours, and its contract."""
    numbers = {e.Id: e.Number for e in client.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)}
    for item in client.employee.Contract_GetAll_AllEmployeesByCompany(CompanyID=company):
        contracts = item.EmployeeContracts.EmployeeContract if item.EmployeeContracts else []
        if contracts and contracts[-1].HoursPerWeek and numbers[item.EmployeeId] % 2 == number_parity:
            return item.EmployeeId, numbers[item.EmployeeId], contracts[-1]
    raise AssertionError("no employee with contract hours")


def balance(client, employee: int) -> tuple[Decimal, Decimal]:
    result = client.employee.LeaveBalance_Get(EmployeeId=employee)
    return result.DecMedewerkerVerlofStartSaldo, result.DecMedewerkerVerlofCurrSaldo


def taken(client, employee: int, year: int) -> Decimal:
    leave = (
        client.employee.Leave_GetList(EmployeeId=employee, Type="Undefined", Soort="Withdrawal", Year=year)
        or []
    )
    return sum((item.Hours for item in leave if item.Status != "Rejected"), Decimal(0))


def expected_entitlement(contract, year: int) -> Decimal:
    """4 × weekly hours (+1 × for an indefinite contract), pro rata to the contract's days in the year."""
    start = max(contract.StartDate.date(), date(year, 1, 1))
    fraction = Decimal((date(year, 12, 31) - start).days + 1) / Decimal(
        (date(year, 12, 31) - date(year, 1, 1)).days + 1
    )
    weeks = [Decimal(4), Decimal(1) if contract.Indefinite else Decimal(0)]
    return sum(
        ((w * contract.HoursPerWeek * fraction).quantize(CENT, ROUND_HALF_UP) for w in weeks), Decimal(0)
    )


def test_balances_start_from_the_contract_and_seeded_leave_is_taken(client):
    company = monthly_company(client)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    for parity in (0, 1):
        employee, _, contract = contracted(client, company, parity)
        start, current = balance(client, employee)
        assert start == expected_entitlement(contract, year) > 0
        assert current == start - taken(client, employee, year)
    employee, _, _ = contracted(client, company, 0)
    start, current = balance(client, employee)
    listed = client.employee.Leave_GetList_V2(
        EmployeeId=employee, Type="Undefined", Soort="Withdrawal", Year=year
    )
    assert any(item.Description.startswith("Verlofuren") for item in listed), (
        "exported leave hours are listed"
    )
    per_type = client.employee.LeaveBalance_GetPerType(EmployeeId=employee, LeaveType="Type1")
    extra = client.employee.LeaveBalance_GetPerType(EmployeeId=employee, LeaveType="Type2")
    assert per_type.OpeningBalance + extra.OpeningBalance == start
    assert per_type.CurrentBalance + extra.CurrentBalance == current


def test_exported_leave_hours_reduce_the_balance_and_clearing_gives_them_back(client):
    company = monthly_company(client)
    code = leave_code(client, company)
    employee, _, _ = contracted(client, company, 1)
    start, before = balance(client, employee)
    client.employee.HourComponentVar_InsertCurrent(EmployeeId=employee, Hourcomponent=hour(code, "16.00"))
    client.employee.HourComponentVar_InsertCurrent(EmployeeId=employee, Hourcomponent=hour(1, "40.00"))
    assert balance(client, employee) == (start, before - Decimal(16))  # worked hours do not count
    client.employee.HourComponentVar_ClearCurrent(EmployeeId=employee)
    assert balance(client, employee) == (start, before)
    fixed_id = client.employee.HourComponentFixed_InsertCurrent(
        EmployeeId=employee, Hourcomponent=hour(code, "4.00")
    )
    assert balance(client, employee)[1] == before - Decimal(4)  # a fixed component counts each period so far
    assert client.employee.HourComponent_Delete(EmployeeId=employee, HourComponentID=fixed_id)
    assert balance(client, employee)[1] == before


def test_leave_written_through_the_leave_operations_moves_the_balance(client):
    company = monthly_company(client)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    employee, _, _ = contracted(client, company, 1)
    start, before = balance(client, employee)

    def leave(hours: str, usage: str = "Withdrawal", status: str = "Approved", **extra):
        return {
            "Description": "Test",
            "Hours": Decimal(hours),
            "UsageType": usage,
            "Start": datetime(year, 3, 2),
            "End": datetime(year, 3, 3),
            "StartHours": Decimal(0),
            "EndHours": Decimal(0),
            "Type": "Type1",
            "Status": status,
            **extra,
        }

    client.employee.Leave_Insert(EmployeeId=employee, Leave=leave("12.00"))
    assert balance(client, employee)[1] == before - 12
    client.employee.Leave_Insert(EmployeeId=employee, Leave=leave("5.00", status="Rejected"))
    client.employee.Leave_Insert(EmployeeId=employee, Leave=leave("3.00", usage="Store"))
    assert balance(client, employee) == (start, before - 12 + 3)
    mine = [
        i
        for i in client.employee.Leave_GetList_V2(
            EmployeeId=employee, Type="Type1", Soort="Withdrawal", Year=year
        )
        if i.Description == "Test"
    ]
    assert sorted(i.Hours for i in mine) == [Decimal("5.00"), Decimal("12.00")]
    twelve = next(i for i in mine if i.Hours == 12)
    client.employee.Leave_Update(EmployeeId=employee, Leave=leave("8.00", Id=twelve.Id))
    assert balance(client, employee)[1] == before - 8 + 3
    assert "deleted" in client.employee.Leave_Delete(EmployeeId=employee, LeaveId=twelve.Id)
    assert balance(client, employee)[1] == before + 3
    assert "not found" in client.employee.Leave_Delete(EmployeeId=employee, LeaveId=twelve.Id)
    assert (
        client.employee.Leave_GetList(EmployeeId=employee, Type="Undefined", Soort="Store", Year=year)[
            0
        ].Hours
        == 3
    )


def test_the_leave_balance_annual_document_shows_the_same_figures(client):
    company = monthly_company(client)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    employee, number, _ = contracted(client, company, 0)
    client.employee.HourComponentVar_InsertCurrent(
        EmployeeId=employee, Hourcomponent=hour(leave_code(client, company), "6.00")
    )
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    pdf = client.company.SalaryDocuments_AnnualDocument_LeaveSaldos(CompanyId=company, RunId=run, Year=year)
    texts = pdf_strings(pdf)
    row = next(t for t in texts if t.startswith(f"{number} "))
    start, current = balance(client, employee)
    shown = [after(texts, row, skip=n)[0] for n in range(3)]
    fmt = lambda d: f"{d:.2f}".replace(".", ",")  # noqa: E731
    assert shown == [fmt(start), fmt(start - current), fmt(current)]


def test_entitlement_is_pro_rata_and_zero_hours_accrue_nothing():
    contract = {"HoursPerWeek": Decimal("38.00"), "Indefinite": True, "StartDate": datetime(2026, 7, 2)}
    granted = entitlement(contract, 2026)
    days = (date(2026, 12, 31) - date(2026, 7, 2)).days + 1
    assert granted["Type1"] == (4 * Decimal(38) * days / 365).quantize(CENT, ROUND_HALF_UP)
    assert granted["Type2"] == (Decimal(38) * days / 365).quantize(CENT, ROUND_HALF_UP)
    assert entitlement({**contract, "StartDate": datetime(2020, 1, 1)}, 2026)["Type1"] == Decimal("152.00")
    assert sum(entitlement({**contract, "HoursPerWeek": Decimal(0)}, 2026).values()) == 0
    assert entitlement({**contract, "Indefinite": False}, 2026)["Type2"] == 0


@pytest.mark.parametrize("leave_type", ["Type3", "Type4"])
def test_other_leave_types_start_empty(client, leave_type):
    employee, _, _ = contracted(client, monthly_company(client), 1)
    result = client.employee.LeaveBalance_GetPerType(EmployeeId=employee, LeaveType=leave_type)
    assert (result.OpeningBalance, result.CurrentBalance) == (0, 0)
