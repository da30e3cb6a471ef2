"""ASMX wire behaviour over raw HTTP: faults, routing, versions, prefixes, leniency, formats."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.domain.model import EnvironmentSpec
from mock_server.server import MockServer

S11, S12, CT = raw.SOAP11_ENV, raw.SOAP12_ENV, raw.CONTENT_TYPES
ENV = {"1.1": S11, "1.2": S12}


def first_id(pattern: bytes, content: bytes) -> str:
    found = re.search(pattern, content)
    assert found is not None, content[:300]
    return found.group(1).decode()


def credentials(spec: EnvironmentSpec, **changes: Any) -> NmbrsCredentials:
    """The environment's login, with `token` or `domain` changed (domain None: no Domain element)."""
    user = spec.users[0]
    return replace(NmbrsCredentials(user.username, user.token, spec.name), **changes)


def post(
    server: MockServer, service: str, data: bytes, content_type: str, action: str | None
) -> requests.Response:
    headers = {"Content-Type": content_type}
    if action is not None:
        headers["SOAPAction"] = action
    return requests.post(server.soap_url(service), data=data, headers=headers, timeout=10)


def call(
    server: MockServer,
    spec: EnvironmentSpec,
    service: str,
    op: str,
    params: str = "",
    version: str = "1.1",
    **changes: str | None,
) -> requests.Response:
    data = raw.envelope(service, op, params, credentials(spec, **changes), version)
    headers = raw.http_headers(service, op, version)
    return requests.post(server.soap_url(service), data=data, headers=headers, timeout=10)


def fault_of(response: requests.Response, version: str = "1.1") -> tuple[str, str]:
    """(code, text) of the fault in a SOAP `version` answer."""
    assert etree.fromstring(response.content).tag == f"{{{ENV[version]}}}Envelope", response.text
    fault = raw.fault_of(response.content)
    assert fault is not None, response.text
    return fault


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize(
    "variant", [{"token": "wrong-token"}, {"domain": "otherdomain"}, {"token": "", "domain": None}]
)
def test_bad_credentials_give_exact_1001_fault(mock_server, environment, version, variant):
    response = call(mock_server, environment, "CompanyService", "List_GetAll", version=version, **variant)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT[version]
    code, text = fault_of(response, version)
    fault = etree.fromstring(response.content).find(f"{{{ENV[version]}}}Body/{{{ENV[version]}}}Fault")
    assert text == "Server was unable to process request. ---> 1001: Invalid Authentication"
    if version == "1.1":
        assert code == "soap:Server"
        assert [child.tag for child in fault] == ["faultcode", "faultstring", "detail"]
        assert len(fault.find("detail")) == 0 and not (fault.find("detail").text or "").strip()
    else:
        assert code == "soap:Receiver"
        assert (
            fault.find(f"{{{S12}}}Reason/{{{S12}}}Text").get("{http://www.w3.org/XML/1998/namespace}lang")
            == "en"
        )
        assert fault.find(f"{{{S12}}}Detail") is not None


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_missing_header_is_1001(mock_server, environment, version):
    service = "EmployeeService"
    data = (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ENV[version]}">'
        f'<soap:Body><EmployeeType_GetList xmlns="{raw.namespace(service)}" /></soap:Body></soap:Envelope>'
    ).encode()
    action = raw.soap_action(service, "EmployeeType_GetList")
    response = post(mock_server, service, data, CT[version], action)
    assert response.status_code == 500
    assert fault_of(response, version)[1].endswith("---> 1001: Invalid Authentication")


def test_domain_is_optional(mock_server, environment):
    response = call(mock_server, environment, "CompanyService", "List_GetAll", domain=None)
    assert response.status_code == 200, response.text
    assert b"<Company>" in response.content


def list_get_all_by_hand(spec: EnvironmentSpec) -> bytes:
    """A CompanyService List_GetAll request written out, for the tests of what SOAPAction may say."""
    ns, user = raw.namespace("CompanyService"), spec.users[0]
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{S11}"><soap:Header>'
        f'<AuthHeaderWithDomain xmlns="{ns}"><Username>{user.username}</Username><Token>{user.token}</Token>'
        f"<Domain>{spec.name}</Domain></AuthHeaderWithDomain></soap:Header>"
        f'<soap:Body><List_GetAll xmlns="{ns}"/></soap:Body></soap:Envelope>'
    ).encode()


def test_unknown_soapaction_is_a_client_fault(mock_server, environment):
    service = "CompanyService"
    action = raw.soap_action(service, "No_Such_Operation")
    response = post(mock_server, service, list_get_all_by_hand(environment), CT["1.1"], action)
    assert response.status_code == 500
    code, text = fault_of(response)
    assert code == "soap:Client"
    assert text == f"Server did not recognize the value of HTTP Header SOAPAction: {action}."


