"""Large environments seeded company by company, so that their companies can be seeded in parallel.

From `BY_COMPANY_EMPLOYEES` employees on, a shape is seeded in two steps. First what every company
shares: the debtors, the companies and their own records, the debtors' reference data, and the
random draws of every employee, made in the order the interleaved seeding (`Seeder.run`) makes them,
so each employee holds the same data. Then each company in turn: its employees (with the ids the
interleaved seeding gives them), their reference data, leave and a year of payroll.

A company's records take ids from a range of its own: company `i` from `FIRST_RECORD_ID + span *
(i + 1)` on (`record_range`), what the companies share from `FIRST_RECORD_ID` on, as always. So a
company's records are the same whether the companies before it were seeded in this store or in
another process (`seeding_apart` merges such parts), and the environment's record counter ends at
the last id used. `span` is a power of ten above what the largest company can use
(`record_span`); a company that used more raises `SeedingTooLarge` (nothing of the seeding stays).
The counters are stored sorted by name at the end, the order a merge of parts writes them in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mock_server.domain.demo_reference import seed_company_reference, seed_debtor_reference
from mock_server.domain.history import HISTORY_YEARS, replay_history
from mock_server.domain.leave_seed import seed_leave
from mock_server.domain.periods import PeriodType
from mock_server.domain.tenant import ENTITY_ID_RANGES

if TYPE_CHECKING:
    from mock_server.domain.demo import Draw, EnvironmentShape, Seeder

BY_COMPANY_EMPLOYEES = 1_000
FIRST_RECORD_ID = 1000
MAX_RECORD_ID = 2**31 - 1  # record ids are .NET ints
RECORDS_PER_EMPLOYEE = 40  # its own records (about 20), leave and reference data, with room to spare
RECORDS_PER_COMPANY = 10_000  # its own records, runs, run requests and declarations, with room to spare


class SeedingTooLarge(ValueError):
    """A shape whose companies' record ranges do not fit in .NET ints (or a company that outgrew its)."""


def by_company(shape: EnvironmentShape) -> bool:
    return shape.employees >= BY_COMPANY_EMPLOYEES


def record_span(shape: EnvironmentShape) -> int:
    """The size of each company's record-id range: a power of ten above what its employees can use."""
    companies = len(shape.period_types)
    largest = -(-shape.employees // companies)  # the first companies get one more (round robin)
    runs = max(PeriodType(kind).periods_in_year(2000) for kind in shape.period_types) * (HISTORY_YEARS + 1)
    bound = largest * (RECORDS_PER_EMPLOYEE + runs + 1) + RECORDS_PER_COMPANY
    span = 10 ** math.ceil(math.log10(bound))
    if FIRST_RECORD_ID + span * (companies + 1) > MAX_RECORD_ID:
        raise SeedingTooLarge(
            f"{companies} companies of up to {largest} employees need record ids beyond {MAX_RECORD_ID}"
        )
    return span


def record_range(span: int, index: int) -> tuple[int, int]:
    """The first and last record id of the company at `index`."""
    first = FIRST_RECORD_ID + span * (index + 1)
    return first, first + span - 1


def seed_by_company(seeder: Seeder, only: frozenset[int] | None = None) -> None:
    """Seed the shape company by company; with `only`, just those companies (by index) after what
    they share (a part of a seeding in parallel)."""
    tenant, shape = seeder.tenant, seeder.shape
    debtors, companies = seeder.setup()
    functions = seed_debtor_reference(tenant, debtors, seeder.created)
    count, span = len(companies), record_span(shape)
    wanted = [only is None or index in only for index in range(count)]
    draws: dict[int, Draw] = {}
    for n in range(shape.employees):  # every draw, in order; kept only for the companies seeded here
        draw = seeder.draw(companies[n % count], n // count)
        if wanted[n % count]:
            draws[n] = draw
    first_employee, width = ENTITY_ID_RANGES["employee"]
    first_employee += width * tenant.claim_id_block()
    for index, company in enumerate(companies):
        if not wanted[index]:
            continue
        low, high = record_range(span, index)
        tenant.store.raise_counter(tenant.name, "record", low - 1)
        numbers = range(index, shape.employees, count)
        for position, n in enumerate(numbers):
            seeder.employee(company, position, draws.pop(n), first_employee + n)
        if numbers:
            tenant.store.raise_counter(tenant.name, "employee", first_employee + numbers[-1])
        staff = seeder.staff.pop(company.id, [])
        seed_company_reference(tenant, company, functions[company.debtor_id], seeder.created, staff)
        seed_leave(tenant, company, seeder.created)
        replay_history(tenant, company, shape.unsent_declarations)
        used = tenant.store.counter(tenant.name, "record") or 0
        if used > high:
            raise SeedingTooLarge(f"company {company.id} used record ids up to {used}, beyond its {high}")
    tenant.store.sort_counters(tenant.name)
