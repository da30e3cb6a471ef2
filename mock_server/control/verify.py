"""Verify the journal: "operation X was called N times with arguments matching these field paths".

Field paths walk the decoded arguments (the dict the handlers see): `Period`,
`HourComponents.EmployeeHourComponent[*].HourCode` (`[*]`: any item, `[0]`: the first). An array's
element name (`EmployeeHourComponent` above) may be written or left out. A call matches when every
path leads to at least one value equal to the expected one (numbers compare by value: 8.5 == "8.50").

Every call of the operation counts, faulted ones too. A failed verify explains itself: expected and
actual counts, the nearest calls with the fields that differed, and the unrouted or faulted requests.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from typing import Any

from mock_server.control.errors import Invalid
from mock_server.control.journal import JournalEntry, is_faulted, operation_matches

MAX_NEAR_MISSES = 5
MAX_LISTED = 10
_TOKEN = re.compile(r"\[(\*|\d+)\]|([^.\[\]]+)")
_MISSING = "<missing>"


@dataclass(frozen=True)
class Difference:
    path: str
    expected: Any
    actual: Any  # the values the path led to, or "<missing>"


@dataclass(frozen=True)
class NearMiss:
    id: int
    operation: str
    environment: str | None
    time: str
    differences: list[Difference]


@dataclass
class VerifyResult:
    ok: bool
    matched: int
    expected: str  # "exactly 2", "at least 1", ...
    explanation: str
    calls: int = 0  # calls of the operation, matching or not
    matched_ids: list[int] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # unrouted or faulted requests

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __bool__(self) -> bool:
        return self.ok


def parse_path(path: str) -> list[str | int]:
    """`A.B[*].C[0]` as tokens: names, "*" for any item, ints for an index."""
    if not isinstance(path, str) or not path.strip():
        raise Invalid(f"a field path must be a non-empty string, not {path!r}")
    tokens: list[str | int] = []
    position = 0
    for match in _TOKEN.finditer(path):
        between = path[position : match.start()]
        if between not in ("", "."):
            raise Invalid(f"cannot read field path {path!r} at {between!r}")
        index, name = match.groups()
        tokens.append(name if name is not None else ("*" if index == "*" else int(index)))
        position = match.end()
    if path[position:] or path.endswith("."):
        raise Invalid(f"cannot read field path {path!r}: it ends badly")
    return tokens


def resolve(value: Any, tokens: list[str | int]) -> list[Any]:
    """Every value the path leads to (empty when it leads nowhere)."""
    found = [value]
    for token in tokens:
        found = [step for current in found for step in _step(current, token)]
    return found


def _step(value: Any, token: str | int) -> list[Any]:
    if isinstance(value, list):
        if token == "*":
            return list(value)
        if isinstance(token, int):
            return [value[token]] if token < len(value) else []
        if any(isinstance(item, dict) and _key(item, token) is not None for item in value):
            return [item[_key(item, token)] for item in value if isinstance(item, dict) and _key(item, token)]
        return [value]  # the array's element name: `HourComponents.EmployeeHourComponent[*]`
    if isinstance(value, dict) and isinstance(token, str):
        key = _key(value, token)
        return [value[key]] if key is not None else []
    return []


def _key(mapping: dict[str, Any], name: str) -> str | None:
    if name in mapping:
        return name
    return next((key for key in mapping if key.lower() == name.lower()), None)


def equal(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(expected).lower() == str(actual).lower()
    number_e, number_a = _decimal(expected), _decimal(actual)
    if number_e is not None and number_a is not None:
        return number_e == number_a
    return bool(expected == actual)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and value.strip()):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def differences(entry: JournalEntry, where: dict[str, tuple[list[str | int], Any]]) -> list[Difference]:
    out = []
    for path, (tokens, expected) in where.items():
        found = resolve(entry.args or {}, tokens)
        if not any(equal(expected, value) for value in found):
            actual = found[0] if len(found) == 1 else found
            out.append(Difference(path, expected, actual if found else _MISSING))
    return out


def _expectation(count: int | None, at_least: int | None, at_most: int | None) -> tuple[int, int | None, str]:
    for name, value in (("count", count), ("at_least", at_least), ("at_most", at_most)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise Invalid(f"{name!r} must be an integer of 0 or more, not {value!r}")
    if count is not None:
        if at_least is not None or at_most is not None:
            raise Invalid("give 'count' or 'at_least'/'at_most', not both")
        return count, count, f"exactly {count}"
    low = 1 if at_least is None and at_most is None else (at_least or 0)
    if at_most is not None and low > at_most:
        raise Invalid(f"'at_least' {low} is above 'at_most' {at_most}")
    words = [f"at least {low}"] if low or at_most is None else []
    words += [f"at most {at_most}"] if at_most is not None else []
    return low, at_most, " and ".join(words)


def verify(
    entries: list[JournalEntry],
    operation: str,
    where: dict[str, Any],
    count: int | None = None,
    at_least: int | None = None,
    at_most: int | None = None,
) -> VerifyResult:
    if not isinstance(operation, str) or not operation.strip():
        raise Invalid("'operation' must be an operation name such as 'EmployeeService.Function_GetAll'")
    if not isinstance(where, dict):
        raise Invalid("'where' must be an object of field path -> expected value")
    low, high, expected = _expectation(count, at_least, at_most)
    conditions = {path: (parse_path(path), value) for path, value in where.items()}
    calls = [e for e in entries if operation_matches(operation, e)]
    matched = [e for e in calls if not differences(e, conditions)]
    ok = low <= len(matched) and (high is None or len(matched) <= high)
    result = VerifyResult(ok, len(matched), expected, "", len(calls), [e.id for e in matched])
    if ok:
        result.explanation = f"{operation} was called {_times(len(matched))} as expected ({expected})"
        return result
    result.near_misses = _near_misses(entries, calls, matched, operation, conditions)
    result.unmatched = [_unmatched(e) for e in entries if is_faulted(e)][-MAX_LISTED:]
    result.explanation = _explain(operation, where, result)
    return result


def _near_misses(
    entries: list[JournalEntry],
    calls: list[JournalEntry],
    matched: list[JournalEntry],
    operation: str,
    conditions: dict[str, tuple[list[str | int], Any]],
) -> list[NearMiss]:
    misses = [(differences(e, conditions), e) for e in calls if e not in matched]
    if not calls:  # nothing of that name: calls of the operations named most alike
        wanted = operation.split(".")[-1]
        names = {e.operation for e in entries if e.operation}
        close = set(get_close_matches(wanted, sorted(names), n=3, cutoff=0.5))
        misses = [
            ([Difference("operation", operation, e.qualified), *differences(e, conditions)], e)
            for e in entries
            if e.operation in close
        ]
    misses.sort(key=lambda pair: (len(pair[0]), -pair[1].id))
    return [
        NearMiss(e.id, e.qualified, e.environment, _time(e.at), diffs)
        for diffs, e in misses[:MAX_NEAR_MISSES]
    ]


def _unmatched(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "operation": entry.qualified,
        "environment": entry.environment,
        "http_status": entry.http_status,
        "fault_code": entry.fault_code,
        "fault": entry.fault,
    }


def _explain(operation: str, where: dict[str, Any], result: VerifyResult) -> str:
    condition = " and ".join(f"{path} == {value!r}" for path, value in where.items())
    lines = [
        f"Expected {operation} to be called {result.expected} time(s)"
        + (f" with {condition}" if condition else "")
        + f", but {_times(result.matched)} matched ({_times(result.calls)} of that operation in all)."
    ]
    if result.near_misses:
        lines.append("Nearest calls:")
        for miss in result.near_misses:
            detail = "; ".join(
                f"{d.path}: expected {d.expected!r}, actual {d.actual!r}" for d in miss.differences
            )
            lines.append(
                f"  #{miss.id} {miss.operation} ({miss.environment}) at {miss.time}: {detail or 'matches'}"
            )
    elif not result.calls:
        lines.append("No call of that operation or of one named like it is in the journal.")
    if result.ok is False and result.matched and result.matched_ids:
        lines.append(f"Matching calls: {', '.join(f'#{i}' for i in result.matched_ids[:MAX_LISTED])}")
    if result.unmatched:
        lines.append("Unrouted or faulted requests:")
        lines += [
            f"  #{u['id']} {u['operation']} HTTP {u['http_status']}: {u['fault']}" for u in result.unmatched
        ]
    return "\n".join(lines)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _time(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
