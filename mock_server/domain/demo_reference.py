"""The rest of what a real Nmbrs environment holds, seeded after the people and their pay.

Debtors get their address, bank account, contact persons, managers, departments, functions, titles, tags,
service level and labour-agreement settings; companies their contact person, labour agreement, salary
table with scales and steps, social-insurance (SVW) settings, full-time schedule and default employee
template; employees their wage-tax and SVW settings, service interval, labour agreement, manager, salary
scale, cost type; and, by position (so every company of ten or more has them), partners, children,
absences, lease cars, performance reviews and free fields. Everything uses Nmbrs's field names, so the
family conventions answer it. The empty-read sweep (tests/test_empty_reads.py) checks nothing is missing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.demo_catalogue import (
    ALWAYS,
    DEPARTMENTS,
    FUNCTIONS,
    MANAGERS,
    TITLES,
    Add,
    guid,
    labour_agreement,
    manager,
)
from mock_server.domain.demo_people import Hired, seed_employee
from mock_server.domain.dutch_places import TOWNS
from mock_server.domain.model import Company, Debtor
from mock_server.domain.periods import Period
from mock_server.domain.schedules import company_fulltime_schedule
from mock_server.domain.tenant import Tenant


def seed_reference(
    tenant: Tenant,
    debtors: list[Debtor],
    companies: list[Company],
    created: datetime,
    staff: dict[int, list[Hired]],
) -> None:
    """`staff`: each company's employees as seeded, in order."""

    functions = seed_debtor_reference(tenant, debtors, created)
    for company in companies:
        seed_company_reference(
            tenant, company, functions[company.debtor_id], created, staff.get(company.id, [])
        )


def seed_debtor_reference(
    tenant: Tenant, debtors: list[Debtor], created: datetime
) -> dict[int, dict[int, int]]:
    """The debtors' own data; each debtor's function catalogue (code -> record id), by debtor id."""
    add = _adder(tenant, created)
    return {debtor.id: _debtor(add, debtor) for debtor in debtors}


def seed_company_reference(
    tenant: Tenant, company: Company, functions: dict[int, int], created: datetime, staff: list[Hired]
) -> None:
    """A company's own data, then its employees' (`staff`, as seeded, in order)."""
    add = _adder(tenant, created)
    _company(add, company)
    for position, hired in enumerate(staff):
        seed_employee(tenant, add, company, position, functions, hired)


def _adder(tenant: Tenant, created: datetime) -> Add:
    def add(family: str, kind: str, owner: int, start: Period, data: dict[str, Any]) -> int:
        return tenant.add_record(family, kind, owner, start, data, created=created).id

    return add


def _debtor(add: Add, debtor: Debtor) -> dict[int, int]:
    """The debtor's own data; returns its function catalogue (code -> record id)."""
    town = TOWNS[debtor.id % len(TOWNS)]
    add(
        "Address",
        "debtor",
        debtor.id,
        ALWAYS,
        {
            "Default": True,
            "Street": "Stationsweg",
            "HouseNumber": str(10 + debtor.id % 90),
            "PostalCode": f"{town.postcodes[0]} AB",
            "City": town.name,
            "CountryISOCode": "NL",
        },
    )
    add(
        "BankAccount",
        "debtor",
        debtor.id,
        ALWAYS,
        {
            "Number": "NL91ABNA0417164300",
            "IBAN": "NL91ABNA0417164300",
            "BIC": "ABNANL2A",
            "Description": "Kantoorrekening",
            "Name": debtor.name,
            "City": town.name,
            "Type": "Standaard",
        },
    )
    contact = {
        "Name": "Petra Jansen",
        "Email": f"petra.jansen@kantoor{debtor.number}.nl",
        "Phone": "030-2345678",
    }
    add("ContactPerson", "debtor", debtor.id, ALWAYS, contact)
    add("AccountantContact", "debtor", debtor.id, ALWAYS, {**contact, "Name": "Erik Smit, RA"})
    for number, (first, last, function) in enumerate(MANAGERS, 1):
        add("Manager", "debtor", debtor.id, ALWAYS, manager(number, first, last, function))
    for code, text in DEPARTMENTS:
        add("Department", "debtor", debtor.id, ALWAYS, {"Code": code, "Description": text})
    catalogue = {
        code: add("Function", "debtor", debtor.id, ALWAYS, {"Code": code, "Description": text})
        for code, text in FUNCTIONS
    }
    for title in TITLES:
        add("Title", "debtor", debtor.id, ALWAYS, {"TitleName": title})
    add("Tags", "debtor", debtor.id, ALWAYS, {"Number": 1, "HexColor": "#2E7D32", "Tag": "Horeca"})
    add(
        "ServiceLevel",
        "debtor",
        debtor.id,
        ALWAYS,
        {
            "StartPeriod": 1,
            "StartYear": 2020,
            "ServiceLevel": "Full service",
            "StartContract": datetime(2020, 1, 1),
        },
    )
    add(
        "LabourAgreementSettings",
        "debtor",
        debtor.id,
        ALWAYS,
        {
            "Guid": guid("cao-settings", debtor.id),
            "IntNumber": 1,
            "StrName": "Horeca CAO",
            "IntDebiteurID": debtor.id,
        },
    )
    return catalogue


def _company(add: Add, company: Company) -> None:
    add(
        "ContactPerson",
        "company",
        company.id,
        ALWAYS,
        {
            "Name": "Anouk Bakker",
            "Email": company.email,
            "Phone": company.phone,
            "Gender": "female",
            "MobilePhone": "06-24681357",
            "Function": "Salarisadministratie",
            "Department": "Administratie",
            "Number": 1,
        },
    )
    add("LabourAgreements", "company", company.id, ALWAYS, labour_agreement(company))
    add(
        "SalaryTable",
        "company",
        company.id,
        ALWAYS,
        {
            "Code": 1,
            "Description": "Loontabel CAO Horeca",
            "GuidSalaryTable": guid("salary-table", company.id),
        },
    )
    add(
        "SVW",
        "company",
        company.id,
        ALWAYS,
        {
            "SVWSettings": {
                "CodeCao": 2012,
                "EigenrisicodragerGediffWGA": False,
                "EigenrisicodragerUniformeWAO": False,
                "EigenrisicodragerZiektewet": False,
                "RisicoGroep": 1,
                "Gediff_WGA_wn": Decimal("0.00"),
                "Gediff_WGA_wg": Decimal("0.52"),
                "Sector": 33,
            },
            "Sector": {"Code": 33, "Description": "Horeca algemeen"},
            "Risicogroep": {"Code": 1, "Description": "Risicogroep 1"},
            "CAO": {"Code": 2012, "Description": "Horeca- en aanverwante bedrijf"},
        },
    )
    add("Schedule", "company", company.id, ALWAYS, company_fulltime_schedule())
    add(
        "DefaultEmployeeTemplates",
        "company",
        company.id,
        ALWAYS,
        {
            "DefaultEmployeeTemplateId": guid("template", company.id),
            "Description": "Standaard werknemer horeca",
        },
    )
