"""Rules for days worked (variable and fixed: sets, batches, stops) and contracts (insert, update, delete)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import multiple, rule

from mock_server.harness import oracle_facts as facts
from mock_server.harness.oracle_periods import Key
from mock_server.harness.stateful_base import CONTRACTS, EMPLOYEES, ES, BaseMachine
from mock_server.harness.stateful_context import Ref
from mock_server.harness.stateful_wire import Xml, contract, days_item, int_result

SLOTS = st.integers(0, 15)
DAYS = st.integers(0, 23)
DAY_LINES = st.lists(st.tuples(st.integers(0, 5), DAYS, SLOTS), min_size=1, max_size=4)
HOURS_PER_WEEK = st.sampled_from([Decimal(halves) / 2 for halves in range(8, 81)])
EMPLOYMENT_TYPES = st.integers(1, 2)


class DaysRules(BaseMachine):
    def _family(self, variable: bool) -> str:
        return "DaysVar" if variable else "DaysFixed"

    def _check_days_around(self, variable: bool, employee: int, period: Key | None, why: Any) -> None:
        self.check_days(variable, employee, period, why)
        if not variable and period is not None:
            self.check_days(variable, employee, self.model.periods.next(period), why)

    @rule(
        variable=st.booleans(),
        employee=EMPLOYEES,
        days=DAYS,
        slot=SLOTS,
        unprotected=st.booleans(),
        current=st.booleans(),
    )
    def set_days(
        self, variable: bool, employee: int, days: int, slot: int, unprotected: bool, current: bool
    ) -> None:
        self.begin("set_days")
        period = None if current else self.period_at(slot)
        plan = self.model.set_days(variable, employee, days, period, unprotected)
        family = self._family(variable)
        if period is None:
            answer = self.call(ES, f"{family}_SetCurrent", ("EmployeeId", employee), ("Days", days))
        else:
            pairs = [("EmployeeId", employee), ("Days", days), *self.addressed(period, unprotected)]
            answer = self.call(ES, f"{family}_Set", *pairs)
        self.settle(plan, answer)
        self._check_days_around(variable, employee, period, plan.facts)

    @rule(variable=st.booleans(), picks=DAY_LINES, unprotected=st.booleans())
    def set_days_batch(self, variable: bool, picks: list[tuple[int, int, int]], unprotected: bool) -> None:
        """`Days{Var|Fixed}_Set_Batch`: each line names its own employee and period."""
        self.begin("set_days_batch")
        staff = self.employee_ids
        lines = [(staff[who % len(staff)], days, self.period_at(slot)) for who, days, slot in picks]
        plan = self.model.set_days_batch(variable, lines, unprotected)
        array = Xml("".join(days_item(employee, days, *period) for employee, days, period in lines))
        family = self._family(variable)
        answer = self.call(
            ES, f"{family}_Set_Batch", ("EmployeesDaysWorked", array), ("UnprotectedMode", unprotected)
        )
        self.settle(plan, answer)
        for employee, _, period in dict.fromkeys(lines):
            self._check_days_around(variable, employee, period, plan.facts)

    @rule(employee=EMPLOYEES, slot=SLOTS, unprotected=st.booleans())
    def stop_days(self, employee: int, slot: int, unprotected: bool) -> None:
        self.begin("stop_days")
        period = self.period_at(slot)
        plan = self.model.stop_days(employee, period, unprotected)
        answer = self.call(
            ES, "DaysFixed_Stop", ("EmployeeId", employee), *self.addressed(period, unprotected)
        )
        self.settle(plan, answer)
        self._check_days_around(False, employee, period, plan.facts)

    # --- contracts ---------------------------------------------------------------------------------------
    def check_contracts(self, employee: int, why: Any) -> None:
        """Our contracts with their values in Contract_GetAll, the ones held before untouched, and the
        current ones of ours in Contract_GetCurrentPeriod."""
        listed = self.read_contracts(employee)
        foreign = self.model.foreign_contracts.get(employee, set())
        ours = {cid: value for cid, value in listed.items() if cid not in foreign}
        operation = f"{ES}.Contract_GetAll"
        self.same(
            operation, self.model.own_contracts(employee), ours, why, f"contracts of employee {employee}"
        )
        self.same(operation, foreign, foreign & set(listed), why, "contracts held before the run")
        current = self.read_current_contracts(employee) - foreign
        expected = self.model.current_contracts(employee)
        self.same(
            f"{ES}.Contract_GetCurrentPeriod",
            expected,
            current,
            (*why, facts.CONTRACT_FROM_CURRENT),
            f"current contracts of employee {employee}",
        )

    @rule(
        target=CONTRACTS,
        employee=EMPLOYEES,
        hours=HOURS_PER_WEEK,
        kind=EMPLOYMENT_TYPES,
        current=st.booleans(),
    )
    def insert_contract(self, employee: int, hours: Decimal, kind: int, current: bool) -> Any:
        self.begin("insert_contract")
        plan = self.model.insert_contract(employee, hours, kind)
        if current:
            answer = self.call(
                ES,
                "Contract_InsertCurrentPeriod",
                ("EmployeeId", employee),
                ("EmployeeContract", contract(hours, kind)),
            )
        else:
            answer = self.call(
                ES,
                "Contract_Insert",
                ("EmployeeId", employee),
                ("EmployeeContract", contract(hours, kind)),
                ("UnprotectedMode", False),
            )
        accepted = self.expect(plan, answer)
        new_id = int_result(answer) if accepted else 0
        if accepted:
            if new_id <= 0 or new_id in self.model.contracts:
                self.fail(
                    f"{ES}.{answer.exchange.operation}",
                    f"expected a new contract id, got {new_id}",
                    plan.facts,
                )
            assert plan.commit is not None
            plan.commit(new_id)
        self.check_contracts(employee, plan.facts)
        return Ref("contract", new_id, employee) if accepted else multiple()

    @rule(ref=CONTRACTS, hours=HOURS_PER_WEEK, kind=EMPLOYMENT_TYPES, unprotected=st.booleans())
    def update_contract(self, ref: Ref, hours: Decimal, kind: int, unprotected: bool) -> None:
        self.begin("update_contract")
        plan = self.model.update_contract(ref.id, ref.employee, hours, kind, unprotected)
        answer = self.call(
            ES,
            "Contract_Update",
            ("EmployeeId", ref.employee),
            ("EmployeeContract", contract(hours, kind, ref.id)),
            ("UnprotectedMode", unprotected),
        )
        if self.expect(plan, answer) and plan.commit is not None:
            plan.commit(0)
        self.check_contracts(ref.employee, plan.facts)

    @rule(ref=CONTRACTS)
    def delete_contract(self, ref: Ref) -> None:
        self.begin("delete_contract")
        plan = self.model.delete_contract(ref.id, ref.employee)
        self.settle(plan, self.call(ES, "Contract_Delete", ("EmployeeId", ref.employee), ("Id", ref.id)))
        self.check_contracts(ref.employee, plan.facts)
