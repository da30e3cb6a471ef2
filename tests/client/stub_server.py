"""A scripted HTTP endpoint on 127.0.0.1:0 for client tests: each POST gets the next scripted answer.

An answer is a (status, content type, body) triple, `RESET` (the connection is closed without a
response) or `FORWARD` (the request is passed on to `forward_to`, e.g. the in-process mock). Every
request is recorded (method, path with query, body).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from mock_server.domain.errors import NmbrsError
from mock_server.soap.faults import fault_body, from_nmbrs_error

RESET = "reset"
FORWARD = "forward"
Answer = tuple[int, str, bytes] | str


def nmbrs_fault(code: int, version: str = "1.1") -> Answer:
    """The ASMX fault response Nmbrs sends for an error code."""
    content_type = "text/xml; charset=utf-8" if version == "1.1" else "application/soap+xml; charset=utf-8"
    return 500, content_type, fault_body(version, from_nmbrs_error(NmbrsError(code=code)))


def error_page(status: int) -> Answer:
    return status, "text/html", f"<html><body><h1>{status}</h1>Service Unavailable</body></html>".encode()


@dataclass
class Stub:
    answers: list[Answer]
    forward_to: str | None = None
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    url: str = ""

    def next_answer(self) -> Answer:
        if self.answers:
            return self.answers.pop(0)
        return FORWARD if self.forward_to else (500, "text/plain", b"stub: no answer scripted")

    @property
    def posts(self) -> int:
        return sum(1 for method, _, _ in self.requests if method == "POST")


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            stub.requests.append(("GET", self.path, b""))
            if stub.forward_to is None:
                self._send(404, "text/plain", b"stub: GET not scripted")
                return
            self._forward(b"", "GET")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            stub.requests.append(("POST", self.path, body))
            answer = stub.next_answer()
            if answer == RESET:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if answer == FORWARD:
                self._forward(body, "POST")
                return
            assert isinstance(answer, tuple)
            self._send(*answer)

        def _forward(self, body: bytes, method: str) -> None:
            assert stub.forward_to is not None
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "soapaction")}
            reply = requests.request(
                method, stub.forward_to + self.path, data=body, headers=headers, timeout=30
            )
            self._send(reply.status_code, reply.headers.get("Content-Type", "text/xml"), reply.content)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def stub_server(answers: list[Answer], forward_to: str | None = None) -> Iterator[Stub]:
    stub = Stub(list(answers), forward_to)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
