"""Injected faults: make chosen calls fail with a chosen Nmbrs code, a fixed number of times."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from fnmatch import fnmatchcase

from mock_server.domain.errors import NmbrsError, text_for


@dataclass
class FaultRule:
    operation: str = "*"  # `Service.Operation` pattern or a bare operation pattern
    environment: str = "*"
    code: int = 9999
    text: str | None = None  # None: the text Nmbrs gives that code
    times: int | None = 1  # None: every matching call

    def matches(self, service: str, operation: str, environment: str) -> bool:
        target = f"{service}.{operation}" if "." in self.operation else operation
        return fnmatchcase(target, self.operation) and fnmatchcase(environment, self.environment)


class FaultInjector:
    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self, environment: str | None = None) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if environment is not None and r.environment != environment]

    def check(self, service: str, operation: str, environment: str) -> None:
        """Raise the first matching rule's fault (and count it down)."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(service, operation, environment):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self._rules.remove(rule)
                    raise NmbrsError(
                        rule.text or text_for(rule.code), code=rule.code, context="injected fault"
                    )
