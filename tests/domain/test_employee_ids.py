"""`Tenant.employee_ids`: the ids `employees` gives, in its order, under the same access checks."""

from __future__ import annotations

import pytest

from mock_server.domain.demo import EnvironmentShape, demo_spec, seed_environment
from mock_server.domain.errors import UnauthorizedData, UnknownCompany
from mock_server.domain.model import ApiUser
from mock_server.domain.tenant import Tenant
from mock_server.storage.sqlite_store import SqliteStore


@pytest.fixture(scope="module")
def tenant() -> Tenant:
    store = SqliteStore()
    seeded = Tenant(store, demo_spec("ids"))
    with store.transaction():
        seed_environment(seeded, EnvironmentShape(employees=12, period_types=("M", "W4", "M"), debtors=2))
    return seeded


def test_the_ids_are_those_of_the_employees_in_order(tenant: Tenant) -> None:
    for company in tenant.companies():
        ids = tenant.employee_ids(company.id)
        assert ids == [e.id for e in tenant.employees(company.id)]
        assert len(ids) == 4


def test_an_unknown_or_hidden_company_is_refused(tenant: Tenant) -> None:
    with pytest.raises(UnknownCompany):
        tenant.employee_ids(1)
    first, other = tenant.companies()[0], tenant.companies()[1]
    assert first.debtor_id != other.debtor_id
    scoped = Tenant(tenant.store, tenant.spec, ApiUser("a@b.test", "t", debtor_ids=[first.debtor_id]))
    assert scoped.employee_ids(first.id) == tenant.employee_ids(first.id)
    with pytest.raises(UnauthorizedData):
        scoped.employee_ids(other.id)
