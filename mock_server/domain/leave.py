"""Leave (verlof): entitlement from the contract, moved by exported leave hours and leave records.

An employee's leave balance of a year is computed, never stored, so whatever changes its sources
changes it at once (deleting or clearing leave hours gives the leave back):

- Entitlement (`LeaveType` Type1, wettelijk): 4 × the contract's `HoursPerWeek` (Burgerlijk Wetboek
  art. 7:634, CONFIRMED), pro rata to the days of the year the contract runs. Indefinite contracts
  add 1 × `HoursPerWeek` extra-statutory leave (Type2, bovenwettelijk): the demo's contract terms,
  INFERRED. Zero-hour contracts accrue nothing here. No balance carries over from the previous year
  (INFERRED simplification). Amounts are hours rounded to 0.01, half up.
- Hours on the company's leave hour code (the hour model code described "Verlofuren") are taken
  leave of Type1: variable hour components count in their period; fixed ones in every period of the
  year they hold in, up to the company's current period when they are open-ended.
- Leave records (`Leave_Insert`/`Update`/`Delete`): `Withdrawal` is taken leave, `Store` adds to the
  balance, `Expired` removes from it; a `Rejected` one counts for nothing. A record counts in the
  year of its `Start`; `Undefined` type counts as Type1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.figures import cents
from mock_server.domain.model import Company, Employee
from mock_server.domain.periods import Period, PeriodType, first_day, last_day, periods_between
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant

LEAVE_HOUR_DESCRIPTION = "Verlofuren"
LEAVE_FAMILY = "Leave"
STATUTORY_WEEKS = Decimal(4)
EXTRA_WEEKS = Decimal(1)  # indefinite contracts (demo terms)
TYPES = ("Type1", "Type2", "Type3", "Type4")
TYPE_NAMES = {
    "Type1": "Wettelijk verlof",
    "Type2": "Bovenwettelijk verlof",
    "Type3": "Verlof 3",
    "Type4": "Verlof 4",
}
ZERO = Decimal(0)


@dataclass(frozen=True)
class LeaveEntry:
    """One movement of a leave balance: a leave record, or exported leave hours (`record_id` is theirs)."""

    record_id: int
    description: str
    hours: Decimal
    usage: str  # LeaveUsageType: Withdrawal, Store, Expired
    start: datetime
    end: datetime
    leave_type: str
    status: str  # LeaveStatus
    exported: bool = False  # from hour components, not a leave record

    @property
    def change(self) -> Decimal:
        """What it does to the balance: taken and expired leave lower it, stored leave raises it."""
        if self.status == "Rejected":
            return ZERO
        return self.hours if self.usage == "Store" else -self.hours


@dataclass(frozen=True)
class LeaveBalance:
    employee_id: int
    year: int
    entitlement: dict[str, Decimal]  # by leave type
    entries: tuple[LeaveEntry, ...]

    def opening(self, leave_type: str | None = None) -> Decimal:
        """The year's entitlement, of one type or (None) of all."""
        if leave_type is None:
            return sum(self.entitlement.values(), ZERO)
        return self.entitlement.get(leave_type, ZERO)

    def moved(self, leave_type: str | None = None) -> Decimal:
        return sum((e.change for e in self.entries if leave_type in (None, e.leave_type)), ZERO)

    def taken(self, leave_type: str | None = None) -> Decimal:
        return -sum(
            (e.change for e in self.entries if e.change < 0 and leave_type in (None, e.leave_type)), ZERO
        )

    def current(self, leave_type: str | None = None) -> Decimal:
        return self.opening(leave_type) + self.moved(leave_type)


def leave_hour_codes(tenant: Tenant, company: Company) -> set[int]:
    """The company's hour codes that book leave: those described as leave hours."""
    return {
        r.data.get("Code") or 0
        for family in ("HourModel", "HourModel2")
        for r in tenant.records(family, "company", [company.id])
        if (r.data.get("Description") or "").strip().lower() == LEAVE_HOUR_DESCRIPTION.lower()
    }


