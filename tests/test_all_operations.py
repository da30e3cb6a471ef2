"""Every operation of every service, over SOAP 1.1 and 1.2, through strict zeep clients.

The clients are generated from the WSDLs the running mock serves; the arguments are synthesized from
the contract metadata with ids that exist in the environment; every response body is validated
against the XSD schemas embedded in the repository's `wsdl/<Service>.wsdl`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from typing import Any

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsClient, NmbrsCredentials
from nmbrs_client.client import NmbrsFault, ServiceProxy
from operation_arguments import SOAP_VERSIONS, Ids, arguments_for
from schema_validation import assert_valid_element, port_type_operations, wsdl_namespace, wsdl_tree
from zeep import Plugin

from mock_server.app import MockApp
from mock_server.contract import SERVICES, load_contract
from mock_server.domain.demo import DEMO_DOMAIN, demo_spec
from mock_server.server import MockServer

ENVELOPE_NS = {
    "1.1": "http://schemas.xmlsoap.org/soap/envelope/",
    "1.2": "http://www.w3.org/2003/05/soap-envelope",
}
FAULT_PREFIX = "Server was unable to process request. ---> "

# Operations allowed to answer the synthesized (valid) arguments with an Nmbrs domain fault:
# "Service.Operation": the exact Nmbrs error code. Keep this as short as possible.
EXPECTED_FAULTS: dict[str, int] = {}


# Mock bugs these tests expose (reported, not fixed here). Each case is a strict xfail: it passes only
# while the operation still faults, so fixing the bug turns it into a failure until its entry is removed.
def _case(service: str, operation: str, version: str) -> Any:
    return pytest.param(service, operation, version, id=f"{service}.{operation}-{version}")


# Operations that move the company's current period (RunRequest_Insert processes a payroll run): they
# run after every other case, so the period resolved once per environment stays the current one.
RUN_LAST = frozenset({"CompanyService.RunRequest_Insert"})
_KEYS = [(service, operation) for service in SERVICES for operation in load_contract(service).operations]
CASES = [
    _case(service, operation, version)
    for service, operation in sorted(_KEYS, key=lambda key: f"{key[0]}.{key[1]}" in RUN_LAST)
    for version in SOAP_VERSIONS
]

_names = itertools.count(1)


# --- clients that keep the raw envelopes -----------------------------------------------------------


class RawEnvelopes(Plugin):
    """Keeps the last request and response envelope (as lxml trees) of a zeep client."""

    def __init__(self) -> None:
        self.sent: etree._Element | None = None
        self.received: etree._Element | None = None

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        self.sent, self.received = envelope, None
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> Any:
        self.received = envelope
        return envelope, http_headers


@dataclass
class Wire:
    """A strict zeep proxy for one service and SOAP version, with the raw envelopes it exchanged."""

    proxy: ServiceProxy
    raw: RawEnvelopes
    version: str

    def call(self, operation: str, **arguments: Any) -> Any:
        return self.proxy.call(operation, **arguments)

    def response_element(self, operation: str) -> etree._Element:
        """The first child of the received `<soap:Body>`; asserts it is `<OperationResponse>`."""
        envelope = self.raw.received
        assert envelope is not None, f"{operation}: no response envelope captured"
        env_ns = ENVELOPE_NS[self.version]
        assert envelope.tag == f"{{{env_ns}}}Envelope", f"{operation}: SOAP {self.version} got {envelope.tag}"
        body = envelope.find(f"{{{env_ns}}}Body")
        assert body is not None and len(body) == 1, f"{operation}: the Body must hold exactly one element"
        return body[0]


class Wires:
    """One strict NmbrsClient per SOAP version; one zeep client per (service, version), built once."""

    def __init__(self, server: MockServer, credentials: NmbrsCredentials) -> None:
        self.clients = {
            v: NmbrsClient(f"{server.url}/soap/v3/", credentials, soap_version=v, strict=True)
            for v in SOAP_VERSIONS
        }
        self._wires: dict[tuple[str, str], Wire] = {}

    def get(self, service: str, version: str = "1.1") -> Wire:
        key = (service, version)
        if key not in self._wires:
            proxy = self.clients[version].service(service)
            assert proxy.zeep.settings.strict, "the zeep client must be strict"
            raw = RawEnvelopes()
            proxy.zeep.plugins.append(raw)
            self._wires[key] = Wire(proxy, raw, version)
        return self._wires[key]


def new_environment(mock_app: MockApp) -> NmbrsCredentials:
    """A fresh copy of the demo environment, as `conftest.environment` makes one."""
    spec = demo_spec(f"alloperations{next(_names)}")
    user = replace(spec.users[0], username=f"user@{spec.name}.test", token=f"token-{spec.name}")
    spec = replace(spec, users=[user])
    mock_app.backend.clone_environment(DEMO_DOMAIN, spec)
    return NmbrsCredentials(user.username, user.token, spec.name)


# --- ids that exist in the environment --------------------------------------------------------------


_CURRENT_PERIOD = re.compile(r"(\d{4})-(\d{1,2})-(M|W4|W1)")


def resolve_ids(wires: Wires) -> Ids:
    company_service = wires.get("CompanyService")
    companies = company_service.call("List_GetAll")
    assert companies, "the demo environment has companies"
    company = companies[0].ID
    debtors = [d.Id for d in wires.get("DebtorService").call("List_GetAll")]
    owners = [
        d for d in debtors if company in {c.ID for c in company_service.call("List_GetByDebtor", DebtorId=d)}
    ]
    assert len(owners) == 1, f"company {company} belongs to one debtor of {debtors}, not {owners}"
    employees = wires.get("EmployeeService").call("List_GetByCompany", CompanyId=company, EmployeeType=0)
    assert employees, f"company {company} has employees"
    current = company_service.call("Company_GetCurrentPeriod", CompanyId=company)
    match = _CURRENT_PERIOD.fullmatch(current)
    assert match, f"Company_GetCurrentPeriod answered {current!r}, not yyyy-p-TYPE"
    year, period = int(match.group(1)), int(match.group(2))
    runs = company_service.call("Run_GetList", CompanyId=company, Year=year)
    assert runs, f"company {company} has runs in {year}"
    declarations = company_service.call("WageTax_GetList", CompanyId=company, intYear=year)
    assert declarations, f"company {company} has wage-tax declarations in {year}"
    unsent_first = sorted(declarations, key=lambda d: d.Status == "sent")
    hour_codes = company_service.call("HourModel_GetHourCodes", CompanyId=company)
    wage_codes = company_service.call("WageModel_GetWageCodes", CompanyId=company)
    assert hour_codes and wage_codes, f"company {company} has hour and wage codes"
    references = _references(wires, owners[0], company, year, period)
    return Ids(
        references=references,
        debtor=owners[0],
        company=company,
        employee=employees[0].Id,
        year=year,
        period=period,
        run=runs[0].ID,
        declarations=tuple(d.LoonaangifteID for d in unsent_first),
        hour_code=hour_codes[0].Code,
        wage_code=wage_codes[0].Code,
    )


def _references(wires: Wires, debtor: int, company: int, year: int, period: int) -> dict[str, Any]:
    """Ids of the debtor's departments, functions and labour agreements and of the company's salary table,
    for the writes that assign them (`Department_UpdateCurrent(DepartmentId)`, ...)."""
    debtor_service, company_service = wires.get("DebtorService"), wires.get("CompanyService")
    settings = debtor_service.call(
        "LabourAgreementSettings_GetList", DebtorId=debtor, Year=year, Period=period
    )
    table = company_service.call("SalaryTable_Get", CompanyId=company, Period=period, Year=year)
    scale = company_service.call("SalaryTable_GetScales", CompanyId=company, Period=period, Year=year)[0]
    scale_input = {"Scale": scale.Scale, "SchaalDescription": scale.SchaalDescription,
                   "ScaleValue": scale.ScaleValue, "ScalePercentageMax": scale.ScalePercentageMax,
                   "ScalePercentageMin": scale.ScalePercentageMin}  # fmt: skip
    steps = company_service.call("SalaryTable_GetSteps", CompanyId=company, Scale=scale_input, Period=period,
                                 Year=year)  # fmt: skip
    return {
        "departmentid": debtor_service.call("Department_GetList", DebtorId=debtor)[0].Id,
        "functionid": debtor_service.call("Function_GetList", DebtorId=debtor)[0].Id,
        "labouragreementsettingsgroupguid": settings[0].Guid,
        "salarytableid": str(table.Code),
        "salarytablescaleid": scale.Scale,
        "salarytablestepid": steps[0].Step,
    }


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_wires(mock_app: MockApp, mock_server: MockServer) -> Wires:
    """Strict clients on one environment for the whole module (calls are far cheaper than environments)."""
    return Wires(mock_server, new_environment(mock_app))


@pytest.fixture(scope="module")
def shared_ids(shared_wires: Wires) -> Ids:
    return resolve_ids(shared_wires)


# --- every operation, both SOAP versions ---------------------------------------------------------------


def assert_fault_envelope(wire: Wire, operation: str, fault: NmbrsFault) -> None:
    assert fault.message.startswith(FAULT_PREFIX), fault.message
    envelope = wire.raw.received
    assert envelope is not None
    env_ns = ENVELOPE_NS[wire.version]
    fault_element = envelope.find(f"{{{env_ns}}}Body/{{{env_ns}}}Fault")
    assert fault_element is not None, f"{operation}: no soap:Fault in the body"
    if wire.version == "1.1":
        assert fault_element.findtext("faultcode") == "soap:Server"
        assert fault_element.findtext("faultstring") == fault.message
    else:
        assert fault_element.findtext(f"{{{env_ns}}}Code/{{{env_ns}}}Value") == "soap:Receiver"
        assert fault_element.findtext(f"{{{env_ns}}}Reason/{{{env_ns}}}Text") == fault.message


@pytest.mark.parametrize(("service", "operation", "version"), CASES)
def test_operation(shared_wires: Wires, shared_ids: Ids, service: str, operation: str, version: str) -> None:
    wire = shared_wires.get(service, version)
    arguments = arguments_for(service, operation, shared_ids, version)
    key = f"{service}.{operation}"
    try:
        wire.call(operation, **arguments)
    except NmbrsFault as fault:
        if key not in EXPECTED_FAULTS:
            pytest.fail(f"{key} over SOAP {version} faulted: {fault.message}\narguments: {arguments!r}")
        assert fault.code == EXPECTED_FAULTS[key], (
            f"{key}: expected fault {EXPECTED_FAULTS[key]}, got {fault.message}"
        )
        assert_fault_envelope(wire, operation, fault)
        return
    assert key not in EXPECTED_FAULTS, (
        f"{key} is listed in EXPECTED_FAULTS but answered; remove it from the list"
    )
    response = wire.response_element(operation)
    namespace = load_contract(service).namespace
    assert response.tag == f"{{{namespace}}}{operation}Response"
    assert_valid_element(service, response)


@pytest.mark.parametrize("version", SOAP_VERSIONS)
def test_domain_faults_are_caught_and_well_formed(shared_wires: Wires, version: str) -> None:
    """The harness above sees a domain fault as a fault: an unknown employee is 2003, ASMX-shaped."""
    wire = shared_wires.get("EmployeeService", version)
    with pytest.raises(NmbrsFault) as caught:
        wire.call("PersonalInfo_GetCurrent", EmployeeId=1)
    assert caught.value.code == 2003
    assert_fault_envelope(wire, "PersonalInfo_GetCurrent", caught.value)


# --- no operation skipped --------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_of_every_wsdl_is_tested(
    mock_server: MockServer, shared_wires: Wires, service: str
) -> None:
    cases = [tuple(case.values) for case in CASES if case.values[0] == service]
    tested = {operation for _, operation, _ in cases}
    assert sorted(cases) == sorted((service, op, v) for op in tested for v in SOAP_VERSIONS), (
        "every operation once per SOAP version"
    )

    repository = port_type_operations(wsdl_tree(service).getroot())
    assert list(repository) == [f"{service}Soap"], repository
    assert tested == repository[f"{service}Soap"]

    served_xml = requests.get(f"{mock_server.soap_url(service)}?WSDL", timeout=30).content
    served = port_type_operations(etree.fromstring(served_xml))
    assert served == repository, "the served WSDL's portType differs from wsdl/"

    for version in SOAP_VERSIONS:  # and the zeep clients built from the served WSDL bind them all
        binding = shared_wires.get(service, version).proxy.zeep.service._binding
        assert set(binding.all()) == tested, version


# --- v3 deltas on the wire ---------------------------------------------------------------------------------

CONTRACT_FIELDS = [
    "ContractID",
    "CreationDate",
    "StartDate",
    "TrialPeriod",
    "EndDate",
    "EmployementType",
    "EmploymentSequenceTaxId",
    "Indefinite",
    "PhaseClassification",
    "WrittenContract",
    "HoursPerWeek",
]


def local_names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def request_element(wire: Wire) -> etree._Element:
    envelope = wire.raw.sent
    assert envelope is not None
    body = envelope.find(f"{{{ENVELOPE_NS[wire.version]}}}Body")
    assert body is not None
    return body[0]


def input_names(wire: Wire, service: str, operation: str) -> list[str]:
    element = wire.proxy.zeep.get_element(f"{{{wsdl_namespace(service)}}}{operation}")
    return [name for name, _ in element.type.elements]


@pytest.mark.parametrize("version", SOAP_VERSIONS)
def test_v3_deltas_on_the_wire(mock_app: MockApp, mock_server: MockServer, version: str) -> None:
    wires = Wires(mock_server, new_environment(mock_app))  # untouched by the writes of test_operation
    ids = resolve_ids(wires)
    employee_wire = wires.get("EmployeeService", version)
    employee_ns = wsdl_namespace("EmployeeService")

    # List_GetByCompany(CompanyId, EmployeeType) and List_GetByDebtor(DebtorId, EmployeeType)
    for operation, owner, owner_id in (
        ("List_GetByCompany", "CompanyId", ids.company),
        ("List_GetByDebtor", "DebtorId", ids.debtor),
    ):
        assert input_names(employee_wire, "EmployeeService", operation) == [owner, "EmployeeType"]
        everyone = employee_wire.call(operation, **{owner: owner_id, "EmployeeType": 0})
        on_call = employee_wire.call(operation, **{owner: owner_id, "EmployeeType": 5})
        assert local_names(request_element(employee_wire)) == [owner, "EmployeeType"]
        assert request_element(employee_wire).findtext(f"{{{employee_ns}}}EmployeeType") == "5"
        assert 0 < len(on_call) < len(everyone), f"{operation}: EmployeeType 5 must filter the employees"
        assert_valid_element("EmployeeService", employee_wire.response_element(operation))

    # Contract_GetCurrentPeriodResponse holds EmployeeContractItem directly (no ...Result wrapper)
    employee_wire.call("Contract_GetCurrentPeriod", EmployeeId=ids.employee)
    response = employee_wire.response_element("Contract_GetCurrentPeriod")
    assert local_names(response) == ["EmployeeContractItem"]
    item = response[0]
    assert item.findtext(f"{{{employee_ns}}}EmployeeId") == str(ids.employee)
    contracts = item.findall(f"{{{employee_ns}}}EmployeeContracts/{{{employee_ns}}}EmployeeContract")
    assert contracts, "the first employee has a contract in the current period"
    assert all(local_names(contract) == CONTRACT_FIELDS for contract in contracts)
    assert_valid_element("EmployeeService", response)

    # Contract_GetAll_AllEmployeesByCompany: EmployeeContractItemGlobal items, 11 contract fields in order
    employee_wire.call("Contract_GetAll_AllEmployeesByCompany", CompanyID=ids.company)
    response = employee_wire.response_element("Contract_GetAll_AllEmployeesByCompany")
    assert local_names(response) == ["Contract_GetAll_AllEmployeesByCompanyResult"]
    items = list(response[0])
    assert items and {etree.QName(i).localname for i in items} == {"EmployeeContractItemGlobal"}
    contracts = response.findall(
        f"{{{employee_ns}}}Contract_GetAll_AllEmployeesByCompanyResult/{{{employee_ns}}}EmployeeContractItemGlobal"
        f"/{{{employee_ns}}}EmployeeContracts/{{{employee_ns}}}EmployeeContract"
    )
    assert contracts, "the company has employees with contracts"
    for contract in contracts:
        assert local_names(contract) == CONTRACT_FIELDS
    assert_valid_element("EmployeeService", response)
