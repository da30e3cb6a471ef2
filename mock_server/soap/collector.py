"""The cyclic garbage collector held back while a call is handled and its answer written.

A large read makes hundreds of thousands of dicts and lists that live until the answer is written;
each young-generation collection on the way walked them again (about a sixth of a 10,000-employee
`Salary_GetAll_AllEmployeesByCompany`). They are freed by reference counting when the call ends; the
few cycles a call leaves are collected once the collector runs again. The paused part never yields
to the hub (it is the call's transaction and the writing), so no other call runs meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
