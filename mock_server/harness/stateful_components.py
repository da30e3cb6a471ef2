"""Rules for hour and wage components, variable and fixed: inserts, batches, clears, stops, updates and
deletes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, multiple, rule

from mock_server.harness.oracle import HOUR, WAGE
from mock_server.harness.oracle_periods import Key
from mock_server.harness.stateful_base import (
    EMPLOYEES,
    ES,
    FIXED_COMPONENTS,
    VAR_COMPONENTS,
    BaseMachine,
)
from mock_server.harness.stateful_context import Ref
from mock_server.harness.stateful_wire import (
    Xml,
    batch_hour_item,
    batch_wage_item,
    bool_result,
    hour_component,
    int_result,
    wage_component,
)

KINDS = st.sampled_from((HOUR, WAGE))
SLOTS = st.integers(0, 15)  # a period of the window (taken modulo its length)
CODE_PICKS = st.integers(0, 11)  # 11: a code outside the company's models
AMOUNTS = st.sampled_from([Decimal(quarters) / 4 for quarters in range(1, 321)])  # 0.25 .. 80; shrinks fast
BATCH_LINES = st.lists(st.tuples(st.integers(0, 5), CODE_PICKS, AMOUNTS), min_size=1, max_size=3)
OUTSIDE_PICK = 11


def insert_rule(target: Bundle[Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The rule of insert_var and insert_fixed, which differ only in their bundle."""
    return rule(
        target=target,
        kind=KINDS,
        employee=EMPLOYEES,
        slot=SLOTS,
        pick=CODE_PICKS,
        amount=AMOUNTS,
        unprotected=st.booleans(),
        current=st.booleans(),
    )


