"""A lean HTTP/1.1 server for the mock's WSGI application, on gevent's `StreamServer`.

gevent's pywsgi spent about 40 % of a small SOAP call's server CPU on its own bookkeeping (a
`getsockopt` per send, a timer per request, the email package for headers, generic WSGI plumbing).
This one reads a request with as few system calls as the bytes allow and answers with one `send`.
It keeps every limit of `ConnectionLimits`:

- a connection idle longer than `idle_timeout` before its next request is closed silently;
- a request whose headers take longer than `header_timeout` from its first byte gets a 408 and is
  closed (slowloris); a head over `MAX_HEAD_BYTES` gets a 431;
- the body's own limits are applied where it is read (`soap/request_body.py`): the application may
  refuse it (`STOP_READING_KEY`); it is then not drained, and the connection is half-closed after a
  short, bounded linger, so the client still reads the fault;
- no single send or receive may stall longer than the longest limit (a client that never reads);
- at most `max_connections` are served at once (the pool; further clients wait in the backlog).

Keep-alive, HTTP/1.0, `Expect: 100-continue`, chunked bodies (with `Content-Length` ignored, then the
connection is closed) and HEAD are served as HTTP/1.1 says. A request that cannot be framed gets a 400
and a close; an unexpected error a bare 500 (logged, never a traceback to the client).
"""

from __future__ import annotations

import io
import logging
import socket
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes

import gevent
from gevent.server import StreamServer

from mock_server.http_body import BadFraming, BodyReader, Framing
from mock_server.http_headers import RequestHeaders, read_headers
from mock_server.settings import ConnectionLimits
from mock_server.soap.request_body import STOP_READING_KEY
from mock_server.soap.wsgi import SOCKET_KEY

log = logging.getLogger("nmbrs_mock")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_HEAD_BYTES = 128 * 1024  # request line and headers together
RECEIVE_BYTES = 65536
LINGER_SECONDS = 2.0  # after refusing a body: how long the rest may still arrive before the close
LINGER_BYTES = 1024 * 1024  # ... and how much of it is read (and dropped) at most
_HEAD_ENDS = (b"\r\n\r\n", b"\n\n")
_REASONS = {400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 505: "HTTP Version Not Supported"}  # fmt: skip
_METHOD_CHARACTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")


