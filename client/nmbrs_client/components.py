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


class Hours(Group):
    service = "EmployeeService"

    def get(self, employee_id: int, period: Period | None = None) -> list[HourComponent]:
        if period is None:
            result = self._call("HourComponentVar_GetCurrent", EmployeeId=employee_id)
        else:
            result = self._call(
                "HourComponentVar_Get", EmployeeId=employee_id, Period=period.number, Year=period.year
            )
        return [HourComponent.from_zeep(h) for h in items(result, "HourComponent")]

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
        calls = 0
        for batch in chunks(lines, batch_size):
            self._call(
                "HourComponentVar_Insert_Batch",
                HourComponents={"EmployeeHourComponent": [line.to_zeep() for line in batch]},
                Period=period.number,
                Year=period.year,
                UnprotectedMode=unprotected,
            )
            calls += 1
        return calls

    def clear(self, employee_id: int, period: Period | None = None, *, unprotected: bool = False) -> None:
        """Remove every variable hour component of the employee in the period."""
        if period is None:
            self._call("HourComponentVar_ClearCurrent", EmployeeId=employee_id)
            return
        self._call(
            "HourComponentVar_Clear",
            EmployeeId=employee_id,
            Period=period.number,
            Year=period.year,
            UnprotectedMode=unprotected,
        )


class Wages(Group):
    service = "EmployeeService"

    def get(self, employee_id: int, period: Period | None = None) -> list[WageComponent]:
        if period is None:
            result = self._call("WageComponentVar_GetCurrent", EmployeeId=employee_id)
        else:
            result = self._call(
                "WageComponentVar_Get", EmployeeId=employee_id, Period=period.number, Year=period.year
            )
        return [WageComponent.from_zeep(w) for w in items(result, "WageComponent")]

    def insert_batch(
        self,
        lines: Sequence[WageLine],
        period: Period,
        *,
        unprotected: bool = False,
        batch_size: int | None = None,
    ) -> int:
        calls = 0
        for batch in chunks(lines, batch_size):
            self._call(
                "WageComponentVar_Insert_Batch",
                WageComponents={"EmployeeWageComponent": [line.to_zeep() for line in batch]},
                Period=period.number,
                Year=period.year,
                UnprotectedMode=unprotected,
            )
            calls += 1
        return calls

    def clear(self, employee_id: int, period: Period | None = None, *, unprotected: bool = False) -> None:
        if period is None:
            self._call("WageComponentVar_ClearCurrent", EmployeeId=employee_id)
            return
        self._call(
            "WageComponentVar_Clear",
            EmployeeId=employee_id,
            Period=period.number,
            Year=period.year,
            UnprotectedMode=unprotected,
        )


class Days(Group):
    service = "EmployeeService"

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

    def _period_read(self, prefix: str, employee_id: int, period: Period | None) -> Any:
        if period is None:
            return self._call(f"{prefix}_GetCurrent", EmployeeId=employee_id)
        return self._call(f"{prefix}_Get", EmployeeId=employee_id, Period=period.number, Year=period.year)
