"""Checks of the values the control plane is given; each problem is an `Invalid` naming the field."""

from __future__ import annotations

import secrets
from typing import Any

from mock_server.control.errors import Invalid
from mock_server.scenario import MAX_EMPLOYEES, PERIOD_TYPES, SUBDOMAIN


def integer(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{name!r} must be an integer from {low} to {high}, not {value!r}")
    return value


def number(value: Any, name: str, low: float, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise Invalid(f"{name!r} must be a number of at least {low:g}, not {value!r}")
    if high is not None and value > high:
        raise Invalid(f"{name!r} must be at most {high:g}, not {value!r}")
    return float(value)


def text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise Invalid(f"{name!r} must be a non-empty string without spaces around it, not {value!r}")
    return value


def boolean(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{name!r} must be true or false, not {value!r}")
    return value


def environment_name(value: Any) -> str:
    if not isinstance(value, str) or not SUBDOMAIN.fullmatch(value):
        raise Invalid(
            f"environment name {value!r} is not a valid sub-domain: use lowercase letters, digits and '-'"
        )
    return value


def employees(value: Any) -> int:
    return integer(value, "employees", 0, MAX_EMPLOYEES)


def period_types(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid("'period_types' must be a non-empty list of M, W4 or W1 (one company each)")
    for kind in value:
        if kind not in PERIOD_TYPES:
            raise Invalid(f"period type {kind!r} is not one of {', '.join(PERIOD_TYPES)}")
    return tuple(value)


def seed(value: Any) -> int:
    return integer(value, "seed", 0, 2**63 - 1)


def unique_name(taken: set[str]) -> str:
    while True:
        name = f"env-{secrets.token_hex(4)}"
        if name not in taken:
            return name


def new_token() -> str:
    """A random token that never starts with "-" (a command line would read it as an option)."""
    return "t" + secrets.token_urlsafe(18)
