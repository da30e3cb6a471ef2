"""The base of the typed method groups (`client.companies`, `client.hours`, ...)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Invoker(Protocol):
    def invoke(self, service: str, operation: str, arguments: dict[str, Any]) -> Any: ...


class Group:
    """Typed calls to one service; every call goes through the client's `invoke`."""

    service = ""

    def __init__(self, client: Invoker) -> None:
        self._client = client

    def _call(self, operation: str, **arguments: Any) -> Any:
        return self._client.invoke(self.service, operation, arguments)


def chunks(values: Sequence[T], size: int | None) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size` (all at once when `size` is None)."""
    if size is not None and size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    step = size or max(len(values), 1)
    for start in range(0, len(values), step):
        yield values[start : start + step]
