"""Typed results and inputs: plain frozen dataclasses, converted explicitly from zeep objects.

`from_zeep` on each result class reads the Nmbrs element names (with their historical spellings:
`ID`/`Id`, `EmployementType`, ...) so callers never touch zeep objects. Input classes (`HourLine`,
`WageLine`, `DaysWorked`) turn into the request structures with `to_zeep`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\w+)\s*$")


def field(obj: Any, name: str, default: Any = None) -> Any:
    """A child of a zeep object (or dict), `default` when absent or nil."""
    if obj is None:
        return default
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return default if value is None else value


def items(obj: Any, name: str) -> list[Any]:
    """The repeated children of an array wrapper (`ArrayOfX{X*}`), or the list zeep already unwrapped."""
    if obj is None:
        return []
    if isinstance(obj, list):
        return obj
    return list(field(obj, name, []))


def as_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True, order=True)
class Period:
    """A payroll period: `number` 1-12 (monthly), 1-13 (four-weekly) or 1-53 (weekly) of `year`."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


@dataclass(frozen=True)
class CurrentPeriod(Period):
    """A company's current period, as `Company_GetCurrentPeriod` tells it ("2026-11-M")."""

    period_type: str = ""  # M (monthly), W4 (four-weekly), W1 (weekly)

    @classmethod
    def parse(cls, text: str) -> CurrentPeriod:
        match = _PERIOD.match(text or "")
        if match is None:
            raise ValueError(f"not a period: {text!r} (expected year-period-type, e.g. 2026-11-M)")
        return cls(int(match.group(1)), int(match.group(2)), match.group(3))

    @property
    def period(self) -> Period:
        return Period(self.year, self.number)


@dataclass(frozen=True)
class Company:
    id: int
    number: int
    name: str
    wage_tax_period: str = ""  # LoonaangifteTijdvak: None, Month, Week4, Month6, Year
    email: str = ""
    phone: str = ""
    kvk_number: str = ""

    @classmethod
    def from_zeep(cls, obj: Any) -> Company:
        return cls(
            id=field(obj, "ID"),
            number=field(obj, "Number", 0),
            name=as_text(field(obj, "Name")),
            wage_tax_period=as_text(field(obj, "LoonaangifteTijdvak")),
            email=as_text(field(obj, "Email")),
            phone=as_text(field(obj, "PhoneNumber")),
            kvk_number=as_text(field(obj, "KvkNr")),
        )


@dataclass(frozen=True)
class Code:
    """An hour code of the hour model or a wage code of the wage model."""

    code: int
    description: str

    @classmethod
    def from_zeep(cls, obj: Any) -> Code:
        return cls(field(obj, "Code"), as_text(field(obj, "Description")))


HourCode = Code
WageCode = Code


@dataclass(frozen=True)
class EmployeeListItem:
    id: int
    number: int
    display_name: str

    @classmethod
    def from_zeep(cls, obj: Any) -> EmployeeListItem:
        return cls(field(obj, "Id"), field(obj, "Number", 0), as_text(field(obj, "DisplayName")))


@dataclass(frozen=True)
class EmployeeType:
    id: int
    description: str

    @classmethod
    def from_zeep(cls, obj: Any) -> EmployeeType:
        return cls(field(obj, "Id"), as_text(field(obj, "Description")))


@dataclass(frozen=True)
class PersonalInfo:
    """One version of an employee's personal info (`PersonalInfo_V2`)."""

    id: int
    employee_number: int
    display_name: str
    first_name: str
    initials: str
    prefix: str
    last_name: str
    email_work: str
    email_private: str
    gender: str
    birthday: date | None
    start_period: Period | None
    bsn: str = ""

    @classmethod
    def from_zeep(cls, obj: Any) -> PersonalInfo:
        year, number = field(obj, "StartYear", 0), field(obj, "StartPeriod", 0)
        return cls(
            id=field(obj, "Id"),
            employee_number=field(obj, "EmployeeNumber", 0),
            display_name=as_text(field(obj, "DisplayName")),
            first_name=as_text(field(obj, "FirstName")),
            initials=as_text(field(obj, "Initials")),
            prefix=as_text(field(obj, "Prefix")),
            last_name=as_text(field(obj, "LastName")),
            email_work=as_text(field(obj, "EmailWork")),
            email_private=as_text(field(obj, "EmailPrivate")),
            gender=as_text(field(obj, "Gender")),
            birthday=as_date(field(obj, "Birthday")),
            start_period=Period(year, number) if year and number else None,
            bsn=as_text(field(obj, "BSN")),
        )


