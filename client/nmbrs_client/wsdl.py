"""One parsed WSDL per service for the whole process, and zeep clients bound to any base URL.

The bundled WSDLs ship inside the package (`nmbrs_client/_wsdl/`, the repository's `wsdl/` folder), so
a client works offline. Parsing EmployeeService takes about a second; it happens once per process
and source, under a lock, however many clients and threads ask. Each client gets its own light
`zeep.Client` over the shared `Document` (own transport and plugins) with the endpoint address
rewritten to its base URL.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from pathlib import Path

import zeep
from lxml import etree
from zeep.proxy import ServiceProxy as ZeepProxy
from zeep.transports import Transport
from zeep.wsdl import Document

from nmbrs_client.settings import ClientSettings
from nmbrs_client.transport import OfflineTransport

SERVICES: tuple[str, ...] = ("CompanyService", "EmployeeService", "DebtorService")
NAMESPACE = "https://api.nmbrs.nl/soap/v3/"
_WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"

_documents: dict[tuple[str, str, bool], Document] = {}
_locks: dict[tuple[str, str, bool], threading.Lock] = {}
_registry_lock = threading.Lock()


def namespace(service: str) -> str:
    return f"{NAMESPACE}{service}"


def bundled_path(service: str) -> Path:
    """The WSDL file shipped with the package for a service."""
    _check(service)
    return Path(str(resources.files("nmbrs_client") / "_wsdl" / f"{service}.wsdl"))


def source_for(service: str, settings: ClientSettings) -> str:
    """Where a service's WSDL comes from under these settings: a file path or a URL."""
    _check(service)
    if settings.wsdl == "bundled":
        return str(bundled_path(service))
    if settings.wsdl == "remote":
        return f"{settings.base_url}{service}.asmx?WSDL"
    return settings.wsdl.format(service=service)


def document(service: str, settings: ClientSettings) -> Document:
    """The parsed WSDL for a service, shared by every client of the process with the same source."""
    source = source_for(service, settings)
    key = (service, source, settings.strict)
    with _registry_lock:
        if key in _documents:
            return _documents[key]
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _documents:
            _documents[key] = _parse(source, settings)
        return _documents[key]


def _parse(source: str, settings: ClientSettings) -> Document:
    remote = source.startswith(("http://", "https://"))
    transport = Transport(timeout=settings.read_timeout) if remote else OfflineTransport()
    zeep_settings = zeep.Settings(strict=settings.strict, xml_huge_tree=True)
    return Document(source, transport, settings=zeep_settings)  # type: ignore[arg-type]


def zeep_client(service: str, settings: ClientSettings, transport: Transport) -> zeep.Client:
    """A zeep client of its own (transport, plugins) over the shared document."""
    doc = document(service, settings)
    return zeep.Client(doc, transport=transport, settings=doc.settings)


def bind(client: zeep.Client, service: str, settings: ClientSettings) -> ZeepProxy:
    """The zeep proxy of the SOAP 1.1 or 1.2 binding, posting to `<base_url><Service>.asmx`."""
    suffix = "Soap12" if settings.soap_version == "1.2" else "Soap"
    binding = f"{{{namespace(service)}}}{service}{suffix}"
    return client.create_service(binding, f"{settings.base_url}{service}.asmx")


@cache
def operations() -> dict[str, tuple[str, ...]]:
    """Operation name -> the services offering it, from the bundled WSDLs' port types."""
    found: dict[str, list[str]] = {}
    for service in SERVICES:
        tree = etree.parse(str(bundled_path(service)))
        for op in tree.iterfind(f"{{{_WSDL_NS}}}portType/{{{_WSDL_NS}}}operation"):
            found.setdefault(op.get("name", ""), []).append(service)
    return {name: tuple(services) for name, services in found.items()}


def service_of(operation: str) -> str:
    """The one service offering an operation; "Service.Operation" names it explicitly."""
    if "." in operation:
        service, _, name = operation.partition(".")
        _check(service)
        if service not in operations().get(name, ()):
            raise ValueError(f"{service} has no operation {name!r}")
        return service
    services = operations().get(operation)
    if not services:
        raise ValueError(f"no service has an operation {operation!r}")
    if len(services) > 1:
        choices = " or ".join(f"{s}.{operation}" for s in services)
        raise ValueError(f"{operation!r} exists in several services: call {choices}")
    return services[0]


def _check(service: str) -> None:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
