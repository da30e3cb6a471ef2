"""A real Nmbrs sandbox for `@pytest.mark.nmbrs_real` tests, configured by NMBRS_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from nmbrs_client import NmbrsCredentials

REQUIRED = ("NMBRS_BASE_URL", "NMBRS_USERNAME", "NMBRS_TOKEN", "NMBRS_DOMAIN")


@dataclass(frozen=True)
class Sandbox:
    base_url: str  # ".../soap/v3/"
    credentials: NmbrsCredentials

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


def missing_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    return [name for name in REQUIRED if not env.get(name)]


def sandbox_from_env(environ: Mapping[str, str] | None = None) -> Sandbox | None:
    """The sandbox NMBRS_BASE_URL, NMBRS_USERNAME, NMBRS_TOKEN and NMBRS_DOMAIN name (None unless all set)."""
    from nmbrs_client import NmbrsCredentials

    env = os.environ if environ is None else environ
    if missing_variables(env):
        return None
    credentials = NmbrsCredentials(env["NMBRS_USERNAME"], env["NMBRS_TOKEN"], env["NMBRS_DOMAIN"])
    return Sandbox(env["NMBRS_BASE_URL"].rstrip("/") + "/", credentials)


def skip_reason(missing: list[str]) -> str:
    return (
        "nmbrs_real: this test runs only against a real Nmbrs sandbox; set "
        + ", ".join(missing)
        + " (e.g. NMBRS_BASE_URL=https://api-sandbox.nmbrs.nl/soap/v3/)"
    )
