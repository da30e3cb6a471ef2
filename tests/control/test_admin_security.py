"""Admin API security: loopback only by default, a token when asked; refusals change nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
import requests

from mock_server.app import MockApp
from mock_server.control.loopback import is_loopback, is_loopback_host
from mock_server.domain.demo import EnvironmentShape
from mock_server.server import MockServer
from mock_server.settings import MockSettings

TINY = EnvironmentShape(employees=1, period_types=("M",), debtors=1)
TOKEN = "s3cret-admin-token"


def _wsgi(
    app: MockApp, method: str, path: str, remote: str, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "REMOTE_ADDR": remote,
        "HTTP_HOST": "mock.example:8080",
        **(headers or {}),
    }
    status: list[str] = []
    answer = b"".join(app.wsgi(environ, lambda s, h: status.append(s)))
    return int(status[0].split()[0]), json.loads(answer)


@pytest.fixture(scope="module")
def open_app() -> MockApp:
    return MockApp(demo=TINY)


@pytest.fixture(scope="module")
def guarded_app() -> MockApp:
    return MockApp(MockSettings(admin_token=TOKEN), demo=TINY)


def test_non_loopback_callers_are_refused_without_a_token(open_app):
    status, body = _wsgi(open_app, "POST", "/__admin/environments", "203.0.113.9", body={"name": "x"})
    assert status == 403 and "loopback" in body["error"]
    assert "x" not in open_app.backend.specs
    assert _wsgi(open_app, "GET", "/__admin/health", "127.0.0.1")[0] == 200
    assert _wsgi(open_app, "GET", "/__admin/health", "::1")[0] == 200


@pytest.mark.parametrize("remote", ["127.0.0.1", "203.0.113.9"])
def test_with_a_token_every_caller_must_send_it(guarded_app, remote):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_X_ADMIN_TOKEN": "wrong"},
        {"HTTP_AUTHORIZATION": TOKEN},
    ):
        status, body = _wsgi(guarded_app, "POST", "/__admin/environments", remote, headers, {"name": "made"})
        assert (status, body["status"]) == (401, 401)
        assert "made" not in guarded_app.backend.specs
        status, _ = _wsgi(guarded_app, "DELETE", "/__admin/environments/demo", remote, headers)
        assert status == 401 and "demo" in guarded_app.backend.specs
    assert (
        _wsgi(guarded_app, "GET", "/__admin/health", remote, {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"})[0]
        == 200
    )
    assert _wsgi(guarded_app, "GET", "/__admin/health", remote, {"HTTP_X_ADMIN_TOKEN": TOKEN})[0] == 200


def test_the_soap_endpoints_do_not_need_the_admin_token(guarded_app):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/soap/v3/CompanyService.asmx",
        "QUERY_STRING": "WSDL",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_HOST": "mock:1",
    }
    status: list[str] = []
    b"".join(guarded_app.wsgi(environ, lambda s, h: status.append(s)))
    assert status[0].startswith("200")


def test_a_real_server_with_a_token(guarded_app):
    with MockServer(guarded_app) as server:
        url = f"{server.url}/__admin/environments"
        refused = requests.post(url, json={"name": "over-http"}, timeout=10)
        assert refused.status_code == 401 and refused.json()["status"] == 401
        assert "over-http" not in guarded_app.backend.specs
        made = requests.post(
            url, json={"name": "over-http"}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert made.status_code == 201


def test_loopback_addresses():
    assert is_loopback("127.0.0.5") and is_loopback("::1") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("10.0.0.1") and not is_loopback("") and not is_loopback(None)
    assert is_loopback_host("localhost") and is_loopback_host("127.0.0.1") and is_loopback_host("[::1]")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("example.com")


def test_the_cli_refuses_a_non_loopback_host_without_a_token():
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nmbrs-mock: --host 0.0.0.0 is not a loopback address: the admin API then needs --admin-token TOKEN"
    ]
    assert result.stdout == ""
