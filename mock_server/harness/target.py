"""What the contract harness talks to: the in-process mock, a mock at a URL, or a real Nmbrs sandbox.

Every call goes out as raw bytes (envelopes built by `nmbrs_client.raw`) and comes back as an
`Exchange` that keeps both sides exactly as they crossed the wire, so a check can judge the bytes and
a failure can be replayed with `Exchange.curl`.

    target = in_process_target()           # own MockApp + MockServer on 127.0.0.1:0
    exchange = target.call("CompanyService", "List_GetAll")
    print(exchange.status, exchange.curl(target.base_url))
    target.close()
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import requests
from nmbrs_client.client import NmbrsCredentials
from nmbrs_client.raw import CONTENT_TYPES, envelope, soap_action

REAL_PACE = 120.0  # calls/s on a real target: below Nmbrs's 150/s (nmbrs-behaviour.md §6)
URL_PACE = 140.0  # calls/s on a mock at a URL: below its default throttle
TIMEOUT = 60.0


class _Default:
    """Marker: the SOAPAction the operation's contract names."""

    def __repr__(self) -> str:
        return "DEFAULT_ACTION"


DEFAULT_ACTION: Any = _Default()


class TargetError(Exception):
    """A target that cannot be reached or set up; the CLI prints the message, never a traceback."""


@dataclass(frozen=True)
class Credentials:
    username: str
    token: str
    domain: str | None = None

    def for_client(self) -> NmbrsCredentials:
        return NmbrsCredentials(self.username, self.token, self.domain)


