"""One settings object for a mock instance; every INFERRED Nmbrs behaviour is a switch here."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_server.domain.periods import PeriodFormat
from mock_server.domain.throttle import ThrottleSettings


@dataclass(frozen=True)
class MockSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    state_path: str | None = None  # SQLite file; None keeps everything in memory
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    # A SOAP 1.1 request without SOAPAction: routed by its body element (lenient, what real clients
    # rely on) or refused with ASMX's "Unable to handle request without a valid action parameter".
    require_soap_action: bool = False
    # Writes into a period before the current one without UnprotectedMode: 2011 (v3) or the legacy
    # 9999 "TWK" fault of the 2017-era service.
    protected_period_code: int = 2011
    period_format: PeriodFormat = field(default_factory=PeriodFormat)
    max_request_bytes: int = 32 * 1024 * 1024
