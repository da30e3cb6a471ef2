"""What the adapter reuses between calls changes no answer: a SOAP header is decoded by Spyne once per
distinct header (any difference is decoded anew), and a used Spyne context leaves no cyclic garbage."""

from __future__ import annotations

import gc

import pytest
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.soap.envelope import parse_request

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


def _body(credentials: NmbrsCredentials) -> bytes:
    return raw.envelope(SERVICE, OPERATION, "<CompanyId>10000</CompanyId>", credentials)


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
