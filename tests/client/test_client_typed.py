"""The typed methods of nmbrs_client return dataclasses holding what the mock holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from nmbrs_client import (
    Company,
    Contract,
    CurrentPeriod,
    DaysWorked,
    Document,
    HourLine,
    NmbrsClient,
    Period,
    PersonalInfo,
    WageLine,
)

from mock_server.app import MockApp
from mock_server.domain.demo import HOUR_CODES, WAGE_CODES
from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant


@pytest.fixture
def tenant(mock_app: MockApp, environment: EnvironmentSpec) -> Tenant:
    return mock_app.backend.tenant(environment.name)


def first_company(tenant: Tenant, period_type: str = "M"):
    return next(c for c in tenant.companies() if c.period_type == period_type)


def current_of(tenant: Tenant, company_id: int) -> Period:
    company = tenant.company(company_id)
    return Period(company.current_year, company.current_period)


def test_companies_and_their_current_period(client: NmbrsClient, tenant: Tenant) -> None:
    companies = client.companies.list()
    assert all(isinstance(c, Company) for c in companies)
    held = {c.id: c for c in tenant.companies()}
    assert {c.id for c in companies} == set(held)
    for company in companies:
        assert (company.name, company.number, company.kvk_number) == (
            held[company.id].name,
            held[company.id].number,
            held[company.id].kvk,
        )
        current = client.companies.current_period(company.id)
        assert isinstance(current, CurrentPeriod)
        stored = held[company.id]
        assert (current.year, current.number, current.period_type) == (
            stored.current_year,
            stored.current_period,
            stored.period_type,
        )
    debtor = tenant.debtors()[0]
    assert {c.id for c in client.companies.list_by_debtor(debtor.id)} == {
        c.id for c in tenant.companies(debtor.id)
    }


def test_hour_and_wage_models(client: NmbrsClient, tenant: Tenant) -> None:
    company = first_company(tenant)
    hour_codes = client.companies.hour_codes(company.id)
    assert [(c.code, c.description) for c in hour_codes] == HOUR_CODES[1]
    assert [(c.code, c.description) for c in client.companies.hour_codes(company.id, model=2)] == HOUR_CODES[
        2
    ]
    assert [(c.code, c.description) for c in client.companies.wage_codes(company.id)] == WAGE_CODES[1]


def test_employees_personal_info_and_contracts(client: NmbrsClient, tenant: Tenant) -> None:
    company = first_company(tenant)
    stored = tenant.employees(company.id)
    listed = client.employees.list(company.id)
    assert [(e.id, e.number, e.display_name) for e in listed] == [
        (e.id, e.number, e.display_name) for e in stored
    ]

    ids = [e.id for e in stored]
    infos = client.employees.personal_infos(company.id)
    assert set(infos) == set(ids)
    newest: dict[int, StoredRecord] = {}
    for record in tenant.records("PersonalInfo", "employee", ids):
        if record.owner not in newest or record.start >= newest[record.owner].start:
            newest[record.owner] = record
    for employee_id, versions in infos.items():
        assert versions and all(isinstance(v, PersonalInfo) for v in versions)
        latest = versions[-1]
        assert latest.email_work == (newest[employee_id].data.get("EmailWork") or "")
        assert latest.last_name == newest[employee_id].data["LastName"]

    contracts = client.employees.contracts(company.id)
    with_contract = {r.owner for r in tenant.records("Contract", "employee", ids)}
    assert {eid for eid, items in contracts.items() if items} == with_contract
    assert with_contract != set(ids), "the demo has employees without a contract (seed 000's edge case)"
    one = next(iter(with_contract))
    record = tenant.records("Contract", "employee", [one])[0]
    contract = contracts[one][0]
    assert isinstance(contract, Contract)
    assert contract.start_date == record.data["StartDate"].date()
    assert contract.hours_per_week == record.data["HoursPerWeek"]
    assert contract.active_on(date(2100, 1, 1)) == (record.data["EndDate"] is None)


def test_hours_insert_get_clear(client: NmbrsClient, tenant: Tenant) -> None:
    company = first_company(tenant)
    period = current_of(tenant, company.id)
    employees = [e.id for e in tenant.employees(company.id)[:3]]
    key = period.year * 100 + period.number
    for employee in employees:  # start from empty periods (the demo seeds some leave hours)
        client.hours.clear(employee, period)
    lines = [HourLine(eid, 1, Decimal("7.50"), comment=f"day {d}") for eid in employees for d in (1, 2)]
    assert client.hours.insert_batch(lines, period, batch_size=4) == 2  # 6 lines in batches of 4

    stored = [r for r in tenant.records("HourComponentVar", "employee", employees) if r.start == key]
    assert sorted(
        (r.owner, r.data["HourCode"], r.data["Hours"], r.data["Comment"]) for r in stored
    ) == sorted((line.employee_id, 1, Decimal("7.50"), line.comment) for line in lines)
    got = client.hours.get(employees[0], period)
    assert sorted(h.hours for h in got) == [Decimal("7.50")] * 2
    assert {h.id for h in got} == {r.id for r in stored if r.owner == employees[0]}
    assert client.hours.get(employees[0]) == got  # None = the current period

    client.hours.clear(employees[0], period)
    assert client.hours.get(employees[0], period) == []
    left = {r.owner for r in tenant.records("HourComponentVar", "employee", employees) if r.start == key}
    assert left == set(employees[1:])


def test_wages_and_days(client: NmbrsClient, tenant: Tenant) -> None:
    company = first_company(tenant)
    period = current_of(tenant, company.id)
    employee = tenant.employees(company.id)[0].id
    client.wages.insert_batch([WageLine(employee, 120, Decimal("12.50"), comment="maaltijd")], period)
    assert [(w.code, w.value) for w in client.wages.get(employee, period)] == [(120, Decimal("12.50"))]
    stored = tenant.records("WageComponentVar", "employee", [employee])
    assert [(r.data["Code"], r.data["Value"]) for r in stored] == [(120, Decimal("12.50"))]

    client.days.set_var_batch([DaysWorked(employee, 3, period)])
    assert client.days.var(employee, period) == 3
    assert client.days.var(employee) == 3
    assert [r.data["Days"] for r in tenant.records("DaysVar", "employee", [employee])] == [3]
    assert client.days.worked(employee, period).days == 3


def test_runs_declarations_and_documents(client: NmbrsClient, tenant: Tenant) -> None:
    company = first_company(tenant)
    year = company.current_year
    runs = client.runs.list(company.id, year)
    stored_runs = [r for r in tenant.records("Run", "company", [company.id]) if r.data["Year"] == year]
    assert sorted(r.id for r in runs) == sorted(r.id for r in stored_runs)
    run = runs[-1]
    assert run.locked == next(r.data["IsLocked"] for r in stored_runs if r.id == run.id)
    processed = client.runs.employees(company.id, run.id, year)
    assert processed and {p.employee_id for p in processed} <= {e.id for e in tenant.employees(company.id)}

    declarations = client.wage_tax.list(company.id, year)
    stored = {
        r.id: r.data for r in tenant.records("WageTax", "company", [company.id]) if r.data["Year"] == year
    }
    assert {d.id: d.status for d in declarations} == {i: d["Status"] for i, d in stored.items()}
    locked = client.wage_tax.list(company.id, year, status="LOCKED")
    assert locked and {d.status for d in locked} == {"locked"}
    assert "<Loonaangifte" in client.wage_tax.xml(company.id, locked[0].id)

    payslips = client.documents.payslips(company.id, run.id, year)
    assert isinstance(payslips, Document) and payslips.content.startswith(b"%PDF")
    assert len(payslips.sha256) == 64
    statement = client.documents.annual_statement(company.id, run.id, year)
    assert statement.content.startswith(b"%PDF")
    sepa = client.documents.sepa(company.id, run.id, year, date(year, 12, 24))
    assert f"{year}-12-24" in sepa


def test_environment_and_debtors(client: NmbrsClient, tenant: Tenant, environment: EnvironmentSpec) -> None:
    env = client.debtors.environment()
    assert env.subdomain == environment.name
    debtors = client.debtors.list()
    assert [(d.id, d.number, d.name) for d in debtors] == [(d.id, d.number, d.name) for d in tenant.debtors()]
    assert client.debtors.get(debtors[0].id) == debtors[0]


def test_generic_call_finds_the_service(client: NmbrsClient, tenant: Tenant) -> None:
    employee = tenant.employees(first_company(tenant).id)[0]
    info = client.call("PersonalInfo_GetCurrent", EmployeeId=employee.id)  # only EmployeeService has it
    assert info.DisplayName == employee.display_name
    schedule = client.call("EmployeeService.Schedule_GetCurrent", EmployeeId=employee.id)
    assert schedule.HoursMonday is not None
    debtors = client.call("DebtorService.List_GetAll")
    assert [d.Id for d in debtors] == [d.id for d in tenant.debtors()]
    with pytest.raises(ValueError, match="several services"):
        client.call("Schedule_GetCurrent")
    with pytest.raises(ValueError, match="no service has"):
        client.call("No_Such_Operation")