def test_a_name_that_is_no_operation_gets_the_nearest_names(mock_server, environment):
    service = "CompanyService"
    action = raw.soap_action(service, "List_GetALL")
    response = post(mock_server, service, list_get_all_by_hand(environment), CT["1.1"], action)
    text = fault_of(response)[1]
    assert text.startswith(f"Server did not recognize the value of HTTP Header SOAPAction: {action}. ")
    assert text.endswith("Did you mean: List_GetAll?") or "Did you mean: List_GetAll," in text


@pytest.mark.parametrize("quote", ['"', ""])
def test_quoted_and_unquoted_soapaction(mock_server, environment, quote):
    service = "CompanyService"
    data = raw.envelope(service, "List_GetAll", credentials=credentials(environment))
    response = post(
        mock_server, service, data, CT["1.1"], f"{quote}{raw.soap_action(service, 'List_GetAll')}{quote}"
    )
    assert response.status_code == 200, response.text
    assert b"<List_GetAllResult>" in response.content


@pytest.mark.parametrize(
    ("operation", "params", "result"),
    [
        ("List_GetAll", "", "List_GetAllResult"),
        ("Company_GetCurrentPeriod", "<CompanyId>{company}</CompanyId>", "Company_GetCurrentPeriodResult"),
    ],
)
def test_soap11_without_soapaction_routes_by_body(
    mock_server, mock_app, environment, operation, params, result
):
    service, ns = "CompanyService", raw.namespace("CompanyService")
    tenant = mock_app.backend.tenant(environment.name)
    company = tenant.companies()[0]
    body = params.format(company=company.id)
    data = raw.envelope(service, operation, body, credentials=credentials(environment))
    response = post(mock_server, service, data, CT["1.1"], None)
    assert response.status_code == 200, response.text
    answer = etree.fromstring(response.content).find(
        f"{{{S11}}}Body/{{{ns}}}{operation}Response/{{{ns}}}{result}"
    )
    assert answer is not None, response.text
    if operation == "List_GetAll":  # the routed operation's own answer: the environment's companies
        assert [int(i) for i in answer.xpath("*/*[local-name()='ID']/text()")] == [
            c.id for c in tenant.companies()
        ]
    else:
        current = company.current
        assert answer.text == f"{current.year}-{current.number}-{company.type.value}"


def test_soap12_with_only_the_action_parameter(mock_server, environment):
    response = call(mock_server, environment, "EmployeeService", "EmployeeType_GetList", version="1.2")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == CT["1.2"]
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{S12}}}Envelope"
    assert (
        root.find(f"{{{S12}}}Body/{{{raw.namespace('EmployeeService')}}}EmployeeType_GetListResponse")
        is not None
    )


def test_version_comes_from_the_envelope_not_the_content_type(mock_server, environment):
    service = "EmployeeService"
    data = raw.envelope(service, "EmployeeType_GetList", credentials=credentials(environment), version="1.2")
    response = post(mock_server, service, data, CT["1.1"], None)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CT["1.2"]
    assert etree.fromstring(response.content).tag == f"{{{S12}}}Envelope"


def test_an_action_for_another_body_is_refused(mock_server, environment):
    service = "CompanyService"
    action = raw.soap_action(service, "Company_GetCurrentPeriod")
    response = post(mock_server, service, list_get_all_by_hand(environment), CT["1.1"], action)
    code, text = fault_of(response)
    assert code == "soap:Client"
    assert "Server was unable to read request." in text and "was not expected" in text


def test_client_chosen_prefixes_and_header_order(mock_server, environment):
    service, ns = "CompanyService", raw.namespace("CompanyService")
    user = environment.users[0]
    data = (
        f'<e:Envelope xmlns:e="{S11}" xmlns:n="{ns}"><e:Header><n:AuthHeaderWithDomain>'
        f"<n:Domain>{environment.name}</n:Domain><n:Token>{user.token}</n:Token><n:Username>{user.username}</n:Username>"
        f"</n:AuthHeaderWithDomain></e:Header><e:Body><n:List_GetAll/></e:Body></e:Envelope>"
    ).encode()
    response = post(mock_server, service, data, CT["1.1"], f"{ns}/List_GetAll")
    assert response.status_code == 200, response.text
    text = response.text
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="')
    assert f'<List_GetAllResponse xmlns="{ns}"><List_GetAllResult><Company><ID>' in text


def test_lenient_parsing_order_unknown_elements_and_defaults(mock_server, mock_app, environment):
    companies = call(mock_server, environment, "CompanyService", "List_GetAll")
    company_id = first_id(rb"<ID>(\d+)</ID>", companies.content)
    params = f"<Unknown>x</Unknown><CompanyId>{company_id}</CompanyId>"  # no EmployeeType: reads as 0 = all
    response = call(mock_server, environment, "EmployeeService", "List_GetByCompany", params)
    assert response.status_code == 200, response.text
    expected = len(mock_app.backend.tenant(environment.name).employees(int(company_id)))
    assert expected > 1
    assert response.content.count(b"<Employee>") == expected


