"""Rules across the model: payroll runs moving the current period, periods out of range, a login whose
template lacks operations (1002), and the throttle (late answers, never refusals)."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from mock_server.harness import oracle_facts as facts
from mock_server.harness.oracle import HOUR, WAGE
from mock_server.harness.oracle_records import Plan
from mock_server.harness.stateful_base import CS, EMPLOYEES, ES, BaseMachine
from mock_server.harness.stateful_wire import (
    Xml,
    answer_of,
    batch_hour_item,
    batch_wage_item,
    hour_component,
    params,
    text_result,
)
from mock_server.harness.target import Credentials, Exchange

SLOTS = st.integers(0, 15)
AMOUNTS = st.sampled_from([Decimal(quarters) / 4 for quarters in range(1, 321)])  # 0.25 .. 80; shrinks fast
# Keeping's template (seed 002, "flexible-payroll" on the mock): its rights include these operations of the
# model and lack the others, so a Keeping login may batch hours but not insert one component or set days.
RESTRICTED_TEMPLATE = "keeping"
RESTRICTED_DENIED = ("HourComponentVar_Insert", "DaysVar_Set", "WageComponentVar_Insert_Batch")
# The throttle: a small rate on a mock we can configure; Nmbrs's published one elsewhere (§6).
MOCK_RATE, MOCK_DELAY = 2.0, 0.3
MOCK_THROTTLE = {
    "enabled": True,
    "rate_per_second": MOCK_RATE,
    "delay_seconds": MOCK_DELAY,
    "scope": "environment",
}
NMBRS_RATE, NMBRS_DELAY = 150.0, 0.5
MOCK_BURST, NMBRS_BURST = 5, 200
DELAY_SLACK = 0.9  # a delayed answer takes at least 90 % of the delay (timers may round down a little)
LATE_LIMIT = 5.0  # seconds beyond the delay: an answer later than that is no longer "delayed by the amount"
MAX_BURSTS_PER_RUN = 3


class ScenarioRules(BaseMachine):
    # --- payroll runs --------------------------------------------------------------------------------
    def can_run(self) -> bool:
        return (
            self.oracle is not None and self.ctx.runs_allowed and self.runs_done < self.ctx.profile.max_runs
        )

    @precondition(lambda self: self.can_run())
    @rule()
    def process_run(self) -> None:
        self.begin("process_run")
        processed = self.model.current
        listed_before = self.model.runs.get(processed[0], 0)
        plan = self.model.process_run()
        if self.expect(plan, self.call(CS, "RunRequest_Insert", ("CompanyId", self.company))):
            assert plan.commit is not None
            plan.commit(0)
            self.runs_done += 1
            if self.model.current[0] != processed[0]:
                periods = self.model.periods
                self.ctx.rollovers.add(f"{periods.format(processed)} → {periods.format(self.model.current)}")
        runs = self.read_runs(processed[0])
        self.same(
            f"{CS}.Run_GetList",
            (listed_before + 1, processed[1]),
            (len(runs), runs[-1] if runs else None),
            plan.facts,
            f"(runs listed, newest PeriodStart) for {processed[0]}",
        )
        actual = self.read_current()
        self.same(
            f"{CS}.Company_GetCurrentPeriod",
            self.model.current,
            actual,
            plan.facts,
            "current period after the run",
        )

    # --- periods out of range ------------------------------------------------------------------------
    @rule(
        kind=st.sampled_from((HOUR, WAGE)),
        employee=EMPLOYEES,
        unprotected=st.booleans(),
        next_year=st.booleans(),
    )
    def write_out_of_range(self, kind: str, employee: int, unprotected: bool, next_year: bool) -> None:
        """Period `last + 1` of the current (or next) year faults 2006 whatever the flag, changing nothing."""
        self.begin("write_out_of_range")
        year = self.model.current[0] + (1 if next_year else 0)
        period = self.model.periods.beyond_last(year)
        codes = sorted(self.model.hour_codes if kind == HOUR else self.model.wage_codes) or [0]
        plan = self.model.insert_component(
            kind, True, employee, codes[0], Decimal("1.00"), period, unprotected
        )
        name, payload = (
            ("Hourcomponent", hour_component(codes[0], Decimal("1.00")))
            if kind == HOUR
            else ("WageComponent", Xml(params(("Id", 0), ("Code", codes[0]), ("Value", Decimal("1.00")))))
        )
        operation = self.component_op(kind, True, "Insert")
        answer = self.call(
            ES,
            operation,
            ("EmployeeId", employee),
            (name, payload),
            ("Period", period[1]),
            ("Year", period[0]),
            ("UnprotectedMode", unprotected),
        )
        self.expect(plan, answer)
        self.check_rows(kind, True, employee, None, plan.facts)

    # --- a login whose template lacks operations -----------------------------------------------------
    def restricted_login(self) -> Credentials | None:
        """Made once per run through the mock's control; None (with a note) where that is impossible."""
        ctx = self.ctx
        if ctx.restricted is None and ctx.control.available and not ctx.tried_restricted:
            ctx.tried_restricted = True
            name = f"stateful-{secrets.token_hex(4)}@harness.test"
            ctx.restricted = ctx.control.add_user(name, secrets.token_hex(16), RESTRICTED_TEMPLATE)
        if ctx.restricted is None:
            ctx.note(f"template rules skipped: {ctx.control.note or 'no login could be made'}")
        return ctx.restricted

    @precondition(lambda self: self.oracle is not None and self.restricted_login() is not None)
    @rule(
        operation=st.sampled_from(RESTRICTED_DENIED),
        employee=EMPLOYEES,
        slot=SLOTS,
        unprotected=st.booleans(),
        amount=AMOUNTS,
    )
    def restricted_denied(
        self, operation: str, employee: int, slot: int, unprotected: bool, amount: Decimal
    ) -> None:
        """An operation outside the template faults 1002 before any other check, and changes nothing."""
        self.begin("restricted_denied")
        period = self.period_at(slot)
        addressed = self.addressed(period, unprotected)
        code = min(self.model.hour_codes | self.model.wage_codes, default=1)
        if operation == "HourComponentVar_Insert":
            pairs = [("EmployeeId", employee), ("Hourcomponent", hour_component(code, amount)), *addressed]
        elif operation == "DaysVar_Set":
            pairs = [("EmployeeId", employee), ("Days", 3), *addressed]
        else:
            pairs = [("WageComponents", Xml(batch_wage_item(employee, code, amount))), *addressed]
        plan = Plan(frozenset({1002}), (facts.TEMPLATE_DENIES, facts.CHECK_ORDER))
        self.expect(plan, self.call(ES, operation, *pairs, login=self.restricted_login()))
        if operation == "DaysVar_Set":
            self.check_days(True, employee, period, plan.facts)
        else:
            self.check_rows(
                HOUR if operation.startswith("Hour") else WAGE, True, employee, period, plan.facts
            )

    @precondition(lambda self: self.oracle is not None and self.restricted_login() is not None)
    @rule(employee=EMPLOYEES, slot=SLOTS, amount=AMOUNTS, unprotected=st.booleans())
    def restricted_allowed(self, employee: int, slot: int, amount: Decimal, unprotected: bool) -> None:
        """An operation in the template behaves as for a full login; its reads see the same data."""
        self.begin("restricted_allowed")
        period = self.period_at(slot)
        code = min(self.model.hour_codes, default=1)
        login = self.restricted_login()
        plan = self.model.insert_batch(HOUR, True, [(employee, code, amount)], period, unprotected)
        plan = Plan(plan.codes, (*plan.facts, facts.TEMPLATE_DENIES), plan.result, plan.commit)
        answer = self.call(
            ES,
            "HourComponentVar_Insert_Batch",
            ("HourComponents", Xml(batch_hour_item(employee, code, amount))),
            ("Period", period[1]),
            ("Year", period[0]),
            ("UnprotectedMode", unprotected),
            login=login,
        )
        if self.expect(plan, answer):
            self.model.add_read_back(
                HOUR, True, employee, period, self.read_rows(HOUR, True, employee, period, login)
            )
        actual = self.read_rows(HOUR, True, employee, period, login)
        expected = self.model.rows(HOUR, True, employee, period)
        self.same(
            f"{ES}.HourComponentVar_Get", expected, actual, plan.facts, "hours read by the restricted login"
        )

    # --- the throttle --------------------------------------------------------------------------------
    def can_burst(self) -> bool:
        ctx = self.ctx
        if self.oracle is None or self.burst_done or ctx.bursts >= MAX_BURSTS_PER_RUN:
            return False
        if ctx.control.available or ctx.target.pace is None:
            return True
        ctx.note("throttle rule skipped: a real target needs the bursts opt-in (--allow-bursts)")
        return False

    @precondition(lambda self: self.can_burst())
    @rule()
    def throttle_burst(self) -> None:
        """Calls beyond the rate: all answered correctly, at least one late by the delay, none much later."""
        self.begin("throttle_burst")
        self.burst_done = True
        self.ctx.bursts += 1
        control = self.ctx.control
        saved = control.throttle() if control.available else None
        delay, size = (MOCK_DELAY, MOCK_BURST) if saved is not None else (NMBRS_DELAY, NMBRS_BURST)
        try:
            if saved is not None:
                control.set_throttle(**MOCK_THROTTLE)
            exchanges = self._burst(size)
        finally:
            if saved is not None:
                control.set_throttle(**saved)
        self._judge_burst(exchanges, delay)

    def _burst(self, size: int) -> list[Exchange]:
        target, company = self.ctx.target, self.company
        pairs = params(("CompanyId", company))

        def one(_: int) -> Exchange:
            return target.call(CS, "Company_GetCurrentPeriod", pairs)

        if size <= MOCK_BURST:
            return [one(n) for n in range(size)]
        with ThreadPoolExecutor(max_workers=32) as pool:
            return list(pool.map(one, range(size)))

    def _judge_burst(self, exchanges: list[Exchange], delay: float) -> None:
        why = (facts.THROTTLE_DELAYS, facts.THROTTLE_SCOPE)
        operation = f"{CS}.Company_GetCurrentPeriod"
        expected = self.model.periods.format(self.model.current)
        for exchange in exchanges:
            self.ctx.calls[operation] += 1
            self.ctx.last = exchange
            answer = answer_of(exchange)
            if not answer.ok:
                self.fail(operation, f"a call beyond the rate was refused: {answer.describe()}", why)
            self.same(operation, expected, text_result(answer), why, "answer within a throttled burst")
        late = [e for e in exchanges if e.elapsed >= delay * DELAY_SLACK]
        if not late:
            slowest = max(e.elapsed for e in exchanges)
            self.fail(
                operation,
                f"{len(exchanges)} calls beyond the rate, none delayed by {delay}s (slowest {slowest:.3f}s)",
                why,
            )
        too_late = [e for e in late if e.elapsed > delay + LATE_LIMIT]
        if too_late:
            self.fail(operation, f"a throttled call took {too_late[0].elapsed:.1f}s, not about {delay}s", why)
