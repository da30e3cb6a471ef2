"""The services layer, one module per Nmbrs service (as in moto): wire values in, wire values out."""

from __future__ import annotations

from mock_server.services import (  # noqa: F401  (registers)
    annual,
    assignments,
    company,
    debtor,
    employee,
    employee_records,
    leave,
    lifecycle,
    payroll,
    reference,
    time_registration,
)
from mock_server.services.call import Call, Handler, explicit_handler
from mock_server.services.conventions import handle as by_convention


def handler_for(service: str, operation: str) -> Handler:
    return explicit_handler(service, operation) or by_convention


__all__ = ["Call", "Handler", "explicit_handler", "handler_for"]
