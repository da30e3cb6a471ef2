"""EmployeeService writes and reads of variable hours, wages and days, per period.

`period=None` means the company's current period (the `..._GetCurrent` / `..._ClearCurrent`
variants). Period-addressed writes take `unprotected`: Nmbrs refuses changes before the current
period (2011, `ProtectedPeriod`) unless `UnprotectedMode` is true.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nmbrs_client.group import Group, chunks
from nmbrs_client.models import (
    DaysVarWorked,
    DaysWorked,
    HourComponent,
    HourLine,
    Period,
    WageComponent,
    WageLine,
    items,
)


class _EmployeePeriodGroup(Group):
    """EmployeeService calls addressed by employee and period (`None` = the current period)."""

    service = "EmployeeService"

    def _period_read(self, prefix: str, employee_id: int, period: Period | None) -> Any:
        if period is None:
            return self._call(f"{prefix}_GetCurrent", EmployeeId=employee_id)
        return self._call(f"{prefix}_Get", EmployeeId=employee_id, Period=period.number, Year=period.year)


class _VarComponents(_EmployeePeriodGroup):
    """The `<kind>ComponentVar_*` family shared by hours and wages."""

    kind = ""

    def _read(self, employee_id: int, period: Period | None) -> list[Any]:
        result = self._period_read(f"{self.kind}ComponentVar", employee_id, period)
        return items(result, f"{self.kind}Component")

    def _insert_batches(
        self,
        lines: Sequence[HourLine | WageLine],
        period: Period,
        unprotected: bool,
        batch_size: int | None,
    ) -> int:
        calls = 0
        for batch in chunks(lines, batch_size):
            self._call(
                f"{self.kind}ComponentVar_Insert_Batch",
                **{
                    f"{self.kind}Components": {
                        f"Employee{self.kind}Component": [line.to_zeep() for line in batch]
                    }
                },
                Period=period.number,
                Year=period.year,
                UnprotectedMode=unprotected,
            )
            calls += 1
        return calls

    def clear(self, employee_id: int, period: Period | None = None, *, unprotected: bool = False) -> None:
        """Remove every variable component of this kind of the employee in the period."""
        if period is None:
            self._call(f"{self.kind}ComponentVar_ClearCurrent", EmployeeId=employee_id)
            return
        self._call(
            f"{self.kind}ComponentVar_Clear",
            EmployeeId=employee_id,
            Period=period.number,
            Year=period.year,
            UnprotectedMode=unprotected,
        )


class Hours(_VarComponents):
    kind = "Hour"

    def get(self, employee_id: int, period: Period | None = None) -> list[HourComponent]:
        return [HourComponent.from_zeep(h) for h in self._read(employee_id, period)]

    def insert_batch(
        self,
        lines: Sequence[HourLine],
        period: Period,
        *,
        unprotected: bool = False,
        batch_size: int | None = None,
    ) -> int:
        """Add the lines to `period` (components are additive), `batch_size` lines per call; returns
        the number of calls made."""
        return self._insert_batches(lines, period, unprotected, batch_size)


class Wages(_VarComponents):
    kind = "Wage"

    def get(self, employee_id: int, period: Period | None = None) -> list[WageComponent]:
        return [WageComponent.from_zeep(w) for w in self._read(employee_id, period)]

    def insert_batch(
        self,
        lines: Sequence[WageLine],
        period: Period,
        *,
        unprotected: bool = False,
        batch_size: int | None = None,
    ) -> int:
        return self._insert_batches(lines, period, unprotected, batch_size)


class Days(_EmployeePeriodGroup):
    def var(self, employee_id: int, period: Period | None = None) -> int:
        """Variable days worked (`DaysVar_Get` / `DaysVar_GetCurrent`)."""
        return int(self._period_read("DaysVar", employee_id, period) or 0)

    def fixed(self, employee_id: int, period: Period | None = None) -> int:
        return int(self._period_read("DaysFixed", employee_id, period) or 0)

    def worked(self, employee_id: int, period: Period | None = None) -> DaysVarWorked:
        return DaysVarWorked.from_zeep(self._period_read("DaysVarWorked", employee_id, period))

    def set_var_batch(self, days: Sequence[DaysWorked], *, unprotected: bool = False) -> None:
        """Set variable days worked; each item names its own period."""
        self._call(
            "DaysVar_Set_Batch",
            EmployeesDaysWorked={"DaysWorked": [d.to_zeep() for d in days]},
            UnprotectedMode=unprotected,
        )

    def set_fixed_batch(self, days: Sequence[DaysWorked], *, unprotected: bool = False) -> None:
        self._call(
            "DaysFixed_Set_Batch",
            EmployeesDaysWorked={"DaysWorked": [d.to_zeep() for d in days]},
            UnprotectedMode=unprotected,
        )
