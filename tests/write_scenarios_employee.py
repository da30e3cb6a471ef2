"""Write-effect scenarios of EmployeeService: each write, then a read of its family that shows the effect."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from write_calls import Ctx, E, none_of, one, scenario


def _day(ctx: Ctx, day: int = 1, month: int | None = None, year: int | None = None) -> datetime:
    return datetime(year or ctx.year, month or ctx.period, day)


def _text(value: datetime) -> str:
    return value.isoformat()


ADDRESS = {
    "Id": 0,
    "Default": False,
    "Street": "Schrijfstraat",
    "HouseNumber": "7",
    "PostalCode": "1011 AB",
    "City": "Amsterdam",
    "CountryISOCode": "NL",
    "Type": "PostAddress",
}


@scenario(f"{E}.Address_Insert", f"{E}.Address_InsertCurrent", f"{E}.Address_Update", f"{E}.Address_Delete")
def employee_address(ctx: Ctx) -> None:
    emp, period, year = ctx.employee, ctx.period, ctx.year
    new = ctx.e(
        "Address_Insert", EmployeeId=emp, Address=ADDRESS, Period=period, Year=year, UnprotectedMode=False
    )
    one(ctx.e("Address_GetList", EmployeeId=emp, Period=period, Year=year), Id=new, Street="Schrijfstraat")
    ctx.ok(E, "Address_Insert", "the new id is listed by Address_GetList for its period")
    current = ctx.e("Address_InsertCurrent", EmployeeId=emp, Address={**ADDRESS, "Street": "Huidigstraat"})
    one(ctx.e("Address_GetListCurrent", EmployeeId=emp), Id=current, Street="Huidigstraat")
    ctx.ok(E, "Address_InsertCurrent", "the new id is listed by Address_GetListCurrent")
    ctx.e(
        "Address_Update",
        EmployeeId=emp,
        Address={"Id": new, "Default": False, "Type": "PostAddress", "Street": "Nieuwstraat"},
    )
    item = one(ctx.e("Address_GetListCurrent", EmployeeId=emp), Id=new)
    assert (item["Street"], item["HouseNumber"], item["City"]) == ("Nieuwstraat", "7", "Amsterdam"), item
    ctx.ok(E, "Address_Update", "Street changed; HouseNumber and City (left out) kept")
    assert ctx.e("Address_Delete", EmployeeId=emp, AddressID=new) == "true"
    none_of(ctx.e("Address_GetListCurrent", EmployeeId=emp), Id=new)
    ctx.ok(E, "Address_Delete", "the id is no longer listed")


BANK = {
    "Id": 0,
    "Number": "NL91ABNA0417164300",
    "IBAN": "NL91ABNA0417164300",
    "BIC": "ABNANL2A",
    "Description": "Spaarrekening",
    "Name": "Schrijver",
    "Type": "Standaard",
}


@scenario(f"{E}.BankAccount_Insert", f"{E}.BankAccount_InsertCurrent", f"{E}.BankAccount_DeleteCurrent")
def employee_bank_account(ctx: Ctx) -> None:
    emp = ctx.employee
    new = ctx.e(
        "BankAccount_Insert",
        EmployeeId=emp,
        BankAccount=BANK,
        period=ctx.period,
        year=ctx.year,
        UnprotectedMode=False,
    )
    one(ctx.e("BankAccount_GetList", EmployeeId=emp, Period=ctx.period, Year=ctx.year), Id=new)
    ctx.ok(E, "BankAccount_Insert", "the new id is listed by BankAccount_GetList for its period")
    current = ctx.e(
        "BankAccount_InsertCurrent", EmployeeId=emp, BankAccount={**BANK, "Description": "Tweede"}
    )
    one(ctx.e("BankAccount_GetListCurrent", EmployeeId=emp), Id=current, Description="Tweede")
    ctx.ok(E, "BankAccount_InsertCurrent", "the new id is listed by BankAccount_GetListCurrent")
    ctx.e("BankAccount_DeleteCurrent", EmployeeId=emp, BankAccountID=current)
    none_of(ctx.e("BankAccount_GetListCurrent", EmployeeId=emp), Id=current)
    ctx.ok(E, "BankAccount_DeleteCurrent", "the id is no longer listed")


CHILD = {
    "Id": 0,
    "Name": "Schrijver",
    "FirstName": "Sam",
    "Initials": "S.",
    "Gender": "male",
    "Birthday": datetime(2020, 5, 4),
}


@scenario(f"{E}.Children_Insert", f"{E}.Children_InsertBatch", f"{E}.Children_Update", f"{E}.Child_Delete")
def employee_children(ctx: Ctx) -> None:
    emp = ctx.employee
    new = int(ctx.e("Children_Insert", EmployeeId=emp, child=CHILD))
    one(ctx.e("Children_Get", EmployeeId=emp)["EmployeeChildren"], Id=str(new), FirstName="Sam")
    ctx.ok(E, "Children_Insert", "the answered id is in Children_Get")
    ctx.e(
        "Children_InsertBatch",
        EmployeeId=emp,
        children=[{**CHILD, "FirstName": "Ada"}, {**CHILD, "FirstName": "Bo"}],
    )
    children = ctx.e("Children_Get", EmployeeId=emp)["EmployeeChildren"]
    one(children, FirstName="Ada"), one(children, FirstName="Bo")
    ctx.ok(E, "Children_InsertBatch", "both children are in Children_Get")
    ctx.e(
        "Children_Update",
        EmployeeId=emp,
        child={"Id": new, "FirstName": "Samuel", "Gender": "male", "Birthday": datetime(2020, 5, 4)},
    )
    child = one(ctx.e("Children_Get", EmployeeId=emp)["EmployeeChildren"], Id=str(new))
    assert (child["FirstName"], child["Name"], child["Initials"]) == ("Samuel", "Schrijver", "S."), child
    ctx.ok(E, "Children_Update", "FirstName changed; Name and Initials (left out) kept")
    ctx.e("Child_Delete", EmployeeId=emp, ChildId=new)
    none_of(ctx.e("Children_Get", EmployeeId=emp)["EmployeeChildren"], Id=str(new))
    ctx.ok(E, "Child_Delete", "the child is gone from Children_Get")


def _contract(ctx: Ctx, hours: str, start: datetime) -> dict[str, object]:
    return {
        "ContractID": 0,
        "StartDate": start,
        "EndDate": datetime(ctx.year + 1, 6, 30),
        "EmployementType": 1,
        "EmploymentSequenceTaxId": 1,
        "Indefinite": False,
        "PhaseClassification": 0,
        "WrittenContract": True,
        "HoursPerWeek": Decimal(hours),
    }


@scenario(
    f"{E}.Contract_Insert",
    f"{E}.Contract_InsertCurrentPeriod",
    f"{E}.Contract_Update",
    f"{E}.Contract_Delete",
)
def employee_contract(ctx: Ctx) -> None:
    emp = ctx.employee
    start = _day(ctx, 15)
    new = ctx.e(
        "Contract_Insert", EmployeeId=emp, EmployeeContract=_contract(ctx, "36", start), UnprotectedMode=False
    )
    one(
        ctx.e("Contract_GetAll", EmployeeId=emp), ContractID=new, HoursPerWeek="36.00", StartDate=_text(start)
    )
    ctx.ok(E, "Contract_Insert", "the new ContractID is in Contract_GetAll with its hours and start")
    current = ctx.e(
        "Contract_InsertCurrentPeriod", EmployeeId=emp, EmployeeContract=_contract(ctx, "20", start)
    )
    one(ctx.e("Contract_GetAll", EmployeeId=emp), ContractID=current, HoursPerWeek="20.00")
    ctx.ok(E, "Contract_InsertCurrentPeriod", "the new ContractID is in Contract_GetAll")
    update = {
        "ContractID": new,
        "StartDate": datetime(ctx.year - 3, 1, 1),
        "EmployementType": 1,
        "EmploymentSequenceTaxId": 1,
        "PhaseClassification": 0,
        "WrittenContract": True,
        "HoursPerWeek": Decimal("30"),
    }
    ctx.e("Contract_Update", EmployeeId=emp, EmployeeContract=update, UnprotectedMode=False)
    item = one(ctx.e("Contract_GetAll", EmployeeId=emp), ContractID=new)
    one(
        [item],
        HoursPerWeek="30",
        StartDate=_text(start),
        EndDate=f"{ctx.year + 1}-06-30T00:00:00",
        Indefinite="false",
    )
    ctx.ok(
        E,
        "Contract_Update",
        "HoursPerWeek changed; StartDate ignored (as Nmbrs); EndDate, Indefinite (nil) kept",
    )
    ctx.e("Contract_Delete", EmployeeId=emp, Id=new)
    none_of(ctx.e("Contract_GetAll", EmployeeId=emp), ContractID=new)
    ctx.ok(E, "Contract_Delete", "the ContractID is gone from Contract_GetAll")


def _cost_centers(code: str) -> list[dict[str, object]]:
    return [
        {
            "Id": 0,
            "CostCenter": {"Code": code, "Description": f"Kostenplaats {code}"},
            "Kostensoort": {"Code": "4000", "Description": "Lonen en salarissen"},
            "Percentage": Decimal(100),
            "Default": True,
        }
    ]


@scenario(f"{E}.CostCenter_UpdateCurrent", f"{E}.CostCenter_Update")
def employee_cost_centers(ctx: Ctx) -> None:
    emp = ctx.employee
    ctx.e("CostCenter_UpdateCurrent", EmployeeId=emp, CostCenters=_cost_centers("901"))
    current = ctx.e("CostCenter_GetCurrent", EmployeeId=emp)
    assert [c["CostCenter"]["Code"] for c in current] == ["901"], current
    ctx.ok(E, "CostCenter_UpdateCurrent", "CostCenter_GetCurrent answers exactly the new set")
    period, year = ctx.next_period
    ctx.e("CostCenter_Update", EmployeeId=emp, CostCenteren=_cost_centers("902"), Period=period, Year=year)
    later = ctx.e("CostCenter_Get", EmployeeId=emp, Period=period, Year=year)
    now = ctx.e("CostCenter_GetCurrent", EmployeeId=emp)
    assert [c["CostCenter"]["Code"] for c in later] == ["902"], later
    assert [c["CostCenter"]["Code"] for c in now] == ["901"], now
    ctx.ok(
        E,
        "CostCenter_Update",
        "CostCenter_Get of the period answers the new set; the period before keeps its own",
    )


@scenario(
    f"{E}.DaysFixed_Set", f"{E}.DaysFixed_SetCurrent", f"{E}.DaysFixed_Set_Batch", f"{E}.DaysFixed_Stop"
)
def employee_days_fixed(ctx: Ctx) -> None:
    emp, (nxt, nxt_year) = ctx.employee, ctx.next_period
    ctx.e("DaysFixed_SetCurrent", EmployeeId=emp, Days=17)
    assert ctx.e("DaysFixed_GetCurrent", EmployeeId=emp) == "17"
    ctx.ok(E, "DaysFixed_SetCurrent", "DaysFixed_GetCurrent answers the days")
    batch = [{"EmployeeId": emp, "Days": 19, "Period": ctx.period, "Year": ctx.year}]
    ctx.e("DaysFixed_Set_Batch", EmployeesDaysWorked=batch, UnprotectedMode=False)
    assert ctx.e("DaysFixed_GetCurrent", EmployeeId=emp) == "19"
    ctx.ok(E, "DaysFixed_Set_Batch", "the item's period answers its days (replaced)")
    ctx.e("DaysFixed_Stop", EmployeeId=emp, Period=ctx.period, Year=ctx.year, UnprotectedMode=False)
    assert ctx.e("DaysFixed_GetCurrent", EmployeeId=emp) == "19"
    assert ctx.e("DaysFixed_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) == "0"
    ctx.ok(E, "DaysFixed_Stop", "the given period still answers the days, the next answers 0")
    ctx.e("DaysFixed_Set", EmployeeId=emp, Days=18, Period=nxt, Year=nxt_year, UnprotectedMode=False)
    assert ctx.e("DaysFixed_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) == "18"
    assert ctx.e("DaysFixed_GetCurrent", EmployeeId=emp) == "19"
    ctx.ok(
        E, "DaysFixed_Set", "DaysFixed_Get of the period answers the days; the period before keeps its own"
    )


@scenario(
    f"{E}.DaysVar_Set",
    f"{E}.DaysVar_SetCurrent",
    f"{E}.DaysVar_Set_Batch",
    f"{E}.DaysVarWorked_Set",
    f"{E}.DaysVarWorked_SetCurrent",
)
def employee_days_var(ctx: Ctx) -> None:
    emp, (nxt, nxt_year) = ctx.employee, ctx.next_period
    ctx.e("DaysVar_SetCurrent", EmployeeId=emp, Days=11)
    assert ctx.e("DaysVar_GetCurrent", EmployeeId=emp) == "11"
    ctx.ok(E, "DaysVar_SetCurrent", "DaysVar_GetCurrent answers the days")
    ctx.e("DaysVar_Set", EmployeeId=emp, Days=12, Period=nxt, Year=nxt_year, UnprotectedMode=False)
    assert ctx.e("DaysVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) == "12"
    ctx.ok(E, "DaysVar_Set", "DaysVar_Get of the period answers the days")
    batch = [
        {"EmployeeId": emp, "Days": 13, "Period": ctx.period, "Year": ctx.year},
        {"EmployeeId": emp, "Days": 15, "Period": nxt, "Year": nxt_year},  # each item names its own period
    ]
    ctx.e("DaysVar_Set_Batch", EmployeesDaysWorked=batch, UnprotectedMode=False)
    assert ctx.e("DaysVar_GetCurrent", EmployeeId=emp) == "13"
    assert ctx.e("DaysVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) == "15"
    ctx.ok(E, "DaysVar_Set_Batch", "each item's period answers its days (replaced, not added)")
    ctx.e("DaysVarWorked_SetCurrent", EmployeeId=emp, Days=14, PlusMinusDaysForWageComp=2)
    worked = ctx.e("DaysVarWorked_GetCurrent", EmployeeId=emp)
    assert (worked["Days"], worked["PlusMinusDaysForWageComp"]) == ("14", "2"), worked
    ctx.ok(E, "DaysVarWorked_SetCurrent", "DaysVarWorked_GetCurrent answers both numbers")
    ctx.e(
        "DaysVarWorked_Set",
        EmployeeId=emp,
        Days=15,
        PlusMinusDaysForWageComp=-1,
        Period=nxt,
        Year=nxt_year,
        UnprotectedMode=False,
    )
    worked = ctx.e("DaysVarWorked_Get", EmployeeId=emp, Period=nxt, Year=nxt_year)
    assert (worked["Days"], worked["PlusMinusDaysForWageComp"]) == ("15", "-1"), worked
    ctx.ok(E, "DaysVarWorked_Set", "DaysVarWorked_Get of the period answers both numbers")


@scenario(f"{E}.Department_UpdateCurrent")
def employee_department(ctx: Ctx) -> None:
    current = ctx.e("Department_GetCurrent", EmployeeId=ctx.employee)
    other = next(d for d in ctx.d("Department_GetList", DebtorId=ctx.debtor) if d["Code"] != current["Code"])
    ctx.e("Department_UpdateCurrent", EmployeeId=ctx.employee, DepartmentId=int(other["Id"]))
    after = ctx.e("Department_GetCurrent", EmployeeId=ctx.employee)
    assert (after["Code"], after["Description"]) == (other["Code"], other["Description"]), after
    ctx.ok(E, "Department_UpdateCurrent", "Department_GetCurrent answers the debtor's department named by id")


@scenario(f"{E}.Function_UpdateCurrent", f"{E}.Function_Update")
def employee_function(ctx: Ctx) -> None:
    emp = ctx.employee
    current = ctx.e("Function_GetCurrent", EmployeeId=emp)
    others = [f for f in ctx.d("Function_GetList", DebtorId=ctx.debtor) if f["Code"] != current["Code"]]
    ctx.e("Function_UpdateCurrent", EmployeeId=emp, FunctionId=int(others[0]["Id"]))
    after = ctx.e("Function_GetCurrent", EmployeeId=emp)
    assert (after["Code"], after["Description"]) == (others[0]["Code"], others[0]["Description"]), after
    ctx.ok(E, "Function_UpdateCurrent", "Function_GetCurrent answers the debtor's function named by id")
    period, year = ctx.next_period
    ctx.e("Function_Update", EmployeeId=emp, FunctionId=int(others[1]["Id"]), Period=period, Year=year)
    items = ctx.e("Function_GetAll_AllEmployeesByCompany", CompanyID=ctx.company)
    history = one(items, EmployeeId=str(emp))["EmployeeFunctions"]
    latest = max(history, key=lambda f: (int(f["StartYear"]), int(f["StartPeriod"])))
    assert (latest["Code"], latest["StartPeriod"]) == (others[1]["Code"], str(period)), history
    assert ctx.e("Function_GetCurrent", EmployeeId=emp)["Code"] == others[0]["Code"]
    ctx.ok(
        E,
        "Function_Update",
        "the history holds the function from the given period; the current keeps its own",
    )


@scenario(f"{E}.LabourAgreements_UpdateCurrent", f"{E}.LabourAgreements_Update")
def employee_labour_agreement(ctx: Ctx) -> None:
    emp = ctx.employee
    settings = ctx.d("LabourAgreementSettings_GetList", DebtorId=ctx.debtor, Year=ctx.year, Period=ctx.period)
    current = ctx.e("LabourAgreements_GetCurrent", EmployeeId=emp)
    others = [s for s in settings if s["Guid"] != current["Guid"]] or settings
    ctx.e(
        "LabourAgreements_UpdateCurrent", labourAgreementSettingsGroupGuid=others[0]["Guid"], EmployeeId=emp
    )
    after = ctx.e("LabourAgreements_GetCurrent", EmployeeId=emp)
    assert (after["Guid"], after["Description"]) == (others[0]["Guid"], others[0]["StrName"]), after
    ctx.ok(
        E,
        "LabourAgreements_UpdateCurrent",
        "LabourAgreements_GetCurrent answers the settings group named by guid",
    )
    period, year = ctx.next_period
    ctx.e(
        "LabourAgreements_Update",
        labourAgreementSettingsGroupGuid=settings[0]["Guid"],
        EmployeeId=emp,
        Period=period,
        Year=year,
    )
    later = ctx.e("LabourAgreements_Get", EmployeeId=emp, Period=period, Year=year)
    assert later["Guid"] == settings[0]["Guid"], later
    ctx.ok(E, "LabourAgreements_Update", "LabourAgreements_Get of the period answers the group named by guid")


@scenario(f"{E}.Employment_UpdateEmploymentInitialStartDate")
def employee_employment(ctx: Ctx) -> None:
    initial = datetime(ctx.year - 6, 3, 1)
    ctx.e("Employment_UpdateEmploymentInitialStartDate", EmployeeId=ctx.employee, InitialStartDate=initial)
    items = ctx.e("Employment_GetAll_AllEmployeesByCompany", CompanyID=ctx.company)
    employments = one(items, EmployeeId=str(ctx.employee))["EmployeeEmployments"]
    assert employments[-1]["InitialStartDate"] == _text(initial), employments
    ctx.ok(
        E, "Employment_UpdateEmploymentInitialStartDate", "the employment answers the new InitialStartDate"
    )
