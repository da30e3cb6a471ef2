"""Resetting or clearing environment `a` leaves `ab` alone: names that are prefixes of each other.

Throttle budgets (every scope), the journal, injected faults and the data itself are checked, both on
the pieces directly and through `MockApp.reset` with calls over the pipeline. The throttle runs on a
frozen clock, so budgets never refill during a test.
"""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.control.fault_injection import FaultInjector, FaultRule
from mock_server.control.journal import Journal, JournalEntry
from mock_server.domain.demo import EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, Debtor, EnvironmentSpec
from mock_server.domain.throttle import Scope, Throttle, ThrottleSettings
from mock_server.settings import MockSettings

NAMES = ("a", "ab", "a-b", "ba")  # `a` is a prefix of `ab` and `a-b`, a suffix of `ba`
SERVICE, OPERATION = "CompanyService", "List_GetAll"
HEADERS = raw.http_headers(SERVICE, OPERATION)
RATE, DELAY = 3, 0.25


def login(name: str, user: str = "user") -> NmbrsCredentials:
    return NmbrsCredentials(f"{user}@{name}.test", f"token-{user}-{name}", name)


def setup(name: str) -> EnvironmentSetup:
    users = [ApiUser(login(name, u).username, login(name, u).token) for u in ("user", "other")]
    return EnvironmentSetup(EnvironmentSpec(name, users), EnvironmentShape(employees=2))


def make_app(scope: Scope) -> tuple[MockApp, list[float]]:
    slept: list[float] = []
    settings = MockSettings(throttle=ThrottleSettings(rate_per_second=RATE, delay_seconds=DELAY, scope=scope))
    app = MockApp(settings, demo=None, sleep=slept.append, environments=[setup(n) for n in NAMES])
    app.pipeline.throttle = Throttle(settings.throttle, clock=lambda: 500.0)
    return app, slept


def call(app: MockApp, name: str, user: str = "user") -> bytes:
    body = raw.envelope(SERVICE, OPERATION, credentials=login(name, user))
    return app.pipeline.handle(SERVICE, body, HEADERS["Content-Type"], HEADERS["SOAPAction"]).body


def delayed(app: MockApp, slept: list[float], name: str, user: str = "user") -> bool:
    before = len(slept)
    call(app, name, user)
    return len(slept) > before


def exhaust(app: MockApp, slept: list[float], name: str, user: str = "user") -> None:
    for _ in range(RATE):
        assert not delayed(app, slept, name, user)
    assert delayed(app, slept, name, user)


# --- the pieces directly ---------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["environment", "user"])
def test_a_throttle_reset_of_a_keeps_the_budgets_of_ab(scope):
    throttle = Throttle(ThrottleSettings(rate_per_second=2, scope=scope), clock=lambda: 1.0)
    for name in NAMES:
        for user in ("u", "v"):
            throttle.admit(name, user)
    before = throttle.stats()
    throttle.reset_environment("a")
    after = throttle.stats()
    gone = {key for key in before if key not in after}
    expected = {"a"} if scope == "environment" else {"a/u", "a/v"}
    assert gone == expected
    assert all(after[key] == before[key] for key in after)


def test_journal_clear_of_a_keeps_the_entries_of_ab():
    journal = Journal()
    for name in (*NAMES, None):
        journal.record(JournalEntry(0.0, SERVICE, OPERATION, name, "u", "1.1", 200, None, 1.0, 0.0))
    journal.clear("a")
    assert sorted(e.environment or "" for e in journal.entries()) == sorted(["", *NAMES[1:]])
    assert journal.entries("a") == []
    assert len(journal.entries("ab")) == 1


def test_fault_clear_of_a_keeps_the_rules_of_ab():
    faults = FaultInjector()
    for name in NAMES:
        faults.add(FaultRule(operation=OPERATION, environment=name, code=2004, times=None))
    faults.clear("a")
    remaining = {rule.environment for rule in faults.rules()}
    assert remaining == set(NAMES[1:])


# --- through MockApp.reset and the pipeline ------------------------------------------------------------


@pytest.mark.parametrize("scope", ["environment", "user"])
def test_app_reset_of_a_keeps_the_throttle_budget_of_ab(scope):
    app, slept = make_app(scope)
    for name in NAMES:
        exhaust(app, slept, name)
    app.reset("a")
    assert not delayed(app, slept, "a"), "a's budget is fresh after its reset"
    for name in NAMES[1:]:
        assert delayed(app, slept, name), f"{name}'s exhausted budget must survive the reset of a"
    assert all(seconds == DELAY for seconds in slept)


def test_app_reset_of_a_keeps_the_journal_and_faults_of_ab():
    app, _ = make_app("environment")
    for name in NAMES:
        app.pipeline.faults.add(FaultRule(operation=OPERATION, environment=name, code=2004, times=None))
        call(app, name)
    app.reset("a")
    assert [e.environment for e in app.pipeline.journal.entries("a")] == []
    for name in NAMES[1:]:
        assert len(app.pipeline.journal.entries(name)) == 1, name
        assert raw.fault_of(call(app, name)) == (
            "soap:Server",
            "Server was unable to process request. ---> 2004: Unauthorized access",
        ), f"{name}'s injected fault must survive the reset of a"
    assert raw.fault_of(call(app, "a")) is None, "a's injected fault is gone after its reset"


def test_app_reset_of_a_keeps_the_data_of_ab():
    app, _ = make_app("environment")
    tenants = {name: app.backend.tenant(name) for name in NAMES}
    for name, tenant in tenants.items():
        with app.backend.transaction():
            tenant.save(Debtor(tenant.next_id("debtor"), "99", f"written in {name}"))
    app.reset("a")
    assert "written in a" not in [d.name for d in app.backend.tenant("a").debtors()]
    for name in NAMES[1:]:
        names = [d.name for d in app.backend.tenant(name).debtors()]
        assert f"written in {name}" in names, f"{name}'s write must survive the reset of a"
        assert b"<Company>" in call(app, name)


def test_a_clone_named_with_a_prefix_is_isolated():
    app, _ = make_app("environment")
    clone = app.backend.clone_environment("ab", EnvironmentSpec("abc", [ApiUser("x@abc.test", "token-x")]))
    with app.backend.transaction():
        clone.save(Debtor(clone.next_id("debtor"), "98", "only in abc"))
    assert "only in abc" not in [d.name for d in app.backend.tenant("ab").debtors()]
    app.reset("ab")
    assert "only in abc" in [d.name for d in app.backend.tenant("abc").debtors()]
