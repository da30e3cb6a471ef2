"""What `nmbrs-mock serve` tells its user: where each environment's data came from, seeding progress,
and (with --log / --verbose) one line per call."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from mock_server.control.journal import JournalEntry
from mock_server.domain.model import Company, Employee
from mock_server.domain.tenant import Tenant

_FIELD = re.compile(r"(\w+)=(\([^)]*\)|[^,)]*)")
SQLITE_HEADER = b"SQLite format 3\x00"
STATE_TABLE = "environments"  # every nmbrs-mock state file has it


class UsageError(ValueError):
    """A problem with what the user asked for, told in one line (no traceback)."""


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port: use 1-65535, or 0 for a free one")


def check_seed_cache(path: str) -> None:
    """A UsageError unless `--seed-cache path` is a folder the mock may write in (made if missing)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--seed-cache {path} is a file: give a folder (it is made if it does not exist)")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--seed-cache {path}: cannot make the folder: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--seed-cache {path}: the folder is not writable")


def check_state_path(path: str) -> str:
    """What serving `--state path` will do to the file ("created" or "opened"), or a UsageError
    naming the problem: a folder that does not exist, a folder given as the file, a file that is not
    an SQLite database, or an SQLite database of something else."""
    file = Path(path)
    folder = file.parent
    if not folder.is_dir():
        raise UsageError(f"--state {path}: the folder {folder} does not exist (create it first)")
    if file.is_dir():
        raise UsageError(f"--state {path} is a folder: give a file in it, e.g. {file / 'state.db'}")
    if not file.exists() or file.stat().st_size == 0:
        return "created"
    try:
        with file.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise UsageError(f"--state {path} cannot be read: {error.strerror}") from None
    if header != SQLITE_HEADER:
        raise UsageError(f"--state {path} is not an nmbrs-mock state file (not an SQLite database)")
    if not _has_state_table(file):
        raise UsageError(f"--state {path} is an SQLite database of something else (no {STATE_TABLE} table)")
    return "opened"


def _has_state_table(file: Path) -> bool:
    try:
        db = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as error:
        raise UsageError(f"--state {file} cannot be read as a database: {error}") from None
    return not tables or STATE_TABLE in tables


def origin(stored: str, wanted: str) -> str:
    """How an environment came to be served from a state file: `stored` is the fingerprint the file
    holds for it ("" if none), `wanted` the one it gets now ("<store format>|<shape>")."""
    if not stored:
        return "created"
    if stored == wanted:
        return "reused"
    old_format, _, old_shape = stored.partition("|")
    new_format, _, new_shape = wanted.partition("|")
    if old_format != new_format:
        return f"re-seeded: the file was written by {old_format}, this is {new_format}"
    old, new = dict(_FIELD.findall(old_shape)), dict(_FIELD.findall(new_shape))
    changed = [f"{key} {old.get(key, '-')} -> {new.get(key, '-')}" for key in new if old.get(key) != new[key]]
    return "re-seeded: its settings changed (" + (", ".join(changed) or new_shape) + ")"