@dataclass(frozen=True)
class Exchange:
    """One request and its response, byte for byte."""

    service: str
    operation: str
    soap_version: str  # "1.1" or "1.2": the envelope sent
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    elapsed: float

    def response_header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.response_headers.items() if k.lower() == lower), None)

    @property
    def content_type(self) -> str:
        return self.response_header("Content-Type") or ""

    def endpoint(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/{self.service}.asmx"

    def curl(self, url: str, secrets: dict[str, str] | None = None) -> str:
        """A copy-paste `curl` command sending exactly this request to `url` (a base URL or the endpoint).
        `secrets` maps literal values (a token) to shell variables written in their place."""
        endpoint = url if url.endswith(".asmx") else self.endpoint(url)
        parts = ["curl", "-sS", "-i", "-X", "POST", shlex.quote(endpoint)]
        for name, value in self.request_headers.items():
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        body = shlex.quote(self.request_body.decode("utf-8", errors="replace"))
        for literal, variable in (secrets or {}).items():
            body = body.replace(escape(literal), f"'\"${{{variable}}}\"'")
        parts += ["--data-binary", body]
        return " ".join(parts)


@dataclass
class _Pacer:
    """Keeps calls below `rate` per second (None: no pacing)."""

    rate: float | None
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> None:
        if not self.rate:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + 1.0 / self.rate
        if start > now:
            time.sleep(start - now)


class Target:
    """A SOAP v3 endpoint with credentials. `base_url` ends in `/soap/v3/`."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        is_real: bool = False,
        allow_writes: bool = True,
        company_id: int | None = None,
        pace: float | None = None,
        admin_url: str | None = None,
        environment: str | None = None,
        description: str = "",
    ) -> None:
        self.base_url = soap_base(base_url)
        self.credentials = credentials
        self.is_real = is_real
        self.allow_writes = allow_writes
        self.company_id = company_id
        self.admin_url = admin_url  # ".../__admin/" of a mock with an admin API, else None
        self.environment = environment  # the environment's name on a mock, when known
        self.description = description or self.base_url
        self.app: Any = None  # the MockApp of an in-process target
        self._pacer = _Pacer(pace)
        self._session = requests.Session()
        self._closers: list[Any] = []

    @property
    def pace(self) -> float | None:
        return self._pacer.rate

    def secrets(self) -> dict[str, str]:
        """Literal values to hide in reproductions printed for a real target."""
        return {self.credentials.token: "NMBRS_TOKEN"} if self.is_real else {}

    def post(
        self, service: str, body: bytes, headers: dict[str, str], operation: str = "", version: str = ""
    ) -> Exchange:
        self._pacer.wait()
        started = time.perf_counter()
        try:
            response = self._session.post(
                f"{self.base_url}{service}.asmx", data=body, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as error:
            raise TargetError(f"{service}.{operation or '?'}: {self.description}: {error}") from None
        elapsed = time.perf_counter() - started
        return Exchange(
            service=service,
            operation=operation,
            soap_version=version or _version_of(body),
            request_headers=dict(headers),
            request_body=body,
            status=response.status_code,
            response_headers=dict(response.headers),
            response_body=response.content,
            elapsed=elapsed,
        )

    def call(
        self,
        service: str,
        operation: str,
        params_xml: str = "",
        version: str = "1.1",
        credentials: Credentials | None = None,
        soap_action: str | None = DEFAULT_ACTION,
        header: str | None = None,
    ) -> Exchange:
        """Call one operation; `soap_action=None` sends no action, a string replaces it; `header`
        replaces the auth header ("" sends none)."""
        creds = (credentials or self.credentials).for_client()
        body = envelope(service, operation, params_xml, creds, version, header)
        headers = request_headers(service, operation, version, soap_action)
        return self.post(service, body, headers, operation, version)

    def reset(self) -> None:
        """Put the target's environment back to its seeded state (mocks only)."""
        if self.is_real or self.environment is None:
            raise TargetError(f"{self.description}: cannot reset a real or unnamed environment")
        if self.app is not None:
            self.app.reset(self.environment)
        elif self.admin_url is not None:
            _admin_json(self.admin_url, "POST", f"environments/{self.environment}/reset", {}, None)
        else:
            raise TargetError(f"{self.description}: no admin API to reset the environment with")

    def on_close(self, closer: Any) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        self._session.close()
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def request_headers(
    service: str, operation: str, version: str, action: str | None = DEFAULT_ACTION
) -> dict[str, str]:
    """Content-Type and SOAPAction as an ASMX client sends them, with the action replaced or left out."""
    if action is DEFAULT_ACTION:
        action = soap_action(service, operation)
    if version == "1.1":
        headers = {"Content-Type": CONTENT_TYPES["1.1"]}
        if action is not None:
            headers["SOAPAction"] = f'"{action}"'
        return headers
    suffix = f'; action="{action}"' if action is not None else ""
    return {"Content-Type": CONTENT_TYPES["1.2"] + suffix}


def soap_base(url: str) -> str:
    """`http://host:port`, `.../soap/v3` or `.../soap/v3/X.asmx` -> `.../soap/v3/`."""
    url = url.strip()
    if url.endswith(".asmx"):
        url = url.rsplit("/", 1)[0]
    url = url.rstrip("/")
    if not url.endswith("/soap/v3"):
        url += "/soap/v3"
    return url + "/"


def _version_of(body: bytes) -> str:
    return "1.2" if b"http://www.w3.org/2003/05/soap-envelope" in body[:400] else "1.1"


def _origin(base_url: str) -> str:
    return base_url.split("/soap/v3/")[0]


# --- the three kinds of target -------------------------------------------------------------------------


def in_process_target(**settings: Any) -> Target:
    """A mock of its own on 127.0.0.1:0 with a fresh demo environment; `settings` are `MockSettings`
    fields (the throttle is off unless `throttle=` is given)."""
    from mock_server.app import MockApp
    from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER
    from mock_server.domain.throttle import ThrottleSettings
    from mock_server.server import MockServer
    from mock_server.settings import MockSettings

    settings.setdefault("throttle", ThrottleSettings(enabled=False))
    app = MockApp(MockSettings(**settings))
    server = MockServer(app).start()
    target = Target(
        f"{server.url}/soap/v3/",
        Credentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN),
        environment=DEMO_DOMAIN,
        description=f"in-process mock at {server.url}",
    )
    target.app = app
    if _has_admin(f"{server.url}/__admin/"):
        target.admin_url = f"{server.url}/__admin/"
    target.on_close(server.stop)
    return target


