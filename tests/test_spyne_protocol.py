"""The input protocol's planned decoding (`LenientSoap11.complex_from_element`) gives exactly what
Spyne's own routine gives: for every operation of every service, requests with every member filled,
with nils, in reversed order with unknown elements and comments, and with attributes that name
members (which Spyne's routine decodes), decode to the same Spyne objects and the same arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from nmbrs_client import NmbrsCredentials, raw
from spyne.model.complex import Array, ComplexModel, ComplexModelBase
from spyne.model.primitive import Integer, Unicode
from spyne.protocol.soap import Soap11

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import Element, ServiceContract
from mock_server.harness.request import NIL, Param, params_xml
from mock_server.soap import spyne_adapter
from mock_server.soap.envelope import parse_request
from mock_server.soap.faults import SoapFault
from mock_server.soap.spyne_adapter import DecodedCall, SpyneService
from mock_server.soap.spyne_protocol import LenientSoap11

LOGIN = NmbrsCredentials("api@example.test", "token", "example")
TEXT = {
    "int": "7",
    "decimal": "8.50",
    "dateTime": "2026-11-02T08:30:00",
    "boolean": "true",
    "guid": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    "base64Binary": "JVBERi0=",
    "string": "Test",
    "anyType": "Test",
}
MAX_DEPTH = 5


class _SpyneOwnDecoding(LenientSoap11):
    """The protocol with Spyne's own `complex_from_element` (the reference)."""

    complex_from_element = Soap11.complex_from_element


def _service(name: str, protocol: type[LenientSoap11], monkeypatch: pytest.MonkeyPatch) -> SpyneService:
    with monkeypatch.context() as patch:
        patch.setattr(spyne_adapter, "LenientSoap11", protocol)
        return SpyneService(load_contract(name))


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, tuple[SpyneService, SpyneService]]]:
    with pytest.MonkeyPatch.context() as patch:
        yield {
            name: (_service(name, LenientSoap11, patch), _service(name, _SpyneOwnDecoding, patch))
            for name in SERVICES
        }


# --- requests ---------------------------------------------------------------------------------------
Shaper = Callable[[ServiceContract, Element, int], list[Param]]


def _filled(contract: ServiceContract, element: Element, depth: int, nils: bool = False) -> list[Param]:
    """Every member present (lists of two), down to `MAX_DEPTH`; with `nils`, nillable simple
    members are nil and optional ones left out."""
    if depth > MAX_DEPTH and (element.min_occurs == 0 or element.nillable):
        return []
    kind = contract.kind(element.type)
    if nils and kind != "complex":
        if element.nillable:
            return [(element.name, NIL)]
        if element.min_occurs == 0:
            return []
    if kind == "builtin":
        value: Any = TEXT[element.type]
    elif kind == "enum":
        value = contract.enums[element.type].values[-1]
    else:
        value = tuple(
            param
            for field in contract.fields_of(element.type)
            for param in _filled(contract, field, depth + 1, nils)
        )
    return [(element.name, value)] * (2 if element.is_list else 1)


def _nils(contract: ServiceContract, element: Element, depth: int) -> list[Param]:
    return _filled(contract, element, depth, nils=True)


def _xml(params: tuple[Param, ...], twisted: bool, attributes: bool = False) -> str:
    """The parameters as XML; `twisted`: members in reverse order, and an unknown element and a
    comment inside every complex value; with `attributes`, each also has an attribute naming its first
    member (Spyne's own routine decodes such an element)."""
    if not twisted:
        return params_xml(params)
    parts = []
    for name, value in reversed(params):
        if isinstance(value, tuple):
            named = f' {value[0][0]}="1"' if attributes and value else ""
            inner = _xml(value, twisted, attributes) + "<NotAMember>1</NotAMember><!-- a comment -->"
            parts.append(f"<{name}{named}>{inner}</{name}>")
        else:
            parts.append(params_xml(((name, value),)))
    return "".join(parts)


def _decode(service: SpyneService, operation: str, params: str) -> DecodedCall:
    body = raw.envelope(service.contract.name, operation, params, LOGIN)
    request = parse_request(body, raw.CONTENT_TYPES["1.1"], None, service.contract)
    return service.decode(request, body)


def _outcome(service: SpyneService, operation: str, params: str) -> tuple[Any, Any]:
    """The decoded Spyne objects and arguments, or the fault decoding gave (an attribute naming a
    simple member is one Spyne's routine refuses)."""
    try:
        decoded = _decode(service, operation, params)
    except SoapFault as fault:
        return "fault", str(fault)
    return _tree(decoded.body.in_object), decoded.args


def _tree(value: Any) -> Any:
    """A decoded Spyne value as comparable plain data: each ComplexModel by its class and members."""
    if isinstance(value, ComplexModelBase):
        return (type(value).__name__, {k: _tree(v) for k, v in sorted(value.__dict__.items())})
    if isinstance(value, list | tuple):
        return [_tree(item) for item in value]
    return value


