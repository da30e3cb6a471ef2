"""The operation coverage table: every served operation and what the mock does for it.

Built from the contract and the handler registry, and written into README.md between markers by
`nmbrs-mock export` (`--check` fails when it is out of date).
"""

from __future__ import annotations

from mock_server.contract import SERVICES, load_contract
from mock_server.services import explicit_handler
from mock_server.services.shape import Shape, shape_of

BEGIN = "<!-- BEGIN GENERATED: operation coverage (nmbrs-mock export) -->"
END = "<!-- END GENERATED: operation coverage -->"

_OWNERS = {
    "employee": "the employee's",
    "company": "the company's",
    "debtor": "the debtor's",
    "environment": "the",
}


def behaviour(service: str, operation: str) -> str:
    handler = explicit_handler(service, operation)
    if handler is not None:
        doc = (handler.__doc__ or "").strip().splitlines()
        return f"Hand-written: {doc[0]}" if doc else "Hand-written handler."
    return _convention(shape_of(service, operation))


def _period_words(shape: Shape) -> str:
    if shape.has_period:
        return "given period"
    if shape.year_param:
        return "given year"
    return "current period"


def _convention(shape: Shape) -> str:
    owner = _OWNERS[shape.owner_kind]
    family = f"`{shape.family}`"
    verb = shape.verb
    if shape.is_read and "employeesbycompany" in verb.lower():
        what = "records valid in the given period" if shape.has_period else "full history"
        return f"Reads the {family} {what} of every employee of the company."
    if shape.is_read and verb.startswith("GetAll"):
        return f"Reads {owner} full {family} history."
    if shape.is_read:
        return f"Reads {owner} {family} records valid in the {_period_words(shape)}."
    checks = " Period checked (2006, 2011)." if shape.has_period else ""
    scope = "for that period only" if shape.is_variable else "from that period on"
    if shape.is_batch:
        return f"Writes one {family} record per item, {scope}, all or nothing.{checks}"
    if shape.replaces_set:
        return f"Replaces {owner} {family} set from the period on (the previous set ends before it).{checks}"
    actions = (
        ("Delete", f"Deletes {owner} {family} record (by id; an unknown id changes nothing)."),
        ("Clear", f"Removes {owner} {family} records of the period.{checks}"),
        ("Stop", f"Ends {owner} {family} records at the period.{checks}"),
        ("Insert", f"Adds a {family} record {scope}; returns its id.{checks}"),
        ("Set", f"Sets {owner} {family} value {scope}.{checks}"),
        (
            "Update",
            f"Changes {owner} {family} record (by id, else the period's; an unknown id: no change).{checks}",
        ),
    )
    for prefix, text in actions:
        if verb.startswith(prefix):
            return text
    return f"Stores the request as a {family} record; returns its id where one is expected.{checks}"


def coverage_markdown() -> str:
    lines = [BEGIN, "", "| Service | Operation | In the mock |", "|---|---|---|"]
    total = 0
    for service in SERVICES:
        for name in load_contract(service).operations:
            lines.append(f"| {service} | `{name}` | {behaviour(service, name)} |")
            total += 1
    lines += ["", f"{total} operations served.", "", END]
    return "\n".join(lines)


def update_readme(text: str) -> str:
    """Replace the generated section of the README (or append it)."""
    section = coverage_markdown()
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        return before + section + after
    return text.rstrip("\n") + "\n\n" + section + "\n"
