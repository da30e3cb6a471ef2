"""Wage-tax declarations (loonaangiften): one per declaration period, filled by the runs paid in it.

A run's payslips go to the declaration of the declaration period holding the run's payment date
(`tax_periods`). The first run paid in a period creates its declaration (status `locked`, not yet
sent); later runs paid in the same period (weekly payroll: four or five) add to it while it is not
sent. A run paid in a period whose declaration was already sent gets a correction declaration for
that period (`CorrectionTijdvakStart`/`End` set) — INFERRED.

Next to each declaration a `WageTaxSums` record (same owner and start) keeps, per employee, the
exact-cent sums of its payslips; the declaration's `TotalGeneral`, its XML and its SEPA payment are
derived from those by the one rounding rule of `figures`. (Kept apart so that listing declarations
never reads every employee's sums.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.figures import (
    SlipFigures,
    add_sums,
    exact_sums,
    payable,
    sums_from_record,
    sums_to_record,
)
from mock_server.domain.model import Company
from mock_server.domain.periods import Period, midnight
from mock_server.domain.records import StoredRecord
from mock_server.domain.tax_periods import DeclarationPeriod, declaration_period_of_run, payment_reference
from mock_server.domain.tenant import Tenant
from mock_server.storage.codec import dumps, encoded, loads

FAMILY = "WageTax"
SUMS = "WageTaxSums"
SumsCache = dict[int, tuple[StoredRecord, dict[int, dict[str, Any]]]]  # declaration id -> sums record, sums
Sums = dict[str, Decimal]  # one employee's exact sums, by `DECLARED` name
Fresh = tuple[Sums, int, str | None]  # an employee's first sums in a declaration, payable, as JSON text


@dataclass
class ReplayCache:
    """What replaying a company's runs (seeding) keeps in memory from one run to the next: the
    declarations' sums (written once, by `write_sums`), the company's declarations and each
    employee's payable amount per declaration. Nothing else writes them while a replay runs.

    Only the declaration the latest run went to (`open`) holds its sums as numbers; the others are
    `sealed`: kept as their record's JSON text (a fraction of the memory), and opened again if a
    later run is declared in them."""

    sums: SumsCache = field(default_factory=dict)
    declarations: list[StoredRecord] | None = None  # the company's WageTax records, oldest first
    payable: dict[int, dict[int, int]] = field(default_factory=dict)  # declaration id -> employee -> payable
    runs: dict[int, int] | None = None  # year -> runs of the company in it
    sealed: dict[int, str] = field(default_factory=dict)  # declaration id -> its sums record's JSON text
    open: int | None = None
    slips: dict[int, tuple[Any, Sums, Fresh]] = field(default_factory=dict)  # by id(slip.lines): `_added`
    # declaration id -> employee -> the JSON text of its sums, while they are those of one slip
    entries: dict[int, dict[int, str]] = field(default_factory=dict)


def declare(
    tenant: Tenant,
    company: Company,
    period: Period,
    slips: Sequence[SlipFigures],
    run_id: int,
    at: datetime,
    replay: ReplayCache | None = None,
) -> StoredRecord:
    """Add a run of payroll period `period` to the declaration of the period it is paid in.

    With a `replay` cache (seeding replays many runs) the sums stay in memory until
    `write_sums(replay.sums)`."""
    cache = replay.sums if replay is not None else None
    declared_in = declaration_period_of_run(company, period)
    same_period = declarations_of(tenant, company, declared_in, replay)
    declaration = next((r for r in same_period if r.data.get("Status") != "sent"), None)
    if declaration is None:
        correction = bool(same_period)
        declaration = _new(tenant, company, period, declared_in, run_id, at, replay, correction=correction)
        sums_record = tenant.add_record(SUMS, "company", company.id, declaration.period,
                                        {"WageTaxId": declaration.id}, True, at)  # fmt: skip
        known: dict[int, dict[str, Any]] = {}
    elif replay is not None and declaration.id in replay.sums:
        sums_record, known = replay.sums[declaration.id]
        if declaration.id in replay.sealed:
            known = _unseal(replay, declaration.id)
    else:
        sums_record = declared_sums_record(tenant, declaration)
        known = sums_from_record(sums_record.data)
        if not sums_record.id:
            sums_record = tenant.add_record(
                SUMS, "company", company.id, declaration.period, sums_record.data, True, at
            )
    if replay is not None:
        _seal_open(replay, declaration.id)
    added, fresh = _added(slips, replay, known)
    payables = replay.payable.setdefault(declaration.id, {}) if replay is not None else None
    total = (declaration.data.get("TotalGeneral") or 0) - sum(
        payables[e] if payables is not None else payable(known[e]) for e in added if e in known
    )
    new = {e: fresh[e] for e in fresh if e not in known}  # what `add_sums` and `payable` give them
    add_sums(known, {e: sums for e, sums in added.items() if e not in new})
    entries = replay.entries.setdefault(declaration.id, {}) if replay is not None else {}
    for employee in added:  # only the employees of this run changed
        if employee in new:
            sums, amount, text = new[employee]
            known[employee] = dict(sums)
            if text is not None:
                entries[employee] = text
        else:
            amount = payable(known[employee])
            entries.pop(employee, None)
        total += amount
        if payables is not None:
            payables[employee] = amount
    if cache is None:
        write_sums({declaration.id: (sums_record, known)}, tenant)
    else:
        cache[declaration.id] = (sums_record, known)
    run_ids = [*(declaration.data.get("RunIds") or []), run_id]
    declaration.data = {**declaration.data, "TotalGeneral": total, "RunIds": run_ids, "RunId": run_id}
    tenant.put_record(declaration)
    return declaration


def _added(
    slips: Sequence[SlipFigures], replay: ReplayCache | None, known: dict[int, Sums]
) -> tuple[dict[int, Sums], dict[int, Fresh]]:
    """`exact_sums(slips)`, and for each employee not in `known` (not yet declared) what `add_sums`
    makes of its sums, with its `payable` amount (and while replaying, its entry's JSON text). While
    replaying, the slips of one pay (`for_run` copies, sharing their `lines`) have the same sums: each
    pay's are computed once."""
    if replay is None or len({slip.employee_id for slip in slips}) != len(slips):
        added = exact_sums(slips)
        fresh: dict[int, Fresh] = {}
        for employee, sums in added.items():
            if employee in known:
                continue
            first: dict[int, Sums] = {}
            add_sums(first, {employee: sums})
            fresh[employee] = (first[employee], payable(first[employee]), None)
        return added, fresh
    memo = replay.slips
    added, fresh = {}, {}
    for slip in slips:
        hit = memo.get(id(slip.lines))
        if hit is None or hit[0] is not slip.lines:
            sums = exact_sums([slip])[slip.employee_id]
            first = {}
            add_sums(first, {slip.employee_id: sums})
            own = first[slip.employee_id]
            hit = memo[id(slip.lines)] = (
                slip.lines,
                sums,
                (own, payable(own), _entry(slip.employee_id, own)),
            )
        added[slip.employee_id] = hit[1]
        fresh[slip.employee_id] = hit[2]
    return added, fresh


def write_sums(cache: SumsCache, tenant: Tenant, sealed: dict[int, str] | None = None) -> None:
    """Store the per-employee sums kept in `cache` (or, for the `sealed` ones, their JSON text)."""
    for declaration_id, (record, sums) in cache.items():
        text = sealed.get(declaration_id) if sealed else None
        # a sealed record is written as its text, and never read back from this object
        record.data = _sums_data(declaration_id, sums) if text is None else encoded({}, text)
        tenant.put_record(record)


def _sums_data(declaration_id: int, sums: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {"WageTaxId": declaration_id, "Declared": sums_to_record(sums)}


def _sums_text(declaration_id: int, sums: dict[int, Sums], entries: dict[int, str]) -> str:
    """`dumps(_sums_data(declaration_id, sums))`, taking the `entries` known as text."""
    parts = [entries.get(owner) or _entry(owner, values) for owner, values in sums.items()]
    return '{"WageTaxId":%d,"Declared":{%s}}' % (declaration_id, ",".join(parts))  # noqa: UP031


def _entry(owner: int, values: Sums) -> str:
    """One employee's sums as `dumps` writes them in a sums record: `"owner":{"name":{"$d":"1.00"},...}`."""
    if type(owner) is not int or any(type(value) is not Decimal for value in values.values()):
        return dumps({str(owner): values})[1:-1]
    inner = ",".join(f'"{name}":{{"$d":"{format(value, "f")}"}}' for name, value in values.items())
    return f'"{owner}":{{{inner}}}'


def _seal_open(replay: ReplayCache, current: int) -> None:
    """Seal the declaration the previous run went to, unless it is `current`; `current` is open."""
    if replay.open is not None and replay.open != current and replay.open in replay.sums:
        record, sums = replay.sums[replay.open]
        replay.sealed[replay.open] = _sums_text(replay.open, sums, replay.entries.pop(replay.open, {}))
        replay.sums[replay.open] = (record, {})
        replay.payable.pop(replay.open, None)
    replay.open = current


def _unseal(replay: ReplayCache, declaration_id: int) -> dict[int, dict[str, Any]]:
    """A sealed declaration's sums as numbers again (with each employee's payable amount)."""
    sums = sums_from_record(loads(replay.sealed.pop(declaration_id)))
    replay.sums[declaration_id] = (replay.sums[declaration_id][0], sums)
    replay.payable[declaration_id] = {employee: payable(values) for employee, values in sums.items()}
    return sums


def declared_sums_record(tenant: Tenant, declaration: StoredRecord) -> StoredRecord:
    """The record holding a declaration's per-employee exact sums."""
    candidates = tenant.records(SUMS, "company", [declaration.owner], start=declaration.start)
    found = next((r for r in candidates if r.data.get("WageTaxId") == declaration.id), None)
    if found is None:  # a declaration stored without its sums (never by this version): empty sums
        found = StoredRecord(SUMS, "company", declaration.owner, 0, declaration.start, declaration.start,
                             declaration.created, {"WageTaxId": declaration.id})  # fmt: skip
    return found


def declared_sums(tenant: Tenant, declaration: StoredRecord) -> dict[int, dict[str, Any]]:
    """Per employee, the exact-cent sums of the payslips a declaration declares."""
    return sums_from_record(declared_sums_record(tenant, declaration).data)


def all_declared_sums(tenant: Tenant, company: Company) -> dict[int, dict[int, dict[str, Any]]]:
    """Per declaration id, its per-employee sums (one read for a company's annual documents)."""
    return {
        r.data["WageTaxId"]: sums_from_record(r.data) for r in tenant.records(SUMS, "company", [company.id])
    }


def declarations_of(
    tenant: Tenant, company: Company, declared_in: DeclarationPeriod, replay: ReplayCache | None = None
) -> list[StoredRecord]:
    return [
        r
        for r in _declarations(tenant, company, replay)
        if (r.data.get("Year"), r.data.get("Period")) == (declared_in.year, declared_in.number)
    ]


def _declarations(tenant: Tenant, company: Company, replay: ReplayCache | None) -> list[StoredRecord]:
    if replay is None:
        return tenant.records(FAMILY, "company", [company.id])
    if replay.declarations is None:
        replay.declarations = tenant.records(FAMILY, "company", [company.id])
    return replay.declarations


def _new(
    tenant: Tenant,
    company: Company,
    period: Period,
    declared_in: DeclarationPeriod,
    run_id: int,
    at: datetime,
    replay: ReplayCache | None,
    *,
    correction: bool,
) -> StoredRecord:
    of_year = [r for r in _declarations(tenant, company, replay) if r.data.get("Year") == declared_in.year]
    start, end = midnight(declared_in.first_day), midnight(declared_in.last_day)
    data = {
        "SerialNumber": len(of_year) + 1,
        "PaymentReference": payment_reference(company.wage_tax_number, declared_in),
        "Period": declared_in.number,
        "Year": declared_in.year,
        "Status": "locked",
        "SentAt": None,
        "TijdvakStart": start,
        "TijdvakEnd": end,
        "CorrectionTijdvakStart": start if correction else None,
        "CorrectionTijdvakEnd": end if correction else None,
        "RunId": run_id,
        "RunIds": [],
        "TotalGeneral": 0,
    }
    record = tenant.add_record(FAMILY, "company", company.id, period, data, True, at)
    if replay is not None and replay.declarations is not None:
        replay.declarations.append(record)  # the newest id: records are listed by owner, start, id
    return record
