import pytest

from mock_server.domain.throttle import KeyStats, Throttle, ThrottleSettings


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make(clock: FakeClock, **settings: object) -> Throttle:
    return Throttle(ThrottleSettings(**settings), clock=clock)  # type: ignore[arg-type]


def burst(throttle: Throttle, calls: int, environment: str = "env", user: str = "u") -> list[float]:
    return [throttle.admit(environment, user) for _ in range(calls)]


def test_burst_of_150_passes_and_151st_is_delayed() -> None:
    throttle = make(FakeClock())
    assert burst(throttle, 150) == [0.0] * 150
    assert throttle.admit("env", "u") == 0.5
    assert throttle.stats() == {"env": KeyStats(admitted=150, delayed=1)}


def test_delayed_calls_take_no_token() -> None:
    clock = FakeClock()
    throttle = make(clock)
    burst(throttle, 150)
    assert burst(throttle, 1000) == [0.5] * 1000
    clock.now = 1 / 150
    assert throttle.admit("env", "u") == 0.0
    assert throttle.admit("env", "u") == 0.5


def test_refill_after_a_tenth_of_a_second_gives_15() -> None:
    clock = FakeClock()
    throttle = make(clock)
    burst(throttle, 150)
    clock.now = 0.1
    assert burst(throttle, 16) == [0.0] * 15 + [0.5]


def test_bucket_holds_at_most_one_second() -> None:
    clock = FakeClock()
    throttle = make(clock)
    assert throttle.admit("env", "u") == 0.0  # the bucket exists: from now on it refills
    clock.now = 60.0  # a minute idle saves up one second of calls, not sixty
    assert burst(throttle, 152) == [0.0] * 150 + [0.5, 0.5]


def test_rate_and_delay_are_configurable() -> None:
    throttle = make(FakeClock(), rate_per_second=3, delay_seconds=2.0)
    assert burst(throttle, 4) == [0.0, 0.0, 0.0, 2.0]


def test_environments_are_independent_by_default() -> None:
    throttle = make(FakeClock())
    burst(throttle, 150, "a")
    assert throttle.admit("a", "u") == 0.5
    assert throttle.admit("b", "u") == 0.0
    assert throttle.admit("a", "other user") == 0.5


def test_global_scope_shares_one_bucket() -> None:
    throttle = make(FakeClock(), scope="global")
    burst(throttle, 150, "a")
    assert throttle.admit("b", "v") == 0.5
    assert list(throttle.stats()) == ["*"]


def test_user_scope_separates_users_of_one_environment() -> None:
    throttle = make(FakeClock(), scope="user")
    burst(throttle, 150, "env", "alice")
    assert throttle.admit("env", "alice") == 0.5
    assert throttle.admit("env", "bob") == 0.0
    assert throttle.admit("other", "alice") == 0.0
    assert throttle.key_for("env", "alice") != throttle.key_for("env", "bob")


def test_disabled_never_delays() -> None:
    throttle = make(FakeClock(), enabled=False)
    assert set(burst(throttle, 10_000)) == {0.0}


def test_300_calls_per_second_for_10_seconds() -> None:
    clock = FakeClock()
    throttle = make(clock)
    delays = []
    for i in range(3000):
        clock.now = i / 300
        delays.append(throttle.admit("env", "u"))
        delays.append(throttle.admit("quiet", "u") if i % 100 == 0 else 0.0)
    immediate = delays[0::2].count(0.0)
    assert 1640 <= immediate <= 1660
    assert delays[0::2].count(0.5) == 3000 - immediate
    assert set(delays[1::2]) == {0.0}


def test_reset_one_key_or_all() -> None:
    throttle = make(FakeClock())
    burst(throttle, 151, "a")
    burst(throttle, 151, "b")
    throttle.reset("a")
    assert throttle.admit("a", "u") == 0.0
    assert throttle.admit("b", "u") == 0.5
    assert throttle.stats() == {"a": KeyStats(1, 0), "b": KeyStats(150, 2)}
    throttle.reset()
    assert throttle.stats() == {}
    assert throttle.admit("b", "u") == 0.0


def test_idle_keys_are_dropped_beyond_max_keys() -> None:
    throttle = Throttle(ThrottleSettings(), clock=FakeClock(), max_keys=2)
    throttle.admit("a", "u")
    throttle.admit("b", "u")
    throttle.admit("a", "u")
    throttle.admit("c", "u")
    assert set(throttle.stats()) == {"a", "c"}


def test_clock_stepping_back_refills_nothing() -> None:
    clock = FakeClock()
    clock.now = 10.0
    throttle = make(clock)
    burst(throttle, 150)
    clock.now = 5.0
    assert throttle.admit("env", "u") == 0.5
    clock.now = 10.0
    assert throttle.admit("env", "u") == 0.5


@pytest.mark.parametrize("settings", [{"rate_per_second": 0}, {"delay_seconds": -1}, {"scope": "tenant"}])
def test_settings_are_checked(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ThrottleSettings(**settings)  # type: ignore[arg-type]
