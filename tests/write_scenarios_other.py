"""Write-effect scenarios of leave, new employees, time registration, CompanyService and DebtorService."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from write_calls import C, Ctx, D, E, none_of, one, scenario


@scenario(f"{E}.Leave_Insert", f"{E}.Leave_Update", f"{E}.Leave_Delete")
def employee_leave(ctx: Ctx) -> None:
    emp = ctx.employee

    def listed() -> list[dict[str, Any]]:
        return (
            ctx.e("Leave_GetList_V2", EmployeeId=emp, Type="Type1", Soort="Withdrawal", Year=ctx.year) or []
        )

    day = datetime(ctx.year, ctx.period, 12)
    leave = {
        "Description": "Schrijfverlof",
        "Hours": Decimal(8),
        "UsageType": "Withdrawal",
        "Start": day,
        "End": day,
        "StartHours": Decimal(8),
        "EndHours": Decimal(8),
        "Type": "Type1",
        "Status": "Approved",
    }
    ctx.e("Leave_Insert", EmployeeId=emp, Leave=leave)
    new = one(listed(), Description="Schrijfverlof")
    ctx.ok(E, "Leave_Insert", "Leave_GetList_V2 of its year lists it")
    ctx.e("Leave_Update", EmployeeId=emp, Leave={**leave, "Hours": Decimal(4), "Id": int(new["Id"])})
    one(listed(), Id=new["Id"], Hours="4.00")
    ctx.ok(E, "Leave_Update", "the leave named by Id answers the new hours")
    ctx.e("Leave_Delete", EmployeeId=emp, LeaveId=int(new["Id"]))
    none_of(listed(), Id=new["Id"])
    ctx.ok(E, "Leave_Delete", "the id is gone")


@scenario(f"{E}.Employee_Insert", f"{E}.Employee_InsertBasedOnDefault")
def new_employees(ctx: Ctx) -> None:
    start = datetime(ctx.year, ctx.period, 1)
    new = ctx.e(
        "Employee_Insert",
        FirstName="Nieuwe",
        LastName="Schrijver",
        StartDate=start,
        CompanyId=ctx.company,
        UnprotectedMode=False,
    )
    listed = ctx.e("List_GetByCompany", CompanyId=ctx.company, EmployeeType=0)
    assert "Schrijver" in one(listed, Id=str(new))["DisplayName"]
    ctx.ok(E, "Employee_Insert", "List_GetByCompany lists the new id")
    employment = {"EmploymentId": 0, "StartDate": start, "InitialStartDate": start}
    based = ctx.e(
        "Employee_InsertBasedOnDefault",
        CompanyId=ctx.company,
        DefaultEmployeeTemplate="",
        FirstName="Kopie",
        LastName="Schrijver",
        employment=employment,
        UnprotectedMode=False,
    )
    one(ctx.e("List_GetByCompany", CompanyId=ctx.company, EmployeeType=0), Id=str(based))
    ctx.ok(E, "Employee_InsertBasedOnDefault", "List_GetByCompany lists the new id")


def _registration(ctx: Ctx, emp: int, day: int, text: str) -> dict[str, Any]:
    return {
        "DtmStart": datetime(ctx.year, ctx.period, day, 9),
        "DtmEnd": datetime(ctx.year, ctx.period, day, 17),
        "ID": 0,
        "EmployeeID": emp,
        "Status": "Open",
        "Description": text,
        "CostCenterId": 0,
        "TimeRegistrationCode": {
            "Id": 1,
            "TimeRegistrationItemTypeID": 1,
            "Description": "Gewerkt",
            "Deleted": False,
            "CalculationRule": 0,
            "HourType": True,
            "Visible": True,
        },
    }


@scenario(
    f"{E}.TimeRegistration_Insert",
    f"{E}.TimeRegistration_Insert_Batch",
    f"{E}.TimeRegistration_Delete",
    f"{E}.TimeRegistration_Clear",
    f"{E}.TimeRegistration_ClearCurrent",
)
def employee_time_registration(ctx: Ctx) -> None:
    emp = ctx.employee
    month = {"dtmStart": datetime(ctx.year, ctx.period, 1), "dtmEnd": datetime(ctx.year, ctx.period, 28, 23)}

    def listed() -> list[dict[str, Any]]:
        return ctx.e("TimeRegistration_GetList", employeeId=emp, **month) or []

    single = _registration(ctx, emp, 3, "")
    ctx.e(
        "TimeRegistration_Insert",
        timeRegistrationCode=single["TimeRegistrationCode"],
        employeeId=emp,
        dtmStart=single["DtmStart"],
        dtmEnd=single["DtmEnd"],
        costCenterId=0,
    )
    first = one(listed(), DtmStart=single["DtmStart"].isoformat())
    ctx.ok(E, "TimeRegistration_Insert", "TimeRegistration_GetList of its dates lists it")
    ctx.e(
        "TimeRegistration_Insert_Batch",
        models=[_registration(ctx, emp, 4, "a"), _registration(ctx, emp, 5, "b")],
    )
    assert len(listed()) == 3, listed()
    ctx.ok(E, "TimeRegistration_Insert_Batch", "both items are listed")
    ctx.e("TimeRegistration_Delete", timeRegistrationModelId=int(first["ID"]), employeeId=emp)
    none_of(listed(), ID=first["ID"])
    ctx.ok(E, "TimeRegistration_Delete", "the id is gone")
    ctx.e(
        "TimeRegistration_Clear",
        employeeId=emp,
        startDate=datetime(ctx.year, ctx.period, 4),
        endDate=datetime(ctx.year, ctx.period, 4, 23),
    )
    assert [r["Description"] for r in listed()] == ["b"], listed()
    ctx.ok(E, "TimeRegistration_Clear", "the registrations between the dates are gone, the others stay")
    ctx.e("TimeRegistration_ClearCurrent", employeeId=emp)
    assert listed() == [], listed()
    ctx.ok(E, "TimeRegistration_ClearCurrent", "the current period's registrations are gone")


@scenario(f"{E}.TimeSchedule_Insert", f"{E}.TimeSchedule_DeleteByID")
def employee_time_schedule(ctx: Ctx) -> None:
    emp = ctx.employee
    slot = {
        "ID": 0,
        "IntEnvironmentID": 0,
        "BlnHoursWorked": True,
        "DtmStart": datetime(1, 1, 1, 9),
        "DtmEnd": datetime(1, 1, 1, 17),
        "IntDayOfWeek": 1,
        "StrDuration": "8:00",
        "Duration": Decimal(8),
    }
    start = datetime(ctx.year, ctx.period, 1)
    new = ctx.e(
        "TimeSchedule_Insert", startDate=start, timeSlots=[slot], EmployeeId=emp, UnprotectedMode=False
    )
    item = one(ctx.e("TimeSchedule_GetAll", EmployeeId=emp), ID=str(new))
    assert item["DtmStart"] == start.isoformat() and len(item["Slots"]) == 1, item
    one(ctx.e("TimeSchedule_GetListByPeriod", EmployeeId=emp, Period=ctx.period, Year=ctx.year), ID=str(new))
    ctx.ok(E, "TimeSchedule_Insert", "TimeSchedule_GetAll and _GetListByPeriod list the new id with its slot")
    ctx.e("TimeSchedule_DeleteByID", TimeScheduleId=new, EmployeeId=emp, UnprotectedMode=False)
    none_of(ctx.e("TimeSchedule_GetAll", EmployeeId=emp), ID=str(new))
    ctx.ok(E, "TimeSchedule_DeleteByID", "the id is gone")


COMPANY_ADDRESS = {
    "Id": 0,
    "Default": True,
    "Street": "Kantoorlaan",
    "HouseNumber": "12",
    "PostalCode": "3511 AB",
    "City": "Utrecht",
    "CountryISOCode": "NL",
}


@scenario(f"{C}.Address_Insert", f"{C}.Address_Update", f"{C}.BankAccount_Insert", f"{C}.BankAccount_Update")
def company_address_and_bank(ctx: Ctx) -> None:
    company = ctx.company
    new = ctx.c("Address_Insert", CompanyId=company, Address=COMPANY_ADDRESS)
    got = ctx.c("Address_GetCurrent", CompanyId=company)
    assert (got["Id"], got["Street"]) == (str(new), "Kantoorlaan"), got
    ctx.ok(C, "Address_Insert", "Address_GetCurrent answers the new id")
    ctx.c("Address_Update", CompanyId=company, Address={"Id": new, "Default": True, "HouseNumber": "14"})
    got = ctx.c("Address_GetCurrent", CompanyId=company)
    assert (got["HouseNumber"], got["Street"], got["City"]) == ("14", "Kantoorlaan", "Utrecht"), got
    ctx.ok(C, "Address_Update", "HouseNumber changed; Street and City (left out) kept")
    bank = {
        "Id": 0,
        "Number": "NL91ABNA0417164300",
        "IBAN": "NL91ABNA0417164300",
        "BIC": "ABNANL2A",
        "Description": "Loonrekening",
        "Name": "Schrijver BV",
        "Type": "Standaard",
    }
    new = ctx.c("BankAccount_Insert", CompanyId=company, BankAccount=bank)
    got = ctx.c("BankAccount_GetCurrent", CompanyId=company)
    assert (got["Id"], got["IBAN"]) == (str(new), "NL91ABNA0417164300"), got
    ctx.ok(C, "BankAccount_Insert", "BankAccount_GetCurrent answers the new id")
    ctx.c(
        "BankAccount_Update",
        CompanyId=company,
        BankAccount={"Id": new, "Description": "Betaalrekening", "Type": "Standaard"},
    )
    got = ctx.c("BankAccount_GetCurrent", CompanyId=company)
    assert (got["Description"], got["IBAN"]) == ("Betaalrekening", "NL91ABNA0417164300"), got
    ctx.ok(C, "BankAccount_Update", "Description changed; IBAN (left out) kept")


@scenario(f"{C}.CostCenter_Insert", f"{C}.CostUnit_Insert", f"{C}.SVW_UpdateCurrent", f"{C}.WorkCost_Insert")
def company_settings(ctx: Ctx) -> None:
    company = ctx.company
    new = ctx.c(
        "CostCenter_Insert", CompanyId=company, kostenplaats={"Code": "977", "Description": "Schrijfzaal"}
    )
    one(ctx.c("CostCenter_GetList", CompanyId=company), Id=str(new), Code="977")
    ctx.ok(C, "CostCenter_Insert", "CostCenter_GetList lists the new id")
    new = ctx.c(
        "CostUnit_Insert", CompanyId=company, costunit={"Id": 0, "Code": "K9", "Description": "Drager"}
    )
    one(ctx.c("CostUnit_GetList", CompanyId=company), Id=str(new), Code="K9")
    ctx.ok(C, "CostUnit_Insert", "CostUnit_GetList lists the new id")
    before = ctx.c("SVW_GetCurrent", CompanyId=company)
    settings = {**before["SVWSettings"], "RisicoGroep": 9}
    ctx.c("SVW_UpdateCurrent", CompanyId=company, SVW={**before, "SVWSettings": settings})
    after = ctx.c("SVW_GetCurrent", CompanyId=company)
    assert after["SVWSettings"]["RisicoGroep"] == "9" and after["Sector"] == before["Sector"], after
    ctx.ok(C, "SVW_UpdateCurrent", "SVW_GetCurrent answers the new RisicoGroep; Sector kept")
    year = ctx.year

    def booked(period: int) -> Decimal:
        rows = ctx.c("WorkCost_GetList", CompanyId=company, Year=year) or []
        return sum((Decimal(r["WorkCostFinancial"]) for r in rows if r["Period"] == str(period)), Decimal(0))

    before = {p: booked(p) for p in (ctx.period, ctx.period - 1)}
    ctx.c("WorkCost_Insert", CompanyId=company, value=Decimal("250.00"), Period=ctx.period, Year=year)
    assert booked(ctx.period) == before[ctx.period] + 250, ctx.c(
        "WorkCost_GetList", CompanyId=company, Year=year
    )
    assert booked(ctx.period - 1) == before[ctx.period - 1]
    ctx.ok(C, "WorkCost_Insert", "WorkCost_GetList's WorkCostFinancial of that period grows by the value")


@scenario(f"{C}.Company_Insert", f"{C}.RunRequest_Insert", f"{C}.WageTax_SetSentExternal")
def company_entities(ctx: Ctx) -> None:
    new = ctx.c(
        "Company_Insert",
        DebtorId=ctx.debtor,
        CompanyName="Schrijver BV",
        PeriodType=1,
        DefaultCompanyId=0,
        LabourAgreementSettingsGroupGuid="00000000-0000-0000-0000-000000000000",
        PayInAdvance=False,
    )
    one(ctx.c("List_GetByDebtor", DebtorId=ctx.debtor), ID=str(new), Name="Schrijver BV")
    ctx.ok(C, "Company_Insert", "List_GetByDebtor lists the new id")
    before = ctx.c("RunRequest_GetList", CompanyId=new, Year=ctx.year) or []
    ctx.c("RunRequest_Insert", CompanyId=new)
    after = ctx.c("RunRequest_GetList", CompanyId=new, Year=ctx.year) or []
    assert len(after) == len(before) + 1, after
    ctx.ok(C, "RunRequest_Insert", "RunRequest_GetList lists one more request")
    declarations = ctx.c("WageTax_GetList", CompanyId=ctx.company, intYear=ctx.year)
    locked = next(d for d in declarations if d["Status"] != "sent")
    assert ctx.c(
        "WageTax_SetSentExternal", LoonaangifteID=int(locked["LoonaangifteID"]), CompanyId=ctx.company
    )
    after_list = ctx.c("WageTax_GetList", CompanyId=ctx.company, intYear=ctx.year)
    assert one(after_list, LoonaangifteID=locked["LoonaangifteID"])["Status"] != locked["Status"]
    ctx.ok(C, "WageTax_SetSentExternal", "WageTax_GetList answers the declaration as sent")


def _debtor_list(ctx: Ctx, family: str) -> None:
    debtor, payload = ctx.debtor, family.lower()
    new = ctx.d(
        f"{family}_Insert", DebtorId=debtor, **{payload: {"Id": 0, "Code": 987, "Description": "Schrijven"}}
    )
    one(ctx.d(f"{family}_GetList", DebtorId=debtor), Id=str(new), Code="987")
    ctx.ok(D, f"{family}_Insert", f"{family}_GetList lists the new id")
    ctx.d(f"{family}_Update", DebtorId=debtor, **{payload: {"Id": new, "Code": 987, "Description": "Lezen"}})
    one(ctx.d(f"{family}_GetList", DebtorId=debtor), Id=str(new), Description="Lezen")
    ctx.ok(D, f"{family}_Update", "the id answers the new description")
    ctx.d(f"{family}_Delete", DebtorId=debtor, id=new)
    none_of(ctx.d(f"{family}_GetList", DebtorId=debtor), Id=str(new))
    ctx.ok(D, f"{family}_Delete", "the id is gone")


@scenario(f"{D}.Department_Insert", f"{D}.Department_Update", f"{D}.Department_Delete")
def debtor_departments(ctx: Ctx) -> None:
    _debtor_list(ctx, "Department")


@scenario(f"{D}.Function_Insert", f"{D}.Function_Update", f"{D}.Function_Delete")
def debtor_functions(ctx: Ctx) -> None:
    _debtor_list(ctx, "Function")


@scenario(
    f"{D}.Title_Insert",
    f"{D}.WebhookSettings_Insert",
    f"{D}.WebhookSettings_Delete",
    f"{D}.Debtor_Insert",
    f"{D}.Debtor_Update",
)
def debtor_entities(ctx: Ctx) -> None:
    debtor = ctx.debtor
    ctx.d("Title_Insert", DebtorId=debtor, title={"TitleName": "dr. h.c."})
    one(ctx.d("Title_GetList", DebtorId=debtor), TitleName="dr. h.c.")
    ctx.ok(D, "Title_Insert", "Title_GetList lists the title")
    hook = {
        "WebhookSettingId": 0,
        "Name": "Schrijfhaak",
        "Endpoint": "https://example.nl/hook",
        "Active": True,
        "Events": [{"EventId": 1, "Active": True}],
    }
    new = ctx.d("WebhookSettings_Insert", DebtorId=debtor, WebhookSetting=hook)
    one(ctx.d("WebhookSettings_Get", DebtorId=debtor), WebhookSettingId=str(new), Name="Schrijfhaak")
    ctx.ok(D, "WebhookSettings_Insert", "WebhookSettings_Get lists the new id")
    assert ctx.d("WebhookSettings_Delete", DebtorId=debtor, WebhookSettingId=new) == "true"
    none_of(ctx.d("WebhookSettings_Get", DebtorId=debtor), WebhookSettingId=str(new))
    ctx.ok(D, "WebhookSettings_Delete", "the id is gone")
    new = ctx.d("Debtor_Insert", Debtor={"Id": 0, "Number": "W-1", "Name": "Schrijvers"})
    one(ctx.d("List_GetAll"), Id=str(new), Name="Schrijvers")
    ctx.ok(D, "Debtor_Insert", "List_GetAll lists the new id")
    ctx.d("Debtor_Update", Debtor={"Id": new, "Number": "W-1", "Name": "Lezers"})
    assert ctx.d("Debtor_Get", DebtorId=new)["Name"] == "Lezers"
    ctx.ok(D, "Debtor_Update", "Debtor_Get answers the new name")
