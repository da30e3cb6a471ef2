"""The request size limit: large enough for a 10,000-line batch, and a request over it is refused
with a clear fault before the mock reads it (it reads no further, even when the client keeps sending)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest
from hardening_support import DEMO, XSI, ErrorLog, post_request, read_http, small_app, soap_answer
from nmbrs_client.raw import envelope, http_headers

from mock_server.cli import _parser, _settings
from mock_server.server import MockServer
from mock_server.settings import DEFAULT_MAX_REQUEST_BYTES, ConnectionLimits, MockSettings
from mock_server.soap.request_body import read_body

LIMIT = 50_000
PATH = "/soap/v3/EmployeeService.asmx"


def batch(lines: int) -> bytes:
    """A HourComponentVar_Insert_Batch of `lines` items as a client writes it (nil cost center/unit)."""
    item = (
        "<EmployeeHourComponent><EmployeeId>100123</EmployeeId><Id>0</Id><HourCode>1</HourCode>"
        f'<CostCenterId xsi:nil="true" xmlns:xsi="{XSI}" /><CostUnitId xsi:nil="true" xmlns:xsi="{XSI}" />'
        "<Hours>8.25</Hours><Comment>Imported from time tracking 2026-11 week 47, line {n:05d}</Comment>"
        "</EmployeeHourComponent>"
    )
    items = "".join(item.format(n=n) for n in range(lines))
    params = f"<HourComponents>{items}</HourComponents><Period>11</Period><Year>2026</Year>"
    return envelope(
        "EmployeeService",
        "HourComponentVar_Insert_Batch",
        params + "<UnprotectedMode>false</UnprotectedMode>",
        DEMO,
    )


class CountingInput(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def test_the_default_limit_takes_a_10000_line_batch():
    body = batch(10_000)
    print(f"a 10,000-line batch is {len(body):,} bytes; the default limit {DEFAULT_MAX_REQUEST_BYTES:,}")
    assert len(body) * 3 < DEFAULT_MAX_REQUEST_BYTES  # room for longer comments and pretty-printing
    stream = CountingInput(body)
    environ = {"CONTENT_LENGTH": str(len(body)), "wsgi.input": stream}
    assert read_body(environ, MockSettings()) == body


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversized_body_is_read_at_most_one_byte_past_the_limit(declared):
    stream = CountingInput(b"<x>" + b"y" * (10 * LIMIT))
    environ = {"wsgi.input": stream, **({"CONTENT_LENGTH": str(10 * LIMIT + 3)} if declared else {})}
    fault = read_body(environ, MockSettings(max_request_bytes=LIMIT))
    assert not isinstance(fault, bytes) and fault.http_status == 413
    assert fault.message.startswith("Maximum request length exceeded.") and str(LIMIT) in fault.message
    assert stream.taken == (0 if declared else LIMIT + 1)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    # body and idle limits far beyond the test's own timeout: an answer cannot come from a time limit
    limits = ConnectionLimits(body_timeout=600, idle_timeout=600)
    with MockServer(small_app(max_request_bytes=LIMIT, limits=limits)) as running:
        yield running


def refused_while_sending(server: MockServer, head: bytes, body_part: bytes) -> tuple[int, bytes, bytes]:
    """Send the headers and part of a body, keep the connection open, and read the answer: the status,
    the body, and what follows it (b"" when the server closed the connection)."""
    with socket.create_connection((server.host, server.port), timeout=20) as sock:
        sock.sendall(head + body_part)
        status, headers, body = read_http(sock)
        assert headers.get("connection") == "close", headers
        return status, body, sock.recv(100)


def test_a_huge_content_length_is_refused_unread(server):
    head = post_request(
        PATH, b"", http_headers("EmployeeService", "HourComponentVar_Insert_Batch"), length=10**12
    )
    status, body, after = refused_while_sending(server, head, b"<soap:Envelope" + b" " * 20_000)
    answer = soap_answer(status, body)
    assert status == 413 and answer.fault is not None
    assert answer.fault == ("soap:Client", answer.fault[1]) and answer.fault[1].startswith(
        "Maximum request length"
    )
    assert after == b""  # closed: the remaining terabyte is not waited for


def test_an_endless_chunked_body_is_refused_unread(server):
    headers = {
        **http_headers("EmployeeService", "HourComponentVar_Insert_Batch"),
        "Transfer-Encoding": "chunked",
    }
    head = post_request(PATH, b"", headers)
    chunk = b"y" * 10_000
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3 * LIMIT // len(chunk)))
    status, body, after = refused_while_sending(server, head, chunks)  # and never the last chunk
    assert status == 413 and soap_answer(status, body).fault is not None
    assert after == b""


def test_a_body_under_the_limit_is_answered(server):
    body, headers = (
        envelope("DebtorService", "List_GetAll", "", DEMO),
        http_headers("DebtorService", "List_GetAll"),
    )
    with socket.create_connection((server.host, server.port), timeout=20) as sock:
        sock.sendall(post_request("/soap/v3/DebtorService.asmx", body, headers))
        status, _, answer = read_http(sock)
    assert status == 200 and soap_answer(status, answer).element == "List_GetAllResponse"


def test_limits_are_set_from_the_command_line():
    args = _parser().parse_args(
        [
            "serve",
            "--max-request-bytes",
            "1000",
            "--idle-timeout",
            "5",
            "--header-timeout",
            "2",
            "--body-timeout",
            "3",
            "--max-connections",
            "50",
        ]
    )
    settings = _settings(args)
    assert settings.max_request_bytes == 1000
    assert settings.limits == ConnectionLimits(
        idle_timeout=5, header_timeout=2, body_timeout=3, max_connections=50
    )
    defaults = _settings(_parser().parse_args(["serve"]))
    assert defaults.max_request_bytes == DEFAULT_MAX_REQUEST_BYTES and defaults.limits == ConnectionLimits()


@pytest.mark.parametrize(
    "argv",
    [["--max-request-bytes", "0"], ["--body-timeout", "-1"], ["--max-connections", "0"]],
)
def test_a_bad_limit_is_a_one_line_error(argv, capsys):
    from mock_server.cli import main

    assert main(["serve", *argv]) == 2
    error = capsys.readouterr().err
    assert error.startswith("nmbrs-mock: ") and error.count("\n") == 1 and argv[0] in error, error


def test_broken_chunked_framing_is_a_client_fault_not_a_server_error(server):
    headers = {**http_headers("DebtorService", "List_GetAll"), "Transfer-Encoding": "chunked"}
    broken = b"zz\r\n<soap:Envelope/>\r\n0\r\n\r\n"  # "zz" is no chunk size
    request = post_request("/soap/v3/DebtorService.asmx", b"", headers) + broken
    with ErrorLog() as errors, socket.create_connection((server.host, server.port), timeout=20) as sock:
        sock.sendall(request)
        status, _, body = read_http(sock)
    answer = soap_answer(status, body)
    assert status == 400 and answer.fault is not None and "chunked" in answer.fault[1], answer
    assert errors.records == [], errors.messages()
