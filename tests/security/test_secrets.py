"""Secrets: API tokens are compared in constant time and never shown in clear (logs, journal, admin API,
dashboard); the admin API answers loopback callers only by default; state files and snapshots are
created readable by their owner only."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from hardening_support import small_app
from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, http_headers, namespace

from mock_server.cli import main as cli_main
from mock_server.domain import backend as backend_module
from mock_server.domain.demo import DEMO_DOMAIN
from mock_server.domain.model import ApiUser
from mock_server.server import MockServer

SECRET = "S3cr3t-Tok3n-7f1c9a"
NEAR_MISS = "S3cr3t-Tok3n-7f1c9b"  # a wrong token is a secret too (it may be the real one, mistyped)
USER = "secret.user@demo.test"
NS = namespace("EmployeeService")


def header_variants(token: str) -> dict[str, str]:
    """The auth header written every way XML allows."""

    def header(token_element: str, prefix: str = "") -> str:
        name = f"{prefix}AuthHeaderWithDomain"
        xmlns = f'xmlns:{prefix[:-1]}="{NS}"' if prefix else f'xmlns="{NS}"'
        user = f"<{prefix}Username>{USER}</{prefix}Username>"
        return f"<{name} {xmlns}>{user}{token_element}</{name}>"

    return {
        "plain": header(f"<Token>{token}</Token>"),
        "prefixed": header(f"<a:Token>{token}</a:Token>", "a:"),
        "cdata": header(f"<Token><![CDATA[{token}]]></Token>"),
        "comment": header(f"<Token>{token[:6]}<!-- c -->{token[6:]}</Token>"),
        "spaced": header(f"<Token >\n {token} \n</Token >"),
        "attributes": header(f'<Token xmlns:q="urn:q" q:x="1">{token}</Token>'),
    }


class AllLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def served() -> Iterator[MockServer]:
    app = small_app()
    spec = app.backend.specs[DEMO_DOMAIN]
    app.backend.add_user(DEMO_DOMAIN, replace(spec.users[0], username=USER, token=SECRET))
    with MockServer(app) as running:
        yield running


def test_tokens_never_appear_in_logs_journal_or_admin_api(served):
    url = served.soap_url("EmployeeService")
    handler = AllLogs()
    root_logger = logging.getLogger()
    root_logger.addHandler(handler)
    old_level = root_logger.level
    root_logger.setLevel(logging.DEBUG)
    try:
        sent = 0
        for token in (SECRET, NEAR_MISS):
            for name, header in header_variants(token).items():
                body = envelope(
                    "EmployeeService",
                    "HourComponentVar_GetCurrent",
                    "<EmployeeId>100000</EmployeeId>",
                    header=header,
                )
                for data in (body, body[:-40]):  # whole, and cut (an XML error journalled with its body)
                    response = requests.post(
                        url,
                        data=data,
                        timeout=20,
                        headers=http_headers("EmployeeService", "HourComponentVar_GetCurrent"),
                    )
                    sent += 1
                    if token == SECRET and data is body:
                        assert response.status_code == 200, (name, response.text[:300])
    finally:
        root_logger.removeHandler(handler)
        root_logger.setLevel(old_level)
    admin = f"{served.url}/__admin"
    journal = requests.get(f"{admin}/requests", params={"limit": 1000}, timeout=20).json()
    entries = journal["requests"]
    assert len(entries) >= sent
    pages = [json.dumps(journal)]
    pages += [requests.get(f"{admin}/requests/{e['id']}", timeout=20).text for e in entries]
    for path in (
        "/requests/unmatched",
        "/environments",
        f"/environments/{DEMO_DOMAIN}",
        "/overview",
        "/ui",
        "/ui/app.js",
        "/health",
        "/openapi.json",
    ):
        page = requests.get(f"{admin}{path}", timeout=20)
        assert page.status_code == 200, (path, page.text[:200])
        pages.append(page.text)
    bodies = [
        e
        for e in (requests.get(f"{admin}/requests/{x['id']}", timeout=20).json() for x in entries)
        if e.get("request_body")
    ]
    assert bodies, "the journal kept request bodies (the masking is what is tested)"
    assert any("***" in e["request_body"] for e in bodies)
    seen = "\n".join(pages + handler.lines)
    for secret in (SECRET, NEAR_MISS, SECRET[:6] + "<!-- c -->" + SECRET[6:]):
        assert secret not in seen, f"token {secret!r} shown in clear"
    assert SECRET[6:] not in seen and NEAR_MISS[6:] not in seen  # not even its tail


def test_tokens_are_compared_in_constant_time_through_the_login_index(monkeypatch):
    app = small_app()
    spec = app.backend.specs[DEMO_DOMAIN]
    for n in range(50):  # many logins of other usernames: they are never compared (the index)
        app.backend.add_user(
            DEMO_DOMAIN, replace(spec.users[0], username=f"other{n}@demo.test", token=f"t{n}")
        )
    app.backend.add_user(DEMO_DOMAIN, ApiUser(USER, SECRET))
    compared: list[tuple[bytes, bytes]] = []
    real = backend_module.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(backend_module.hmac, "compare_digest", spy)
    user = app.backend.authenticate(USER, SECRET, None).user
    assert user is not None and user.username == USER
    assert compared == [(SECRET.encode(), SECRET.encode())]
    compared.clear()
    with pytest.raises(Exception) as refused:
        app.backend.authenticate(USER.upper(), NEAR_MISS, DEMO_DOMAIN)
    assert getattr(refused.value, "code", None) == 1001
    assert compared == [(SECRET.encode(), NEAR_MISS.encode())]
    assert SECRET not in str(refused.value) and NEAR_MISS not in str(getattr(refused.value, "context", ""))


def call_admin(app, address: str, token: str | None = None) -> int:
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/__admin/health",
        "REMOTE_ADDR": address,
        "wsgi.input": io.BytesIO(b""),
        "QUERY_STRING": "",
    }
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    b"".join(app.wsgi(environ, lambda status, headers: statuses.append(status)))
    return int(statuses[0].split()[0])


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.8.9.10"])
def test_the_admin_api_answers_loopback_callers_by_default(address):
    assert call_admin(small_app(), address) == 200


@pytest.mark.parametrize(
    "address", ["192.0.2.7", "10.0.0.1", "::ffff:192.0.2.7", "2001:db8::1", "", "localhost"]
)
def test_the_admin_api_refuses_other_callers_by_default(address):
    assert call_admin(small_app(), address) == 403


def test_with_an_admin_token_others_need_it():
    app = small_app(admin_token="admin-secret")
    assert call_admin(app, "192.0.2.7") == 401
    assert call_admin(app, "192.0.2.7", "wrong") == 401
    assert call_admin(app, "192.0.2.7", "admin-secret") == 200


def test_a_public_host_without_admin_token_is_refused(capsys, monkeypatch):
    monkeypatch.delenv("NMBRS_MOCK_ADMIN_TOKEN", raising=False)
    assert cli_main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--admin-token" in capsys.readouterr().err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_and_snapshots_are_created_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask would make them world-readable
    try:
        state = tmp_path / "state.sqlite"
        app = small_app(state_path=str(state))
        body = envelope("DebtorService", "List_GetAll", "", NmbrsCredentials(*_demo_login(app)))
        app.pipeline.handle("DebtorService", body, "text/xml; charset=utf-8", None)
        files = [state, Path(f"{state}-wal"), Path(f"{state}-shm")]
        assert all(f.exists() for f in files), list(tmp_path.iterdir())
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        snapshot = tmp_path / "demo.snapshot"
        app.control.snapshot_to_file(DEMO_DOMAIN, str(snapshot))
        assert mode(snapshot) == 0o600
        other = tmp_path / "other.snapshot"
        other.write_bytes(b"")
        other.chmod(0o644)
        app.control.snapshot_to_file(DEMO_DOMAIN, str(other))  # overwritten: tightened too
        assert mode(other) == 0o600
    finally:
        os.umask(old)


def _demo_login(app) -> tuple[str, str, str]:
    user = app.backend.specs[DEMO_DOMAIN].users[0]
    return user.username, user.token, DEMO_DOMAIN
