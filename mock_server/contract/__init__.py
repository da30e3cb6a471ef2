"""The v3 wire contract of the three Nmbrs services, as generated plain data."""

from __future__ import annotations

import re
from functools import cache
from importlib import import_module

from mock_server.contract.model import ServiceContract

SERVICES: tuple[str, ...] = ("CompanyService", "EmployeeService", "DebtorService")


def module_name(service: str) -> str:
    """The generated modules' name for a service: EmployeeService -> employee_service."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", service).lower()


@cache
def load_contract(service: str) -> ServiceContract:
    if service not in SERVICES:
        raise KeyError(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
    return import_module(f"mock_server.contract._generated.{module_name(service)}").CONTRACT


@cache
def wsdl_bytes(service: str) -> bytes:
    """The WSDL the mock serves for a service (its address is rewritten per request)."""
    from mock_server.contract.wsdl_writer import render_wsdl

    return render_wsdl(load_contract(service))
