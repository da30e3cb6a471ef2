"""Request payloads the tests send, built in one place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def hour(
    code: int,
    hours: str | Decimal,
    component_id: int = 0,
    employee: int | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    """An hour component (`Hourcomponent`), or with `employee` a batch item (`EmployeeHourComponent`)."""
    payload: dict[str, Any] = {
        "Id": component_id,
        "HourCode": code,
        "Hours": Decimal(hours),
        "CostCenterId": None,
        "CostUnitId": None,
    }
    if employee is not None:
        payload["EmployeeId"] = employee
    if comment is not None:
        payload["Comment"] = comment
    return payload
