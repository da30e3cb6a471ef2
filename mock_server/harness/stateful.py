"""The stateful contract model: a Hypothesis `RuleBasedStateMachine` of what integrators rely on.

    result = run_stateful(in_process_target(), "quick", seed=0)
    print(result.render())

Each example starts afresh (mocks are reset; a real target's data is adopted as it is), picks a
company and some employees, then runs rules that write hour and wage components, days and contracts
in and around the current period, process payroll runs, try periods out of range, act as a login
whose template lacks operations and burst past the throttle. Every step compares the target's
answers with the oracle (`oracle.py`), and the current period is checked after every step. A failure
carries the shrunk step sequence, the facts the broken expectation rested on and the last exchange
as `curl`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.reporting import with_reporter
from hypothesis.stateful import get_state_machine_test

from mock_server.harness.results import Failure, Result
from mock_server.harness.stateful_components import ComponentRules
from mock_server.harness.stateful_context import PROFILES, Profile, RunContext, StatefulMismatch
from mock_server.harness.stateful_control import NoControl, control_for
from mock_server.harness.stateful_days import DaysRules
from mock_server.harness.stateful_scenarios import ScenarioRules
from mock_server.harness.target import Exchange, Target

DEFAULT_SEED = 0  # quick runs are reproducible unless a seed is given
ALWAYS = {"read_back"}  # kept in focused runs: a rule whose precondition never fails


class PayrollMachine(ComponentRules, DaysRules, ScenarioRules):
    """All rules together; `run_stateful` makes a subclass per run that carries the run's context."""


def rule_names() -> list[str]:
    return sorted(rule.function.__name__ for rule in PayrollMachine.setup_state().rules)


@dataclass(frozen=True)
class StatefulFailure:
    rule: str
    operation: str
    message: str
    facts: tuple[str, ...]  # the facts the expectation rested on ("INFERRED §4 protected-past: ...")
    steps: str  # the shrunk step sequence, as Hypothesis prints it
    curl: str | None  # the last exchange of the shrunk run, as a copy-paste reproduction
    response: str | None

    @property
    def check(self) -> str:
        return f"stateful:{self.rule}"

    def render(self) -> str:
        lines = [f"FAILED {self.check} on {self.operation}", f"  {self.message}"]
        lines += [f"  rests on {fact}" for fact in self.facts]
        inferred = [fact for fact in self.facts if fact.startswith("INFERRED")]
        if inferred:
            lines.append(
                "  (against a real Nmbrs, this failure means one of the INFERRED facts above is wrong)"
            )
        lines += ["  shrunk steps:", *(f"    {line}" for line in self.steps.splitlines())]
        if self.curl:
            lines += ["  last exchange:", f"    {self.curl}"]
        if self.response:
            lines += ["  its response:", f"    {self.response}"]
        return "\n".join(lines)


