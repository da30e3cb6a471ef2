"""Seeded leave: what a real environment's leave module holds for its employees.

Every even-numbered employee with contract hours took a summer holiday in each year its contract
ran (leave records, approved) and exported one day of leave hours (the company's leave hour code)
in the period before the current one, as a time-tracking integration does.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from mock_server.domain.leave import LEAVE_FAMILY, leave_hour_codes
from mock_server.domain.model import Company
from mock_server.domain.periods import Period, containing, previous_period
from mock_server.domain.records import latest_at
from mock_server.domain.tenant import Tenant

LEAVE_DAY_HOURS = Decimal("8.00")


def seed_leave(tenant: Tenant, company: Company, created: datetime) -> None:
    codes = sorted(leave_hour_codes(tenant, company))
    employees = [e for e in tenant.employees(company.id) if e.number % 2 == 0]
    contracts = tenant.records_by_owner("Contract", "employee", [e.id for e in employees])
    exported_in = previous_period(company.type, company.current)
    for employee in employees:
        contract = latest_at(contracts.get(employee.id, []), company.current.key)
        hours = Decimal((contract.data if contract else {}).get("HoursPerWeek") or 0)
        if contract is None or not hours:
            continue
        for year in range(contract.year, company.current_year + 1):
            weeks = 2 if year < company.current_year else 1
            start = datetime(year, 7, 13)
            if (contract.data.get("StartDate") or start) > start:
                continue  # not yet employed that summer
            data = {
                "Description": "Zomervakantie",
                "Hours": (hours * weeks).quantize(Decimal("0.01")),
                "UsageType": "Withdrawal",
                "Start": start,
                "End": datetime(year, 7, 13 + 7 * weeks - 3),
                "StartHours": Decimal(0),
                "EndHours": Decimal(0),
                "Type": "Type1",
                "Status": "Approved",
            }
            tenant.add_record(LEAVE_FAMILY, "employee", employee.id, containing(company.type, start.date()),
                              data, created=created)  # fmt: skip
        if codes and contract.start <= exported_in.key:
            hour = {"HourCode": codes[0], "Hours": LEAVE_DAY_HOURS, "CostCenterId": None, "CostUnitId": None}
            tenant.add_record("HourComponentVar", "employee", employee.id, Period.from_key(exported_in.key),
                              hour, True, created)  # fmt: skip
