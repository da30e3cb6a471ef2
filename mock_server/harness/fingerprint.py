"""A fingerprint of the state a write could touch: the answers of reads of the same family
(e.g. `HourComponentVar_Get` for `HourComponentVar_Insert`) with the write's own ids and period, or
the top-level lists when the family has no reads. A faulted write must leave it unchanged."""

from __future__ import annotations

from functools import cache

from mock_server.contract import load_contract
from mock_server.harness.discovery import CompanyScope
from mock_server.harness.operations import OperationInfo
from mock_server.harness.request import Param, Request, params_xml
from mock_server.harness.target import Target

MAX_FAMILY_READS = 3
LISTS = (("CompanyService", "List_GetAll"), ("DebtorService", "List_GetAll"))
# Requests whose ids and period are those of real data (the others read the defaults instead).
TRUSTED = frozenset({"valid", "wrong_token", "wrong_action", "missing_required"})
Read = tuple[str, str, str]  # service, operation, params XML
Fingerprint = tuple[tuple[str, int, bytes], ...]


def family(name: str) -> str:
    return name.split("_", 1)[0]


@cache
def family_reads(service: str, operation: str) -> tuple[str, ...]:
    contract = load_contract(service)
    prefix = family(operation)
    return tuple(
        name
        for name, op in contract.operations.items()
        if family(name) == prefix
        and not OperationInfo(service, op, contract).is_write
        and all(contract.kind(e.type) == "builtin" for e in op.inputs)
    )


def find(params: tuple[Param, ...], name: str) -> str | None:
    """The first simple value of an element called `name`, searched depth-first."""
    for key, value in params:
        if key == name and isinstance(value, str):
            return value
        if isinstance(value, tuple):
            found = find(value, name)
            if found is not None:
                return found
    return None


def reads_for(request: Request, scope: CompanyScope) -> list[Read]:
    defaults = {
        "employeeid": str(scope.employees[0]),
        "companyid": str(scope.id),
        "debtorid": str(scope.debtor),
        "year": str(scope.year),
        "period": str(scope.period),
    }
    reads: list[Read] = []
    contract = load_contract(request.service)
    own = request.params if request.expectation.kind in TRUSTED else ()
    for name in family_reads(request.service, request.operation)[:MAX_FAMILY_READS]:
        params: list[Param] = []
        for element in contract.operations[name].inputs:
            value = find(own, element.name) or defaults.get(element.name.lower())
            if value is None:
                break
            params.append((element.name, value))
        else:
            reads.append((request.service, name, params_xml(tuple(params))))
    if not reads:  # no read of its own family: the lists of what exists
        reads = [(s, o, "") for s, o in LISTS]
        employees = f"<CompanyId>{scope.id}</CompanyId><EmployeeType>0</EmployeeType>"
        reads.append(("EmployeeService", "List_GetByCompany", employees))
    return reads


def take(target: Target, reads: list[Read]) -> Fingerprint:
    answers = []
    for service, operation, params in reads:
        exchange = target.call(service, operation, params)
        answers.append((f"{service}.{operation}({params})", exchange.status, exchange.response_body))
    return tuple(answers)


def crashed(fingerprint: Fingerprint) -> list[str]:
    """The reads of a fingerprint that answered Nmbrs's unhandled-error fault."""
    return [read for read, _, body in fingerprint if b"---&gt; 9999:" in body or b"---> 9999:" in body]


def differences(before: Fingerprint, after: Fingerprint) -> list[str]:
    return [
        f"{read}: HTTP {status_b} → {status_a}, {len(body_b)} → {len(body_a)} bytes"
        for (read, status_b, body_b), (_, status_a, body_a) in zip(before, after, strict=True)
        if (status_b, body_b) != (status_a, body_a)
    ]
