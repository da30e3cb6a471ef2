"""Ids that exist on the target, found by reads (List_GetAll, List_GetByCompany, ...), before any write.

Generated requests draw their ids from here, so valid requests name real debtors, companies,
employees, runs and codes, and invalid ones can pick ids that certainly do not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from mock_server.harness.target import Target, TargetError

_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})-([A-Za-z0-9]+)$")
# Periods per year by the type suffix of `Company_GetCurrentPeriod` (nmbrs-behaviour.md §4).
PERIODS_PER_TYPE = {"M": 12, "W4": 13, "4W": 13, "W1": 52, "1W": 52}
MAX_SCANNED = 20  # companies whose period type is read to pick one of each type
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class DiscoveryError(Exception):
    """The target has too little data (or too few rights) to generate valid requests."""


@dataclass(frozen=True)
class CompanyScope:
    """One company with what exists in it."""

    id: int
    debtor: int
    year: int
    period: int
    period_type: str
    employees: tuple[int, ...]
    runs: tuple[int, ...] = ()
    declarations: tuple[int, ...] = ()
    hour_codes: tuple[int, ...] = ()
    wage_codes: tuple[int, ...] = ()

    def periods_in(self, year: int) -> int:
        """The number of periods of a year: 12, 13, or 52 (53 in an ISO year with 53 weeks)."""
        per_year = PERIODS_PER_TYPE.get(self.period_type, 12)
        if per_year == 52 and _iso_weeks(year) == 53:
            return 53
        return per_year


@dataclass(frozen=True)
class World:
    debtors: tuple[int, ...]
    companies: tuple[CompanyScope, ...]
    notes: tuple[str, ...] = field(default=())

    def all_ids(self) -> set[int]:
        ids = set(self.debtors)
        for company in self.companies:
            ids |= {company.id, *company.employees, *company.runs, *company.declarations}
        return ids

    def ids_of(self, kind: str) -> tuple[int, ...]:
        if kind == "debtor":
            return self.debtors
        if kind == "company":
            return tuple(c.id for c in self.companies)
        return tuple(e for c in self.companies for e in c.employees)


def _iso_weeks(year: int) -> int:
    from datetime import date

    return date(year, 12, 28).isocalendar()[1]


def texts(body: bytes, name: str) -> list[str]:
    """The texts of every element called `name` (any namespace) in a response body."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return []
    return [
        el.text or "" for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == name
    ]


def _ints(values: list[str]) -> tuple[int, ...]:
    return tuple(int(v) for v in values if v.strip().lstrip("-").isdigit())


class _Reader:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.notes: list[str] = []

    def read(self, service: str, operation: str, name: str, params: str = "") -> tuple[int, ...]:
        try:
            exchange = self.target.call(service, operation, params)
        except TargetError as error:
            self.notes.append(str(error))
            return ()
        if exchange.status != 200:
            self.notes.append(f"{service}.{operation}({params}) answered HTTP {exchange.status}")
            return ()
        return _ints(texts(exchange.response_body, name))

    def period(self, company: int) -> tuple[int, int, str] | None:
        exchange = self.target.call(
            "CompanyService", "Company_GetCurrentPeriod", f"<CompanyId>{company}</CompanyId>"
        )
        found = texts(exchange.response_body, "Company_GetCurrentPeriodResult")
        match = _PERIOD.match(found[0].strip()) if found else None
        if match is None:
            self.notes.append(f"Company_GetCurrentPeriod({company}) answered {found or exchange.status}")
            return None
        return int(match.group(1)), int(match.group(2)), match.group(3)


def discover(target: Target, max_companies: int = 4) -> World:
    reader = _Reader(target)
    debtors = reader.read("DebtorService", "List_GetAll", "Id")
    owners = {
        company: debtor
        for debtor in debtors
        for company in reader.read(
            "CompanyService", "List_GetByDebtor", "ID", f"<DebtorId>{debtor}</DebtorId>"
        )
    }
    companies = reader.read("CompanyService", "List_GetAll", "ID")
    if target.company_id is not None:
        if target.company_id not in companies:
            raise DiscoveryError(f"company {target.company_id} is not among the user's companies {companies}")
        companies = (target.company_id,)
    chosen = _by_period_type(reader, companies[:MAX_SCANNED], max_companies)
    scopes = [s for c, p in chosen if (s := _scope(reader, c, owners.get(c, 0), p)) is not None]
    if not scopes:
        raise DiscoveryError("no company with a current period and employees: " + "; ".join(reader.notes))
    return World(debtors=debtors, companies=tuple(scopes), notes=tuple(reader.notes))


def _by_period_type(
    reader: _Reader, companies: tuple[int, ...], wanted: int
) -> list[tuple[int, tuple[int, int, str]]]:
    """Companies with their current period: one of each period type first (M, W4, W1), then the rest."""
    periods = [(c, p) for c in companies if (p := reader.period(c)) is not None]
    first_of_type: dict[str, tuple[int, tuple[int, int, str]]] = {}
    for company, period in periods:
        first_of_type.setdefault(period[2], (company, period))
    firsts = list(first_of_type.values())
    ordered = firsts + [cp for cp in periods if cp not in firsts]
    return ordered[:wanted]


def _scope(reader: _Reader, company: int, debtor: int, current: tuple[int, int, str]) -> CompanyScope | None:
    year, period, period_type = current
    c = f"<CompanyId>{company}</CompanyId>"
    employees = reader.read(
        "EmployeeService", "List_GetByCompany", "Id", c + "<EmployeeType>0</EmployeeType>"
    )
    if not employees:
        reader.notes.append(f"company {company} has no employees")
        return None
    return CompanyScope(
        id=company,
        debtor=debtor,
        year=year,
        period=period,
        period_type=period_type,
        employees=employees,
        runs=reader.read("CompanyService", "Run_GetList", "ID", f"{c}<Year>{year}</Year>"),
        declarations=reader.read(
            "CompanyService", "WageTax_GetList", "LoonaangifteID", f"{c}<intYear>{year}</intYear>"
        ),
        hour_codes=reader.read("CompanyService", "HourModel_GetHourCodes", "Code", c),
        wage_codes=reader.read("CompanyService", "WageModel_GetWageCodes", "Code", c),
    )
