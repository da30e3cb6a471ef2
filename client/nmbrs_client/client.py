"""The Nmbrs SOAP API v3 client: typed method groups over zeep, throttle-aware, with retries.

    client = NmbrsClient("https://api-sandbox.nmbrs.nl/soap/v3/", NmbrsCredentials(user, token))
    for company in client.companies.list():
        print(company.name, client.companies.current_period(company.id))
    client.call("EmployeeService.Schedule_GetCurrent", EmployeeId=100000)   # any other operation
    client.employee.HourComponentVar_Get(EmployeeId=100000, Period=11, Year=2026)  # untyped proxies

Every call, typed or not, goes through `NmbrsClient.invoke`: auth header (domain discovered with
`Environment_Get` when not given), the process-wide rate limiter, retries for transport failures,
and faults raised as the `nmbrs_client.errors` class of their code.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

import requests
from lxml.etree import XMLSyntaxError
from zeep.exceptions import Fault
from zeep.exceptions import TransportError as ZeepTransportError

from nmbrs_client import wsdl
from nmbrs_client.auth import DISCOVERY_OPERATION, Auth
from nmbrs_client.companies import Companies
from nmbrs_client.components import Days, Hours, Wages
from nmbrs_client.debtors import Debtors
from nmbrs_client.employees import Employees
from nmbrs_client.errors import (
    AuthenticationError,
    DomainNotFound,
    NmbrsFault,
    ServerUnavailable,
    TransportError,
    fault_from,
)
from nmbrs_client.payroll import Documents, Runs, WageTax
from nmbrs_client.ratelimit import RateLimiter, shared_limiter
from nmbrs_client.retry import RetryPolicy
from nmbrs_client.settings import (
    PRODUCTION,
    SANDBOX,
    ClientSettings,
    NmbrsCredentials,
    credentials_from_env,
    settings_from_env,
)
from nmbrs_client.transport import HttpStatusError, NmbrsTransport

__all__ = ["PRODUCTION", "SANDBOX", "NmbrsClient", "NmbrsCredentials", "NmbrsFault", "ServiceProxy"]


_TRANSPORT_FAILURES = (HttpStatusError, requests.RequestException, ZeepTransportError, XMLSyntaxError)


def _what_failed(failure: Exception) -> str:
    if isinstance(failure, requests.Timeout):
        return "no answer within the timeout"
    if isinstance(failure, requests.ConnectionError):
        return "cannot reach the server"
    if isinstance(failure, requests.RequestException):
        return "the HTTP request failed"
    return "unreadable response"


class ServiceProxy:
    """Untyped calls to one service: `proxy.Operation(**arguments)` or `proxy.call("Operation", ...)`."""

    def __init__(self, owner: NmbrsClient, service: str) -> None:
        self.service = service
        self.zeep = wsdl.zeep_client(service, owner.settings, owner.transport)
        self.binding = wsdl.bind(self.zeep, service, owner.settings)
        self._owner = owner

    def header_for(self, operation: str) -> dict[str, dict[str, str | None]]:
        return self._owner.auth.header(operation)

    def call(self, operation: str, **arguments: Any) -> Any:
        return self._owner.invoke(self.service, operation, arguments, proxy=self)

    def __getattr__(self, operation: str) -> Any:
        if operation.startswith("_"):
            raise AttributeError(operation)
        return lambda **arguments: self.call(operation, **arguments)


class NmbrsClient:
    """One login at one Nmbrs (or mock) endpoint. Explicit arguments override `settings`."""

    def __init__(
        self,
        base_url: str | None,
        credentials: NmbrsCredentials,
        soap_version: str | None = None,
        strict: bool | None = None,
        session: requests.Session | None = None,
        timeout: float | None = None,
        *,
        settings: ClientSettings | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        settings = settings or ClientSettings()
        overrides: dict[str, Any] = {"base_url": base_url, "soap_version": soap_version, "strict": strict}
        if timeout is not None:
            overrides |= {"read_timeout": timeout, "connect_timeout": min(settings.connect_timeout, timeout)}
        changes = {name: value for name, value in overrides.items() if value is not None}
        self.settings = dataclasses.replace(settings, **changes)
        self.credentials = credentials
        self.transport = NmbrsTransport(self.settings, session)
        self.retry = RetryPolicy(
            self.settings.retries,
            self.settings.backoff,
            self.settings.max_backoff,
            self.settings.jitter,
            self.settings.retry_writes,
        )
        self.limiter = limiter or self._shared_limiter()
        self.auth = Auth(self.settings.base_url, credentials, self._discover_domain)
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))  # gevent may patch time.sleep later
        self._rand = rand
        self._proxies: dict[str, ServiceProxy] = {}

    @classmethod
    def from_settings(
        cls, settings: ClientSettings, credentials: NmbrsCredentials, **kwargs: Any
    ) -> NmbrsClient:
        return cls(None, credentials, settings=settings, **kwargs)

    @classmethod
    def from_env(cls, **overrides: Any) -> NmbrsClient:
        """A client from NMBRS_BASE_URL, NMBRS_USERNAME, NMBRS_TOKEN and NMBRS_DOMAIN (optional)."""
        credentials = credentials_from_env()
        if credentials is None:
            raise ValueError("set NMBRS_USERNAME and NMBRS_TOKEN (and NMBRS_BASE_URL, NMBRS_DOMAIN)")
        return cls.from_settings(settings_from_env(**overrides), credentials)

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def soap_version(self) -> str:
        return self.settings.soap_version

    @property
    def session(self) -> requests.Session:
        return self.transport.session

    @property
    def domain(self) -> str | None:
        """The domain sent with every call: configured, or discovered through Environment_Get."""
        return self.auth.domain

    # --- typed method groups ------------------------------------------------------------------

    @cached_property
    def companies(self) -> Companies:
        return Companies(self)

    @cached_property
    def employees(self) -> Employees:
        return Employees(self)

    @cached_property
    def hours(self) -> Hours:
        return Hours(self)

    @cached_property
    def wages(self) -> Wages:
        return Wages(self)

    @cached_property
    def days(self) -> Days:
        return Days(self)

    @cached_property
    def runs(self) -> Runs:
        return Runs(self)

    @cached_property
    def wage_tax(self) -> WageTax:
        return WageTax(self)

    @cached_property
    def documents(self) -> Documents:
        return Documents(self)

    @cached_property
    def debtors(self) -> Debtors:
        return Debtors(self)

    # --- untyped access ---------------------------------------------------------------------------

    def service(self, name: str) -> ServiceProxy:
        """A new proxy with a zeep client of its own (plugins added to it stay there)."""
        return ServiceProxy(self, name)

    def proxy(self, name: str) -> ServiceProxy:
        """The client's shared proxy for a service."""
        if name not in self._proxies:
            self._proxies[name] = self.service(name)
        return self._proxies[name]

    @property
    def company(self) -> ServiceProxy:
        return self.proxy("CompanyService")

    @property
    def employee(self) -> ServiceProxy:
        return self.proxy("EmployeeService")

    @property
    def debtor(self) -> ServiceProxy:
        return self.proxy("DebtorService")

    def call(self, operation: str, *, service: str | None = None, **arguments: Any) -> Any:
        """Any operation by name ("Op" when only one service has it, else "Service.Op"); returns
        zeep's result untouched."""
        name = operation.rpartition(".")[2]
        return self.invoke(service or wsdl.service_of(operation), name, arguments)

    # --- the one way out -------------------------------------------------------------------------

    def invoke(
        self, service: str, operation: str, arguments: dict[str, Any], proxy: ServiceProxy | None = None
    ) -> Any:
        """Call an operation: rate limit, retries, faults mapped to `nmbrs_client.errors`."""
        proxy = proxy or self.proxy(service)
        method = getattr(proxy.binding, operation)
        headers = self.auth.header(operation)
        attempt = 0
        while True:
            if self.limiter is not None:
                self.limiter.acquire()
            try:
                return method(**arguments, _soapheaders=headers)
            except Fault as fault:
                raise self._explained(fault_from(fault, service, operation)) from None
            except _TRANSPORT_FAILURES as failure:
                error = self._transport_error(failure, service, operation)
            attempt += 1
            if not self.retry.should_retry(error, operation, attempt):
                raise error
            self._sleep(self.retry.delay(attempt, self._rand))

    def _transport_error(self, failure: Exception, service: str, operation: str) -> TransportError:
        url = f"{self.base_url}{service}.asmx"
        error: TransportError
        if isinstance(failure, HttpStatusError):
            error = ServerUnavailable(failure.status, operation, url=url, service=service)
        else:
            error = TransportError(
                f"{_what_failed(failure)} ({failure})", operation, url=url, service=service
            )
        error.__cause__ = failure
        return error

    def _explained(self, error: NmbrsFault) -> NmbrsFault:
        """A 1001 with a configured domain while the username and token are fine: a wrong domain."""
        domain = self.credentials.domain
        if not isinstance(error, AuthenticationError) or not domain or error.operation == DISCOVERY_OPERATION:
            return error
        try:
            actual = self.debtors.environment().subdomain
        except NmbrsFault:
            return error  # the username or token is wrong too
        if actual.lower() == domain.lower():
            return error
        return DomainNotFound(
            error.message, error.operation, service=error.service, domain=domain, actual=actual or None
        )

    def _discover_domain(self) -> str:
        return self.debtors.environment().subdomain

    def _shared_limiter(self) -> RateLimiter | None:
        rate = self.settings.rate_limit
        if rate is None:
            return None
        return shared_limiter(self.settings.base_url, self.credentials.username, rate, self.settings.burst)

    def __repr__(self) -> str:
        return f"NmbrsClient({self.base_url!r}, user={self.credentials.username!r})"
