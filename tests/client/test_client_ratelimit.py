"""The client's rate limiter, with an injected clock: deterministic, never timed."""

from __future__ import annotations

import threading

import pytest
from nmbrs_client import NmbrsClient, NmbrsCredentials
from nmbrs_client.ratelimit import RateLimiter, shared_limiter

from mock_server.app import MockApp
from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.throttle import Throttle, ThrottleSettings
from mock_server.server import MockServer


class FakeClock:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def test_calls_are_spaced_at_the_rate_after_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, burst=3, clock=clock, sleep=clock.sleep)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == pytest.approx([0, 0, 0, 0.1, 0.2])
    clock.now = 10.0  # idle for a long time: the burst is back, but never more than the burst
    assert [limiter.reserve() for _ in range(4)] == pytest.approx([0, 0, 0, 0.1])
    assert (limiter.admitted, limiter.waited) == (9, 3)


def test_threads_get_distinct_slots() -> None:
    clock = FakeClock()  # frozen while the threads book: every slot is a distinct wait
    limiter = RateLimiter(100, burst=5, clock=clock, sleep=lambda _: None)
    waits: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        for _ in range(50):
            wait = limiter.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=book) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [max(0, k - 4) / 100 for k in range(400)]
    assert sorted(waits) == pytest.approx(expected)


def test_the_schedule_never_triggers_the_nmbrs_throttle() -> None:
    """3,000 calls as the default limiter (145/s, burst 5) lets them out, fed to the mock's own
    150/s throttle at those instants: not one would be delayed, and none of them waits longer than
    its slot."""
    clock = FakeClock()
    limiter = RateLimiter(145, burst=5, clock=clock, sleep=clock.sleep)
    server = Throttle(ThrottleSettings(rate_per_second=150), clock=clock)
    delays = []
    for _ in range(3000):
        limiter.acquire()
        delays.append(server.admit("env", "user"))
    assert not any(delays)
    assert clock.now == pytest.approx((3000 - 5) / 145)  # as fast as the rate allows


def test_no_second_holds_more_than_150_calls() -> None:
    """Also against a fixed-window counter (the other way "150 calls per second" may be counted)."""
    clock = FakeClock()
    limiter = RateLimiter(145, burst=5, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(1000):
        limiter.acquire()
        sent.append(clock.now)
    busiest = max(sum(1 for t in sent if start <= t < start + 1) for start in sent)
    assert 145 <= busiest <= 150


def test_a_faster_client_would_be_throttled() -> None:
    """The check above can fail: at 160/s the mock's throttle delays calls."""
    clock = FakeClock()
    limiter = RateLimiter(160, burst=5, clock=clock, sleep=clock.sleep)
    server = Throttle(ThrottleSettings(rate_per_second=150), clock=clock)
    delays = []
    for _ in range(3000):
        limiter.acquire()
        delays.append(server.admit("env", "user"))
    assert any(delays)


def test_one_limiter_per_endpoint_and_login_for_the_whole_process() -> None:
    first = shared_limiter("http://127.0.0.1:1/soap/v3/", "A@x.test", 145, 5)
    assert shared_limiter("http://127.0.0.1:1/soap/v3", "a@x.test", 145, 5) is first
    assert shared_limiter("http://127.0.0.1:1/soap/v3/", "b@x.test", 145, 5) is not first
    stricter = shared_limiter("http://127.0.0.1:1/soap/v3/", "a@x.test", 50, 2)
    assert stricter is first and (first.rate, first.burst) == (50, 2)
    shared_limiter("http://127.0.0.1:1/soap/v3/", "a@x.test", 145, 5)
    assert (first.rate, first.burst) == (50, 2), "a looser client never loosens the shared limiter"


def test_clients_of_one_login_share_the_limiter(
    mock_server: MockServer, credentials: NmbrsCredentials
) -> None:
    url = f"{mock_server.url}/soap/v3/"
    one, two = NmbrsClient(url, credentials), NmbrsClient(url, credentials)
    assert one.limiter is not None and one.limiter is two.limiter


def test_every_call_passes_the_limiter(
    mock_app: MockApp, mock_server: MockServer, credentials: NmbrsCredentials, environment: EnvironmentSpec
) -> None:
    clock = FakeClock()
    limiter = RateLimiter(20, burst=2, clock=clock, sleep=clock.sleep)
    client = NmbrsClient(f"{mock_server.url}/soap/v3/", credentials, limiter=limiter)
    company = client.companies.list()[0]
    client.companies.current_period(company.id)
    client.employee.List_GetByCompany(CompanyId=company.id, EmployeeType=0)  # the untyped proxies too
    client.call("EmployeeType_GetList")
    calls = [e for e in mock_app.pipeline.journal.entries(environment.name)]
    assert limiter.admitted == len(calls) == 4
    assert clock.sleeps == pytest.approx([0.05, 0.05])  # 2 at once, then one every 1/20 s
