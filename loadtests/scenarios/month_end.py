"""Seed 000 (TimeChimp): the month-end hour export.

Per export: the hour model, then for N employees of a company (`--nmbrs-export-employees`, a
window that moves on each time) the hours already in the period (`HourComponentVar_Get`, one call
per employee, as an export that sends only the changes reads first), the month's lines (worked,
sick, vacation) in batches (`HourComponentVar_Insert_Batch`, `--nmbrs-batch-size` lines a call) and
the days worked (`DaysVar_Set_Batch`).
"""

from __future__ import annotations

import random
from decimal import Decimal

from locust import between, task
from nmbrs_client import DaysWorked, HourLine
from nmbrs_client.group import chunks

from loadtests.scenarios.companies import CompanyWork, discover
from loadtests.scenarios.soap import ZeepUser, soap_task


class MonthEndHourExport(ZeepUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.companies: list[CompanyWork] = []

    @task
    @soap_task
    def export_month(self) -> None:
        if not self.companies:
            self.companies = discover(self.nmbrs, hour_codes=True)
        company = random.choice(self.companies)
        options = self.environment.parsed_options
        employees = company.next_employees(options.nmbrs_export_employees)
        self.nmbrs.companies.hour_codes(company.id)  # the export maps activities to hour codes
        for employee in employees:
            self.nmbrs.hours.get(employee, company.period)
        lines = [
            HourLine(employee, code, Decimal(random.randint(1, 32)) / 2, comment="month-end export")
            for employee in employees
            for code in company.hour_codes[:3]
        ]
        self.nmbrs.hours.insert_batch(lines, company.period, batch_size=options.nmbrs_batch_size)
        days = [DaysWorked(employee, random.randint(15, 22), company.period) for employee in employees]
        for batch in chunks(days, options.nmbrs_batch_size):
            self.nmbrs.days.set_var_batch(batch)
