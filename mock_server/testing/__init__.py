"""Test support for suites that talk to nmbrs-mock: the pytest plugin (`pytest11` entry point
`nmbrs_mock`, module `mock_server.testing.pytest_plugin`) and the handles its fixtures give, which
work without pytest too. Names load lazily, so pytest's start stays fast for suites that never use
the plugin."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_server.testing.environment import NmbrsEnv, RealTargetUnsupported
    from mock_server.testing.mock import NmbrsMock
    from mock_server.testing.real import Sandbox, sandbox_from_env

_HOMES = {
    "NmbrsEnv": "environment",
    "RealTargetUnsupported": "environment",
    "NmbrsMock": "mock",
    "Sandbox": "real",
    "sandbox_from_env": "real",
}
__all__ = ["NmbrsEnv", "NmbrsMock", "RealTargetUnsupported", "Sandbox", "sandbox_from_env"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'mock_server.testing' has no attribute {name!r}")
    return getattr(import_module(f"mock_server.testing.{_HOMES[name]}"), name)
