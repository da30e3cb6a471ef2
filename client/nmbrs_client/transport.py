"""HTTP for zeep: one `requests.Session` per client (a caller may pass its own, e.g. Locust's),
(connect, read) timeouts, our User-Agent, and error pages told apart from SOAP faults.

ASMX answers every SOAP fault with HTTP 500 and an XML body; zeep parses those. A 502/503/504, or
any other 5xx whose body is no XML, never reached the application: `HttpStatusError` says so, and the
invoker turns it into a (retryable) `ServerUnavailable`.
"""

from __future__ import annotations

from typing import Any

import requests
from zeep.transports import Transport

from nmbrs_client.settings import ClientSettings

GATEWAY_STATUSES = frozenset({502, 503, 504})
_XML_TYPES = ("text/xml", "application/soap+xml", "application/xml")


class HttpStatusError(Exception):
    """An HTTP error response without a SOAP answer in it."""

    def __init__(self, status: int, url: str) -> None:
        self.status, self.url = status, url
        super().__init__(f"HTTP {status} from {url}")


class OfflineTransport(Transport):
    """Loads local files only: parsing a bundled WSDL can never fetch anything over the network."""

    def _load_remote_data(self, url: str) -> bytes:
        raise RuntimeError(f"the bundled WSDL refers to {url}; it is loaded offline and may not fetch")


class NmbrsTransport(Transport):
    def __init__(self, settings: ClientSettings, session: requests.Session | None = None) -> None:
        own = session or requests.Session()
        user_agent = own.headers.get("User-Agent") if session is not None else None
        super().__init__(session=own, timeout=settings.read_timeout, operation_timeout=settings.timeout)
        if user_agent is not None:  # zeep overwrites it; a caller's session keeps its own
            own.headers["User-Agent"] = user_agent
        self.headers = {"User-Agent": settings.user_agent, **settings.extra_headers}

    def post(self, address: str, message: Any, headers: dict[str, str]) -> requests.Response:
        response = super().post(address, message, {**self.headers, **headers})
        if is_error_page(response):
            raise HttpStatusError(response.status_code, address)
        return response


def is_error_page(response: requests.Response) -> bool:
    """A gateway error, or any 4xx/5xx whose body is not XML (so it holds no SOAP fault)."""
    status = response.status_code
    if status in GATEWAY_STATUSES:
        return True
    if status < 400:
        return False
    content_type = response.headers.get("Content-Type", "").lower()
    return not (response.content and content_type.startswith(_XML_TYPES))
