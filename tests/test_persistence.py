"""State: `serve --state PATH` survives a restart and a `kill -9`, a per-environment reset leaves the
other environments alone, and a batch that faults changes nothing.

The restart tests run `nmbrs-mock serve` in subprocesses (killed in teardown) and talk raw SOAP 1.1
over HTTP; the reset and transaction tests run in process.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentSetup, EnvironmentShape
from mock_server.domain.model import ApiUser, EnvironmentSpec
from mock_server.domain.throttle import ThrottleSettings
from mock_server.server import MockServer
from mock_server.settings import MockSettings

ROOT = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/soap/v3/")
FIRST_EMPLOYEE = 100_000  # demo ids: debtors from 1000, companies from 10000, employees from 100000
START_TIMEOUT = 30.0


# --- raw SOAP --------------------------------------------------------------------------------------


DEMO = NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)


class SoapFaulted(AssertionError):
    def __init__(self, status: int, text: str) -> None:
        self.status, self.text = status, text
        super().__init__(f"HTTP {status}: {text}")


def soap(
    base_url: str, login: NmbrsCredentials, service: str, operation: str, params: str = ""
) -> etree._Element:
    """Call one operation; return its `<Operation>Result` element (or the response element), or raise
    `SoapFaulted` with the fault string."""
    data = raw.envelope(service, operation, params, login)
    headers = raw.http_headers(service, operation)
    response = requests.post(f"{base_url}/soap/v3/{service}.asmx", data=data, headers=headers, timeout=30)
    fault = raw.fault_of(response.content)
    if fault is not None or response.status_code != 200:
        raise SoapFaulted(response.status_code, fault[1] if fault is not None else response.text[:500])
    ns = raw.namespace(service)
    answer = etree.fromstring(response.content).find(f"{{{raw.SOAP11_ENV}}}Body/{{{ns}}}{operation}Response")
    assert answer is not None, response.text[:500]
    result = answer.find(f"{{{ns}}}{operation}Result")
    return answer if result is None else result


def _rows(result: etree._Element) -> list[dict[str, str]]:
    """The items of an ArrayOf... result as {local name: text} (an empty element: "")."""
    return [{etree.QName(c).localname: c.text or "" for c in item} for item in result]


def insert_hours(base_url: str, login: NmbrsCredentials, employee_id: int, code: int, hours: str) -> int:
    hour = (
        f"<Hourcomponent><Id>0</Id><HourCode>{code}</HourCode><Hours>{hours}</Hours>"
        "<CostCenterId xsi:nil='true' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'/>"
        "<CostUnitId>0</CostUnitId></Hourcomponent>"
    )
    params = f"<EmployeeId>{employee_id}</EmployeeId>{hour}"
    return int(soap(base_url, login, "EmployeeService", "HourComponentVar_InsertCurrent", params).text)


def current_hours(base_url: str, login: NmbrsCredentials, employee_id: int) -> list[tuple[int, int, Decimal]]:
    """(Id, HourCode, Hours) of the employee's variable hour components in the current period."""
    params = f"<EmployeeId>{employee_id}</EmployeeId>"
    result = soap(base_url, login, "EmployeeService", "HourComponentVar_GetCurrent", params)
    return [(int(r["Id"]), int(r["HourCode"]), Decimal(r["Hours"])) for r in _rows(result)]


def hours_in(
    base_url: str, login: NmbrsCredentials, employee_id: int, year: int, period: int
) -> list[tuple[int, Decimal]]:
    params = f"<EmployeeId>{employee_id}</EmployeeId><Period>{period}</Period><Year>{year}</Year>"
    result = soap(base_url, login, "EmployeeService", "HourComponentVar_Get", params)
    return [(int(r["HourCode"]), Decimal(r["Hours"])) for r in _rows(result)]


def debtors(base_url: str, login: NmbrsCredentials) -> list[tuple[int, str, str]]:
    result = soap(base_url, login, "DebtorService", "List_GetAll")
    return [(int(r["Id"]), r.get("Number") or "", r.get("Name") or "") for r in _rows(result)]


