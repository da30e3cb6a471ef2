"""Deletes, Clears and Stops into a protected period need UnprotectedMode, like Updates and Inserts (§4).

Every `_Delete`/`_Clear`/`_Stop` operation of the contract that names a period (Period, Year,
UnprotectedMode) is called for the period before the company's current one: without the flag it is
refused with 2011 and the record is untouched; with the flag it is applied. In the current period the
flag is not needed. Records are seeded in process and checked in process (a second path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from nmbrs_client import NmbrsClient, NmbrsFault

from mock_server.app import MockApp
from mock_server.contract import SERVICES, load_contract
from mock_server.domain.model import Company, EnvironmentSpec
from mock_server.domain.periods import Period, previous_period
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant
from mock_server.services.shape import shape_of

REMOVE_VERBS = ("Delete", "Clear", "Stop")


@dataclass(frozen=True)
class Removal:
    family: str
    owner_kind: str  # employee or company
    how: str  # "clear": the period's records go; "stop": the open record ends at the period

    @property
    def variable(self) -> bool:
        return self.how == "clear"


REMOVALS = {
    ("EmployeeService", "DaysFixed_Stop"): Removal("DaysFixed", "employee", "stop"),
    ("EmployeeService", "HourComponentFixed_Stop"): Removal("HourComponentFixed", "employee", "stop"),
    ("EmployeeService", "HourComponentVar_Clear"): Removal("HourComponentVar", "employee", "clear"),
    ("EmployeeService", "WageComponentFixed_Stop"): Removal("WageComponentFixed", "employee", "stop"),
    ("EmployeeService", "WageComponentVar_Clear"): Removal("WageComponentVar", "employee", "clear"),
    ("CompanyService", "WageComponentFixed_Stop"): Removal("WageComponentFixed", "company", "stop"),
    ("CompanyService", "WageComponentVar_Clear"): Removal("WageComponentVar", "company", "clear"),
}
CASES = [pytest.param(service, op, id=f"{service}.{op}") for service, op in REMOVALS]


def period_removals() -> set[tuple[str, str]]:
    """Every Delete/Clear/Stop of the contract that takes a Period, a Year and UnprotectedMode."""
    found = set()
    for service in SERVICES:
        for operation in load_contract(service).operations:
            shape = shape_of(service, operation)
            if shape.verb.startswith(REMOVE_VERBS) and shape.has_period and shape.unprotected_param:
                found.add((service, operation))
    return found


def test_every_period_addressed_removal_is_covered():
    assert period_removals() == set(REMOVALS)


@dataclass
class Setup:
    tenant: Tenant
    company: Company
    owner: int
    record: StoredRecord


def seed(mock_app: MockApp, spec: EnvironmentSpec, removal: Removal, start: Period) -> Setup:
    tenant = mock_app.backend.tenant(spec.name)
    company = tenant.companies()[0]
    owner = tenant.employees(company.id)[0].id if removal.owner_kind == "employee" else company.id
    data = {"Code": 1, "Value": 12.5, "Hours": 2, "Days": 3}
    with mock_app.backend.transaction():
        record = tenant.add_record(
            removal.family, removal.owner_kind, owner, start, data, variable=removal.variable
        )
    return Setup(tenant, company, owner, record)


def arguments(
    service: str, operation: str, setup: Setup, period: Period, unprotected: bool
) -> dict[str, Any]:
    args: dict[str, Any] = {"Period": period.number, "Year": period.year, "UnprotectedMode": unprotected}
    args["EmployeeId" if service == "EmployeeService" else "CompanyId"] = setup.owner
    names = {e.name for e in load_contract(service).operations[operation].inputs}
    if "WageComponentId" in names:
        args["WageComponentId"] = setup.record.id
    if "Hourcomponent" in names:
        args["Hourcomponent"] = {
            "Id": setup.record.id,
            "HourCode": 1,
            "Hours": 2,
            "CostCenterId": None,
            "CostUnitId": None,
        }
    assert set(args) == names, f"{operation}: arguments {sorted(args)} for inputs {sorted(names)}"
    return args


def stored(setup: Setup) -> StoredRecord | None:
    removal_records = setup.tenant.records(setup.record.family, setup.record.owner_kind, [setup.owner])
    return next((r for r in removal_records if r.id == setup.record.id), None)


def proxy(client: NmbrsClient, service: str) -> Any:
    return client.employee if service == "EmployeeService" else client.company


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_a_removal_in_a_protected_period_needs_unprotected_mode(
    mock_app, client, environment, service, operation
):
    removal = REMOVALS[(service, operation)]
    tenant = mock_app.backend.tenant(environment.name)
    company = tenant.companies()[0]
    past = previous_period(company.type, company.current)
    start = past if removal.how == "clear" else previous_period(company.type, past)
    setup = seed(mock_app, environment, removal, start)
    call = getattr(proxy(client, service), operation)

    with pytest.raises(NmbrsFault) as caught:
        call(**arguments(service, operation, setup, past, unprotected=False))
    assert caught.value.code == 2011, caught.value.message
    kept = stored(setup)
    assert kept is not None and (kept.start, kept.until) == (setup.record.start, setup.record.until)

    call(**arguments(service, operation, setup, past, unprotected=True))
    after = stored(setup)
    if removal.how == "clear":
        assert after is None, f"{operation} with UnprotectedMode must clear the period's record"
    else:
        assert after is not None and after.until == past.key, f"{operation} must end the record at {past}"


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_a_removal_in_the_current_period_needs_no_flag(mock_app, client, environment, service, operation):
    removal = REMOVALS[(service, operation)]
    company = mock_app.backend.tenant(environment.name).companies()[0]
    current = company.current
    start = current if removal.how == "clear" else previous_period(company.type, current)
    setup = seed(mock_app, environment, removal, start)
    getattr(proxy(client, service), operation)(**arguments(service, operation, setup, current, False))
    after = stored(setup)
    if removal.how == "clear":
        assert after is None
    else:
        assert after is not None and after.until == current.key


def test_a_delete_by_id_of_a_past_record_needs_unprotected_mode(mock_app, client, environment):
    """TimeSchedule_DeleteByID names no period: the record's own period decides."""
    tenant = mock_app.backend.tenant(environment.name)
    company = tenant.companies()[0]
    employee = tenant.employees(company.id)[0].id
    past = previous_period(company.type, company.current)
    with mock_app.backend.transaction():
        record = tenant.add_record("TimeSchedule", "employee", employee, past, {"StartDate": None})
    with pytest.raises(NmbrsFault) as caught:
        client.employee.TimeSchedule_DeleteByID(
            TimeScheduleId=record.id, EmployeeId=employee, UnprotectedMode=False
        )
    assert caught.value.code == 2011
    assert [r.id for r in tenant.records("TimeSchedule", "employee", [employee])].count(record.id) == 1
    client.employee.TimeSchedule_DeleteByID(
        TimeScheduleId=record.id, EmployeeId=employee, UnprotectedMode=True
    )
    assert record.id not in [r.id for r in tenant.records("TimeSchedule", "employee", [employee])]

    with mock_app.backend.transaction():
        current = tenant.add_record(
            "TimeSchedule", "employee", employee, company.current, {"StartDate": None}
        )
    client.employee.TimeSchedule_DeleteByID(
        TimeScheduleId=current.id, EmployeeId=employee, UnprotectedMode=False
    )
    assert current.id not in [r.id for r in tenant.records("TimeSchedule", "employee", [employee])]
