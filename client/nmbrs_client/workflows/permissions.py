"""Check permissions: which operations of each integration profile a token may call.

Each operation is probed with one harmless call: an empty request body, which the API reads as every
id 0 and every flag false (.NET's XmlSerializer defaults). The API checks the template right (1002)
right after the credentials (1001) and before it looks at any id, so a probe either answers 1002 (the
right is off), or a fault about id 0 (2003/2004/2009: the right is on, nothing was touched), or data
(lists without arguments). An unknown operation answers a SOAP client fault without a code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

import requests

from nmbrs_client import NmbrsClient, NmbrsCredentials
from nmbrs_client.raw import envelope, fault_of, http_headers
from nmbrs_client.workflows.documents import ANNUAL_DOCUMENTS, ANNUAL_PREFIX
from nmbrs_client.workflows.progress import Progress, quiet

_CODE = re.compile(r"---> (\d+):")
RIGHTS_SCREEN = "Settings > User templates > (template) > API gear icon > Webservices Right Edit"


def _ops(service: str, *operations: str) -> list[tuple[str, str]]:
    return [(service, operation) for operation in operations]


_ANNUAL = [ANNUAL_PREFIX + name for name in ANNUAL_DOCUMENTS]
PROFILES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "timechimp": (
        "TimeChimp (seed 000): import employees, export hours",
        _ops("CompanyService", "List_GetAll", "HourModel_GetHourCodes", "HourModel2_GetHourCodes")
        + _ops(
            "EmployeeService",
            "Contract_GetAll_AllEmployeesByCompany",
            "PersonalInfo_GetAll_AllEmployeesByCompany",
            "HourComponentVar_Insert_Batch",
            "DaysVar_Set_Batch",
            "HourComponentVar_Get",
        ),
    ),
    "eitje": (
        "eitje (seed 001 names no rights): the calls the timecard export makes",
        _ops(
            "EmployeeService",
            "HourComponentVar_Insert_Batch",
            "WageComponentVar_Insert_Batch",
            "DaysVar_Set_Batch",
        ),
    ),
    "keeping": (
        "Keeping (seed 002): flexible payroll",
        _ops(
            "CompanyService",
            "Company_GetCurrentPeriod",
            "List_GetAll",
            "Run_GetList",
            "Run_GetEmployeesByRunCompany",
        )
        + _ops(
            "EmployeeService",
            "DaysFixed_GetCurrent",
            "DaysFixed_Get",
            "DaysVarWorked_GetCurrent",
            "DaysVarWorked_Get",
            "DaysVar_Set_Batch",
            "DaysFixed_Set_Batch",
            "HourComponentVar_GetCurrent",
            "HourComponentVar_Get",
            "HourComponentVar_ClearCurrent",
            "HourComponentVar_Insert_Batch",
            "List_GetByCompany",
            "PersonalInfo_GetAll_AllEmployeesByCompany",
            "Salary_GetAll_AllEmployeesByCompany",
            "Schedule_GetCurrent",
            "Schedule_GetNmbrs",
        ),
    ),
    "mijnkantoor": (
        "Mijn Kantoor (seed 004): every SalaryDocuments_AnnualDocument* right, plus the pull's calls",
        _ops("CompanyService", *_ANNUAL)
        + _ops(
            "CompanyService",
            "List_GetAll",
            "Run_GetList",
            "WageTax_GetList",
            "WageTax_GetXML",
            "SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2",
            "SalaryDocuments_GetSEPA",
        ),
    ),
    "nmbrs-cli": (
        "this CLI: the calls beyond the profiles above that its workflows make",
        _ops("EmployeeService", "HourComponent_Update", "HourComponent_Delete", "DaysVar_Get"),
    ),
}


class Access(Enum):
    ALLOWED = "allowed"
    MISSING = "missing"  # 1002: the template right is off
    UNKNOWN_OPERATION = "not in the API"
    UNCLEAR = "unclear"  # another fault: see detail


@dataclass(frozen=True)
class Probe:
    service: str
    operation: str
    access: Access
    detail: str = ""

    @property
    def advice(self) -> str:
        if self.access is Access.MISSING:
            return f"enable {self.service} > {self.operation} in the user's template ({RIGHTS_SCREEN})"
        if self.access is Access.UNKNOWN_OPERATION:
            return "the API has no such operation (nothing to enable)"
        return self.detail


@dataclass
class ProfileReport:
    name: str
    description: str
    probes: list[Probe] = field(default_factory=list)

    @property
    def missing(self) -> list[Probe]:
        return [p for p in self.probes if p.access is Access.MISSING]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class PermissionReport:
    profiles: list[ProfileReport]

    def summary(self) -> str:
        parts = [
            f"{p.name}: {'complete' if p.complete else f'{len(p.missing)} rights missing'}"
            for p in self.profiles
        ]
        return "; ".join(parts)


class AuthenticationFailed(Exception):
    """A probe answered 1001: the credentials (or the domain) are wrong; nothing can be checked."""

    def __init__(self, operation: str, message: str) -> None:
        self.code, self.operation, self.message = 1001, operation, message
        super().__init__(f"{operation}: {message}")


class Prober:
    """Sends the probes as raw SOAP 1.1 (an empty body needs no WSDL types) and remembers answers."""

    def __init__(self, base_url: str, credentials: NmbrsCredentials, timeout: float = 30) -> None:
        self.base_url, self.credentials, self.timeout = base_url.rstrip("/") + "/", credentials, timeout
        self.session = requests.Session()
        self._seen: dict[tuple[str, str], Probe] = {}

    def probe(self, service: str, operation: str) -> Probe:
        key = (service, operation)
        if key not in self._seen:
            self._seen[key] = self._send(service, operation)
        return self._seen[key]

    def _send(self, service: str, operation: str) -> Probe:
        body = envelope(service, operation, "", self.credentials)
        response = self.session.post(
            f"{self.base_url}{service}.asmx",
            data=body,
            headers=http_headers(service, operation),
            timeout=self.timeout,
        )
        fault = fault_of(response.content) if response.content.lstrip().startswith(b"<") else None
        if fault is None:
            if response.status_code >= 400:
                response.raise_for_status()
            return Probe(service, operation, Access.ALLOWED, "answered")
        _, text = fault
        match = _CODE.search(text)
        code = int(match.group(1)) if match else None
        if code == 1001:
            raise AuthenticationFailed(operation, text)
        if code == 1002:
            return Probe(service, operation, Access.MISSING, text)
        if code is None and "recognize" in text:
            return Probe(service, operation, Access.UNKNOWN_OPERATION, text)
        if code is None:
            return Probe(service, operation, Access.UNCLEAR, text)
        return Probe(service, operation, Access.ALLOWED, f"answered {code} for the probing ids (right is on)")


def check_permissions(
    client: NmbrsClient, profiles: list[str] | None = None, progress: Progress = quiet
) -> PermissionReport:
    names = profiles or list(PROFILES)
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise ValueError(f"unknown profile(s) {', '.join(unknown)}; the profiles are {', '.join(PROFILES)}")
    domain = (
        getattr(client, "domain", None) if client.credentials.domain is None else client.credentials.domain
    )
    credentials = NmbrsCredentials(client.credentials.username, client.credentials.token, domain)
    prober = Prober(client.base_url, credentials)
    report = PermissionReport([])
    bar = progress("Probing rights", sum(len(PROFILES[n][1]) for n in names))
    for name in names:
        description, operations = PROFILES[name]
        profile = ProfileReport(name, description)
        for service, operation in operations:
            profile.probes.append(prober.probe(service, operation))
            bar.advance()
        report.profiles.append(profile)
    bar.close()
    return report
