"""The answer's SOAP version follows the request envelope, never the Content-Type (spec §1.3, §3.1).

Every combination of envelope version × Content-Type × outcome (an answer, an authentication fault, a
domain fault, a routing fault) is pinned: the answer's envelope namespace, its Content-Type, its HTTP
status and the fault's code element. Only a request whose XML cannot be read has no envelope to go by;
its fault follows the Content-Type.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.domain.model import EnvironmentSpec
from mock_server.server import MockServer

ENV = {"1.1": raw.SOAP11_ENV, "1.2": raw.SOAP12_ENV}
SERVICE = "EmployeeService"
CONTENT_TYPES = {
    "text/xml": "text/xml; charset=utf-8",
    "soap+xml": "application/soap+xml; charset=utf-8",
    "soap+xml;action": 'application/soap+xml; charset=utf-8; action="{action}"',
}


@dataclass(frozen=True)
class Outcome:
    operation: str
    params: str
    status: int
    fault_text: str | None  # None: an answer
    client_fault: bool = False
    wrong_token: bool = False


OUTCOMES = {
    "answer": Outcome("EmployeeType_GetList", "", 200, None),
    "1001": Outcome(
        "EmployeeType_GetList",
        "",
        500,
        "Server was unable to process request. ---> 1001: Invalid Authentication",
        wrong_token=True,
    ),
    "2003": Outcome(
        "PersonalInfo_GetCurrent",
        "<EmployeeId>1</EmployeeId>",
        500,
        "Server was unable to process request. ---> 2003: Unauthorized access",
    ),
    "bad-value": Outcome(
        "PersonalInfo_GetCurrent",
        "<EmployeeId>abc</EmployeeId>",
        500,
        "Server was unable to read request. ---> There is an error in XML document",
        client_fault=True,
    ),
}


def login(spec: EnvironmentSpec, wrong_token: bool) -> NmbrsCredentials:
    user = spec.users[0]
    credentials = NmbrsCredentials(user.username, user.token, spec.name)
    return replace(credentials, token="wrong-token") if wrong_token else credentials


def post(server: MockServer, body: bytes, content_type: str, soap_action: str | None) -> requests.Response:
    headers = {"Content-Type": content_type}
    if soap_action is not None:
        headers["SOAPAction"] = f'"{soap_action}"'
    return requests.post(server.soap_url(SERVICE), data=body, headers=headers, timeout=10)


def assert_answer_in(version: str, response: requests.Response, status: int) -> etree._Element:
    """The envelope of `version`, its Content-Type, the status; returns the Body's one child."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == raw.CONTENT_TYPES[version]
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ENV[version]}}}Envelope", response.text
    body = root.find(f"{{{ENV[version]}}}Body")
    assert body is not None and len(body) == 1, response.text
    return body[0]


def assert_fault(version: str, element: etree._Element, client: bool, text: str) -> None:
    env = ENV[version]
    assert element.tag == f"{{{env}}}Fault"
    if version == "1.1":
        assert [child.tag for child in element] == ["faultcode", "faultstring", "detail"]
        assert element.findtext("faultcode") == ("soap:Client" if client else "soap:Server")
        assert (element.findtext("faultstring") or "").startswith(text)
    else:
        assert [etree.QName(child).localname for child in element] == ["Code", "Reason", "Detail"]
        assert element.findtext(f"{{{env}}}Code/{{{env}}}Value") == (
            "soap:Sender" if client else "soap:Receiver"
        )
        assert (element.findtext(f"{{{env}}}Reason/{{{env}}}Text") or "").startswith(text)


@pytest.mark.parametrize("outcome", list(OUTCOMES))
@pytest.mark.parametrize("content_type", list(CONTENT_TYPES))
@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("with_action", [True, False], ids=["action", "no-action"])
def test_the_answer_mirrors_the_envelope(
    mock_server, environment, version, content_type, outcome, with_action
):
    case = OUTCOMES[outcome]
    action = raw.soap_action(SERVICE, case.operation)
    body = raw.envelope(SERVICE, case.operation, case.params, login(environment, case.wrong_token), version)
    header_type = CONTENT_TYPES[content_type].format(action=action)
    response = post(mock_server, body, header_type, action if with_action else None)
    element = assert_answer_in(version, response, case.status)
    if case.fault_text is None:
        assert element.tag == f"{{{raw.namespace(SERVICE)}}}{case.operation}Response"
        types = element.findall(f".//{{{raw.namespace(SERVICE)}}}EmployeeType")
        assert types, response.text
    else:
        assert_fault(version, element, case.client_fault, case.fault_text)


