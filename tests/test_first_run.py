"""First-run polish of `nmbrs-mock serve` (issue 11 class 12): one-line errors for bad options, a banner
that says where the state came from, seeding progress, one log line per call; the help pages."""

from __future__ import annotations

import queue
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw
from test_persistence import ROOT, ServedMock, _serve_command

from mock_server.console import origin, state_line
from mock_server.contract import SERVICES, load_contract
from mock_server.domain.backend import STORE_FORMAT
from mock_server.domain.demo import EnvironmentShape, ShapeSeeder
from mock_server.domain.seeding_apart import parts
from mock_server.domain.seeding_by_company import BY_COMPANY_EMPLOYEES
from mock_server.soap.help_pages import sample_request, sample_response

DEMO = NmbrsCredentials("demo@nmbrs-mock.test", "demo-token", "demo")


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*_serve_command(), "serve", "--no-throttle", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nmbrs-mock: ")
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_a_port_out_of_range_is_one_line(port: str) -> None:
    assert_one_line_error(run_serve("--port", port), f"--port {port} is not a TCP port")


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_serve("--port", str(port), "--employees", "0")
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "in use")


def test_state_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "state.db"
    assert_one_line_error(run_serve("--port", "0", "--state", str(path)), "does not exist")
    assert not path.parent.exists()


def test_state_on_a_file_that_is_no_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    assert_one_line_error(run_serve("--port", "0", "--state", str(path)), "not an nmbrs-mock state file")
    assert path.read_text() == "my notes\n"  # untouched


def test_state_on_another_sqlite_database_is_one_line(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    before = path.read_bytes()
    assert_one_line_error(run_serve("--port", "0", "--state", str(path)), "SQLite database of something else")
    assert path.read_bytes() == before


def test_state_on_a_folder_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run_serve("--port", "0", "--state", str(tmp_path)), "is a folder")


class Served(ServedMock):
    def lines_until(self, text: str, timeout: float = 60.0) -> list[str]:
        """Output lines up to and including the first that contains `text`."""
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                continue
            assert line is not None, f"nmbrs-mock exited; output so far: {lines}"
            lines.append(line)
            if text in line:
                return lines
        pytest.fail(f"no line with {text!r} in {timeout:.0f} s: {lines}")


def banner_state(server: Served) -> str:
    (line,) = [line for line in server.lines_until("Admin:") if line.startswith("  State:")]
    return line.strip()


