"""Helpers of the test-control tests."""

from __future__ import annotations

from typing import Any

import requests
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, fault_of, http_headers

from mock_server.server import MockServer

XSI = "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'"


def soap(
    server: MockServer, env: dict[str, Any], service: str, operation: str, params: str = ""
) -> requests.Response:
    credentials = NmbrsCredentials(env["username"], env["token"], env["domain"])
    body = envelope(service, operation, params, credentials)
    return requests.post(
        server.soap_url(service), data=body, headers=http_headers(service, operation), timeout=30
    )


def fault_text(response: requests.Response) -> str | None:
    fault = fault_of(response.content)
    return fault[1] if fault else None


def batch_hours(items: list[tuple[int, int, str]], period: int, year: int) -> str:
    """`HourComponentVar_Insert_Batch` parameters for (employee, hour code, hours) items."""
    components = "".join(
        f"<EmployeeHourComponent><EmployeeId>{employee}</EmployeeId><Id>0</Id><HourCode>{code}</HourCode>"
        f"<CostCenterId xsi:nil='true' {XSI}/><CostUnitId xsi:nil='true' {XSI}/><Hours>{hours}</Hours>"
        "</EmployeeHourComponent>"
        for employee, code, hours in items
    )
    return (
        f"<HourComponents>{components}</HourComponents><Period>{period}</Period><Year>{year}</Year>"
        "<UnprotectedMode>false</UnprotectedMode>"
    )


def hours_in(period: int, year: int, employee: int, code: int = 1, hours: str = "8") -> str:
    """`HourComponentVar_Insert` parameters: one hour component in a given period."""
    return (
        f"<EmployeeId>{employee}</EmployeeId><Hourcomponent><Id>0</Id><HourCode>{code}</HourCode>"
        f"<Hours>{hours}</Hours><CostCenterId xsi:nil='true' {XSI}/><CostUnitId xsi:nil='true' {XSI}/>"
        f"</Hourcomponent><Period>{period}</Period><Year>{year}</Year><UnprotectedMode>false</UnprotectedMode>"
    )
