"""Environments are tenants: cloned in milliseconds, isolated, reset to their seeded state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mock_server.domain.demo import DEMO_DOMAIN, demo_spec
from mock_server.domain.model import Debtor


def test_a_clone_starts_with_the_source_data_and_is_isolated(mock_app):
    backend = mock_app.backend
    spec = replace(demo_spec("clone-a"), users=[replace(demo_spec().users[0], username="a@clone.test")])
    clone = backend.clone_environment(DEMO_DOMAIN, spec)
    source = backend.tenant(DEMO_DOMAIN)
    assert [c.id for c in clone.companies()] == [c.id for c in source.companies()]
    assert len(clone.records("Payslip", "employee")) == len(source.records("Payslip", "employee")) > 0
    with backend.store.transaction():
        clone.save(Debtor(clone.next_id("debtor"), "77", "Only in the clone"))
    assert "Only in the clone" in [d.name for d in clone.debtors()]
    assert "Only in the clone" not in [d.name for d in source.debtors()]
    assert backend.authenticate("a@clone.test", spec.users[0].token, "clone-a").name == "clone-a"

    mock_app.reset("clone-a")
    assert "Only in the clone" not in [d.name for d in backend.tenant("clone-a").debtors()]
    assert [d.name for d in backend.tenant("clone-a").debtors()] == [d.name for d in source.debtors()]


def test_unknown_environments_are_named(mock_app):
    with pytest.raises(KeyError, match="unknown environment 'nope'"):
        mock_app.reset("nope")
    with pytest.raises(KeyError, match="unknown environment 'nope'"):
        mock_app.backend.clone_environment("nope", demo_spec("x"))


def test_cloning_an_environment_onto_itself_is_refused(mock_app):
    with pytest.raises(ValueError, match="onto itself"):
        mock_app.backend.clone_environment(DEMO_DOMAIN, demo_spec(DEMO_DOMAIN))
    assert mock_app.backend.tenant(DEMO_DOMAIN).companies()


def test_reset_forgets_the_journal_injected_faults_and_throttle_budget(mock_server, environment):
    from nmbrs_client import NmbrsCredentials
    from nmbrs_client.raw import envelope, fault_of, http_headers

    from mock_server.app import MockApp
    from mock_server.control.fault_injection import FaultRule
    from mock_server.domain.throttle import ThrottleSettings
    from mock_server.settings import MockSettings

    settings = MockSettings(throttle=ThrottleSettings(rate_per_second=2, delay_seconds=0.1, scope="user"))
    app = MockApp(settings, sleep=lambda seconds: None)
    user = app.backend.specs[DEMO_DOMAIN].users[0]
    body = envelope("CompanyService", "List_GetAll", "", NmbrsCredentials(user.username, user.token))
    headers = http_headers("CompanyService", "List_GetAll")

    def call() -> bytes:
        return app.pipeline.handle(
            "CompanyService", body, headers["Content-Type"], headers["SOAPAction"]
        ).body

    app.pipeline.faults.add(
        FaultRule("CompanyService.List_GetAll", environment=DEMO_DOMAIN, code=2004, times=None)
    )
    for _ in range(3):
        call()
    assert app.pipeline.journal.entries(DEMO_DOMAIN)[-1].delayed_ms == 100.0
    assert (app.pipeline.journal.entries(DEMO_DOMAIN)[-1].fault or "").startswith("2004: Unauthorized access")
    app.reset(DEMO_DOMAIN)
    assert app.pipeline.journal.entries(DEMO_DOMAIN) == []
    assert app.pipeline.throttle.stats() == {}
    assert fault_of(call()) is None
    assert app.pipeline.journal.entries(DEMO_DOMAIN)[-1].delayed_ms == 0.0
