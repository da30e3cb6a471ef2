"""One parsed WSDL per service and source for the process; bundled by default, so nothing is fetched."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from nmbrs_client import ClientSettings, NmbrsClient, NmbrsCredentials, wsdl
from nmbrs_client.transport import OfflineTransport

from mock_server.server import MockServer

REPOSITORY_WSDL = Path(__file__).resolve().parents[2] / "wsdl"


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every HTTP request any requests session sends during the test: (method, url)."""
    sent: list[tuple[str, str]] = []
    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        sent.append((request.method or "", request.url or ""))
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return sent


def test_bundled_wsdl_is_used_offline(
    mock_server: MockServer, credentials: NmbrsCredentials, fetched: list[tuple[str, str]]
) -> None:
    client = NmbrsClient(f"{mock_server.url}/soap/v3/", credentials)
    company = client.companies.list()[0]
    client.employees.list(company.id)
    client.debtors.list()
    assert fetched and all(method == "POST" for method, _ in fetched)
    assert not [url for _, url in fetched if "wsdl" in url.lower()]
    assert {url for _, url in fetched} == {
        f"{mock_server.url}/soap/v3/{s}.asmx" for s in ("CompanyService", "EmployeeService", "DebtorService")
    }, "the endpoint address is rewritten to the base URL (the files say api.nmbrs.nl)"


def test_remote_wsdl_is_fetched_when_asked(
    mock_server: MockServer, credentials: NmbrsCredentials, fetched: list[tuple[str, str]]
) -> None:
    settings = ClientSettings(wsdl="remote")
    client = NmbrsClient(f"{mock_server.url}/soap/v3/", credentials, settings=settings)
    assert client.debtors.list()
    assert ("GET", f"{mock_server.url}/soap/v3/DebtorService.asmx?WSDL") in fetched
    assert (
        client.debtor.zeep.wsdl
        is not NmbrsClient(f"{mock_server.url}/soap/v3/", credentials).debtor.zeep.wsdl
    )


def test_bundled_files_are_the_repositorys(monkeypatch: pytest.MonkeyPatch) -> None:
    for service in wsdl.SERVICES:
        shipped = wsdl.bundled_path(service)
        assert shipped.read_bytes() == (REPOSITORY_WSDL / f"{service}.wsdl").read_bytes()
    with pytest.raises(RuntimeError, match="loaded offline"):
        OfflineTransport().load("http://example.invalid/schema.xsd")


def test_one_document_per_process_however_many_clients(
    mock_server: MockServer, credentials: NmbrsCredentials
) -> None:
    url = f"{mock_server.url}/soap/v3/"
    one, two = NmbrsClient(url, credentials), NmbrsClient(url, credentials, soap_version="1.2")
    assert one.employee.zeep.wsdl is two.employee.zeep.wsdl
    assert one.employee.zeep is not two.employee.zeep  # own transport and plugins each
    assert one.service("EmployeeService").zeep is not one.employee.zeep


def test_threads_parse_a_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    original = wsdl._parse

    def counting(source: str, settings: ClientSettings) -> Any:
        parsed.append(source)
        return original(source, settings)

    monkeypatch.setattr(wsdl, "_parse", counting)
    settings = ClientSettings(
        wsdl=str(wsdl.bundled_path("DebtorService")).replace("DebtorService", "{service}")
    )
    settings = ClientSettings(wsdl=settings.wsdl, strict=False)  # a source no other test parsed
    documents: list[Any] = []
    threads = [
        threading.Thread(target=lambda: documents.append(wsdl.document("DebtorService", settings)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(parsed) == 1 and len(documents) == 6
    assert all(doc is documents[0] for doc in documents)


def test_soap_12_binding(mock_server: MockServer, credentials: NmbrsCredentials) -> None:
    client = NmbrsClient(f"{mock_server.url}/soap/v3/", credentials, soap_version="1.2")
    assert client.company.binding._binding.name.localname == "CompanyServiceSoap12"
    assert client.companies.list()
