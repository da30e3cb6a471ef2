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