def test_missing_company_id_reads_as_zero_and_is_refused_with_2004(mock_server, environment):
    response = call(mock_server, environment, "EmployeeService", "List_GetByCompany", "")
    assert fault_of(response)[1] == "Server was unable to process request. ---> 2004: Unauthorized access"


def test_unreadable_xml_is_a_400_client_fault(mock_server, environment):
    response = post(mock_server, "CompanyService", b"<soap:Envelope><unclosed>", CT["1.1"], None)
    assert response.status_code == 400
    code, text = fault_of(response)
    assert code == "soap:Client"
    assert text.startswith("Server was unable to read request. ---> There is an error in XML document")


def test_dtd_and_entities_are_refused(mock_server, environment):
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    response = post(mock_server, "CompanyService", data, CT["1.1"], None)
    assert response.status_code == 400
    assert "DTD is prohibited" in fault_of(response)[1]
    assert b"root:" not in response.content


def test_a_bad_value_is_a_read_error_without_traceback(mock_server, environment):
    response = call(
        mock_server, environment, "CompanyService", "Company_GetCurrentPeriod", "<CompanyId>abc</CompanyId>"
    )
    code, text = fault_of(response)
    assert code == "soap:Client"
    assert text.startswith("Server was unable to read request. ---> There is an error in XML document")
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_decimals_keep_their_scale_and_dates_have_no_zone(mock_server, environment):
    employees = call(
        mock_server, environment, "EmployeeService", "List_GetByDebtor", "<DebtorId>1000</DebtorId>"
    )
    employee_id = first_id(rb"<Id>(\d+)</Id>", employees.content)
    hour = (
        "<Hourcomponent><Id>0</Id><HourCode>1</HourCode><Hours>7.50</Hours><CostCenterId xsi:nil='true' "
        "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'/><CostUnitId>0</CostUnitId></Hourcomponent>"
    )
    inserted = call(
        mock_server,
        environment,
        "EmployeeService",
        "HourComponentVar_InsertCurrent",
        f"<EmployeeId>{employee_id}</EmployeeId>{hour}",
    )
    assert inserted.status_code == 200, inserted.text
    read = call(
        mock_server,
        environment,
        "EmployeeService",
        "HourComponentVar_GetCurrent",
        f"<EmployeeId>{employee_id}</EmployeeId>",
    )
    assert b"<HourCode>1</HourCode><Hours>7.50</Hours>" in read.content
    schedule = call(
        mock_server,
        environment,
        "EmployeeService",
        "Schedule_GetCurrent",
        f"<EmployeeId>{employee_id}</EmployeeId>",
    )
    assert re.search(rb"<HoursMonday>\d+\.\d</HoursMonday>", schedule.content), schedule.text
    assert re.search(rb"<StartDate>\d{4}-\d\d-\d\dT00:00:00</StartDate>", schedule.content), schedule.text


def test_null_value_types_are_nil_and_null_strings_are_omitted(mock_server, environment):
    employees = call(
        mock_server, environment, "EmployeeService", "List_GetByDebtor", "<DebtorId>1000</DebtorId>"
    )
    employee_id = first_id(rb"<Id>(\d+)</Id>", employees.content)
    response = call(
        mock_server,
        environment,
        "EmployeeService",
        "Contract_GetCurrentPeriod",
        f"<EmployeeId>{employee_id}</EmployeeId>",
    )
    assert b'<EndDate xsi:nil="true" />' in response.content, response.text
    personal = call(
        mock_server,
        environment,
        "EmployeeService",
        "PersonalInfo_GetCurrent",
        f"<EmployeeId>{employee_id}</EmployeeId>",
    )
    assert b"<Nickname" not in personal.content and b"<FirstName>" in personal.content


@pytest.mark.parametrize("query", ["WSDL", "wsdl"])
def test_wsdl_is_served_with_the_address_the_client_used(mock_server, query):
    response = requests.get(f"{mock_server.soap_url('DebtorService')}?{query}", timeout=10)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    addresses = root.xpath("//*[local-name()='address']/@location")
    assert addresses == [mock_server.soap_url("DebtorService")] * 2
    assert root.get("targetNamespace") == raw.namespace("DebtorService")


def test_environment_get_takes_auth_header_without_domain(mock_server, environment):
    service = "DebtorService"
    data = raw.envelope(service, "Environment_Get", credentials=credentials(environment))
    assert b"<AuthHeader xmlns=" in data and b"<Domain>" not in data
    response = post(mock_server, service, data, CT["1.1"], raw.soap_action(service, "Environment_Get"))
    assert response.status_code == 200, response.text
    assert f"<SubDomain>{environment.name}</SubDomain>".encode() in response.content
