"""The admin API as its own WSGI application, mounted by `MockApp` under /__admin.

Security: callers on loopback only, unless the mock has an admin token; with a token every request
must send it (`Authorization: Bearer <token>` or `X-Admin-Token`), compared in constant time.
A refused request gets a JSON 401/403 and changes nothing.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable
from typing import Any

from mock_server.control.dashboard import serve_dashboard
from mock_server.control.errors import ControlError
from mock_server.control.http import Request, Response
from mock_server.control.loopback import is_loopback
from mock_server.control.plane import ControlPlane
from mock_server.control.routes import ROUTES, Route
from mock_server.soap.wsgi import _host as request_host

log = logging.getLogger("nmbrs_mock")
PREFIX = "/__admin"
StartResponse = Callable[..., Any]


class AdminApp:
    def __init__(self, plane: ControlPlane, token: str | None, max_body_bytes: int) -> None:
        self.plane = plane
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.routes = ROUTES

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        refusal = self._refusal(environ)
        path = environ.get("PATH_INFO", "")[len(PREFIX) :] or "/"
        if (path == "/ui" or path.startswith("/ui/")) and (refusal is None or self.token is not None):
            # the page's static files hold no data: with a token set they load without it and the
            # page asks for it (every API call it makes sends it)
            return serve_dashboard(environ, start_response)
        if refusal is not None:
            return self._send(start_response, refusal)
        try:
            response = self._dispatch(environ, path)
        except ControlError as error:
            response = Response.of(error)
        except Exception:  # never a traceback: a JSON 500 and the log
            log.exception("unexpected error in the admin API: %s %s", environ.get("REQUEST_METHOD"), path)
            response = Response.error(500, "internal error in the mock's admin API (see the mock's log)")
        return self._send(start_response, response)

    def _refusal(self, environ: dict[str, Any]) -> Response | None:
        if self.token is None:
            if is_loopback(environ.get("REMOTE_ADDR")):
                return None
            return Response.error(
                403,
                "the admin API answers loopback callers only; "
                "start the mock with --admin-token to allow others",
            )
        sent = _sent_token(environ)
        if sent is None:
            return Response.error(401, "the admin API needs its token: send Authorization: Bearer <token>")
        if not hmac.compare_digest(sent.encode(), self.token.encode()):
            return Response.error(401, "wrong admin token")
        return None

    def _dispatch(self, environ: dict[str, Any], path: str) -> Response:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        matching = [(route, m) for route in self.routes if (m := route.regex.match(path))]
        if not matching:
            return Response.error(404, f"no admin endpoint {path!r}; see /__admin/openapi.json")
        chosen = next(((route, m) for route, m in matching if route.method == method), None)
        if chosen is None:
            allowed = sorted({route.method for route, _ in matching})
            response = Response.error(
                405, f"{method} is not allowed on {path!r}; allowed: {', '.join(allowed)}"
            )
            response.headers.append(("Allow", ", ".join(allowed)))
            return response
        route, match = chosen
        body = self._body(environ)
        if isinstance(body, Response):
            return body
        return self._call(
            route,
            Request(
                method=method,
                path=path,
                query=Request.parse_query(environ.get("QUERY_STRING", "")),
                body=body,
                content_type=(environ.get("CONTENT_TYPE") or "").lower(),
                base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{request_host(environ)}",
                params=match.groupdict(),
            ),
        )

    def _call(self, route: Route, request: Request) -> Response:
        return route.handler(self.plane, request)

    def _body(self, environ: dict[str, Any]) -> bytes | Response:
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        if declared and not (declared.isascii() and declared.isdigit()):
            return Response.error(400, f"bad Content-Length header: {declared[:40]!r}")
        length = int(declared) if declared else None
        if length is not None and length > self.max_body_bytes:
            return Response.error(413, f"the body is larger than {self.max_body_bytes} bytes")
        stream = environ.get("wsgi.input")
        if stream is None or length == 0:
            return b""
        body: bytes = stream.read(length if length is not None else self.max_body_bytes + 1)
        if len(body) > self.max_body_bytes:
            return Response.error(413, f"the body is larger than {self.max_body_bytes} bytes")
        return body

    def _send(self, start_response: StartResponse, response: Response) -> Iterable[bytes]:
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            *response.headers,
        ]
        if response.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="nmbrs-mock admin"'))
        start_response(response.wsgi_status(), headers)
        return [response.body]


def _sent_token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_X_ADMIN_TOKEN")
    if header:
        return str(header).strip()
    authorization = str(environ.get("HTTP_AUTHORIZATION", ""))
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None
