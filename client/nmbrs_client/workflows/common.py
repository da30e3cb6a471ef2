"""What every workflow shares: which companies to work on, and batching."""

from __future__ import annotations

from collections.abc import Sequence

from nmbrs_client import NmbrsClient
from nmbrs_client.group import chunks as batches

__all__ = ["PartialWrite", "batches", "company_ids"]


def company_ids(client: NmbrsClient, wanted: Sequence[int] = ()) -> list[int]:
    """The companies to work on: `wanted`, or every company the login sees."""
    if wanted:
        return list(wanted)
    return [company.id for company in client.companies.list()]


class PartialWrite(Exception):
    """A write failed after `calls` writes had gone through; `error` is the failure, `advice` what a
    re-run does."""

    def __init__(self, error: Exception, calls: int, advice: str) -> None:
        self.error, self.calls, self.advice = error, calls, advice
        super().__init__(f"{error} (after {calls} successful write calls; {advice})")
