"""Locust load test of the mock: the calls a time-tracking export and a payroll reader make.

    nmbrs-mock serve --no-throttle --port 8080 &
    locust -f loadtests/locustfile.py --headless -u 5 -r 5 -t 30s --host http://127.0.0.1:8080

Credentials come from NMBRS_USER, NMBRS_TOKEN and NMBRS_DOMAIN (default: the demo environment), the
host from --host or NMBRS_HOST. A SOAP fault (HTTP 500 or a `Fault` element) counts as a failure.
"""

from __future__ import annotations

import os
import random
import re
from itertools import cycle, islice

from locust import FastHttpUser, between, task
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

XSI = "http://www.w3.org/2001/XMLSchema-instance"
BATCH_SIZE = 50
# A Fault element anywhere in the answer: character data is escaped, so `<Fault` can only be a tag.
FAULT = re.compile(rb"<(?:[\w.-]+:)?Fault[\s/>]")
PERIOD = re.compile(r"^(?P<year>\d{4})-(?P<period>\d{1,2})-")


def credentials_from_env() -> NmbrsCredentials:
    return NmbrsCredentials(
        os.environ.get("NMBRS_USER", "demo@nmbrs-mock.test"),
        os.environ.get("NMBRS_TOKEN", "demo-token"),
        os.environ.get("NMBRS_DOMAIN", "demo"),
    )


def fault_text(body: bytes) -> str:
    """The faultstring (SOAP 1.1) or Reason text (SOAP 1.2) of a fault answer, else its start."""
    try:
        fault = raw.fault_of(body)
    except etree.XMLSyntaxError:
        fault = None
    return fault[1] if fault is not None else body.decode("utf-8", "replace")[:200]


def texts(body: bytes, tag: str) -> list[str]:
    """Text of every element with local name `tag` in a response."""
    root = etree.fromstring(body)
    return [element.text or "" for element in root.iter(f"{{*}}{tag}")]


class NmbrsUser(FastHttpUser):
    abstract = True
    host = os.environ.get("NMBRS_HOST", "http://127.0.0.1:8080")
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.credentials = credentials_from_env()
        self.company_ids: list[int] = []

    def soap(self, service: str, operation: str, params: str = "") -> bytes | None:
        """One call; returns the body of a good answer, None after recording a failure."""
        headers = raw.http_headers(service, operation)
        data = raw.envelope(service, operation, params, self.credentials)
        with self.client.post(f"/soap/v3/{service}.asmx", data=data, headers=headers,
                              name=f"{service}.{operation}", catch_response=True) as response:  # fmt: skip
            body = response.content or b""
            if response.status_code != 200 or FAULT.search(body):
                detail = fault_text(body) if body else str(getattr(response, "error", None) or "no answer")
                response.failure(f"HTTP {response.status_code}: {detail}")
                return None
            response.success()
            return body

    def companies(self) -> list[int]:
        if not self.company_ids:
            body = self.soap("CompanyService", "List_GetAll")
            if body is not None:
                root = etree.fromstring(body)
                self.company_ids = [int(c.findtext("{*}ID")) for c in root.iter("{*}Company")]
        return self.company_ids

    def current_period(self, company_id: int) -> tuple[int, int] | None:
        """(year, period) from Company_GetCurrentPeriod, e.g. "2026-11-M" -> (2026, 11)."""
        body = self.soap("CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{company_id}</CompanyId>")
        if body is None:
            return None
        found = texts(body, "Company_GetCurrentPeriodResult")
        match = PERIOD.match(found[0]) if found else None
        return (int(match["year"]), int(match["period"])) if match else None


class TimeTrackingExport(NmbrsUser):
    """A time-tracking tool exporting the hours of a period into Nmbrs."""

    weight = 1

    @task
    def export_period(self) -> None:
        body = self.soap("CompanyService", "List_GetAll")
        if body is None:
            return
        company_ids = [int(i) for i in texts(body, "ID")]
        if not company_ids:
            return
        company_id = random.choice(company_ids)
        current = self.current_period(company_id)
        params = f"<CompanyId>{company_id}</CompanyId><EmployeeType>0</EmployeeType>"
        employees = self.soap("EmployeeService", "List_GetByCompany", params)
        codes = self.soap("CompanyService", "HourModel_GetHourCodes", f"<CompanyId>{company_id}</CompanyId>")
        if current is None or employees is None or codes is None:
            return
        employee_ids = [int(i) for i in texts(employees, "Id")]
        hour_codes = [int(c) for c in texts(codes, "Code")] or [1]
        if not employee_ids:
            return
        year, period = current
        self.soap("EmployeeService", "HourComponentVar_Insert_Batch",
                  self._hours(employee_ids, hour_codes, year, period))  # fmt: skip
        self.soap("EmployeeService", "DaysVar_Set_Batch", self._days(employee_ids, year, period))

    @staticmethod
    def _hours(employee_ids: list[int], hour_codes: list[int], year: int, period: int) -> str:
        items = []
        for n, employee_id in enumerate(islice(cycle(employee_ids), BATCH_SIZE)):
            hours = f"{random.randint(1, 16) / 2:.1f}"
            items.append(
                f"<EmployeeHourComponent><EmployeeId>{employee_id}</EmployeeId><Id>0</Id>"
                f"<HourCode>{hour_codes[n % len(hour_codes)]}</HourCode>"
                f'<CostCenterId xsi:nil="true" /><CostUnitId xsi:nil="true" /><Hours>{hours}</Hours>'
                f"<Comment>load test</Comment></EmployeeHourComponent>"
            )
        return (
            f'<HourComponents xmlns:xsi="{XSI}">{"".join(items)}</HourComponents>'
            f"<Period>{period}</Period><Year>{year}</Year>"
            f"<UnprotectedMode>false</UnprotectedMode>"
        )

    @staticmethod
    def _days(employee_ids: list[int], year: int, period: int) -> str:
        items = "".join(
            f"<DaysWorked><EmployeeId>{employee_id}</EmployeeId><Days>{random.randint(10, 21)}</Days>"
            f"<Period>{period}</Period><Year>{year}</Year></DaysWorked>"
            for employee_id in employee_ids[:BATCH_SIZE]
        )
        return f"<EmployeesDaysWorked>{items}</EmployeesDaysWorked><UnprotectedMode>false</UnprotectedMode>"


class PayrollReader(NmbrsUser):
    """A reporting tool reading personal info and payroll runs of a company."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.years: dict[int, int] = {}

    def _company(self) -> int | None:
        company_ids = self.companies()
        return random.choice(company_ids) if company_ids else None

    @task(2)
    def personal_info(self) -> None:
        company_id = self._company()
        if company_id is not None:
            self.soap("EmployeeService", "PersonalInfo_GetAll_AllEmployeesByCompany",
                      f"<CompanyID>{company_id}</CompanyID>")  # fmt: skip

    @task(1)
    def runs(self) -> None:
        company_id = self._company()
        if company_id is None:
            return
        if company_id not in self.years:
            current = self.current_period(company_id)
            if current is None:
                return
            self.years[company_id] = current[0]
        self.soap(
            "CompanyService",
            "Run_GetList",
            f"<CompanyId>{company_id}</CompanyId><Year>{self.years[company_id]}</Year>",
        )
