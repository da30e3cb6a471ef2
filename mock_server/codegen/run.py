"""`nmbrs-mock generate`: rebuild every generated file from the reference, or check for drift."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mock_server.codegen.python_writer import contract_module, spyne_module
from mock_server.codegen.reference import read_reference
from mock_server.codegen.v3 import apply_v3
from mock_server.contract import SERVICES, module_name
from mock_server.contract.model import ServiceContract
from mock_server.contract.wsdl_writer import render_wsdl

REFERENCE_FILES = {
    "CompanyService": "CompanyService.v2.1.wsdl",
    "EmployeeService": "EmployeeService.v2.1.wsdl",
    "DebtorService": "DebtorService.v2.1-2017.wsdl",
}


@dataclass
class GenerationReport:
    written: list[Path] = field(default_factory=list)
    drifted: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_contracts(reference_dir: Path) -> tuple[dict[str, ServiceContract], list[str]]:
    contracts: dict[str, ServiceContract] = {}
    notes: list[str] = []
    for service in SERVICES:
        path = reference_dir / REFERENCE_FILES[service]
        if not path.is_file():
            raise FileNotFoundError(f"reference WSDL not found: {path}")
        contract = read_reference(path, service)
        notes += apply_v3(contract, reference_dir)
        contracts[service] = contract
    return contracts, notes


def planned_files(contracts: dict[str, ServiceContract], root: Path) -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    for service, contract in contracts.items():
        name = module_name(service)
        files[root / "mock_server/contract/_generated" / f"{name}.py"] = contract_module(contract).encode()
        files[root / "mock_server/soap/spyne_models" / f"{name}.py"] = spyne_module(contract).encode()
        files[root / "wsdl" / f"{service}.wsdl"] = render_wsdl(contract)
    return files


def generate(reference_dir: Path, root: Path, check: bool = False) -> GenerationReport:
    contracts, notes = build_contracts(reference_dir)
    report = GenerationReport(notes=notes)
    for path, content in planned_files(contracts, root).items():
        if path.is_file() and path.read_bytes() == content:
            continue
        if check:
            report.drifted.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        report.written.append(path)
    return report
