"""Deliberately broken variants of the mock, made by the tests only (never a flag of the normal CLI).

Each variant rewrites what the in-process mock sends for one operation, by wrapping the instance's
response writer or pipeline. `python broken.py VARIANT` serves a broken mock in a process of its
own (port 0; it prints its URL), so `--target URL` can be checked against a mock the harness did
not make.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mock_server.app import MockApp
from mock_server.soap.pipeline import SoapResponse

Rewrite = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Variant:
    name: str
    service: str
    operation: str
    check: str  # the check that must catch it
    rewrite: Rewrite | None = None  # applied to the success body of the operation
    fault_status: int | None = None  # faults of the operation answered with this HTTP status


def _once(pattern: str, replacement: str) -> Rewrite:
    compiled = re.compile(pattern.encode())
    return lambda body: compiled.sub(replacement.encode(), body, count=1)


VARIANTS = {
    variant.name: variant
    for variant in (
        Variant("dropped_element", "CompanyService", "List_GetAll", "schema", _once(r"<ID>\d+</ID>", "")),
        Variant(
            "wrong_order",
            "CompanyService",
            "List_GetAll",
            "schema",
            _once(r"<ID>(\d+)</ID><Number>(\d+)</Number>", r"<Number>\2</Number><ID>\1</ID>"),
        ),
        Variant(
            "datetime_with_zone",
            "CompanyService",
            "Run_GetList",
            "datetime_lexical",
            _once(r"<RunAt>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)</RunAt>", r"<RunAt>\1+01:00</RunAt>"),
        ),
        Variant(
            "decimal_exponent",
            "EmployeeService",
            "Schedule_GetCurrent",
            "decimal_lexical",
            _once(r"<HoursMonday>[^<]*</HoursMonday>", "<HoursMonday>1E+2</HoursMonday>"),
        ),
        Variant(
            "fault_with_200", "EmployeeService", "PersonalInfo_GetCurrent", "http_status", fault_status=200
        ),
    )
}


def break_app(app: MockApp, variant: Variant) -> None:
    """Wrap the app's pipeline so that `variant.operation` answers the broken way."""
    pipeline = app.pipeline
    original = pipeline.handle
    action = f"{app.pipeline.services[variant.service].contract.namespace}/{variant.operation}"

    def handle(service: str, body: bytes, content_type: str | None, soap_action: str | None) -> Any:
        response: SoapResponse = original(service, body, content_type, soap_action)
        named = action in (soap_action or "") or action in (content_type or "")
        if service != variant.service or not named:
            return response
        if variant.rewrite is not None and response.status == 200:
            return replace(response, body=variant.rewrite(response.body))
        if variant.fault_status is not None and response.status == 500:
            return replace(response, status=variant.fault_status)
        return response

    pipeline.handle = handle  # type: ignore[method-assign]


def serve(name: str) -> None:
    """Serve a broken mock on 127.0.0.1:0 until killed; prints `URL <base>` when ready."""
    from mock_server.domain.throttle import ThrottleSettings
    from mock_server.server import MockServer
    from mock_server.settings import MockSettings

    app = MockApp(MockSettings(throttle=ThrottleSettings(enabled=False)))
    break_app(app, VARIANTS[name])
    server = MockServer(app).start()
    print(f"URL {server.url}/soap/v3/", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    server.stop()


if __name__ == "__main__":
    serve(sys.argv[1])
