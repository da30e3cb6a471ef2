"""The server's own header reader gives gevent what `http.client.parse_headers` gave it, and refuses
what it refused (a line over 65,536 bytes, more than 100 headers) plus lines that are not headers."""

from __future__ import annotations

import http.client
import io
import socket

import pytest

from mock_server.http_headers import MAX_HEADERS, MAX_LINE, read_headers

BLOCKS = [
    b"Host: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 12\r\n\r\n",
    b'host: a\r\nCONTENT-TYPE: application/soap+xml; action="x"\r\nSOAPAction: "u/v"\r\n\r\n',
    b"X-Twice: first\r\nX-Twice: second\r\nX-Empty:\r\n\r\n",
    b"Content-Length: 3\n\n",  # bare LF line ends
    b"X-Spaces:    padded value   \r\n\r\n",
    b"\r\n",  # no header at all
]


@pytest.mark.parametrize("block", BLOCKS)
def test_reads_what_http_client_reads(block: bytes) -> None:
    ours = read_headers(io.BytesIO(block + b"body"))
    theirs = http.client.parse_headers(io.BytesIO(block + b"body"))
    assert ours.status == ""
    for name in ("host", "Content-Type", "content-length", "SOAPACTION", "x-twice", "x-empty", "x-spaces"):
        expected = theirs.get(name)
        assert ours.get(name) == (expected.strip() if expected is not None else None)
    assert ours.typeheader == theirs.get("content-type")
    assert [line.split(":", 1)[0] for line in ours.headers] == list(theirs.keys())


def test_stops_at_the_blank_line() -> None:
    stream = io.BytesIO(b"A: 1\r\n\r\nB: 2\r\n\r\n")
    assert read_headers(stream).get("A") == "1"
    assert stream.read() == b"B: 2\r\n\r\n", "the body is left unread"


def test_a_folded_line_continues_the_value() -> None:
    headers = read_headers(io.BytesIO(b"X-Long: part one\r\n  part two\r\n\r\n"))
    assert headers.get("x-long") == "part one part two"


def test_delete_removes_every_value() -> None:
    headers = read_headers(io.BytesIO(b"Content-Length: 1\r\ncontent-length: 2\r\nHost: h\r\n\r\n"))
    del headers["Content-Length"]
    assert headers.get("content-length") is None and "content-length" not in headers
    assert list(headers.headers) == ["Host: h\r\n"]


@pytest.mark.parametrize(
    ("block", "why"),
    [
        (b"X: " + b"a" * MAX_LINE + b"\r\n\r\n", "Line too long"),
        (b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEADERS + 1)) + b"\r\n", "More than 100 headers"),
        (b"no colon here\r\n\r\n", "Invalid header line"),
        (b"Bad Name: v\r\n\r\n", "Invalid header line"),
        (b": no name\r\n\r\n", "Invalid header line"),
        (b" folded first\r\n\r\n", "A folded line before the first header"),
    ],
)
def test_refuses_what_is_not_a_header_block(block: bytes, why: str) -> None:
    assert read_headers(io.BytesIO(block)).status == why


def test_the_server_answers_400_to_a_broken_header_and_200_after(mock_server) -> None:
    for block, status in ((b"no colon here\r\n", b"400"), (b"", b"200")):
        with socket.create_connection((mock_server.host, mock_server.port), timeout=10) as conn:
            conn.sendall(b"GET /soap/v3/CompanyService.asmx HTTP/1.1\r\nHost: x\r\n" + block + b"\r\n")
            assert conn.recv(64).split(b" ")[1] == status
