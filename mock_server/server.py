"""Serving: one gevent process (throttled calls park as cheap greenlets), TCP_NODELAY on.

The HTTP layer is the mock's own (`http_server`): it enforces the connection limits and hands the
application the connection's socket (an injected connection reset needs it) and a way to stop
reading a refused body.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import gevent

from mock_server.app import MockApp
from mock_server.http_server import HttpServer


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


def make_server(app: MockApp, sock: socket.socket) -> HttpServer:
    server = HttpServer(sock, app.wsgi, app.settings.limits)
    # a connection besides the one asking for a large environment: copy it in steps (`Backend`)
    app.backend.others_connected = lambda: len(server.pool) > 1
    return server


class MockServer:
    """A mock served from a background thread with its own gevent hub (for tests and embedding)."""

    def __init__(self, app: MockApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.sock = listen(host, port)
        self.host, self.port = self.sock.getsockname()[:2]
        self._thread: threading.Thread | None = None
        self.wsgi_server: HttpServer | None = None  # once started (its `pool` holds the open connections)
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
