"""The write-effect sweep: every write operation of the contract, and the read of its family that shows it.

Each scenario (tests/write_scenarios_*.py) sends writes over SOAP (real envelopes through the mock's
pipeline, in process) against a copy of the demo and checks their effect through reads of the same
family: an insert's new id is listed, an update changes the fields it names and keeps the ones left
out, a delete removes, a clear empties the period, a stop ends the record after its period, a recovery
ends the absence. A write with no read that could show its effect is in `NO_READ` with the reason.
Every write operation (every operation that is not a `Get…`/`List…` read) must be in exactly one of the
two, so a new write without a check fails `test_every_write_has_a_check`. Run with `-s` for the table.
"""

from __future__ import annotations

import traceback
from dataclasses import replace

import pytest
import write_scenarios_components  # noqa: F401  (registers scenarios)
import write_scenarios_employee  # noqa: F401
import write_scenarios_other  # noqa: F401
import write_scenarios_records  # noqa: F401
from nmbrs_client import NmbrsCredentials
from write_calls import SCENARIOS, Api, Ctx

from mock_server.app import MockApp
from mock_server.contract import SERVICES, load_contract
from mock_server.services.shape import shape_of

DOCUMENT = "a document request (answers a PDF or figures), not a change: nothing to read back"
# Writes that no read of the contract can show, with why. Keep this list short and honest.
NO_READ: dict[str, str] = {
    "CompanyService.FileExplorer_UploadFile": "no v3 operation lists a company's uploaded files",
    "EmployeeService.EmployeeDocument_UploadDocument": "no v3 operation lists an employee's documents",
    "DebtorService.Debtor_IsOwner": "a question (answers true/false), not a change",
    "CompanyService.HrDocuments_EmployerCostPerHour_Year": DOCUMENT,
    **{
        f"CompanyService.{name}": DOCUMENT
        for name in load_contract("CompanyService").operations
        if name.startswith("SalaryDocuments_AnnualDocument_")
    },
}


def write_operations() -> list[str]:
    return [f"{s}.{o}" for s in SERVICES for o in load_contract(s).operations if not shape_of(s, o).is_read]


def covered() -> dict[str, str]:
    """Write operation -> the scenario that checks it."""
    return {write: name for name, (writes, _) in SCENARIOS.items() for write in writes}


Outcome = tuple[dict[str, str], str | None]  # (write -> what was seen, the failure)


@pytest.fixture(scope="module")
def outcomes(mock_app: MockApp) -> dict[str, Outcome]:
    from mock_server.domain.demo import DEMO_DOMAIN, demo_spec

    spec = demo_spec("writeeffects")
    user = replace(spec.users[0], username="sweep@writeeffects.test", token="token-writeeffects")
    spec = replace(spec, users=[user])
    mock_app.backend.clone_environment(DEMO_DOMAIN, spec)
    api = Api(mock_app, NmbrsCredentials(user.username, user.token, spec.name))
    company = int(api.call("CompanyService", "List_GetAll")[0]["ID"])
    period = api.call("CompanyService", "Company_GetCurrentPeriod", CompanyId=company) or ""
    year, number = (int(part) for part in period.split("-")[:2])
    employees = api.call("EmployeeService", "List_GetByCompany", CompanyId=company, EmployeeType=0)
    debtor = int(api.call("DebtorService", "List_GetAll")[0]["Id"])
    found: dict[str, Outcome] = {}
    for index, (name, (_, run)) in enumerate(SCENARIOS.items()):
        employee = int(employees[index % len(employees)]["Id"])
        ctx = Ctx(api, company, employee, debtor, year, number)
        try:
            run(ctx)
            found[name] = (ctx.checked, None)
        except Exception as error:  # a scenario that breaks is reported with the others
            found[name] = (ctx.checked, f"{error}\n{traceback.format_exc(limit=-2)}")
    return found


def test_every_write_shows_its_effect(outcomes: dict[str, Outcome]) -> None:
    owner = covered()
    seen = {write: what for checked, _ in outcomes.values() for write, what in checked.items()}
    print(f"\nwrite-effect sweep: {len(write_operations())} write operations, {len(SCENARIOS)} scenarios")
    for write in sorted(write_operations()):
        if write in NO_READ:
            print(f"  NO READ  {write}: {NO_READ[write]}")
        elif write in seen:
            print(f"  seen     {write}: {seen[write]}")
        else:
            print(f"  FAILED   {write} (scenario {owner.get(write)})")
    failures = {name: failure for name, (_, failure) in outcomes.items() if failure}
    unseen = sorted(w for w in owner if w not in seen and owner[w] not in failures)
    assert not failures, "\n\n".join(f"{name}: {failure}" for name, failure in failures.items())
    assert not unseen, f"scenarios that claim these writes but never checked them: {unseen}"


def test_every_write_has_a_check() -> None:
    writes = set(write_operations())
    owner = covered()
    assert len(writes) > 140
    missing = sorted(writes - set(owner) - set(NO_READ))
    assert not missing, (
        f"write operations without a write-effect check (add a scenario or a NO_READ reason): {missing}"
    )
    assert not set(owner) - writes, (
        f"scenarios claim operations that are not writes: {sorted(set(owner) - writes)}"
    )
    assert not set(NO_READ) - writes, (
        f"NO_READ names operations that are not writes: {sorted(set(NO_READ) - writes)}"
    )
    assert not set(owner) & set(NO_READ), f"both checked and allowed: {sorted(set(owner) & set(NO_READ))}"
