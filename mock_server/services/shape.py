"""What an operation's name and parameters say about it, by Nmbrs's naming conventions.

`HourComponentVar_Insert_Batch(HourComponents, Period, Year, UnprotectedMode)` is family
`HourComponentVar`, verb `Insert_Batch`, a batch payload whose items name their employee, one
period for the batch, and a protected-period flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from mock_server.contract import load_contract
from mock_server.contract.model import Element

OWNER_PARAMS = {"employeeid": "employee", "companyid": "company", "debtorid": "debtor"}
# Operation prefixes that store into another family's records.
FAMILY_ALIASES = {
    "Absence2": "Absence",
    "AbsenceNotification": "Absence",
    "LeaseCar2": "LeaseCar",
    "SalaryTable2": "SalaryTable",
    "PersonalInfoWithoutBSN": "PersonalInfo",
    "Child": "Children",
    "DaysVarWorked": "DaysVar",
}
READ_VERBS = ("Get", "List")


@dataclass(frozen=True)
class Shape:
    service: str
    operation: str
    family: str
    verb: str
    owner_kind: str  # employee, company, debtor, or environment (no owner parameter)
    owner_param: str | None
    period_param: str | None
    year_param: str | None
    unprotected_param: str | None
    payload: Element | None  # the complex input (an object, or an ArrayOfX for batches)
    id_param: str | None  # an int parameter naming one record (AddressID, WageComponentId, ...)
    scalars: tuple[str, ...]  # the remaining simple inputs (values to store for Set operations)
    payload_is_array: bool = False  # an ArrayOfX payload: a batch, or the owner's whole set
    date_param: str | None = None  # a date naming the write's period (`Salary_Update(Start)`, `_Stop(End)`)
    end_params: tuple[str, str] | None = None  # (EndPeriod, EndYear): the last period a record holds in

    @property
    def is_read(self) -> bool:
        """`Get…`/`List…`, also after a qualifier (`TimeSchedule_AllEmployee_GetListByPeriod`)."""
        return any(part.startswith(READ_VERBS) for part in self.verb.split("_"))

    @property
    def is_variable(self) -> bool:
        """Variable records belong to one period; everything else holds from its period on."""
        return self.family.endswith("Var")

    @property
    def is_batch(self) -> bool:
        return "Batch" in self.verb

    @property
    def replaces_set(self) -> bool:
        """An array for one owner (`CostCenter_UpdateCurrent`): the owner's whole set from the period on."""
        return self.payload_is_array and not self.is_batch

    @property
    def has_period(self) -> bool:
        return self.period_param is not None and self.year_param is not None


@cache
def shape_of(service: str, operation: str) -> Shape:
    contract = load_contract(service)
    op = contract.operations[operation]
    prefix, _, verb = operation.partition("_")
    by_lower = {e.name.lower(): e for e in op.inputs}
    owner_param, owner_kind = _owner(op.inputs)
    is_read = any(part.startswith(READ_VERBS) for part in verb.split("_"))
    period = by_lower.get("period") or (None if is_read else by_lower.get("startperiod"))
    year = by_lower.get("year") or by_lower.get("intyear") or (None if is_read else by_lower.get("startyear"))
    unprotected = by_lower.get("unprotectedmode")
    used = {owner_param, period and period.name, year and year.name, unprotected and unprotected.name}
    payload = next((e for e in op.inputs if contract.kind(e.type) == "complex"), None)
    rest = [e for e in op.inputs if e.name not in used and e is not payload]
    id_param = next((e.name for e in rest if e.type == "int" and e.name.lower().endswith("id")), None)
    return Shape(
        service=service,
        operation=operation,
        family=FAMILY_ALIASES.get(prefix, prefix),
        verb=verb,
        owner_kind=owner_kind,
        owner_param=owner_param,
        period_param=period.name if period else None,
        year_param=year.name if year else None,
        unprotected_param=unprotected.name if unprotected else None,
        payload=payload,
        id_param=id_param,
        scalars=tuple(e.name for e in rest if e.name != id_param),
        payload_is_array=payload is not None and contract.complex_types[payload.type].array_item is not None,
        date_param=None if is_read else _date_param(op.inputs),
        end_params=_end_params(by_lower),
    )


DATE_PARAMS = ("start", "startdate", "end")


def _date_param(inputs: tuple[Element, ...]) -> str | None:
    return next((e.name for e in inputs if e.type == "dateTime" and e.name.lower() in DATE_PARAMS), None)


def _end_params(by_lower: dict[str, Element]) -> tuple[str, str] | None:
    end_period, end_year = by_lower.get("endperiod"), by_lower.get("endyear")
    return (end_period.name, end_year.name) if end_period and end_year else None


def _owner(inputs: tuple[Element, ...]) -> tuple[str | None, str]:
    for key in ("employeeid", "companyid", "debtorid"):
        for element in inputs:
            if element.name.lower() == key:
                return element.name, OWNER_PARAMS[key]
    return None, "environment"
