""".NET reading of request values over the wire (issue 11 class 10): what is accepted, the exact ASMX
fault with the real line and column of the value, and no Python in any fault of any operation."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import Element, Operation, ServiceContract
from mock_server.domain.model import EnvironmentSpec
from mock_server.server import MockServer

READ = "Server was unable to read request. ---> There is an error in XML document"
FORMAT = "Input string was not in a correct format."
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
PYTHONISMS = re.compile(
    r"Traceback|File \"|\w+Error\b|\w+Exception\b|<class |object at 0x|NoneType|\bNone\b|\bself\b"
    r"|lxml|[Ss]pyne|decimal\.|InvalidOperation|invalid literal|could not convert|\{'|\['|\(\)"
)


def credentials_of(spec: EnvironmentSpec) -> NmbrsCredentials:
    return NmbrsCredentials(spec.users[0].username, spec.users[0].token, spec.name)


def pretty_request(service: str, operation: str, spec: EnvironmentSpec, params: list[str]) -> bytes:
    """A request written out over lines, as most SOAP tools send it (positions are easy to count)."""
    ns, user = raw.namespace(service), spec.users[0]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<soap:Envelope xmlns:soap="{raw.SOAP11_ENV}" {XSI}>',
        "  <soap:Header>",
        f'    <AuthHeaderWithDomain xmlns="{ns}"><Username>{user.username}</Username>'
        f"<Token>{user.token}</Token><Domain>{spec.name}</Domain></AuthHeaderWithDomain>",
        "  </soap:Header>",
        "  <soap:Body>",
        f'    <{operation} xmlns="{ns}">',
        *("      " + param for param in params),
        f"    </{operation}>",
        "  </soap:Body>",
        "</soap:Envelope>",
    ]
    return "\r\n".join(lines).encode()


def post(
    server: MockServer, service: str, operation: str, data: bytes, version: str = "1.1"
) -> requests.Response:
    headers = raw.http_headers(service, operation, version)
    return requests.post(server.soap_url(service), data=data, headers=headers, timeout=30)


def fault_parts(body: bytes) -> tuple[str, str]:
    """(fault code, fault string) of a fault answer; a test fails when the answer is no fault."""
    fault = raw.fault_of(body)
    assert fault is not None, body[:300]
    return fault


def fault_text(response: requests.Response) -> str:
    fault = raw.fault_of(response.content)
    assert fault is not None, response.text
    assert fault[0] in ("soap:Client", "soap:Sender"), fault
    return fault[1]


LEAVE_TYPE = "Instance validation error: '{}' is not a valid value for LeaveType."


@pytest.mark.parametrize(
    ("params", "line", "column", "message"),
    [  # the request's line 8 is the first parameter's; each is indented by six spaces
        (
            ["<EmployeeId>100000</EmployeeId>", "<LeaveType>Wrong</LeaveType>"],
            9,
            18,
            LEAVE_TYPE.format("Wrong"),
        ),
        (
            ["<EmployeeId>100000</EmployeeId>", "<LeaveType>type1</LeaveType>"],
            9,
            18,
            LEAVE_TYPE.format("type1"),
        ),
        (["<EmployeeId>12abc</EmployeeId>", "<LeaveType>Type1</LeaveType>"], 8, 19, FORMAT),
        (
            ["<EmployeeId>99999999999</EmployeeId>"],
            8,
            19,
            "Value was either too large or too small for an Int32.",
        ),
        (["<EmployeeId/>"], 8, 8, FORMAT),  # an empty element: where its name is
        (["<EmployeeId>\n  7x</EmployeeId>"], 8, 19, FORMAT),  # where the text starts, white space included
    ],
)
def test_a_bad_value_names_its_line_and_column(mock_server, environment, params, line, column, message):
    data = pretty_request("EmployeeService", "LeaveBalance_GetPerType", environment, params)
    response = post(mock_server, "EmployeeService", "LeaveBalance_GetPerType", data)
    assert response.status_code == 500
    assert fault_text(response) == f"{READ} ({line}, {column}). ---> {message}"


def test_the_column_of_a_value_on_one_long_line(mock_server, environment):
    """Everything on one line (what zeep and most libraries send): the column counts from the start."""
    params = "<EmployeeId>100000</EmployeeId><LeaveType>Nope</LeaveType>"
    data = raw.envelope("EmployeeService", "LeaveBalance_GetPerType", params, credentials_of(environment))
    column = data.decode().index("Nope</LeaveType>") + 1
    response = post(mock_server, "EmployeeService", "LeaveBalance_GetPerType", data)
    assert fault_text(response) == (
        f"{READ} (1, {column}). ---> Instance validation error: 'Nope' is not a valid value for LeaveType."
    )


def test_the_first_bad_value_in_a_batch_is_reported_and_nothing_is_written(
    mock_server, mock_app, environment
):
    item = (
        "<EmployeeHourComponent><EmployeeId>100000</EmployeeId><Id>0</Id><HourCode>1</HourCode>"
        "<CostCenterId xsi:nil='true'/><CostUnitId xsi:nil='true'/><Hours>{hours}</Hours>"
        "</EmployeeHourComponent>"
    )
    items = item.format(hours="1.5") + item.format(hours="1,5") + item.format(hours="x")
    params = [f"<HourComponents {XSI}>{items}</HourComponents>", "<Period>1</Period><Year>2026</Year>"]
    params.append("<UnprotectedMode>false</UnprotectedMode>")
    data = pretty_request("EmployeeService", "HourComponentVar_Insert_Batch", environment, params)
    text = data.decode().replace("\r\n", "\n").split("\n")[7]
    column = text.index("1,5</Hours>") + 1
    tenant = mock_app.backend.tenant(environment.name)

    def hours() -> list[tuple[int, int, int, dict[str, object]]]:
        return [(r.id, r.owner, r.start, r.data) for r in tenant.records("HourComponentVar", "employee")]

    before = hours()
    response = post(mock_server, "EmployeeService", "HourComponentVar_Insert_Batch", data)
    assert fault_text(response) == f"{READ} (8, {column}). ---> Input string was not in a correct format."
    assert hours() == before


CLEAR = "<CompanyId>1</CompanyId><Period>1</Period><Year>2026</Year>"  # WageComponentVar_Clear, company 1


@pytest.mark.parametrize("value", ["true", "1", " false ", "0"])
def test_booleans_dotnet_reads(mock_server, environment, value):
    params = f"{CLEAR}<UnprotectedMode>{value}</UnprotectedMode>"
    data = raw.envelope("CompanyService", "WageComponentVar_Clear", params, credentials_of(environment))
    response = post(mock_server, "CompanyService", "WageComponentVar_Clear", data)
    assert fault_parts(response.content)[1].endswith("---> 2004: Unauthorized access")  # read, then refused


@pytest.mark.parametrize("value", ["True", "FALSE", "yes", "2", ""])
def test_booleans_dotnet_refuses(mock_server, environment, value):
    params = f"{CLEAR}<UnprotectedMode>{value}</UnprotectedMode>"
    data = raw.envelope("CompanyService", "WageComponentVar_Clear", params, credentials_of(environment))
    response = post(mock_server, "CompanyService", "WageComponentVar_Clear", data)
    assert response.status_code == 500
    assert fault_text(response).endswith(f"---> The string '{value}' is not a valid Boolean value.")


def test_a_date_is_read_as_midnight_for_a_datetime(mock_server, mock_app, environment):
    tenant = mock_app.backend.tenant(environment.name)
    employee = tenant.employees(tenant.companies()[0].id)[0].id
    for sent in ("2026-01-05", "2026-01-05T00:00:00"):
        params = f"<employeeId>{employee}</employeeId><dtmStart>{sent}</dtmStart><dtmEnd>2026-01-31</dtmEnd>"
        data = raw.envelope(
            "EmployeeService", "TimeRegistration_GetList", params, credentials_of(environment)
        )
        response = post(mock_server, "EmployeeService", "TimeRegistration_GetList", data)
        assert response.status_code == 200, response.text
    entry = mock_app.pipeline.journal.entries(environment.name)[-1]
    assert entry.args["dtmEnd"] == "2026-01-31T00:00:00"


def test_nil_follows_the_xml_boolean_rules(mock_server, environment):
    hour = (
        "<Hourcomponent><Id>0</Id><HourCode>1</HourCode><Hours>1</Hours>"
        f"<CostCenterId {XSI} xsi:nil='True'/><CostUnitId>0</CostUnitId></Hourcomponent>"
    )
    params = f"<EmployeeId>100000</EmployeeId>{hour}"
    data = raw.envelope(
        "EmployeeService", "HourComponentVar_InsertCurrent", params, credentials_of(environment)
    )
    response = post(mock_server, "EmployeeService", "HourComponentVar_InsertCurrent", data)
    assert fault_text(response).endswith("---> The string 'True' is not a valid Boolean value.")


def test_base64_errors_are_xml_errors_with_http_400(mock_server, environment):
    params = "<EmployeeId>1</EmployeeId><StrDocumentName>a.pdf</StrDocumentName><Body>not base64!</Body>"
    params += "<GuidDocumentType>00000000-0000-0000-0000-000000000000</GuidDocumentType>"
    data = raw.envelope(
        "EmployeeService", "EmployeeDocument_UploadDocument", params, credentials_of(environment)
    )
    response = post(mock_server, "EmployeeService", "EmployeeDocument_UploadDocument", data)
    assert response.status_code == 400
    assert fault_text(response).endswith("---> 'not base64!' is not a valid Base64 text sequence.")


def test_soap12_read_faults_are_sender_faults(mock_server, environment):
    params = "<EmployeeId>100000</EmployeeId><LeaveType>x</LeaveType>"
    data = raw.envelope(
        "EmployeeService", "LeaveBalance_GetPerType", params, credentials_of(environment), "1.2"
    )
    response = post(mock_server, "EmployeeService", "LeaveBalance_GetPerType", data, "1.2")
    assert fault_parts(response.content)[0] == "soap:Sender"
    assert fault_text(response).endswith(
        "---> Instance validation error: 'x' is not a valid value for LeaveType."
    )


# -- no Python in any fault -------------------------------------------------------------------------
BAD = {
    "int": ["abc", "1.5", "99999999999", "", "0x10"],
    "decimal": ["1,5", "1e3", "NaN", ""],
    "boolean": ["True", "yes", ""],
    "dateTime": ["2026-13-01", "yesterday", ""],
    "guid": ["abc", "", "{0000}"],
    "base64Binary": ["!!", "a=b"],
}
PLAUSIBLE = {"int": "-1", "decimal": "1.5", "boolean": "true", "dateTime": "2026-01-01", "guid": "0" * 32}


def plain_params(
    contract: ServiceContract, operation: Operation, replace: tuple[str, str] | None = None
) -> str:
    parts = []
    for element in operation.inputs:
        value = replace[1] if replace and replace[0] == element.name else _plausible(contract, element)
        parts.append(f"<{element.name}>{value}</{element.name}>")
    return "".join(parts)


def _plausible(contract: ServiceContract, element: Element) -> str:
    if element.type in contract.enums:
        return contract.enums[element.type].values[-1]
    if contract.kind(element.type) == "complex":
        return ""
    return PLAUSIBLE.get(element.type, "x")


def battery() -> Iterator[tuple[str, str, str, str]]:
    """(service, operation, version, params): every operation with plausible values, then every
    simple-typed input of it with each bad value of its type, and unknown enum names."""
    for service in SERVICES:
        contract = load_contract(service)
        for name, operation in contract.operations.items():
            yield service, name, "1.1", plain_params(contract, operation)
            for element in operation.inputs:
                bad = BAD.get(element.type) or (["Nonsense", ""] if element.type in contract.enums else [])
                for index, value in enumerate(bad):
                    version = "1.2" if index % 2 else "1.1"
                    yield service, name, version, plain_params(contract, operation, (element.name, value))


def test_no_fault_of_any_operation_shows_python(mock_app: MockApp, environment: EnvironmentSpec):
    credentials = credentials_of(environment)
    checked = faults = 0
    bad: list[str] = []
    for service, operation, version, params in battery():
        data = raw.envelope(service, operation, params, credentials, version)
        headers = raw.http_headers(service, operation, version)
        response = mock_app.pipeline.handle(service, data, headers["Content-Type"], headers.get("SOAPAction"))
        checked += 1
        fault = raw.fault_of(response.body)
        if fault is None:
            assert response.status == 200, (service, operation, response.body[:300])
            continue
        faults += 1
        assert response.status in (400, 500)
        if PYTHONISMS.search(fault[1]) or not fault[1].startswith(("Server was unable to", "Server did not")):
            bad.append(f"{service}.{operation} {params[:120]!r}: {fault[1]}")
    operations = sum(len(load_contract(s).operations) for s in SERVICES)
    print(f"{checked} requests over {operations} operations: {faults} faults, none showing Python")
    assert checked > 1000 and faults > 700
    assert not bad, "\n".join(bad[:20])
