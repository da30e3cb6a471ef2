"""The SOAP auth header of every call, and the domain when the credentials name none.

v3 operations take `AuthHeaderWithDomain(Username, Token, Domain)`; DebtorService `Environment_Get`
takes `AuthHeader(Username, Token)` and tells the login's sub-domain. Without a configured domain
the client asks `Environment_Get` once per process and (base URL, username, token), and sends the
answer as Domain from then on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from nmbrs_client.settings import NmbrsCredentials

DISCOVERY_OPERATION = "Environment_Get"
Header = dict[str, dict[str, str | None]]

_discovered: dict[tuple[str, str, str], str] = {}
_discovery_lock = threading.RLock()  # held while discovering, so a login is asked once


class Auth:
    """Headers for one client; `discover` asks the service for the sub-domain (Environment_Get)."""

    def __init__(self, base_url: str, credentials: NmbrsCredentials, discover: Callable[[], str]) -> None:
        self.credentials = credentials
        self._key = (base_url.lower(), credentials.username.strip().lower(), credentials.token)
        self._discover = discover

    @property
    def domain(self) -> str | None:
        """The configured domain, else the discovered one (asked for once), None if there is none."""
        if self.credentials.domain:
            return self.credentials.domain
        with _discovery_lock:
            known = _discovered.get(self._key)
            if known is None:
                known = _discovered[self._key] = self._discover()
        return known or None

    def header(self, operation: str) -> Header:
        creds = self.credentials
        if operation == DISCOVERY_OPERATION:
            return {"AuthHeader": {"Username": creds.username, "Token": creds.token}}
        return {
            "AuthHeaderWithDomain": {"Username": creds.username, "Token": creds.token, "Domain": self.domain}
        }


def forget_discovered_domains() -> None:
    """Drop what discovery learnt (tests; or after moving a login to another environment)."""
    with _discovery_lock:
        _discovered.clear()
