"""The dashboard at /__admin/ui: static HTML, vanilla JS and CSS (package data in dashboard/), no build.

Everything it shows comes from the admin API. The files are read once; a strict Content-Security-Policy
allows only these files' own script and style, so nothing a journal body holds can run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

PREFIX = "/__admin/ui"
FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def _file(name: str) -> bytes:
    return (resources.files("mock_server.control") / "dashboard" / name).read_bytes()


def serve_dashboard(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    name = environ.get("PATH_INFO", "").removeprefix(PREFIX).lstrip("/") or "index.html"
    method = environ.get("REQUEST_METHOD", "GET").upper()
    if name not in FILES:
        return _send(
            start_response, "404 Not Found", b"Not found: the dashboard is /__admin/ui\n", "text/plain"
        )
    if method not in ("GET", "HEAD"):
        return _send(
            start_response, "405 Method Not Allowed", b"GET only\n", "text/plain", [("Allow", "GET")]
        )
    body = _file(name)
    return _send(start_response, "200 OK", b"" if method == "HEAD" else body, FILES[name], length=len(body))


def _send(
    start_response: Callable[..., Any],
    status: str,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
    length: int | None = None,
) -> Iterable[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body) if length is None else length)),
        ("Cache-Control", "no-cache"),
        ("Content-Security-Policy", POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        *(extra or []),
    ]
    start_response(status, headers)
    return [body]
