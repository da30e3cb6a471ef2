"""Helpers of the hardening tests: raw HTTP, SOAP answers checked for shape, captured server errors."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass

from lxml import etree
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import SOAP11_ENV, SOAP12_ENV, envelope, http_headers

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings

DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
SMALL = EnvironmentShape(employees=4, period_types=("M",), debtors=1)
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# What a Python error looks like; none of it may reach a client.
PYTHON_ISMS = ("Traceback", 'File "', "Error:", "<class ", " object at 0x", "NoneType", "Exception(")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def small_app(**settings: object) -> MockApp:
    settings.setdefault("throttle", ThrottleSettings(enabled=False))
    return MockApp(MockSettings(**settings), SMALL)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Answer:
    """A SOAP answer checked for shape: one envelope, one Body child; `fault` = (code, text) or None."""

    status: int
    version: str
    fault: tuple[str, str] | None
    element: str  # local name of the Body's one child


def soap_answer(status: int, body: bytes) -> Answer:
    """Raise AssertionError unless `body` is a SOAP 1.1/1.2 envelope with exactly one Body child, a
    Fault when `status` is not 200 and an operation response when it is, and no Python-isms."""
    assert body, f"HTTP {status} with an empty body"
    text = body.decode("utf-8", "replace")
    assert not any(marker in text for marker in PYTHON_ISMS), text[:2000]
    root = etree.fromstring(body, _PARSER)
    versions = {SOAP11_ENV: "1.1", SOAP12_ENV: "1.2"}
    namespace = etree.QName(root).namespace
    assert etree.QName(root).localname == "Envelope" and namespace in versions, text[:500]
    soap_body = root.find(f"{{{namespace}}}Body")
    assert soap_body is not None and len(soap_body) == 1, text[:500]
    child = soap_body[0]
    name = etree.QName(child).localname
    fault = None
    if name == "Fault":
        if namespace == SOAP11_ENV:
            fault = (child.findtext("faultcode") or "", child.findtext("faultstring") or "")
        else:
            env = SOAP12_ENV
            code = child.findtext(f"{{{env}}}Code/{{{env}}}Value") or ""
            fault = (code, child.findtext(f"{{{env}}}Reason/{{{env}}}Text") or "")
        assert fault[0] and fault[1], text[:500]
    assert (status == 200) == (fault is None), f"HTTP {status} but {name}: {text[:500]}"
    return Answer(status, versions[namespace], fault, name)


def raw_http(
    host: str, port: int, request: bytes, timeout: float = 20.0
) -> tuple[int, dict[str, str], bytes]:
    """Send `request` bytes as they are; read the answer until the server closes the connection."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        return read_http(sock)


def read_http(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before the headers: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        rest += chunk
    return int(lines[0].split()[1]), headers, rest[:length]


def post_request(
    path: str, body: bytes, headers: dict[str, str], extra: str = "", length: int | None = None
) -> bytes:
    """The bytes of a POST (Content-Length from `body` unless `length`), `extra` raw header lines."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if "Transfer-Encoding" not in headers:
        lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode("latin-1") + body


def call_bytes(
    operation: str,
    params: str = "",
    service: str = "EmployeeService",
    version: str = "1.1",
    credentials: NmbrsCredentials = DEMO,
) -> tuple[bytes, dict[str, str]]:
    return envelope(service, operation, params, credentials, version), http_headers(
        service, operation, version
    )


class ErrorLog(logging.Handler):
    """Records of the `nmbrs_mock` logger at ERROR and above (log.exception is one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> ErrorLog:
        logging.getLogger("nmbrs_mock").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("nmbrs_mock").removeHandler(self)

    def messages(self) -> list[str]:
        return [self.format(record) for record in self.records]
