"""Seeding apart in a process of its own (`domain/seeding_apart.py`), so that the serving process
keeps its core, its GIL and its memory while a large environment is seeded.

`in_a_child_process(job)` runs `python -m mock_server.seeding_process` and hands it the job (a
`SeedJob`, or a `PartJob` of a seeding in parallel) pickled on stdin; its `PYTHONPATH` is the
parent's `sys.path`, so a seeder defined anywhere the parent imports from is found;
the child runs `job.run()` and writes what it returned, or what it raised, pickled on stdout. The
caller waits on a thread of the hub's pool (`app.py`), so the hub goes on serving. A seeder that
cannot be pickled (a closure) is run on that thread instead; so is every job when no process can
be started. A child that dies without an answer (killed, out of memory) raises `SeedingProcessDied`;
a child whose parent ended (the mock stopped or was killed) ends too, within `WATCH_S`.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from typing import Any

from mock_server.domain.seeding_apart import PartJob, SeedJob

log = logging.getLogger("nmbrs_mock.seeding")
COMMAND = [sys.executable, "-m", "mock_server.seeding_process"]
STDERR_TAIL = 2000  # characters of the child's stderr a `SeedingProcessDied` quotes
WATCH_S = 0.5  # how often the child looks whether its parent is still there
ORPHANED = 70  # the exit code of a child whose parent went away


class SeedingProcessDied(RuntimeError):
    """The seeding process ended without handing back an answer."""


def in_a_child_process(job: SeedJob | PartJob) -> bool:
    """`job.run()` in a new process; what it returns, or raises, comes back from here."""
    try:
        payload = pickle.dumps(job)
    except (pickle.PicklingError, TypeError, AttributeError):
        return job.run()  # a seeder another process cannot take: seeded on this thread
    try:
        # the parent's path, so that the child imports the mock (and the seeder) from where it did
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
        child = subprocess.run(COMMAND, input=payload, capture_output=True, check=False, env=env)
    except OSError as error:
        log.warning("cannot start a seeding process (%s); seeding %s on a thread", error, job.spec.name)
        return job.run()
    return _answer(child)


def _answer(child: subprocess.CompletedProcess[bytes]) -> bool:
    try:
        kind, value = pickle.loads(child.stdout)
    except Exception:  # no answer at all: the child died
        stderr = child.stderr.decode("utf-8", "replace").strip()[-STDERR_TAIL:]
        raise SeedingProcessDied(
            f"the seeding process ended with code {child.returncode} and no answer"
            + (f": {stderr}" if stderr else "")
        ) from None
    if kind == "raised":
        raise value
    return bool(value)


def _child() -> None:
    """The child's side: read the job, run it, write the answer."""
    threading.Thread(target=_end_with_the_parent, args=(os.getppid(),), daemon=True).start()
    answer: tuple[str, Any]
    try:
        answer = ("returned", pickle.load(sys.stdin.buffer).run())
    except BaseException as error:  # handed to the parent, which raises it
        answer = ("raised", _picklable(error))
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


def _end_with_the_parent(parent: int) -> None:
    """Nobody waits for the seeding once the mock is gone: end then (its parent is another one)."""
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os._exit(ORPHANED)


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


if __name__ == "__main__":
    _child()
