"""Shared fixtures: the network is blocked, one mock server per session, a fresh environment per test."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from dataclasses import replace

import pytest
from nmbrs_client import NmbrsClient, NmbrsCredentials

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, demo_spec
from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import MockSettings

_LOOPBACK = ("127.", "::1", "localhost")
_original_connect = socket.socket.connect
_names = itertools.count(1)


def _guarded_connect(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and not str(host).startswith(_LOOPBACK):
        raise RuntimeError(f"tests may only connect to loopback, not {address!r}")
    return _original_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _original_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def mock_app() -> MockApp:
    return MockApp(MockSettings(throttle=ThrottleSettings(enabled=False)))


@pytest.fixture(scope="session")
def mock_server(mock_app: MockApp) -> Iterator[MockServer]:
    with MockServer(mock_app) as server:
        yield server


@pytest.fixture
def environment(mock_app: MockApp) -> EnvironmentSpec:
    """A fresh copy of the demo environment for one test (other tests never see its writes)."""
    spec = demo_spec(f"test{next(_names)}")
    user = replace(spec.users[0], username=f"user@{spec.name}.test", token=f"token-{spec.name}")
    spec = replace(spec, users=[user])
    mock_app.backend.clone_environment(DEMO_DOMAIN, spec)
    return spec


@pytest.fixture
def credentials(environment: EnvironmentSpec) -> NmbrsCredentials:
    user = environment.users[0]
    return NmbrsCredentials(user.username, user.token, environment.name)


@pytest.fixture
def client(mock_server: MockServer, credentials: NmbrsCredentials) -> NmbrsClient:
    return NmbrsClient(f"{mock_server.url}/soap/v3/", credentials)
