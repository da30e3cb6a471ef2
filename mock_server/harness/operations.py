"""What the harness knows about an operation from its name and contract alone (never the mock's code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from mock_server.contract import SERVICES, load_contract
from mock_server.contract.model import Operation, ServiceContract

_WRITE = re.compile(r"Insert|Update|Delete|Clear|Stop|Upload|Remove|_Set(?!tings)|SetSent")
# Operations that move a company's current period: exercised after every other operation.
MOVES_PERIOD = frozenset({"CompanyService.RunRequest_Insert"})
# Top-level id elements (lower-cased name) and the entity they name.
ID_KINDS = {"employeeid": "employee", "companyid": "company", "debtorid": "debtor"}


@dataclass(frozen=True)
class OperationInfo:
    service: str
    operation: Operation
    contract: ServiceContract

    @property
    def name(self) -> str:
        return self.operation.name

    @property
    def key(self) -> str:
        return f"{self.service}.{self.operation.name}"

    @property
    def is_write(self) -> bool:
        return bool(_WRITE.search(self.operation.name))

    @property
    def moves_period(self) -> bool:
        return self.key in MOVES_PERIOD

    def id_inputs(self) -> dict[str, str]:
        """Top-level inputs naming an employee, company or debtor: {element name: entity kind}."""
        return {e.name: ID_KINDS[e.name.lower()] for e in self.operation.inputs if e.name.lower() in ID_KINDS}


def all_operations() -> list[OperationInfo]:
    """Every operation of the contract: reads first, then writes, then those that move the period."""
    infos = [
        OperationInfo(service, op, contract)
        for service in SERVICES
        for contract in (load_contract(service),)
        for op in contract.operations.values()
    ]
    return sorted(infos, key=lambda info: (info.moves_period, info.is_write))


def matches(info: OperationInfo, patterns: list[str] | None) -> bool:
    """`--only` patterns: globs on `Service.Operation` or on the operation name; any may match."""
    if not patterns:
        return True
    return any(fnmatchcase(info.key, p) or fnmatchcase(info.name, p) for p in patterns)
