"""Malformed requests get a SOAP fault with a helpful message and the HTTP status ASMX uses (spec §3.1:
400 when the XML cannot be read, 415 for a non-SOAP media type, 500 for every other fault); never a
raw 500, never HTTP 200 with an empty envelope, never a traceback; and nothing changes.

Includes issue 11 class 11 (transport edges). The exact .NET texts of value faults belong to the
.NET-parsing tests; here they must be soap:Client read faults without Python-isms.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from hardening_support import DEMO, ErrorLog, call_bytes, small_app, soap_answer
from nmbrs_client.raw import CONTENT_TYPES, auth_header

from mock_server.domain.demo import DEMO_DOMAIN
from mock_server.domain.records import StoredRecord
from mock_server.server import MockServer

S11 = "http://schemas.xmlsoap.org/soap/envelope/"
S12 = "http://www.w3.org/2003/05/soap-envelope"
NS = "https://api.nmbrs.nl/soap/v3/EmployeeService"
EMPLOYEE = 100_000


def env(body: str, version: str = "1.1", header: bool = True, namespace: str | None = None) -> bytes:
    ns = namespace or (S11 if version == "1.1" else S12)
    head = f"<s:Header>{auth_header('EmployeeService', 'X', DEMO)}</s:Header>" if header else ""
    prolog = f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{ns}">'
    return f"{prolog}{head}<s:Body>{body}</s:Body></s:Envelope>".encode()


def op(name: str, params: str) -> str:
    return f'<{name} xmlns="{NS}">{params}</{name}>'


GET = op("HourComponentVar_GetCurrent", f"<EmployeeId>{EMPLOYEE}</EmployeeId>")


@dataclass(frozen=True)
class Case:
    body: bytes
    status: int
    code: str  # the SOAP 1.1 fault code (1.2: Sender/Receiver/VersionMismatch)
    text: str  # a fragment the fault text must hold
    content_type: str | None = CONTENT_TYPES["1.1"]
    version: str = "1.1"


READ = "Server was unable to read request. ---> There is an error in XML document"
CASES = {
    "not-xml": Case(b"this is not XML at all", 400, "soap:Client", READ),
    "empty-body": Case(b"", 400, "soap:Client", "Root element is missing."),
    "whitespace-body": Case(b"  \r\n ", 400, "soap:Client", "Root element is missing."),
    "truncated": Case(env(GET)[:-30], 400, "soap:Client", READ),
    "json-content-type": Case(
        env(GET), 415, "soap:Client", "Unsupported media type application/json", "application/json"
    ),
    "missing-content-type": Case(env(GET), 415, "soap:Client", "Unsupported media type none", None),
    "form-content-type": Case(
        env(GET), 415, "soap:Client", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded"
    ),
    "unknown-envelope-namespace": Case(
        env(GET, namespace="urn:soap-2000"),
        500,
        "soap:VersionMismatch",
        "Envelope namespace urn:soap-2000 was unexpected",
    ),
    "no-namespace-root": Case(
        b"<Envelope><Body/></Envelope>", 500, "soap:VersionMismatch", "Possible SOAP version mismatch"
    ),
    "body-as-root": Case(
        f'<s:Body xmlns:s="{S11}">{GET}</s:Body>'.encode(),
        500,
        "soap:Client",
        "the root must be a soap:Envelope",
    ),
    "no-body": Case(
        env("").replace(b"<s:Body></s:Body>", b""),
        500,
        "soap:Client",
        "Unable to handle request without a valid action",
    ),
    "empty-soap-body": Case(env(""), 500, "soap:Client", "Unable to handle request without a valid action"),
    "two-body-elements": Case(
        env(GET + op("HourComponentVar_ClearCurrent", f"<EmployeeId>{EMPLOYEE}</EmployeeId>")),
        400,
        "soap:Client",
        "must hold only the operation's element",
    ),
    "invalid-utf8": Case(
        env(op("HourComponentVar_GetCurrent", "<EmployeeId>1\xff</EmployeeId>")).replace(
            b"1\xc3\xbf", b"1\xff\xfe"
        ),
        400,
        "soap:Client",
        READ,
    ),
    "utf8-surrogate": Case(
        env(GET).replace(b"<EmployeeId>", b"<EmployeeId>\xed\xa0\x80"), 400, "soap:Client", READ
    ),
    "control-character": Case(
        env(GET).replace(b"<EmployeeId>", b"<EmployeeId>\x0b"), 400, "soap:Client", READ
    ),
    "control-character-reference": Case(
        env(GET).replace(b"<EmployeeId>", b"<EmployeeId>&#x0B;"), 400, "soap:Client", READ
    ),
    "nul-byte": Case(env(GET).replace(b"<s:Body>", b"<s:Body>\x00"), 400, "soap:Client", READ),
    "undeclared-prefix": Case(env(GET).replace(b"<s:Body>", b"<s:Body><q:x/>"), 400, "soap:Client", READ),
    "wrong-value-type": Case(
        env(op("HourComponentVar_GetCurrent", "<EmployeeId>abc</EmployeeId>")), 500, "soap:Client", READ
    ),
    "unknown-enum-value": Case(
        env(
            op("LeaveBalance_GetPerType", f"<EmployeeId>{EMPLOYEE}</EmployeeId><LeaveType>Type99</LeaveType>")
        ),
        500,
        "soap:Client",
        READ,
    ),
    "unknown-operation-element": Case(
        env(op("No_Such_Operation", "")),
        500,
        "soap:Client",
        "Unable to handle request without a valid action",
    ),
    "soap12-wrong-value-type": Case(
        env(op("HourComponentVar_GetCurrent", "<EmployeeId>1.5</EmployeeId>"), "1.2"),
        500,
        "soap:Sender",
        READ,
        CONTENT_TYPES["1.2"],
        "1.2",
    ),
    "soap12-two-body-elements": Case(
        env(GET + GET, "1.2"), 400, "soap:Sender", "must hold only", CONTENT_TYPES["1.2"], "1.2"
    ),
    "soap12-json-content-type": Case(
        env(GET, "1.2"), 415, "soap:Client", "Unsupported media type", "application/json"
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(small_app()) as running:
        yield running


def hours_state(server: MockServer) -> list[tuple[int, int, int]]:
    tenant = server.app.backend.tenant(DEMO_DOMAIN)
    return sorted((r.id, r.owner, r.start) for r in tenant.records("HourComponentVar", "employee"))


@pytest.mark.parametrize("name", list(CASES))
def test_a_malformed_request_gets_a_helpful_fault(server, name):
    case = CASES[name]
    headers = {}  # routed by the body element (the lenient default)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    before = hours_state(server)
    with ErrorLog() as errors:
        response = requests.post(
            server.soap_url("EmployeeService"), data=case.body, headers=headers, timeout=20
        )
    answer = soap_answer(response.status_code, response.content)
    assert answer.fault is not None, response.text
    assert (response.status_code, answer.fault[0]) == (case.status, case.code), answer
    assert case.text in answer.fault[1], answer.fault[1]
    assert answer.version == (case.version if case.code != "soap:VersionMismatch" else "1.1")
    assert response.headers["Content-Type"] == CONTENT_TYPES[answer.version]
    assert errors.records == [], errors.messages()
    assert hours_state(server) == before


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_require_soap_action_refuses_only_soap11_without_one(version):
    """--require-soap-action: SOAP 1.1 needs SOAPAction; SOAP 1.2 is routed by `action=` or by its body."""
    app = small_app(require_soap_action=True)
    body, headers = call_bytes(
        "HourComponentVar_GetCurrent", f"<EmployeeId>{EMPLOYEE}</EmployeeId>", version=version
    )
    with_action = app.pipeline.handle(
        "EmployeeService", body, headers["Content-Type"], headers.get("SOAPAction")
    )
    assert soap_answer(with_action.status, with_action.body).fault is None
    bare = app.pipeline.handle("EmployeeService", body, CONTENT_TYPES[version], None)
    answer = soap_answer(bare.status, bare.body)
    if version == "1.1":
        assert answer.fault is not None and answer.fault[1].startswith("Unable to handle request without")
    else:
        assert answer.fault is None and answer.element == "HourComponentVar_GetCurrentResponse"
        text_xml = app.pipeline.handle("EmployeeService", body, CONTENT_TYPES["1.1"], None)  # 1.2 as text/xml
        assert soap_answer(text_xml.status, text_xml.body).fault is None


def stored_strings_app_and_read():
    app = small_app()
    tenant = app.backend.tenant(DEMO_DOMAIN)
    company = tenant.companies()[0]
    body, headers = call_bytes(
        "PersonalInfo_GetAll_AllEmployeesByCompany", f"<CompanyID>{company.id}</CompanyID>"
    )

    def read() -> bytes:
        response = app.pipeline.handle(
            "EmployeeService", body, headers["Content-Type"], headers["SOAPAction"]
        )
        assert soap_answer(response.status, response.body).fault is None, response.body[:500]
        return response.body

    return app, tenant, company, read


def test_stored_strings_xml_cannot_carry_do_not_break_a_later_getall():
    """A stored string with characters XML cannot carry (written around the SOAP face, which refuses
    them at parse) is answered with U+FFFD in their place; the read does not fail."""
    app, tenant, company, read = stored_strings_app_and_read()
    employee = tenant.employees(company.id)[0]
    key = company.current.year * 100 + company.current.number
    with app.backend.transaction():
        tenant.put_record(
            StoredRecord(
                "PersonalInfo",
                "employee",
                employee.id,
                tenant.next_id("record", 1000),
                key,
                None,
                "2026-01-01T00:00:00",
                {"FirstName": "Bell\x07Tab\x0bNul\x00\ufffe"},
            )
        )
    assert "<FirstName>Bell\ufffdTab\ufffdNul\ufffd\ufffd</FirstName>".encode() in read()


def test_a_snapshot_restored_with_such_strings_still_reads():
    app, _, _, read = stored_strings_app_and_read()
    snapshot = json.loads(gzip.decompress(app.control.snapshot(DEMO_DOMAIN)))
    rows = snapshot["tables"]["records"]
    data_column = next(i for i, v in enumerate(rows[0]) if isinstance(v, str) and v.startswith("{"))
    changed = 0
    for row in rows:
        if '"FirstName":"' in row[data_column]:
            row[data_column] = row[data_column].replace('"FirstName":"', '"FirstName":"\\u000b\\u0001', 1)
            changed += 1
    assert changed
    app.control.restore(DEMO_DOMAIN, gzip.compress(json.dumps(snapshot).encode()))
    answer = read()
    assert "<FirstName>\ufffd\ufffd".encode() in answer and b"\x0b" not in answer
