"""The stateful model's foundation: one run's context, SOAP calls, comparisons, discovery and invariants.

Rules live in mixins (`stateful_components`, `stateful_days`, `stateful_scenarios`); `stateful` puts
them together and runs them. Every call goes over SOAP through the `Target`; the oracle
(`oracle*.py`) never sees the mock's code.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from mock_server.harness import oracle_facts as facts
from mock_server.harness.oracle import HOUR, PayrollOracle, Row
from mock_server.harness.oracle_facts import Fact
from mock_server.harness.oracle_periods import Key, Periods, parse_period
from mock_server.harness.oracle_records import Plan
from mock_server.harness.stateful_context import RunContext, StatefulMismatch
from mock_server.harness.stateful_wire import (
    Answer,
    answer_of,
    as_decimal,
    as_int,
    child_text,
    children,
    int_result,
    items,
    params,
    text_result,
)
from mock_server.harness.target import Credentials

EMPLOYEES = Bundle("employees")
VAR_COMPONENTS = Bundle("var_components")
FIXED_COMPONENTS = Bundle("fixed_components")
CONTRACTS = Bundle("contracts")
ES, CS = "EmployeeService", "CompanyService"
READS = ("List_", "Run_Get", "Company_Get", "HourModel", "WageModel")


class BaseMachine(RuleBasedStateMachine):
    ctx: RunContext  # set by the factory in `stateful`

    def __init__(self) -> None:
        super().__init__()
        self.oracle: PayrollOracle | None = None
        self.company = 0
        self.window: list[Key] = []
        self.employee_ids: list[int] = []
        self.runs_done = 0
        self.burst_done = False
        self.rule_name = "setup"
        self.subject: str | None = None  # the write the rule sent: what a failed read-back blames

    # --- calls and comparisons ---------------------------------------------------------------------
    @property
    def model(self) -> PayrollOracle:
        assert self.oracle is not None, "discover() runs first"
        return self.oracle

    def begin(self, rule: str) -> None:
        self.rule_name = rule
        self.subject = None
        self.ctx.rules[rule] += 1

    def call(
        self, service: str, operation: str, *pairs: tuple[str, Any], login: Credentials | None = None
    ) -> Answer:
        exchange = self.ctx.target.call(service, operation, params(*pairs), credentials=login)
        self.ctx.last = exchange
        self.ctx.calls[f"{service}.{operation}"] += 1
        answer = answer_of(exchange)
        if not operation.startswith(READS) and "_Get" not in operation:
            self.subject = f"{service}.{operation}"
        if not answer.ok:
            self.ctx.faults[f"{service}.{operation}"][answer.fault_code or 0] += 1
        return answer

    def fail(self, operation: str, message: str, why: tuple[Fact, ...] = ()) -> None:
        """Raise the mismatch; a wrong read-back is blamed on the write before it."""
        subject = self.subject
        if subject is not None and operation != subject:
            message, operation = f"after {subject.split('.')[-1]}: {message} (read with {operation})", subject
        raise StatefulMismatch(self.rule_name, operation, message, why, self.ctx.last)

    @staticmethod
    def addressed(period: Key, unprotected: bool) -> list[tuple[str, Any]]:
        """The `Period`, `Year` and `UnprotectedMode` arguments of a period-addressed write."""
        return [("Period", period[1]), ("Year", period[0]), ("UnprotectedMode", unprotected)]

    def expect(self, plan: Plan, answer: Answer) -> bool:
        """Compare an answer with a plan; True when the call was accepted (then the plan is committed)."""
        operation = f"{answer.exchange.service}.{answer.exchange.operation}"
        wanted = "/".join(str(c) for c in sorted(plan.codes))
        if plan.codes and answer.ok:
            self.fail(operation, f"expected fault {wanted}, got success ({answer.describe()})", plan.facts)
        if plan.codes and answer.fault_code not in plan.codes:
            self.fail(operation, f"expected fault {wanted}, got {answer.describe()}", plan.facts)
        if not plan.codes and not answer.ok:
            self.fail(operation, f"expected success, got {answer.describe()}", plan.facts)
        return answer.ok

    def settle(self, plan: Plan, answer: Answer) -> None:
        """`expect`, then commit the plan of an accepted call that returns no new id."""
        if self.expect(plan, answer):
            assert plan.commit is not None
            plan.commit(0)

    def same(self, operation: str, expected: Any, actual: Any, why: tuple[Fact, ...], what: str = "") -> None:
        if expected != actual:
            self.fail(operation, f"{what or 'answer'}: expected {expected!r}, got {actual!r}", why)

    def ok(self, answer: Answer, why: tuple[Fact, ...] = ()) -> Answer:
        if not answer.ok:
            self.fail(
                f"{answer.exchange.service}.{answer.exchange.operation}",
                f"a read failed: {answer.describe()}",
                why,
            )
        return answer

    # --- reads ---------------------------------------------------------------------------------------
    def component_op(self, kind: str, variable: bool, verb: str) -> str:
        return (
            f"{'HourComponent' if kind == HOUR else 'WageComponent'}{'Var' if variable else 'Fixed'}_{verb}"
        )

    def read_rows(
        self, kind: str, variable: bool, employee: int, period: Key | None, login: Credentials | None = None
    ) -> list[Row]:
        if period is None:
            answer = self.call(
                ES, self.component_op(kind, variable, "GetCurrent"), ("EmployeeId", employee), login=login
            )
        else:
            answer = self.call(
                ES,
                self.component_op(kind, variable, "Get"),
                ("EmployeeId", employee),
                ("Period", period[1]),
                ("Year", period[0]),
                login=login,
            )
        item, code, amount = (
            ("HourComponent", "HourCode", "Hours") if kind == HOUR else ("WageComponent", "Code", "Value")
        )
        rows = [
            (
                as_int(child_text(e, "Id")),
                as_int(child_text(e, code)),
                as_decimal(child_text(e, amount)) or Decimal(-1),
            )
            for e in items(self.ok(answer).result, item)
        ]
        return sorted(rows)

    def check_rows(
        self, kind: str, variable: bool, employee: int, period: Key | None, why: tuple[Fact, ...]
    ) -> None:
        actual = self.read_rows(kind, variable, employee, period)
        expected = self.model.rows(kind, variable, employee, period or self.model.current)
        where = "current period" if period is None else self.model.periods.format(period)
        operation = f"{ES}.{self.component_op(kind, variable, 'Get' if period else 'GetCurrent')}"
        self.same(operation, expected, actual, why, f"components of employee {employee} in {where}")

    def read_days(self, variable: bool, employee: int, period: Key | None) -> int:
        family = "DaysVar" if variable else "DaysFixed"
        if period is None:
            return int_result(self.ok(self.call(ES, f"{family}_GetCurrent", ("EmployeeId", employee))))
        answer = self.call(
            ES, f"{family}_Get", ("EmployeeId", employee), ("Period", period[1]), ("Year", period[0])
        )
        return int_result(self.ok(answer))

    def check_days(self, variable: bool, employee: int, period: Key | None, why: tuple[Fact, ...]) -> None:
        actual = self.read_days(variable, employee, period)
        expected = self.model.days_value(variable, employee, period or self.model.current)
        operation = f"{ES}.{'DaysVar' if variable else 'DaysFixed'}_{'Get' if period else 'GetCurrent'}"
        self.same(
            operation, expected, actual, why, f"days of employee {employee} in {period or 'current period'}"
        )

    def read_current(self) -> Key | None:
        answer = self.ok(self.call(CS, "Company_GetCurrentPeriod", ("CompanyId", self.company)))
        parsed = parse_period(text_result(answer) or "")
        return parsed[1] if parsed else None

    def read_runs(self, year: int) -> list[int]:
        answer = self.ok(self.call(CS, "Run_GetList", ("CompanyId", self.company), ("Year", year)))
        return [as_int(child_text(run, "PeriodStart")) for run in items(answer.result, "RunInfo")]

    def read_contracts(self, employee: int) -> dict[int, tuple[Decimal | None, int]]:
        answer = self.ok(self.call(ES, "Contract_GetAll", ("EmployeeId", employee)))
        return {
            as_int(child_text(c, "ContractID")): (
                as_decimal(child_text(c, "HoursPerWeek")),
                as_int(child_text(c, "EmployementType")),
            )
            for c in items(answer.result, "EmployeeContract")
        }

    def read_current_contracts(self, employee: int) -> set[int]:
        answer = self.ok(self.call(ES, "Contract_GetCurrentPeriod", ("EmployeeId", employee)))
        holder = children(answer.result, "EmployeeContracts") if answer.result is not None else []
        found = items(holder[0], "EmployeeContract") if holder else []
        return {as_int(child_text(c, "ContractID")) for c in found}

    # --- setup -----------------------------------------------------------------------------------------
    @initialize(target=EMPLOYEES, data=st.data())
    def discover(self, data: st.DataObject) -> Any:
        """Start afresh where the target allows it, pick a company and employees, adopt what they hold."""
        self.begin("discover")
        self.ctx.examples += 1
        if self.ctx.can_reset:
            self.ctx.target.reset()
        kind = data.draw(st.sampled_from(self.ctx.profile.kinds), label="company period type")
        cached = self.ctx.baselines.get(kind) if self.ctx.can_reset else None
        if cached is None:
            cached = self._baseline(kind)
            self.ctx.baselines[kind] = cached
        self.company, self.employee_ids, self.window, oracle = cached
        self.oracle = copy.deepcopy(oracle)
        return multiple(*self.employee_ids)

    def _baseline(self, kind: str) -> tuple[int, list[int], list[Key], PayrollOracle]:
        """Company, employees, window and the adopted oracle; a reset target gives the same every time."""
        company, current, found_kind = self._company(kind)
        periods = Periods(found_kind)
        self.company = company
        employees = self._employees(company)
        hour_codes = self._codes("HourModel_GetHourCodes", "HourModel2_GetHourCodes", "HourCode")
        wage_codes = self._codes("WageModel_GetWageCodes", "WageModel2_GetWageCodes", "WageCode")
        self.employee_ids = employees
        self.oracle = PayrollOracle(periods, current, employees, hour_codes, wage_codes)
        profile = self.ctx.profile
        self.window = periods.window(current, profile.before, profile.max_runs + 1)
        self._adopt()
        return company, employees, self.window, self.oracle

    def _company(self, kind: str) -> tuple[int, Key, str]:
        wanted = self.ctx.target.company_id
        answer = self.ok(self.call(CS, "List_GetAll"))
        ids = [as_int(child_text(c, "ID")) for c in items(answer.result, "Company")]
        found: list[tuple[int, Key, str]] = []
        for company in [wanted] if wanted else ids:
            self.company = company
            current = self.ok(self.call(CS, "Company_GetCurrentPeriod", ("CompanyId", company)))
            parsed = parse_period(text_result(current) or "")
            if parsed is None:
                self.fail(
                    f"{CS}.Company_GetCurrentPeriod",
                    f"answer {text_result(current)!r} is not yyyy-p-TYPE",
                    (facts.PERIOD_FORMAT,),
                )
            assert parsed is not None
            found.append((company, parsed[1], parsed[0]))
            if parsed[0] == kind:
                return found[-1]
        if not found:
            raise RuntimeError("the target lists no company")
        return found[0]

    def _employees(self, company: int) -> list[int]:
        answer = self.ok(self.call(ES, "List_GetByCompany", ("CompanyId", company), ("EmployeeType", 0)))
        ids = [as_int(child_text(e, "Id")) for e in items(answer.result, "Employee")]
        if not ids:
            raise RuntimeError(f"company {company} has no employees to model")
        return ids[: self.ctx.profile.employees]

    def _codes(self, first: str, second: str, item: str) -> frozenset[int]:
        codes: set[int] = set()
        for operation in (first, second):
            answer = self.call(CS, operation, ("CompanyId", self.company))
            codes |= (
                {as_int(child_text(c, "Code")) for c in items(answer.result, item)} if answer.ok else set()
            )
        return frozenset(codes)

    def _adopt(self) -> None:
        """What the target holds in the window before the first step is the oracle's starting point."""
        model = self.model
        for employee in self.employee_ids:
            for period in self.window:
                for kind in (HOUR, "wage"):
                    for variable in (True, False):
                        rows = self.read_rows(kind, variable, employee, period)
                        if not variable:
                            model.close_adopted(kind, employee, period, [r[0] for r in rows])
                        model.adopt_components(kind, variable, employee, period, rows)
                for variable in (True, False):
                    model.adopt_days(variable, employee, period, self.read_days(variable, employee, period))
            model.adopt_contracts(employee, self.read_contracts(employee))
        for year in sorted({p[0] for p in self.window}):
            runs = self.read_runs(year)
            model.adopt_runs(year, len(runs), runs[-1] if runs else 0)

    # --- invariants ------------------------------------------------------------------------------------
    @invariant()
    def current_period_matches(self) -> None:
        if self.oracle is None:
            return
        actual = self.read_current()
        expected = self.model.current
        if actual != expected:
            self.fail(
                f"{CS}.Company_GetCurrentPeriod",
                f"current period: expected {self.model.periods.format(expected)}, got {actual}",
                (facts.RUN_ADVANCES, facts.PERIOD_FORMAT),
            )

    # --- the rule that is always possible --------------------------------------------------------------
    @rule(
        family=st.sampled_from(
            ("hour-var", "hour-fixed", "wage-var", "wage-fixed", "days-var", "days-fixed")
        ),
        employee=EMPLOYEES,
        slot=st.integers(0, 15),
        current=st.booleans(),
    )
    def read_back(self, family: str, employee: int, slot: int, current: bool) -> None:
        """Any cell of the window, read later than it was written: what was written is still there."""
        self.begin("read_back")
        kind, _, span = family.partition("-")
        period = None if current else self.period_at(slot)
        if kind == "days":
            self.check_days(span == "var", employee, period, (facts.SET_REPLACES, facts.FIXED_PERSIST))
        else:
            self.check_rows(kind, span == "var", employee, period, (facts.VAR_ADDITIVE, facts.FIXED_PERSIST))

    # --- helpers for rules -----------------------------------------------------------------------------
    def period_at(self, slot: int) -> Key:
        return self.window[slot % len(self.window)]
