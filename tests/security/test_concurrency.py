"""16 clients writing batches into one company at once lose nothing and never half-apply a batch; a
read during the writes sees every batch whole or not at all; in memory and with a state file. And a
greenlet switch inside a transaction fails loudly instead of letting another greenlet in."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import gevent
import pytest
import requests
from hardening_support import DEMO, ErrorLog, small_app
from lxml import etree
from nmbrs_client.raw import envelope, fault_of, http_headers, namespace

from mock_server.domain.demo import DEMO_DOMAIN
from mock_server.server import MockServer
from mock_server.storage.sqlite_store import SqliteStore
from mock_server.storage.transaction_lock import GreenletSwitchInTransaction

CLIENTS = 16
BATCHES = 6
PER_EMPLOYEE = 3  # items per employee in a batch; a batch covers two employees
POISONED = 2  # every client's batch 2 ends with an unknown hour code: it must leave nothing
NS = namespace("EmployeeService")


def batch_body(employees: tuple[int, int], tag: int, period: tuple[int, int], poisoned: bool) -> bytes:
    """The batch's items carry its tag in their Hours (tag.1, tag.2, ...): reads show no comments."""
    items = "".join(
        f"<EmployeeHourComponent><EmployeeId>{employee}</EmployeeId><Id>0</Id><HourCode>1</HourCode>"
        f"<Hours>{tag}.{n + 1}</Hours><Comment>batch {tag}</Comment></EmployeeHourComponent>"
        for employee in employees
        for n in range(PER_EMPLOYEE)
    )
    if poisoned:
        items += (
            f"<EmployeeHourComponent><EmployeeId>{employees[0]}</EmployeeId><Id>0</Id><HourCode>987654</HourCode>"
            f"<Hours>1</Hours><Comment>{tag}</Comment></EmployeeHourComponent>"
        )
    params = (
        f"<HourComponents>{items}</HourComponents><Period>{period[1]}</Period><Year>{period[0]}</Year>"
        "<UnprotectedMode>false</UnprotectedMode>"
    )
    return envelope("EmployeeService", "HourComponentVar_Insert_Batch", params, DEMO)


def tag_of(client: int, batch: int) -> int:
    return 1000 + client * 10 + batch


def tags(session: requests.Session, url: str, employee: int) -> Counter[int]:
    """How many items of each batch tag the employee's current hours hold."""
    body = envelope(
        "EmployeeService", "HourComponentVar_GetCurrent", f"<EmployeeId>{employee}</EmployeeId>", DEMO
    )
    response = session.post(
        url, data=body, headers=http_headers("EmployeeService", "HourComponentVar_GetCurrent")
    )
    assert response.status_code == 200, response.text[:500]
    hours = [Decimal(h.text or "0") for h in etree.fromstring(response.content).iter(f"{{{NS}}}Hours")]
    return Counter(int(h) for h in hours if h >= 1000)


@pytest.fixture(params=["memory", "state"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[MockServer, str | None]]:
    state = str(tmp_path / "state.db") if request.param == "state" else None
    with MockServer(small_app(state_path=state)) as server:
        yield server, state


def test_concurrent_batches_lose_nothing_and_are_never_seen_half_done(served):
    server, state = served
    tenant = server.app.backend.tenant(DEMO_DOMAIN)
    company = tenant.companies()[0]
    employees = [e.id for e in tenant.employees(company.id)]
    period = (company.current.year, company.current.number)
    url = server.soap_url("EmployeeService")
    headers = http_headers("EmployeeService", "HourComponentVar_Insert_Batch")
    acknowledged: list[int] = []
    refused: list[int] = []
    writing = threading.Event()
    writing.set()
    torn: list[str] = []
    reads = [0]

    def client(number: int) -> None:
        pair = (employees[number % len(employees)], employees[(number + 1) % len(employees)])
        with requests.Session() as session:
            for b in range(BATCHES):
                tag = tag_of(number, b)
                response = session.post(
                    url, data=batch_body(pair, tag, period, b == POISONED), headers=headers
                )
                (refused if fault_of(response.content) else acknowledged).append(tag)

    def reader() -> None:
        with requests.Session() as session:
            while writing.is_set():
                for employee in employees:
                    counts = tags(session, url, employee)
                    torn.extend(f"{employee}:{tag}x{n}" for tag, n in counts.items() if n != PER_EMPLOYEE)
                    reads[0] += 1

    with ErrorLog() as errors:
        watcher = threading.Thread(target=reader)
        watcher.start()
        writers = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(120)
        writing.clear()
        watcher.join(60)
    with requests.Session() as session:
        final: Counter[int] = Counter()
        for employee in employees:
            final += tags(session, url, employee)
    print(f"{len(acknowledged)} batches acknowledged, {len(refused)} refused, {reads[0]} reads while writing")
    assert errors.records == [], errors.messages()
    assert sorted(refused) == [tag_of(n, POISONED) for n in range(CLIENTS)]
    assert len(acknowledged) == CLIENTS * (BATCHES - 1)
    assert torn == [], torn[:10]
    assert reads[0] >= len(employees)
    assert final == Counter({tag: 2 * PER_EMPLOYEE for tag in acknowledged})
    if state is not None:  # and the file holds exactly that after a restart
        server.stop()
        records = SqliteStore(state).records(DEMO_DOMAIN, "HourComponentVar", "employee")
        persisted = Counter(int(r.data["Hours"]) for r in records if r.data.get("Hours", 0) >= 1000)
        assert persisted == final


def test_a_greenlet_switch_inside_a_transaction_fails_loudly_and_rolls_back():
    store = SqliteStore()
    seen: list[BaseException] = []

    def writer() -> None:
        try:
            with store.transaction():
                store.put_entity("env", "debtor", 1, None, {"id": 1})
                gevent.sleep(0)  # the forbidden yield: the reader runs now
        except GreenletSwitchInTransaction as error:
            seen.append(error)

    def reader() -> None:
        try:
            store.entity("env", "debtor", 1)
        except GreenletSwitchInTransaction as error:
            seen.append(error)

    first, second = gevent.spawn(writer), gevent.spawn(reader)
    gevent.joinall([first, second])
    assert len(seen) == 2, f"the second greenlet was let into the open transaction: {seen}"
    assert "switch happened inside a transaction" in str(seen[-1])  # the writer's own, at its end
    assert store.entity("env", "debtor", 1) is None  # rolled back


def test_a_transaction_without_a_switch_and_other_threads_still_work():
    store = SqliteStore()
    with store.transaction():
        store.put_entity("env", "debtor", 1, None, {"id": 1})
        with store.transaction():  # nested: joins
            store.put_entity("env", "debtor", 2, None, {"id": 2})
    results: list[object] = []
    thread = threading.Thread(target=lambda: results.append(store.entity("env", "debtor", 2)))
    thread.start()
    thread.join(10)
    assert results == [{"id": 2}]
    greenlet = gevent.spawn(lambda: store.entity("env", "debtor", 1))
    greenlet.join()
    assert greenlet.value == {"id": 1}
