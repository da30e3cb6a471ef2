"""Fixtures of the test-control tests: one mock per module with a small demo and recorded sleeps,
served on a free loopback port by the nmbrs_mock plugin's `NmbrsMock.serve`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from mock_server.app import MockApp
from mock_server.domain.demo import EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import MockSettings
from mock_server.testing import NmbrsMock

SMALL = EnvironmentShape(employees=4, period_types=("M", "W4"), debtors=1)


class Slept(list[float]):
    """The pipeline's sleeps, recorded instead of slept (latency tests stay fast)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def slept() -> Slept:
    return Slept()


@pytest.fixture(scope="module")
def control_mock(slept: Slept) -> Iterator[NmbrsMock]:
    settings = MockSettings(port=0, throttle=ThrottleSettings(enabled=False))
    with NmbrsMock.serve(settings, demo=SMALL, sleep=slept) as mock:
        yield mock


@pytest.fixture(scope="module")
def control_app(control_mock: NmbrsMock) -> MockApp:
    return control_mock.app


@pytest.fixture(scope="module")
def control_server(control_mock: NmbrsMock) -> MockServer:
    return control_mock.server


Admin = Callable[..., requests.Response]


@pytest.fixture
def admin(control_mock: NmbrsMock) -> Admin:
    """`admin("POST", "/environments", json={...})` against /__admin of the served mock."""
    return control_mock.admin


@pytest.fixture
def env(admin: Admin) -> Iterator[dict[str, Any]]:
    """A fresh small environment created through the admin API (deleted afterwards)."""
    created = admin("POST", "/environments", json={"employees": 4, "period_types": ["M", "W4"], "debtors": 1})
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    yield data
    admin("DELETE", f"/environments/{data['name']}")
