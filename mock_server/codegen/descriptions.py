"""Our own one-line operation descriptions, derived from Nmbrs's naming conventions.

The reference WSDLs carry Nmbrs's documentation text; we do not copy it. Each description is built
from the operation's family (the part before the first underscore) and its verb.
"""

from __future__ import annotations

import re

from mock_server.contract.model import Operation

_VERBS: list[tuple[str, str]] = [
    (r"^GetCurrent$", "Reads the {what} of the current period."),
    (r"^Get$", "Reads the {what}{scope}."),
    (r"^GetList$", "Lists the {what}{scope}."),
    (r"^GetListCurrent$", "Lists the {what} of the current period."),
    (r"^GetAll$", "Lists every {what} record{scope}."),
    (r"^GetAll_.*ByCompany.*$", "Lists the {what} history of every employee of a company."),
    (r"^Get_GetAllEmployeesByCompany$", "Lists the {what} history of every employee of a company."),
    (r"^GetAllEmployeesByCompany$", "Lists the {what} of every employee of a company."),
    (r"^GetBy(\w+)$", "Lists the {what} of a {arg}."),
    (r"^GetAll_AllTimeRegistrationCodes$", "Lists every time registration code."),
    (r"^Insert_Batch.*$", "Inserts {what} for many employees in one transaction."),
    (r"^InsertBatch$", "Inserts {what} for many employees in one transaction."),
    (r"^Set_Batch$", "Sets {what} for many employees in one transaction."),
    (r"^InsertCurrent.*$", "Inserts {what} in the current period."),
    (r"^Insert.*$", "Inserts {what}{scope}."),
    (r"^UpdateCurrent$", "Changes the {what} in the current period."),
    (r"^Update.*$", "Changes the {what}{scope}."),
    (r"^SetCurrent$", "Sets the {what} of the current period."),
    (r"^Set.*$", "Sets the {what}{scope}."),
    (r"^ClearCurrent$", "Removes all {what} of the current period."),
    (r"^Clear$", "Removes all {what} of a period."),
    (r"^StopCurrent$", "Ends the {what}; the current period is the last one it applies to."),
    (r"^Stop$", "Ends the {what}; the given period is the last one it applies to."),
    (r"^Delete.*$", "Deletes {what}."),
    (r"^GetCurrentPeriod$", "Returns the current payroll period as year-period-type."),
]


def _words(identifier: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", identifier.replace("_", " "))
    return spaced.strip().lower()


def _scope(op: Operation) -> str:
    names = {e.name.lower() for e in op.inputs}
    if {"period", "year"} <= names:
        where = " for a period"
    elif "year" in names or "intyear" in names:
        where = " for a year"
    else:
        where = ""
    for key, owner in (("employeeid", "an employee"), ("companyid", "a company"), ("debtorid", "a debtor")):
        if key in names:
            return f" of {owner}{where}"
    return where


def describe(service: str, op: Operation) -> str:
    family, _, verb = op.name.partition("_")
    what = _words(family)
    if family == "List":
        return (
            f"Lists the {_words(service.removesuffix('Service'))} records visible to the caller{_scope(op)}."
        )
    if family == "SalaryDocuments" and verb.startswith("AnnualDocument_"):
        return f"Returns the annual document '{_words(verb.removeprefix('AnnualDocument_'))}' as PDF."
    for pattern, template in _VERBS:
        match = re.match(pattern, verb)
        if match:
            arg = _words(match.group(1)) if match.groups() else ""
            return template.format(what=what, scope=_scope(op), arg=arg)
    return f"{_words(verb).capitalize()} ({what}){_scope(op)}."
