"""What the adapter reuses between calls changes no answer: a SOAP header and a small body are decoded by
Spyne once per distinct header or body (any difference is decoded anew), and a used Spyne context leaves
no cyclic garbage."""

from __future__ import annotations

import gc

import pytest
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.soap.envelope import parse_request
from mock_server.soap.spyne_adapter import DecodedCall

SERVICE, OPERATION = "CompanyService", "Company_GetCurrentPeriod"
DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
DEMO_HEADER = {"Username": DEMO_USER, "Token": DEMO_TOKEN, "Domain": DEMO_DOMAIN}


@pytest.fixture(scope="module")
def app() -> MockApp:
    return MockApp(demo=EnvironmentShape(employees=1, period_types=("M",), debtors=1))


def _decode_header(app: MockApp, body: bytes) -> dict[str, object] | None:
    runtime = app.pipeline.services[SERVICE]
    request = parse_request(body, raw.CONTENT_TYPES["1.1"], None, runtime.contract)
    return runtime.spyne.decode(request, body).header


def _body(credentials: NmbrsCredentials, params: str = "<CompanyId>10000</CompanyId>") -> bytes:
    return raw.envelope(SERVICE, OPERATION, params, credentials)


def _decode(app: MockApp, body: bytes, service: str = SERVICE) -> DecodedCall:
    runtime = app.pipeline.services[service]
    return runtime.spyne.decode(parse_request(body, raw.CONTENT_TYPES["1.1"], None, runtime.contract), body)


def test_each_distinct_header_is_read_as_sent(app: MockApp) -> None:
    first = _decode_header(app, _body(DEMO))
    again = _decode_header(app, _body(DEMO))
    other_token = _decode_header(app, _body(NmbrsCredentials(DEMO_USER, "other", DEMO_DOMAIN)))
    no_domain = _decode_header(app, _body(NmbrsCredentials(DEMO_USER, DEMO_TOKEN, None)))
    assert first == again == DEMO_HEADER
    assert other_token == {"Username": DEMO_USER, "Token": "other", "Domain": DEMO_DOMAIN}
    assert no_domain is not None and no_domain["Token"] == DEMO_TOKEN and not no_domain["Domain"]


def test_a_remembered_header_is_the_callers_own(app: MockApp) -> None:
    header = _decode_header(app, _body(DEMO))
    assert header is not None
    header["Token"] = "changed by a caller"
    assert _decode_header(app, _body(DEMO)) == DEMO_HEADER


def test_a_wrong_token_after_a_right_one_still_fails(app: MockApp) -> None:
    handle = app.pipeline.handle
    content_type = raw.CONTENT_TYPES["1.1"]
    assert handle(SERVICE, _body(DEMO), content_type, None).status == 200
    wrong = handle(SERVICE, _body(NmbrsCredentials(DEMO_USER, "wrong", DEMO_DOMAIN)), content_type, None)
    assert wrong.status == 500 and b"1001" in wrong.body


def test_a_call_leaves_no_cyclic_garbage_of_spyne(app: MockApp) -> None:
    handle, body, content_type = app.pipeline.handle, _body(DEMO), raw.CONTENT_TYPES["1.1"]
    for _ in range(3):
        handle(SERVICE, body, content_type, None)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(20):
            assert handle(SERVICE, body, content_type, None).status == 200
        gc.collect()
        spyne_garbage = [o for o in gc.garbage if type(o).__module__.startswith("spyne")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert spyne_garbage == []


def test_each_distinct_body_is_decoded_as_sent(app: MockApp) -> None:
    first = _decode(app, _body(DEMO, "<CompanyId>20000</CompanyId>"))  # a body no other test sends
    again = _decode(app, _body(DEMO, "<CompanyId>20000</CompanyId>"))
    other = _decode(app, _body(DEMO, "<CompanyId>20001</CompanyId>"))
    spaced = _decode(app, _body(DEMO, "<CompanyId> 20000 </CompanyId>"))
    assert first.spyne_context is not None, "the first call is decoded by Spyne"
    assert again.spyne_context is None, "the same body again is not decoded anew"
    assert first.args == again.args == spaced.args == {"CompanyId": 20000}
    assert spaced.spyne_context is not None
    assert other.args == {"CompanyId": 20001} and other.spyne_context is not None


def test_a_remembered_body_gives_each_call_its_own_arguments(app: MockApp) -> None:
    params = "<EmployeeId>1</EmployeeId><Period>1</Period><Year>2026</Year>"
    body = raw.envelope("EmployeeService", "HourComponentVar_Get", params, DEMO)
    first = _decode(app, body, "EmployeeService")
    first.args["EmployeeId"] = 99
    again = _decode(app, body, "EmployeeService")
    assert again.args == {"EmployeeId": 1, "Period": 1, "Year": 2026}
    assert again.args is not first.args


def test_a_body_that_faulted_faults_again(app: MockApp) -> None:
    handle, content_type = app.pipeline.handle, raw.CONTENT_TYPES["1.1"]
    bad = _body(DEMO, "<CompanyId>ten</CompanyId>")
    answers = [handle(SERVICE, bad, content_type, None) for _ in range(2)]
    assert [a.status for a in answers] == [500, 500]
    assert answers[0].body == answers[1].body and b"There is an error in XML document" in answers[0].body


def test_a_large_body_is_not_remembered(app: MockApp) -> None:
    runtime = app.pipeline.services["EmployeeService"]
    lines = "".join(
        "<EmployeeHourComponent><EmployeeId>1</EmployeeId><Id>0</Id><HourCode>1</HourCode>"
        f"<Hours>{n}</Hours></EmployeeHourComponent>"
        for n in range(60)
    )
    params = f"<HourComponents>{lines}</HourComponents><Period>1</Period><Year>2026</Year>"
    body = raw.envelope("EmployeeService", "HourComponentVar_Insert_Batch", params, DEMO)
    remembered = len(runtime.spyne.bodies)
    assert _decode(app, body, "EmployeeService").spyne_context is not None
    assert _decode(app, body, "EmployeeService").spyne_context is not None
    assert len(runtime.spyne.bodies) == remembered


def test_a_remembered_body_still_passes_every_check_of_the_pipeline(app: MockApp) -> None:
    handle, content_type = app.pipeline.handle, raw.CONTENT_TYPES["1.1"]
    assert handle(SERVICE, _body(DEMO), content_type, None).status == 200
    wrong = handle(SERVICE, _body(NmbrsCredentials(DEMO_USER, "wrong", DEMO_DOMAIN)), content_type, None)
    unknown = handle(SERVICE, _body(DEMO, "<CompanyId>424242</CompanyId>"), content_type, None)
    again = handle(SERVICE, _body(DEMO, "<CompanyId>424242</CompanyId>"), content_type, None)
    assert wrong.status == 500 and b"1001" in wrong.body
    assert unknown.status == again.status == 500 and unknown.body == again.body
