"""Deterministic environments of any size, with realistic Dutch payroll data.

`seed_environment` fills a tenant with debtors, companies (monthly, four-weekly, weekly), employees
with personal-info history, contracts (some zero-hour, some missing), salaries, schedules,
addresses, bank accounts, hour and wage codes, processed runs and wage-tax declarations. Records use
Nmbrs's own field names, so every read operation finds them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.demo_catalogue import COST_TYPE, DEPARTMENTS, SCALES
from mock_server.domain.demo_people import (
    Department,
    Draw,
    Hired,
    address_of,
    bic_or_none,
    contract_data,
    personal_info_data,
    salary_table,
)
from mock_server.domain.demo_reference import seed_reference
from mock_server.domain.dutch_data import DutchDataGenerator, domain_for_company
from mock_server.domain.history import replay_history
from mock_server.domain.leave_seed import seed_leave
from mock_server.domain.model import ApiUser, Company, Debtor, Employee, EnvironmentSpec
from mock_server.domain.periods import (
    Period,
    PeriodType,
    containing,
    first_day,
    midnight,
    previous_period,
)
from mock_server.domain.records import StoredRecord
from mock_server.domain.schedules import employee_schedule
from mock_server.domain.seeding_by_company import by_company, seed_by_company
from mock_server.domain.tax_periods import default_declaration_kind
from mock_server.domain.tenant import Tenant

DEMO_USER = "demo@nmbrs-mock.test"
DEMO_TOKEN = "demo-token"
DEMO_DOMAIN = "demo"
FIRST_DEBTOR_ID = 1000  # debtors get 1000, 1001, ... in the order they are created
DEMO_DATE = date(2026, 11, 16)  # "today" in a seeded environment: fixed, so data is deterministic
HOUR_CODES = {
    1: [(1, "Gewerkte uren"), (2, "Overuren 125%"), (3, "Ziekte-uren"), (4, "Verlofuren")],
    2: [(10, "Uren oproepkracht"), (11, "Toeslag avond"), (12, "Toeslag weekend")],
}
WAGE_CODES = {
    1: [(1, "Salaris"), (120, "Maaltijdvergoeding"), (121, "Reiskostenvergoeding"), (130, "Extra betaling")],
    2: [(200, "Thuiswerkvergoeding")],
}


@dataclass(frozen=True)
class EnvironmentShape:
    employees: int = 40
    period_types: tuple[str, ...] = ("M", "W4", "M", "W1")  # one company per entry, spread over the debtors
    debtors: int = 2
    seed: int = 1
    unsent_declarations: int = 2  # the newest declarations stay "locked" (not yet sent)


@dataclass(frozen=True)
class EnvironmentSetup:
    """An environment to create: who can log in (`spec`) and what it holds (`shape`)."""

    spec: EnvironmentSpec
    shape: EnvironmentShape


def demo_spec(name: str = DEMO_DOMAIN, seed: int = 1) -> EnvironmentSpec:
    return EnvironmentSpec(name=name, users=[ApiUser(DEMO_USER, DEMO_TOKEN)], seed=seed)


def seed_environment(tenant: Tenant, shape: EnvironmentShape) -> None:
    Seeder(tenant, shape).run()


@dataclass(frozen=True)
class ShapeSeeder:
    """`seed_environment` of one shape, as a seeder another process can take and that tells its
    shape (a large one is seeded in parallel parts, `seeding_apart`)."""

    shape: EnvironmentShape

    def __call__(self, tenant: Tenant) -> None:
        seed_environment(tenant, self.shape)


class Seeder:
    def __init__(self, tenant: Tenant, shape: EnvironmentShape, only: frozenset[int] | None = None) -> None:
        self.tenant = tenant
        self.shape = shape
        self.only = only  # the companies (by index) seeded company by company here; None: all
        self.people = DutchDataGenerator(shape.seed)
        self.random = random.Random(shape.seed)
        self.created = midnight(DEMO_DATE)
        self.cost_centers: dict[tuple[int, str], int] = {}  # (company, code) -> record id
        self.period_types: dict[tuple[str, int], PeriodType] = {}  # (owner kind, owner) -> its company's
        self._begins: dict[tuple[PeriodType, Period], datetime] = {}  # see `_begin`
        self.staff: dict[int, list[Hired]] = {}  # company id -> its employees, for `seed_reference`
        self._tables: dict[tuple[int, int], dict[str, Any]] = {}  # see `_salary_table`
        # the data of a function record until `seed_employee` completes it, by department (shared)
        self._functions = {code: {"Code": 10 + code, "Description": "Medewerker"} for code, _ in DEPARTMENTS}

    def run(self) -> None:
        if by_company(self.shape):
            seed_by_company(self, self.only)
            return
        debtors, companies = self.setup()
        for n in range(self.shape.employees):
            self.employee(companies[n % len(companies)], n // len(companies))
        seed_reference(self.tenant, debtors, companies, self.created, self.staff)
        self.staff.clear()  # all stored now
        for company in companies:
            seed_leave(self.tenant, company, self.created)
            replay_history(self.tenant, company, self.shape.unsent_declarations)

    def setup(self) -> tuple[list[Debtor], list[Company]]:
        """The debtors and companies, with the companies' own records (made first in every seeding)."""
        debtors = [self._debtor(n) for n in range(self.shape.debtors)]
        companies = [  # round robin: no debtor is left without a company
            self._company(debtors[n % len(debtors)], n, PeriodType(kind))
            for n, kind in enumerate(self.shape.period_types)
        ]
        return debtors, companies

    def draw(self, company: Company, position: int) -> Draw:
        """The random draws of a company's `position`-th employee, in the order seeding draws them."""
        person = self.people.person()
        zero_hour = position % 4 == 2  # `_employee`'s employee type 5
        weekly = Decimal("0.00") if zero_hour else Decimal(self.random.choice(("24.00", "32.00", "38.00")))
        department = self.random.choice(DEPARTMENTS)
        pay = (
            Decimal(self.random.randint(1400, 1900)) / 100
            if zero_hour
            else Decimal(self.random.randint(2400, 5200))
        )
        return Draw(person, weekly, department, pay)

    def _new(self, family: str, kind: str, owner: int, start: Period, data: dict[str, Any]) -> StoredRecord:
        """A record with its id, not stored yet (`Hired`)."""
        created = self._created(self.period_types[(kind, owner)], start)
        return self.tenant.new_record(family, kind, owner, start, data, created)

    def _record(
        self, family: str, kind: str, owner: int, start: Period, data: dict[str, Any], variable: bool = False
    ) -> int:
        created = self._created(self.period_types[(kind, owner)], start)
        return self.tenant.add_record(family, kind, owner, start, data, variable, created).id

    def _created(self, period_type: PeriodType, start: Period) -> datetime:
        """A version is created when its period starts (never after the demo's today): later versions of
        a history have later CreationDates, as consumers that pick the latest by it expect."""
        return min(self._begin(period_type, start), self.created)

    def _begin(self, period_type: PeriodType, start: Period) -> datetime:
        """Midnight of the first day of a period (asked for every record: remembered)."""
        begin = self._begins.get((period_type, start))
        if begin is None:
            begin = self._begins[(period_type, start)] = midnight(first_day(period_type, start))
        return begin

    def _salary_table(self, company: Company, scale_index: int) -> dict[str, Any]:
        """`salary_table`, made once per company and scale (it is encoded, never changed)."""
        table = self._tables.get((company.id, scale_index))
        if table is None:
            table = self._tables[(company.id, scale_index)] = salary_table(company, scale_index)
        return table

    def _debtor(self, index: int) -> Debtor:
        debtor = Debtor(
            self.tenant.next_id("debtor", FIRST_DEBTOR_ID),
            str(FIRST_DEBTOR_ID + index),
            f"Demo Administratiekantoor {index + 1}",
        )
        self.tenant.save(debtor)
        return debtor

    def _company(self, debtor: Debtor, index: int, period_type: PeriodType) -> Company:
        name = self.people.company_name()
        current = containing(period_type, DEMO_DATE)
        company = Company(
            id=self.tenant.entity_id("company"),
            debtor_id=debtor.id,
            number=index + 1,
            name=name,
            period_type=period_type.value,
            current_year=current.year,
            current_period=current.number,
            phone="020-" + str(self.random.randint(1000000, 9999999)),
            email=f"salaris@{domain_for_company(name)}",
            website=f"https://www.{domain_for_company(name)}",
            kvk=self.people.kvk_number(),
            wage_tax_number=self.people.loonheffingennummer(),
            loonaangifte_tijdvak=default_declaration_kind(period_type).value,
        )
        self.tenant.save(company)
        self.period_types[("company", company.id)] = company.type
        start = Period(2000, 1)
        for model, family in ((1, "HourModel"), (2, "HourModel2")):
            for code, text in HOUR_CODES[model]:
                self._record(family, "company", company.id, start, {"Code": code, "Description": text})
        for model, family in ((1, "WageModel"), (2, "WageModel2")):
            for code, text in WAGE_CODES[model]:
                self._record(family, "company", company.id, start, {"Code": code, "Description": text})
        self._record(
            "Address",
            "company",
            company.id,
            start,
            {"Default": True, **address_of(self.people.person())},
        )
        for center, text in (("100", "Bediening"), ("200", "Keuken"), ("300", "Administratie")):
            record_id = self._record(
                "CostCenter", "company", company.id, start, {"Code": center, "Description": text}
            )
            self.cost_centers[(company.id, center)] = record_id
        for unit, text in (("A", "Vestiging Centrum"), ("B", "Vestiging Noord")):
            self._record("CostUnit", "company", company.id, start, {"Code": unit, "Description": text})
        iban = self.people.iban()
        self._record(
            "BankAccount",
            "company",
            company.id,
            start,
            {
                "Number": iban,
                "IBAN": iban,
                "BIC": bic_or_none(iban),
                "Description": "Salarisbetalingen",
                "Name": name,
                "Type": "Standaard",
            },
        )
        return company

    def employee(
        self, company: Company, position: int, draw: Draw | None = None, employee_id: int | None = None
    ) -> None:
        """The `position`-th employee of a company; positions decide the importer edge cases, so every
        company of ten or more has zero-hour employees, one without a contract, one without a work e-mail
        and one with a personal-info history. Its `draw` and id are made here unless given."""
        draw = draw or self.draw(company, position)
        person = draw.person
        employee = Employee(
            id=self.tenant.entity_id("employee") if employee_id is None else employee_id,
            company_id=company.id,
            number=position + 1,
            display_name=person.full_name,
            employee_type=5 if position % 4 == 2 else 1,
        )
        self.tenant.save(employee)
        self.period_types[("employee", employee.id)] = company.type
        start = (
            previous_period(company.type, company.current)
            if position % 3
            else Period(company.current_year - 1, 1)
        )
        created = self._created(company.type, start)
        info = personal_info_data(employee, person, company.name, created, start)
        self._record("PersonalInfo", "employee", employee.id, start, info)
        if position % 7 == 3:  # a later change of personal info: history with two records
            changed_at = self._created(company.type, company.current)
            changed = {
                **personal_info_data(employee, person, company.name, changed_at, company.current),
                "TelephoneWork": "020-5550100",
            }
            self._record("PersonalInfo", "employee", employee.id, company.current, changed)
        zero_hour = employee.employee_type == 5
        weekly = draw.weekly
        if position % 6 != 5:  # no contract: an importer edge case
            contract = contract_data(self._begin(company.type, start), created, zero_hour, weekly)
            self._record("Contract", "employee", employee.id, start, contract)
        function, cost_center = self._employment(employee, company, start, draw.department)
        salary = self._money(employee, company, start, draw)
        self.staff.setdefault(company.id, []).append(Hired(employee, salary, function, cost_center))

    def _employment(
        self, employee: Employee, company: Company, start: Period, department: Department
    ) -> tuple[StoredRecord, StoredRecord]:
        """The employment and department; the function and cost-center records are returned, for
        `seed_employee` to store (see `Hired`)."""
        begin = self._begin(company.type, start)
        self._record(
            "Employment",
            "employee",
            employee.id,
            start,
            {
                "CreationDate": self._created(company.type, start),
                "StartDate": begin,
                "EndDate": None,
                "InitialStartDate": begin,
            },
        )
        self._record(
            "Department",
            "employee",
            employee.id,
            start,
            {"Code": department[0], "Description": department[1]},
        )
        function = self._new("Function", "employee", employee.id, start, self._functions[department[0]])
        code = str(100 * department[0])
        cost_center = {
            "Code": code,
            "Description": department[1],
            "Id": self.cost_centers[(company.id, code)],
        }
        share = {"CostCenter": cost_center, "Percentage": Decimal("100.00"), "Default": True}
        return function, self._new(
            "CostCenter", "employee", employee.id, start, {**share, "Kostensoort": COST_TYPE}
        )

    def _money(self, employee: Employee, company: Company, start: Period, draw: Draw) -> StoredRecord | None:
        """Salary, schedule, address and bank account; a salary on a scale is returned, not stored
        (see `Hired`)."""
        person, weekly = draw.person, draw.weekly
        zero_hour = not weekly
        begin = self._begin(company.type, start)
        salary: dict[str, Any] = {
            "Value": draw.pay.quantize(Decimal("0.01")),
            "Type": 3 if zero_hour else 1,
            "StartDate": begin,
            "CreationDate": self._created(company.type, start),
        }
        deferred = None
        if employee.employee_type == 5:  # a flexible (zero-hour) employee's pay is on no scale
            self._record("Salary", "employee", employee.id, start, salary)
        else:
            salary["SalaryTable"] = self._salary_table(company, employee.id % len(SCALES))
            deferred = self._new("Salary", "employee", employee.id, start, salary)
        self._record(
            "Schedule",
            "employee",
            employee.id,
            start,
            {**employee_schedule(weekly), "StartDate": begin},
        )
        self._record(
            "Address",
            "employee",
            employee.id,
            start,
            {"Default": True, **address_of(person), "Type": "HomeAddress"},
        )
        self._record(
            "BankAccount",
            "employee",
            employee.id,
            start,
            {
                "Number": person.iban,
                "Description": "Salarisrekening",
                "IBAN": person.iban,
                "BIC": bic_or_none(person.iban),
                "City": person.city,
                "Name": person.full_name,
                "Type": "Standaard",
            },
        )
        return deferred
