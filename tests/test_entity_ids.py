"""Company and employee ids are unique across the environments of one mock instance, and deterministic.

Real Nmbrs ids are unique, and integrations connecting two environments key on them. Each environment
seeded gets its own block of ids (the demo, seeded first, keeps companies from 10000 and employees from
100000); a clone is a copy with the same ids, for test isolation.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, EnvironmentSetup, EnvironmentShape, demo_spec
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.tenant import Tenant

SHAPES = st.lists(
    st.builds(
        EnvironmentShape,
        employees=st.integers(0, 9),
        period_types=st.lists(st.sampled_from(["M", "W4", "W1"]), min_size=1, max_size=3).map(tuple),
        debtors=st.just(1),
        seed=st.integers(1, 3),
    ),
    min_size=2,
    max_size=4,
)


def _setups(shapes: list[EnvironmentShape]) -> list[EnvironmentSetup]:
    return [
        EnvironmentSetup(EnvironmentSpec(f"env{n}", [ApiUser(f"u{n}@x.test", f"t{n}")], seed=s.seed), s)
        for n, s in enumerate(shapes)
    ]


def _ids(tenant: Tenant) -> tuple[list[int], list[int]]:
    companies = [c.id for c in tenant.companies()]
    return companies, [e.id for c in companies for e in tenant.employees(c)]


def _all_ids(app: MockApp) -> dict[str, tuple[list[int], list[int]]]:
    return {name: _ids(app.backend.tenant(name)) for name in app.backend.specs}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SHAPES)
def test_no_two_environments_share_a_company_or_employee_id(shapes: list[EnvironmentShape]) -> None:
    app = MockApp(demo=None, environments=_setups(shapes))
    ids = _all_ids(app)
    for kind in (0, 1):
        every = [i for companies_and_employees in ids.values() for i in companies_and_employees[kind]]
        assert len(every) == len(set(every)), f"{('company', 'employee')[kind]} ids collide: {ids}"
    assert _all_ids(MockApp(demo=None, environments=_setups(shapes))) == ids  # deterministic


def test_the_demo_keeps_its_ids_and_a_scenario_environment_gets_its_own() -> None:
    app = MockApp(environments=_setups([EnvironmentShape(employees=4, period_types=("M",), debtors=1)]))
    demo_companies, demo_employees = _ids(app.backend.tenant(DEMO_DOMAIN))
    assert (min(demo_companies), min(demo_employees)) == (10_000, 100_000)
    companies, employees = _ids(app.backend.tenant("env0"))
    assert companies == [20_000] and employees == [1_100_000, 1_100_001, 1_100_002, 1_100_003]


def test_a_clone_is_a_copy_with_the_same_ids_and_new_environments_do_not_collide() -> None:
    app = MockApp(demo=EnvironmentShape(employees=4, period_types=("M",), debtors=1))
    app.backend.clone_environment(DEMO_DOMAIN, demo_spec("copy"))
    assert _ids(app.backend.tenant("copy")) == _ids(app.backend.tenant(DEMO_DOMAIN))
    app.add_environment(EnvironmentSetup(demo_spec("empty"), EnvironmentShape(employees=0, period_types=())))
    empty = app.backend.tenant(
        "empty"
    )  # its first company and employee, created through the API, are its own
    assert empty.entity_id("company") == 20_000 and empty.entity_id("employee") == 1_100_000
