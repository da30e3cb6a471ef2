"""The generated requests reach the edges the issue names, and every operation gets well-formed XML."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from mock_server.harness.discovery import CompanyScope, World
from mock_server.harness.operations import OperationInfo, all_operations
from mock_server.harness.request import NIL, Param, Request, params_xml
from mock_server.harness.strategies import ValidRequests
from mock_server.harness.strategies_invalid import InvalidRequests

MONTHLY = CompanyScope(10000, 1000, 2026, 11, "M", (100000, 100001), (1476,), (1481,), (1, 2), (1, 120))
FOUR_WEEKLY = CompanyScope(10001, 1001, 2026, 12, "W4", (100010,), (1551,), (1556,), (1,), (1,))
WEEKLY = CompanyScope(10003, 1001, 2026, 47, "W1", (100030,), (1708,), (1713,), (1,), (1,))
WORLD = World(debtors=(1000, 1001), companies=(MONTHLY, FOUR_WEEKLY, WEEKLY))
VALID = ValidRequests(WORLD)
INVALID = InvalidRequests(WORLD, VALID)
SEARCH = settings(
    max_examples=3000,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
OPERATIONS = {info.key: info for info in all_operations()}


def op(key: str) -> OperationInfo:
    return OPERATIONS[key]


def values(params: tuple[Param, ...]) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for name, value in params:
        found += values(value) if isinstance(value, tuple) else [(name, value)]
    return found


class _Found(Exception):
    pass


def can_generate(strategy: st.SearchStrategy[Request], condition: Callable[[Request], bool]) -> Request:
    """The first generated request that meets `condition` (no shrinking: only reaching it counts)."""

    @SEARCH
    @given(strategy)
    def search(request: Request) -> None:
        if condition(request):
            raise _Found(request)

    try:
        search()
    except _Found as found:
        return found.args[0]
    raise AssertionError("never generated")


def text_of(request: Request, name: str) -> list[str]:
    return [str(v) for n, v in values(request.params) if n == name and v is not NIL]


INSERT = "EmployeeService.HourComponentVar_Insert"
BATCH = "EmployeeService.HourComponentVar_Insert_Batch"
SCALE_4 = re.compile(r"-?\d+\.\d{4}")


def items(request: Request, name: str) -> tuple[Param, ...]:
    value = request.argument(name)
    return value if isinstance(value, tuple) else ()


def comments(request: Request) -> str:
    return "".join(text_of(request, "Comment"))


def hours(request: Request) -> list[str]:
    return text_of(request, "Hours")


EDGES: dict[str, tuple[str, Callable[[Request], bool]]] = {
    "non-BMP characters": (INSERT, lambda r: any(ord(c) > 0xFFFF for c in comments(r))),
    "XML-special characters": (INSERT, lambda r: bool(set("&<>") & set(comments(r)))),
    "long strings": (INSERT, lambda r: any(len(t) >= 1000 for t in text_of(r, "Comment"))),
    "a nil value type": (INSERT, lambda r: ("CostCenterId", NIL) in values(r.params)),
    "an omitted optional element": (INSERT, lambda r: r.argument("Hourcomponent") is None),
    "an empty array": (BATCH, lambda r: r.argument("HourComponents") == ()),
    "a long array": (BATCH, lambda r: len(items(r, "HourComponents")) >= 25),
    "decimals of scale 4": (INSERT, lambda r: any(SCALE_4.fullmatch(t) for t in hours(r))),
    "large decimals": (INSERT, lambda r: any(len(t.split(".")[0].lstrip("-")) >= 13 for t in hours(r))),
    "a leap day": (
        "EmployeeService.Contract_Insert",
        lambda r: "2024-02-29T00:00:00" in [str(v) for _, v in values(r.params)],
    ),
    "period 53 of a weekly company": (INSERT, lambda r: r.argument("Period") == "53"),
    "period 13 of a four-weekly company": (INSERT, lambda r: r.argument("Period") == "13"),
    "the year before": (INSERT, lambda r: r.argument("Year") == "2025"),
    "the year after": (INSERT, lambda r: r.argument("Year") == "2027"),
    "SOAP 1.2": (INSERT, lambda r: r.version == "1.2"),
}


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_valid_requests_reach_the_edge(edge: str) -> None:
    key, condition = EDGES[edge]
    can_generate(VALID.request(op(key)), condition)


def test_valid_ids_exist_and_periods_fit_the_company() -> None:
    info = op(INSERT)

    @settings(max_examples=300, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(VALID.request(info))
    def check(request: Request) -> None:
        employee, period, year = (int(str(request.argument(n))) for n in ("EmployeeId", "Period", "Year"))
        (scope,) = [c for c in WORLD.companies if employee in c.employees]
        assert 1 <= period <= scope.periods_in(year) and abs(year - scope.year) <= 1

    check()


@pytest.mark.parametrize(
    "kind",
    [
        "wrong_token",
        "wrong_action",
        "unknown_id",
        "foreign_id",
        "wrong_type",
        "bad_period",
        "missing_required",
    ],
)
def test_every_kind_of_invalid_request_is_generated(kind: str) -> None:
    kinds = (kind, kind.replace("_required", "_id"))  # a missing id is told apart
    strategy = INVALID.request(op("EmployeeService.HourComponentVar_Get"))
    found = can_generate(strategy, lambda r: r.expectation.kind in kinds)
    assert found.expectation.fact, "every invalid kind names the fact it rests on"


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_every_operation_gets_well_formed_requests(key: str) -> None:
    info = OPERATIONS[key]

    @settings(max_examples=2, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(VALID.request(info), INVALID.request(info)))
    def check(request: Request) -> None:
        xml = f"<{info.name} xmlns='urn:x'>{params_xml(request.params)}</{info.name}>"
        etree.fromstring(xml.encode())
        assert request.key == key

    check()
