"""A request body as the server's `wsgi.input`: framed by Content-Length or chunked, read on demand.

`Framing` is decided from the headers before the application runs; `BodyReader` reads from the
connection's buffer, then its socket, never past the body's end, so the next keep-alive request
stays intact. `Expect: 100-continue` is answered on the first read, so a body refused unread (from
its Content-Length) is never asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import gevent

from mock_server.http_headers import RequestHeaders

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
MAX_CHUNK_LINE = 4096  # a chunk-size line with its extensions, or a trailer line
DRAIN_BYTES = 1024 * 1024  # an unread body up to this is read and dropped to keep the connection


class InvalidChunkedBody(OSError):
    """The chunked framing is broken (a size that is not hex, a chunk without its CRLF)."""


class BadFraming(Exception):
    """The request's body cannot be framed (an unknown transfer coding, conflicting lengths)."""


class _Source(Protocol):
    buffer: bytes
    longest: float | None

    def receive(self, timeout: float | None) -> bytes: ...

    def send_interim(self, line: bytes) -> None: ...


@dataclass(frozen=True)
class Framing:
    length: int  # Content-Length (0 without one, or when chunked)
    chunked: bool
    reusable: bool  # whether the connection can carry another request after this body

    @staticmethod
    def of(headers: RequestHeaders) -> Framing:
        lengths = {value.strip() for name, value in headers.items() if name.lower() == "content-length"}
        coding = str(headers.get("transfer-encoding", "")).strip().lower()
        if coding:
            if coding.rsplit(",", 1)[-1].strip() != "chunked":
                raise BadFraming(
                    f"Transfer-Encoding {coding[:40]!r} is not supported; send chunked or a length."
                )
            return Framing(0, chunked=True, reusable=not lengths)  # Content-Length is ignored
        if not lengths:
            return Framing(0, chunked=False, reusable=True)
        declared = lengths.pop()
        if lengths or not (declared.isascii() and declared.isdigit()):  # the application refuses it
            return Framing(0, chunked=False, reusable=False)
        return Framing(int(declared), chunked=False, reusable=True)


class BodyReader:
    def __init__(self, source: _Source, framing: Framing, expects_continue: bool) -> None:
        self.source = source
        self.framing = framing
        self.refused = False  # the application refused the body: it is not drained, the connection closes
        self._continue = expects_continue and (framing.chunked or framing.length > 0)
        self._left = framing.length  # in this chunk, or of the whole body when it has a length
        self._done = not framing.chunked and framing.length == 0

    def refuse(self) -> None:
        self.refused = True

    def read(self, size: int = -1) -> bytes:
        if self._continue:
            self._continue = False
            self.source.send_interim(CONTINUE)
        wanted = None if size is None or size < 0 else size
        parts: list[bytes] = []
        got = 0
        while not self._done and (wanted is None or got < wanted):
            if self.framing.chunked and not self._left:
                self._next_chunk()
                continue
            part = self._take(self._left if wanted is None else min(self._left, wanted - got))
            if not part:  # the client closed mid-body
                if self.framing.chunked:
                    raise InvalidChunkedBody("the body ended inside a chunk")
                self._done = True
                break
            parts.append(part)
            got += len(part)
            self._left -= len(part)
            if not self._left:
                self._end_of_data()
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:
        line = b""
        while not line.endswith(b"\n") and (size < 0 or len(line) < size):
            byte = self.read(1)
            if not byte:
                break
            line += byte
        return line

    def __iter__(self) -> BodyReader:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def drain(self, timeout: float | None) -> bool:
        """Read and drop what the application left unread; whether the connection can be reused."""
        if self._done:
            return True
        if self.refused or (not self.framing.chunked and self._left > DRAIN_BYTES):
            return False
        dropped = 0
        try:
            with gevent.Timeout(timeout, False):
                while not self._done and dropped <= DRAIN_BYTES:
                    dropped += len(self.read(65536))
        except OSError:
            return False
        return self._done and dropped <= DRAIN_BYTES

    # -- framing ------------------------------------------------------------------------------------
    def _end_of_data(self) -> None:
        if not self.framing.chunked:
            self._done = True
        elif self._take_exact(2) != b"\r\n":
            raise InvalidChunkedBody("a chunk does not end with CRLF")

    def _next_chunk(self) -> None:
        line = self._line()
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise InvalidChunkedBody(f"bad chunk size {size_text[:20]!r}") from None
        if size < 0 or not size_text.isalnum():
            raise InvalidChunkedBody(f"bad chunk size {size_text[:20]!r}")
        if size == 0:
            while self._line().strip():  # trailers, up to the blank line
                pass
            self._done = True
            return
        self._left = size

    def _line(self) -> bytes:
        source = self.source
        while b"\n" not in source.buffer:
            if len(source.buffer) > MAX_CHUNK_LINE:
                raise InvalidChunkedBody("a chunk-size line is too long")
            chunk = source.receive(source.longest)
            if not chunk:
                raise InvalidChunkedBody("the body ended inside its chunked framing")
            source.buffer += chunk
        line, _, source.buffer = source.buffer.partition(b"\n")
        if len(line) > MAX_CHUNK_LINE:
            raise InvalidChunkedBody("a chunk-size line is too long")
        return line

    def _take(self, most: int) -> bytes:
        source = self.source
        if not source.buffer:
            source.buffer = source.receive(source.longest)
        part, source.buffer = source.buffer[:most], source.buffer[most:]
        return part

    def _take_exact(self, count: int) -> bytes:
        taken = b""
        while len(taken) < count:
            part = self._take(count - len(taken))
            if not part:
                break
            taken += part
        return taken