class SeedProgress:
    """Reports how far seeding an environment got, to `stream` (a TTY line rewritten in place, or
    a line per step at most every `interval` seconds elsewhere)."""

    def __init__(self, stream: TextIO = sys.stderr, interval: float = 1.0) -> None:
        self.stream = stream
        self.interval = interval
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def wrap(self, name: str, employees: int, seeder: Callable[[Tenant], None]) -> Callable[[Tenant], None]:
        def seed(tenant: Tenant) -> None:
            counting = _CountingTenant(tenant, _Report(self, name, employees))
            seeder(counting)
            counting.report.done()

        return seed

    @contextmanager
    def apart(
        self, name: str, employees: int, processes: int, cached: bool, source: Callable[[], str]
    ) -> Iterator[None]:
        """Around an environment made apart (in `processes` other processes, where the counting of
        `wrap` cannot go, or copied from the seed cache when it is `cached` there): a line as it starts
        and one when it is done, telling `source()` (what the backend says it came from in the end:
        "seeded" or "seed cache")."""
        started = time.monotonic()
        where = f"in {processes} processes" if processes > 1 else "in a process of its own"
        self.write(f"seeding {name}: {employees} employees, {'from the seed cache' if cached else where}")
        try:
            yield
        except BaseException:
            self.write(f"seeding {name}: failed after {time.monotonic() - started:.1f} s", final=True)
            raise
        # the done line does not repeat `where`: a seeder no other process can take is seeded on a thread
        how = "copied from the seed cache" if source() == "seed cache" else "seeded"
        elapsed = time.monotonic() - started
        self.write(f"seeding {name}: {employees} employees {how}: done in {elapsed:.1f} s", final=True)

    def write(self, line: str, final: bool = False) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class _Report:
    def __init__(self, progress: SeedProgress, name: str, employees: int) -> None:
        self.progress, self.name, self.employees = progress, name, employees
        self.started = self.last = time.monotonic()
        self.saved_employees = 0
        self.history: dict[int, str] = {}  # company id -> the period its payroll history has reached

    def employee(self) -> None:
        self.saved_employees += 1
        self._maybe()

    def company(self, company: Company) -> None:
        if self.saved_employees >= self.employees:  # past the employees: replaying payroll history
            self.history[company.id] = f"{company.current_year}-{company.current_period:02d}"
            self._maybe()

    def _line(self) -> str:
        line = f"seeding {self.name}: {self.saved_employees}/{self.employees} employees"
        if self.history:
            latest = list(self.history.items())[-1]
            line += f", payroll history of {len(self.history)} companies (company {latest[0]}: {latest[1]})"
        return line

    def _maybe(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.progress.interval:
            self.last = now
            self.progress.write(self._line())

    def done(self) -> None:
        elapsed = time.monotonic() - self.started
        self.progress.write(f"{self._line()}: done in {elapsed:.1f} s", final=True)


class _CountingTenant(Tenant):
    """The tenant a seeder writes through, counting the employees and company periods it saves."""

    def __init__(self, tenant: Tenant, report: _Report) -> None:
        super().__init__(tenant.store, tenant.spec, tenant.user)
        self.report = report

    def save(self, entity: Any) -> None:
        super().save(entity)
        if isinstance(entity, Employee):
            self.report.employee()
        elif isinstance(entity, Company):
            self.report.company(entity)


class CallLog:
    """A pipeline listener printing one line per SOAP call: time, operation, environment, HTTP status,
    Nmbrs fault code (if any), duration and throttle delay; `verbose` adds the fault text."""

    def __init__(self, stream: TextIO = sys.stdout, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose

    def __call__(self, entry: JournalEntry) -> None:
        self.stream.write(format_call(entry, self.verbose) + "\n")
        self.stream.flush()


def format_call(entry: JournalEntry, verbose: bool = False) -> str:
    moment = datetime.fromtimestamp(entry.at, UTC).astimezone().strftime("%H:%M:%S.%f")[:-3]
    operation = entry.qualified if entry.operation else f"{entry.service}.?"
    status = f"{entry.http_status}"
    if entry.fault_code is not None:
        status += f" fault {entry.fault_code}"
    elif entry.fault is not None:
        status += " fault"
    line = (
        f"{moment} {operation} env={entry.environment or '-'} {status} "
        f"{entry.duration_ms:.1f} ms delay {entry.delayed_ms:.0f} ms"
    )
    if entry.injected:
        line += f" [injected: {entry.injection}]"
    if verbose and entry.fault:
        line += f" | {entry.fault}"
    return line


def state_line(path: str | None, origins: dict[str, str]) -> str:
    """The banner's line on state: in memory, or per environment whether the file's data was reused,
    created, or re-seeded (and why)."""
    if not path:
        return "  State:    a private temporary database (gone when the mock stops; --state FILE keeps it)"
    told = "; ".join(f"{name} {how}" for name, how in origins.items()) or "no environments"
    return f"  State:    {path}: {told}"


SEED_CACHE_WORDS = {"seed cache": "copied from it", "seeded": "seeded", "kept": "kept in the state file"}


def seed_cache_line(folder: str, sources: dict[str, str], written: set[str]) -> str:
    """The banner's line on `--seed-cache`: per environment whether it was copied from the cache, or
    seeded and written to it (or not: a warning said why)."""
    told = "; ".join(
        f"{name} {'seeded and written to it' if name in written else SEED_CACHE_WORDS.get(how, how)}"
        for name, how in sources.items()
    )
    return f"  Seeds:    {folder}: {told or 'no environments'}"
