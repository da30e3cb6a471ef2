"""Serving: one gevent process (throttled calls park as cheap greenlets), TCP_NODELAY on.

gevent.pywsgi has no time limits of its own; `_Handler` adds them (`ConnectionLimits`): a connection
idle longer than `idle_timeout` is closed, a request whose headers take longer than `header_timeout`
gets a 408 and is closed (slowloris), and no single send or receive may stall longer than the longest
limit (a client that never reads its answer). The body's limits are applied where it is read
(`soap/request_body.py`); a refused body is not drained: the handler closes the connection after a
short, bounded linger, so the client still reads the fault.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import gevent
from gevent.pywsgi import WSGIHandler, WSGIServer

from mock_server.app import MockApp
from mock_server.http_headers import read_headers
from mock_server.settings import ConnectionLimits
from mock_server.soap.request_body import STOP_READING_KEY
from mock_server.soap.wsgi import SOCKET_KEY

LINGER_SECONDS = 2.0  # after refusing a body: how long the rest may still arrive before the close
LINGER_BYTES = 1024 * 1024  # ... and how much of it is read (and dropped) at most
_HEADER_TIMEOUT_BODY = b"The request headers did not arrive in time.\r\n"
_HEADER_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_HEADER_TIMEOUT_BODY), _HEADER_TIMEOUT_BODY)
)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket with TCP_NODELAY (accepted sockets inherit it on Linux): without it
    keep-alive calls stall ~40 ms on delayed ACKs."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class _HeadersTimedOut(BaseException):
    """Raised into a handler whose request headers are late (a BaseException: gevent's own
    `except Exception` around header parsing must not swallow it)."""


class _Handler(WSGIHandler):
    """Enforces the connection limits and hands the application the connection's socket (an injected
    connection reset needs it) and a way to stop reading a refused body."""

    _header_timer: gevent.Timeout | None = None
    _refused = False
    MessageClass = staticmethod(read_headers)  # gevent's own parses headers with the email package: slow

    def log_request(self) -> None:
        if self.server.access_log is not None:  # else gevent would still format the line, and drop it
            super().log_request()

    @property
    def limits(self) -> ConnectionLimits:
        limits: ConnectionLimits = self.server.limits
        return limits

    def handle(self) -> None:
        longest = max(self.limits.idle_timeout, self.limits.header_timeout, self.limits.body_timeout)
        if longest:
            self.socket.settimeout(longest)
        super().handle()

    def handle_one_request(self) -> Any:
        if not self._request_arrives():
            return None
        self._header_timer = gevent.Timeout.start_new(self.limits.header_timeout or None, _HeadersTimedOut())
        try:
            result = super().handle_one_request()
        except _HeadersTimedOut:
            self.close_connection = True
            return ("408", _HEADER_TIMEOUT_RESPONSE)
        finally:
            self._header_timer.cancel()
        if self._refused:
            self._linger()
            return None
        return result

    def _request_arrives(self) -> bool:
        """Wait at most `idle_timeout` for the first byte of the next request."""
        if self.rfile.closed:
            return False
        try:
            with gevent.Timeout(self.limits.idle_timeout or None, False):
                return bool(self.rfile.peek(1))
        except OSError:
            return False
        return False  # idle too long

    def get_environ(self) -> dict[str, Any]:
        if self._header_timer is not None:
            self._header_timer.cancel()  # the headers are in; the application's time is its own
        environ: dict[str, Any] = super().get_environ()
        environ[SOCKET_KEY] = self.socket
        environ[STOP_READING_KEY] = self._stop_reading
        return environ

    def _stop_reading(self) -> None:
        """The application refused the body: gevent must not drain it, the connection closes."""
        self._refused = True
        self.close_connection = True
        stream = self.wsgi_input
        stream.chunked_input = False
        stream.content_length = stream.position

    def _linger(self) -> None:
        """Half-close after the fault, drop what still arrives (bounded), so the close sends no reset
        that could destroy the fault before the client read it."""
        try:
            self.socket.shutdown(socket.SHUT_WR)
            dropped = 0
            with gevent.Timeout(LINGER_SECONDS, False):
                while dropped < LINGER_BYTES:
                    chunk = self.socket.recv(65536)
                    if not chunk:
                        break
                    dropped += len(chunk)
        except OSError:
            pass


def make_server(app: MockApp, sock: socket.socket, access_log: Any = None) -> WSGIServer:
    limits = app.settings.limits
    server = WSGIServer(sock, app.wsgi, log=access_log, spawn=limits.max_connections, handler_class=_Handler)
    server.limits = limits
    server.access_log = access_log
    return server


class MockServer:
    """A mock served from a background thread with its own gevent hub (for tests and embedding)."""

    def __init__(self, app: MockApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.sock = listen(host, port)
        self.host, self.port = self.sock.getsockname()[:2]
        self._thread: threading.Thread | None = None
        self.wsgi_server: WSGIServer | None = None  # once started (its `pool` holds the open connections)
        self._stop: Any = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def soap_url(self, service: str) -> str:
        return f"{self.url}/soap/v3/{service}.asmx"

    def start(self) -> MockServer:
        self._thread = threading.Thread(target=self._serve, name="nmbrs-mock", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def _serve(self) -> None:
        server = self.wsgi_server = make_server(self.app, self.sock)
        hub = gevent.get_hub()
        self._stop = hub.loop.async_()
        self._stop.start(lambda: gevent.spawn(server.stop, timeout=1))
        server.start()
        self._ready.set()
        server.serve_forever()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.send()
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