def insert_debtor(base_url: str, login: NmbrsCredentials, number: str, name: str) -> int:
    params = f"<Debtor><Id>0</Id><Number>{number}</Number><Name>{name}</Name></Debtor>"
    return int(soap(base_url, login, "DebtorService", "Debtor_Insert", params).text)


def employee_ids(base_url: str, login: NmbrsCredentials, debtor_id: int) -> list[int]:
    result = soap(base_url, login, "EmployeeService", "List_GetByDebtor", f"<DebtorId>{debtor_id}</DebtorId>")
    return [int(r["Id"]) for r in _rows(result)]


# --- the server subprocess -------------------------------------------------------------------------


def _serve_command() -> list[str]:
    beside = Path(sys.executable).with_name("nmbrs-mock")
    script = str(beside) if beside.is_file() else shutil.which("nmbrs-mock")
    return [script] if script else [sys.executable, "-m", "mock_server"]


class ServedMock:
    """`nmbrs-mock serve --port 0 --no-throttle --state PATH` in a subprocess."""

    def __init__(self, state: Path, *extra: str) -> None:
        command = [*_serve_command(), "serve", "--host", "127.0.0.1", "--port", "0", "--no-throttle"]
        command += ["--state", str(state), "--employees", "12", *extra]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        self.url = self._wait_for_url()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in iter(self.process.stdout.readline, b""):
            self._lines.put(line.decode("utf-8", "replace"))
        self._lines.put(None)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                self.kill()
                pytest.fail(f"nmbrs-mock serve exited before listening: {''.join(self.output)}")
            self.output.append(line)
            match = LISTENING.search(line)
            if match:
                return match.group(1)
        self.kill()
        pytest.fail(f"nmbrs-mock serve printed no 'listening on' line in {START_TIMEOUT:.0f} s")

    def terminate(self) -> int:
        """SIGTERM and wait for a clean exit; the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail("nmbrs-mock serve did not stop within 10 s of SIGTERM")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Path], ServedMock]]:
    """Start servers with `serve(state_path)`; every one of them is killed in teardown."""
    started: list[ServedMock] = []

    def start(state: Path) -> ServedMock:
        server = ServedMock(state)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


# --- restart and kill -9 ---------------------------------------------------------------------------


def test_state_survives_a_restart(serve, tmp_path):
    state = tmp_path / "state.sqlite"
    first = serve(state)
    seeded_debtors = debtors(first.url, DEMO)
    seeded_employees = employee_ids(first.url, DEMO, seeded_debtors[0][0])
    assert len(seeded_debtors) == 2 and seeded_employees
    before = current_hours(first.url, DEMO, FIRST_EMPLOYEE)

    hour_id = insert_hours(first.url, DEMO, FIRST_EMPLOYEE, 1, "7.25")
    debtor_id = insert_debtor(first.url, DEMO, "4242", "Na de herstart")
    written = current_hours(first.url, DEMO, FIRST_EMPLOYEE)
    assert written == [*before, (hour_id, 1, Decimal("7.25"))]
    all_debtors = debtors(first.url, DEMO)
    assert all_debtors == [*seeded_debtors, (debtor_id, "4242", "Na de herstart")]
    assert first.terminate() == 0

    second = serve(state)
    assert current_hours(second.url, DEMO, FIRST_EMPLOYEE) == written
    assert debtors(second.url, DEMO) == all_debtors  # kept, not re-seeded: same ids, no duplicates
    assert employee_ids(second.url, DEMO, seeded_debtors[0][0]) == seeded_employees
    # ids keep counting from where they were, so nothing written before is overwritten
    next_hour = insert_hours(second.url, DEMO, FIRST_EMPLOYEE, 2, "1.50")
    next_debtor = insert_debtor(second.url, DEMO, "4343", "Na de tweede")
    assert next_hour > hour_id and next_debtor > debtor_id
    assert current_hours(second.url, DEMO, FIRST_EMPLOYEE) == [*written, (next_hour, 2, Decimal("1.50"))]
    assert second.terminate() == 0


def test_an_acknowledged_write_survives_kill_9(serve, tmp_path):
    state = tmp_path / "state.sqlite"
    first = serve(state)
    before = current_hours(first.url, DEMO, FIRST_EMPLOYEE)
    ids = [insert_hours(first.url, DEMO, FIRST_EMPLOYEE, 1, f"{n}.25") for n in range(1, 6)]
    debtor_id = insert_debtor(first.url, DEMO, "9999", "Vlak voor kill -9")
    first.process.send_signal(signal.SIGKILL)  # right after the last HTTP 200, no clean shutdown
    first.kill()
    assert first.process.returncode == -signal.SIGKILL

    second = serve(state)
    expected = [*before, *((i, 1, Decimal(f"{n}.25")) for n, i in enumerate(ids, 1))]
    assert current_hours(second.url, DEMO, FIRST_EMPLOYEE) == expected
    assert (debtor_id, "9999", "Vlak voor kill -9") in debtors(second.url, DEMO)
    assert len(debtors(second.url, DEMO)) == 3


# --- per-environment reset -------------------------------------------------------------------------


def _login(name: str) -> NmbrsCredentials:
    return NmbrsCredentials(f"user@{name}.test", f"token-{name}", name)


def _setup(name: str, employees: int, seed: int) -> EnvironmentSetup:
    login = _login(name)
    spec = EnvironmentSpec(name, [ApiUser(login.username, login.token)], seed=seed)
    return EnvironmentSetup(spec, EnvironmentShape(employees=employees, seed=seed))


@pytest.fixture
def two_environments() -> Iterator[tuple[MockApp, MockServer]]:
    settings = MockSettings(throttle=ThrottleSettings(enabled=False))
    app = MockApp(settings, demo=None, environments=[_setup("a", 40, 1), _setup("b", 10, 2)])
    with MockServer(app) as server:
        yield app, server


def _snapshot(url: str, login: NmbrsCredentials) -> tuple[Any, ...]:
    seeded = debtors(url, login)
    employees = employee_ids(url, login, seeded[0][0])
    return (seeded, employees, current_hours(url, login, min(employees)))


def test_reset_restores_one_environment_and_leaves_the_other(two_environments):
    app, server = two_environments
    a, b = _login("a"), _login("b")
    seeded_a, seeded_b = _snapshot(server.url, a), _snapshot(server.url, b)
    first_a, first_b = min(seeded_a[1]), min(seeded_b[1])
    assert first_a == FIRST_EMPLOYEE and first_b > first_a  # ids are unique in the instance

    hour_a = insert_hours(server.url, a, first_a, 1, "7.25")
    debtor_a = insert_debtor(server.url, a, "A1", "Weg na reset")
    hour_b = insert_hours(server.url, b, first_b, 3, "4.00")
    debtor_b = insert_debtor(server.url, b, "B1", "Blijft")
    written_b = _snapshot(server.url, b)
    assert (hour_b, 3, Decimal("4.00")) in written_b[2]
    assert (debtor_b, "B1", "Blijft") in written_b[0]
    assert (hour_a, 1, Decimal("7.25")) in current_hours(server.url, a, first_a)
    assert (debtor_a, "A1", "Weg na reset") in debtors(server.url, a)

    started = time.perf_counter()
    app.backend.reset("a")
    elapsed = time.perf_counter() - started
    print(f"\nreset of a 40-employee environment: {elapsed * 1000:.1f} ms")

    assert _snapshot(server.url, a) == seeded_a  # the write is gone, the seeded data back with its ids
    assert _snapshot(server.url, b) == written_b  # B keeps its writes
    assert _snapshot(server.url, b) != seeded_b
    assert elapsed < 1.0
    # A's id counters were reset too: its next debtor gets the id the first one got
    assert insert_debtor(server.url, a, "A2", "Opnieuw") == debtor_a


def test_a_reset_is_persisted_in_the_state_file(tmp_path):
    state = str(tmp_path / "state.sqlite")
    settings = MockSettings(state_path=state, throttle=ThrottleSettings(enabled=False))
    environments = [_setup("a", 4, 1), _setup("b", 4, 2)]
    app = MockApp(settings, demo=None, environments=environments)
    seeded_a = app.backend.tenant("a").debtors()
    with MockServer(app) as server:
        insert_debtor(server.url, _login("a"), "A1", "Weg na reset")
        insert_debtor(server.url, _login("b"), "B1", "Blijft")
    app.backend.reset("a")
    app.backend.store.db.close()

    reopened = MockApp(settings, demo=None, environments=environments)
    try:
        assert reopened.backend.tenant("a").debtors() == seeded_a
        assert [d.name for d in reopened.backend.tenant("b").debtors()][-1] == "Blijft"
    finally:
        reopened.backend.store.db.close()


# --- transactions ----------------------------------------------------------------------------------


def _batch(items: list[tuple[int, int, str]], year: int, period: int) -> str:
    rows = "".join(
        f"<EmployeeHourComponent><EmployeeId>{employee}</EmployeeId><Id>0</Id><HourCode>{code}</HourCode>"
        f"<CostCenterId xsi:nil='true' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'/>"
        f"<CostUnitId>0</CostUnitId><Hours>{hours}</Hours></EmployeeHourComponent>"
        for employee, code, hours in items
    )
    return (
        f"<HourComponents>{rows}</HourComponents><Period>{period}</Period><Year>{year}</Year>"
        "<UnprotectedMode>false</UnprotectedMode>"
    )


@pytest.mark.parametrize(
    ("last", "code"),
    [((FIRST_EMPLOYEE + 8, 999, "3.00"), 2001), ((999_999, 1, "3.00"), 2003)],
    ids=["unknown-hour-code", "unknown-employee"],
)
def test_a_batch_that_faults_changes_nothing(mock_server, mock_app, environment, last, code):
    url, spec = mock_server.url, environment
    login = NmbrsCredentials(spec.users[0].username, spec.users[0].token, spec.name)
    tenant = mock_app.backend.tenant(spec.name)
    company = tenant.company(tenant.employee(FIRST_EMPLOYEE).company_id)
    year, period = company.current.year, company.current.number
    employees = [FIRST_EMPLOYEE, FIRST_EMPLOYEE + 4, FIRST_EMPLOYEE + 8]  # all in the first company
    assert all(tenant.employee(e).company_id == company.id for e in employees)
    probe = insert_hours(url, login, FIRST_EMPLOYEE + 4, 4, "0.50")  # the record id counter, before
    before = {e: hours_in(url, login, e, year, period) for e in employees}

    items = [(FIRST_EMPLOYEE, 1, "7.25"), (FIRST_EMPLOYEE + 4, 2, "1.75"), last]
    with pytest.raises(SoapFaulted) as faulted:
        soap(url, login, "EmployeeService", "HourComponentVar_Insert_Batch", _batch(items, year, period))
    assert faulted.value.status == 500
    assert faulted.value.text.startswith(f"Server was unable to process request. ---> {code}: ")

    after = {e: hours_in(url, login, e, year, period) for e in employees}
    assert after == before  # none of the three items, not even the valid first two
    assert (1, Decimal("7.25")) not in after[FIRST_EMPLOYEE]
    # the failed batch consumed no ids either: the rollback covers the counters
    assert insert_hours(url, login, FIRST_EMPLOYEE + 4, 4, "0.50") == probe + 1

    # the same batch without the bad item is written in full
    soap(url, login, "EmployeeService", "HourComponentVar_Insert_Batch", _batch(items[:2], year, period))
    assert (1, Decimal("7.25")) in hours_in(url, login, FIRST_EMPLOYEE, year, period)
    assert (2, Decimal("1.75")) in hours_in(url, login, FIRST_EMPLOYEE + 4, year, period)
