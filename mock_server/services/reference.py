"""Reads composed from several records or computed, where the family conventions would answer nothing.

GUID mappings (`Converter_GetByCompany_IntToGuid`, spec §1.5), the payroll workflow of a period, salary
table scales and steps, work-cost (werkkostenregeling) figures, holiday-allowance reservations, the
company's absences, the SVW settings in their company-wide shape, functions by id, catalogues of the
environment (end-of-service reasons, webhook events) and the journal reports over a range of periods.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mock_server.documents.journal import journal_xml
from mock_server.domain.demo_catalogue import guid, salary_scales, salary_steps
from mock_server.domain.model import Company
from mock_server.domain.periods import validate
from mock_server.domain.records import StoredRecord, latest_at, of_year
from mock_server.services.annual_data import HOLIDAY_ALLOWANCE
from mock_server.services.call import Call, handles
from mock_server.services.payroll_data import journal_employees, run_view

COMPANY, EMPLOYEE, DEBTOR = "CompanyService", "EmployeeService", "DebtorService"
CENT = Decimal("0.01")
# Werkkostenregeling: the free space is a share of the fiscal wage (up to EUR 400,000 of it).
WORK_COST_FREE_SHARE = {2025: Decimal("0.0192"), 2026: Decimal("0.0200")}
WORK_COST_FINAL_LEVY = Decimal("0.80")  # eindheffing on work costs above the free space
END_SERVICE_REASONS = (
    "Einde contract (bepaalde tijd)",
    "Ontslag op eigen verzoek",
    "Ontslag door werkgever",
    "Ontbinding met wederzijds goedvinden",
    "Pensioen",
    "Overlijden",
)
# Webhook event types (INFERRED: names are not established, spec §1.5).
WEBHOOK_EVENTS = ("EmployeeCreated", "EmployeeUpdated", "ContractChanged", "SalaryChanged", "RunFinished")
ENTITIES = ("Employee", "Company", "Debtor")


def _company(call: Call) -> Company:
    return call.tenant.company(call.args.get("CompanyId") or call.args.get("CompanyID") or 0)


def _year_period(call: Call, company: Company) -> tuple[int, int]:
    """The period a read names (2006 outside the company's period type), else the current one."""
    year, period = call.args.get("Year"), call.args.get("Period")
    if year is None or period is None:
        return company.current_year, company.current_period
    named = validate(company.type, year, period)
    return named.year, named.number


@handles(COMPANY, "Converter_GetByCompany_IntToGuid")
def int_to_guid(call: Call) -> dict[str, Any]:
    """The GUIDs of the company's employees (Entity=Employee), of the company itself, or of its debtor."""
    company = _company(call)
    entity = next((e for e in ENTITIES if e.lower() == (call.args.get("Entity") or "").strip().lower()), "")
    ids = {
        "Employee": call.tenant.employee_ids(company.id),
        "Company": [company.id],
        "Debtor": [company.debtor_id],
    }.get(entity, [])
    mappings = [{"IdInt": i, "IdGuid": guid(entity.lower(), i)} for i in ids]
    return {"Entity": entity or call.args.get("Entity"), "Mappings": mappings}


@handles(COMPANY, "PayrollWorkflow_Get")
def payroll_workflow(call: Call) -> list[dict[str, Any]]:
    """The period's workflow tracks: processed periods are complete, the current one is open (INFERRED
    track and status names)."""
    company = _company(call)
    year, period = _year_period(call, company)
    done = year * 100 + period < company.current.key
    status = "Completed" if done else "InProgress"
    steps = ("Mutaties verwerken", "Salarisrun", "Loonaangifte", "Betalingen")
    actions = [
        {"ActionName": step, "ActionStatus": "Completed" if done or n == 0 else "NotStarted"}
        for n, step in enumerate(steps)
    ]
    return [{"TrackName": "Salarisverwerking", "TrackStatus": status, "Actions": actions}]


def _salary_table(call: Call, company: Company) -> StoredRecord | None:
    year, period = _year_period(call, company)
    return latest_at(call.tenant.records("SalaryTable", "company", [company.id]), year * 100 + period)


@handles(COMPANY, "SalaryTable_GetScales", "SalaryTable2_GetScales")
def scales(call: Call) -> list[dict[str, Any]]:
    """The scales of the company's salary table."""
    company = _company(call)
    return salary_scales(company) if _salary_table(call, company) else []


@handles(COMPANY, "SalaryTable_GetSteps", "SalaryTable2_GetSteps")
def steps(call: Call) -> list[dict[str, Any]]:
    """The steps of one scale of the company's salary table (none for an unknown scale)."""
    company = _company(call)
    scale = str((call.args.get("Scale") or {}).get("Scale") or "")
    known = {s["Scale"] for s in salary_scales(company)}
    return salary_steps(company, scale) if _salary_table(call, company) and scale in known else []


def _slips(call: Call, owners: list[int], year: int) -> list[StoredRecord]:
    return of_year(call.tenant.records("Payslip", "employee", owners), year)


@handles(COMPANY, "WorkCost_GetList")
def work_cost(call: Call) -> list[dict[str, Any]]:
    """Per processed period of the year (and per period with booked work costs): the fiscal wage, the free
    space of the werkkostenregeling, the work costs booked (`WorkCost_Insert`) and the 80 % final levy
    due on what exceeds the free space (checked per period here; the tax office settles it per year)."""
    company = _company(call)
    year = call.args.get("Year") or company.current_year
    share = WORK_COST_FREE_SHARE.get(year, WORK_COST_FREE_SHARE[max(WORK_COST_FREE_SHARE)])
    fiscal: dict[int, Decimal] = {}
    for slip in _slips(call, call.tenant.employee_ids(company.id), year):
        fiscal[slip.period.number] = fiscal.get(slip.period.number, Decimal(0)) + Decimal(
            slip.data.get("Gross") or 0
        )
    booked = _booked_work_costs(call, company.id, year)
    zero = Decimal("0.00")
    rows = []
    for period in sorted(set(fiscal) | set(booked)):
        wage, financial = fiscal.get(period, zero), booked.get(period, zero).quantize(CENT)
        space = (wage * share).quantize(CENT, ROUND_HALF_UP)
        due = max(financial - space, zero) * WORK_COST_FINAL_LEVY
        rows.append({"Period": period, "Year": year, "WorkCostPayroll": zero, "WorkCostFinancial": financial,
                     "FiscalWage": wage.quantize(CENT), "WorkCostAvailableSpace": space,
                     "WorkCostBase": wage.quantize(CENT), "WorkCostToPay": due.quantize(CENT, ROUND_HALF_UP),
                     "WorkCostEstimated": zero, "WorkCostPaid": zero})  # fmt: skip
    return rows


def _booked_work_costs(call: Call, company_id: int, year: int) -> dict[int, Decimal]:
    """Work costs booked with `WorkCost_Insert(value, Period, Year)`, summed per period of the year."""
    booked: dict[int, Decimal] = {}
    for record in of_year(call.tenant.records("WorkCost", "company", [company_id]), year):
        number = record.period.number
        booked[number] = booked.get(number, Decimal(0)) + Decimal(record.data.get("value") or 0)
    return booked


@handles(EMPLOYEE, "Reservations_GetList")
def reservations(call: Call) -> list[dict[str, Any]]:
    """The holiday-allowance reservation: 8 % of the year's gross wage up to the period, paid in May."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    company = call.tenant.company(employee.company_id)
    year, period = _year_period(call, company)
    slips = [s for s in _slips(call, [employee.id], year) if s.period.number <= period]
    gross = sum((Decimal(s.data.get("Gross") or 0) for s in slips), Decimal(0))
    return [
        {
            "CalculationMethodAge": "BeginPeriod",
            "DecMinValue": Decimal("0.00"),
            "DecPercentage": (HOLIDAY_ALLOWANCE * 100).quantize(CENT),
            "MaxAge": 0,
            "EmployeeID": employee.id,
            "MinAge": 0,
            "Number": 1,
            "PaymentPeriod": 5,
            "PeriodStart": 1,
            "YearStart": year,
            "PeriodEnd": company.type.periods_in_year(year),
            "YearEnd": year,
            "PaymentMode": "AtEndPeriod",
            "Description": "Vakantiegeld",
            "Saldo": (gross * HOLIDAY_ALLOWANCE).quantize(CENT, ROUND_HALF_UP),
        }
    ]


@handles(EMPLOYEE, "Absence_GetAll_AllEmployeesByCompany")
def company_absences(call: Call) -> list[dict[str, Any]]:
    """Every absence of the company's employees, each with its EmployeeId."""
    company = _company(call)
    records = call.tenant.records("Absence", "employee", call.tenant.employee_ids(company.id))
    return [{**r.data, "AbsenceId": r.id, "EmployeeId": r.owner} for r in records]


@handles(EMPLOYEE, "SVW_GetAll_AllEmployeesByCompany")
def company_svw(call: Call) -> list[dict[str, Any]]:
    """Every employee's SVW history in the company-wide shape (sector, risk group and CLA as objects)."""
    company = _company(call)
    employees = call.tenant.employees(company.id)
    grouped = call.tenant.records_by_owner("SVW", "employee", [e.id for e in employees])
    return [
        {"EmployeeId": e.id, "EmployeeSVWsettings": [_svw(r) for r in grouped.get(e.id, [])]}
        for e in employees
    ]


def _svw(record: StoredRecord) -> dict[str, Any]:
    data = record.data
    sector, cao = data.get("Sector") or 0, data.get("CodeCao") or 0
    return {
        **data,
        "RecordID": record.id,
        "CreationDate": datetime.fromisoformat(record.created),
        "StartPeriod": record.period.number,
        "StartYear": record.year,
        "Sector": {"SectorId": sector, "SectorCode": sector, "SectorDescription": "Horeca algemeen"},
        "RiskGroup": {
            "RiskGroupId": data.get("RisicoGroep") or 0,
            "RiskGroupCode": data.get("RisicoGroep") or 0,
            "RiskGroupDescription": "Risicogroep 1",
        },
        "CLA": {"CLAId": cao, "CLACode": cao, "CLADescription": "Horeca- en aanverwante bedrijf"},
        "PremiumReduction": {
            "PremiumReductionCode": data.get("PremieKorting") or 0,
            "EndPeriod": 0,
            "EndYear": 0,
        },
    }


@handles(EMPLOYEE, "Function_GetFunction")
def function(call: Call) -> dict[str, Any] | None:
    """A function of the debtors' catalogues by its id."""
    wanted = call.args.get("FunctionID") or 0
    for debtor in call.tenant.debtors():
        for record in call.tenant.records("Function", "debtor", [debtor.id]):
            if record.id == wanted:
                return {**record.data, "Id": record.id}
    return None


@handles(EMPLOYEE, "EndServiceReason_GetList")
def end_service_reasons(call: Call) -> list[dict[str, Any]]:
    """The reasons a service can end with."""
    return [{"ID": n, "Description": text} for n, text in enumerate(END_SERVICE_REASONS, 1)]


@handles(DEBTOR, "WebhookSettings_GetEvents")
def webhook_events(call: Call) -> list[dict[str, Any]]:
    """The events a webhook can subscribe to."""
    return [{"EventId": n, "EventName": name, "Active": True} for n, name in enumerate(WEBHOOK_EVENTS, 1)]


def _journal_report(call: Call, company: Company, first: int, last: int, employee: int | None = None) -> str:
    year = call.args.get("Year") or company.current_year
    runs = [r for r in call.tenant.records("Run", "company", [company.id]) if r.year == year]
    lines = []
    for run in runs:
        if first <= run.period.number <= last:
            lines += [
                j
                for j in journal_employees(run_view(call.tenant, company, run.id))
                if employee in (None, j.employee_id)
            ]
    return journal_xml(call.name, company.id, 0, year, last, lines)


@handles(COMPANY, "Reports_GetJournalsReportByCompany")
def journals_report(call: Call) -> str:
    """The journal lines of the company's runs in the periods StartPeriod to EndPeriod, as XML."""
    company = _company(call)
    return _journal_report(call, company, call.args.get("StartPeriod") or 1, call.args.get("EndPeriod") or 0)


@handles(COMPANY, "Reports_GetWageCodesByYear")
def wage_codes_by_year(call: Call) -> str:
    """The wage codes and amounts of the year's runs, per employee, as XML."""
    company = _company(call)
    return _journal_report(
        call, company, 1, company.type.periods_in_year(call.args.get("Year") or company.current_year)
    )


@handles(EMPLOYEE, "Reports_GetJournalsReportByEmployee")
def employee_journals_report(call: Call) -> str:
    """The employee's journal lines in the periods StartPeriod to EndPeriod, as XML."""
    employee = call.tenant.employee(call.args.get("EmployeeId") or 0)
    company = call.tenant.company(employee.company_id)
    first, last = call.args.get("StartPeriod") or 1, call.args.get("EndPeriod") or 0
    return _journal_report(call, company, first, last, employee.id)