class _Refusal(Exception):
    """A request answered by the server itself (the application never sees it), then closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> bytes:
        body = f"{self.message}\r\n".encode()
        head = f"HTTP/1.1 {self.status} {_REASONS[self.status]}\r\nConnection: close\r\n"
        head += f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode() + body


class _Closed(Exception):
    """The client went away, or stayed idle too long: close without an answer."""


class HttpServer(StreamServer):
    def __init__(self, sock: socket.socket, application: WsgiApp, limits: ConnectionLimits) -> None:
        super().__init__(sock, self._serve_connection, spawn=limits.max_connections)
        self.application = application
        self.limits = limits
        self.host_name, self.host_port = (str(part) for part in sock.getsockname()[:2])

    def _serve_connection(self, sock: socket.socket, address: Any) -> None:
        try:
            Connection(self, sock, address).serve()
        except Exception:  # never a greenlet traceback on stderr, never one to the client
            log.exception("unexpected error serving a connection")
        finally:
            sock.close()


class Connection:
    """One client connection: requests read and answered in turn (keep-alive) until one side closes."""

    def __init__(self, server: HttpServer, sock: socket.socket, address: Any) -> None:
        self.server = server
        self.sock = sock
        self.address = address
        self.limits = server.limits
        self.longest = (
            max(self.limits.idle_timeout, self.limits.header_timeout, self.limits.body_timeout) or None
        )
        self.buffer = b""  # received, not yet consumed
        # gevent's socket wraps a non-blocking one: reading it tells whether bytes were waiting
        self.raw: socket.socket | None = getattr(sock, "_sock", None)

    def serve(self) -> None:
        try:
            while self._serve_one():
                pass
        except _Refusal as refusal:
            self._send(refusal.response())
        except (_Closed, OSError):
            pass

    # -- reading ----------------------------------------------------------------------------------
    def receive(self, timeout: float | None) -> bytes:
        """The next bytes from the client (b"" when it closed); `socket.timeout` when none came."""
        self.sock.settimeout(timeout)
        return self.sock.recv(RECEIVE_BYTES)

    def _next_request_bytes(self) -> bytes:
        """The first bytes of the next request. When they are there already (the client is always
        ahead, or pipelines), the other connections get their turn first, so it cannot starve them;
        else this waits for them, and the others are served meanwhile."""
        if self.raw is not None:
            try:
                data: bytes = self.raw.recv(RECEIVE_BYTES)
            except (BlockingIOError, InterruptedError):
                return self.receive(self.limits.idle_timeout or None)
            gevent.sleep(0)
            return data
        gevent.sleep(0)
        return self.receive(self.limits.idle_timeout or None)

    def _read_head(self) -> bytes:
        if not self.buffer.lstrip(b"\r\n"):  # keep-alive: wait for the next request's first byte
            try:
                self.buffer = self._next_request_bytes().lstrip(b"\r\n")
            except TimeoutError:
                raise _Closed from None
            while not self.buffer:  # only blank lines so far (allowed before a request line)
                self.buffer = self.receive(self.limits.idle_timeout or None).lstrip(b"\r\n")
                if not self.buffer:
                    raise _Closed
        deadline = time.monotonic() + self.limits.header_timeout if self.limits.header_timeout else None
        while True:
            end = _head_end(self.buffer)
            if end and end <= MAX_HEAD_BYTES:
                head, self.buffer = self.buffer[:end], self.buffer[end:]
                return head
            if end or len(self.buffer) > MAX_HEAD_BYTES:
                raise _Refusal(431, f"The request headers are larger than {MAX_HEAD_BYTES} bytes.")
            self.buffer += self._receive_head_part(deadline)

    def _receive_head_part(self, deadline: float | None) -> bytes:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise _Refusal(408, "The request headers did not arrive in time.")
        try:
            chunk = self.receive(left)
        except TimeoutError:
            raise _Refusal(408, "The request headers did not arrive in time.") from None
        if not chunk:
            raise _Closed
        return chunk

    # -- one request --------------------------------------------------------------------------------
    def _serve_one(self) -> bool:
        """Read, answer; whether the connection stays open for another request."""
        head = self._read_head()
        method, target, version, headers = _parse_head(head)
        try:
            framing = Framing.of(headers)
        except BadFraming as error:
            raise _Refusal(400, str(error)) from None
        keep_alive = _wants_keep_alive(version, headers) and framing.reusable
        body = BodyReader(self, framing, expects_continue=_expects_continue(version, headers))
        environ = self._environ(method, target, version, headers, body)
        status, response_headers, payload = self._call(environ)
        if any(name.lower() == "connection" and value.lower() == "close" for name, value in response_headers):
            keep_alive = False
        if body.refused:
            keep_alive = False
        elif keep_alive:
            keep_alive = body.drain(self.limits.body_timeout or None)
        self._respond(version, status, response_headers, b"" if method == "HEAD" else payload, keep_alive)
        if body.refused:
            self._linger()
        return keep_alive

    def _call(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: chunks.append(data)  # the legacy `write`

        chunks: list[bytes] = []
        try:
            result = self.server.application(environ, start_response)
            try:
                chunks += result
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except ConnectionResetError:  # an injected reset: the socket is closed unanswered
            raise _Closed from None
        except Exception:
            log.exception("unexpected error in the application: %s", environ.get("PATH_INFO"))
            raise _Refusal(500, "Internal Server Error") from None
        if not started:
            raise _Refusal(500, "Internal Server Error")
        return started[0], started[1], b"".join(chunks)

    def _environ(
        self, method: str, target: str, version: str, headers: RequestHeaders, body: BodyReader
    ) -> dict[str, Any]:
        path, _, query = target.partition("?")
        if path.startswith(("http://", "https://")):  # an absolute target: the path part
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": self.server.host_name,
            "SERVER_PORT": self.server.host_port,
            "SERVER_PROTOCOL": version,
            "REMOTE_ADDR": str(self.address[0]) if self.address else "",
            "REMOTE_PORT": str(self.address[1]) if self.address else "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.errors": _LOG_STREAM,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            SOCKET_KEY: self.sock,
            STOP_READING_KEY: body.refuse,
        }
        for name, value in headers.items():
            if "_" in name:  # CGI would fold it onto a dash header: dropped, as gevent and nginx do
                continue
            key = name.upper().replace("-", "_")
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ and key.startswith("HTTP_") else value
        if body.framing.chunked:
            environ.pop("CONTENT_LENGTH", None)
        return environ

    # -- writing ------------------------------------------------------------------------------------
    def _respond(
        self, version: str, status: str, headers: list[tuple[str, str]], payload: bytes, keep_alive: bool
    ) -> None:
        lines = [f"HTTP/1.1 {status}"]
        lines += [f"{name}: {value}" for name, value in headers if name.lower() != "connection"]
        if not any(name.lower() == "content-length" for name, _ in headers):
            lines.append(f"Content-Length: {len(payload)}")
        lines.append(f"Date: {_http_date()}")
        if not keep_alive:
            lines.append("Connection: close")
        elif version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        self._send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload)

    def send_interim(self, line: bytes) -> None:
        self._send(line)

    def _send(self, data: bytes) -> None:
        self.sock.settimeout(self.longest)
        view, sent = memoryview(data), 0
        while sent < len(data):
            sent += self.sock.send(view[sent:])

    def _linger(self) -> None:
        """Half-close after the fault, drop what still arrives (bounded), so the close sends no reset
        that could destroy the fault before the client read it."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            dropped = 0
            self.sock.settimeout(LINGER_SECONDS)
            with gevent.Timeout(LINGER_SECONDS, False):
                while dropped < LINGER_BYTES:
                    chunk = self.sock.recv(RECEIVE_BYTES)
                    if not chunk:
                        break
                    dropped += len(chunk)
        except OSError:
            pass


