"""Reference data of each employee: wage-tax and SVW settings, service, labour agreement, manager, the
function's catalogue entry; and by position (so every company of ten or more has them) partners,
children, absences, lease cars, performance reviews and free fields. The salary (with its scale), function
and cost center (with its cost type) made with the employee are stored here too (`Hired`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from mock_server.domain.demo_catalogue import (
    ALWAYS,
    FUNCTIONS,
    LEASE_CARS,
    MANAGERS,
    SCALES,
    Add,
    guid,
    manager,
    salary_scales,
    salary_steps,
)
from mock_server.domain.dutch_data import Person, domain_for_company, work_email
from mock_server.domain.dutch_numbers import bic_for
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import Period, containing, first_day, midnight
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant

_FUNCTION_NAMES = dict(FUNCTIONS)  # code -> catalogue description


Department = tuple[int, str]  # (code, description), as `DEPARTMENTS` holds them


@dataclass(frozen=True)
class Draw:
    """What an employee's random draws gave, in the order they are drawn (see `Seeder.draw`)."""

    person: Person
    weekly: Decimal  # contract hours a week (0 for a zero-hour employee)
    department: Department
    pay: Decimal  # the salary's value: monthly, or hourly for a zero-hour employee


@dataclass(frozen=True, slots=True)
class Hired:
    """A seeded employee, as `seed_employee` completes it. Its salary on a scale, function and cost
    center were given their ids when the employee was made (in its first period), and are stored by
    `seed_employee`: the function once the debtor's catalogue exists, all three where they always
    were stored (so the rows of a seeded environment keep their order)."""

    employee: Employee
    salary: StoredRecord | None  # None: stored already (a flexible employee's, on no scale)
    function: StoredRecord
    cost_center: StoredRecord


def seed_employee(
    tenant: Tenant,
    add: Add,
    company: Company,
    position: int,
    functions: dict[int, int],
    hired: Hired,
) -> None:
    employee, start = hired.employee, hired.function.period
    begin = midnight(first_day(company.type, start))
    add(
        "WageTax",
        "employee",
        employee.id,
        start,
        {
            "JaarloonBT": Decimal("0.00"),
            "AfwBijzTariefLH": Decimal("0.00"),
            "AutoKleineBanenRegeling": False,
            "Loonheffingkorting": position % 8 != 7,
            "Voordeelreg": False,
            "Loonheffing": True,
            "CodeAfdrachtvermindering": 0,
            "KleurTabel": 1,
            "SoortInkomen": 15,
            "SpecialeTabel": 0,
            "TijdvakTabel": {"M": 2, "W4": 3, "W1": 4}[company.period_type],
            "VakantieBonnen": 0,
            "CodeCalc30PercRule": 0,
        },
    )
    add(
        "SVW",
        "employee",
        employee.id,
        start,
        {
            "InvloedVerzekeringsplicht": "0",
            "PremieKorting": 0,
            "PremieKortingVerhoging": False,
            "CodeCao": 2012,
            "Wao_Wia": True,
            "Ww": True,
            "Zw": True,
            "CodeIabZvw": 0,
            "CodeZvw": "K",
            "RisicoGroep": 1,
            "Sector": 33,
            "ZW": True,
            "WW": True,
            "WAO_WIA": True,
            "MarginalLabor": False,
            "ZVW": 1,
            "ZVWContribution": 0,
            "InfluenceInsurance": 0,
        },
    )
    add("Service", "employee", employee.id, start, {"Start": begin, "End": None, "SeniorityDate": begin})
    add(
        "LabourAgreements",
        "employee",
        employee.id,
        start,
        {
            "Guid": guid("cao", company.id),
            "Number": 1,
            "Description": "CAO Horeca",
        },
    )
    add("Manager", "employee", employee.id, start, manager(1 + position % 2, *MANAGERS[position % 2]))
    add(
        "ExtraFields",
        "employee",
        employee.id,
        ALWAYS,
        {
            "Name": "Lid personeelsvereniging",
            "Type": "Boolean",
            "Value": "true" if position % 2 else "false",
        },
    )
    _store_held(tenant, hired, functions)
    _by_position(add, company, employee, position, start)


def salary_table(company: Company, scale_index: int) -> dict[str, Any]:
    """The nested salary table of a seeded salary on scale `SCALES[scale_index]`, step 1."""
    scale = SCALES[scale_index]
    return {
        "Code": 1,
        "Description": "Loontabel CAO Horeca",
        "Schaal": {k: v for k, v in salary_scales(company)[scale_index].items() if "Guid" not in k},
        "Trede": {k: v for k, v in salary_steps(company, scale[0])[1].items() if "Guid" not in k},
    }


def _store_held(tenant: Tenant, hired: Hired, functions: dict[int, int]) -> None:
    """The records `hired` holds, the function with its catalogue entry (which exists by now)."""
    if hired.salary is not None:
        tenant.put_record(hired.salary)
    record = hired.function
    code = int(record.data.get("Code") or 0)
    text = _FUNCTION_NAMES.get(code, record.data.get("Description"))
    catalogued = {"Id": functions.get(code, 0), "Code": code, "Description": text}
    record.data = {**record.data, "Function": catalogued}
    tenant.put_record(record)
    tenant.put_record(hired.cost_center)


