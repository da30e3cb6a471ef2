"""The cyclic garbage collector waits while a call is handled and its answer written
(`soap/collector.py`), and runs again afterwards, whatever the call's outcome."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.errors import UnknownCompany
from mock_server.soap import pipeline
from mock_server.soap.collector import collector_paused

SERVICE, OPERATION = "CompanyService", "Company_GetCurrentPeriod"
DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)


@pytest.fixture(scope="module")
def app() -> MockApp:
    return MockApp(demo=EnvironmentShape(employees=1, period_types=("M",), debtors=1))


def _call(app: MockApp) -> int:
    body = raw.envelope(SERVICE, OPERATION, "<CompanyId>10000</CompanyId>", DEMO)
    return app.pipeline.handle(SERVICE, body, raw.CONTENT_TYPES["1.1"], None).status


@pytest.mark.parametrize("raises", [None, UnknownCompany(), RuntimeError("a bug")])
def test_the_collector_waits_during_the_handler_only(
    app: MockApp, monkeypatch: pytest.MonkeyPatch, raises: Exception | None
) -> None:
    seen: list[bool] = []
    real = pipeline.handler_for

    def watching(service: str, operation: str) -> Any:
        handler = real(service, operation)

        def handle(call: Any) -> Any:
            seen.append(gc.isenabled())
            if raises is not None:
                raise raises
            return handler(call)

        return handle

    monkeypatch.setattr(pipeline, "handler_for", watching)
    assert gc.isenabled()
    status = _call(app)
    assert seen == [False]
    assert gc.isenabled()
    assert status == (200 if raises is None else 500)


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