def test_the_banner_says_where_the_state_came_from(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = Served(state, "--employees", "1")
    assert banner_state(first) == f"State:    {state}: demo created"
    assert first.terminate() == 0
    again = Served(state, "--employees", "1")
    assert banner_state(again) == f"State:    {state}: demo reused"
    assert again.terminate() == 0
    changed = Served(state, "--employees", "2")
    assert (
        banner_state(changed) == f"State:    {state}: demo re-seeded: its settings changed (employees 1 -> 2)"
    )
    assert changed.terminate() == 0


def test_the_state_line_explains_each_case() -> None:
    fmt = f"{STORE_FORMAT}|{EnvironmentShape(employees=40)!r}"
    assert origin("", fmt) == "created"
    assert origin(fmt, fmt) == "reused"
    old_version = fmt.replace(STORE_FORMAT, "nmbrs-mock 0.0.9/store 1")
    assert origin(old_version, fmt) == (
        f"re-seeded: the file was written by nmbrs-mock 0.0.9/store 1, this is {STORE_FORMAT}"
    )
    other = f"{STORE_FORMAT}|{EnvironmentShape(employees=40, seed=7, period_types=('M',))!r}"
    assert origin(other, fmt) == (
        "re-seeded: its settings changed (period_types ('M',) -> ('M', 'W4', 'M', 'W1'), seed 7 -> 1)"
    )
    assert state_line(None, {"demo": "created"}).startswith("  State:    a private temporary database")


def test_verbose_shows_seeding_progress_and_logs_every_call(tmp_path: Path) -> None:
    server = Served(tmp_path / "state.db", "--employees", "3", "--verbose")
    startup = "".join(server.output) + "".join(server.lines_until("Admin:"))
    assert "seeding demo: 3/3 employees" in startup and "done in" in startup
    url = f"{server.url}/soap/v3/CompanyService.asmx"
    for params in ("", "<CompanyId>1</CompanyId>"):
        operation = "List_GetAll" if not params else "Company_GetCurrentPeriod"
        data = raw.envelope("CompanyService", operation, params, DEMO)
        requests.post(url, data=data, headers=raw.http_headers("CompanyService", operation), timeout=30)
    ok = server.lines_until("CompanyService.List_GetAll")[-1]
    assert " env=demo 200 " in ok and " ms delay 0 ms" in ok
    refused = server.lines_until("CompanyService.Company_GetCurrentPeriod")[-1]
    assert " env=demo 500 fault 2004 " in refused and "| 2004: Unauthorized access" in refused
    server.terminate()


def test_a_large_demo_is_seeded_in_parallel_processes_at_startup(tmp_path: Path) -> None:
    """`serve --employees 1000` on a machine with more than one core: the companies are seeded in
    processes of their own (told by --verbose), copied into the state, and the demo answers."""
    processes = len(parts(ShapeSeeder(EnvironmentShape(employees=BY_COMPANY_EMPLOYEES))))
    server = Served(tmp_path / "state.db", "--employees", str(BY_COMPANY_EMPLOYEES), "--verbose")
    startup = "".join(server.output) + "".join(server.lines_until("Admin:", timeout=240))
    if processes > 1:
        assert f"seeding demo: {BY_COMPANY_EMPLOYEES} employees, in {processes} processes" in startup
        assert f"seeding demo: {BY_COMPANY_EMPLOYEES} employees seeded: done in " in startup
    else:  # one core: seeded in place, its employees counted as they go
        assert f"seeding demo: {BY_COMPANY_EMPLOYEES}/{BY_COMPANY_EMPLOYEES} employees" in startup
    assert "demo created" in startup
    data = raw.envelope("CompanyService", "List_GetAll", "", DEMO)
    headers = raw.http_headers("CompanyService", "List_GetAll")
    url = f"{server.url}/soap/v3/CompanyService.asmx"
    answer = requests.post(url, data=data, headers=headers, timeout=30)
    assert answer.status_code == 200 and answer.text.count("<Company>") == 4
    assert server.terminate() == 0


def test_log_lines_leave_fault_texts_to_verbose(tmp_path: Path) -> None:
    server = Served(tmp_path / "state.db", "--employees", "0", "--log")
    server.lines_until("Admin:")
    data = raw.envelope("DebtorService", "List_GetAll", "", DEMO)
    headers = raw.http_headers("DebtorService", "List_GetAll")
    requests.post(f"{server.url}/soap/v3/DebtorService.asmx", data=data, headers=headers, timeout=30)
    line = server.lines_until("DebtorService.List_GetAll")[-1]
    assert "|" not in line  # --log: no fault texts (those are --verbose)
    server.terminate()


# -- help pages -------------------------------------------------------------------------------------


def test_the_soap_root_lists_the_services(mock_server) -> None:
    for path in ("/soap/v3/", "/soap/v3"):
        response = requests.get(mock_server.url + path, timeout=10)
        assert response.status_code == 200
        for service in SERVICES:
            assert f'href="/soap/v3/{service}.asmx"' in response.text
            assert f'href="/soap/v3/{service}.asmx?WSDL"' in response.text


def test_a_service_page_lists_every_operation(mock_server) -> None:
    response = requests.get(mock_server.soap_url("EmployeeService"), timeout=10)
    assert response.status_code == 200
    for name in load_contract("EmployeeService").operations:
        assert f'href="?op={name}"' in response.text


@pytest.mark.parametrize("op", ["Unknown", "", "list_getall"])
def test_an_unknown_operation_is_a_404_that_says_so(mock_server, op: str) -> None:
    response = requests.get(mock_server.soap_url("CompanyService"), params={"op": op}, timeout=10)
    assert response.status_code == 404
    assert "is unknown" in response.text and "CompanyService has no operation of that name" in response.text


def test_a_near_miss_gets_the_nearest_names(mock_server) -> None:
    response = requests.get(mock_server.soap_url("CompanyService") + "?op=List_GetAl", timeout=10)
    assert response.status_code == 404 and "Did you mean: List_GetAll" in response.text


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_operation_pages_show_envelopes_that_parse_and_name_every_input(mock_server, version: str) -> None:
    contract = load_contract("EmployeeService")
    for name in ("HourComponentVar_Insert_Batch", "Contract_Insert", "PersonalInfo_GetCurrent"):
        op = contract.operations[name]
        page = requests.get(mock_server.soap_url("EmployeeService"), params={"op": name}, timeout=10)
        assert page.status_code == 200
        request = sample_request(contract, op, version, "host", "/soap/v3/EmployeeService.asmx")
        response = sample_response(contract, op, version)
        etree.fromstring(response.split("\n\n", 1)[1].encode())  # well-formed XML
        body = etree.fromstring(request.split("\n\n", 1)[1].encode())
        wrapper = body.find(f".//{{{contract.namespace}}}{name}")
        assert [etree.QName(child).localname for child in wrapper] == [e.name for e in op.inputs]
        if version == "1.1":
            assert f'SOAPAction: "{contract.soap_action(name)}"' in request
        else:
            assert "SOAPAction" not in request and "application/soap+xml" in request
        assert f"<{name}Response" in response
        assert f"<{name}Result" in response or not op.outputs


def test_sample_placeholders_name_types_enums_and_two_array_items() -> None:
    contract = load_contract("EmployeeService")
    text = sample_request(contract, contract.operations["HourComponentVar_Insert_Batch"], "1.1", "h", "/p")
    assert text.count("<EmployeeHourComponent>") == 2
    assert "<Hours>decimal</Hours>" in text and "<UnprotectedMode>boolean</UnprotectedMode>" in text
    leave = sample_request(contract, contract.operations["LeaveBalance_GetPerType"], "1.1", "h", "/p")
    assert "<LeaveType>Undefined or Type1 or Type2 or Type3 or Type4</LeaveType>" in leave
