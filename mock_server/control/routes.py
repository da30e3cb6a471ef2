"""The admin API's route table: dispatch and /__admin/openapi.json are both made from `ROUTES`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mock_server.control.handlers import (
    add_fault,
    add_user,
    clear_faults,
    clear_requests,
    clone_environment,
    close_period,
    create_environment,
    delete_environment,
    delete_fault,
    describe_environment,
    download_snapshot,
    get_request,
    get_throttle,
    health,
    list_employees,
    list_environments,
    list_faults,
    list_requests,
    openapi,
    process_run,
    reset_environment,
    restore_environment,
    set_throttle,
    unmatched_requests,
    verify_requests,
    write_snapshot,
)
from mock_server.control.http import JSON, Request, Response
from mock_server.control.overview import overview
from mock_server.control.plane import ControlPlane

Handler = Callable[[ControlPlane, Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # below /__admin, with {name} parameters
    handler: Handler
    summary: str
    request: Any = None  # an example body (JSON), or a description string for other bodies
    response: Any = None  # an example answer
    status: int = 200
    content_type: str = JSON  # of the answer
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        object.__setattr__(self, "regex", re.compile(f"^{pattern}$"))


CREDENTIALS = {
    "name": "acme",
    "username": "api@acme.test",
    "token": "kq3…",
    "domain": "acme",
    "soap_url": "http://127.0.0.1:8080/soap/v3/",
}
PERIOD = {"period": 11, "year": 2026}
ENTRY = {
    "id": 17,
    "time": "2026-11-16T09:00:00.000+00:00",
    "environment": "acme",
    "username": "api@acme.test",
    "service": "EmployeeService",
    "operation": "HourComponentVar_Insert_Batch",
    "soap_version": "1.1",
    "http_status": 500,
    "duration_ms": 1.9,
    "delayed_ms": 0.0,
    "fault_code": 1002,
    "fault": "1002: Unauthorized access (injected by rule 3: Nmbrs fault 1002: Unauthorized access)",
    "injected": True,
    "args": {"HourComponents": [{"EmployeeId": 100000, "HourCode": 1, "Hours": "8"}], "Period": 11},
}
RULE = {
    "environment": "acme",
    "operation": "EmployeeService.HourComponentVar_Insert_Batch",
    "times": 1,
    "effect": {"type": "nmbrs", "code": 1002},
}
E = "/environments/{env}"
C = E + "/companies/{company}"
ROUTES: list[Route] = [
    Route(
        "GET",
        "/health",
        health,
        "Health and version",
        response={"status": "ok", "version": "0.1.0", "environments": 1},
    ),
    Route("GET", "/openapi.json", openapi, "This OpenAPI 3 document"),
    Route(
        "GET",
        "/environments",
        list_environments,
        "List the environments",
        response={
            "environments": [
                {
                    "name": "demo",
                    "users": ["demo@nmbrs-mock.test"],
                    "companies": 4,
                    "employees": 40,
                    "seeded": "seed cache",
                }
            ]
        },
    ),
    Route(
        "POST",
        "/environments",
        create_environment,
        "Create an environment from parameters or a scenario (TOML); from 1,000 employees on it is"
        " seeded, and a large one copied in from the seed cache, while the mock answers other calls"
        " (409 for its name meanwhile)",
        request={"name": "acme", "employees": 10, "period_types": ["M", "W4"], "debtors": 1, "seed": 7},
        response=CREDENTIALS,
        status=201,
    ),
    Route(
        "GET",
        E,
        describe_environment,
        "Describe an environment: companies, current periods, recent runs",
        response={
            "name": "acme",
            "companies": [
                {
                    "id": 1,
                    "name": "…",
                    "period_type": "M",
                    "current_period": PERIOD,
                    "employees": 5,
                    "runs": [],
                }
            ],
        },
    ),
    Route(
        "DELETE",
        E,
        delete_environment,
        "Delete an environment (its journal and fault rules go too)",
        response={"deleted": "acme"},
    ),
    Route(
        "GET",
        C + "/employees",
        list_employees,
        "List a company's employees",
        response={"employees": [{"id": 100000, "number": 1, "name": "Jan de Vries"}]},
    ),
    Route(
        "POST",
        E + "/reset",
        reset_environment,
        "Reset to the seeded state; clears its journal and fault rules",
        response={"reset": "acme"},
    ),
    Route(
        "POST",
        E + "/clone",
        clone_environment,
        "Clone an environment (as it was seeded) with a login of its own",
        request={"name": "acme-2"},
        response=CREDENTIALS,
        status=201,
    ),
    Route(
        "GET",
        E + "/snapshot",
        download_snapshot,
        "Download a snapshot (gzip JSON)",
        content_type="application/octet-stream",
    ),
    Route(
        "POST",
        E + "/snapshot",
        write_snapshot,
        "Write a snapshot to a file on the mock's host (mode 0600)",
        request={"path": "/tmp/acme.snapshot"},
        response={"path": "/tmp/acme.snapshot", "bytes": 52311},
    ),
    Route(
        "POST",
        E + "/restore",
        restore_environment,
        "Restore a snapshot (its bytes as application/octet-stream, or JSON {path}); creates the "
        "environment if needed",
        request={"path": "/tmp/acme.snapshot"},
        response={"restored": "acme", "created": False},
    ),
    Route(
        "POST",
        E + "/users",
        add_user,
        "Add a login with a permission template",
        request={"username": "timechimp@acme.test", "token": "t0ken", "template": "timechimp"},
        response=CREDENTIALS,
        status=201,
    ),
    Route(
        "POST",
        C + "/close-period",
        close_period,
        "Close the company's current period (without a run)",
        response={"closed": PERIOD, "current": {"period": 12, "year": 2026}},
    ),
    Route(
        "POST",
        C + "/runs",
        process_run,
        "Process a payroll run for the company's current period (closes it)",
        request={"description": "November run"},
        response={
            "id": 4711,
            "number": 11,
            "year": 2026,
            "period": PERIOD,
            "description": "November run",
            "payslips": 10,
            "current": {"period": 12, "year": 2026},
        },
        status=201,
    ),
    Route(
        "GET",
        "/throttle",
        get_throttle,
        "The throttle settings",
        response={"enabled": True, "rate_per_second": 150.0, "delay_seconds": 0.5, "scope": "environment"},
    ),
    Route(
        "PUT",
        "/throttle",
        set_throttle,
        "Change throttle settings at run time (budgets start afresh)",
        request={"enabled": False},
    ),
    Route(
        "GET",
        "/requests",
        list_requests,
        "Journal entries, newest first "
        "(?environment=&operation=<glob>&user=&fault_code=&status=&since=&until=&limit=&bodies=)",
        response={"requests": [ENTRY], "total": 1},
    ),
    Route(
        "DELETE",
        "/requests",
        clear_requests,
        "Clear the journal (?environment= for one)",
        response={"cleared": "acme"},
    ),
    Route(
        "GET",
        "/requests/unmatched",
        unmatched_requests,
        "Unrouted or faulted requests (same filters)",
        response={"requests": [ENTRY], "total": 1},
    ),
    Route(
        "POST",
        "/requests/verify",
        verify_requests,
        "Verify how often an operation was called with matching arguments",
        request={
            "operation": "EmployeeService.HourComponentVar_Insert_Batch",
            "environment": "acme",
            "where": {"HourComponents.EmployeeHourComponent[*].HourCode": 1},
            "count": 1,
        },
        response={
            "ok": False,
            "matched": 0,
            "expected": "exactly 1",
            "explanation": "Expected …",
            "near_misses": [{"id": 17, "differences": [{"path": "…HourCode", "expected": 1, "actual": 2}]}],
        },
    ),
    Route(
        "GET",
        "/requests/{id}",
        get_request,
        "One journal entry with its request and response bodies",
        response=ENTRY,
    ),
    Route(
        "GET",
        "/faults",
        list_faults,
        "Active fault rules (?environment=)",
        response={"faults": [{**RULE, "id": 3}]},
    ),
    Route(
        "POST", "/faults", add_fault, "Add a fault rule", request=RULE, response={**RULE, "id": 3}, status=201
    ),
    Route(
        "DELETE",
        "/faults",
        clear_faults,
        "Delete all fault rules (?environment= for one environment's)",
        response={"deleted": 2},
    ),
    Route("DELETE", "/faults/{id}", delete_fault, "Delete one fault rule", response={"deleted": 3}),
    Route(
        "GET",
        "/overview",
        overview,
        "The dashboard's poll: a page of environments (?limit=&offset=&match=), throttle, journal fill",
        response={
            "version": "0.1.0",
            "environments": [
                {
                    "name": "acme",
                    "users": ["api@acme.test"],
                    "companies": 2,
                    "employees": 10,
                    "seeded": "kept",
                }
            ],
            "total_environments": 1,
            "offset": 0,
            "limit": 50,
            "throttle": {
                "enabled": True,
                "rate_per_second": 150.0,
                "delay_seconds": 0.5,
                "scope": "environment",
            },
            "faults": 0,
            "journal": {
                "enabled": True,
                "entries": 17,
                "bytes": 40960,
                "max_entries": 10000,
                "max_bytes": 67108864,
            },
        },
    ),
]
