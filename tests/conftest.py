"""The suite's fixture names over the nmbrs_mock plugin's (mock_server/testing/pytest_plugin.py).

The plugin serves one mock per session (per xdist worker) and gives each test a fresh environment;
its loopback-only network guard is switched on in pyproject.toml (`nmbrs_loopback_only`).
"""

from __future__ import annotations

import os

import pytest
from nmbrs_client import NmbrsClient, NmbrsCredentials

from mock_server.app import MockApp
from mock_server.domain.model import EnvironmentSpec
from mock_server.server import MockServer
from mock_server.testing import NmbrsEnv, NmbrsMock

# the suite's mocks seed afresh, whatever seed cache the developer's shell names (tests that use the
# cache give their own folder)
os.environ.pop("NMBRS_MOCK_SEED_CACHE", None)


@pytest.fixture(scope="session")
def mock_app(nmbrs_mock: NmbrsMock) -> MockApp:
    return nmbrs_mock.app


@pytest.fixture(scope="session")
def mock_server(nmbrs_mock: NmbrsMock) -> MockServer:
    return nmbrs_mock.server


@pytest.fixture
def environment(nmbrs_env: NmbrsEnv) -> EnvironmentSpec:
    """A fresh copy of the demo environment for one test (other tests never see its writes)."""
    return nmbrs_env.spec


@pytest.fixture
def credentials(nmbrs_env: NmbrsEnv) -> NmbrsCredentials:
    return nmbrs_env.credentials


@pytest.fixture
def client(nmbrs_env: NmbrsEnv) -> NmbrsClient:
    return nmbrs_env.client
