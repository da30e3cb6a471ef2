"""The real-sandbox client of test_client_sandbox.py and test_workflows_sandbox.py."""

from __future__ import annotations

import _socket
import os
import socket

import pytest
from nmbrs_client import NmbrsClient
from nmbrs_client.settings import credentials_from_env, settings_from_env

SANDBOX_VARIABLES = ("NMBRS_BASE_URL", "NMBRS_USERNAME", "NMBRS_TOKEN", "NMBRS_DOMAIN")


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> NmbrsClient:
    """A client for the sandbox, or a skip naming the NMBRS_* variables not set; the test network guard
    is lifted only for these opted-in tests."""
    missing = [name for name in SANDBOX_VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.skip(f"real-sandbox tests need {', '.join(missing)} set (see the module docstring)")
    monkeypatch.setattr(socket.socket, "connect", _socket.socket.connect)
    credentials = credentials_from_env()
    assert credentials is not None
    return NmbrsClient.from_settings(settings_from_env(), credentials)
