"""Invalid requests: a valid request with one thing wrong, and the answer it must get.

Kinds: an unknown id, a foreign id (an id of another kind of entity), a wrong value type, an
out-of-range period, a missing required element, a wrong SOAPAction, a wrong token. Each carries an
`Expectation` naming the fact of nmbrs-behaviour.md it rests on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from mock_server.harness.discovery import World
from mock_server.harness.operations import OperationInfo
from mock_server.harness.request import Expectation, Param, Request
from mock_server.harness.strategies import Draw, ValidRequests

UNKNOWN_CODES = {"employee": 2003, "company": 2004, "debtor": 2009}
UNKNOWN_ID_FACT = (
    "§3.2 unknown EmployeeId/CompanyId/DebtorId → 2003/2004/2009 Unauthorized access (CONFIRMED)"
)
AUTH_FACT = "§2 / §3.2 a wrong username or token → 1001 Invalid Authentication (CONFIRMED)"
ACTION_FACT = (
    "§1.3 / §3.1 an unknown SOAPAction → soap:Client 'Server did not recognize the value of HTTP Header "
    "SOAPAction' (INFERRED)"
)
TYPE_FACT = "§3.1 an unreadable value → soap:Client 'Server was unable to read request.' (INFERRED)"
PERIOD_FACT = "§3.2 / §4 a period outside the company type's range → 2006 Invalid Period (INFERRED trigger)"
MISSING_ID_FACT = "§3.1 an omitted required id reads as 0 → the unknown-id fault (INFERRED)"
MISSING_FACT = "§3.1 an omitted required value-type element is not rejected by ASMX (INFERRED)"
READ_PREFIX = "Server was unable to read request. ---> There is an error in XML document"
ACTION_PREFIX = "Server did not recognize the value of HTTP Header SOAPAction"
# Values .NET's XmlConvert refuses. Not yet generated, because the mock accepts them (reported):
# an int beyond Int32 ("99999999999"), booleans other than true/false/1/0 ("yes"), guids ("abc").
BAD_LEXICAL = {
    "int": ("abc", "1.5", "12abc"),
    "decimal": ("abc", "1,5", "--1"),
    "dateTime": ("abc", "2026-13-01T00:00:00", "31-12-2026"),
}
OUT_OF_RANGE_PERIODS = (0, -1, 54, 99, 2147483647)
Mutation = Callable[[Draw, Request], Request | None]


def unknown_id_expectation(kind: str, how: str, fact: str = UNKNOWN_ID_FACT) -> Expectation:
    code = UNKNOWN_CODES[kind]
    return Expectation(
        f"{how}_id", f"{how} {kind} id → fault {code} (or 1003)", faults=frozenset({code, 1003}), fact=fact
    )


def _set(params: tuple[Param, ...], name: str, value: Any) -> tuple[Param, ...]:
    return tuple((key, value if key == name else old) for key, old in params)


class InvalidRequests:
    def __init__(self, world: World, valid: ValidRequests, exclude: frozenset[str] = frozenset()) -> None:
        self.world = world
        self.exclude = exclude
        self.valid = valid
        self.known = world.all_ids()

    def kinds(self, info: OperationInfo) -> list[tuple[str, Mutation]]:
        kinds: list[tuple[str, Mutation]] = [
            ("wrong_token", self.wrong_token),
            ("wrong_action", self.wrong_action),
        ]
        # A batch is addressed by its items; what an empty one with a bad owner answers is not known.
        addressed = bool(info.id_inputs()) and "Batch" not in info.name
        if addressed:
            kinds += [("unknown_id", self.unknown_id(info)), ("foreign_id", self.foreign_id(info))]
        if self._typed_inputs(info):
            kinds.append(("wrong_type", self.wrong_type(info)))
        names = {e.name for e in info.operation.inputs}
        if addressed and "Period" in names and "Year" in names:
            kinds.append(("bad_period", self.bad_period))
        if any(e.min_occurs for e in info.operation.inputs):
            kinds.append(("missing_required", self.missing_required(info)))
        return [kind for kind in kinds if kind[0] not in self.exclude]

    def request(self, info: OperationInfo) -> st.SearchStrategy[Request]:
        kinds = self.kinds(info)

        @st.composite
        def build(draw: Draw) -> Request:
            _, mutate = draw(st.sampled_from(kinds))
            valid = draw(self.valid.request(info))
            return mutate(draw, valid) or valid

        return build()

    def wrong_token(self, draw: Draw, request: Request) -> Request:
        token = draw(st.sampled_from(("wrong-token", "", "x" * 64)))
        expectation = Expectation(
            "wrong_token", "a wrong token → 1001", faults=frozenset({1001}), fact=AUTH_FACT
        )
        return replace(request, token=token, expectation=expectation)

    def wrong_action(self, draw: Draw, request: Request) -> Request:
        namespace = f"https://api.nmbrs.nl/soap/v3/{request.service}"
        action = draw(
            st.sampled_from((f"{namespace}/No_Such_Operation", f"{namespace}/{request.operation}X"))
        )
        expectation = Expectation(
            "wrong_action",
            "an unknown SOAPAction → soap:Client",
            client_fault=True,
            prefix=ACTION_PREFIX,
            fact=ACTION_FACT,
        )
        return replace(request, soap_action=action, expectation=expectation)

    def unknown_id(self, info: OperationInfo) -> Mutation:
        def mutate(draw: Draw, request: Request) -> Request:
            name, kind = draw(st.sampled_from(sorted(info.id_inputs().items())))
            unknown = st.sampled_from((0, -1, 2147483647)) | st.integers(1, 10**9)
            value = draw(unknown.filter(lambda i: i not in self.known))
            params = _set(request.params, name, str(value))
            return replace(request, params=params, expectation=unknown_id_expectation(kind, "unknown"))

        return mutate

    def foreign_id(self, info: OperationInfo) -> Mutation:
        def mutate(draw: Draw, request: Request) -> Request | None:
            name, kind = draw(st.sampled_from(sorted(info.id_inputs().items())))
            own = set(self.world.ids_of(kind))
            others = sorted(self.known - own)
            if not others:
                return None
            value = draw(st.sampled_from(others))
            params = _set(request.params, name, str(value))
            return replace(request, params=params, expectation=unknown_id_expectation(kind, "foreign"))

        return mutate

    def _typed_inputs(self, info: OperationInfo) -> list[str]:
        return [e.name for e in info.operation.inputs if e.type in BAD_LEXICAL and not e.is_list]

    def wrong_type(self, info: OperationInfo) -> Mutation:
        types = {e.name: e.type for e in info.operation.inputs}

        def mutate(draw: Draw, request: Request) -> Request | None:
            present = [n for n in self._typed_inputs(info) if request.argument(n) is not None]
            if not present:
                return None
            name = draw(st.sampled_from(present))
            value = draw(st.sampled_from(BAD_LEXICAL[types[name]]))
            expectation = Expectation(
                "wrong_type",
                f"{name}={value!r} is no {types[name]} → soap:Client",
                client_fault=True,
                prefix=READ_PREFIX,
                fact=TYPE_FACT,
            )
            return replace(request, params=_set(request.params, name, value), expectation=expectation)

        return mutate

    def bad_period(self, draw: Draw, request: Request) -> Request:
        period = draw(st.sampled_from(OUT_OF_RANGE_PERIODS))
        expectation = Expectation(
            "bad_period", f"Period {period} → 2006", faults=frozenset({2006}), fact=PERIOD_FACT
        )
        return replace(request, params=_set(request.params, "Period", str(period)), expectation=expectation)

    def missing_required(self, info: OperationInfo) -> Mutation:
        required = [e.name for e in info.operation.inputs if e.min_occurs]
        ids = info.id_inputs()

        def mutate(draw: Draw, request: Request) -> Request:
            name = draw(st.sampled_from(required))
            params = tuple(param for param in request.params if param[0] != name)
            if name in ids and "Batch" not in info.name:
                expectation = unknown_id_expectation(ids[name], "missing", MISSING_ID_FACT)
            else:
                expectation = Expectation(
                    "missing_required",
                    f"{name} left out → no soap:Client fault",
                    forbid_client_fault=True,
                    fact=MISSING_FACT,
                )
            return replace(request, params=params, expectation=expectation)

        return mutate
