"""Large documents and large writes, in process (`Pipeline.handle`, no HTTP), throttling off.

- `PersonalInfo_`, `Contract_` and `Salary_GetAll_AllEmployeesByCompany` for one company of N
  employees next to bare lxml building the same document from plain data (`bench_lxml`), the two
  timed in turn, best of `repeats` each;
- `HourComponentVar_Insert_Batch` with 10,000 lines in one call, and one employee's
  `HourComponentVar_Get` timed before and after the company's period gained `rounds` x 10,000 lines
  of other employees' hours (flat: the read does not grow with the company's history), each time
  relative to a reference read timed in turn with it (`Schedule_GetCurrent`).
"""

from __future__ import annotations

import functools
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from lxml import etree
from nmbrs_client import raw

from loadtests.bench_lxml import build, plain, same_document
from loadtests.mock_process import DEMO, BenchError

LARGE_READS = (
    "PersonalInfo_GetAll_AllEmployeesByCompany",
    "Contract_GetAll_AllEmployeesByCompany",
    "Salary_GetAll_AllEmployeesByCompany",
)
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CONTENT_TYPE = raw.CONTENT_TYPES["1.1"]


class InProcess:
    """A MockApp with one monthly company of `employees` employees (the demo login)."""

    def __init__(self, employees: int) -> None:
        from mock_server.app import MockApp
        from mock_server.domain.demo import EnvironmentShape
        from mock_server.domain.throttle import ThrottleSettings
        from mock_server.settings import MockSettings

        started = time.perf_counter()
        shape = EnvironmentShape(employees=employees, period_types=("M",), debtors=1)
        self.app = MockApp(MockSettings(throttle=ThrottleSettings(enabled=False)), shape)
        self.seed_s = time.perf_counter() - started
        tenant = self.app.backend.tenant(DEMO.domain or "demo")
        company = tenant.companies()[0]
        self.company_id, self.year, self.number = company.id, company.current_year, company.current_period
        self.employees = [e.id for e in tenant.employees(company.id)]

    def call(self, operation: str, params: str) -> bytes:
        body = raw.envelope("EmployeeService", operation, params, DEMO)
        response = self.app.pipeline.handle("EmployeeService", body, CONTENT_TYPE, None)
        if response.status != 200:
            raise BenchError(f"{operation} answered HTTP {response.status}: {response.body[:300]!r}")
        return response.body


def best_of(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value


def best_in_turn(functions: list[Callable[[], Any]], repeats: int) -> list[tuple[float, Any]]:
    """`best_of` each function, timed in turn (round after round), so that what other work on the
    machine does in between weighs on all of them alike."""
    best: list[tuple[float, Any]] = [(float("inf"), None)] * len(functions)
    for _ in range(repeats):
        for index, function in enumerate(functions):
            seconds, value = best_of(function, 1)
            best[index] = (min(best[index][0], seconds), value)
    return best


def bench_reads(mock: InProcess, repeats: int) -> dict[str, Any]:
    """Each large read next to bare lxml building the same document, timed in turn (best of `repeats`)."""
    figures: dict[str, Any] = {"employees": len(mock.employees), "seed_s": mock.seed_s}
    for operation in LARGE_READS:
        params = f"<CompanyID>{mock.company_id}</CompanyID>"
        read = functools.partial(mock.call, operation, params)
        data = plain(etree.fromstring(read()))  # what bare lxml is to build (this first read is not timed)
        (mock_s, answer), (lxml_s, rebuilt) = best_in_turn([read, functools.partial(build, data)], repeats)
        figures[operation] = {
            "mock_s": mock_s, "bare_lxml_s": lxml_s, "ratio": mock_s / lxml_s if lxml_s else float("nan"),
            "answer_mb": len(answer) / 1e6, "same_document": same_document(answer, rebuilt),
        }  # fmt: skip
    return figures


def hour_lines(employees: list[int], count: int, year: int, number: int) -> str:
    items = "".join(
        f"<EmployeeHourComponent><EmployeeId>{employees[i % len(employees)]}</EmployeeId><Id>0</Id>"
        f'<HourCode>1</HourCode><CostCenterId xsi:nil="true" /><CostUnitId xsi:nil="true" />'
        f"<Hours>{1 + i % 8}.5</Hours><Comment>bench {i}</Comment></EmployeeHourComponent>"
        for i in range(count)
    )
    return (
        f'<HourComponents xmlns:xsi="{XSI}">{items}</HourComponents><Period>{number}</Period>'
        f"<Year>{year}</Year><UnprotectedMode>false</UnprotectedMode>"
    )


def read_s(mock: InProcess, employee: int, calls: int) -> tuple[float, float]:
    """Median seconds of one employee's HourComponentVar_Get in the current period, and of the same
    employee's Schedule_GetCurrent (no hours involved) timed in turn with it: the reference that
    cancels out what other work on the machine does to both."""
    hours = f"<EmployeeId>{employee}</EmployeeId><Period>{mock.number}</Period><Year>{mock.year}</Year>"
    reference = f"<EmployeeId>{employee}</EmployeeId>"
    values: tuple[list[float], list[float]] = ([], [])
    for _ in range(calls):
        for found, (operation, params) in zip(
            values, (("HourComponentVar_Get", hours), ("Schedule_GetCurrent", reference)), strict=True
        ):
            started = time.perf_counter()
            mock.call(operation, params)
            found.append(time.perf_counter() - started)
    return statistics.median(values[0]), statistics.median(values[1])


def bench_batch(mock: InProcess, lines: int = 10_000, rounds: int = 3, reads: int = 200) -> dict[str, Any]:
    reader, others = mock.employees[0], mock.employees[1:] or mock.employees
    read_before, reference_before = read_s(mock, reader, reads)
    batches = [hour_lines(others, lines, mock.year, mock.number) for _ in range(rounds)]
    timings = []
    for batch in batches:
        gc.collect()
        started = time.perf_counter()
        answer = mock.call("HourComponentVar_Insert_Batch", batch)
        timings.append(time.perf_counter() - started)
        if b"Fault" in answer:
            raise BenchError(f"HourComponentVar_Insert_Batch faulted: {answer[:300]!r}")
    read_after, reference_after = read_s(mock, reader, reads)
    return {
        "lines_per_call": lines, "calls": rounds, "insert_s": timings, "insert_best_s": min(timings),
        "history_lines": lines * rounds, "read_before_ms": read_before * 1000,
        "read_after_ms": read_after * 1000, "raw_read_ratio": read_after / read_before,
        "reference_before_ms": reference_before * 1000, "reference_after_ms": reference_after * 1000,
        "read_ratio": (read_after / reference_after) / (read_before / reference_before),
    }  # fmt: skip
