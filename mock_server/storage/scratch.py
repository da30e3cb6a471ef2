"""The database without `--state`: SQLite's private temporary one (`sqlite3.connect("")`).

It is a file of mode 0600 that SQLite unlinks as soon as it has opened it, so nothing of it is left
when the process ends, however it ends (`kill -9` too); its pages live in the kernel's page cache,
not in the process (a seeded environment of 50,000 employees is about 500 MB of rows). SQLite keeps
`CACHE_KB` of it in the process: a larger cache makes every transaction of a temporary database
slower. A seeding (`SqliteStore.bulk`) has `BULK_CACHE_KB` until its transaction ends: its inserts
into the records' owner index land all over a large table (16 MB: its writes 10 % faster for 50,000
employees). After a large seeding the memory it freed is given back (`release_freed_memory`).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable
from functools import cache

PATH = ""  # what sqlite3.connect is given for the temporary database
CACHE_KB = 2048
BULK_CACHE_KB = 16384
LARGE_SEEDING = 50_000  # records (about 1,500 employees); a smaller seeding frees little


def release_freed_memory(records: int) -> None:
    """After a seeding that wrote `records` records (with the garbage collector paused): for a large
    one (`LARGE_SEEDING` records or more), give the memory it freed back to the operating system: a
    full garbage collection (what it left in reference cycles), then glibc's `malloc_trim` where the
    C library has it. A smaller one leaves its few cycles to the collector."""
    if records < LARGE_SEEDING:
        return
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:  # the symbols the process has loaded: the C library's among them
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None
