"""Write-effect scenarios of EmployeeService records with a life cycle: absences, services, lease cars,
savings schemes, partners, personal data, settings and the time-registration add-on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from write_calls import Ctx, E, none_of, one, scenario


def _absence(ctx: Ctx, comment: str) -> dict[str, Any]:
    start = datetime(ctx.year, ctx.period, 2)
    return {
        "AbsenceId": 0,
        "Comment": comment,
        "Percentage": 100,
        "Start": start,
        "RegistrationStartDate": start,
        "End": None,
        "RegistrationEndDate": None,
        "Dossier": "Ziekte",
        "Dossiernr": 0,
    }


@scenario(
    f"{E}.Absence_Insert",
    f"{E}.Absence2_Insert",
    f"{E}.AbsenceNotification_Insert",
    f"{E}.Absence_PartialRecoveryInsert",
    f"{E}.Absence_RecoveryInsert",
)
def employee_absence(ctx: Ctx) -> None:
    emp = ctx.employee
    first = ctx.e("Absence_Insert", EmployeeId=emp, Absence=_absence(ctx, "Griep"), NewDossier=True)
    one(ctx.e("Absence_GetList", EmployeeId=emp), AbsenceId=str(first), Comment="Griep", End="None")
    ctx.ok(E, "Absence_Insert", "the new AbsenceId is open in Absence_GetList")
    cause = {"CauseId": 2, "Cause": "Bedrijfsongeval"}
    second = ctx.e(
        "Absence2_Insert",
        EmployeeId=emp,
        Absence={**_absence(ctx, "Val"), "AbsenceCause": cause},
        NewDossier=True,
    )
    item = one(ctx.e("Absence2_GetList", EmployeeId=emp), AbsenceId=str(second))
    assert item["AbsenceCause"] == {"CauseId": "2", "Cause": "Bedrijfsongeval"}, item
    ctx.ok(E, "Absence2_Insert", "the new AbsenceId is in Absence2_GetList with its cause")
    notified = ctx.e("AbsenceNotification_Insert", EmployeeId=emp, Absence=_absence(ctx, "Melding"))
    one(ctx.e("Absence2_GetList", EmployeeId=emp), AbsenceId=str(notified), Comment="Melding")
    ctx.ok(E, "AbsenceNotification_Insert", "the notified absence is in Absence2_GetList")
    partial = datetime(ctx.year, ctx.period, 9)
    ctx.e(
        "Absence_PartialRecoveryInsert",
        EmployeeId=emp,
        AbsenceID=first,
        StartDate=partial,
        Reportdate=partial,
        Percent=40,
        Comment="Halve dagen",
    )
    item = one(ctx.e("Absence_GetList", EmployeeId=emp), AbsenceId=str(first))
    assert (item["Percentage"], item["End"]) == ("40", None), item
    ctx.ok(E, "Absence_PartialRecoveryInsert", "the absence stays open at the new percentage")
    last = datetime(ctx.year, ctx.period, 16)
    ctx.e(
        "Absence_RecoveryInsert",
        EmployeeId=emp,
        AbsenceID=first,
        Lastdayabsence=last,
        Reportdate=last,
        Comment="Hersteld",
    )
    item = one(ctx.e("Absence_GetList", EmployeeId=emp), AbsenceId=str(first))
    assert (item["End"], item["RegistrationEndDate"]) == (last.isoformat(), last.isoformat()), item
    one(ctx.e("Absence_GetList", EmployeeId=emp), AbsenceId=str(second), End="None")
    ctx.ok(E, "Absence_RecoveryInsert", "the absence ends on the last day of absence; the others stay open")


@scenario(
    f"{E}.Service_Insert",
    f"{E}.Service_Insert2",
    f"{E}.Service_StopCurrent",
    f"{E}.Service_RemoveOutService",
    f"{E}.Service_Delete",
)
def employee_service(ctx: Ctx) -> None:
    emp = ctx.employee
    first_end = datetime(ctx.year, ctx.period, 10)
    ctx.e("Service_StopCurrent", EmployeeId=emp, End=first_end, EndServiceReasonId=1, UnprotectedMode=False)
    intervals = ctx.e("Service_GetList", EmployeeId=emp)
    assert intervals[-1]["End"] == first_end.isoformat() and intervals[-1].get("EndServiceReason"), intervals
    ctx.ok(E, "Service_StopCurrent", "the open service interval ends on End, with its reason")
    assert ctx.e("Service_RemoveOutService", EmployeeId=emp, UnprotectedMode=False) == "true"
    intervals = ctx.e("Service_GetList", EmployeeId=emp)
    assert intervals[-1]["End"] in (None, "0001-01-01T00:00:00"), intervals
    ctx.ok(E, "Service_RemoveOutService", "the interval is open again")
    ctx.e("Service_StopCurrent", EmployeeId=emp, End=first_end, EndServiceReasonId=1, UnprotectedMode=False)
    again = datetime(ctx.year, ctx.period, 20)
    ctx.e("Service_Insert", EmployeeId=emp, Start=again, UnprotectedMode=False)
    intervals = ctx.e("Service_GetList", EmployeeId=emp)
    assert intervals[-1]["Start"] == again.isoformat() and len(intervals) >= 2, intervals
    ctx.ok(E, "Service_Insert", "a new service interval starts on Start")
    assert ctx.e("Service_Delete", EmployeeId=emp) == "true"
    after = ctx.e("Service_GetList", EmployeeId=emp)
    assert len(after) == len(intervals) - 1 and after[-1]["End"] == first_end.isoformat(), after
    ctx.ok(E, "Service_Delete", "the latest interval is gone")
    seniority = datetime(ctx.year - 10, 1, 1)
    ctx.e("Service_Insert2", EmployeeId=emp, Start=again, Ancienniteitsdatum=seniority, UnprotectedMode=False)
    latest = ctx.e("Service_GetList", EmployeeId=emp)[-1]
    assert (latest["Start"], latest["SeniorityDate"]) == (again.isoformat(), seniority.isoformat()), latest
    ctx.ok(E, "Service_Insert2", "a new interval starts on Start with the seniority date given")


def _lease_car(ctx: Ctx, plate: str) -> dict[str, Any]:
    return {
        "Id": 0,
        "Brand": "Volvo",
        "Model": "EX30",
        "AdditionPercentage": "16",
        "ContractDuration": 48,
        "LeasingPriceMonth": Decimal("650"),
        "MaxMileage": 20000,
        "PriceMoreMileage": Decimal("0.10"),
        "PriceLessMileage": Decimal("0.05"),
        "FirstResgistrationDate": datetime(ctx.year, 1, 5),
        "CO2Emissions": 0,
        "LicensePlate": plate,
        "CatalogValue": Decimal("41000"),
        "StartDate": datetime(ctx.year, ctx.period, 1),
        "EndDate": datetime(1, 1, 1),
        "ReasonNoContribution": 0,
        "ContributionPrivatePercentage": 0,
        "ContributionPrivateUse": Decimal(0),
        "ContributionNotDeductible": Decimal(0),
    }


@scenario(f"{E}.LeaseCar_Insert", f"{E}.LeaseCar_InsertCurrent", f"{E}.LeaseCar_Stop", f"{E}.LeaseCar_Delete")
def employee_lease_car(ctx: Ctx) -> None:
    emp, now, (nxt, nxt_year) = ctx.employee, {"Period": ctx.period, "Year": ctx.year}, ctx.next_period
    new = ctx.e("LeaseCar_Insert", EmployeeId=emp, LeaseAuto=_lease_car(ctx, "X-123-YZ"), **now)
    one(ctx.e("LeaseCar_GetList", EmployeeId=emp, **now), Id=str(new), LicensePlate="X-123-YZ")
    ctx.ok(E, "LeaseCar_Insert", "the new id is in LeaseCar_GetList of its period")
    ctx.e("LeaseCar_Delete", EmployeeId=emp, Id=new)
    none_of(ctx.e("LeaseCar_GetList", EmployeeId=emp, **now), Id=str(new))
    ctx.ok(E, "LeaseCar_Delete", "the id is gone")
    period = {
        "periodType": "Month",
        "IntPeriod": ctx.period,
        "IntYear": ctx.year,
        "DtmStart": datetime(ctx.year, ctx.period, 1),
        "DtmEnd": datetime(ctx.year, ctx.period, 28),
    }
    current = ctx.e(
        "LeaseCar_InsertCurrent", EmployeeId=emp, LeaseAuto=_lease_car(ctx, "G-456-HK"), period=period
    )
    one(ctx.e("LeaseCar_GetList", EmployeeId=emp, **now), Id=str(current), LicensePlate="G-456-HK")
    ctx.ok(E, "LeaseCar_InsertCurrent", "the new id is in LeaseCar_GetList of the current period")
    end = datetime(ctx.year, ctx.period, 20)
    ctx.e("LeaseCar_Stop", EmployeeId=emp, End=end)
    item = one(ctx.e("LeaseCar_GetList", EmployeeId=emp, **now), Id=str(current))
    assert item["EndDate"] == end.isoformat(), item
    none_of(ctx.e("LeaseCar_GetList", EmployeeId=emp, Period=nxt, Year=nxt_year), Id=str(current))
    ctx.ok(E, "LeaseCar_Stop", "EndDate is End; the period of End is its last")


def _savings(ctx: Ctx, family: str) -> None:
    emp, now, (nxt, nxt_year) = ctx.employee, {"Period": ctx.period, "Year": ctx.year}, ctx.next_period
    start = datetime(ctx.year, ctx.period, 1)
    new = ctx.e(
        f"{family}_Insert", EmployeeId=emp, Start=start, Amount=Decimal("55.5"), UnprotectedMode=False
    )
    got = ctx.e(f"{family}_Get", EmployeeId=emp, **now)
    one([got], Id=str(new), Value="55.5")
    ctx.ok(E, f"{family}_Insert", f"{family}_Get of the start period answers the new id and amount")
    ctx.e(f"{family}_Stop", EmployeeId=emp, End=datetime(ctx.year, ctx.period, 28))
    assert ctx.e(f"{family}_Get", EmployeeId=emp, **now)["Id"] == str(new)
    later = ctx.e(f"{family}_Get", EmployeeId=emp, Period=nxt, Year=nxt_year)
    assert later is None or later["Id"] in ("0", ""), later
    ctx.ok(E, f"{family}_Stop", "the period of End is its last")
    ctx.e(f"{family}_Delete", EmployeeId=emp, Id=new)
    gone = ctx.e(f"{family}_Get", EmployeeId=emp, **now)
    assert gone is None or gone["Id"] != str(new), gone
    ctx.ok(E, f"{family}_Delete", "the id is gone")


@scenario(f"{E}.Levensloop_Insert", f"{E}.Levensloop_Stop", f"{E}.Levensloop_Delete")
def employee_levensloop(ctx: Ctx) -> None:
    _savings(ctx, "Levensloop")


@scenario(f"{E}.Spaarloon_Insert", f"{E}.Spaarloon_Stop", f"{E}.Spaarloon_Delete")
def employee_spaarloon(ctx: Ctx) -> None:
    _savings(ctx, "Spaarloon")


@scenario(f"{E}.Partner_Update", f"{E}.Partner_Delete")
def employee_partner(ctx: Ctx) -> None:
    emp = ctx.employee
    partner = {
        "Id": 0,
        "PartnerName": "Schrijver",
        "FirstName": "Robin",
        "Initials": "R.",
        "Gender": "female",
        "Birthday": datetime(1980, 2, 3),
        "StartDate": datetime(2010, 6, 1),
        "Email": "robin@example.nl",
    }
    ctx.e("Partner_Update", EmployeeId=emp, partner=partner)
    stored = ctx.e("Partner_Get", EmployeeId=emp)
    assert (stored["FirstName"], stored["Email"]) == ("Robin", "robin@example.nl"), stored
    ctx.e(
        "Partner_Update",
        EmployeeId=emp,
        partner={
            "Id": int(stored["Id"]),
            "Telephone": "06-12345678",
            "Gender": "female",
            "Birthday": datetime(1980, 2, 3),
            "StartDate": datetime(2010, 6, 1),
        },
    )
    changed = ctx.e("Partner_Get", EmployeeId=emp)
    assert (changed["Telephone"], changed["FirstName"], changed["Email"]) == (
        "06-12345678",
        "Robin",
        "robin@example.nl",
    ), changed
    ctx.ok(E, "Partner_Update", "sets the partner; a second update changes Telephone and keeps the rest")
    ctx.e("Partner_Delete", EmployeeId=emp, PartnerId=int(stored["Id"]))
    gone = ctx.e("Partner_Get", EmployeeId=emp)
    assert gone is None or gone.get("Id") != stored["Id"], gone
    ctx.ok(E, "Partner_Delete", "Partner_Get no longer answers it")


@scenario(f"{E}.PersonalInfo_UpdateCurrent", f"{E}.PersonalInfo_Update")
def employee_personal_info(ctx: Ctx) -> None:
    emp = ctx.employee
    before = ctx.e("PersonalInfo_GetCurrent", EmployeeId=emp)
    ctx.e(
        "PersonalInfo_UpdateCurrent",
        EmployeeId=emp,
        PersonalInfo={"Id": 0, "Number": 0, "IdentificationType": 0, "EmailWork": "nieuw@example.nl"},
    )
    after = ctx.e("PersonalInfo_GetCurrent", EmployeeId=emp)
    kept = ("FirstName", "LastName", "BSN", "Birthday", "EmailPrivate")
    assert after["EmailWork"] == "nieuw@example.nl", after
    assert {k: after.get(k) for k in kept} == {k: before.get(k) for k in kept}, after
    ctx.ok(E, "PersonalInfo_UpdateCurrent", "EmailWork changed; names, BSN, birthday (left out) kept")
    period, year = ctx.next_period
    ctx.e(
        "PersonalInfo_Update",
        EmployeeId=emp,
        PersonalInfo={"Id": 0, "Number": 0, "IdentificationType": 0, "Nickname": "Schrijver"},
        Period=period,
        Year=year,
    )
    later = ctx.e("PersonalInfo_Get", EmployeeId=emp, Period=period, Year=year)
    now = ctx.e("PersonalInfo_GetCurrent", EmployeeId=emp)
    assert (later["Nickname"], later["EmailWork"], later["LastName"]) == (
        "Schrijver",
        "nieuw@example.nl",
        before["LastName"],
    ), later
    assert now.get("Nickname") == before.get("Nickname"), now
    ctx.ok(E, "PersonalInfo_Update", "a new version from the period on, carrying the fields left out")


def _settings(ctx: Ctx, family: str, payload: str, changes: dict[str, Any], kept: tuple[str, ...]) -> None:
    emp = ctx.employee
    before = ctx.e(f"{family}_GetCurrent", EmployeeId=emp)
    full = {k: v for k, v in before.items() if k != "Id"}
    ctx.e(f"{family}_UpdateCurrent", EmployeeId=emp, **{payload: {**full, "Id": 0, **changes}})
    after = ctx.e(f"{family}_GetCurrent", EmployeeId=emp)
    assert {k: after[k] for k in changes} == {k: _wire(v) for k, v in changes.items()}, after
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}, after
    ctx.ok(E, f"{family}_UpdateCurrent", f"{', '.join(changes)} changed; {', '.join(kept)} kept")
    period, year = ctx.next_period
    ctx.e(f"{family}_Update", EmployeeId=emp, **{payload: {**full, "Id": 0}}, Period=period, Year=year)
    assert {k: ctx.e(f"{family}_Get", EmployeeId=emp, Period=period, Year=year)[k] for k in changes} == {
        k: before[k] for k in changes
    }
    assert {k: ctx.e(f"{family}_GetCurrent", EmployeeId=emp)[k] for k in changes} == {
        k: _wire(v) for k, v in changes.items()
    }
    ctx.ok(E, f"{family}_Update", f"{family}_Get of the period answers the values; the current keeps its own")


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return format(value, "f") if isinstance(value, Decimal) else str(value)


@scenario(f"{E}.SVW_UpdateCurrent", f"{E}.SVW_Update")
def employee_svw(ctx: Ctx) -> None:
    _settings(ctx, "SVW", "SVWSettings", {"RisicoGroep": 7, "Zw": False}, ("Sector", "CodeCao"))


@scenario(f"{E}.WageTax_UpdateCurrent", f"{E}.WageTax_Update")
def employee_wage_tax(ctx: Ctx) -> None:
    changes = {"Loonheffingkorting": False, "JaarloonBT": Decimal("41000.00")}
    _settings(ctx, "WageTax", "LoonheffingSettings", changes, ("KleurTabel", "TijdvakTabel"))


@scenario(f"{E}.Salary_UpdateCurrent", f"{E}.Salary_Update")
def employee_salary(ctx: Ctx) -> None:
    emp = ctx.employee
    ctx.e(
        "Salary_UpdateCurrent",
        EmployeeId=emp,
        Salary={"Value": Decimal("3999"), "Type": "Bruto_Salaris_Fulltime"},
    )
    now = ctx.e("Salary_GetCurrent", EmployeeId=emp)
    one(
        [now],
        Value="3999",
        Type="Bruto_Salaris_Fulltime",
        StartDate=datetime(ctx.year, ctx.period, 1).isoformat(),
    )
    ctx.ok(E, "Salary_UpdateCurrent", "Salary_GetCurrent answers the new value")
    period, year = ctx.next_period
    start = datetime(year, period, 1)
    ctx.e(
        "Salary_Update",
        EmployeeId=emp,
        Salary={"Value": Decimal("4100"), "Type": "Bruto_Salaris_Fulltime"},
        Start=start,
    )
    later = ctx.e("Salary_Get", EmployeeId=emp, Period=period, Year=year)
    one([later], Value="4100", StartDate=start.isoformat())
    one([ctx.e("Salary_GetCurrent", EmployeeId=emp)], Value="3999")
    ctx.ok(E, "Salary_Update", "a new salary from Start on; the current period keeps its own")


@scenario(f"{E}.SalaryTable_InsertCurrent", f"{E}.SalaryTable_Insert")
def employee_salary_table(ctx: Ctx) -> None:
    emp = ctx.employee
    table = ctx.c("SalaryTable_Get", CompanyId=ctx.company, Period=ctx.period, Year=ctx.year)
    scales = ctx.c("SalaryTable_GetScales", CompanyId=ctx.company, Period=ctx.period, Year=ctx.year)
    scale = scales[-1]
    steps = ctx.c(
        "SalaryTable_GetSteps", CompanyId=ctx.company, Scale=scale, Period=ctx.period, Year=ctx.year
    )
    step = steps[-1]
    ctx.e(
        "SalaryTable_InsertCurrent",
        EmployeeId=emp,
        SalaryTableId=table["Code"],
        SalaryTableScaleId=scale["Scale"],
        SalaryTableStepId=step["Step"],
    )
    salary = ctx.e("Salary_GetCurrent", EmployeeId=emp)["SalaryTable"]
    assert (salary["Schaal"]["Scale"], salary["Trede"]["Step"]) == (scale["Scale"], step["Step"]), salary
    ctx.ok(E, "SalaryTable_InsertCurrent", "Salary_GetCurrent's SalaryTable answers the scale and step")
    period, year = ctx.next_period
    first = steps[0]
    ctx.e(
        "SalaryTable_Insert",
        EmployeeId=emp,
        SalaryTableId=table["Code"],
        SalaryTableScaleId=scale["Scale"],
        SalaryTableStepId=first["Step"],
        StartDate=datetime(year, period, 1),
    )
    later = ctx.e("Salary_Get", EmployeeId=emp, Period=period, Year=year)["SalaryTable"]
    assert later["Trede"]["Step"] == first["Step"], later
    assert ctx.e("Salary_GetCurrent", EmployeeId=emp)["SalaryTable"]["Trede"]["Step"] == step["Step"]
    ctx.ok(E, "SalaryTable_Insert", "from StartDate on the salary answers the step; the current is kept")


def _schedule(hours: str) -> dict[str, Any]:
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    week = {f"Hours{d}": Decimal(hours if i < 3 else "0") for i, d in enumerate(days)}
    return {
        **week,
        **{f"{k}2": v for k, v in week.items()},
        "ParttimePercentage": Decimal(60),
        "StartDate": datetime(1, 1, 1),
    }


@scenario(f"{E}.Schedule_UpdateCurrent", f"{E}.Schedule_Update")
def employee_schedule(ctx: Ctx) -> None:
    emp = ctx.employee
    ctx.e("Schedule_UpdateCurrent", EmployeeId=emp, Schedule=_schedule("8"), CompanyRoosterNr=0)
    now = ctx.e("Schedule_GetCurrent", EmployeeId=emp)
    one([now], HoursMonday="8", HoursThursday="0", ParttimePercentage="60")
    ctx.ok(E, "Schedule_UpdateCurrent", "Schedule_GetCurrent answers the new rota")
    period, year = ctx.next_period
    start = datetime(year, period, 1)
    ctx.e("Schedule_Update", EmployeeId=emp, Schedule=_schedule("6"), Start=start, CompanyRoosterNr=0)
    later = ctx.e("Schedule_Get", EmployeeId=emp, Period=period, Year=year)
    one([later], HoursMonday="6", StartDate=start.isoformat())
    one([ctx.e("Schedule_GetCurrent", EmployeeId=emp)], HoursMonday="8")
    ctx.ok(E, "Schedule_Update", "a new rota from Start on; the current period keeps its own")
