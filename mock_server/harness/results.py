"""What a run found: per operation (or stateful machine) the examples run, the checks that held and
broke, the faults seen by code, and the shrunk failure with what is needed to replay it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mock_server.harness.checks import CheckFailed
from mock_server.harness.request import Request
from mock_server.harness.response import Response
from mock_server.harness.target import Exchange


@dataclass
class Failure:
    check: str
    message: str
    fact: str | None
    exchange: Exchange | None = None
    request: Request | None = None
    steps: list[str] = field(default_factory=list)  # a stateful failure's shrunk step sequence
    note: str = ""
    also: list[str] = field(default_factory=list)  # the other checks the same example broke
    cause: Failure | None = None  # the first failing example, when the shrunk one only shows its traces

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": self.message,
            "fact": self.fact,
            "kind": self.request.expectation.kind if self.request else None,
            "steps": self.steps,
            "note": self.note,
            "also": self.also,
            "cause": self.cause.as_dict() if self.cause else None,
        }


@dataclass
class Result:
    key: str  # "Service.Operation", or "stateful:<Machine>"
    examples: int = 0
    passed: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    failure: Failure | None = None
    error: str | None = None  # the harness could not run it (transport, target)
    skipped: str | None = None  # why it was not run (a write on a read-only real target)

    @property
    def ok(self) -> bool:
        return self.failure is None and self.error is None

    def record(self, response: Response, outcomes: dict[str, CheckFailed | None]) -> None:
        self.examples += 1
        for name, outcome in outcomes.items():
            (self.passed if outcome is None else self.failed)[name] += 1
        fault = response.fault
        if fault is not None:
            self.faults[str(fault.code) if fault.code is not None else fault.soap_code] += 1
        elif not response.is_success:
            self.faults[f"HTTP {response.exchange.status}"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "examples": self.examples,
            "passed": dict(self.passed),
            "failed": dict(self.failed),
            "faults": dict(self.faults),
            "failure": self.failure.as_dict() if self.failure else None,
            "error": self.error,
            "skipped": self.skipped,
        }


@dataclass
class RunReport:
    target: str
    profile: str
    seed: int
    served: int  # operations the target's WSDLs serve (that the contract knows)
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exercised(self) -> int:
        return sum(1 for r in self.results if r.examples and not r.key.startswith("stateful:"))

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and bool(self.results)

    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]
