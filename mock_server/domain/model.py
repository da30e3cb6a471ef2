"""Domain entities: environments (tenants), API users, debtors, companies, employees."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Self

from mock_server.domain.periods import Period, PeriodType


@dataclass
class ApiUser:
    username: str  # the e-mail address of the Nmbrs login
    token: str
    template: str = "full"  # name of the permission template
    debtor_ids: list[int] | None = None  # None: every debtor (a master/accountant login)


@dataclass
class EnvironmentSpec:
    """A tenant: `name` is the sub-domain clients send as `<Domain>`."""

    name: str
    users: list[ApiUser] = field(default_factory=list)
    templates: dict[str, list[str]] = field(default_factory=dict)  # user-defined templates
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        users = [ApiUser(**user) for user in data.get("users", [])]
        return cls(data["name"], users, data.get("templates", {}), data.get("seed", 1))


@dataclass
class Debtor:
    id: int
    number: str  # a string in Nmbrs, unlike company and employee numbers
    name: str


@dataclass
class Company:
    id: int
    debtor_id: int
    number: int
    name: str
    period_type: str  # PeriodType value: M, W4, W1
    current_year: int
    current_period: int
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    kvk: str | None = None
    wage_tax_number: str | None = None
    loonaangifte_tijdvak: str = "Month"

    @property
    def type(self) -> PeriodType:
        return PeriodType(self.period_type)

    @property
    def current(self) -> Period:
        return Period(self.current_year, self.current_period)


@dataclass
class Employee:
    id: int
    company_id: int
    number: int
    display_name: str
    employee_type: int = 1  # EmployeeType_GetList id
