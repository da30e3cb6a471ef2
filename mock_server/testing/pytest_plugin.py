"""The nmbrs-mock pytest plugin (entry point `pytest11: nmbrs_mock`).

Fixtures, each overridable in a conftest.py (pytest-httpserver style):
  nmbrs_mock_settings  session  MockSettings of the served mock (host, port 0, throttle off, seed cache
                                $NMBRS_MOCK_SEED_CACHE)
  nmbrs_mock_demo      session  EnvironmentShape of the demo and of every new environment
  nmbrs_mock           session  NmbrsMock: MockApp + MockServer on a free loopback port (one per
                                xdist worker)
  nmbrs_env_factory    function make more fresh environments (deleted when the test ends)
  nmbrs_env            function NmbrsEnv: this test's own fresh environment, login, URLs, client and
                                control helpers; against a real sandbox for @pytest.mark.nmbrs_real
Marker `nmbrs_real`: run against the sandbox NMBRS_BASE_URL/USERNAME/TOKEN/DOMAIN name, else skip.
Ini option `nmbrs_loopback_only = true`: connections to anything but loopback fail during the run
(nmbrs_real tests may reach the sandbox host).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from mock_server.testing.network import LoopbackGuard
from mock_server.testing.real import missing_variables, sandbox_from_env, skip_reason

if TYPE_CHECKING:
    from mock_server.domain.demo import EnvironmentShape
    from mock_server.settings import MockSettings
    from mock_server.testing.environment import NmbrsEnv
    from mock_server.testing.mock import NmbrsMock

REAL_MARKER = "nmbrs_real"
GUARD = pytest.StashKey[LoopbackGuard]()
_numbers = itertools.count(1)


class EnvFactory(Protocol):
    def __call__(
        self,
        name: str | None = None,
        *,
        employees: int | None = None,
        period_types: list[str] | tuple[str, ...] | None = None,
        debtors: int | None = None,
        seed: int | None = None,
        template: str = "full",
        scenario: str | None = None,
    ) -> NmbrsEnv: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "nmbrs_loopback_only",
        "nmbrs-mock: let tests connect to loopback addresses only (nmbrs_real tests: also the sandbox)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{REAL_MARKER}: run against the real Nmbrs sandbox NMBRS_BASE_URL, NMBRS_USERNAME, NMBRS_TOKEN "
        "and NMBRS_DOMAIN name (nmbrs_env then points at it); skipped when they are not set",
    )
    if config.getini("nmbrs_loopback_only"):
        guard = LoopbackGuard()
        guard.install()
        config.stash[GUARD] = guard
        config.add_cleanup(guard.uninstall)


def pytest_report_header(config: pytest.Config) -> str:
    sandbox = sandbox_from_env()
    if sandbox is not None:
        return f"nmbrs-mock: {REAL_MARKER} tests run against {sandbox.base_url}"
    return f"nmbrs-mock: {REAL_MARKER} tests skip (set {', '.join(missing_variables())} to run them)"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(REAL_MARKER) is not None:
        missing = missing_variables()
        if missing:
            pytest.skip(skip_reason(missing))


@pytest.fixture(autouse=True)
def _nmbrs_real_network(request: pytest.FixtureRequest) -> Iterator[None]:
    """A nmbrs_real test may reach the sandbox host while the loopback guard is on."""
    guard = request.config.stash.get(GUARD, None)
    sandbox = sandbox_from_env() if _is_real(request) else None
    with guard.allowing(sandbox.host) if guard and sandbox else nullcontext():
        yield


@pytest.fixture(scope="session")
def nmbrs_mock_settings() -> MockSettings:
    """Override to change the served mock: host, port (0: a free one), throttle, journal caps, ...
    The seed cache is $NMBRS_MOCK_SEED_CACHE's folder, as for `nmbrs-mock serve`."""
    from mock_server.domain.throttle import ThrottleSettings
    from mock_server.settings import MockSettings
    from mock_server.storage.seed_cache import VARIABLE

    seed_cache = os.environ.get(VARIABLE) or None
    return MockSettings(
        host="127.0.0.1", port=0, throttle=ThrottleSettings(enabled=False), seed_cache=seed_cache
    )


@pytest.fixture(scope="session")
def nmbrs_mock_demo() -> EnvironmentShape:
    """Override to shape the demo and every new environment (employees, period types, debtors, seed)."""
    from mock_server.domain.demo import EnvironmentShape

    return EnvironmentShape()


@pytest.fixture(scope="session")
def nmbrs_mock(nmbrs_mock_settings: MockSettings, nmbrs_mock_demo: EnvironmentShape) -> Iterator[NmbrsMock]:
    from mock_server.testing.mock import NmbrsMock

    with NmbrsMock.serve(nmbrs_mock_settings, nmbrs_mock_demo) as mock:
        yield mock


@pytest.fixture
def nmbrs_env_factory(request: pytest.FixtureRequest) -> Iterator[EnvFactory]:
    """`nmbrs_env_factory(employees=3, period_types=["W4"])`: another fresh environment of this test."""
    made: list[NmbrsEnv] = []
    mock: NmbrsMock | None = None if _is_real(request) else request.getfixturevalue("nmbrs_mock")

    def make(name: str | None = None, **shape: Any) -> NmbrsEnv:
        """`NmbrsMock.new_env` named after the test; typed by `EnvFactory`."""
        if mock is None:
            from mock_server.testing.environment import RealTargetUnsupported

            raise RealTargetUnsupported(
                "nmbrs_env_factory creates environments in the mock; a real Nmbrs sandbox "
                "(@pytest.mark.nmbrs_real) has just the one nmbrs_env"
            )
        env = mock.new_env(name or _env_name(request), **shape)
        made.append(env)
        return env

    yield make
    for env in reversed(made):
        env.close()


@pytest.fixture
def nmbrs_env(request: pytest.FixtureRequest, nmbrs_env_factory: EnvFactory) -> NmbrsEnv:
    """This test's own fresh environment (created, never reset in place), or the real sandbox."""
    if _is_real(request):
        from mock_server.testing.environment import NmbrsEnv

        sandbox = sandbox_from_env()
        assert sandbox is not None  # pytest_runtest_setup skipped the test otherwise
        return NmbrsEnv.real(sandbox)
    return nmbrs_env_factory()


def _is_real(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker(REAL_MARKER) is not None


def _env_name(request: pytest.FixtureRequest) -> str:
    """`<test name>-<xdist worker>-<n>`: unique in the session, readable in the dashboard."""
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower().removeprefix("test_")).strip("-")
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    suffix = f"{worker}-{next(_numbers)}" if worker else str(next(_numbers))
    return f"{test[:40].strip('-') or 'env'}-{suffix}"
