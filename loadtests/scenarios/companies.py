"""What an integration learns about an environment before it works: its companies, each one's
current period and employees (through the reference client, so these calls are in the stats too)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from nmbrs_client import NmbrsClient, Period


@dataclass
class CompanyWork:
    id: int
    period: Period  # the company's current period: where exports write
    period_type: str
    employees: list[int]
    hour_codes: list[int] = field(default_factory=list)
    _cursor: int = 0

    def next_employees(self, size: int) -> list[int]:
        """The next `size` employees (0: all), round the list, so repeated exports spread over it."""
        if not self.employees:
            return []
        if size <= 0 or size >= len(self.employees):
            return list(self.employees)
        start = self._cursor
        self._cursor = (start + size) % len(self.employees)
        picked = self.employees[start : start + size]
        return picked + self.employees[: size - len(picked)]


def discover(client: NmbrsClient, hour_codes: bool = False) -> list[CompanyWork]:
    """Every company with employees: List_GetAll, Company_GetCurrentPeriod, List_GetByCompany
    (and HourModel_GetHourCodes when asked)."""
    found = []
    for company in client.companies.list():
        current = client.companies.current_period(company.id)
        employees = [e.id for e in client.employees.list(company.id)]
        if not employees:
            continue
        work = CompanyWork(company.id, current.period, current.period_type, employees)
        if hour_codes:
            work.hour_codes = [code.code for code in client.companies.hour_codes(company.id)] or [1]
        found.append(work)
    random.shuffle(found)  # users of one environment start on different companies
    return found
