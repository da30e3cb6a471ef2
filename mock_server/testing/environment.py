"""`NmbrsEnv`: one test's own environment, its login and a ready client, with the control helpers.

Against the mock every helper is one `ControlPlane` method scoped to this environment. Against a real
Nmbrs sandbox (`@pytest.mark.nmbrs_real`) only the login, the URLs and the client exist; a control
helper raises `RealTargetUnsupported` saying so.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from nmbrs_client import NmbrsClient, NmbrsCredentials

if TYPE_CHECKING:
    from mock_server.control.fault_injection import FaultRule
    from mock_server.control.journal import JournalEntry
    from mock_server.control.plane import ControlPlane, Credentials
    from mock_server.control.verify import VerifyResult
    from mock_server.domain.model import EnvironmentSpec
    from mock_server.testing.mock import NmbrsMock
    from mock_server.testing.real import Sandbox


class RealTargetUnsupported(RuntimeError):
    """A control helper was asked of a real Nmbrs sandbox, which cannot be steered."""


class NmbrsEnv:
    def __init__(
        self, name: str, credentials: NmbrsCredentials, soap_url: str, mock: NmbrsMock | None
    ) -> None:
        self.name = name  # the environment, also the <Domain> clients send
        self.credentials = credentials
        self.soap_url = soap_url  # ".../soap/v3/"
        self.mock = mock  # None: a real Nmbrs sandbox
        self._throttle_before: dict[str, Any] | None = None
        self._closed = False

    @classmethod
    def of(cls, mock: NmbrsMock, created: Credentials) -> NmbrsEnv:
        credentials = NmbrsCredentials(created.username, created.token, created.domain)
        return cls(created.name, credentials, mock.soap_url, mock)

    @classmethod
    def real(cls, sandbox: Sandbox) -> NmbrsEnv:
        domain = sandbox.credentials.domain or ""
        return cls(domain, sandbox.credentials, sandbox.base_url, None)

    def __repr__(self) -> str:
        where = "a real Nmbrs sandbox" if self.is_real else "the mock"
        return f"<NmbrsEnv {self.name!r} at {self.soap_url} ({where})>"

    @property
    def is_real(self) -> bool:
        return self.mock is None

    @property
    def username(self) -> str:
        return self.credentials.username

    @property
    def token(self) -> str:
        return self.credentials.token

    def service_url(self, service: str) -> str:
        """The endpoint of one service, e.g. `service_url("CompanyService")` -> .../CompanyService.asmx."""
        return f"{self.soap_url}{service}.asmx"

    @cached_property
    def client(self) -> NmbrsClient:
        return NmbrsClient(self.soap_url, self.credentials)

    def make_client(self, credentials: NmbrsCredentials | None = None, **options: Any) -> NmbrsClient:
        """Another client of this endpoint: another login (see `add_user`) or other client options."""
        return NmbrsClient(self.soap_url, credentials or self.credentials, **options)

    @property
    def control(self) -> ControlPlane:
        """The mock's control plane (every helper below is one of its methods)."""
        return self._mock().control

    # -- what the environment holds ----------------------------------------------------------------
    @property
    def spec(self) -> EnvironmentSpec:
        return self.control.spec(self.name)

    def describe(self) -> dict[str, Any]:
        """Debtors, companies with their current period, employee count and recent runs."""
        return self.control.describe(self.name)

    @property
    def companies(self) -> list[dict[str, Any]]:
        return list(self.describe()["companies"])

    @property
    def company_id(self) -> int:
        """The first company's id (the one the helpers use when given no company)."""
        return int(self.companies[0]["id"])

    def employees(self, company_id: int | None = None) -> list[dict[str, Any]]:
        return self.control.employees(self.name, self._company(company_id))

    def current_period(self, company_id: int | None = None) -> dict[str, int]:
        wanted = self._company(company_id)
        company = next(c for c in self.companies if c["id"] == wanted)
        return dict(company["current_period"])

    # -- journal -----------------------------------------------------------------------------------
    def requests(
        self,
        operation: str | None = None,
        *,
        user: str | None = None,
        fault_code: int | None = None,
        status: int | None = None,
        since: float | datetime | None = None,
        until: float | datetime | None = None,
        faulted: bool | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """This environment's journal entries, newest first (`operation`: a glob over `Operation` or
        `Service.Operation`; `faulted=True`: only unrouted or faulted calls)."""
        from mock_server.control.journal import JournalQuery

        query = JournalQuery(
            environment=self.name,
            operation=operation,
            user=user,
            fault_code=fault_code,
            status=status,
            since=_epoch(since),
            until=_epoch(until),
            faulted=faulted,
            limit=limit,
        )
        return self.control.requests(query)[0]

    def last_request(self, operation: str | None = None) -> JournalEntry:
        found = self.requests(operation, limit=1)
        if not found:
            raise AssertionError(f"no call{' of ' + operation if operation else ''} in {self.name!r} yet")
        return found[0]

    def unmatched(self) -> list[JournalEntry]:
        """Calls that could not be routed or that faulted."""
        return self.requests(faulted=True)

    def clear_requests(self) -> None:
        self.control.clear_requests(self.name)

    def verify(
        self,
        operation: str,
        where: dict[str, Any] | None = None,
        *,
        count: int | None = None,
        at_least: int | None = None,
        at_most: int | None = None,
    ) -> VerifyResult:
        """Assert `operation` was called (default: at least once) with arguments matching `where`
        (field paths such as `HourComponents.EmployeeHourComponent[*].HourCode`); on failure an
        AssertionError carries the explanation: counts, nearest calls and the fields that differed."""
        result = self.control.verify(
            operation, self.name, where, count=count, at_least=at_least, at_most=at_most
        )
        if not result.ok:
            raise AssertionError(result.explanation)
        return result

    # -- fault injection ---------------------------------------------------------------------------
    def inject_fault(
        self,
        operation: str = "*",
        *,
        code: int | None = None,
        http_status: int | None = None,
        effect: dict[str, Any] | None = None,
        times: int | None = None,
        user: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
        expires_in_seconds: float | None = None,
    ) -> FaultRule:
        """Make this environment's calls of `operation` fail: give one of `code` (an Nmbrs fault with
        its real text), `http_status` (500/503 outage page) or `effect` (the admin API's JSON form:
        latency, empty, truncated, malformed, reset). `times=None` fires on every matching call."""
        given = [e for e in (code, http_status, effect) if e is not None]
        if len(given) != 1:
            raise ValueError("inject_fault needs exactly one of code=, http_status= or effect=")
        if code is not None:
            effect = {"type": "nmbrs", "code": code}
        elif http_status is not None:
            effect = {"type": "http", "status": http_status}
        rule: dict[str, Any] = {"environment": self.name, "operation": operation, "effect": effect}
        optional = {
            "times": times,
            "user": user,
            "probability": probability,
            "seed": seed,
            "expires_in_seconds": expires_in_seconds,
        }
        rule.update({key: value for key, value in optional.items() if value is not None})
        return self.control.add_fault(rule)

    def faults(self) -> list[FaultRule]:
        return self.control.faults(self.name)

    def delete_fault(self, rule: FaultRule | int) -> None:
        self.control.delete_fault(rule if isinstance(rule, int) else rule.id)

    def clear_faults(self) -> int:
        return self.control.clear_faults(self.name)

    # -- periods, runs, users, throttle ------------------------------------------------------------
    def close_period(self, company_id: int | None = None) -> dict[str, Any]:
        """Close the company's current period: writes into it then get 2011 without UnprotectedMode."""
        return self.control.close_period(self.name, self._company(company_id))

    def process_run(self, company_id: int | None = None, description: str | None = None) -> dict[str, Any]:
        return self.control.process_run(self.name, self._company(company_id), description)

    def add_user(
        self,
        username: str,
        token: str | None = None,
        template: str = "full",
        debtor_ids: list[int] | None = None,
    ) -> NmbrsCredentials:
        """Another login (a permission template limits it); `make_client(credentials)` calls with it."""
        created = self.control.add_user(self.name, username, token, template, debtor_ids)
        return NmbrsCredentials(created.username, created.token, created.domain)

    def set_throttle(self, **fields: Any) -> dict[str, Any]:
        """Change the mock's throttle (`enabled`, `rate_per_second`, `delay_seconds`, `scope`). It is
        mock-wide: the plugin puts the previous settings back when the test ends."""
        if self._throttle_before is None:
            self._throttle_before = self.control.throttle()
        return self.control.set_throttle(**fields)

    def throttle(self) -> dict[str, Any]:
        return self.control.throttle()

    # -- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None:
        """Put the throttle back and delete the environment (its journal and rules go too)."""
        if self._closed or self.mock is None:
            return
        self._closed = True
        if self._throttle_before is not None:
            self.control.set_throttle(**self._throttle_before)
        if self.name in self.mock.app.backend.specs:
            self.control.delete(self.name)

    def _company(self, company_id: int | None) -> int:
        return self.company_id if company_id is None else company_id

    def _mock(self) -> NmbrsMock:
        if self.mock is None:
            raise RealTargetUnsupported(
                "nmbrs_env's control helpers (journal, verify, faults, periods, runs, users, throttle) "
                f"need the mock, and this test runs against a real Nmbrs sandbox at {self.soap_url} "
                "(@pytest.mark.nmbrs_real); check nmbrs_env.is_real first"
            )
        return self.mock


def _epoch(moment: float | datetime | None) -> float | None:
    return moment.timestamp() if isinstance(moment, datetime) else moment
