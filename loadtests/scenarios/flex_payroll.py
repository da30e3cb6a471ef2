"""Seed 002 (Keeping): flexible payroll, clear-and-insert, over every company of the environment.

Per run of the integration, for each company in turn: its current period and employees, their
salaries and schedules (`Salary_GetAll_AllEmployeesByCompany`, `Schedule_GetCurrent`), then for N
employees the period's hours cleared (`HourComponentVar_ClearCurrent`, one call per employee) and
inserted anew (`HourComponentVar_Insert_Batch`), the days set (`DaysVar_Set_Batch`), and the runs
of the year read back (`Run_GetList`).
"""

from __future__ import annotations

import random
from decimal import Decimal

from locust import between, task
from nmbrs_client import DaysWorked, HourLine
from nmbrs_client.group import chunks

from loadtests.scenarios.companies import CompanyWork, discover
from loadtests.scenarios.soap import ZeepUser, soap_task


class FlexPayrollSync(ZeepUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.companies: list[CompanyWork] = []

    @task
    @soap_task
    def sync_companies(self) -> None:
        if not self.companies:
            self.companies = discover(self.nmbrs, hour_codes=True)
        options = self.environment.parsed_options
        for company in self.companies:
            self.nmbrs.companies.current_period(company.id)
            self.nmbrs.employees.salaries(company.id)
            employees = company.next_employees(options.nmbrs_export_employees)
            self.nmbrs.call("EmployeeService.Schedule_GetCurrent", EmployeeId=employees[0])
            for employee in employees:
                self.nmbrs.hours.clear(employee)
            lines = [HourLine(e, company.hour_codes[0], Decimal(random.randint(4, 40))) for e in employees]
            self.nmbrs.hours.insert_batch(lines, company.period, batch_size=options.nmbrs_batch_size)
            days = [DaysWorked(e, random.randint(1, 10), company.period) for e in employees]
            for batch in chunks(days, options.nmbrs_batch_size):
                self.nmbrs.days.set_var_batch(batch)
            self.nmbrs.runs.list(company.id, company.period.year)
