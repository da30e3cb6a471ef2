"""XML attacks get a client fault at once: no file is opened, no connection made, no memory spent.

The canary is a FIFO watched by a thread that notices any open of it (a reader blocks in open() until
the watcher opens the write end, so no open can slip by); the network canary is a listening socket on
127.0.0.1 whose backlog must stay empty. Memory and CPU are measured in a fresh subprocess (libxml2's
allocations are invisible to tracemalloc), as bounds on bytes and CPU seconds, never on wall time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hardening_support import DEMO, PYTHON_ISMS, small_app, soap_answer
from nmbrs_client.raw import auth_header

from mock_server.server import MockServer

SERVICE = "DebtorService"
OPERATION = "List_GetByNumber"
NS = f"https://api.nmbrs.nl/soap/v3/{SERVICE}"


def attacks(file_url: str, net_url: str) -> dict[str, bytes]:
    """Every attack as a whole request; the entity (if it were expanded) lands in <Number>."""

    def request(prolog: str, number: str, depth: int = 0) -> bytes:
        nest = "<x>" * depth + "</x>" * depth
        return (
            f'<?xml version="1.0" encoding="utf-8"?>{prolog}'
            f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            f"<soap:Header>{auth_header(SERVICE, OPERATION, DEMO)}</soap:Header><soap:Body>"
            f'<{OPERATION} xmlns="{NS}"><Number>{number}</Number>{nest}</{OPERATION}>'
            "</soap:Body></soap:Envelope>"
        ).encode()

    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    big = "A" * 50_000
    return {
        "external-entity-file": request(f'<!DOCTYPE soap:Envelope [<!ENTITY e SYSTEM "{file_url}">]>', "&e;"),
        "external-entity-network": request(
            f'<!DOCTYPE soap:Envelope [<!ENTITY e SYSTEM "{net_url}">]>', "&e;"
        ),
        "parameter-entity-file": request(
            f'<!DOCTYPE soap:Envelope [<!ENTITY % p SYSTEM "{file_url}"> %p;]>', "1"
        ),
        "parameter-entity-network": request(
            f'<!DOCTYPE soap:Envelope [<!ENTITY % p SYSTEM "{net_url}"> %p;]>', "1"
        ),
        "external-dtd-file": request(f'<!DOCTYPE soap:Envelope SYSTEM "{file_url}">', "1"),
        "external-dtd-network": request(f'<!DOCTYPE soap:Envelope SYSTEM "{net_url}">', "1"),
        "xinclude-file": request(
            "", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}" parse="text"/>'
        ),
        "billion-laughs": request(f"<!DOCTYPE soap:Envelope [{laughs}]>", "&l9;"),
        "quadratic-blowup": request(f'<!DOCTYPE soap:Envelope [<!ENTITY a "{big}">]>', "&a;" * 2000),
        "deep-nesting": request("", "1", depth=20_000),
    }


class FifoCanary:
    """A FIFO whose every open for reading is counted (and fed 'CANARY', so the reader never hangs)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "canary"
        os.mkfifo(self.path)
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has it open for reading
                time.sleep(0.001)
                continue
            self.opened += 1
            try:
                os.write(fd, b"CANARY")
            finally:
                os.close(fd)
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FifoCanary]:
    watcher = FifoCanary(tmp_path_factory.mktemp("canary"))
    yield watcher
    watcher.stop()


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(small_app()) as running:
        yield running


def connections_made(sock: socket.socket) -> int:
    made = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return made
        conn.close()
        made += 1


ATTACKS = list(attacks("file:///x", "http://127.0.0.1:1/x"))
INERT = {"xinclude-file"}  # an XInclude is never processed: an unknown element, ignored as ASMX would


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("name", ATTACKS)
def test_an_xml_attack_is_a_client_fault_that_touches_nothing(server, canary, listener, name, version):
    net_url = f"http://127.0.0.1:{listener.getsockname()[1]}/evil.dtd"
    body = attacks(canary.path.as_uri(), net_url)[name]
    if version == "1.2":
        body = body.replace(
            b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope"
        )
    content_type = "text/xml; charset=utf-8" if version == "1.1" else "application/soap+xml; charset=utf-8"
    opened_before = canary.opened
    response = requests.post(
        server.soap_url(SERVICE), data=body, headers={"Content-Type": content_type}, timeout=30
    )
    answer = soap_answer(response.status_code, response.content)
    assert answer.version == version
    if name not in INERT:
        assert answer.fault is not None and answer.fault[0] in ("soap:Client", "soap:Sender"), answer
        assert response.status_code in (400, 500)
        assert "Server was unable to read request." in answer.fault[1]
    assert b"CANARY" not in response.content and b"lollollol" not in response.content
    time.sleep(0.05)  # the watcher polls every millisecond
    assert canary.opened == opened_before, "the canary file was opened"
    assert connections_made(listener) == 0, "a connection was made to the network canary"


def test_the_canaries_would_notice(canary, listener):
    """The detectors work: a plain open of the FIFO and a plain connect are both seen."""
    before = canary.opened
    with open(canary.path, "rb") as fifo:
        assert fifo.read() == b"CANARY"
    deadline = time.monotonic() + 5
    while canary.opened == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert canary.opened == before + 1
    with socket.create_connection(listener.getsockname(), timeout=5):
        pass
    assert connections_made(listener) == 1


MEASURE = """
import json, resource, sys, time
from mock_server.app import MockApp
from mock_server.settings import MockSettings
attacks = json.loads(sys.stdin.read())
app = MockApp(MockSettings(), demo=None)
warm = app.pipeline.handle("DebtorService", attacks["deep-nesting"].encode("latin-1"), "text/xml", None)
before, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time()
codes = {}
for name, body in attacks.items():
    data = body.encode("latin-1")
    for _ in range(5):
        codes[name] = app.pipeline.handle("DebtorService", data, "text/xml; charset=utf-8", None).status
print(json.dumps({"grown_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
                  "cpu": time.process_time() - cpu, "codes": codes}))
"""


def test_attacks_cost_no_memory_and_little_cpu(tmp_path):
    """Five rounds of every attack in a fresh process: peak RSS grows by less than 20 MB (a billion
    laughs expanded would need gigabytes) and all of them take less than 3 CPU seconds together."""
    payloads = {
        k: v.decode("latin-1") for k, v in attacks((tmp_path / "x").as_uri(), "http://127.0.0.1:9/x").items()
    }
    done = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=json.dumps(payloads),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"attacks x5: peak RSS +{figures['grown_kb']} KB, {figures['cpu']:.3f} CPU s, {figures['codes']}")
    assert {figures["codes"][name] for name in figures["codes"] if name not in INERT} <= {400, 500}, figures
    assert figures["grown_kb"] < 20 * 1024, figures
    assert figures["cpu"] < 3.0, figures
    assert not any(marker in done.stderr for marker in PYTHON_ISMS), done.stderr[-3000:]