@dataclass(frozen=True)
class Contract:
    id: int
    start_date: date | None
    end_date: date | None
    trial_period: date | None
    employment_type: int
    indefinite: bool | None
    hours_per_week: Decimal | None
    written: bool | None
    created: datetime | None = None

    @classmethod
    def from_zeep(cls, obj: Any) -> Contract:
        return cls(
            id=field(obj, "ContractID"),
            start_date=as_date(field(obj, "StartDate")),
            end_date=as_date(field(obj, "EndDate")),
            trial_period=as_date(field(obj, "TrialPeriod")),
            employment_type=field(obj, "EmployementType", 0),  # sic
            indefinite=field(obj, "Indefinite"),
            hours_per_week=field(obj, "HoursPerWeek"),
            written=field(obj, "WrittenContract"),
            created=field(obj, "CreationDate"),
        )

    def active_on(self, day: date) -> bool:
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class Salary:
    id: int
    value: Decimal
    type: int
    start_date: date | None

    @classmethod
    def from_zeep(cls, obj: Any) -> Salary:
        return cls(
            field(obj, "ID"),
            field(obj, "Value", Decimal(0)),
            field(obj, "Type", 0),
            as_date(field(obj, "StartDate")),
        )


@dataclass(frozen=True)
class HourComponent:
    """A variable hour component as the service returns it."""

    id: int
    hour_code: int
    hours: Decimal

    @classmethod
    def from_zeep(cls, obj: Any) -> HourComponent:
        return cls(field(obj, "Id"), field(obj, "HourCode"), field(obj, "Hours", Decimal(0)))


@dataclass(frozen=True)
class WageComponent:
    id: int
    code: int
    value: Decimal

    @classmethod
    def from_zeep(cls, obj: Any) -> WageComponent:
        return cls(field(obj, "Id"), field(obj, "Code"), field(obj, "Value", Decimal(0)))


@dataclass(frozen=True)
class HourLine:
    """An hour component to insert for an employee (`EmployeeHourComponent`)."""

    employee_id: int
    hour_code: int
    hours: Decimal
    comment: str | None = None
    cost_center_id: int | None = None
    cost_unit_id: int | None = None

    def to_zeep(self) -> dict[str, Any]:
        return {
            "EmployeeId": self.employee_id,
            "Id": 0,
            "HourCode": self.hour_code,
            "CostCenterId": self.cost_center_id,
            "CostUnitId": self.cost_unit_id,
            "Hours": Decimal(self.hours),
            "Comment": self.comment,
        }


@dataclass(frozen=True)
class WageLine:
    """A variable wage component to insert for an employee (`EmployeeWageComponent`)."""

    employee_id: int
    code: int
    value: Decimal
    comment: str | None = None
    cost_center_id: int | None = None
    cost_unit_id: int | None = None

    def to_zeep(self) -> dict[str, Any]:
        return {
            "EmployeeId": self.employee_id,
            "Id": 0,
            "Code": self.code,
            "Value": Decimal(self.value),
            "CostCenterId": self.cost_center_id,
            "CostUnitId": self.cost_unit_id,
            "Comment": self.comment,
        }


@dataclass(frozen=True)
class DaysWorked:
    employee_id: int
    days: int
    period: Period

    def to_zeep(self) -> dict[str, Any]:
        return {
            "EmployeeId": self.employee_id,
            "Days": self.days,
            "Period": self.period.number,
            "Year": self.period.year,
        }


@dataclass(frozen=True)
class DaysVarWorked:
    days: int
    plus_minus_days_for_wage_components: int

    @classmethod
    def from_zeep(cls, obj: Any) -> DaysVarWorked:
        return cls(field(obj, "Days", 0), field(obj, "PlusMinusDaysForWageComp", 0))
