"""Retries with backoff and jitter for transport failures, none for what a retry cannot fix."""

from __future__ import annotations

import socket
from decimal import Decimal
from typing import Any

import pytest
import requests
from nmbrs_client import (
    ClientSettings,
    HourLine,
    NmbrsClient,
    NmbrsCredentials,
    Period,
    ServerUnavailable,
    TransportError,
)
from nmbrs_client.retry import RetryPolicy, is_write
from stub_server import RESET, error_page, stub_server

from mock_server.server import MockServer

NO_LIMIT = ClientSettings(rate_limit=None, retries=3, backoff=0.5, jitter=0.5)


def make_client(url: str, credentials: NmbrsCredentials, sleeps: list[float], **settings: Any) -> NmbrsClient:
    return NmbrsClient(
        f"{url}/soap/v3/",
        credentials,
        settings=ClientSettings(**{**NO_LIMIT.__dict__, **settings}),
        sleep=sleeps.append,
        rand=lambda: 0.5,
    )


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(retries=10, backoff=0.5, max_backoff=4.0, jitter=0.5)
    assert [policy.delay(n, rand=lambda: 0.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert policy.delay(1, rand=lambda: 1.0) == 0.75  # up to +50 % at random


def test_writes_are_told_apart() -> None:
    assert is_write("HourComponentVar_Insert_Batch") and is_write("DaysVar_Set_Batch")
    assert is_write("WageTax_SetSentExternal") and is_write("HourComponentVar_ClearCurrent")
    assert not is_write("HourComponentVar_Get") and not is_write("List_GetAll")


def test_503_is_retried_until_it_answers(mock_server: MockServer, credentials: NmbrsCredentials) -> None:
    sleeps: list[float] = []
    with stub_server([error_page(503), error_page(503)], forward_to=mock_server.url) as stub:
        client = make_client(stub.url, credentials, sleeps)
        companies = client.companies.list()
    assert companies and stub.posts == 3
    assert sleeps == [0.625, 1.25]  # 0.5 s then 1 s, each +25 % (rand 0.5 × jitter 0.5)


def test_a_reset_connection_is_retried_for_a_read(
    mock_server: MockServer, credentials: NmbrsCredentials
) -> None:
    sleeps: list[float] = []
    with stub_server([RESET], forward_to=mock_server.url) as stub:
        client = make_client(stub.url, credentials, sleeps)
        assert client.companies.list()
    assert stub.posts == 2 and len(sleeps) == 1


def test_retries_run_out(credentials: NmbrsCredentials) -> None:
    sleeps: list[float] = []
    with stub_server([error_page(503)] * 10) as stub:
        client = make_client(stub.url, credentials, sleeps, retries=2)
        with pytest.raises(ServerUnavailable) as raised:
            client.companies.list()
    assert stub.posts == 3 and len(sleeps) == 2
    error = raised.value
    assert (error.status, error.code, error.operation) == (503, None, "List_GetAll")
    assert error.url == f"{stub.url}/soap/v3/CompanyService.asmx" and error.url in str(error)


@pytest.mark.parametrize(
    ("answer", "retried"), [(error_page(503), True), (error_page(502), False), (RESET, False)]
)
def test_writes_are_retried_only_when_surely_unprocessed(
    credentials: NmbrsCredentials, answer: Any, retried: bool
) -> None:
    """Hour components are additive: after a 502 or a reset the insert may have happened."""
    sleeps: list[float] = []
    with stub_server([answer, error_page(503), error_page(503), error_page(503)]) as stub:
        client = make_client(stub.url, credentials, sleeps, retries=1)
        with pytest.raises(TransportError):
            client.hours.insert_batch([HourLine(1, 1, Decimal(1))], Period(2026, 11))
    assert stub.posts == (2 if retried else 1)


def test_retry_writes_retries_them_all(credentials: NmbrsCredentials) -> None:
    sleeps: list[float] = []
    with stub_server([RESET, error_page(502), error_page(503)]) as stub:
        client = make_client(stub.url, credentials, sleeps, retries=2, retry_writes=True)
        with pytest.raises(ServerUnavailable):
            client.hours.insert_batch([HourLine(1, 1, Decimal(1))], Period(2026, 11))
    assert stub.posts == 3


def test_connection_refused_is_retried_then_reported(credentials: NmbrsCredentials) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    client = make_client(f"http://127.0.0.1:{port}", credentials, sleeps, retries=2)
    with pytest.raises(TransportError) as raised:
        client.hours.insert_batch([HourLine(1, 1, Decimal(1))], Period(2026, 11))  # a write: refused is safe
    assert len(sleeps) == 2
    assert "cannot reach the server" in str(raised.value) and f"127.0.0.1:{port}" in str(raised.value)
    assert isinstance(raised.value.__cause__, requests.ConnectionError)


class RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = "locust/2.x"
        self.timeouts: list[Any] = []

    def post(self, url: Any, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        self.timeouts.append(kwargs.get("timeout"))
        return super().post(url, data=data, json=json, **kwargs)


def test_a_callers_session_and_the_configured_timeouts_are_used(
    mock_server: MockServer, credentials: NmbrsCredentials
) -> None:
    session = RecordingSession()
    settings = ClientSettings(connect_timeout=3.0, read_timeout=42.0)
    client = NmbrsClient(f"{mock_server.url}/soap/v3/", credentials, session=session, settings=settings)
    assert client.session is session
    client.companies.list()
    assert session.timeouts == [(3.0, 42.0)]
    assert session.headers["User-Agent"] == "locust/2.x"  # zeep does not overwrite a caller's session
