"""Seed 004 (Mijn Kantoor): the hourly payroll-document sync.

Each sync walks every company: its runs of this year and last (`Run_GetList`); for the newest run
its employees, the payslips PDF and the SEPA file; the locked wage-tax declarations
(`WageTax_GetList`) and the newest one's XML (`WageTax_GetXML`). Real syncs run hourly; here the
pause between syncs is seconds, so a minute of load is many hours of syncing.
"""

from __future__ import annotations

from datetime import date

from locust import between, task
from nmbrs_client import Period

from loadtests.scenarios.soap import ZeepUser, soap_task


class PayrollDocumentSync(ZeepUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.periods: dict[int, Period] = {}

    @task
    @soap_task
    def sync_documents(self) -> None:
        if not self.periods:
            companies = self.nmbrs.companies.list()
            self.periods = {c.id: self.nmbrs.companies.current_period(c.id).period for c in companies}
        for company_id, current in self.periods.items():
            self._sync(company_id, current.year)

    def _sync(self, company_id: int, year: int) -> None:
        runs = self.nmbrs.runs.list(company_id, year) or self.nmbrs.runs.list(company_id, year - 1)
        if runs:
            newest = max(runs, key=lambda run: (run.year, run.number))
            self.nmbrs.runs.employees(company_id, newest.id, newest.year)
            self.nmbrs.documents.payslips(company_id, newest.id, newest.year)
            paid = newest.run_at.date() if newest.run_at else date.today()
            self.nmbrs.documents.sepa(company_id, newest.id, newest.year, paid)
        declarations = self.nmbrs.wage_tax.list(company_id, year, status="locked")
        declarations = declarations or self.nmbrs.wage_tax.list(company_id, year - 1, status="locked")
        if declarations:
            newest_declaration = max(declarations, key=lambda d: (d.year, d.period))
            self.nmbrs.wage_tax.xml(company_id, newest_declaration.id)
