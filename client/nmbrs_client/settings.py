"""What a client needs to know besides the credentials: where, how fast, how patient.

settings = ClientSettings(base_url=SANDBOX, rate_limit=100.0, retries=5)
client = NmbrsClient.from_settings(settings, credentials)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

PRODUCTION = "https://api.nmbrs.nl/soap/v3/"
SANDBOX = "https://api-sandbox.nmbrs.nl/soap/v3/"
SoapVersion = Literal["1.1", "1.2"]
_VERSION = "0.1.0"


@dataclass(frozen=True)
class NmbrsCredentials:
    username: str
    token: str
    domain: str | None = None  # the sub-domain, e.g. "demo" for demo.nmbrs.nl; None: discovered


@dataclass(frozen=True)
class ClientSettings:
    """Every knob of a client. `wsdl` is "bundled" (the package's own files, offline) or "remote"
    (`<base_url><Service>.asmx?WSDL`) or a URL/path template holding `{service}`."""

    base_url: str = PRODUCTION
    soap_version: SoapVersion = "1.1"
    wsdl: str = "bundled"
    strict: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # Calls per second this process sends per (base URL, username); Nmbrs allows 150 and then delays
    # calls by 0.5 s. None switches the limiter off. `burst`: calls that may go out back to back.
    rate_limit: float | None = 145.0
    burst: int = 5
    retries: int = 3  # extra attempts after a transport error or HTTP 502/503/504
    backoff: float = 0.5  # seconds before the first retry, doubled for each further one
    max_backoff: float = 8.0
    jitter: float = 0.5  # up to this fraction of the backoff is added at random
    retry_writes: bool = False  # writes are retried only when the request surely was not processed
    user_agent: str = f"nmbrs-client/{_VERSION} (+nmbrs-mock reference client)"
    extra_headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.soap_version not in ("1.1", "1.2"):
            raise ValueError(f"soap_version must be '1.1' or '1.2', not {self.soap_version!r}")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError(f"rate_limit must be positive or None, not {self.rate_limit}")
        if self.burst < 1:
            raise ValueError(f"burst must be at least 1, not {self.burst}")
        if self.retries < 0 or self.backoff < 0 or self.jitter < 0:
            raise ValueError("retries, backoff and jitter must not be negative")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be positive")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/") + "/")

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read), as requests takes it."""
        return (self.connect_timeout, self.read_timeout)

    def with_changes(self, **changes: object) -> ClientSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def settings_from_env(environ: dict[str, str] | None = None, **overrides: object) -> ClientSettings:
    """Settings from NMBRS_BASE_URL (default: production) and NMBRS_SOAP_VERSION, then `overrides`."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {"base_url": env.get("NMBRS_BASE_URL") or PRODUCTION}
    if env.get("NMBRS_SOAP_VERSION"):
        values["soap_version"] = env["NMBRS_SOAP_VERSION"]
    return ClientSettings(**{**values, **overrides})  # type: ignore[arg-type]


def credentials_from_env(environ: dict[str, str] | None = None) -> NmbrsCredentials | None:
    """NMBRS_USERNAME, NMBRS_TOKEN and the optional NMBRS_DOMAIN; None when a required one is unset."""
    env = os.environ if environ is None else environ
    username, token = env.get("NMBRS_USERNAME"), env.get("NMBRS_TOKEN")
    if not username or not token:
        return None
    return NmbrsCredentials(username, token, env.get("NMBRS_DOMAIN") or None)
