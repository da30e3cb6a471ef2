"""A network guard for test runs: connections to anything but loopback fail at once.

`LoopbackGuard().install()` patches `socket.socket.connect`; `allowing(host)` lets one more host
through for a while (a test against a real Nmbrs sandbox). Installs nest: `uninstall` puts back what
was there before.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

LOOPBACK = ("127.", "::1", "localhost")


class LoopbackGuard:
    def __init__(self) -> None:
        self._allowed: dict[str, int] = {}
        self._lock = threading.Lock()
        self._previous: Callable[..., Any] | None = None

    @property
    def installed(self) -> bool:
        return self._previous is not None

    def install(self) -> None:
        if self._previous is not None:
            return
        previous = socket.socket.connect
        guard = self

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            guard.check(address)
            return previous(sock, address)

        self._previous = previous
        socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._previous is not None:
            socket.socket.connect = self._previous  # type: ignore[method-assign]
            self._previous = None

    def check(self, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is None or str(host).startswith(LOOPBACK):
            return
        with self._lock:
            if str(host).lower() in self._allowed:
                return
        raise RuntimeError(
            f"tests may only connect to loopback, not {address!r} "
            "(nmbrs_loopback_only is on; @pytest.mark.nmbrs_real tests may reach the sandbox)"
        )

    @contextmanager
    def allowing(self, *hosts: str) -> Iterator[None]:
        """Let `hosts` (names and the addresses they resolve to) through inside the block."""
        names = {h.lower() for h in hosts} | {a for h in hosts for a in _addresses(h)}
        with self._lock:
            for name in names:
                self._allowed[name] = self._allowed.get(name, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                for name in names:
                    self._allowed[name] -= 1
                    if not self._allowed[name]:
                        del self._allowed[name]


def _addresses(host: str) -> set[str]:
    try:
        return {str(info[4][0]).lower() for info in socket.getaddrinfo(host, None)}
    except OSError:
        return set()