@dataclass
class StatefulResult:
    profile: str
    seed: int
    examples: int = 0
    elapsed: float = 0.0
    rules: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)  # SOAP calls per Service.Operation
    faults: dict[str, dict[int, int]] = field(default_factory=dict)  # faults seen per operation, by code
    failures: list[StatefulFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rollovers: list[str] = field(default_factory=list)  # year ends the payroll runs crossed
    last_exchange: Exchange | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def operations(self) -> list[str]:
        return sorted(self.calls)

    def __iter__(self) -> Iterator[Result]:
        """The runner's view: one `Result` for the machine, one per rule this target could not run."""
        return iter(self.as_results())

    def as_results(self) -> list[Result]:
        machine = Result("stateful:PayrollMachine", examples=self.examples)
        machine.passed.update({f"stateful:{name}": count for name, count in self.rules.items()})
        for codes in self.faults.values():
            machine.faults.update({str(code): count for code, count in codes.items()})
        if self.failures:
            failure = self.failures[0]
            machine.failed[failure.check] += 1
            machine.failure = Failure(
                failure.check,
                f"{failure.operation}: {failure.message}",
                "; ".join(failure.facts) or None,
                exchange=self.last_exchange,
                steps=failure.steps.splitlines(),
                note=f"stateful rule '{failure.rule}'; the last exchange of the shrunk run follows",
            )
        if not self.examples and self.notes:
            machine.skipped = "; ".join(self.notes)
        skipped = [
            Result(f"stateful:{note.split(' skipped')[0]}", skipped=note)
            for note in self.notes
            if " skipped" in note
        ]
        return [machine, *(skipped if self.examples else [])]

    def render(self) -> str:
        head = f"stateful model ({self.profile}, seed {self.seed}): {self.examples} examples"
        head += f" in {self.elapsed:.1f}s, "
        head += f"{sum(self.calls.values())} calls over {len(self.calls)} operations"
        width = max((len(name) for name in self.rules), default=4)
        lines = [
            head,
            f"  {'rule'.ljust(width)}  steps",
            *(f"  {n.ljust(width)}  {c}" for n, c in sorted(self.rules.items())),
        ]
        lines += [f"  year rolled over: {rollover}" for rollover in self.rollovers]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [failure.render() for failure in self.failures]
        lines.append("stateful: OK" if self.ok else f"stateful: {len(self.failures)} failure(s)")
        return "\n".join(lines)


def run_stateful(
    target: Target,
    profile: str | Any = "quick",
    seed: int | None = None,
    *,
    control: NoControl | None = None,
    rules: Iterable[str] | None = None,
    max_examples: int | None = None,
    steps: int | None = None,
    kinds: tuple[str, ...] | None = None,
) -> StatefulResult:
    """Run the model against `target`. `profile` is a name or the runner's `Profile` (its stateful example
    and step counts are used); `rules` keeps only those rules (a focused run); `max_examples` and `steps`
    override the profile's, `kinds` its company period types."""
    if not isinstance(profile, str):
        max_examples = max_examples or getattr(profile, "stateful_examples", None)
        steps = steps or getattr(profile, "stateful_steps", None)
        profile = profile.name
    chosen = _profile(profile, max_examples, steps)
    chosen = replace(chosen, kinds=kinds) if kinds else chosen
    run_seed = DEFAULT_SEED if seed is None else seed
    result = StatefulResult(chosen.name, run_seed)
    if target.is_real and not target.allow_writes:
        result.notes.append(
            "stateful model skipped: it writes, and this real target allows reads only "
            "(use --allow-writes --company ID)"
        )
        return result
    ctx = RunContext(target, control or control_for(target), chosen)
    if not ctx.runs_allowed:
        ctx.note("payroll-run rule skipped: runs cannot be undone on this target (mocks with a reset only)")
    machine = _machine_class(ctx, rules)
    test = hypothesis_seed(run_seed)(get_state_machine_test(machine, settings=_settings(chosen)))
    reported: list[object] = []
    started = time.monotonic()
    with with_reporter(reported.append):
        try:
            test()
        except StatefulMismatch as mismatch:
            result.failures.append(_failure(ctx, mismatch, reported))
        except Exception as error:  # a target that breaks mid-run, or a fault in the model itself
            result.failures.append(_crash(ctx, error, reported))
    result.elapsed = time.monotonic() - started
    result.examples = ctx.examples
    result.rules = dict(ctx.rules)
    result.calls = dict(ctx.calls)
    result.faults = {op: dict(codes) for op, codes in ctx.faults.items()}
    result.notes = list(ctx.notes)
    result.rollovers = sorted(ctx.rollovers)
    result.last_exchange = ctx.last if result.failures else None
    return result


def _profile(name: str, max_examples: int | None, steps: int | None) -> Profile:
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}")
    chosen = PROFILES[name]
    if max_examples is not None:
        chosen = replace(chosen, max_examples=max_examples)
    return replace(chosen, steps=steps) if steps is not None else chosen


def _settings(profile: Profile) -> Any:
    return settings(
        max_examples=profile.max_examples,
        stateful_step_count=profile.steps,
        deadline=None,
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.normal,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )


def _machine_class(ctx: RunContext, keep: Iterable[str] | None) -> type[PayrollMachine]:
    """A subclass for this run: it carries the context, and a focused run hides the rules it leaves out."""
    namespace: dict[str, Any] = {"ctx": ctx}
    if keep is not None:
        wanted = set(keep)
        unknown = wanted - set(rule_names())
        if unknown:
            raise ValueError(f"unknown stateful rule(s) {sorted(unknown)}; known: {', '.join(rule_names())}")
        namespace.update({name: None for name in rule_names() if name not in wanted | ALWAYS})
    return type("PayrollMachine", (PayrollMachine,), namespace)


def _steps(reported: list[object], error: BaseException) -> str:
    notes = [str(n) for n in getattr(error, "__notes__", [])]
    return "\n".join(line for line in [*map(str, reported), *notes] if line.strip())


def _exchange_text(ctx: RunContext) -> tuple[str | None, str | None]:
    last = ctx.last
    if last is None:
        return None, None
    curl = last.curl(ctx.target.base_url, ctx.target.secrets())
    response = f"HTTP {last.status} {last.response_body[:600].decode('utf-8', errors='replace')}"
    return curl, response


def _failure(ctx: RunContext, mismatch: StatefulMismatch, reported: list[object]) -> StatefulFailure:
    curl, response = _exchange_text(ctx)
    return StatefulFailure(
        rule=mismatch.rule,
        operation=mismatch.operation,
        message=mismatch.message,
        facts=tuple(str(fact) for fact in mismatch.facts),
        steps=_steps(reported, mismatch),
        curl=curl,
        response=response,
    )


def _crash(ctx: RunContext, error: BaseException, reported: list[object]) -> StatefulFailure:
    curl, response = _exchange_text(ctx)
    last = ctx.last
    operation = f"{last.service}.{last.operation}" if last is not None else "?"
    return StatefulFailure(
        "error", operation, f"{type(error).__name__}: {error}", (), _steps(reported, error), curl, response
    )
