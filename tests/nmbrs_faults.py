"""The Nmbrs fault code a client call ends with (None when it answers): for tests that compare codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nmbrs_client import NmbrsFault


def fault_code(call: Callable[[], Any]) -> int | None:
    try:
        call()
    except NmbrsFault as fault:
        return fault.code
    return None