def url_target(
    url: str,
    credentials: Credentials | None = None,
    *,
    allow_bursts: bool = False,
    admin_token: str | None = None,
) -> Target:
    """A mock at `url`. With an admin API there, a fresh environment of its own is created (and deleted
    on close); without one, `credentials` (default: the demo user) are used on what is there."""
    base = soap_base(url)
    admin = f"{_origin(base)}/__admin/"
    pace = None if allow_bursts else URL_PACE
    if credentials is None and _has_admin(admin, admin_token):
        created = _admin_json(admin, "POST", "environments", {}, admin_token)
        creds = Credentials(created["username"], created["token"], created.get("domain"))
        target = Target(
            created.get("soap_url") or base,
            creds,
            pace=pace,
            admin_url=admin,
            environment=created.get("name"),
            description=f"mock at {base} (environment {created.get('name')})",
        )
        name = created.get("name")
        if name:
            target.on_close(lambda: _admin_quiet(admin, "DELETE", f"environments/{name}", admin_token))
        return target
    if credentials is None:
        from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER

        credentials = Credentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
    return Target(
        base,
        credentials,
        pace=pace,
        admin_url=admin if _has_admin(admin, admin_token) else None,
        environment=credentials.domain,
        description=f"mock at {base}",
    )


def real_target(
    url: str,
    credentials: Credentials,
    *,
    allow_writes: bool = False,
    company_id: int | None = None,
    allow_bursts: bool = False,
) -> Target:
    """A real Nmbrs service: reads only unless writes are allowed for one company; paced below 150/s."""
    if allow_writes and company_id is None:
        raise TargetError("--allow-writes on a real target needs --company ID (the company writes may touch)")
    return Target(
        url,
        credentials,
        is_real=True,
        allow_writes=allow_writes,
        company_id=company_id,
        pace=None if allow_bursts else REAL_PACE,
        description=f"real Nmbrs at {soap_base(url)}",
    )


def sandbox_target_from_env(environ: dict[str, str] | None = None, **options: Any) -> Target | None:
    """The sandbox named by NMBRS_BASE_URL, NMBRS_USERNAME, NMBRS_TOKEN and NMBRS_DOMAIN, or None."""
    env = os.environ if environ is None else environ
    url, username, token = env.get("NMBRS_BASE_URL"), env.get("NMBRS_USERNAME"), env.get("NMBRS_TOKEN")
    if not (url and username and token):
        return None
    return real_target(url, Credentials(username, token, env.get("NMBRS_DOMAIN") or None), **options)


# --- the admin API of a mock at a URL ------------------------------------------------------------------


def _admin_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _has_admin(admin_url: str, token: str | None = None) -> bool:
    try:
        response = requests.get(f"{admin_url}health", headers=_admin_headers(token), timeout=10)
    except requests.RequestException:
        return False
    return response.status_code == 200 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    )


def _admin_json(admin_url: str, method: str, path: str, body: Any, token: str | None) -> Any:
    try:
        response = requests.request(
            method, f"{admin_url}{path}", json=body, headers=_admin_headers(token), timeout=30
        )
    except requests.RequestException as error:
        raise TargetError(f"admin API {method} {path}: {error}") from None
    if response.status_code >= 400:
        raise TargetError(f"admin API {method} {path}: HTTP {response.status_code} {response.text[:300]}")
    try:
        return response.json() if response.content else {}
    except json.JSONDecodeError:
        raise TargetError(f"admin API {method} {path}: not JSON: {response.text[:300]}") from None


def _admin_quiet(admin_url: str, method: str, path: str, token: str | None) -> None:
    with contextlib.suppress(TargetError):
        _admin_json(admin_url, method, path, None, token)
