"""How a SOAP call becomes one Locust request: named `Service.Operation`, an Nmbrs fault a failure
with its code, the mock's throttle delay reported as its own figure.

Two user bases:

- `ZeepUser` (an `HttpUser`): the reference client `nmbrs_client.NmbrsClient` (zeep) posts through a
  `SoapSession`, which is Locust's own `HttpSession` with SOAP-aware reporting. The load generator
  pays zeep's cost, as a real integration does.
- `EnvelopeUser` (a `FastHttpUser`): posts envelopes prepared once (`nmbrs_client.raw`), for
  capacity tests where the generator must be cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from locust import FastHttpUser, HttpUser
from locust.clients import HttpSession
from nmbrs_client import ClientSettings, NmbrsClient, NmbrsCredentials, raw
from nmbrs_client.errors import NmbrsFault

from loadtests.scenarios import environments
from loadtests.scenarios.judge import SoapFailure, delay_ms, failure_of, operation_name

__all__ = ["EnvelopeUser", "SoapFailure", "SoapSession", "ZeepUser", "soap_task"]

REQUEST_TYPE = "POST"  # what Locust shows for the HTTP calls, so client-side failures share their rows
THROTTLE_TYPE = "THROTTLE"


def net_of(response: Any, delayed: float) -> None:
    """Report the call's latency without the throttle's delay."""
    meta: dict[str, Any] = response.request_meta
    meta["response_time"] -= delayed


def fire_delay(user: Any, name: str, delayed: float) -> None:
    user.environment.events.request.fire(
        request_type=THROTTLE_TYPE, name=name, response_time=delayed, response_length=0, exception=None
    )


class SoapSession(HttpSession):
    """Locust's HttpSession reporting each call as `Service.Operation`, judged as SOAP."""

    last_failed = False  # whether the latest answer was reported as a failure

    def request(  # type: ignore[override]
        self, method: str, url: str, name: str | None = None, catch_response: bool = False, **kwargs: Any
    ) -> Any:
        name = name or operation_name(kwargs.get("headers")) or url
        response = super().request(method, url, name=name, catch_response=True, **kwargs)
        with response:
            failure = failure_of(response.status_code, response.content, getattr(response, "error", None))
            delayed = delay_ms(response.headers)
            if delayed:  # the delay is its own figure, not part of the call's latency
                net_of(response, delayed)
                fire_delay(self.user, name, delayed)
            self.last_failed = failure is not None
            if failure is None:
                response.success()
            else:
                response.failure(failure)
        return response


Task = TypeVar("Task", bound=Callable[..., Any])


def soap_task(function: Task) -> Task:
    """Ends the task quietly on an Nmbrs fault or transport error (the failure is in the stats
    already); a client-side failure the session judged a good answer (e.g. an unreadable 200) is
    reported here, so no failed call goes unseen."""

    @functools.wraps(function)
    def run(user: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(user, *args, **kwargs)
        except NmbrsFault as error:
            if not user.client.last_failed:
                user.environment.events.request.fire(
                    request_type=REQUEST_TYPE, name=error.qualified_operation, response_time=0,
                    response_length=0, exception=SoapFailure(f"client: {error}"),
                )  # fmt: skip
            return None

    return run  # type: ignore[return-value]


class ZeepUser(HttpUser):
    """A user driving the reference client; `self.nmbrs` is its NmbrsClient on Locust's session."""

    abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = SoapSession(
            base_url=self.host, request_event=self.environment.events.request, user=self,
            pool_manager=self.pool_manager,
        )  # fmt: skip
        session.trust_env = False
        self.client = session

    def on_start(self) -> None:
        self.login = environments.login_for(self.environment, self)
        settings = ClientSettings(
            base_url=f"{str(self.host).rstrip('/')}/soap/v3/", rate_limit=None, retries=0, read_timeout=300.0
        )  # every call visible: no client-side pacing or retries (Locust paces; the mock throttles)
        self.nmbrs = NmbrsClient.from_settings(settings, self.login, session=self.client)


class EnvelopeUser(FastHttpUser):
    """A user posting prepared envelopes through Locust's FastHttpSession."""

    abstract = True
    network_timeout = 300.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.login: NmbrsCredentials = environments.login_for(self.environment, self)

    def post(self, service: str, operation: str, body: bytes) -> bytes | None:
        """One call; the answer's body, or None after recording a failure."""
        name = f"{service}.{operation}"
        headers = raw.http_headers(service, operation)
        path = f"/soap/v3/{service}.asmx"
        post: Any = self.client.post  # typed for str bodies; bytes go out as they are
        with post(path, data=body, headers=headers, name=name, catch_response=True) as response:
            content = response.content or b""
            failure = failure_of(response.status_code or 0, content, getattr(response, "error", None))
            delayed = delay_ms(response.headers)
            if delayed:
                net_of(response, delayed)
                fire_delay(self, name, delayed)
            if failure is None:
                response.success()
                return content
            response.failure(failure)
            return None

    def call(self, service: str, operation: str, params: str = "") -> bytes | None:
        return self.post(service, operation, raw.envelope(service, operation, params, self.login))
