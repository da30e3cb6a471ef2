"""Seed 001 (eitje): workforce sync, then the timecard export of a wage period.

The sync reads the workforce of a company (`PersonalInfo_GetAll_AllEmployeesByCompany`,
`Contract_GetAll_AllEmployeesByCompany`). The export sends the checked timecards of N employees:
hours (`HourComponentVar_Insert_Batch`), days worked (`DaysVar_Set_Batch`) and meal allowances and
additional payments as wage components (`WageModel_GetWageCodes`, `WageComponentVar_Insert_Batch`).
An export runs three times as often as a sync.
"""

from __future__ import annotations

import random
from decimal import Decimal

from locust import between, task
from nmbrs_client import DaysWorked, HourLine, WageLine
from nmbrs_client.group import chunks

from loadtests.scenarios.companies import CompanyWork, discover
from loadtests.scenarios.soap import ZeepUser, soap_task


class TimecardExport(ZeepUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.companies: list[CompanyWork] = []
        self.wage_codes: dict[int, list[int]] = {}

    def _company(self) -> CompanyWork:
        if not self.companies:
            self.companies = discover(self.nmbrs, hour_codes=True)
        return random.choice(self.companies)

    @task(1)
    @soap_task
    def sync_workforce(self) -> None:
        company = self._company()
        self.nmbrs.employees.personal_infos(company.id)
        self.nmbrs.employees.contracts(company.id)

    @task(3)
    @soap_task
    def export_timecards(self) -> None:
        company = self._company()
        options = self.environment.parsed_options
        size = options.nmbrs_batch_size
        employees = company.next_employees(options.nmbrs_export_employees)
        if company.id not in self.wage_codes:
            codes = self.nmbrs.companies.wage_codes(company.id)
            self.wage_codes[company.id] = [code.code for code in codes][:2] or [1]
        hours = [HourLine(e, company.hour_codes[0], Decimal(random.randint(8, 80)) / 4) for e in employees]
        self.nmbrs.hours.insert_batch(hours, company.period, batch_size=size)
        for batch in chunks([DaysWorked(e, random.randint(1, 5), company.period) for e in employees], size):
            self.nmbrs.days.set_var_batch(batch)
        wages = [
            WageLine(e, code, Decimal(random.randint(500, 2500)) / 100, comment="timecard")
            for e in employees
            for code in self.wage_codes[company.id]
        ]
        self.nmbrs.wages.insert_batch(wages, company.period, batch_size=size)