def _head_end(buffer: bytes) -> int:
    """Where the request line and headers end (0: not yet)."""
    ends = [found + len(marker) for marker in _HEAD_ENDS if (found := buffer.find(marker)) >= 0]
    return min(ends) if ends else 0


def _parse_head(head: bytes) -> tuple[str, str, str, RequestHeaders]:
    line, _, rest = head.partition(b"\n")
    parts = line.rstrip(b"\r").split(b" ")
    if len(parts) != 3 or not parts[0] or not _METHOD_CHARACTERS.issuperset(parts[0]) or not parts[1]:
        raise _Refusal(400, "Bad request line.")
    method, target, version = (part.decode("latin-1") for part in parts)
    if not version.startswith("HTTP/"):
        raise _Refusal(400, "Bad request line.")
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise _Refusal(505, f"{version[:20]} is not served; use HTTP/1.1.")
    headers = read_headers(io.BytesIO(rest))
    if headers.status:
        raise _Refusal(400, f"Bad request headers: {headers.status}.")
    return method, target, version, headers


def _wants_keep_alive(version: str, headers: RequestHeaders) -> bool:
    tokens = {token.strip().lower() for token in str(headers.get("connection", "")).split(",")}
    return "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens


def _expects_continue(version: str, headers: RequestHeaders) -> bool:
    return version == "HTTP/1.1" and str(headers.get("expect", "")).strip().lower() == "100-continue"


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


class _LogStream(io.TextIOBase):
    """`wsgi.errors`: what an application writes there goes to the mock's log."""

    def write(self, text: str) -> int:
        if text.strip():
            log.warning("%s", text.rstrip())
        return len(text)


_LOG_STREAM = _LogStream()
