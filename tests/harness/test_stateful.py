"""The stateful model against the in-process mock, its oracle on its own, and its independence from the
mock's code."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from mock_server.harness import oracle_facts as facts
from mock_server.harness.oracle import HOUR, PayrollOracle
from mock_server.harness.oracle_periods import Periods, parse_period
from mock_server.harness.results import Result
from mock_server.harness.stateful import rule_names, run_stateful
from mock_server.harness.target import Credentials, Target, in_process_target

HARNESS = Path(__file__).resolve().parents[2] / "mock_server" / "harness"
FORBIDDEN = ("mock_server.domain", "mock_server.services", "mock_server.storage")


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with in_process_target() as mock:
        yield mock


def test_the_model_holds_on_the_mock(target: Target) -> None:
    result = run_stateful(target, "quick", seed=0, max_examples=8)
    assert result.ok, result.render()
    assert result.examples >= 8
    ran = {name for name, count in result.rules.items() if count}
    # every family of rules ran: components, days, contracts, runs, templates, throttle
    for needed in (
        "process_run",
        "restricted_denied",
        "restricted_allowed",
        "throttle_burst",
        "set_days_batch",
    ):
        assert needed in ran, result.render()
    assert len(ran & set(rule_names())) >= 12, result.render()
    seen = {code for codes in result.faults.values() for code in codes}
    assert {1002, 2011} <= seen, result.faults  # refusals were predicted and met, not only successes


def test_a_focused_run_covers_updates_stops_and_deletes(target: Target) -> None:
    focused = [
        "insert_fixed",
        "update_fixed",
        "stop_fixed",
        "delete_fixed",
        "insert_contract",
        "update_contract",
        "delete_contract",
        "process_run",
    ]
    # 12 examples: fewer leave which rules Hypothesis reaches to chance (its generation is not timing-free)
    result = run_stateful(target, "quick", seed=3, rules=focused, max_examples=12, steps=20)
    assert result.ok, result.render()
    assert set(result.rules) - {"discover", "read_back"} <= set(focused)
    assert {"update_fixed", "stop_fixed", "update_contract"} <= set(result.rules), result.render()


def test_the_runner_sees_one_result_per_machine(target: Target) -> None:
    result = run_stateful(target, "quick", seed=1, rules=["insert_var", "clear_var"], max_examples=2, steps=5)
    results = list(result)
    assert all(isinstance(r, Result) for r in results)
    assert results[0].key == "stateful:PayrollMachine" and results[0].ok
    assert results[0].passed["stateful:insert_var"] + results[0].passed["stateful:clear_var"] > 0


def test_a_read_only_real_target_is_skipped_with_a_note() -> None:
    real = Target("http://127.0.0.1:9/soap/v3/", Credentials("u", "t"), is_real=True, allow_writes=False)
    result = run_stateful(real, "quick")
    assert result.ok and result.examples == 0 and result.calls == {}
    assert "--allow-writes" in result.notes[0]
    assert next(iter(result)).skipped


def test_unknown_rules_and_profiles_are_named() -> None:
    real = Target("http://127.0.0.1:9/soap/v3/", Credentials("u", "t"))
    with pytest.raises(ValueError, match="unknown profile 'nightly'"):
        run_stateful(real, "nightly")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:  # `from a import b` imports a.b (or a's b)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize(
    "path", sorted([*HARNESS.glob("oracle*.py"), *HARNESS.glob("stateful*.py")]), ids=lambda p: p.name
)
def test_the_model_never_imports_the_mocks_domain(path: Path) -> None:
    imported = _imports(path)
    assert not [name for name in imported if name.startswith(FORBIDDEN)], imported
    if path.name.startswith("oracle"):  # the oracle is plain Python: the standard library and itself
        assert all(
            not name.startswith("mock_server") or name.startswith("mock_server.harness.oracle")
            for name in imported
        ), imported


def test_the_modules_are_found() -> None:
    assert len(list(HARNESS.glob("oracle*.py"))) >= 3 and len(list(HARNESS.glob("stateful*.py"))) >= 5


# --- the oracle on its own ----------------------------------------------------------------------------


def test_periods_roll_over_by_type() -> None:
    assert Periods("W1").count(2026) == 53 and Periods("W1").count(2027) == 52
    assert Periods("W1").next((2026, 53)) == (2027, 1)
    assert Periods("W4").next((2026, 13)) == (2027, 1)
    assert Periods("M").previous((2027, 1)) == (2026, 12)
    assert not Periods("M").valid((2026, 13))
    assert parse_period("2026-11-M") == ("M", (2026, 11)) and parse_period("2026-11") is None


def _oracle() -> PayrollOracle:
    return PayrollOracle(Periods("M"), (2026, 11), [1, 2], frozenset({1, 2}), frozenset({130}))


def test_the_oracle_protects_past_periods_and_names_the_facts() -> None:
    oracle = _oracle()
    refused = oracle.insert_component(HOUR, True, 1, 1, Decimal(2), (2026, 10), unprotected=False)
    assert refused.codes == {2011} and facts.PROTECTED_PAST in refused.facts
    allowed = oracle.insert_component(HOUR, True, 1, 1, Decimal(2), (2026, 10), unprotected=True)
    assert not allowed.codes and allowed.commit is not None
    assert oracle.insert_component(HOUR, True, 1, 1, Decimal(2), (2026, 13), unprotected=True).codes == {2006}
    assert oracle.insert_component(HOUR, True, 1, 99, Decimal(2), (2026, 12)).codes == {2001}


def test_a_batch_with_one_bad_line_is_refused_whole() -> None:
    oracle = _oracle()
    plan = oracle.insert_batch(HOUR, True, [(1, 1, Decimal(1)), (2, 99, Decimal(1))], (2026, 11), False)
    assert plan.codes == {2001} and facts.BATCH_ATOMIC in plan.facts and plan.commit is None


def test_fixed_values_hold_until_stopped_and_runs_close_periods() -> None:
    oracle = _oracle()
    oracle.set_days(False, 1, 5, (2026, 11)).commit(0)  # type: ignore[misc]
    oracle.set_days(False, 1, 3, (2027, 1)).commit(0)  # type: ignore[misc]
    assert [oracle.days_value(False, 1, p) for p in ((2026, 10), (2026, 12), (2027, 2))] == [0, 5, 3]
    oracle.stop_days(1, (2026, 12), False).commit(0)  # type: ignore[misc]
    assert oracle.days_value(False, 1, (2027, 2)) == 3  # a value starting later is not stopped
    oracle.process_run().commit(0)  # type: ignore[misc]
    assert oracle.current == (2026, 12) and oracle.runs[2026] == 1
    assert oracle.set_days(True, 1, 2, (2026, 11)).codes == {2011}


def test_weekly_runs_roll_over_the_53_week_year(target: Target) -> None:
    result = run_stateful(
        target, "deep", seed=2, rules=["process_run", "insert_var"], kinds=("W1",), max_examples=3, steps=24
    )
    assert result.ok, result.render()
    assert "2026-53-W1 → 2027-1-W1" in result.rollovers, result.render()
