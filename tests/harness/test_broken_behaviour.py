"""The stateful model catches broken mocks: each variant is made here, by monkeypatching the running
in-process mock (never by a flag of the normal CLI), and the failure must name the operation, the rule
and the fact it broke. Focused runs (a few rules, few steps) keep each test to seconds."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace

import pytest

import mock_server.domain.payroll as payroll
import mock_server.services.conventions_write as conventions_write
from mock_server.domain.errors import Unknown
from mock_server.domain.permissions import Template
from mock_server.harness.stateful import StatefulResult, run_stateful
from mock_server.harness.target import Target, in_process_target


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with in_process_target() as mock:
        yield mock


def caught(result: StatefulResult, rule: str, operations: set[str], fact: str, text: str) -> None:
    assert not result.ok, f"the broken mock was not caught:\n{result.render()}"
    failure = result.failures[0]
    report = failure.render()
    assert failure.rule == rule, report
    assert failure.operation in operations, report
    assert any(fact in line for line in failure.facts), report
    assert text in failure.message, report
    assert "state.discover(" in failure.steps and f"state.{rule}(" in failure.steps, (
        report
    )  # the shrunk steps
    assert failure.curl is not None and failure.curl.startswith("curl ") and "SOAPAction" in failure.curl


def test_the_unbroken_mock_passes_the_same_focused_runs(target: Target) -> None:
    rules = ["insert_var", "batch_var", "throttle_burst", "restricted_denied", "process_run"]
    result = run_stateful(target, "quick", seed=0, rules=rules, max_examples=6, steps=8)
    assert result.ok, result.render()
    assert set(rules) <= set(result.rules), result.render()


def test_a_protected_period_write_without_2011_is_caught(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conventions_write, "check_protected", lambda *args: None)
    result = run_stateful(target, "quick", seed=0, rules=["insert_var"], max_examples=20, steps=5)
    operations = {f"EmployeeService.{k}ComponentVar_Insert" for k in ("Hour", "Wage")}
    caught(result, "insert_var", operations, "INFERRED §4 protected-past", "expected fault 2011, got success")


def test_a_batch_that_half_applies_is_caught(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its transaction a faulting batch keeps the lines written before the bad one."""
    monkeypatch.setattr(target.app.backend, "transaction", contextlib.nullcontext)
    result = run_stateful(target, "quick", seed=0, rules=["batch_var"], max_examples=60, steps=6)
    operations = {f"EmployeeService.{k}ComponentVar_Insert_Batch" for k in ("Hour", "Wage")}
    caught(result, "batch_var", operations, "INFERRED §3 batch-atomic", "after ")


def test_a_throttle_that_refuses_is_caught(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise Unknown(context=f"over the rate: refused instead of {seconds}s late")

    monkeypatch.setattr(target.app.pipeline, "sleep", refuse)
    result = run_stateful(target, "quick", seed=0, rules=["throttle_burst"], max_examples=3, steps=3)
    caught(
        result,
        "throttle_burst",
        {"CompanyService.Company_GetCurrentPeriod"},
        "CONFIRMED §6 throttle-delays",
        "refused",
    )


def test_a_throttle_that_does_not_delay_is_caught(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(target.app.pipeline, "sleep", lambda seconds: None)
    result = run_stateful(target, "quick", seed=0, rules=["throttle_burst"], max_examples=3, steps=3)
    caught(
        result,
        "throttle_burst",
        {"CompanyService.Company_GetCurrentPeriod"},
        "throttle-delays",
        "none delayed",
    )


def test_a_missing_1002_is_caught(target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    """The template check skipped for a whole operation family (HourComponentVar_*)."""
    original = Template.check

    def lenient(self: Template, service: str, operation: str) -> None:
        if not operation.startswith("HourComponentVar"):
            original(self, service, operation)

    monkeypatch.setattr(Template, "check", lenient)
    result = run_stateful(target, "quick", seed=0, rules=["restricted_denied"], max_examples=30, steps=6)
    caught(
        result,
        "restricted_denied",
        {"EmployeeService.HourComponentVar_Insert"},
        "CONFIRMED §7 template-1002",
        "expected fault 1002",
    )


def test_a_current_period_that_does_not_advance_is_caught(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payroll, "advance", lambda *args: None)
    result = run_stateful(target, "quick", seed=0, rules=["process_run"], max_examples=3, steps=3)
    caught(
        result,
        "process_run",
        {"CompanyService.RunRequest_Insert"},
        "INFERRED §4 run-advances",
        "current period",
    )


def test_a_legacy_9999_protected_fault_names_the_code_fact(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mock's legacy setting answers 9999 ("TWK"): against the oracle's 2011 that is the code fact."""
    legacy = replace(target.app.pipeline.settings, protected_period_code=9999)
    monkeypatch.setattr(target.app.pipeline, "settings", legacy)
    result = run_stateful(target, "quick", seed=0, rules=["insert_var"], max_examples=20, steps=5)
    operations = {f"EmployeeService.{k}ComponentVar_Insert" for k in ("Hour", "Wage")}
    caught(result, "insert_var", operations, "INFERRED §3 protected-code-2011", "got fault 9999")
