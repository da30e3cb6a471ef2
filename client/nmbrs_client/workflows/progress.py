"""Progress reporting for long workflows: a bar on stderr when it is a terminal, silence otherwise.

Workflows take a `Progress` factory (`progress("Exporting", total)` -> a bar with `advance()` and
`close()`); the default is `quiet`, so library callers see nothing unless they ask.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO


class Bar(Protocol):
    def advance(self, steps: int = 1) -> None: ...

    def close(self) -> None: ...


Progress = Callable[[str, int], Bar]


class _SilentBar:
    def advance(self, steps: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def quiet(label: str, total: int) -> Bar:
    return _SilentBar()


class TerminalBar:
    """`label [#####.....] 12/40` redrawn in place at most ten times a second."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self.label, self.total, self.stream = label, max(total, 0), stream
        self.done = 0
        self._drawn_at = 0.0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total) if self.total else self.done + steps
        self._draw(force=self.done == self.total)

    def close(self) -> None:
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
        self.stream.flush()


def for_stream(stream: TextIO | None = None, enabled: bool = True) -> Progress:
    """Bars on `stream` (stderr by default) when it is a TTY and `enabled`; `quiet` otherwise."""
    target = stream if stream is not None else sys.stderr
    if not enabled or not target.isatty():
        return quiet
    return lambda label, total: TerminalBar(label, total, target)