VARIANTS = ((_filled, False, False), (_nils, False, False), (_filled, True, False), (_filled, True, True))
CASES = [
    pytest.param(service, operation, id=f"{service}.{operation}")
    for service in SERVICES
    for operation in load_contract(service).operations
]


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_planned_decoding_is_spyne_own(
    services: dict[str, tuple[SpyneService, SpyneService]], service: str, operation: str
) -> None:
    planned, reference = services[service]
    inputs = planned.contract.operations[operation].inputs
    for shaper, twisted, attributes in VARIANTS:
        params = tuple(param for element in inputs for param in shaper(planned.contract, element, 0))
        xml = _xml(params, twisted, attributes)
        expected = _outcome(reference, operation, xml)
        assert _outcome(planned, operation, xml) == expected, (shaper.__name__, twisted, attributes)
        if not attributes:
            assert expected[0] != "fault"


def test_the_comparison_sees_a_different_decoding(
    services: dict[str, tuple[SpyneService, SpyneService]],
) -> None:
    """Not blind: one changed member value changes the decoded tree."""
    planned, _ = services["EmployeeService"]
    params = "<EmployeeId>{}</EmployeeId><Period>1</Period><Year>2026</Year>"
    one = _decode(planned, "HourComponentVar_Get", params.format(1))
    other = _decode(planned, "HourComponentVar_Get", params.format(2))
    assert _tree(one.body.in_object) != _tree(other.body.in_object)


def test_most_classes_are_planned(services: dict[str, tuple[SpyneService, SpyneService]]) -> None:
    """The plan covers every ComplexModel class of the generated models (arrays are decoded apart)."""
    planned, _ = services["EmployeeService"]
    protocol = planned.app.in_protocol
    classes: list[Any] = [
        cls
        for cls in planned.app.interface.classes.values()
        if isinstance(cls, type) and issubclass(cls, ComplexModelBase)
    ]
    unplanned = [cls for cls in classes if protocol._plan(cls) is None]
    assert all(isinstance(cls.get_deserialization_instance(None), list) for cls in unplanned)
    assert len(unplanned) < len(classes) / 4


def test_decoding_follows_the_plans(services: dict[str, tuple[SpyneService, SpyneService]]) -> None:
    """The planned routine is the one decoding: a request's classes get their plans."""
    planned, _ = services["CompanyService"]
    protocol = planned.app.in_protocol
    _decode(planned, "Company_GetCurrentPeriod", "<CompanyId>1</CompanyId>")
    assert any(plan is not None for plan in protocol._plans.values())


def test_a_flood_of_tag_names_is_not_remembered(
    services: dict[str, tuple[SpyneService, SpyneService]],
) -> None:
    """Unknown elements, or members under ever new namespaces, do not grow what a plan remembers."""
    planned, reference = services["CompanyService"]
    unknown = "".join(f"<Unknown{n}>1</Unknown{n}>" for n in range(500))
    spaced = "".join(f'<CompanyId xmlns="urn:n{n}">{n}</CompanyId>' for n in range(500))
    for params in (unknown + "<CompanyId>1</CompanyId>", spaced):
        assert _outcome(planned, "Company_GetCurrentPeriod", params) == _outcome(
            reference, "Company_GetCurrentPeriod", params
        )
    plans = [plan for plan in planned.app.in_protocol._plans.values() if plan is not None]
    assert plans and all(len(plan.members) <= len(plan.flat) + 64 for plan in plans)


class _OwnInit(ComplexModel):
    _type_info: ClassVar[list[Any]] = [("A", Unicode)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.A = "made in __init__"


class _OwnInstance(ComplexModel):
    _type_info: ClassVar[list[Any]] = [("A", Unicode)]

    @classmethod
    def get_deserialization_instance(cls, ctx: Any) -> Any:
        return cls()


class _SharedDefault(ComplexModel):
    _type_info: ClassVar[list[Any]] = [("A", Unicode), ("B", Array(Unicode).customize(default=[]))]


class _Plain(ComplexModel):
    _type_info: ClassVar[list[Any]] = [("A", Unicode), ("B", Integer.customize(default=3))]


@pytest.mark.parametrize("cls", [_OwnInit, _OwnInstance, _SharedDefault])
def test_classes_made_their_own_way_are_decoded_by_spyne(cls: Any) -> None:
    assert LenientSoap11()._plan(cls) is None


def test_a_plain_class_is_planned_with_its_defaults() -> None:
    plan = LenientSoap11()._plan(_Plain)
    assert plan is not None
    made = plan.new()
    assert type(made) is _Plain and (made.A, made.B) == (None, 3) and made.__dict__ == _Plain().__dict__
