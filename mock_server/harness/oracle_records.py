"""What the oracle holds: plans (expected outcomes), components, days values and contracts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from mock_server.harness.oracle_facts import Fact
from mock_server.harness.oracle_periods import Key


@dataclass
class Plan:
    """An expected outcome: success (no codes) or a fault with one of `codes`."""

    codes: frozenset[int] = frozenset()
    facts: tuple[Fact, ...] = ()
    result: object = None  # the expected answer of a successful call, when it is known in advance
    commit: Callable[[int], None] | None = None  # apply to the model; gets the id the target returned

    @property
    def faults(self) -> bool:
        return bool(self.codes)


def refuse(code: int, *why: Fact) -> Plan:
    return Plan(frozenset({code}), why)


@dataclass
class Component:
    id: int
    employee: int
    kind: str  # HOUR or WAGE
    variable: bool
    code: int
    amount: Decimal
    start: Key
    until: Key | None  # the last period it holds in; variable components: `start`

    def holds_in(self, period: Key) -> bool:
        return self.start <= period and (self.until is None or period <= self.until)


@dataclass
class Days:
    employee: int
    variable: bool
    days: int
    start: Key
    until: Key | None
    order: int  # creation order: of two values starting in the same period the later one wins

    def holds_in(self, period: Key) -> bool:
        return self.start <= period and (self.until is None or period <= self.until)


@dataclass
class Contract:
    id: int
    employee: int
    hours_per_week: Decimal
    employment_type: int
    start: Key
