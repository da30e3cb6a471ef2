"""Business checks the family conventions apply before a write: codes must exist in the company's models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.domain.dutch_numbers import is_valid_iban
from mock_server.domain.errors import InvalidHourComponent, InvalidIban, InvalidWageComponent
from mock_server.domain.model import Company
from mock_server.services.call import Call


def _codes(call: Call, company: Company, families: tuple[str, ...]) -> set[int]:
    """The codes of a company's models, read once per call (a batch checks many items)."""
    key = ("codes", company.id, families)
    if key not in call.cache:
        call.cache[key] = {
            record.data.get("Code")
            for family in families
            for record in call.tenant.records(family, "company", [company.id])
        }
    return call.cache[key]


def _hour_code(call: Call, company: Company, data: dict[str, Any]) -> None:
    code = data.get("HourCode")
    if code is not None and code not in _codes(call, company, ("HourModel", "HourModel2")):
        raise InvalidHourComponent(context=f"hour code {code} not in the hour models of company {company.id}")


def _wage_code(call: Call, company: Company, data: dict[str, Any]) -> None:
    code = data.get("Code")
    if code is not None and code not in _codes(call, company, ("WageModel", "WageModel2")):
        raise InvalidWageComponent(context=f"wage code {code} not in the wage models of company {company.id}")


def _iban(call: Call, company: Company, data: dict[str, Any]) -> None:
    iban = data.get("IBAN")
    if iban and not is_valid_iban(iban):
        raise InvalidIban(context=f"IBAN {iban!r}")


VALIDATORS: dict[str, Callable[[Call, Company, dict[str, Any]], None]] = {
    "BankAccount": _iban,
    "HourComponentVar": _hour_code,
    "HourComponentFixed": _hour_code,
    "WageComponentVar": _wage_code,
    "WageComponentFixed": _wage_code,
}


def validate_values(call: Call, family: str, company: Company, data: dict[str, Any]) -> None:
    validator = VALIDATORS.get(family)
    if validator is not None:
        validator(call, company, data)
