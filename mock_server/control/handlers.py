"""The admin API's handlers: each a thin JSON layer over one `ControlPlane` method."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_server.control.errors import Invalid
from mock_server.control.http import JSON, Request, Response
from mock_server.control.journal import JournalQuery
from mock_server.control.plane import ControlPlane, Credentials

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def _credentials(request: Request, credentials: Credentials) -> dict[str, Any]:
    return {**credentials.to_dict(), "soap_url": f"{request.base_url}/soap/v3/"}


def health(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.health())


def list_environments(plane: ControlPlane, request: Request) -> Response:
    return Response.json({"environments": plane.environments()})


CREATE_FIELDS = {"name", "employees", "period_types", "debtors", "seed", "username", "token", "template"}


def create_environment(plane: ControlPlane, request: Request) -> Response:
    data = request.fields(CREATE_FIELDS | {"scenario"})
    if "scenario" in data:
        extra = sorted(set(data) - {"scenario", "name"})
        if extra:
            raise Invalid(f"a scenario describes its environments itself; drop: {', '.join(extra)}")
        created = plane.create_from_scenario(data["scenario"], data.get("name"))
        answer = _credentials(request, created[0])
        if len(created) > 1:
            answer["environments"] = [_credentials(request, c) for c in created]
        return Response.json(answer, 201)
    return Response.json(_credentials(request, plane.create_environment(**data)), 201)


def describe_environment(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.describe(request.params["env"]))


def list_employees(plane: ControlPlane, request: Request) -> Response:
    employees = plane.employees(request.params["env"], request.int_param("company"))
    return Response.json({"employees": employees})


def delete_environment(plane: ControlPlane, request: Request) -> Response:
    plane.delete(request.params["env"])
    return Response.json({"deleted": request.params["env"]})


def reset_environment(plane: ControlPlane, request: Request) -> Response:
    plane.reset(request.params["env"])
    return Response.json({"reset": request.params["env"]})


def clone_environment(plane: ControlPlane, request: Request) -> Response:
    data = request.fields({"name"})
    return Response.json(
        _credentials(request, plane.clone_environment(request.params["env"], data.get("name"))), 201
    )


def download_snapshot(plane: ControlPlane, request: Request) -> Response:
    name = request.params["env"]
    disposition = ("Content-Disposition", f'attachment; filename="{name}.snapshot"')
    return Response(200, plane.snapshot(name), "application/octet-stream", [disposition])


def write_snapshot(plane: ControlPlane, request: Request) -> Response:
    data = request.fields({"path"}, required=True)
    if "path" not in data:
        raise Invalid('give the file to write as {"path": "/tmp/acme.snapshot"}')
    size = plane.snapshot_to_file(request.params["env"], data["path"])
    return Response.json({"path": data["path"], "bytes": size})


def restore_environment(plane: ControlPlane, request: Request) -> Response:
    from mock_server.control.snapshot import read_file

    name = request.params["env"]
    if request.content_type.startswith(JSON):
        data = request.fields({"path"}, required=True)
        if "path" not in data:
            raise Invalid('give the snapshot file as {"path": "..."} or send its bytes as the body')
        snapshot = read_file(str(data["path"]))
    else:
        snapshot = request.body
    created = plane.restore(name, snapshot)
    return Response.json({"restored": name, "created": created}, 201 if created else 200)


def add_user(plane: ControlPlane, request: Request) -> Response:
    data = request.fields({"username", "token", "template", "debtor_ids"}, required=True)
    if "username" not in data:
        raise Invalid("a user needs a 'username'")
    return Response.json(_credentials(request, plane.add_user(request.params["env"], **data)), 201)


def close_period(plane: ControlPlane, request: Request) -> Response:
    request.fields(set())
    return Response.json(plane.close_period(request.params["env"], request.int_param("company")))


def process_run(plane: ControlPlane, request: Request) -> Response:
    data = request.fields({"description"})
    run = plane.process_run(request.params["env"], request.int_param("company"), data.get("description"))
    return Response.json(run, 201)


def get_throttle(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.throttle())


def set_throttle(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.set_throttle(**request.json(required=True)))


def _int_query(request: Request, name: str) -> int | None:
    value = request.query.get(name)
    if value in (None, ""):
        return None
    if not value.lstrip("-").isdigit():
        raise Invalid(f"query parameter {name!r} must be an integer, not {value!r}")
    return int(value)


def _time_query(request: Request, name: str) -> float | None:
    value = request.query.get(name)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise Invalid(
            f"query parameter {name!r} must be epoch seconds or an ISO 8601 time, not {value!r}"
        ) from None


QUERY_KEYS = {"environment", "operation", "user", "fault_code", "status", "since", "until", "limit", "bodies"}


def _journal_query(request: Request, faulted: bool | None = None) -> JournalQuery:
    unknown = sorted(set(request.query) - QUERY_KEYS)
    if unknown:
        raise Invalid(
            f"unknown query parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(QUERY_KEYS))}"
        )
    limit = _int_query(request, "limit")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"'limit' must be from 1 to {MAX_LIMIT}, not {limit}")
    return JournalQuery(
        environment=request.query.get("environment") or None,
        operation=request.query.get("operation") or None,
        user=request.query.get("user") or None,
        fault_code=_int_query(request, "fault_code"),
        status=_int_query(request, "status"),
        since=_time_query(request, "since"),
        until=_time_query(request, "until"),
        faulted=faulted,
        limit=limit or DEFAULT_LIMIT,
    )


def _entries(plane: ControlPlane, request: Request, faulted: bool | None = None) -> Response:
    entries, total = plane.requests(_journal_query(request, faulted))
    bodies = request.query.get("bodies", "").lower() in ("1", "true", "yes")
    return Response.json(
        {"requests": [e.to_dict() if bodies else e.summary() for e in entries], "total": total}
    )


def list_requests(plane: ControlPlane, request: Request) -> Response:
    return _entries(plane, request)


def unmatched_requests(plane: ControlPlane, request: Request) -> Response:
    return _entries(plane, request, faulted=True)


def get_request(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.request(request.int_param("id")).to_dict())


def clear_requests(plane: ControlPlane, request: Request) -> Response:
    environment = request.query.get("environment") or None
    if environment is not None:
        plane.spec(environment)  # 404 for an unknown environment
    plane.clear_requests(environment)
    return Response.json({"cleared": environment or "all"})


def verify_requests(plane: ControlPlane, request: Request) -> Response:
    data = request.fields(
        {"operation", "environment", "where", "count", "at_least", "at_most"}, required=True
    )
    if "operation" not in data:
        raise Invalid("verify needs an 'operation', e.g. \"EmployeeService.HourComponentVar_Insert_Batch\"")
    return Response.json(plane.verify(**data).to_dict())


def list_faults(plane: ControlPlane, request: Request) -> Response:
    rules = plane.faults(request.query.get("environment") or None)
    return Response.json({"faults": [rule.to_dict() for rule in rules]})


def add_fault(plane: ControlPlane, request: Request) -> Response:
    return Response.json(plane.add_fault(request.json(required=True)).to_dict(), 201)


def delete_fault(plane: ControlPlane, request: Request) -> Response:
    rule_id = request.int_param("id")
    plane.delete_fault(rule_id)
    return Response.json({"deleted": rule_id})


def clear_faults(plane: ControlPlane, request: Request) -> Response:
    environment = request.query.get("environment") or None
    return Response.json({"deleted": plane.clear_faults(environment)})


def openapi(plane: ControlPlane, request: Request) -> Response:
    from mock_server.control.openapi import document
    from mock_server.control.routes import ROUTES

    return Response.json(document(ROUTES, request.base_url))
