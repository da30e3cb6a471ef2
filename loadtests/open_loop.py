"""The open-loop load of the throttle and capacity benchmarks: every call starts at its planned time.

One call is `EmployeeService.HourComponentVar_GetCurrent` of an environment's first employee, sent on
a keep-alive `RawConnection` from a pool; an answer is good when it is HTTP 200 with the operation's
response element. `offer` spawns a stream's calls at their planned times whatever earlier calls are
doing, so delayed answers never slow the offered rate; `run_streams` offers several streams at once.
Import it after gevent's monkey-patching.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import gevent
from gevent.queue import Empty, Queue
from nmbrs_client import NmbrsCredentials, raw

from loadtests.raw_http import RawConnection
from loadtests.stream_figures import DELAY

HOST = "127.0.0.1"
SERVICE, OPERATION = "EmployeeService", "HourComponentVar_GetCurrent"
MARKER = f"<{OPERATION}Response".encode()
EMPLOYEE_ID = 100_000  # the demo's first employee; other environments have ids of their own
FIRST_EMPLOYEES: dict[str, int] = {}  # environment -> its first employee, as the server reports them
CALL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    name: str
    credentials: NmbrsCredentials

    @property
    def body(self) -> bytes:
        employee = FIRST_EMPLOYEES.get(self.credentials.domain or "", EMPLOYEE_ID)
        return raw.envelope(SERVICE, OPERATION, f"<EmployeeId>{employee}</EmployeeId>", self.credentials)


PATH = f"/soap/v3/{SERVICE}.asmx"
HEADERS = raw.http_headers(SERVICE, OPERATION)


def post(conn: RawConnection, body: bytes) -> tuple[int, bytes]:
    return conn.post(PATH, HEADERS, body)


@dataclass
class CallResult:
    planned: float  # seconds after the start of the run
    lag: float  # seconds between the planned start and the request going out
    latency: float  # seconds from the request going out to the full answer
    status: int  # HTTP status, 0 for a connection error
    error: str | None = None


@dataclass
class Stream:
    target: Target
    rate: float
    seconds: float
    results: list[CallResult] = field(default_factory=list)
    connections: int = 0  # keep-alive connections opened for this stream

    @property
    def count(self) -> int:
        return max(1, round(self.rate * self.seconds))


class ConnectionPool:
    """Idle keep-alive connections; a new one is opened when none is idle."""

    def __init__(self, port: int, warm: int) -> None:
        self.port = port
        self.idle: Queue[RawConnection] = Queue()
        self.opened = 0
        for _ in range(warm):
            conn = self._new()
            conn.connect()  # TCP only: no SOAP call, so no throttle token is spent
            self.idle.put(conn)

    def _new(self) -> RawConnection:
        self.opened += 1
        return RawConnection(HOST, self.port, timeout=CALL_TIMEOUT)

    def get(self) -> RawConnection:
        try:
            return self.idle.get_nowait()
        except Empty:
            return self._new()

    def put(self, conn: RawConnection) -> None:
        self.idle.put(conn)

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except Empty:
                return


def one_call(stream: Stream, pool: ConnectionPool, body: bytes, planned: float, start: float) -> None:
    conn = pool.get()
    sent = time.perf_counter()
    try:
        status, data = post(conn, body)
        error = None if status == 200 and MARKER in data else f"HTTP {status}: {data[:200]!r}"
    except OSError as exc:  # RawConnection's errors, timeouts included
        status, error = 0, repr(exc)
        conn.close()
    else:
        pool.put(conn)
    done = time.perf_counter()
    stream.results.append(CallResult(planned - start, sent - planned, done - sent, status, error))


def offer(stream: Stream, pool: ConnectionPool, start: float) -> list[gevent.Greenlet]:
    """Spawn each call at its planned time (open loop: never waits for an answer)."""
    body = stream.target.body
    calls = []
    for index in range(stream.count):
        planned = start + index / stream.rate
        wait = planned - time.perf_counter()
        if wait > 0:
            gevent.sleep(wait)
        calls.append(gevent.spawn(one_call, stream, pool, body, planned, start))
    return calls


def room_for_delayed(stream: Stream, spare: int) -> int:
    """Connections to open ahead for a stream: room for the calls a throttle delay parks, and `spare`."""
    return int(stream.rate * DELAY * 2) + spare


def run_streams(port: int, streams: Sequence[Stream], warm: Sequence[int]) -> None:
    """Offer every stream at once, each on a pool of its own (`warm` connections opened ahead), and
    wait for their answers; afterwards each stream's `connections` tells how many it opened."""
    pools = [ConnectionPool(port, count) for count in warm]
    gevent.sleep(1.5)  # every throttle bucket full again
    try:
        with generator_collector_held():
            start = time.perf_counter() + 0.1
            spawners = [gevent.spawn(offer, s, pool, start) for s, pool in zip(streams, pools, strict=True)]
            gevent.joinall(spawners, timeout=max(s.seconds for s in streams) + 60)
            calls = [call for spawner in spawners for call in (spawner.value or [])]
            gevent.joinall(calls, timeout=CALL_TIMEOUT + 5)
            gevent.killall([call for call in calls if not call.dead], block=True, timeout=5)
    finally:
        for stream, pool in zip(streams, pools, strict=True):
            stream.connections = pool.opened
            pool.close()


@contextmanager
def generator_collector_held() -> Iterator[None]:
    """The load generator's own cyclic collector held back during a run. The calls it keeps (greenlets,
    results) grow to tens of thousands of objects, and each full collection over them stopped every
    call in flight: at 1,550 calls/s the capacity run measured 20-75 ms answers that were the
    generator's pauses, not the server's (p99 9-21 ms with it, 4.7-5.8 ms without; 2026-12-04)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
