"""Snapshot, reset, restore: the same bytes for every read; files are private; damaged input is refused."""

from __future__ import annotations

import gzip
import json
import os
import stat

from control_helpers import hours_in, soap


def _reads(admin, env, control_server) -> list[bytes]:
    """Answers of a set of read operations, byte for byte."""
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    cid, year = company["id"], company["current_period"]["year"]
    listed = admin("GET", f"/environments/{env['name']}/companies/{cid}/employees").json()["employees"]
    employee = listed[0]["id"]
    calls = [
        ("CompanyService", "List_GetAll", ""),
        ("DebtorService", "List_GetAll", ""),
        ("CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{cid}</CompanyId>"),
        ("CompanyService", "Run_GetList", f"<CompanyId>{cid}</CompanyId><Year>{year}</Year>"),
        ("CompanyService", "WageTax_GetList", f"<CompanyId>{cid}</CompanyId><intYear>{year}</intYear>"),
        (
            "EmployeeService",
            "List_GetByCompany",
            f"<CompanyId>{cid}</CompanyId><EmployeeType>1</EmployeeType>",
        ),
        ("EmployeeService", "Salary_GetCurrent", f"<EmployeeId>{employee}</EmployeeId>"),
        ("EmployeeService", "PersonalInfo_GetCurrent", f"<EmployeeId>{employee}</EmployeeId>"),
        ("EmployeeService", "HourComponentVar_GetCurrent", f"<EmployeeId>{employee}</EmployeeId>"),
    ]
    answers = [soap(control_server, env, *call) for call in calls]
    assert all(a.status_code == 200 for a in answers), [a.text[:200] for a in answers if a.status_code != 200]
    return [a.content for a in answers]


def _change(admin, env, control_server) -> None:
    company = admin("GET", f"/environments/{env['name']}").json()["companies"][0]
    employee = admin("GET", f"/environments/{env['name']}/companies/{company['id']}/employees").json()
    period = company["current_period"]
    write = hours_in(period["period"], period["year"], employee["employees"][0]["id"], code=2, hours="3.5")
    assert soap(control_server, env, "EmployeeService", "HourComponentVar_Insert", write).status_code == 200
    assert admin("POST", f"/environments/{env['name']}/companies/{company['id']}/runs").status_code == 201


def test_snapshot_reset_restore_gives_byte_identical_answers(admin, env, control_server):
    _change(admin, env, control_server)
    before = _reads(admin, env, control_server)
    snapshot = admin("GET", f"/environments/{env['name']}/snapshot")
    assert snapshot.status_code == 200 and snapshot.headers["Content-Type"] == "application/octet-stream"
    assert admin("POST", f"/environments/{env['name']}/reset").status_code == 200
    assert _reads(admin, env, control_server) != before  # the reset undid the changes
    restored = admin(
        "POST",
        f"/environments/{env['name']}/restore",
        data=snapshot.content,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert restored.json() == {"restored": env["name"], "created": False}
    assert _reads(admin, env, control_server) == before
    # the rows (id counters too) are exactly the snapshotted ones
    assert admin("GET", f"/environments/{env['name']}/snapshot").content == snapshot.content


def test_a_snapshot_file_is_private_and_restores_into_a_new_environment(admin, env, control_server, tmp_path):
    _change(admin, env, control_server)
    path = str(tmp_path / "env.snapshot")
    written = admin("POST", f"/environments/{env['name']}/snapshot", json={"path": path})
    assert written.status_code == 200 and written.json()["bytes"] == os.path.getsize(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = _reads(admin, env, control_server)
    name = f"{env['name']}-restored"
    created = admin("POST", f"/environments/{name}/restore", json={"path": path})
    try:
        assert created.status_code == 201 and created.json()["created"] is True
        copy = {**env, "name": name, "domain": name}  # the snapshot's logins, in the new environment
        assert _reads(admin, copy, control_server) == before
        _change(admin, copy, control_server)
        assert admin("POST", f"/environments/{name}/reset").status_code == 200
        assert _reads(admin, copy, control_server) == before  # its reset goes back to the restored state
    finally:
        admin("DELETE", f"/environments/{name}")


def test_damaged_snapshots_change_nothing(admin, env, control_server):
    before = _reads(admin, env, control_server)
    damaged = gzip.compress(
        json.dumps({"format": "nmbrs-mock snapshot 1", "spec": {}, "tables": {}}).encode()
    )
    for data in (b"", b"\x1f\x8b broken", damaged):
        answer = admin("POST", f"/environments/{env['name']}/restore", data=data)
        assert answer.status_code == 400 and "snapshot" in answer.json()["error"]
    assert _reads(admin, env, control_server) == before