class ComponentRules(BaseMachine):
    def code_for(self, kind: str, pick: int) -> int:
        codes = sorted(self.model.hour_codes if kind == HOUR else self.model.wage_codes)
        if pick == OUTSIDE_PICK or not codes:
            return max(codes, default=0) + 900
        return codes[pick % len(codes)]

    def payload(self, kind: str, code: int, amount: Decimal, component_id: int = 0) -> tuple[str, Xml]:
        if kind == HOUR:
            return "Hourcomponent", hour_component(code, amount, component_id)
        return "WageComponent", wage_component(code, amount, component_id)

    # --- single inserts --------------------------------------------------------------------------------
    @insert_rule(VAR_COMPONENTS)
    def insert_var(
        self,
        kind: str,
        employee: int,
        slot: int,
        pick: int,
        amount: Decimal,
        unprotected: bool,
        current: bool,
    ) -> Any:
        self.begin("insert_var")
        return self._insert(
            kind, True, employee, None if current else self.period_at(slot), pick, amount, unprotected
        )

    @insert_rule(FIXED_COMPONENTS)
    def insert_fixed(
        self,
        kind: str,
        employee: int,
        slot: int,
        pick: int,
        amount: Decimal,
        unprotected: bool,
        current: bool,
    ) -> Any:
        self.begin("insert_fixed")
        return self._insert(
            kind, False, employee, None if current else self.period_at(slot), pick, amount, unprotected
        )

    def _insert(
        self,
        kind: str,
        variable: bool,
        employee: int,
        period: Key | None,
        pick: int,
        amount: Decimal,
        unprotected: bool,
    ) -> Any:
        code = self.code_for(kind, pick)
        plan = self.model.insert_component(kind, variable, employee, code, amount, period, unprotected)
        pairs = [("EmployeeId", employee), self.payload(kind, code, amount)]
        verb = "InsertCurrent" if period is None else "Insert"
        operation = self.component_op(kind, variable, verb)
        answer = self.call(
            ES, operation, *pairs, *([] if period is None else self.addressed(period, unprotected))
        )
        accepted = self.expect(plan, answer)
        new_id = int_result(answer) if accepted else 0
        if accepted:
            if new_id <= 0 or new_id in self.model.components:
                self.fail(f"{ES}.{operation}", f"expected a new component id, got {new_id}", plan.facts)
            assert plan.commit is not None
            plan.commit(new_id)
        self.check_rows(kind, variable, employee, period, plan.facts)
        if not variable and period is not None:
            self.check_rows(kind, variable, employee, self.model.periods.next(period), plan.facts)
        return Ref(kind, new_id, employee) if accepted else multiple()

    # --- batches ---------------------------------------------------------------------------------------
    @rule(target=VAR_COMPONENTS, kind=KINDS, lines=BATCH_LINES, slot=SLOTS, unprotected=st.booleans())
    def batch_var(
        self, kind: str, lines: list[tuple[int, int, Decimal]], slot: int, unprotected: bool
    ) -> Any:
        self.begin("batch_var")
        return self._batch(kind, True, lines, self.period_at(slot), unprotected)

    @rule(target=FIXED_COMPONENTS, kind=KINDS, lines=BATCH_LINES, slot=SLOTS, unprotected=st.booleans())
    def batch_fixed(
        self, kind: str, lines: list[tuple[int, int, Decimal]], slot: int, unprotected: bool
    ) -> Any:
        self.begin("batch_fixed")
        return self._batch(kind, False, lines, self.period_at(slot), unprotected)

    def _batch(
        self, kind: str, variable: bool, picks: list[tuple[int, int, Decimal]], period: Key, unprotected: bool
    ) -> Any:
        staff = self.employee_ids
        lines = [(staff[who % len(staff)], self.code_for(kind, pick), amount) for who, pick, amount in picks]
        plan = self.model.insert_batch(kind, variable, lines, period, unprotected)
        build = batch_hour_item if kind == HOUR else batch_wage_item
        array = Xml("".join(build(employee, code, amount) for employee, code, amount in lines))
        name = "HourComponents" if kind == HOUR else "WageComponents"
        operation = self.component_op(kind, variable, "Insert_Batch")
        accepted = self.expect(
            plan, self.call(ES, operation, (name, array), *self.addressed(period, unprotected))
        )
        refs: list[Ref] = []
        for employee in sorted({line[0] for line in lines}):
            if accepted:
                refs += self._read_back(kind, variable, employee, period, lines, operation, plan.facts)
            self.check_rows(kind, variable, employee, period, plan.facts)
        return multiple(*refs)

    def _read_back(
        self,
        kind: str,
        variable: bool,
        employee: int,
        period: Key,
        lines: list[tuple[int, int, Decimal]],
        operation: str,
        why: Any,
    ) -> list[Ref]:
        """The rows an accepted batch added for one employee must be exactly its lines."""
        rows = self.read_rows(kind, variable, employee, period)
        added = [row for row in rows if row[0] not in self.model.components]
        sent = sorted((code, amount) for who, code, amount in lines if who == employee)
        got = sorted((code, amount) for _, code, amount in added)
        self.same(f"{ES}.{operation}", sent, got, why, f"components the batch added for employee {employee}")
        self.model.add_read_back(kind, variable, employee, period, rows)
        return [Ref(kind, row[0], employee) for row in added]

    # --- clears and stops --------------------------------------------------------------------------------
    @rule(kind=KINDS, employee=EMPLOYEES, slot=SLOTS, unprotected=st.booleans(), current=st.booleans())
    def clear_var(self, kind: str, employee: int, slot: int, unprotected: bool, current: bool) -> None:
        self.begin("clear_var")
        period = None if current else self.period_at(slot)
        plan = self.model.clear(kind, employee, period, unprotected)
        operation = self.component_op(kind, True, "ClearCurrent" if current else "Clear")
        extra = [] if period is None else self.addressed(period, unprotected)
        self.settle(plan, self.call(ES, operation, ("EmployeeId", employee), *extra))
        self.check_rows(kind, True, employee, period, plan.facts)

    @rule(ref=FIXED_COMPONENTS, slot=SLOTS, unprotected=st.booleans())
    def stop_fixed(self, ref: Ref, slot: int, unprotected: bool) -> None:
        self.begin("stop_fixed")
        period = self.period_at(slot)
        plan = self.model.stop_component(ref.id, ref.employee, period, unprotected)
        known = self.model.components.get(ref.id)
        named: tuple[str, Any] = ("WageComponentId", ref.id)  # WageComponentFixed_Stop names the id
        if ref.kind == HOUR:  # HourComponentFixed_Stop names it inside an `Hourcomponent`
            named = self.payload(
                HOUR, known.code if known else 0, known.amount if known else Decimal(0), ref.id
            )
        operation = self.component_op(ref.kind, False, "Stop")
        pairs = [("EmployeeId", ref.employee), named, *self.addressed(period, unprotected)]
        self.settle(plan, self.call(ES, operation, *pairs))
        for checked in (period, self.model.periods.next(period)):
            self.check_rows(ref.kind, False, ref.employee, checked, plan.facts)

    # --- updates and deletes by id -------------------------------------------------------------------------
    @rule(ref=VAR_COMPONENTS, cross=st.booleans())
    def delete_var(self, ref: Ref, cross: bool) -> None:
        self.begin("delete_var")
        self._delete(ref, cross)

    @rule(ref=FIXED_COMPONENTS, cross=st.booleans())
    def delete_fixed(self, ref: Ref, cross: bool) -> None:
        self.begin("delete_fixed")
        self._delete(ref, cross)

    def _delete(self, ref: Ref, cross: bool) -> None:
        """Delete by id; `cross` sends an hour id to WageComponent_Delete (or the reverse): false."""
        kind = (WAGE if ref.kind == HOUR else HOUR) if cross else ref.kind
        known = self.model.components.get(ref.id)
        plan = self.model.delete_component(kind, ref.id, ref.employee)
        family = "HourComponent" if kind == HOUR else "WageComponent"
        answer = self.call(ES, f"{family}_Delete", ("EmployeeId", ref.employee), (f"{family}ID", ref.id))
        if self.expect(plan, answer):
            self.same(
                f"{ES}.{family}_Delete", plan.result, bool_result(answer), plan.facts, f"deleting {ref!r}"
            )
            assert plan.commit is not None
            plan.commit(0)
        if known is not None:
            self.check_rows(known.kind, known.variable, ref.employee, known.start, plan.facts)

    @rule(ref=VAR_COMPONENTS, pick=CODE_PICKS, amount=AMOUNTS, unprotected=st.booleans())
    def update_var(self, ref: Ref, pick: int, amount: Decimal, unprotected: bool) -> None:
        self.begin("update_var")
        self._update(ref, pick, amount, unprotected)

    @rule(ref=FIXED_COMPONENTS, pick=CODE_PICKS, amount=AMOUNTS, unprotected=st.booleans())
    def update_fixed(self, ref: Ref, pick: int, amount: Decimal, unprotected: bool) -> None:
        self.begin("update_fixed")
        self._update(ref, pick, amount, unprotected)

    def _update(self, ref: Ref, pick: int, amount: Decimal, unprotected: bool) -> None:
        code = self.code_for(ref.kind, pick)
        known = self.model.components.get(ref.id)
        plan = self.model.update_component(ref.kind, ref.id, ref.employee, code, amount, unprotected)
        family = "HourComponent" if ref.kind == HOUR else "WageComponent"
        answer = self.call(
            ES,
            f"{family}_Update",
            ("EmployeeId", ref.employee),
            self.payload(ref.kind, code, amount, ref.id),
            ("EndPeriod", 0),
            ("EndYear", 0),
            ("UnprotectedMode", unprotected),
        )
        if self.expect(plan, answer):
            actual = int_result(answer) if ref.kind == HOUR else bool_result(answer)
            self.same(f"{ES}.{family}_Update", plan.result, actual, plan.facts, f"updating {ref!r}")
            if plan.commit is not None:
                plan.commit(0)
        if known is not None:
            self.check_rows(known.kind, known.variable, ref.employee, known.start, plan.facts)
