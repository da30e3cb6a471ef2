"""A lean keep-alive HTTP/1.1 client for the open-loop generators (bench_throttle, bench_capacity).

`http.client` parses every response's headers with the email package: at 1,500 calls/s that costs the
generator more CPU than the mock spends answering, and the generator, not the mock, sets the pace. This
client sends one prepared request per call and reads the answer by its Content-Length. It speaks just
what the mock answers (no chunked answers, no 1xx); anything else is an `OSError`, counted as an error.
"""

from __future__ import annotations

import socket


class RawConnection:
    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: socket.socket | None = None
        self._pending = b""  # bytes read past the previous answer

    def connect(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pending = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """(HTTP status, body) of one POST; the connection stays open unless the server closes it."""
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        self.sock.sendall(f"{head}{lines}\r\n".encode("latin-1") + body)
        status, length, closing, rest = self._read_head()
        while len(rest) < length:
            rest += self._receive()
        data, self._pending = rest[:length], rest[length:]
        if closing:
            self.close()
        return status, data

    def _read_head(self) -> tuple[int, int, bool, bytes]:
        buffer = self._pending
        while b"\r\n\r\n" not in buffer:
            buffer += self._receive()
        head, _, rest = buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.split(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise ConnectionError(f"not an HTTP answer: {status_line[:80]!r}")
        length, closing = None, False
        for line in header_lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                closing = value.strip().lower() == b"close"
        if length is None:
            raise ConnectionError("an answer without Content-Length")
        return int(parts[1]), length, closing, rest

    def _receive(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk
