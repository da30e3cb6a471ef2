"""A login scoped to some debtors sees only their companies and employees (1003 / 2003, spec §3.2)."""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsClient, NmbrsCredentials
from nmbrs_faults import fault_code

from mock_server.domain.model import ApiUser


@pytest.fixture
def scoped(mock_app, mock_server, environment):
    """(client of a login that sees only the first debtor, tenant, visible debtor id, hidden debtor id)."""
    tenant = mock_app.backend.tenant(environment.name)
    debtors = [d.id for d in tenant.debtors()]
    assert len(debtors) >= 2, "the demo has two debtors"
    user = ApiUser(f"scoped@{environment.name}.test", "token-scoped", "full", [debtors[0]])
    mock_app.backend.add_user(environment.name, user)
    client = NmbrsClient(
        f"{mock_server.url}/soap/v3/", NmbrsCredentials(user.username, user.token, environment.name)
    )
    return client, tenant, debtors[0], debtors[1]


def test_the_employees_of_another_debtor_are_unknown(scoped):
    client, tenant, visible, hidden = scoped
    mine = tenant.companies(visible)[0]
    other = tenant.companies(hidden)[0]
    own_employee = tenant.employees(mine.id)[0].id
    other_employee = tenant.employees(other.id)[0].id
    assert client.employee.PersonalInfo_GetCurrent(EmployeeId=own_employee) is not None
    assert fault_code(lambda: client.employee.PersonalInfo_GetCurrent(EmployeeId=other_employee)) == 2003
    assert fault_code(lambda: client.employee.HourComponentVar_GetCurrent(EmployeeId=other_employee)) == 2003
    assert (
        fault_code(lambda: client.company.Company_GetCurrentByEmployeeId(EmployeeId=other_employee)) == 2003
    )


def test_the_companies_and_debtor_of_another_debtor_are_refused(scoped):
    client, tenant, visible, hidden = scoped
    other = tenant.companies(hidden)[0]
    listed = {c.ID for c in client.company.List_GetAll()}
    assert listed == {c.id for c in tenant.companies(visible)}
    assert other.id not in listed
    assert fault_code(lambda: client.company.Company_GetCurrentPeriod(CompanyId=other.id)) == 1003
    assert fault_code(lambda: client.employee.List_GetByCompany(CompanyId=other.id, EmployeeType=0)) == 1003
    assert fault_code(lambda: client.debtor.Debtor_Get(DebtorId=hidden)) == 1003
    assert {d.Id for d in client.debtor.List_GetAll()} == {visible}
