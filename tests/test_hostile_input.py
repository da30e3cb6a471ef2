"""Hostile and broken requests: always a SOAP fault naming the problem, never a traceback, nothing changed."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from nmbrs_client import NmbrsClient, NmbrsCredentials, NmbrsFault
from nmbrs_client.raw import envelope, fault_of, http_headers
from payloads import hour

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.services import conventions_write
from mock_server.settings import MockSettings

LIMIT = 20_000
DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)


@pytest.fixture(scope="module")
def small_server() -> Iterator[MockServer]:
    settings = MockSettings(throttle=ThrottleSettings(enabled=False), max_request_bytes=LIMIT)
    with MockServer(
        MockApp(settings, EnvironmentShape(employees=4, period_types=("M",), debtors=1))
    ) as server:
        yield server


def post(server: MockServer, data: bytes | Iterator[bytes], headers: dict[str, str]) -> requests.Response:
    return requests.post(server.soap_url("DebtorService"), data=data, headers=headers, timeout=10)


def test_an_oversized_request_is_refused(small_server):
    padding = "x" * (LIMIT + 1)
    body = envelope("DebtorService", "List_GetByNumber", f"<Number>{padding}</Number>", DEMO)
    response = post(small_server, body, http_headers("DebtorService", "List_GetByNumber"))
    assert response.status_code == 413
    code, text = fault_of(response.content) or ("", "")
    assert code == "soap:Client" and text.startswith("Maximum request length exceeded.")


def test_a_chunked_request_is_read_and_answered(small_server):
    body = envelope("DebtorService", "List_GetAll", "", DEMO)
    chunks = iter([body[:50], body[50:]])  # requests sends an iterator with Transfer-Encoding: chunked
    response = post(small_server, chunks, http_headers("DebtorService", "List_GetAll"))
    assert response.status_code == 200, response.text
    assert b"<Debtor>" in response.content


def test_an_oversized_chunked_request_is_refused(small_server):
    body = envelope("DebtorService", "List_GetByNumber", f"<Number>{'y' * LIMIT}</Number>", DEMO)
    response = post(
        small_server, iter([body[:100], body[100:]]), http_headers("DebtorService", "List_GetByNumber")
    )
    assert response.status_code == 413


def test_a_malformed_content_length_is_a_fault(small_server):
    request = (
        b"POST /soap/v3/DebtorService.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
        b"Content-Length: 12abc\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((small_server.host, small_server.port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status = reply.split(b"\r\n", 1)[0]
    assert status.split()[1] in (b"400", b"500")
    assert b"Traceback" not in reply


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe\x00<garbage",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b"<l>&b;</l>",
        b"<a>" * 1000 + b"</a>" * 1000,  # deeper than libxml2 accepts without huge_tree
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body/></soap:Envelope>",
    ],
    ids=["not-xml", "entity-expansion", "deep-nesting", "empty-body"],
)
def test_broken_xml_is_a_client_fault_without_traceback(small_server, payload):
    response = post(small_server, payload, {"Content-Type": "text/xml; charset=utf-8"})
    assert response.status_code in (400, 500)
    fault = fault_of(response.content)
    assert fault is not None, response.content[:300]
    code, text = fault
    assert code == "soap:Client"
    assert text and "Traceback" not in response.text and 'File "' not in response.text


def hour_records(server: MockServer) -> list[tuple[int, int, int, dict[str, object]]]:
    """Every variable hour component of the demo environment, read in process (a second path)."""
    tenant = server.app.backend.tenant(DEMO_DOMAIN)
    return sorted((r.id, r.owner, r.start, r.data) for r in tenant.records("HourComponentVar", "employee"))


def demo_client(server: MockServer) -> NmbrsClient:
    return NmbrsClient(f"{server.url}/soap/v3/", DEMO)


def insert_batch(server: MockServer, items: list[dict[str, object]]) -> None:
    company = server.app.backend.tenant(DEMO_DOMAIN).companies()[0]
    demo_client(server).employee.HourComponentVar_Insert_Batch(
        HourComponents={"EmployeeHourComponent": items},
        Period=company.current.number,
        Year=company.current.year,
        UnprotectedMode=False,
    )


def soap_hours(server: MockServer, employee: int) -> list[tuple[int, int, object]]:
    current = demo_client(server).employee.HourComponentVar_GetCurrent(EmployeeId=employee) or []
    return [(h.Id, h.HourCode, h.Hours) for h in current]


@pytest.mark.parametrize(
    ("bad_item", "code"),
    [({"employee": 1}, 2003), ({"code": 987654}, 2001)],
    ids=["unknown-employee", "unknown-hour-code"],
)
def test_a_batch_whose_later_item_faults_changes_nothing(small_server, bad_item, code):
    """The first items are written before the bad one faults: the transaction must undo them."""
    tenant = small_server.app.backend.tenant(DEMO_DOMAIN)
    first, second = (e.id for e in tenant.employees(tenant.companies()[0].id)[:2])
    before = hour_records(small_server)
    read_before = soap_hours(small_server, first)
    items = [
        hour(1, "3.25", employee=first, comment="written first"),
        hour(1, "4.50", employee=second, comment="written second"),
        hour(bad_item.get("code", 1), "1.00", employee=bad_item.get("employee", first)),
    ]
    with pytest.raises(NmbrsFault) as caught:
        insert_batch(small_server, items)
    assert caught.value.code == code
    assert hour_records(small_server) == before
    assert soap_hours(small_server, first) == read_before
    insert_batch(small_server, items[:2])  # the same items without the bad one are written
    assert len(hour_records(small_server)) == len(before) + 2


def test_a_crash_after_the_handler_wrote_changes_nothing(small_server, monkeypatch):
    """An unexpected error after the write (here: building the result) is a 9999 fault and rolls back."""
    tenant = small_server.app.backend.tenant(DEMO_DOMAIN)
    employee = tenant.employees(tenant.companies()[0].id)[0].id
    before = hour_records(small_server)
    written: list[object] = []

    def crash(call: object, shape: object, record: object) -> None:
        written.append(record)
        raise RuntimeError("boom after the write")

    monkeypatch.setattr(conventions_write, "_result", crash)
    with pytest.raises(NmbrsFault) as caught:
        insert_batch(small_server, [hour(1, "2.00", employee=employee, comment="crash")])
    assert caught.value.code == 9999
    assert written and written[0] is not None, "the handler wrote before the crash"
    assert hour_records(small_server) == before


def test_a_write_refused_at_authentication_changes_nothing(small_server):
    bad = envelope(
        "DebtorService",
        "Debtor_Insert",
        "<Debtor><Id>0</Id><Number>X</Number><Name>New</Name></Debtor>",
        NmbrsCredentials(DEMO_USER, "wrong-token", DEMO_DOMAIN),
    )
    refused = post(small_server, bad, http_headers("DebtorService", "Debtor_Insert"))
    fault = fault_of(refused.content)
    assert fault is not None and fault[1].endswith("1001: Invalid Authentication")
    listed = post(
        small_server,
        envelope("DebtorService", "List_GetAll", "", DEMO),
        http_headers("DebtorService", "List_GetAll"),
    )
    assert b"<Debtor>" in listed.content and b"<Name>New</Name>" not in listed.content
