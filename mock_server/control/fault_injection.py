"""Injected faults: rules that make chosen calls fail, come late or arrive damaged.

A rule matches environment glob × operation glob (`Service.Operation` or a bare operation) × an
optional user, fires at most `times` times (None: always), with a `probability` drawn from its own
`random.Random(seed)` (reproducible), until it expires. The first rule that matches and fires gives
the call its `Effect`; the pipeline asks after the throttle and before the handler.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from mock_server.control.effects import Effect, effect_from_json


@dataclass
class FaultRule:
    operation: str = "*"  # `Service.Operation` pattern or a bare operation pattern
    environment: str = "*"
    code: int = 9999  # shorthand for an `nmbrs` effect when `effect` is None
    text: str | None = None  # None: the text Nmbrs gives that code
    times: int | None = 1  # None: every matching call
    user: str | None = None  # None: any user; else the username (case-insensitive)
    probability: float = 1.0
    seed: int = 0
    expires_at: float | None = None  # time.time() after which the rule no longer fires
    effect: Effect | None = None
    id: int = 0  # given by the injector
    fired: int = 0
    random: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.effect is None:
            self.effect = Effect("nmbrs", code=self.code, text=self.text)
        self.random = random.Random(self.seed)

    def matches(self, service: str, operation: str, environment: str, user: str | None = None) -> bool:
        target = f"{service}.{operation}" if "." in self.operation else operation
        return (
            fnmatchcase(target, self.operation)
            and fnmatchcase(environment, self.environment)
            and (self.user is None or (user or "").lower() == self.user.lower())
        )

    def to_dict(self) -> dict[str, Any]:
        assert self.effect is not None
        return {
            "id": self.id,
            "environment": self.environment,
            "operation": self.operation,
            "user": self.user,
            "times": self.times,
            "probability": self.probability,
            "seed": self.seed,
            "expires_at": self.expires_at,
            "fired": self.fired,
            "effect": self.effect.to_dict(),
        }


@dataclass(frozen=True)
class Injection:
    """An effect a rule chose for one call."""

    rule_id: int
    effect: Effect
    latency: float = 0.0  # seconds, for latency effects

    def describe(self) -> str:
        detail = f" {self.latency:.3f} s" if self.effect.type == "latency" else ""
        return f"rule {self.rule_id}: {self.effect.describe()}{detail}"


class FaultInjector:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.clock = clock

    def add(self, rule: FaultRule) -> int:
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule.id

    def rules(self, environment: str | None = None) -> list[FaultRule]:
        """The active rules (expired ones are dropped), optionally of one environment pattern."""
        with self._lock:
            self._drop_expired(self.clock())
            return [r for r in self._rules if environment is None or r.environment == environment]

    def get(self, rule_id: int) -> FaultRule | None:
        return next((r for r in self.rules() if r.id == rule_id), None)

    def delete(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) < before

    def clear(self, environment: str | None = None) -> int:
        """Delete every rule, or those whose environment is exactly `environment`; how many went."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if environment is not None and r.environment != environment]
            return before - len(self._rules)

    def effect_for(
        self, service: str, operation: str, environment: str, user: str | None = None
    ) -> Injection | None:
        """The effect of the first rule that matches and fires (counting it down), or None."""
        if not self._rules:
            return None
        with self._lock:
            now = self.clock()
            self._drop_expired(now)
            for rule in self._rules:
                if not rule.matches(service, operation, environment, user):
                    continue
                if rule.probability < 1.0 and rule.random.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                assert rule.effect is not None
                latency = rule.effect.latency(rule.random) if rule.effect.type == "latency" else 0.0
                return Injection(rule.id, rule.effect, latency)
        return None

    def _drop_expired(self, now: float) -> None:
        self._rules = [r for r in self._rules if r.expires_at is None or r.expires_at > now]


_RULE_KEYS = {
    "environment",
    "operation",
    "user",
    "times",
    "probability",
    "seed",
    "expires_in_seconds",
    "effect",
}


def rule_from_json(data: Any, now: float) -> FaultRule:
    """A rule from its JSON form (the admin API's body); ValueError names the problem."""
    if not isinstance(data, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise ValueError(f"unknown field(s) in a fault rule: {', '.join(unknown)}")
    for key in ("environment", "operation", "user"):
        if data.get(key) is not None and (not isinstance(data[key], str) or not data[key]):
            raise ValueError(f"{key!r} must be a non-empty string")
    times = data.get("times", None)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"'times' must be a positive integer or null (every call), not {times!r}")
    probability = data.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float) or not 0 < probability <= 1:
        raise ValueError(f"'probability' must be a number above 0 and at most 1, not {probability!r}")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"'seed' must be an integer, not {seed!r}")
    expires = data.get("expires_in_seconds")
    if expires is not None and (
        isinstance(expires, bool) or not isinstance(expires, int | float) or expires <= 0
    ):
        raise ValueError(f"'expires_in_seconds' must be a positive number, not {expires!r}")
    if "effect" not in data:
        raise ValueError('a fault rule needs an "effect", e.g. {"type": "nmbrs", "code": 1002}')
    return FaultRule(
        operation=data.get("operation") or "*",
        environment=data.get("environment") or "*",
        times=times,
        user=data.get("user"),
        probability=float(probability),
        seed=seed,
        expires_at=None if expires is None else now + float(expires),
        effect=effect_from_json(data["effect"]),
    )
