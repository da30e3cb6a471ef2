"""The stateful model's oracle: what a Nmbrs target should hold and answer, in plain Python.

It never imports the mock. It starts from what the target held when the run began (read once over
SOAP and adopted), then predicts every answer: a write returns a `Plan` (the faults it may answer
with, the facts that prediction rests on, and what to change when the target accepts it), a read
returns the value expected. Periods are `(year, number)` tuples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mock_server.harness import oracle_facts as facts
from mock_server.harness.oracle_facts import Fact
from mock_server.harness.oracle_periods import Key, Periods
from mock_server.harness.oracle_records import Component, Contract, Days, Plan, refuse

HOUR, WAGE = "hour", "wage"  # component kinds
Row = tuple[int, int, Decimal]  # (id, code, hours or value) as a Get answers it


@dataclass
class PayrollOracle:
    periods: Periods
    current: Key
    employees: list[int]
    hour_codes: frozenset[int]
    wage_codes: frozenset[int]
    protected_code: int = 2011
    components: dict[int, Component] = field(default_factory=dict)
    days: list[Days] = field(default_factory=list)
    contracts: dict[int, Contract] = field(default_factory=dict)
    foreign_contracts: dict[int, set[int]] = field(default_factory=dict)  # employee -> ids held before
    runs: dict[int, int] = field(default_factory=dict)  # year -> runs listed by Run_GetList
    last_run_period: dict[int, int] = field(default_factory=dict)  # year -> PeriodStart of the newest
    _order: int = 0

    # --- adopting what the target held at the start ------------------------------------------------
    def adopt_components(
        self, kind: str, variable: bool, employee: int, period: Key, rows: list[Row]
    ) -> None:
        """Rows read in one period of the window (call in period order for fixed ones)."""
        for component_id, code, amount in rows:
            if component_id in self.components and not variable:
                continue  # a fixed component read again in a later period of the window
            until = period if variable else None
            self.components[component_id] = Component(
                component_id, employee, kind, variable, code, amount, period, until
            )

    def close_adopted(self, kind: str, employee: int, period: Key, held: Iterable[int]) -> None:
        """A fixed component adopted earlier but no longer read in `period` ended the period before."""
        still = set(held)
        for component in self.components.values():
            mine = component.employee == employee and component.kind == kind and not component.variable
            if mine and component.until is None and component.id not in still and component.start < period:
                component.until = self.periods.previous(period)

    def adopt_days(self, variable: bool, employee: int, period: Key, value: int) -> None:
        if not value:
            return
        if not variable:
            open_now = self._days_value(False, employee, period)
            if open_now == value:
                return
        self.days.append(Days(employee, variable, value, period, period if variable else None, self._next()))

    def adopt_contracts(self, employee: int, ids: Iterable[int]) -> None:
        self.foreign_contracts[employee] = set(ids)

    def adopt_runs(self, year: int, count: int, last_period: int) -> None:
        self.runs[year] = count
        self.last_run_period[year] = last_period

    # --- reads ---------------------------------------------------------------------------------------
    def rows(self, kind: str, variable: bool, employee: int, period: Key) -> list[Row]:
        """What `{Hour|Wage}Component{Var|Fixed}_Get` answers, sorted by id (Nmbrs's order is unknown)."""
        return sorted(
            (c.id, c.code, c.amount)
            for c in self.components.values()
            if c.employee == employee and c.kind == kind and c.variable == variable and c.holds_in(period)
        )

    def days_value(self, variable: bool, employee: int, period: Key) -> int:
        return self._days_value(variable, employee, period)

    def _days_value(self, variable: bool, employee: int, period: Key) -> int:
        holding = [
            d for d in self.days if d.employee == employee and d.variable == variable and d.holds_in(period)
        ]
        if not holding:
            return 0
        return max(holding, key=lambda d: (d.start, d.order)).days

    def own_contracts(self, employee: int) -> dict[int, tuple[Decimal, int]]:
        return {
            c.id: (c.hours_per_week, c.employment_type)
            for c in self.contracts.values()
            if c.employee == employee
        }

    def current_contracts(self, employee: int) -> set[int]:
        return {c.id for c in self.contracts.values() if c.employee == employee and c.start <= self.current}

    def owner_of(self, component_id: int) -> int | None:
        component = self.components.get(component_id)
        return component.employee if component is not None else None

    # --- the checks every period-addressed write passes ----------------------------------------------
    def _addressed(self, period: Key, unprotected: bool) -> Plan | None:
        """2006 outside the type's range, else the protected-period fault; None when the period is open."""
        if not self.periods.valid(period):
            return refuse(2006, facts.PERIOD_RANGE, facts.CHECK_ORDER)
        if period < self.current and not unprotected:
            return refuse(self.protected_code, facts.PROTECTED_PAST, facts.PROTECTED_CODE)
        return None

    def _period_facts(self, period: Key | None) -> tuple[Fact, ...]:
        if period is None:
            return (facts.CURRENT_VARIANTS,)
        return (facts.PROTECTED_PAST,) if period < self.current else (facts.OPEN_FROM_CURRENT,)

    def _code_ok(self, kind: str, code: int) -> Plan | None:
        valid = self.hour_codes if kind == HOUR else self.wage_codes
        return None if code in valid else refuse(2001 if kind == HOUR else 2002, facts.CODES_CHECKED)

    # --- components ----------------------------------------------------------------------------------
    def insert_component(
        self,
        kind: str,
        variable: bool,
        employee: int,
        code: int,
        amount: Decimal,
        period: Key | None,
        unprotected: bool = False,
    ) -> Plan:
        """`*_Insert` (period given) or `*_InsertCurrent` (period None)."""
        target = self.current if period is None else period
        refused = (self._addressed(target, unprotected) if period is not None else None) or self._code_ok(
            kind, code
        )
        if refused is not None:
            return refused
        why = (*self._period_facts(period), facts.VAR_ADDITIVE if variable else facts.FIXED_PERSIST)

        def commit(new_id: int) -> None:
            until = target if variable else None
            self.components[new_id] = Component(new_id, employee, kind, variable, code, amount, target, until)

        return Plan(facts=why, commit=commit)

    def insert_batch(
        self, kind: str, variable: bool, lines: list[tuple[int, int, Decimal]], period: Key, unprotected: bool
    ) -> Plan:
        """`*_Insert_Batch`: one period for every (employee, code, amount) line; the new ids are unknown
        until read back, so the machine commits lines with `add_read_back`."""
        return self._batch(
            [self._addressed(period, unprotected) or self._code_ok(kind, code) for _, code, _ in lines],
            (*self._period_facts(period), facts.VAR_ADDITIVE if variable else facts.FIXED_PERSIST),
        )

    def _batch(self, refusals: list[Plan | None], why: tuple[Fact, ...]) -> Plan:
        failing = [plan for plan in refusals if plan is not None]
        if not failing:
            return Plan(facts=(*why, facts.BATCH_ATOMIC))
        codes = frozenset(code for plan in failing for code in plan.codes)
        reasons = tuple(dict.fromkeys(f for plan in failing for f in plan.facts))
        return Plan(codes, (*reasons, facts.BATCH_ATOMIC, facts.CHECK_ORDER))

    def add_read_back(self, kind: str, variable: bool, employee: int, period: Key, rows: list[Row]) -> None:
        """After an accepted batch: the rows read that the model did not know are the batch's new ones."""
        for component_id, code, amount in rows:
            if component_id not in self.components:
                until = period if variable else None
                self.components[component_id] = Component(
                    component_id, employee, kind, variable, code, amount, period, until
                )

    def clear(self, kind: str, employee: int, period: Key | None, unprotected: bool = False) -> Plan:
        """`*ComponentVar_Clear` / `_ClearCurrent`: every variable component of that period goes."""
        target = self.current if period is None else period
        refused = self._addressed(target, unprotected) if period is not None else None
        if refused is not None:
            return refused

        def commit(_: int) -> None:
            for component in self.rows(kind, True, employee, target):
                del self.components[component[0]]

        return Plan(facts=(*self._period_facts(period), facts.VAR_ADDITIVE), commit=commit)

    def stop_component(self, component_id: int, employee: int, period: Key, unprotected: bool) -> Plan:
        """`*ComponentFixed_Stop`: `period` becomes the last one the component holds in."""
        refused = self._addressed(period, unprotected)
        if refused is not None:
            return refused
        component = self.components.get(component_id)
        found = component is not None and component.employee == employee and not component.variable

        def commit(_: int) -> None:
            if component is not None and found and component.until is None and component.start <= period:
                component.until = period

        why = (*self._period_facts(period), facts.FIXED_PERSIST, *(() if found else (facts.UNKNOWN_ID_NOOP,)))
        return Plan(facts=why, commit=commit)

    def delete_component(self, kind: str, component_id: int, employee: int) -> Plan:
        """`HourComponent_Delete` / `WageComponent_Delete`: true when it was the employee's."""
        component = self.components.get(component_id)
        found = component is not None and component.employee == employee and component.kind == kind

        def commit(_: int) -> None:
            if found:
                del self.components[component_id]

        why = (facts.DELETE_BY_ID_UNPROTECTED, *(() if found else (facts.UNKNOWN_ID_NOOP,)))
        return Plan(facts=why, result=found, commit=commit)

    def update_component(
        self, kind: str, component_id: int, employee: int, code: int, amount: Decimal, unprotected: bool
    ) -> Plan:
        """`HourComponent_Update` (answers the id, 0 if none) / `WageComponent_Update` (true/false)."""
        component = self.components.get(component_id)
        found = component is not None and component.employee == employee and component.kind == kind
        if component is None or not found:
            return Plan(facts=(facts.UNKNOWN_ID_NOOP,), result=0 if kind == HOUR else False)
        if component.start < self.current and not unprotected:
            return refuse(self.protected_code, facts.RECORD_PERIOD_PROTECTED, facts.PROTECTED_CODE)
        refused = self._code_ok(kind, code)
        if refused is not None:
            return refused

        def commit(_: int) -> None:
            component.code, component.amount = code, amount

        result = component_id if kind == HOUR else True
        return Plan(facts=(facts.RECORD_PERIOD_PROTECTED,), result=result, commit=commit)

    # --- days ----------------------------------------------------------------------------------------
    def set_days(
        self, variable: bool, employee: int, days: int, period: Key | None, unprotected: bool = False
    ) -> Plan:
        """`DaysVar_Set` / `DaysFixed_Set` (period given) or `_SetCurrent` (None)."""
        target = self.current if period is None else period
        refused = self._addressed(target, unprotected) if period is not None else None
        if refused is not None:
            return refused
        return Plan(
            facts=(*self._period_facts(period), facts.SET_REPLACES),
            commit=lambda _: self._set(variable, employee, days, target),
        )

    def set_days_batch(self, variable: bool, lines: list[tuple[int, int, Key]], unprotected: bool) -> Plan:
        """`Days{Var|Fixed}_Set_Batch`: every (employee, days, period) line names its own period."""
        plan = self._batch(
            [self._addressed(period, unprotected) for _, _, period in lines],
            (*dict.fromkeys(f for _, _, p in lines for f in self._period_facts(p)), facts.SET_REPLACES),
        )
        if not plan.faults:

            def commit(_: int) -> None:
                for employee, days, period in lines:
                    self._set(variable, employee, days, period)

            plan.commit = commit
        return plan

    def _set(self, variable: bool, employee: int, days: int, period: Key) -> None:
        same = [
            d for d in self.days if d.employee == employee and d.variable == variable and d.start == period
        ]
        if same:
            same[-1].days = days
            return
        self.days.append(Days(employee, variable, days, period, period if variable else None, self._next()))

    def stop_days(self, employee: int, period: Key, unprotected: bool) -> Plan:
        """`DaysFixed_Stop`: every fixed value that started by `period` and is open ends with it."""
        refused = self._addressed(period, unprotected)
        if refused is not None:
            return refused

        def commit(_: int) -> None:
            for value in self.days:
                if (
                    value.employee == employee
                    and not value.variable
                    and value.until is None
                    and value.start <= period
                ):
                    value.until = period

        return Plan(facts=(*self._period_facts(period), facts.FIXED_PERSIST), commit=commit)

    # --- contracts -----------------------------------------------------------------------------------
    def insert_contract(self, employee: int, hours_per_week: Decimal, employment_type: int) -> Plan:
        start = self.current

        def commit(new_id: int) -> None:
            self.contracts[new_id] = Contract(new_id, employee, hours_per_week, employment_type, start)

        return Plan(facts=(facts.CONTRACT_FROM_CURRENT,), commit=commit)

    def update_contract(
        self,
        contract_id: int,
        employee: int,
        hours_per_week: Decimal,
        employment_type: int,
        unprotected: bool,
    ) -> Plan:
        contract = self.contracts.get(contract_id)
        if contract is None or contract.employee != employee:
            return Plan(facts=(facts.UNKNOWN_ID_NOOP,))
        if contract.start < self.current and not unprotected:
            return refuse(self.protected_code, facts.RECORD_PERIOD_PROTECTED, facts.PROTECTED_CODE)

        def commit(_: int) -> None:
            contract.hours_per_week, contract.employment_type = hours_per_week, employment_type

        return Plan(facts=(facts.RECORD_PERIOD_PROTECTED, facts.CONTRACT_FROM_CURRENT), commit=commit)

    def delete_contract(self, contract_id: int, employee: int) -> Plan:
        contract = self.contracts.get(contract_id)
        found = contract is not None and contract.employee == employee

        def commit(_: int) -> None:
            if found:
                del self.contracts[contract_id]

        why = (facts.DELETE_BY_ID_UNPROTECTED, *(() if found else (facts.UNKNOWN_ID_NOOP,)))
        return Plan(facts=why, commit=commit)

    # --- runs ----------------------------------------------------------------------------------------
    def process_run(self) -> Plan:
        processed = self.current

        def commit(_: int) -> None:
            year, number = processed
            self.runs[year] = self.runs.get(year, 0) + 1
            self.last_run_period[year] = number
            self.current = self.periods.next(processed)

        return Plan(facts=(facts.RUN_ADVANCES, facts.RUN_AT_ONCE), commit=commit)

    def _next(self) -> int:
        self._order += 1
        return self._order
