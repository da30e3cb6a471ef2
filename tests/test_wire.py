"""ASMX wire behaviour over raw HTTP: faults, routing, versions, prefixes, leniency, formats."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree

from mock_server.domain.model import EnvironmentSpec
from mock_server.server import MockServer

S11 = "http://schemas.xmlsoap.org/soap/envelope/"
S12 = "http://www.w3.org/2003/05/soap-envelope"
NS = "https://api.nmbrs.nl/soap/v3/{service}"
CT = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}


def envelope(version: str, service: str, body: str, header: str | None) -> bytes:
    env = S11 if version == "1.1" else S12
    head = f"<soap:Header>{header}</soap:Header>" if header is not None else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env}">{head}'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def auth(service: str, spec: EnvironmentSpec, token: str | None = None, domain: str | None = "") -> str:
    user = spec.users[0]
    domain_xml = "" if domain is None else f"<Domain>{domain or spec.name}</Domain>"
    return (
        f'<AuthHeaderWithDomain xmlns="{NS.format(service=service)}"><Username>{user.username}</Username>'
        f"<Token>{user.token if token is None else token}</Token>{domain_xml}</AuthHeaderWithDomain>"
    )


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
    **auth_kwargs: str | None,
) -> requests.Response:
    body = f'<{op} xmlns="{NS.format(service=service)}">{params}</{op}>'
    data = envelope(version, service, body, auth(service, spec, **auth_kwargs))
    action = f'"{NS.format(service=service)}/{op}"' if version == "1.1" else None
    content_type = (
        CT[version] if version == "1.1" else f'{CT["1.2"]}; action="{NS.format(service=service)}/{op}"'
    )
    return post(server, service, data, content_type, action)


def fault_of(response: requests.Response, version: str) -> tuple[str, str, etree._Element]:
    root = etree.fromstring(response.content)
    env = S11 if version == "1.1" else S12
    fault = root.find(f"{{{env}}}Body/{{{env}}}Fault")
    assert fault is not None, response.text
    if version == "1.1":
        return fault.findtext("faultcode"), fault.findtext("faultstring"), fault
    code = fault.findtext(f"{{{S12}}}Code/{{{S12}}}Value")
    return code, fault.findtext(f"{{{S12}}}Reason/{{{S12}}}Text"), fault


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize(
    "variant", [{"token": "wrong-token"}, {"domain": "otherdomain"}, {"token": "", "domain": None}]
)
def test_bad_credentials_give_exact_1001_fault(mock_server, environment, version, variant):
    response = call(mock_server, environment, "CompanyService", "List_GetAll", version=version, **variant)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT[version]
    code, text, fault = fault_of(response, version)
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
    body = f'<EmployeeType_GetList xmlns="{NS.format(service=service)}" />'
    action = f"{NS.format(service=service)}/EmployeeType_GetList"
    response = post(mock_server, service, envelope(version, service, body, None), CT[version], action)
    assert response.status_code == 500
    assert fault_of(response, version)[1].endswith("---> 1001: Invalid Authentication")


def test_domain_is_optional(mock_server, environment):
    response = call(mock_server, environment, "CompanyService", "List_GetAll", domain=None)
    assert response.status_code == 200, response.text
    assert b"<Company>" in response.content


def test_unknown_soapaction_is_a_client_fault(mock_server, environment):
    service = "CompanyService"
    data = envelope(
        "1.1", service, f'<List_GetAll xmlns="{NS.format(service=service)}"/>', auth(service, environment)
    )
    action = f"{NS.format(service=service)}/No_Such_Operation"
    response = post(mock_server, service, data, CT["1.1"], action)
    assert response.status_code == 500
    code, text, _ = fault_of(response, "1.1")
    assert code == "soap:Client"
    assert text == f"Server did not recognize the value of HTTP Header SOAPAction: {action}."


@pytest.mark.parametrize("quote", ['"', ""])
def test_quoted_and_unquoted_soapaction(mock_server, environment, quote):
    service = "CompanyService"
    data = envelope(
        "1.1", service, f'<List_GetAll xmlns="{NS.format(service=service)}"/>', auth(service, environment)
    )
    response = post(
        mock_server, service, data, CT["1.1"], f"{quote}{NS.format(service=service)}/List_GetAll{quote}"
    )
    assert response.status_code == 200, response.text
    assert b"<List_GetAllResult>" in response.content


def test_soap11_without_soapaction_routes_by_body(mock_server, environment):
    service = "CompanyService"
    data = envelope(
        "1.1", service, f'<List_GetAll xmlns="{NS.format(service=service)}"/>', auth(service, environment)
    )
    assert post(mock_server, service, data, CT["1.1"], None).status_code == 200


def test_soap12_with_only_the_action_parameter(mock_server, environment):
    response = call(mock_server, environment, "EmployeeService", "EmployeeType_GetList", version="1.2")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == CT["1.2"]
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{S12}}}Envelope"
    assert (
        root.find(f"{{{S12}}}Body/{{{NS.format(service='EmployeeService')}}}EmployeeType_GetListResponse")
        is not None
    )


def test_version_comes_from_the_envelope_not_the_content_type(mock_server, environment):
    service = "EmployeeService"
    body = f'<EmployeeType_GetList xmlns="{NS.format(service=service)}"/>'
    data = envelope("1.2", service, body, auth(service, environment))
    response = post(mock_server, service, data, "text/xml; charset=utf-8", None)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CT["1.2"]
    assert etree.fromstring(response.content).tag == f"{{{S12}}}Envelope"


def test_an_action_for_another_body_is_refused(mock_server, environment):
    service = "CompanyService"
    data = envelope(
        "1.1", service, f'<List_GetAll xmlns="{NS.format(service=service)}"/>', auth(service, environment)
    )
    response = post(
        mock_server, service, data, CT["1.1"], f"{NS.format(service=service)}/Company_GetCurrentPeriod"
    )
    code, text, _ = fault_of(response, "1.1")
    assert code == "soap:Client"
    assert "Server was unable to read request." in text and "was not expected" in text


def test_client_chosen_prefixes_and_header_order(mock_server, environment):
    service, ns = "CompanyService", NS.format(service="CompanyService")
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
    company_id = re.search(rb"<ID>(\d+)</ID>", companies.content).group(1).decode()
    params = f"<Unknown>x</Unknown><CompanyId>{company_id}</CompanyId>"  # no EmployeeType: reads as 0 = all
    response = call(mock_server, environment, "EmployeeService", "List_GetByCompany", params)
    assert response.status_code == 200, response.text
    expected = len(mock_app.backend.tenant(environment.name).employees(int(company_id)))
    assert expected > 1
    assert response.content.count(b"<Employee>") == expected


def test_missing_company_id_reads_as_zero_and_is_refused_with_2004(mock_server, environment):
    response = call(mock_server, environment, "EmployeeService", "List_GetByCompany", "")
    assert (
        fault_of(response, "1.1")[1] == "Server was unable to process request. ---> 2004: Unauthorized access"
    )


def test_unreadable_xml_is_a_400_client_fault(mock_server, environment):
    response = post(mock_server, "CompanyService", b"<soap:Envelope><unclosed>", CT["1.1"], None)
    assert response.status_code == 400
    code, text, _ = fault_of(response, "1.1")
    assert code == "soap:Client"
    assert text.startswith("Server was unable to read request. ---> There is an error in XML document")


def test_dtd_and_entities_are_refused(mock_server, environment):
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    response = post(mock_server, "CompanyService", data, CT["1.1"], None)
    assert response.status_code == 400
    assert "DTD is prohibited" in fault_of(response, "1.1")[1]
    assert b"root:" not in response.content


def test_a_bad_value_is_a_read_error_without_traceback(mock_server, environment):
    response = call(
        mock_server, environment, "CompanyService", "Company_GetCurrentPeriod", "<CompanyId>abc</CompanyId>"
    )
    code, text, _ = fault_of(response, "1.1")
    assert code == "soap:Client"
    assert text.startswith("Server was unable to read request. ---> There is an error in XML document")
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_decimals_keep_their_scale_and_dates_have_no_zone(mock_server, environment):
    employees = call(
        mock_server, environment, "EmployeeService", "List_GetByDebtor", "<DebtorId>1000</DebtorId>"
    )
    employee_id = re.search(rb"<Id>(\d+)</Id>", employees.content).group(1).decode()
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
    employee_id = re.search(rb"<Id>(\d+)</Id>", employees.content).group(1).decode()
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
    assert root.get("targetNamespace") == NS.format(service="DebtorService")


def test_environment_get_takes_auth_header_without_domain(mock_server, environment):
    service, ns = "DebtorService", NS.format(service="DebtorService")
    user = environment.users[0]
    credentials = f"<Username>{user.username}</Username><Token>{user.token}</Token>"
    header = f'<AuthHeader xmlns="{ns}">{credentials}</AuthHeader>'
    data = envelope("1.1", service, f'<Environment_Get xmlns="{ns}"/>', header)
    response = post(mock_server, service, data, CT["1.1"], f"{ns}/Environment_Get")
    assert response.status_code == 200, response.text
    assert f"<SubDomain>{environment.name}</SubDomain>".encode() in response.content
