"""A mixed, read-heavy integrator (HR dashboards, BI exports): mostly reads, now and then a write.

Reads by weight: one employee's hours of the period (10), schedule (5), the company's current period
(3) and employee list (3), the company-wide personal info and contracts (2 each) and salaries (1);
one small hour write (1) for every 27 reads.
"""

from __future__ import annotations

import random
from decimal import Decimal

from locust import between, task
from nmbrs_client import HourLine

from loadtests.scenarios.companies import CompanyWork, discover
from loadtests.scenarios.soap import ZeepUser, soap_task


class ReadHeavyIntegrator(ZeepUser):
    weight = 2
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        super().on_start()
        self.companies: list[CompanyWork] = []

    def _company(self) -> CompanyWork:
        if not self.companies:
            self.companies = discover(self.nmbrs, hour_codes=True)
        return random.choice(self.companies)

    def _employee(self) -> tuple[CompanyWork, int]:
        company = self._company()
        return company, random.choice(company.employees)

    @task(10)
    @soap_task
    def hours_of_employee(self) -> None:
        company, employee = self._employee()
        self.nmbrs.hours.get(employee, company.period)

    @task(5)
    @soap_task
    def schedule(self) -> None:
        self.nmbrs.call("EmployeeService.Schedule_GetCurrent", EmployeeId=self._employee()[1])

    @task(3)
    @soap_task
    def current_period(self) -> None:
        self.nmbrs.companies.current_period(self._company().id)

    @task(3)
    @soap_task
    def employee_list(self) -> None:
        self.nmbrs.employees.list(self._company().id)

    @task(2)
    @soap_task
    def personal_infos(self) -> None:
        self.nmbrs.employees.personal_infos(self._company().id)

    @task(2)
    @soap_task
    def contracts(self) -> None:
        self.nmbrs.employees.contracts(self._company().id)

    @task(1)
    @soap_task
    def salaries(self) -> None:
        self.nmbrs.employees.salaries(self._company().id)

    @task(1)
    @soap_task
    def small_write(self) -> None:
        company, employee = self._employee()
        line = HourLine(employee, company.hour_codes[0], Decimal("1.5"), comment="integrator")
        self.nmbrs.hours.insert_batch([line], company.period)
