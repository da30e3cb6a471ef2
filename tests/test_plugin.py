"""The nmbrs_mock pytest plugin itself: inner suites run with pytester, and its helpers directly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nmbrs_client import NmbrsCredentials, PermissionDenied

from mock_server.control.errors import Invalid
from mock_server.testing import NmbrsEnv, RealTargetUnsupported, Sandbox, sandbox_from_env
from mock_server.testing.network import LoopbackGuard
from mock_server.testing.pytest_plugin import EnvFactory
from mock_server.testing.real import REQUIRED

pytest_plugins = ["pytester"]

FAKE_SANDBOX = {
    "NMBRS_BASE_URL": "http://127.0.0.1:9/soap/v3",
    "NMBRS_USERNAME": "api@sandbox.test",
    "NMBRS_TOKEN": "sandbox-token",
    "NMBRS_DOMAIN": "sandbox",
}
REAL_TEST = """
import pytest
from mock_server.testing import RealTargetUnsupported

@pytest.mark.nmbrs_real
def test_against_the_sandbox(nmbrs_env, nmbrs_env_factory):
    assert nmbrs_env.is_real and nmbrs_env.soap_url == "http://127.0.0.1:9/soap/v3/"
    assert nmbrs_env.credentials.domain == "sandbox" == nmbrs_env.name
    assert nmbrs_env.client.settings.base_url == nmbrs_env.soap_url
    with pytest.raises(RealTargetUnsupported, match="real Nmbrs sandbox at http://127.0.0.1:9/soap/v3/"):
        nmbrs_env.inject_fault("List_GetAll", code=1002)
    with pytest.raises(RealTargetUnsupported, match="has just the one nmbrs_env"):
        nmbrs_env_factory()

def test_on_the_mock(nmbrs_env):
    assert not nmbrs_env.is_real
"""


SMALL_DEMO = """
import pytest
from mock_server.domain.demo import EnvironmentShape

@pytest.fixture(scope="session")
def nmbrs_mock_demo():
    return EnvironmentShape(employees=2, period_types=("M",), debtors=1)
"""


def _clear_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)


def test_nmbrs_real_skips_with_the_missing_variables(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clear_sandbox(monkeypatch)
    monkeypatch.setenv("NMBRS_USERNAME", "someone")
    pytester.makeconftest(SMALL_DEMO)
    pytester.makepyfile(REAL_TEST)
    result = pytester.runpytest("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "nmbrs-mock: nmbrs_real tests skip (set NMBRS_BASE_URL, NMBRS_TOKEN, NMBRS_DOMAIN to run them)",
            "*SKIPPED*nmbrs_real: this test runs only against a real Nmbrs sandbox; "
            "set NMBRS_BASE_URL, NMBRS_TOKEN, NMBRS_DOMAIN*",
        ]
    )


def test_nmbrs_real_points_nmbrs_env_at_the_sandbox(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_SANDBOX.items():
        monkeypatch.setenv(name, value)
    pytester.makeconftest(SMALL_DEMO)
    pytester.makepyfile(REAL_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["nmbrs-mock: nmbrs_real tests run against http://127.0.0.1:9/soap/v3/"])


def test_fixture_overrides_reach_the_served_mock(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from mock_server.domain.demo import EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings

@pytest.fixture(scope="session")
def nmbrs_mock_settings():
    return MockSettings(port=0, admin_token="s3cret", throttle=ThrottleSettings(rate_per_second=40.0))

@pytest.fixture(scope="session")
def nmbrs_mock_demo():
    return EnvironmentShape(employees=2, period_types=("W1",), debtors=1, seed=5)
"""
    )
    pytester.makepyfile(
        """
import requests

SEEN = []

def test_the_overrides(nmbrs_mock, nmbrs_env):
    assert [c["period_type"] for c in nmbrs_env.companies] == ["W1"]
    assert len(nmbrs_env.employees()) == 2 and nmbrs_env.spec.seed == 5
    assert nmbrs_env.throttle()["rate_per_second"] == 40.0
    assert nmbrs_mock.admin("GET", "/health").json()["status"] == "ok"  # sends the token
    assert requests.get(nmbrs_mock.admin_url + "/health", timeout=10).status_code == 401
    nmbrs_env.set_throttle(rate_per_second=5.0)
    SEEN.append(nmbrs_env.name)

def test_the_last_test_cleaned_up(nmbrs_mock, nmbrs_env):
    assert SEEN and SEEN[0] not in nmbrs_mock.app.backend.specs  # deleted when its test ended
    assert nmbrs_env.throttle()["rate_per_second"] == 40.0  # put back when its test ended
    assert nmbrs_env.name.startswith("the-last-test-cleaned-up-")
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_served_mock_takes_the_seed_cache_from_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NMBRS_MOCK_SEED_CACHE", str(tmp_path / "seeds"))
    pytester.makepyfile(
        """
def test_seeded(nmbrs_mock):
    assert nmbrs_mock.app.backend.sources["demo"] == "seeded"

def test_copied_in_a_later_session(nmbrs_mock):
    pass
"""
    )
    pytester.runpytest("-p", "no:cacheprovider", "-k", "seeded").assert_outcomes(passed=1)
    assert len(list((tmp_path / "seeds").glob("nmbrs-seed-*.sqlite"))) == 1
    pytester.makepyfile(
        """
def test_copied(nmbrs_mock):
    assert nmbrs_mock.app.backend.sources["demo"] == "seed cache"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_each_xdist_worker_serves_its_own_mock(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SMALL_DEMO)
    log = pytester.path / "seen.jsonl"
    pytester.makepyfile(
        f"""
import json, os
import pytest

@pytest.mark.parametrize("n", range(8))
def test_isolated(nmbrs_mock, nmbrs_env, n):
    companies = nmbrs_env.client.companies.list()
    assert [call.operation for call in nmbrs_env.requests()] == ["List_GetAll"]  # only this test's call
    nmbrs_env.close_period(companies[0].id)
    line = {{"worker": os.environ["PYTEST_XDIST_WORKER"], "url": nmbrs_mock.url, "env": nmbrs_env.name}}
    with open({str(log)!r}, "a") as out:
        out.write(json.dumps(line) + "\\n")
"""
    )
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "load", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)
    seen = [json.loads(line) for line in log.read_text().splitlines()]
    urls = {
        line["worker"]: {other["url"] for other in seen if other["worker"] == line["worker"]} for line in seen
    }
    assert set(urls) == {"gw0", "gw1"}
    assert all(len(mine) == 1 for mine in urls.values()) and urls["gw0"] != urls["gw1"]
    assert len({line["env"] for line in seen}) == 8


