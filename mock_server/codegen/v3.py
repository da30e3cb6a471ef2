"""Turn the v2.1 reference contracts into the v3 contracts the mock serves.

Applies `v3_changes.toml` (our encoding of the v3 facts), drops the operations v3 removed
(`v3-deltas.tsv`), puts `AuthHeaderWithDomain` on every operation but `Environment_Get`, replaces the
documentation with our own descriptions and prunes types no operation reaches any more.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import replace
from pathlib import Path

from mock_server.codegen.descriptions import describe
from mock_server.contract.model import UNBOUNDED, ComplexType, Element, Operation, ServiceContract

CHANGES_FILE = Path(__file__).with_name("v3_changes.toml")


class ChangeError(Exception):
    """`v3_changes.toml` says something the generator cannot apply."""


def parse_field(spec: str) -> Element:
    """`Name:type`, `Name?:type`, `Name*:type`, with an optional `~nil` suffix."""
    name, _, type_name = spec.partition(":")
    if not type_name:
        raise ChangeError(f"field {spec!r}: expected Name:type")
    nillable = type_name.endswith("~nil")
    type_name = type_name.removesuffix("~nil").strip()
    name = name.strip()
    if name.endswith("*"):
        return Element(name[:-1], type_name, 0, UNBOUNDED, True)
    if name.endswith("?"):
        return Element(name[:-1], type_name, 0, 1, nillable)
    return Element(name, type_name, 1, 1, nillable)


def read_deltas(reference_dir: Path) -> list[dict[str, str]]:
    with (reference_dir / "v3-deltas.tsv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row.get("operation")]


def apply_v3(contract: ServiceContract, reference_dir: Path) -> list[str]:
    """Change the contract in place; return notes on what was decided."""
    notes: list[str] = []
    changes = tomllib.loads(CHANGES_FILE.read_text())
    for spec in changes.get("types", []):
        if contract.name in spec["services"]:
            contract.complex_types[spec["name"]] = _type_from(spec, contract)
    for spec in changes.get("operations", []):
        if spec["service"] == contract.name:
            contract.operations[spec["name"]] = Operation(
                name=spec["name"],
                doc="",
                inputs=tuple(parse_field(f) for f in spec["inputs"]),
                outputs=tuple(parse_field(f) for f in spec["outputs"]),
                header=spec.get("header", "AuthHeaderWithDomain"),
            )
    for row in read_deltas(reference_dir):
        if row["service"] == contract.name and row["change"] == "removed":
            contract.operations.pop(row["operation"], None)
            notes.append(f"{contract.name}.{row['operation']}: removed in v3, not served")
        elif row["service"] == contract.name and row["change"] == "unknown":
            notes.append(f"{contract.name}.{row['operation']}: v3 shape not established, not served")
    _finish_operations(contract)
    _prune_types(contract)
    _check_types(contract)
    return notes


def _type_from(spec: dict, contract: ServiceContract) -> ComplexType:
    if "like" in spec:
        original = contract.complex_types[spec["like"]]
        dropped = set(spec.get("drop", []))
        elements = tuple(e for e in original.elements if e.name not in dropped)
        return ComplexType(spec["name"], elements, original.base)
    elements = tuple(parse_field(f) for f in spec["fields"])
    return ComplexType(spec["name"], elements, spec.get("base"))


def _finish_operations(contract: ServiceContract) -> None:
    for name, op in sorted(contract.operations.items()):
        header = "AuthHeader" if name == "Environment_Get" else "AuthHeaderWithDomain"
        contract.operations[name] = replace(op, header=header, doc=describe(contract.name, op))
    contract.operations = dict(sorted(contract.operations.items()))


def _prune_types(contract: ServiceContract) -> None:
    reachable: set[str] = set()
    pending = [e.type for op in contract.operations.values() for e in op.inputs + op.outputs]
    pending += ["AuthHeader", "AuthHeaderWithDomain"]
    while pending:
        name = pending.pop()
        if name in reachable:
            continue
        reachable.add(name)
        complex_type = contract.complex_types.get(name)
        if complex_type is not None:
            pending += [e.type for e in complex_type.elements]
            pending += [complex_type.base] if complex_type.base else []
    contract.complex_types = {n: t for n, t in contract.complex_types.items() if n in reachable}
    contract.enums = {n: t for n, t in contract.enums.items() if n in reachable}


def _check_types(contract: ServiceContract) -> None:
    for complex_type in contract.complex_types.values():
        for element in complex_type.elements:
            contract.kind(element.type)  # raises KeyError for an unknown type
    for op in contract.operations.values():
        for element in op.inputs + op.outputs:
            contract.kind(element.type)
