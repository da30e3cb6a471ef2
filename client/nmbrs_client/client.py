"""A thin client over zeep, built from the WSDL the endpoint serves (the mock's or Nmbrs's own).

    credentials = NmbrsCredentials("demo@nmbrs-mock.test", "demo-token", "demo")
    client = NmbrsClient("http://127.0.0.1:8080/soap/v3/", credentials)
    companies = client.company.List_GetAll()
    client.employee.HourComponentVar_Get(EmployeeId=100000, Period=11, Year=2026)

Every call carries the `AuthHeaderWithDomain` header (`AuthHeader` for DebtorService Environment_Get).
Faults come back as `NmbrsFault` with the Nmbrs code parsed out of the fault string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import requests
import zeep
from zeep.exceptions import Fault
from zeep.transports import Transport

PRODUCTION = "https://api.nmbrs.nl/soap/v3/"
SANDBOX = "https://api-sandbox.nmbrs.nl/soap/v3/"
_CODE = re.compile(r"---> (\d+):")


@dataclass(frozen=True)
class NmbrsCredentials:
    username: str
    token: str
    domain: str | None = None  # the sub-domain, e.g. "demo" for demo.nmbrs.nl


class NmbrsFault(Exception):
    """A SOAP fault; `code` is the Nmbrs error code when the fault string carries one."""

    def __init__(self, fault: Fault, operation: str) -> None:
        self.message = fault.message or ""
        self.soap_code = fault.code
        match = _CODE.search(self.message)
        self.code = int(match.group(1)) if match else None
        self.operation = operation
        super().__init__(f"{operation}: {self.message}")


class ServiceProxy:
    """Calls the operations of one service: `proxy.Operation(**arguments)`."""

    def __init__(
        self, client: zeep.Client, service: str, soap_version: str, credentials: NmbrsCredentials
    ) -> None:
        port = f"{service}Soap12" if soap_version == "1.2" else f"{service}Soap"
        self.zeep = client
        self.service = service
        self._proxy = client.bind(service, port)
        self._credentials = credentials

    def header_for(self, operation: str) -> dict[str, dict[str, str | None]]:
        creds = self._credentials
        if operation == "Environment_Get":
            return {"AuthHeader": {"Username": creds.username, "Token": creds.token}}
        return {
            "AuthHeaderWithDomain": {"Username": creds.username, "Token": creds.token, "Domain": creds.domain}
        }

    def call(self, operation: str, **arguments: Any) -> Any:
        method = getattr(self._proxy, operation)
        try:
            return method(**arguments, _soapheaders=self.header_for(operation))
        except Fault as fault:
            raise NmbrsFault(fault, operation) from None

    def __getattr__(self, operation: str) -> Any:
        if operation.startswith("_"):
            raise AttributeError(operation)
        return lambda **arguments: self.call(operation, **arguments)


class NmbrsClient:
    def __init__(
        self,
        base_url: str,
        credentials: NmbrsCredentials,
        soap_version: str = "1.1",
        strict: bool = True,
        session: requests.Session | None = None,
        timeout: float = 60,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.credentials = credentials
        self.soap_version = soap_version
        self.settings = zeep.Settings(strict=strict, xml_huge_tree=True)
        self.transport = Transport(
            session=session or requests.Session(), timeout=timeout, operation_timeout=timeout
        )

    def service(self, name: str) -> ServiceProxy:
        client = zeep.Client(
            f"{self.base_url}{name}.asmx?WSDL", settings=self.settings, transport=self.transport
        )
        return ServiceProxy(client, name, self.soap_version, self.credentials)

    @cached_property
    def company(self) -> ServiceProxy:
        return self.service("CompanyService")

    @cached_property
    def employee(self) -> ServiceProxy:
        return self.service("EmployeeService")

    @cached_property
    def debtor(self) -> ServiceProxy:
        return self.service("DebtorService")