def test_the_loopback_guard_lets_only_loopback_and_allowed_hosts_through() -> None:
    guard = LoopbackGuard()
    guard.check(("127.0.0.1", 80))
    guard.check(("::1", 80, 0, 0))
    with pytest.raises(RuntimeError, match="tests may only connect to loopback, not"):
        guard.check(("192.0.2.7", 443))
    with guard.allowing("192.0.2.7"):
        guard.check(("192.0.2.7", 443))
    with pytest.raises(RuntimeError):
        guard.check(("192.0.2.7", 443))


def test_the_suite_runs_behind_the_guard() -> None:
    import socket

    with socket.socket() as sock, pytest.raises(RuntimeError, match="only connect to loopback"):
        sock.connect(("192.0.2.7", 443))


def test_the_sandbox_needs_all_four_variables() -> None:
    assert sandbox_from_env({**FAKE_SANDBOX, "NMBRS_DOMAIN": ""}) is None
    sandbox = sandbox_from_env(FAKE_SANDBOX)
    assert sandbox == Sandbox(
        "http://127.0.0.1:9/soap/v3/", NmbrsCredentials("api@sandbox.test", "sandbox-token", "sandbox")
    )
    assert sandbox.host == "127.0.0.1"
    with pytest.raises(RealTargetUnsupported, match=r"check nmbrs_env\.is_real first"):
        NmbrsEnv.real(sandbox).verify("List_GetAll")


def test_fault_helpers_check_what_they_are_given(nmbrs_env: NmbrsEnv) -> None:
    with pytest.raises(ValueError, match="exactly one of code=, http_status= or effect="):
        nmbrs_env.inject_fault("List_GetAll", code=1002, http_status=503)
    with pytest.raises(Invalid, match="did you mean List_GetAll"):
        nmbrs_env.inject_fault("List_GetAl", code=1002)
    latency = nmbrs_env.inject_fault("*", effect={"type": "latency", "seconds": 0.001}, probability=0.5)
    outage = nmbrs_env.inject_fault("List_GetAll", http_status=500, user=nmbrs_env.username)
    assert [rule.id for rule in nmbrs_env.faults()] == [latency.id, outage.id]
    nmbrs_env.delete_fault(latency)
    assert nmbrs_env.faults() == [outage]
    assert nmbrs_env.clear_faults() == 1 and nmbrs_env.faults() == []


def test_journal_helpers(nmbrs_env: NmbrsEnv) -> None:
    with pytest.raises(AssertionError, match="no call of List_GetAll in"):
        nmbrs_env.last_request("List_GetAll")
    before = datetime.now(UTC) - timedelta(seconds=1)
    nmbrs_env.client.companies.list()
    assert nmbrs_env.last_request().operation == "List_GetAll"
    assert len(nmbrs_env.requests(since=before)) == 1
    assert nmbrs_env.requests(until=before) == []
    nmbrs_env.clear_requests()
    assert nmbrs_env.requests() == []


def test_users_runs_and_throttle(nmbrs_env: NmbrsEnv, nmbrs_env_factory: EnvFactory) -> None:
    login = nmbrs_env.add_user("reader@plugin.test", template="time-tracking-export")
    with pytest.raises(PermissionDenied):
        nmbrs_env.make_client(login).debtors.list()  # the template allows no DebtorService call
    assert nmbrs_env.requests(user="reader@plugin.test", fault_code=1002)

    period = nmbrs_env.current_period()
    run = nmbrs_env.process_run(description="plugin run")
    assert run["description"] == "plugin run" and run["period"] == period
    assert run["payslips"] > 0 and run["current"] == nmbrs_env.current_period() != period
    newest = nmbrs_env.describe()["companies"][0]["runs"][0]
    assert (newest["id"], newest["period"]) == (run["id"], period["period"])

    assert nmbrs_env.set_throttle(delay_seconds=0.25)["delay_seconds"] == 0.25
    scenario = (
        '[[environments]]\nname = "renamed"\nemployees = 1\ncompanies = ["W1"]\n'
        '[[environments.users]]\nusername = "office@scenario.test"\ntoken = "office-token"\n'
    )
    assert [c["period_type"] for c in nmbrs_env_factory(scenario=scenario).companies] == ["W1"]
