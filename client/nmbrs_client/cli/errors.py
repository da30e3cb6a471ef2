"""What the CLI tells a user when a command fails: one clear message, never a traceback."""

from __future__ import annotations

from typing import Any

import requests

from nmbrs_client import NmbrsFault
from nmbrs_client.workflows.csv_input import CsvError
from nmbrs_client.workflows.permissions import PROFILES, RIGHTS_SCREEN

EXIT_ERROR = 2
_SERVICE_OF = {operation: service for _, operations in PROFILES.values() for service, operation in operations}
_SERVICE_OF.update(
    {
        "Environment_Get": "DebtorService",
        "Company_GetCurrentPeriod": "CompanyService",
        "HourModel_GetHourCodes": "CompanyService",
        "Run_GetList": "CompanyService",
    }
)
_ACCESS = {1003: "debtor or company (tags/filters)", 2003: "employee", 2004: "company", 2009: "debtor"}


class CliError(Exception):
    """An error whose message is ready for the user (bad flags, missing credentials)."""


def service_of(error: Any) -> str:
    return getattr(error, "service", None) or _SERVICE_OF.get(getattr(error, "operation", ""), "")


def nmbrs_message(error: Any, url: str) -> str:
    """The message for a fault with an Nmbrs code (`error.code`, `.operation`, `.message`)."""
    code, operation = error.code, getattr(error, "operation", "?")
    text = getattr(error, "message", "") or str(error)
    service = service_of(error)
    qualified = f"{service}.{operation}" if service else operation
    if code == 1001 and getattr(error, "domain", None):
        return domain_message(error.domain, getattr(error, "actual", None), url)
    if code == 1001:
        return (
            f"authentication failed at {url} (Nmbrs 1001 Invalid Authentication): check --username "
            "(the e-mail address of the Nmbrs login), --token (User profile > API token) and --domain"
        )
    if code == 1002:
        return (
            f"permission denied: the API user's template does not allow {qualified} (Nmbrs 1002). "
            f"Enable the right {operation!r} under {service or 'its service'} in Nmbrs ({RIGHTS_SCREEN}); "
            "`nmbrs check-permissions` lists every missing right"
        )
    if code in (2011, 9999) and ("Protected" in text or "TWK" in text or code == 2011):
        return (
            f"{operation}: the period is protected (Nmbrs {code}): it lies before the company's current "
            "period, and Nmbrs only changes a past period (a retro-active correction) when the call sets "
            "UnprotectedMode=true. Re-run with --unprotected if you mean to change that period"
        )
    if code == 2006:
        return f"{operation}: invalid period (Nmbrs 2006): the company's period type has no such period"
    if code in _ACCESS:
        entity = _ACCESS[code]
        return (
            f"{operation}: no access (Nmbrs {code}): the {entity} does not exist or this login may not see it"
        )
    if code in (2001, 2002):
        model = "hour" if code == 2001 else "wage"
        return f"{operation}: a {model} code is not in the company's {model} model (Nmbrs {code})"
    return f"{operation}: Nmbrs refused the call: {text}"


def domain_message(domain: str, actual: str | None, url: str) -> str:
    found = f"; these credentials belong to domain {actual!r}" if actual else ""
    return (
        f"Tenant Key not found: the domain {domain!r} is not an Nmbrs environment of this login at {url} "
        f"(Nmbrs 1001). Use the part before .nmbrs.nl in your Nmbrs address, e.g. 'acme' for "
        f"acme.nmbrs.nl{found}"
    )


def transport_message(error: BaseException, url: str) -> str | None:
    """The message for a network or HTTP failure, None for anything else."""
    status = getattr(error, "status", None) or getattr(error, "status_code", None)
    url = getattr(error, "url", None) or url
    if isinstance(error, requests.ConnectionError) or type(error).__name__ in (
        "TransportError",
        "ServerUnavailable",
    ):
        if status:
            return f"the server at {url} answered HTTP {status}: is this the Nmbrs SOAP v3 endpoint (--url)?"
        reason = _reason(error)
        return f"cannot reach the Nmbrs server at {url}: {reason}. Check --url or NMBRS_BASE_URL"
    if isinstance(error, requests.Timeout):
        return f"the Nmbrs server at {url} did not answer in time (--timeout)"
    if isinstance(error, requests.HTTPError) and error.response is not None:
        status = error.response.status_code
        return f"the server at {url} answered HTTP {status}: is this the Nmbrs SOAP v3 endpoint (--url)?"
    if type(error).__module__.startswith("zeep") and status:
        return f"the server at {url} answered HTTP {status}: is this the Nmbrs SOAP v3 endpoint (--url)?"
    if type(error).__name__ == "XMLSyntaxError":
        return (
            f"the server at {url} did not answer with SOAP XML: is this the Nmbrs SOAP v3 endpoint (--url)?"
        )
    return None


def _reason(error: BaseException) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if marker in text:
            return marker.lower()
    return text.split("(Caused by", 1)[-1].strip(" )")[:200] or type(error).__name__


def message_for(error: BaseException, url: str) -> str | None:
    """The user-facing message for a known failure; None for an unexpected one (a bug)."""
    if isinstance(error, CliError | CsvError):
        return str(error)
    transport = transport_message(error, url)
    if transport is not None:
        return transport
    if getattr(error, "code", None) is not None and hasattr(error, "operation"):
        return nmbrs_message(error, url)
    if isinstance(error, NmbrsFault):
        return f"{error.operation}: the server refused the call: {error.message}"
    if isinstance(error, OSError):
        return f"{error.filename or 'file'}: {error.strerror or error}"
    return None
