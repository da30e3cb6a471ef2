"""One settings object for a mock instance; every INFERRED Nmbrs behaviour is a switch here."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_server.control.journal import JournalSettings
from mock_server.domain.periods import PeriodFormat
from mock_server.domain.throttle import ThrottleSettings

# A 10,000-line HourComponentVar_Insert_Batch is about 3.7 MB (4.4 MB pretty-printed); the default limit
# leaves room for four of those (ASMX's own default is 4 MB). Measured in tests/security/test_limits.py.
DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a client may take, in seconds (0: no limit), and how many connections are served at once."""

    idle_timeout: float = 60.0  # a connection waiting for (the first byte of) its next request
    header_timeout: float = 10.0  # from a request's first byte to the end of its headers
    body_timeout: float = 60.0  # reading one request body
    max_connections: int = 10_000  # open connections served at once (throttled calls park on theirs)

    def __post_init__(self) -> None:
        for name in ("idle_timeout", "header_timeout", "body_timeout"):
            if getattr(self, name) < 0:
                raise ValueError(
                    f"--{name.replace('_', '-')} must not be negative, not {getattr(self, name)}"
                )
        if self.max_connections < 1:
            raise ValueError(f"--max-connections must be 1 or more, not {self.max_connections}")


@dataclass(frozen=True)
class MockSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    state_path: str | None = None  # SQLite file; None keeps everything in memory
    # Folder of seeded environments kept between processes (`storage/seed_cache.py`); None: no cache.
    seed_cache: str | None = None
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    # A SOAP 1.1 request without SOAPAction: routed by its body element (lenient, what real clients
    # rely on) or refused with ASMX's "Unable to handle request without a valid action parameter".
    require_soap_action: bool = False
    # Writes into a period before the current one without UnprotectedMode: 2011 (v3) or the legacy
    # 9999 "TWK" fault of the 2017-era service.
    protected_period_code: int = 2011
    period_format: PeriodFormat = field(default_factory=PeriodFormat)
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES  # larger requests get a 413 fault, unread
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    journal: JournalSettings = field(default_factory=JournalSettings)
    # Bearer token the admin API (/__admin/) requires; None: loopback callers only, no token.
    admin_token: str | None = None