ROUTING_FAULTS = {
    "unknown-body": (
        "No_Such_Operation",
        None,
        "Unable to handle request without a valid action parameter. Please supply a valid soap action.",
    ),
    "unknown-action": (
        "EmployeeType_GetList",
        "No_Such_Operation",
        "Server did not recognize the value of HTTP Header SOAPAction: ",
    ),
    "action-for-another-body": (
        "EmployeeType_GetList",
        "PersonalInfo_GetCurrent",
        "Server was unable to read request. ---> There is an error in XML document",
    ),
}


@pytest.mark.parametrize("fault", list(ROUTING_FAULTS))
@pytest.mark.parametrize("content_type", ["text/xml", "soap+xml"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_routing_fault_is_answered_in_the_envelope_version(
    mock_server, environment, version, content_type, fault
):
    """ASMX reads the envelope (and picks its SOAP version) before it routes, so a routing fault is in the
    request's version too: SOAP 1.1 routes by SOAPAction, SOAP 1.2 by the Content-Type's action."""
    body_operation, action_operation, text = ROUTING_FAULTS[fault]
    body = raw.envelope(SERVICE, body_operation, "", login(environment, False), version)
    action = raw.soap_action(SERVICE, action_operation) if action_operation else None
    header_type = CONTENT_TYPES[content_type]
    soap_action = None
    if action is not None and version == "1.1":
        soap_action = action
    elif action is not None:
        header_type = CONTENT_TYPES["soap+xml;action"].format(action=action)
    response = post(mock_server, body, header_type, soap_action)
    element = assert_answer_in(version, response, 500)
    assert_fault(version, element, True, text)


@pytest.mark.parametrize(("content_type", "version"), [("text/xml", "1.1"), ("soap+xml", "1.2")])
def test_unreadable_xml_is_answered_in_the_content_types_version(mock_server, content_type, version):
    response = post(mock_server, b"<soap:Envelope><unclosed>", CONTENT_TYPES[content_type], None)
    element = assert_answer_in(version, response, 400)
    assert_fault(version, element, True, "Server was unable to read request. ---> There is an error in XML")


@pytest.mark.parametrize("content_type", ["text/xml", "soap+xml"])
def test_an_envelope_of_no_soap_version_is_a_version_mismatch(mock_server, content_type):
    """ASMX reads an unknown envelope namespace with its SOAP 1.1 helper: a 1.1 VersionMismatch (500)."""
    body = b'<Envelope xmlns="urn:not-soap"><Body/></Envelope>'
    element = assert_answer_in("1.1", post(mock_server, body, CONTENT_TYPES[content_type], None), 500)
    assert element.findtext("faultcode") == "soap:VersionMismatch"
    assert element.findtext("faultstring") == (
        "Possible SOAP version mismatch: Envelope namespace urn:not-soap was unexpected. "
        "Expecting http://schemas.xmlsoap.org/soap/envelope/."
    )


@pytest.mark.parametrize("content_type", ["text/xml", "soap+xml"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_body_of_another_namespace_is_not_routed(mock_server, environment, version, content_type):
    """Without an action, only an operation element of the service's own namespace routes the call."""
    body = raw.envelope(SERVICE, "EmployeeType_GetList", "", login(environment, False), version)
    own = f'<EmployeeType_GetList xmlns="{raw.namespace(SERVICE)}">'.encode()
    assert body.count(own) == 1
    body = body.replace(own, b'<EmployeeType_GetList xmlns="urn:another-service">')
    response = post(mock_server, body, CONTENT_TYPES[content_type], None)
    element = assert_answer_in(version, response, 500)
    assert_fault(version, element, True, ROUTING_FAULTS["unknown-body"][2])