def _by_position(add: Add, company: Company, employee: Employee, position: int, start: Period) -> None:
    today = first_day(company.type, company.current)
    if position % 3 == 1:
        add(
            "Partner",
            "employee",
            employee.id,
            start,
            {
                "PartnerName": "de Wit",
                "FirstName": "Sam",
                "Initials": "S.",
                "Gender": "female",
                "Birthday": datetime(1988, 4, 12),
                "StartDate": datetime(2015, 6, 1),
                "Telephone": "06-87654321",
            },
        )
    if position % 4 == 1:
        add(
            "Children",
            "employee",
            employee.id,
            start,
            {
                "Name": employee.display_name.split()[-1],
                "FirstName": "Noor",
                "Initials": "N.",
                "Gender": "female",
                "Birthday": datetime(2016, 9, 3),
            },
        )
    if position % 5 == 0:  # a closed sick leave, and for some an open one
        _absence(add, company, employee, today - timedelta(days=61), today - timedelta(days=54), 100)
        if position % 10 == 0:
            _absence(add, company, employee, today - timedelta(days=3), None, 50)
    if position % 4 == 0:
        brand, model, addition, plate, value = LEASE_CARS[position // 4 % len(LEASE_CARS)]
        add(
            "LeaseCar",
            "employee",
            employee.id,
            start,
            {
                "Brand": brand,
                "Model": model,
                "AdditionPercentage": addition,
                "ContractLeaseCompany": "LeasePlan",
                "ContractNumber": f"LP-{employee.id}",
                "ContractDuration": 48,
                "LeasingPriceMonth": Decimal("649.00"),
                "MaxMileage": 25000,
                "PriceMoreMileage": Decimal("0.08"),
                "PriceLessMileage": Decimal("0.04"),
                "FirstResgistrationDate": datetime(2025, 1, 15),
                "CO2Emissions": 0,
                "LicensePlate": plate,
                "CatalogValue": Decimal(value),
                "StartDate": datetime(2025, 2, 1),
                "EndDate": None,
                "ReasonNoContribution": 0,
                "ContributionPrivatePercentage": 0,
                "ContributionPrivateUse": Decimal("0.00"),
                "ContributionNotDeductible": Decimal("0.00"),
            },
        )
    if position % 2 == 0:
        review = midnight(today - timedelta(days=120))
        add(
            "PerformanceReview",
            "employee",
            employee.id,
            start,
            {
                "ManagerID": 1,
                "Manager": " ".join(MANAGERS[0][:2]),
                "ReviewDate": review,
                "TypeID": 1,
                "AppraisalID": 3,
                "Appraisal": 3,
                "CaseManager": "",
                "Note": "Functioneringsgesprek: goed op weg.",
                "NextReviewDate": review + timedelta(days=365),
                "Type": "Functioneringsgesprek",
                "AppraisalName": "Goed",
            },
        )


def _absence(
    add: Add, company: Company, employee: Employee, begin: date, end: date | None, percentage: int
) -> None:
    period = containing(company.type, begin)
    add(
        "Absence",
        "employee",
        employee.id,
        period,
        {
            "Comment": "Griep" if end else "Rugklachten",
            "Percentage": percentage,
            "Start": midnight(begin),
            "RegistrationStartDate": midnight(begin),
            "End": midnight(end) if end else None,
            "RegistrationEndDate": midnight(end) if end else None,
            "Dossier": "Ziekte",
            "Dossiernr": employee.id % 100_000 * 10 + percentage // 50,
            "AbsenceCause": {"CauseId": 1, "Cause": "Ziekte"},
        },
    )


def personal_info_data(
    employee: Employee, person: Person, company_name: str, created: datetime, start: Period
) -> dict[str, Any]:
    """A `PersonalInfo` record's data from `start` on (every fifth employee has no work e-mail)."""
    email = None if employee.number % 5 == 0 else work_email(person, domain_for_company(company_name))
    return {
        "DisplayName": person.full_name,
        "EmployeeNumber": employee.number,
        "BSN": person.bsn,
        "FirstName": person.first_name,
        "Initials": person.initials,
        "Prefix": person.prefix or None,
        "LastName": person.last_name,
        "Gender": person.gender,
        "NationalityCode": person.nationality_code,
        "PlaceOfBirth": person.place_of_birth,
        "CountryOfBirthISOCode": person.country_of_birth,
        "IdentificationType": 0,
        "TelephonePrivate": person.phone_private,
        "TelephoneMobilePrivate": person.phone_private,
        "EmailPrivate": person.email_private,
        "EmailWork": email,
        "BurgerlijkeStaat": 0,
        "Naamstelling": 0,
        "Birthday": midnight(person.birthday),
        "CreationDate": created,
        "StartPeriod": start.number,
        "StartYear": start.year,
        **address_of(person),
    }


def contract_data(begin: datetime, created: datetime, zero_hour: bool, weekly: Decimal) -> dict[str, Any]:
    """A `Contract` record's data: indefinite, or a zero-hour (phase) contract."""
    return {
        "CreationDate": created,
        "StartDate": begin,
        "TrialPeriod": None,
        "EndDate": None,
        "EmployementType": 2 if zero_hour else 1,
        "EmploymentSequenceTaxId": 1,
        "Indefinite": not zero_hour,
        "PhaseClassification": 1 if zero_hour else 0,
        "WrittenContract": True,
        "HoursPerWeek": weekly,
    }


def address_of(person: Person) -> dict[str, Any]:
    return {
        "Street": person.street,
        "HouseNumber": str(person.house_number),
        "HouseNumberAddition": person.house_number_addition or None,
        "PostalCode": person.postal_code,
        "City": person.city,
        "CountryISOCode": "NL",
    }


def bic_or_none(iban: str) -> str | None:
    try:
        return bic_for(iban)
    except ValueError:
        return None
