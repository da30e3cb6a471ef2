"""Write-effect scenarios of the hour and wage components (fixed: from a period on; variable: one period)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from write_calls import C, Ctx, E, none_of, one, scenario


def _hour(code: int, hours: str, **extra: Any) -> dict[str, Any]:
    return {"Id": 0, "HourCode": code, "Hours": Decimal(hours), **extra}


def _wage(code: int, value: str, **extra: Any) -> dict[str, Any]:
    return {"Id": 0, "Code": code, "Value": Decimal(value), **extra}


@scenario(
    f"{E}.HourComponentFixed_Insert",
    f"{E}.HourComponentFixed_InsertCurrent",
    f"{E}.HourComponentFixed_Insert_Batch",
    f"{E}.HourComponentFixed_Insert_With_End",
    f"{E}.HourComponentFixed_Stop",
    f"{E}.HourComponent_Update",
    f"{E}.HourComponent_Delete",
)
def employee_hour_fixed(ctx: Ctx) -> None:
    emp, now, (nxt, nxt_year) = ctx.employee, (ctx.period, ctx.year), ctx.next_period

    def listed(period: int, year: int) -> list[dict[str, Any]]:
        return ctx.e("HourComponentFixed_Get", EmployeeId=emp, Period=period, Year=year)

    new = ctx.e(
        "HourComponentFixed_Insert",
        EmployeeId=emp,
        Hourcomponent=_hour(1, "3.5"),
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(nxt, nxt_year), Id=str(new), Hours="3.50")
    ctx.ok(E, "HourComponentFixed_Insert", "the new id holds in its period and the next")
    current = ctx.e("HourComponentFixed_InsertCurrent", EmployeeId=emp, Hourcomponent=_hour(2, "4"))
    one(ctx.e("HourComponentFixed_GetCurrent", EmployeeId=emp), Id=str(current), Hours="4.00")
    ctx.ok(E, "HourComponentFixed_InsertCurrent", "the new id is in HourComponentFixed_GetCurrent")
    batch = [{**_hour(3, "1.25"), "EmployeeId": emp}]
    ctx.e(
        "HourComponentFixed_Insert_Batch",
        HourComponents=batch,
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(ctx.e("HourComponentFixed_GetCurrent", EmployeeId=emp), HourCode="3", Hours="1.25")
    ctx.ok(E, "HourComponentFixed_Insert_Batch", "the item is in HourComponentFixed_GetCurrent")
    ended = ctx.e(
        "HourComponentFixed_Insert_With_End",
        EmployeeId=emp,
        Hourcomponent=_hour(4, "2"),
        Period=now[0],
        Year=now[1],
        EndPeriod=now[0],
        EndYear=now[1],
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(ended))
    none_of(listed(nxt, nxt_year), Id=str(ended))
    ctx.ok(E, "HourComponentFixed_Insert_With_End", "holds up to its end period, not after")
    ctx.e(
        "HourComponentFixed_Stop",
        EmployeeId=emp,
        Hourcomponent={**_hour(2, "4"), "Id": current},
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(current))
    none_of(listed(nxt, nxt_year), Id=str(current))
    ctx.ok(E, "HourComponentFixed_Stop", "the given period is the last one it holds in")
    ctx.e(
        "HourComponent_Update",
        EmployeeId=emp,
        Hourcomponent={**_hour(1, "6"), "Id": new},
        EndPeriod=0,
        EndYear=0,
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(new), Hours="6.00")
    ctx.ok(E, "HourComponent_Update", "the component named by id answers the new hours")
    assert ctx.e("HourComponent_Delete", EmployeeId=emp, HourComponentID=new) == "true"
    none_of(listed(*now), Id=str(new))
    ctx.ok(E, "HourComponent_Delete", "the id is gone")


@scenario(
    f"{E}.HourComponentVar_Insert",
    f"{E}.HourComponentVar_InsertCurrent",
    f"{E}.HourComponentVar_Insert_Batch",
    f"{E}.HourComponentVar_Clear",
    f"{E}.HourComponentVar_ClearCurrent",
)
def employee_hour_var(ctx: Ctx) -> None:
    emp, (nxt, nxt_year) = ctx.employee, ctx.next_period
    later = ctx.e(
        "HourComponentVar_Insert",
        EmployeeId=emp,
        Hourcomponent=_hour(1, "8"),
        Period=nxt,
        Year=nxt_year,
        UnprotectedMode=False,
    )
    one(ctx.e("HourComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year), Id=str(later))
    none_of(ctx.e("HourComponentVar_GetCurrent", EmployeeId=emp), Id=str(later))
    ctx.ok(E, "HourComponentVar_Insert", "the new id is in its period only")
    current = ctx.e("HourComponentVar_InsertCurrent", EmployeeId=emp, Hourcomponent=_hour(2, "5"))
    one(ctx.e("HourComponentVar_GetCurrent", EmployeeId=emp), Id=str(current), Hours="5.00")
    ctx.ok(E, "HourComponentVar_InsertCurrent", "the new id is in HourComponentVar_GetCurrent")
    batch = [{**_hour(3, "2.5"), "EmployeeId": emp}]
    ctx.e(
        "HourComponentVar_Insert_Batch",
        HourComponents=batch,
        Period=ctx.period,
        Year=ctx.year,
        UnprotectedMode=False,
    )
    one(ctx.e("HourComponentVar_GetCurrent", EmployeeId=emp), HourCode="3", Hours="2.50")
    ctx.ok(E, "HourComponentVar_Insert_Batch", "the item is in HourComponentVar_GetCurrent")
    ctx.e("HourComponentVar_ClearCurrent", EmployeeId=emp)
    assert ctx.e("HourComponentVar_GetCurrent", EmployeeId=emp) in (None, [])
    one(ctx.e("HourComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year), Id=str(later))
    ctx.ok(E, "HourComponentVar_ClearCurrent", "the current period is empty; the next keeps its hours")
    ctx.e("HourComponentVar_Clear", EmployeeId=emp, Period=nxt, Year=nxt_year, UnprotectedMode=False)
    assert ctx.e("HourComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) in (None, [])
    ctx.ok(E, "HourComponentVar_Clear", "the given period is empty")


def _with_end(wage: dict[str, Any], period: int, year: int) -> dict[str, Any]:
    return {**wage, "EndPeriod": period, "EndYear": year}


@scenario(
    f"{E}.WageComponentFixed_Insert",
    f"{E}.WageComponentFixed_InsertCurrent",
    f"{E}.WageComponentFixed_InsertCurrent_With_End",
    f"{E}.WageComponentFixed_Insert_Batch",
    f"{E}.WageComponentFixed_Insert_Batch_With_End",
    f"{E}.WageComponentFixed_Insert_With_End",
    f"{E}.WageComponentFixed_Stop",
    f"{E}.WageComponent_Update",
    f"{E}.WageComponent_Delete",
)
def employee_wage_fixed(ctx: Ctx) -> None:
    emp, now, (nxt, nxt_year) = ctx.employee, (ctx.period, ctx.year), ctx.next_period

    def listed(period: int, year: int) -> list[dict[str, Any]]:
        return ctx.e("WageComponentFixed_Get", EmployeeId=emp, Period=period, Year=year)

    new = ctx.e(
        "WageComponentFixed_Insert",
        EmployeeId=emp,
        WageComponent=_wage(ctx.wage_code(0), "25"),
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(nxt, nxt_year), Id=str(new), Value="25.00")
    ctx.ok(E, "WageComponentFixed_Insert", "the new id holds in its period and the next")
    current = ctx.e(
        "WageComponentFixed_InsertCurrent", EmployeeId=emp, WageComponent=_wage(ctx.wage_code(1), "30")
    )
    one(ctx.e("WageComponentFixed_GetCurrent", EmployeeId=emp), Id=str(current), Value="30.00")
    ctx.ok(E, "WageComponentFixed_InsertCurrent", "the new id is in WageComponentFixed_GetCurrent")
    ended = ctx.e(
        "WageComponentFixed_InsertCurrent_With_End",
        EmployeeId=emp,
        EndPeriod=now[0],
        EndYear=now[1],
        WageComponent=_wage(ctx.wage_code(2), "10"),
    )
    one(listed(*now), Id=str(ended))
    none_of(listed(nxt, nxt_year), Id=str(ended))
    ctx.ok(E, "WageComponentFixed_InsertCurrent_With_End", "holds up to its end period, not after")
    batch = [{**_wage(ctx.wage_code(3), "4"), "EmployeeId": emp}]
    ctx.e(
        "WageComponentFixed_Insert_Batch",
        WageComponents=batch,
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(ctx.e("WageComponentFixed_GetCurrent", EmployeeId=emp), Code=str(ctx.wage_code(3)), Value="4.00")
    ctx.ok(E, "WageComponentFixed_Insert_Batch", "the item is in WageComponentFixed_GetCurrent")
    batch = [{**_wage(ctx.wage_code(4), "5"), "EmployeeId": emp}]
    ctx.e(
        "WageComponentFixed_Insert_Batch_With_End",
        WageComponents=batch,
        StartPeriod=nxt,
        StartYear=nxt_year,
        EndPeriod=nxt,
        EndYear=nxt_year,
        UnprotectedMode=False,
    )
    none_of(listed(*now), Value="5.00")
    one(listed(nxt, nxt_year), Code=str(ctx.wage_code(4)), Value="5.00")
    ctx.ok(E, "WageComponentFixed_Insert_Batch_With_End", "holds from StartPeriod to EndPeriod only")
    wage = _with_end(_wage(ctx.wage_code(5), "6"), nxt, nxt_year)
    ended = ctx.e(
        "WageComponentFixed_Insert_With_End",
        EmployeeId=emp,
        WageComponent=wage,
        StartPeriod=now[0],
        StartYear=now[1],
        EndPeriod=now[0],
        EndYear=now[1],
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(ended))
    none_of(listed(nxt, nxt_year), Id=str(ended))
    ctx.ok(E, "WageComponentFixed_Insert_With_End", "holds from its start to its end period only")
    ctx.e(
        "WageComponentFixed_Stop",
        EmployeeId=emp,
        WageComponentId=current,
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(current))
    none_of(listed(nxt, nxt_year), Id=str(current))
    ctx.ok(E, "WageComponentFixed_Stop", "the given period is the last one it holds in")
    assert (
        ctx.e(
            "WageComponent_Update",
            EmployeeId=emp,
            WageComponent={**_wage(ctx.wage_code(0), "27"), "Id": new},
            EndPeriod=0,
            EndYear=0,
            UnprotectedMode=False,
        )
        == "true"
    )
    one(listed(*now), Id=str(new), Value="27.00")
    ctx.ok(E, "WageComponent_Update", "the component named by id answers the new value")
    assert ctx.e("WageComponent_Delete", EmployeeId=emp, WageComponentID=new) == "true"
    none_of(listed(*now), Id=str(new))
    ctx.ok(E, "WageComponent_Delete", "the id is gone")


@scenario(
    f"{E}.WageComponentVar_Insert",
    f"{E}.WageComponentVar_InsertCurrent",
    f"{E}.WageComponentVar_Insert_Batch",
    f"{E}.WageComponentVar_Clear",
    f"{E}.WageComponentVar_ClearCurrent",
)
def employee_wage_var(ctx: Ctx) -> None:
    emp, (nxt, nxt_year) = ctx.employee, ctx.next_period
    later = ctx.e(
        "WageComponentVar_Insert",
        EmployeeId=emp,
        WageComponent=_wage(ctx.wage_code(6), "12"),
        Period=nxt,
        Year=nxt_year,
        UnprotectedMode=False,
    )
    one(ctx.e("WageComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year), Id=str(later))
    none_of(ctx.e("WageComponentVar_GetCurrent", EmployeeId=emp), Id=str(later))
    ctx.ok(E, "WageComponentVar_Insert", "the new id is in its period only")
    current = ctx.e(
        "WageComponentVar_InsertCurrent", EmployeeId=emp, WageComponent=_wage(ctx.wage_code(7), "13")
    )
    one(ctx.e("WageComponentVar_GetCurrent", EmployeeId=emp), Id=str(current), Value="13.00")
    ctx.ok(E, "WageComponentVar_InsertCurrent", "the new id is in WageComponentVar_GetCurrent")
    batch = [{**_wage(ctx.wage_code(8), "14"), "EmployeeId": emp}]
    ctx.e(
        "WageComponentVar_Insert_Batch",
        WageComponents=batch,
        Period=ctx.period,
        Year=ctx.year,
        UnprotectedMode=False,
    )
    one(ctx.e("WageComponentVar_GetCurrent", EmployeeId=emp), Code=str(ctx.wage_code(8)), Value="14.00")
    ctx.ok(E, "WageComponentVar_Insert_Batch", "the item is in WageComponentVar_GetCurrent")
    ctx.e("WageComponentVar_ClearCurrent", EmployeeId=emp)
    assert ctx.e("WageComponentVar_GetCurrent", EmployeeId=emp) in (None, [])
    one(ctx.e("WageComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year), Id=str(later))
    ctx.ok(E, "WageComponentVar_ClearCurrent", "the current period is empty; the next keeps its values")
    ctx.e("WageComponentVar_Clear", EmployeeId=emp, Period=nxt, Year=nxt_year, UnprotectedMode=False)
    assert ctx.e("WageComponentVar_Get", EmployeeId=emp, Period=nxt, Year=nxt_year) in (None, [])
    ctx.ok(E, "WageComponentVar_Clear", "the given period is empty")


@scenario(
    f"{C}.WageComponentFixed_Insert",
    f"{C}.WageComponentFixed_InsertCurrent",
    f"{C}.WageComponentFixed_Insert_Batch",
    f"{C}.WageComponentFixed_Stop",
)
def company_wage_fixed(ctx: Ctx) -> None:
    company, now, (nxt, nxt_year) = ctx.company, (ctx.period, ctx.year), ctx.next_period

    def listed(period: int, year: int) -> list[dict[str, Any]]:
        return ctx.c("WageComponentFixed_Get", CompanyId=company, Period=period, Year=year)

    new = ctx.c(
        "WageComponentFixed_Insert",
        CompanyId=company,
        WageComponent=_wage(ctx.wage_code(9), "40"),
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(nxt, nxt_year), Id=str(new), Value="40.00")
    ctx.ok(C, "WageComponentFixed_Insert", "the new id holds in its period and the next")
    current = ctx.c(
        "WageComponentFixed_InsertCurrent", CompanyId=company, WageComponent=_wage(ctx.wage_code(10), "41")
    )
    one(ctx.c("WageComponentFixed_GetCurrent", CompanyId=company), Id=str(current))
    ctx.ok(C, "WageComponentFixed_InsertCurrent", "the new id is in WageComponentFixed_GetCurrent")
    batch = [{**_wage(ctx.wage_code(11), "42"), "CompanyId": company}]
    ids = ctx.c(
        "WageComponentFixed_Insert_Batch",
        WageComponents=batch,
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(ctx.c("WageComponentFixed_GetCurrent", CompanyId=company), Id=ids[0], Value="42.00")
    ctx.ok(
        C,
        "WageComponentFixed_Insert_Batch",
        "the answered id is in its company's WageComponentFixed_GetCurrent",
    )
    ctx.c(
        "WageComponentFixed_Stop",
        CompanyId=company,
        WageComponentId=new,
        Period=now[0],
        Year=now[1],
        UnprotectedMode=False,
    )
    one(listed(*now), Id=str(new))
    none_of(listed(nxt, nxt_year), Id=str(new))
    ctx.ok(C, "WageComponentFixed_Stop", "the given period is the last one it holds in")


@scenario(
    f"{C}.WageComponentVar_Insert",
    f"{C}.WageComponentVar_InsertCurrent",
    f"{C}.WageComponentVar_Insert_Batch",
    f"{C}.WageComponentVar_Clear",
    f"{C}.WageComponentVar_ClearCurrent",
)
def company_wage_var(ctx: Ctx) -> None:
    company, (nxt, nxt_year) = ctx.company, ctx.next_period
    later = ctx.c(
        "WageComponentVar_Insert",
        CompanyID=company,
        WageComponent=_wage(ctx.wage_code(12), "50"),
        Period=nxt,
        Year=nxt_year,
        UnprotectedMode=False,
    )
    one(ctx.c("WageComponentVar_Get", CompanyId=company, Period=nxt, Year=nxt_year), Id=str(later))
    ctx.ok(C, "WageComponentVar_Insert", "the new id is in its period")
    current = ctx.c(
        "WageComponentVar_InsertCurrent", CompanyID=company, WageComponent=_wage(ctx.wage_code(13), "51")
    )
    one(ctx.c("WageComponentVar_GetCurrent", CompanyId=company), Id=str(current))
    ctx.ok(C, "WageComponentVar_InsertCurrent", "the new id is in WageComponentVar_GetCurrent")
    batch = [{**_wage(ctx.wage_code(14), "52"), "CompanyId": company}]
    ctx.c(
        "WageComponentVar_Insert_Batch",
        WageComponents=batch,
        Period=ctx.period,
        Year=ctx.year,
        UnprotectedMode=False,
    )
    one(ctx.c("WageComponentVar_GetCurrent", CompanyId=company), Code=str(ctx.wage_code(14)))
    ctx.ok(C, "WageComponentVar_Insert_Batch", "the item is in its company's WageComponentVar_GetCurrent")
    cleared = ctx.c("WageComponentVar_ClearCurrent", CompanyId=company)
    assert ctx.c("WageComponentVar_GetCurrent", CompanyId=company) in (None, [])
    assert str(current) in (cleared or []), cleared
    ctx.ok(C, "WageComponentVar_ClearCurrent", "the current period is empty; it answers the ids removed")
    ctx.c("WageComponentVar_Clear", CompanyId=company, Period=nxt, Year=nxt_year, UnprotectedMode=False)
    assert ctx.c("WageComponentVar_Get", CompanyId=company, Period=nxt, Year=nxt_year) in (None, [])
    ctx.ok(C, "WageComponentVar_Clear", "the given period is empty")
