"""The journal stays within its caps, masks tokens, can be switched off, and answers queries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from nmbrs_client import NmbrsCredentials
from nmbrs_client.raw import envelope, http_headers

from mock_server.app import MockApp
from mock_server.control.journal import Journal, JournalEntry, JournalQuery, JournalSettings
from mock_server.control.redact import body_text, jsonable
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings


def _entry(n: int, environment: str = "a", body: str = "") -> JournalEntry:
    return JournalEntry(
        at=1000.0 + n,
        service="CompanyService",
        operation="List_GetAll" if n % 2 else "Company_GetCurrentPeriod",
        environment=environment,
        username="u@a.test",
        soap_version="1.1",
        http_status=200,
        fault=None,
        duration_ms=1.0,
        delayed_ms=0.0,
        request_body=body,
    )


def test_never_past_max_entries_over_100000_records():
    journal = Journal(JournalSettings(max_entries=1000, max_bytes=10**12))
    peak = 0
    for n in range(100_000):
        journal.record(_entry(n))
        peak = max(peak, len(journal))
    assert peak == len(journal) == 1000
    assert [e.id for e in journal.entries()][:2] == [99_001, 99_002]  # the oldest went first


def test_never_past_max_bytes_over_100000_records():
    cap = 2_000_000
    journal = Journal(JournalSettings(max_entries=10**9, max_bytes=cap))
    peak = 0
    for n in range(100_000):
        journal.record(_entry(n, body="x" * (n % 700)))
        peak = max(peak, journal.size_bytes)
    assert peak <= cap
    assert journal.size_bytes == sum(e.size for e in journal.entries())  # kept incrementally, exactly
    assert journal.entries()[-1].id == 100_000


def test_off_records_nothing():
    journal = Journal(JournalSettings(enabled=False))
    assert journal.record(_entry(1)) is None
    assert len(journal) == 0


def test_queries_and_clearing_one_environment():
    journal = Journal()
    for n in range(10):
        journal.record(_entry(n, "a" if n < 6 else "b"))
    found, total = journal.query(JournalQuery(environment="a", operation="List_*", limit=2))
    assert total == 3 and [e.id for e in found] == [6, 4]  # newest first
    assert journal.query(JournalQuery(operation="CompanyService.Company_*"))[1] == 5
    assert journal.query(JournalQuery(since=1008.0))[1] == 2
    assert journal.query(JournalQuery(until=1001.0))[1] == 2
    assert journal.query(JournalQuery(user="U@A.TEST"))[1] == 10
    journal.clear("a")
    assert {e.environment for e in journal.entries()} == {"b"}
    assert journal.size_bytes == sum(e.size for e in journal.entries())


def test_tokens_are_masked_and_bodies_capped():
    body = b"<soap:Header><h:Token>secret-1</h:Token></soap:Header><Token attr='1'>secret-2</Token>"
    text, cut = body_text(body, 1000)
    assert text is not None and "secret" not in text and text.count("***") == 2 and not cut
    text, cut = body_text(b"<Token>" + b"s" * 50, 20)  # cut inside a token
    assert cut and text == "<Token>***"
    assert body_text(b"abc", 0) == (None, True)
    args, size = jsonable(
        {"Token": "secret", "Hours": Decimal("8.50"), "At": datetime(2026, 1, 2), "B": b"\x00"}
    )
    assert args == {"Token": "***", "Hours": "8.50", "At": "2026-01-02T00:00:00", "B": "AA=="}
    assert size > 0


def _call(app: MockApp, params: str = "") -> None:
    body = envelope(
        "CompanyService", "List_GetAll", params, NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)
    )
    headers = http_headers("CompanyService", "List_GetAll")
    assert (
        app.pipeline.handle("CompanyService", body, headers["Content-Type"], headers["SOAPAction"]).status
        == 200
    )


def test_the_pipeline_records_bodies_to_the_cap_and_never_the_token():
    shape = EnvironmentShape(employees=1, period_types=("M",), debtors=1)
    settings = MockSettings(throttle=ThrottleSettings(enabled=False), journal=JournalSettings(body_bytes=300))
    app = MockApp(settings, demo=shape)
    _call(app)
    [entry] = app.pipeline.journal.entries()
    assert entry.request_body is not None and len(entry.request_body) == 300 and entry.request_truncated
    assert DEMO_TOKEN not in entry.request_body and "<Token>***</Token>" in entry.request_body
    assert entry.response_body is not None and len(entry.response_body) <= 300
    assert entry.args == {} and entry.environment == DEMO_DOMAIN


def test_the_pipeline_records_nothing_with_the_journal_off():
    shape = EnvironmentShape(employees=1, period_types=("M",), debtors=1)
    settings = MockSettings(throttle=ThrottleSettings(enabled=False), journal=JournalSettings(enabled=False))
    app = MockApp(settings, demo=shape)
    _call(app)
    assert app.pipeline.journal.entries() == []
