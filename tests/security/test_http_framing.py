"""The mock's own HTTP/1.1 layer (`mock_server/http_server.py`) frames requests as HTTP/1.1 says:
100-continue, pipelining, HTTP/1.0, HEAD, absolute targets, drained and unframeable bodies."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hardening_support import DEMO, post_request, read_http, small_app, soap_answer
from nmbrs_client.raw import envelope, http_headers

from mock_server.server import MockServer

PATH = "/soap/v3/DebtorService.asmx"
BODY = envelope("DebtorService", "List_GetAll", "", DEMO)
HEADERS = http_headers("DebtorService", "List_GetAll")
REQUEST = post_request(PATH, BODY, HEADERS)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(small_app()) as running:
        yield running


def connect(server: MockServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=20)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def assert_answered(sock: socket.socket) -> dict[str, str]:
    status, headers, body = read_http(sock)
    assert status == 200 and soap_answer(status, body).element == "List_GetAllResponse"
    return headers


def test_expect_100_continue_is_answered_before_the_body_is_sent(server):
    head, _, body = REQUEST.partition(b"\r\n\r\n")
    with connect(server) as sock:
        sock.sendall(head + b"\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(64) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        assert_answered(sock)


def test_a_body_refused_by_its_length_is_never_asked_for(server):
    request = post_request(PATH, b"", HEADERS, extra="Expect: 100-continue\r\n", length=10**9)
    with connect(server) as sock:
        sock.sendall(request)
        status, headers, body = read_http(sock)
    assert status == 413 and headers["connection"] == "close"
    assert b"100 Continue" not in body


class Answers:
    """Answers read one after the other from one connection (`read_http` drops what follows one)."""

    def __init__(self, sock: socket.socket) -> None:
        self.stream = sock.makefile("rb")

    def next(self) -> tuple[int, bytes]:
        status = int(self.stream.readline().split()[1])
        headers = dict(
            line.decode().strip().lower().split(": ", 1) for line in iter(self.stream.readline, b"\r\n")
        )
        return status, self.stream.read(int(headers.get("content-length", "0")))


def test_pipelined_requests_are_answered_in_order(server):
    other = post_request(
        "/soap/v3/CompanyService.asmx",
        envelope("CompanyService", "List_GetAll", "", DEMO),
        http_headers("CompanyService", "List_GetAll"),
    )
    with connect(server) as sock:
        sock.sendall(REQUEST + other + REQUEST)
        answers = Answers(sock)
        for expected in (b"<Debtor>", b"<Company>", b"<Debtor>"):
            status, body = answers.next()
            assert status == 200 and soap_answer(status, body).element == "List_GetAllResponse"
            assert expected in body


def test_a_request_sent_byte_by_byte_is_answered(server):
    with connect(server) as sock:
        for offset in range(len(REQUEST)):
            sock.sendall(REQUEST[offset : offset + 1])
        assert_answered(sock)


def test_http_1_0_closes_unless_asked_to_keep_alive(server):
    plain = REQUEST.replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    with connect(server) as sock:
        sock.sendall(plain)
        assert assert_answered(sock)["connection"] == "close"
        assert closed_by_server(sock)
    kept = plain.replace(b"\r\n", b"\r\nConnection: keep-alive\r\n", 1)
    with connect(server) as sock:
        sock.sendall(kept)
        assert assert_answered(sock)["connection"] == "keep-alive"
        sock.sendall(kept)
        assert_answered(sock)


def test_connection_close_is_honoured(server):
    with connect(server) as sock:
        sock.sendall(REQUEST.replace(b"\r\n", b"\r\nConnection: close\r\n", 1))
        assert assert_answered(sock)["connection"] == "close"
        assert closed_by_server(sock)


def test_head_sends_the_length_but_no_body(server):
    head = f"HEAD {PATH}?WSDL HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    with connect(server) as sock:
        sock.sendall(head)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 200 OK" and rest.endswith(b"\r\n\r\n"), "bytes after the head"
        assert int(
            dict(line.split(": ", 1) for line in rest.decode().split("\r\n")[:-2]).get("Content-Length", 0)
        )
        sock.sendall(REQUEST)  # the next answer starts right where the head ended
        assert_answered(sock)


def test_an_absolute_target_is_served_by_its_path(server):
    with connect(server) as sock:
        sock.sendall(REQUEST.replace(PATH.encode(), f"http://127.0.0.1{PATH}".encode(), 1))
        assert_answered(sock)


def test_an_unread_body_is_drained_so_the_connection_serves_on(server):
    get = b"GET /soap/v3/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12\r\n\r\nnot-for-you!"
    with connect(server) as sock:
        sock.sendall(get + REQUEST)
        answers = Answers(sock)
        assert answers.next()[0] == 200
        status, body = answers.next()
        assert status == 200 and soap_answer(status, body).element == "List_GetAllResponse"


@pytest.mark.parametrize(
    ("request_bytes", "status", "says"),
    [
        (b"NONSENSE\r\n\r\n", 400, b"Bad request line"),
        (b"GET  /  HTTP/1.1\r\n\r\n", 400, b"Bad request line"),
        (b"GET / SPDY/3\r\n\r\n", 400, b"Bad request line"),
        (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, b"HTTP/2.0 is not served"),
        (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", 400, b"Invalid header line"),
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"a" * 140_000 + b"\r\n\r\n", 431, b"larger than"),
        (post_request(PATH, BODY, {**HEADERS, "Transfer-Encoding": "gzip"}), 400, b"not supported"),
    ],
)
def test_a_request_that_cannot_be_framed_gets_an_answer_and_a_close(server, request_bytes, status, says):
    with connect(server) as sock:
        sock.sendall(request_bytes)
        got, headers, body = read_http(sock)
        assert (got, headers["connection"]) == (status, "close") and says in body
        assert closed_by_server(sock)


def test_chunked_with_a_length_is_read_as_chunked_then_closed(server):
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY)
    extra = f"Content-Length: {len(BODY) + 99}\r\n"
    request = post_request(PATH, chunked, {**HEADERS, "Transfer-Encoding": "chunked"}, extra=extra)
    with connect(server) as sock:
        sock.sendall(request)
        assert assert_answered(sock)["connection"] == "close"


def test_conflicting_lengths_are_a_client_fault_and_a_close(server):
    extra = f"Content-Length: {len(BODY) + 5}\r\n"
    with connect(server) as sock:
        sock.sendall(post_request(PATH, BODY, HEADERS, extra=extra))
        status, headers, body = read_http(sock)
    assert status == 400 and headers["connection"] == "close"
    assert soap_answer(status, body).fault is not None
