"""Slow and parked clients do not stop others being served, and the time limits close them.

The "others are served" tests give the slow clients far more time than the test takes, then check
that a normal call was answered while every slow connection was still open (so it was not answered
because they were dropped). The limit tests trickle for much longer than the limit and check the
server ended the trickle first, by how much of it was sent. No wall-time bound on how fast.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from hardening_support import DEMO, post_request, read_http, small_app, soap_answer
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, http_headers

from mock_server.domain.demo import DEMO_DOMAIN
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import ConnectionLimits

PATH = "/soap/v3/DebtorService.asmx"
SLOW = 300  # slowloris connections
PARKED = 2000  # throttled calls parked at once


def normal_call(server: MockServer, credentials: NmbrsCredentials = DEMO) -> requests.Response:
    body = envelope("DebtorService", "List_GetAll", "", credentials)
    return requests.post(
        server.soap_url("DebtorService"),
        data=body,
        headers=http_headers("DebtorService", "List_GetAll"),
        timeout=60,
    )


def still_open(sock: socket.socket) -> bool:
    """Open and unanswered: nothing to read yet (an answer or a close would be readable)."""
    sock.setblocking(False)
    try:
        sock.recv(1)
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def wait_for_pool(server: MockServer, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.wsgi_server is not None and len(server.wsgi_server.pool) >= count:
            return
        time.sleep(0.05)
    pytest.fail(
        f"the server holds {len(server.wsgi_server.pool) if server.wsgi_server else 0} of {count} connections"
    )


@pytest.fixture
def patient() -> Iterator[MockServer]:
    limits = ConnectionLimits(idle_timeout=600, header_timeout=600, body_timeout=600)
    with MockServer(small_app(limits=limits)) as server:
        yield server


def test_slowloris_and_trickled_bodies_do_not_stop_other_clients(patient):
    headers = http_headers("DebtorService", "List_GetAll")
    slow: list[socket.socket] = []
    try:
        for n in range(SLOW):
            sock = socket.create_connection((patient.host, patient.port), timeout=30)
            if n % 2:  # headers never finished
                sock.sendall(b"POST /soap/v3/DebtorService.asmx HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            else:  # headers done, a 1000-byte body of which 1 byte arrived
                sock.sendall(post_request(PATH, b"<", headers, length=1000))
            slow.append(sock)
        wait_for_pool(patient, SLOW)
        for _ in range(3):
            response = normal_call(patient)
            assert response.status_code == 200 and soap_answer(200, response.content).fault is None
        assert all(still_open(sock) for sock in slow), "slow clients were dropped, not served alongside"
    finally:
        for sock in slow:
            sock.close()


def test_thousands_of_parked_throttled_calls_do_not_stop_other_clients():
    throttle = ThrottleSettings(rate_per_second=1, delay_seconds=600)  # parked for the whole test
    app = small_app(throttle=throttle, limits=ConnectionLimits(idle_timeout=900, body_timeout=900))
    other = app.control.clone_environment(DEMO_DOMAIN)  # its own throttle budget (scope: environment)
    body = envelope("DebtorService", "List_GetAll", "", DEMO)
    request = post_request(PATH, body, http_headers("DebtorService", "List_GetAll"))
    parked: list[socket.socket] = []
    with MockServer(app) as server:
        try:
            started = time.monotonic()
            for _ in range(PARKED):
                sock = socket.create_connection((server.host, server.port), timeout=30)
                sock.sendall(request)
                parked.append(sock)
            wait_for_pool(server, PARKED)
            answered = normal_call(server, NmbrsCredentials(other.username, other.token, other.domain))
            assert answered.status_code == 200 and soap_answer(200, answered.content).fault is None
            waiting = sum(still_open(sock) for sock in parked)
            elapsed = time.monotonic() - started
            print(
                f"{PARKED} calls parked, {waiting} still parked when another environment's call was answered"
            )
            assert PARKED - waiting <= 2 + elapsed  # the budget (1 call/s) let only those through
        finally:
            for sock in parked:
                sock.close()


def trickle(sock: socket.socket, prefix: bytes, drip: bytes, count: int, gap: float) -> int:
    """Send `prefix`, then `drip` up to `count` times, `gap` apart; stop when the server closes. How
    many drips were sent."""
    sock.sendall(prefix)
    for sent in range(count):
        try:
            sock.sendall(drip)
        except OSError:
            return sent
        readable = _readable(sock, gap)
        if readable:
            return sent + 1
    return count


def _readable(sock: socket.socket, wait: float) -> bool:
    import select

    return bool(select.select([sock], [], [], wait)[0])


@pytest.fixture
def strict() -> Iterator[MockServer]:
    limits = ConnectionLimits(idle_timeout=1.5, header_timeout=1.5, body_timeout=1.5)
    with MockServer(small_app(limits=limits)) as server:
        yield server


DRIPS = 400  # 0.1 s apart: 40 s of trickling, far past the 1.5 s limits


def test_headers_trickled_past_the_header_timeout_get_408(strict):
    with socket.create_connection((strict.host, strict.port), timeout=60) as sock:
        sent = trickle(sock, b"POST /soap/v3/DebtorService.asmx HTTP/1.1\r\nHost: x\r\n", b"X", DRIPS, 0.1)
        status, _, body = read_http(sock)
    assert status == 408 and b"headers" in body
    assert sent < DRIPS, "the server waited for the whole trickle"


def test_a_body_trickled_past_the_body_timeout_gets_a_408_fault(strict):
    headers = http_headers("DebtorService", "List_GetAll")
    with socket.create_connection((strict.host, strict.port), timeout=60) as sock:
        sent = trickle(sock, post_request(PATH, b"", headers, length=DRIPS + 10), b"<", DRIPS, 0.1)
        status, response_headers, body = read_http(sock)
    answer = soap_answer(status, body)
    assert status == 408 and answer.fault is not None and "did not arrive within 1.5 s" in answer.fault[1]
    assert response_headers.get("connection") == "close"
    assert sent < DRIPS


def test_an_idle_connection_is_closed_after_the_idle_timeout(strict):
    with socket.create_connection((strict.host, strict.port), timeout=60) as sock:
        assert sock.recv(100) == b""  # closed by the server, nothing sent
    assert normal_call(strict).status_code == 200  # and the server still serves


def test_a_keep_alive_connection_serves_several_calls_within_the_limits(strict):
    body = envelope("DebtorService", "List_GetAll", "", DEMO)
    with socket.create_connection((strict.host, strict.port), timeout=60) as sock:
        for _ in range(3):
            sock.sendall(post_request(PATH, body, http_headers("DebtorService", "List_GetAll")))
            status, _, answer = read_http(sock)
            assert status == 200 and soap_answer(status, answer).fault is None


def test_the_header_limit_holds_while_others_are_served(strict):
    """A slow client hitting the limit and a normal call at the same time."""
    results: dict[str, int] = {}

    def slow() -> None:
        with socket.create_connection((strict.host, strict.port), timeout=60) as sock:
            trickle(sock, b"GET / HTTP/1.1\r\n", b"X", DRIPS, 0.1)
            results["slow"] = read_http(sock)[0]

    thread = threading.Thread(target=slow)
    thread.start()
    results["normal"] = normal_call(strict).status_code
    thread.join(60)
    assert results == {"normal": 200, "slow": 408}
