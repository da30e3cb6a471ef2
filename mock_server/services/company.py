"""CompanyService operations that act on entities rather than on period-based records."""

from __future__ import annotations

from datetime import date
from typing import Any

from mock_server.domain.model import Company
from mock_server.domain.periods import Period, PeriodType, containing, first_day, format_period
from mock_server.domain.tax_periods import default_declaration_kind
from mock_server.services.call import Call, handles

SERVICE = "CompanyService"


def company_wire(company: Company) -> dict[str, Any]:
    return {
        "ID": company.id,
        "Number": company.number,
        "Name": company.name,
        "PhoneNumber": company.phone,
        "FaxNumber": None,
        "Email": company.email,
        "Website": company.website,
        "LoonaangifteTijdvak": company.loonaangifte_tijdvak,
        "KvkNr": company.kvk,
    }


@handles(SERVICE, "List_GetAll")
def list_all(call: Call) -> list[dict[str, Any]]:
    """Lists the companies of every debtor the user may see."""
    return [company_wire(c) for c in call.tenant.companies()]


@handles(SERVICE, "List_GetByDebtor")
def list_by_debtor(call: Call) -> list[dict[str, Any]]:
    """Lists the companies of one debtor (2009 if unknown)."""
    debtor = call.tenant.debtor(call.args["DebtorId"])
    return [company_wire(c) for c in call.tenant.companies(debtor.id)]


@handles(SERVICE, "Company_GetCurrentByEmployeeId")
def current_by_employee(call: Call) -> dict[str, Any]:
    """Returns the company an employee works for (2003 if unknown)."""
    employee = call.tenant.employee(call.args["EmployeeId"])
    return company_wire(call.tenant.company(employee.company_id))


@handles(SERVICE, "Company_GetCurrentPeriod")
def current_period(call: Call) -> str:
    """Returns the company's current period as `yyyy-p-M|W4|W1` (2004 if unknown)."""
    company = call.tenant.company(call.args["CompanyId"])
    return format_period(company.type, company.current, call.settings.period_format)


@handles(SERVICE, "Company_Insert")
def insert(call: Call) -> int:
    """Creates a company under a debtor with the period type 1/2/3 (month, 4 weeks, week)."""
    tenant = call.tenant
    debtor = tenant.debtor(call.args["DebtorId"])
    period_type = PeriodType.from_code(call.args["PeriodType"])
    current = _current_period_for(tenant.companies(), period_type)
    company = Company(
        id=tenant.entity_id("company"),
        debtor_id=debtor.id,
        number=max((c.number for c in tenant.companies()), default=0) + 1,
        name=call.args.get("CompanyName") or "",
        period_type=period_type.value,
        current_year=current.year,
        current_period=current.number,
        loonaangifte_tijdvak=default_declaration_kind(period_type).value,
    )
    tenant.save(company)
    return company.id


def _current_period_for(companies: list[Company], period_type: PeriodType) -> Period:
    """A new company starts in the period of the environment's "today": the latest day on which one of
    its companies' current periods starts (the real date in an environment without companies)."""
    day = max((first_day(c.type, c.current) for c in companies), default=date.today())
    return containing(period_type, day)
