"""Every error a call can end in, as one hierarchy rooted at `NmbrsFault`.

A SOAP fault becomes the class of its Nmbrs code (the table `FAULT_CLASSES`); a network failure or
an HTTP error page becomes a `TransportError` (`code` None). Each carries the service, operation and
the server's message; `str()` adds what to do about it.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

_CODE = re.compile(r"---> (\d+):")
_SERVICE_GROUPS = {
    "CompanyService": "Company services",
    "EmployeeService": "Employee services",
    "DebtorService": "Debtor services",
}


def code_of(message: str) -> int | None:
    """The Nmbrs error code in an ASMX fault string (`... ---> 2011: ...`), None when there is none."""
    match = _CODE.search(message)
    return int(match.group(1)) if match else None


class NmbrsFault(Exception):
    """A call that failed; `code` is the Nmbrs error code when the fault string carries one."""

    default_code: ClassVar[int | None] = None

    def __init__(
        self,
        fault: Any,
        operation: str,
        *,
        service: str | None = None,
        code: int | None = None,
        soap_code: str | None = None,
    ) -> None:
        """`fault` is a zeep `Fault` (its message and code are used) or the message itself."""
        if isinstance(fault, str):
            self.message = fault
            self.soap_code = soap_code
        else:
            self.message = getattr(fault, "message", None) or ""
            self.soap_code = soap_code or getattr(fault, "code", None)
        self.code = code if code is not None else code_of(self.message)
        self.operation = operation
        self.service = service
        super().__init__(self._text())

    @property
    def qualified_operation(self) -> str:
        return f"{self.service}.{self.operation}" if self.service else self.operation

    def hint(self) -> str:
        """What the caller can do about it ("" when nothing specific)."""
        return ""

    def _text(self) -> str:
        hint = self.hint()
        return f"{self.operation}: {self.message}" + (f" ({hint})" if hint else "")


class AuthenticationError(NmbrsFault):
    default_code = 1001

    def hint(self) -> str:
        return "check the username (the e-mail of the Nmbrs login), the API token and the domain"


class DomainNotFound(AuthenticationError):
    """1001 although the username and token are valid: the domain ("Tenant Key") is wrong."""

    def __init__(self, fault: Any, operation: str, *, domain: str, actual: str | None = None, **kw: Any):
        self.domain, self.actual = domain, actual
        super().__init__(fault, operation, **kw)

    def hint(self) -> str:
        found = f"; these credentials belong to {self.actual!r}" if self.actual else ""
        return (
            f"domain {self.domain!r} not found: use the sub-domain of the Nmbrs URL, "
            f"e.g. 'kantoor' for kantoor.nmbrs.nl{found}"
        )


class PermissionDenied(NmbrsFault):
    """1002: the operation is switched off in the user's API template."""

    default_code = 1002

    @property
    def right(self) -> str:
        return self.operation

    def hint(self) -> str:
        group = _SERVICE_GROUPS.get(self.service or "", "the service's")
        return (
            f"the API user template lacks {self.qualified_operation}: in Nmbrs open Settings > User "
            f"templates > API (Webservices Right Edit) and set {self.operation!r} under {group} to Active"
        )


class AccessError(NmbrsFault):
    """No access to the debtor, company or employee (unknown id, or filtered by tags)."""

    entity: ClassVar[str] = "data"

    def hint(self) -> str:
        return f"the {self.entity} does not exist or this login may not see it"


class DataAccessDenied(AccessError):
    default_code, entity = 1003, "debtor or company"


class EmployeeNotAccessible(AccessError):
    default_code, entity = 2003, "employee"


class CompanyNotAccessible(AccessError):
    default_code, entity = 2004, "company"


class DebtorNotAccessible(AccessError):
    default_code, entity = 2009, "debtor"


class SubscriptionDisabled(NmbrsFault):
    default_code = 1004


class InvalidHourCode(NmbrsFault):
    default_code = 2001

    def hint(self) -> str:
        return "the hour code is not in the company's hour model (HourModel_GetHourCodes)"


class InvalidWageCode(NmbrsFault):
    default_code = 2002

    def hint(self) -> str:
        return "the wage code is not in the company's wage model (WageModel_GetWageCodes)"


class InvalidPeriod(NmbrsFault):
    default_code = 2006

    def hint(self) -> str:
        return (
            "the period does not exist for the company's period type "
            "(12 monthly, 13 four-weekly, 52/53 weekly)"
        )


class ProtectedPeriod(NmbrsFault):
    default_code = 2011

    def hint(self) -> str:
        return (
            "the period is before the company's current period and protected: send UnprotectedMode=true "
            "(unprotected=True) to change it retroactively"
        )


class WageTaxAlreadySent(NmbrsFault):
    default_code = 2012


class InvalidBankAccount(NmbrsFault):
    default_code = 2014


class InvalidSetOfValues(NmbrsFault):
    default_code = 2030


class NotFound(NmbrsFault):
    default_code = 2046


class UnknownError(NmbrsFault):
    """9999, Nmbrs's catch-all (and the 2017-era "TWK" fault for protected periods)."""

    default_code = 9999


class TransportError(NmbrsFault):
    """The call got no SOAP answer: connection refused or reset, timeout, or an unreadable response."""

    def __init__(self, message: str, operation: str, *, url: str, service: str | None = None) -> None:
        self.url = url
        super().__init__(message, operation, service=service)

    def _text(self) -> str:
        return f"{self.operation}: {self.message} ({self.url})"


class ServerUnavailable(TransportError):
    """HTTP 5xx without a SOAP fault (an error page from the server or a gateway)."""

    def __init__(self, status: int, operation: str, *, url: str, service: str | None = None) -> None:
        self.status = status
        super().__init__(f"HTTP {status} without a SOAP answer", operation, url=url, service=service)


FAULT_CLASSES: dict[int, type[NmbrsFault]] = {
    cls.default_code: cls
    for cls in (
        AuthenticationError,
        PermissionDenied,
        DataAccessDenied,
        SubscriptionDisabled,
        InvalidHourCode,
        InvalidWageCode,
        EmployeeNotAccessible,
        CompanyNotAccessible,
        InvalidPeriod,
        DebtorNotAccessible,
        ProtectedPeriod,
        WageTaxAlreadySent,
        InvalidBankAccount,
        InvalidSetOfValues,
        NotFound,
        UnknownError,
    )
    if cls.default_code is not None
}


def fault_from(fault: Any, service: str, operation: str) -> NmbrsFault:
    """The exception for a zeep `Fault`: the class its Nmbrs code maps to, else `NmbrsFault`."""
    message = getattr(fault, "message", None) or ""
    cls = FAULT_CLASSES.get(code_of(message) or 0, NmbrsFault)
    return cls(fault, operation, service=service)
