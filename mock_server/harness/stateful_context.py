"""What one stateful run shares across its examples: the target and its control, the profile, counts,
the restricted login, the last exchange; and the ids rules pass on (`Ref`), and the mismatch error."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from mock_server.harness.oracle_facts import Fact
from mock_server.harness.stateful_control import NoControl
from mock_server.harness.target import Credentials, Exchange, Target


@dataclass(frozen=True)
class Ref:
    """An id the target handed out, with what it names (shown in the printed steps)."""

    kind: str  # hour, wage or contract
    id: int
    employee: int

    def __repr__(self) -> str:
        return f"{self.kind}#{self.id}@{self.employee}"


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    steps: int
    kinds: tuple[str, ...]  # company period types to draw from
    employees: int  # employees of the company the model follows
    max_runs: int  # payroll runs per example (the window of periods reaches that far)
    before: int = 2  # past periods in the window


PROFILES = {
    "quick": Profile("quick", max_examples=12, steps=30, kinds=("M", "W4"), employees=2, max_runs=3),
    "deep": Profile("deep", max_examples=80, steps=60, kinds=("M", "W4", "W1"), employees=3, max_runs=8),
}


class StatefulMismatch(AssertionError):
    """Target and oracle disagree: which rule, which operation, what was expected and on what facts."""

    def __init__(
        self, rule: str, operation: str, message: str, why: tuple[Fact, ...], exchange: Exchange | None
    ):
        self.rule, self.operation, self.message, self.facts, self.exchange = (
            rule,
            operation,
            message,
            why,
            exchange,
        )
        rests = (
            "".join(f"\n    rests on {fact}" for fact in why) or "\n    rests on: the target's own answers"
        )
        super().__init__(f"[stateful:{rule}] {operation}: {message}{rests}")


@dataclass
class RunContext:
    """What outlives one example: the target, counts, the restricted login, the last exchange."""

    target: Target
    control: NoControl
    profile: Profile
    rules: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    faults: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    notes: list[str] = field(default_factory=list)
    restricted: Credentials | None = None
    tried_restricted: bool = False
    bursts: int = 0
    last: Exchange | None = None
    examples: int = 0
    rollovers: set[str] = field(default_factory=set)  # "2026-53-W1 → 2027-1-W1": years the runs rolled over
    baselines: dict[str, Any] = field(default_factory=dict)  # period type -> discovery (reset targets)

    @property
    def can_reset(self) -> bool:
        return (
            not self.target.is_real
            and self.target.environment is not None
            and (self.target.app is not None or self.target.admin_url is not None)
        )

    @property
    def runs_allowed(self) -> bool:
        return self.can_reset  # runs cannot be undone: only where every example starts afresh

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