def entitlement(contract: dict[str, Any] | None, year: int) -> dict[str, Decimal]:
    """Leave hours a contract grants in a calendar year, by leave type, pro rata to its days in it."""
    hours = Decimal((contract or {}).get("HoursPerWeek") or 0)
    if not hours:
        return dict.fromkeys(TYPES, ZERO)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    begin = max(_day((contract or {}).get("StartDate")) or year_start, year_start)
    end = min(_day((contract or {}).get("EndDate")) or year_end, year_end)
    fraction = Decimal(max((end - begin).days + 1, 0)) / Decimal((year_end - year_start).days + 1)
    extra = EXTRA_WEEKS if (contract or {}).get("Indefinite") else ZERO
    return {
        "Type1": cents(STATUTORY_WEEKS * hours * fraction),
        "Type2": cents(extra * hours * fraction),
        "Type3": ZERO,
        "Type4": ZERO,
    }


class LeaveLedger:
    """Leave balances of a company's employees, from one read of their records."""

    def __init__(self, tenant: Tenant, company: Company, employees: list[Employee] | None = None) -> None:
        self.company = company
        self.employees = employees if employees is not None else tenant.employees(company.id)
        owners = [e.id for e in self.employees]
        self.codes = leave_hour_codes(tenant, company)
        self.data = {
            family: tenant.records_by_owner(family, "employee", owners)
            for family in ("Contract", "HourComponentVar", "HourComponentFixed", LEAVE_FAMILY)
        }

    def balance(self, employee_id: int, year: int) -> LeaveBalance:
        contract = self._contract(employee_id, year)
        entries = [*self._exported(employee_id, year), *self._records(employee_id, year)]
        entries.sort(key=lambda e: (e.start, e.record_id))
        return LeaveBalance(employee_id, year, entitlement(contract, year), tuple(entries))

    def _contract(self, employee_id: int, year: int) -> dict[str, Any] | None:
        """The contract of the year: the newest one starting before the year ends."""
        own = [r for r in self.data["Contract"].get(employee_id, []) if r.start <= year * 100 + 99]
        holding = [r for r in own if r.until is None or r.until >= year * 100]
        return holding[-1].data if holding else None

    def _exported(self, employee_id: int, year: int) -> list[LeaveEntry]:
        kind = self.company.type
        out = []
        for record in self.data["HourComponentVar"].get(employee_id, []):
            if record.year == year and record.data.get("HourCode") in self.codes:
                out.append(_hours_entry(record, kind, record.period, Decimal(record.data.get("Hours") or 0)))
        for record in self.data["HourComponentFixed"].get(employee_id, []):
            if record.data.get("HourCode") in self.codes:
                out.extend(self._fixed_entries(record, year))
        return out

    def _fixed_entries(self, record: StoredRecord, year: int) -> list[LeaveEntry]:
        kind = self.company.type
        last = record.until if record.until is not None else self.company.current.key
        first_key, last_key = (
            max(record.start, year * 100 + 1),
            min(last, year * 100 + kind.periods_in_year(year)),
        )
        if first_key > last_key:
            return []
        hours = Decimal(record.data.get("Hours") or 0)
        periods = periods_between(kind, Period.from_key(first_key), Period.from_key(last_key))
        return [_hours_entry(record, kind, period, hours) for period in periods]

    def _records(self, employee_id: int, year: int) -> list[LeaveEntry]:
        out = []
        for record in self.data[LEAVE_FAMILY].get(employee_id, []):
            entry = leave_entry(record)
            if entry.start.year == year:
                out.append(entry)
        return out


def leave_entry(record: StoredRecord) -> LeaveEntry:
    data = record.data
    start = data.get("Start") or datetime(record.year, 1, 1)
    leave_type = data.get("Type") or "Type1"
    return LeaveEntry(
        record_id=record.id,
        description=data.get("Description") or "Verlof",
        hours=Decimal(data.get("Hours") or 0),
        usage=data.get("UsageType") or "Withdrawal",
        start=start,
        end=data.get("End") or start,
        leave_type="Type1" if leave_type == "Undefined" else leave_type,
        status=data.get("Status") or "None",
    )


def _hours_entry(record: StoredRecord, kind: PeriodType, period: Period, hours: Decimal) -> LeaveEntry:
    start, end = first_day(kind, period), last_day(kind, period)
    return LeaveEntry(
        record_id=record.id,
        description=f"{LEAVE_HOUR_DESCRIPTION} periode {period.number} (uren)",
        hours=hours,
        usage="Withdrawal",
        start=datetime.combine(start, datetime.min.time()),
        end=datetime.combine(end, datetime.min.time()),
        leave_type="Type1",
        status="Approved",
        exported=True,
    )


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
