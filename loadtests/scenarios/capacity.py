"""Capacity: a `FastHttpUser` posting envelopes prepared once, in a closed loop (no pause).

On start the user finds a company's current period and employees with three raw calls, then
prepares the small calls it repeats: `HourComponentVar_Get` (8 in 10), `Schedule_GetCurrent` and
`Company_GetCurrentPeriod` (1 in 10 each), for employees picked at random. The generator does no
XML work per call, so one Locust process drives far more calls than the zeep users.
"""

from __future__ import annotations

import random
import re

from locust import constant, task
from nmbrs_client import raw

from loadtests.scenarios.soap import EnvelopeUser

PERIOD = re.compile(rb"<Company_GetCurrentPeriodResult>(\d{4})-(\d{1,2})-")
COMPANY_ID = re.compile(rb"<Company>\s*<ID>(\d+)</ID>")
EMPLOYEE_ID = re.compile(rb"<Id>(\d+)</Id>")
PREPARED = 200  # envelopes per kind


class SmallCallCapacity(EnvelopeUser):
    weight = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        super().on_start()
        self.calls: list[tuple[str, str, bytes]] = []

    def _prepare(self) -> bool:
        companies = self.call("CompanyService", "List_GetAll")
        ids = [int(i) for i in COMPANY_ID.findall(companies or b"")]
        if not ids:
            return False
        company = random.choice(ids)
        current = self.call("CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{company}</CompanyId>")
        listed = self.call("EmployeeService", "List_GetByCompany",
                           f"<CompanyId>{company}</CompanyId><EmployeeType>0</EmployeeType>")  # fmt: skip
        period = PERIOD.search(current or b"")
        employees = [int(i) for i in EMPLOYEE_ID.findall(listed or b"")]
        if period is None or not employees:
            return False
        year, number = int(period[1]), int(period[2])
        hours = [
            f"<EmployeeId>{e}</EmployeeId><Period>{number}</Period><Year>{year}</Year>"
            for e in random.choices(employees, k=PREPARED)
        ]
        schedules = [f"<EmployeeId>{e}</EmployeeId>" for e in random.choices(employees, k=PREPARED)]
        self.calls = [self._prepared("EmployeeService", "HourComponentVar_Get", p) for p in hours] * 4
        self.calls += [self._prepared("EmployeeService", "Schedule_GetCurrent", p) for p in schedules][:100]
        period_call = self._prepared(
            "CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{company}</CompanyId>"
        )
        self.calls += [period_call] * 100
        return True

    def _prepared(self, service: str, operation: str, params: str) -> tuple[str, str, bytes]:
        return service, operation, raw.envelope(service, operation, params, self.login)

    @task
    def small_call(self) -> None:
        if not self.calls and not self._prepare():
            return
        self.post(*random.choice(self.calls))
