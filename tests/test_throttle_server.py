"""The pipeline applies the throttle per environment (or globally): in process, no real sleeping.

The pipeline's own `Throttle` is replaced by one built from the same settings on a frozen clock, so
the bucket never refills during a test and the counts are exact however slow the machine is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import requests
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.demo import EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.throttle import Scope, Throttle, ThrottleSettings
from mock_server.http_headers import DELAY_HEADER
from mock_server.server import MockServer
from mock_server.settings import MockSettings
from mock_server.soap.pipeline import SoapResponse

HEADERS = raw.http_headers("CompanyService", "List_GetAll")
RATE, DELAY = 5, 0.2


@dataclass
class RecordingSleep:
    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _login(name: str) -> NmbrsCredentials:
    return NmbrsCredentials(f"user@{name}.test", f"token-{name}", name)


def _setup(name: str) -> EnvironmentSetup:
    login = _login(name)
    spec = EnvironmentSpec(name, [ApiUser(login.username, login.token)])
    return EnvironmentSetup(spec, EnvironmentShape(employees=2))


def _request(name: str) -> bytes:
    return raw.envelope("CompanyService", "List_GetAll", credentials=_login(name))


def _handle(app: MockApp, body: bytes) -> SoapResponse:
    return app.pipeline.handle("CompanyService", body, HEADERS["Content-Type"], HEADERS["SOAPAction"])


def _app(scope: Scope) -> tuple[MockApp, RecordingSleep]:
    sleep = RecordingSleep()
    settings = MockSettings(throttle=ThrottleSettings(rate_per_second=RATE, delay_seconds=DELAY, scope=scope))
    app = MockApp(settings, demo=None, sleep=sleep, environments=[_setup("a"), _setup("b")])
    assert app.pipeline.throttle.settings == settings.throttle
    app.pipeline.throttle = Throttle(settings.throttle, clock=lambda: 1000.0)  # frozen: no refill
    return app, sleep


def _call(app: MockApp, sleep: RecordingSleep, name: str) -> float:
    """One List_GetAll for environment `name`; the seconds the pipeline slept for it."""
    before = len(sleep.calls)
    response = _handle(app, _request(name))
    assert response.status == 200, response.body[:500]
    assert b"<List_GetAllResult>" in response.body
    slept = sleep.calls[before:]
    assert len(slept) <= 1
    return slept[0] if slept else 0.0


def test_throttle_is_per_environment():
    app, sleep = _app("environment")
    delays_a = [_call(app, sleep, "a") for _ in range(8)]
    delays_b = [_call(app, sleep, "b") for _ in range(2)]

    assert delays_a == [0.0] * RATE + [DELAY] * 3  # a burst of `RATE`, then every call delayed
    assert delays_b == [0.0, 0.0]  # another environment has its own budget
    assert sleep.calls == [DELAY] * 3

    journal_a = app.pipeline.journal.entries("a")
    journal_b = app.pipeline.journal.entries("b")
    assert [e.delayed_ms for e in journal_a] == [0.0] * RATE + [200.0] * 3
    assert [e.delayed_ms for e in journal_b] == [0.0, 0.0]
    assert all(e.http_status == 200 and e.operation == "List_GetAll" for e in journal_a + journal_b)

    stats = app.pipeline.throttle.stats()
    assert (stats["a"].admitted, stats["a"].delayed) == (RATE, 3)
    assert (stats["b"].admitted, stats["b"].delayed) == (2, 0)


def test_global_scope_shares_one_budget():
    app, sleep = _app("global")
    delays_a = [_call(app, sleep, "a") for _ in range(4)]
    delays_b = [_call(app, sleep, "b") for _ in range(3)]

    assert delays_a == [0.0] * 4
    assert delays_b == [0.0, DELAY, DELAY]  # B pays for A's calls: the fifth call overall is the last
    assert sleep.calls == [DELAY, DELAY]
    assert [e.delayed_ms for e in app.pipeline.journal.entries("b")] == [0.0, 200.0, 200.0]
    assert set(app.pipeline.throttle.stats()) == {"*"}


def test_user_scope_gives_each_login_its_own_budget():
    app, sleep = _app("user")
    assert [_call(app, sleep, "a") for _ in range(6)] == [0.0] * RATE + [DELAY]
    assert [_call(app, sleep, "b") for _ in range(1)] == [0.0]
    assert set(app.pipeline.throttle.stats()) == {"a/user@a.test", "b/user@b.test"}


@pytest.mark.parametrize("scope", ["environment", "global"])
def test_disabled_throttle_never_sleeps(scope):
    sleep = RecordingSleep()
    settings = MockSettings(throttle=ThrottleSettings(enabled=False, rate_per_second=1, scope=scope))
    app = MockApp(settings, demo=None, sleep=sleep, environments=[_setup("a")])
    for _ in range(5):
        _handle(app, _request("a"))
    assert sleep.calls == []
    assert [e.delayed_ms for e in app.pipeline.journal.entries("a")] == [0.0] * 5


def test_a_faulted_call_is_not_throttled_before_authentication():
    """A call refused with 1001 never reaches the throttle: it costs no token and is not delayed."""
    app, sleep = _app("environment")
    bad = _request("a").replace(b"token-a", b"wrong")
    for _ in range(10):
        response = _handle(app, bad)
        assert response.status == 500 and b"1001: Invalid Authentication" in response.body
    assert sleep.calls == []
    assert [_call(app, sleep, "a") for _ in range(RATE)] == [0.0] * RATE


def test_a_delayed_answer_says_on_the_wire_how_long_it_was_held_back():
    app, sleep = _app("environment")
    with MockServer(app) as server:
        url = server.soap_url("CompanyService")
        answers = [
            requests.post(url, data=_request("a"), headers=HEADERS, timeout=30) for _ in range(RATE + 2)
        ]
    assert [a.status_code for a in answers] == [200] * (RATE + 2)
    assert [a.headers.get(DELAY_HEADER) for a in answers] == [None] * RATE + ["200", "200"]
    assert sleep.calls == [DELAY, DELAY]
