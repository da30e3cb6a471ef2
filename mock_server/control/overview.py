"""GET /__admin/overview: the dashboard's poll in one bounded answer.

A page of environment summaries (`limit`, `offset`, a `match` on the name), the throttle settings and
the journal's fill, so a dashboard stays light however many environments and calls there are.
"""

from __future__ import annotations

from mock_server import __version__
from mock_server.control import params
from mock_server.control.errors import Invalid
from mock_server.control.http import Request, Response
from mock_server.control.plane import ControlPlane

MAX_PAGE = 500
DEFAULT_PAGE = 50
KEYS = {"limit", "offset", "match"}


def overview(plane: ControlPlane, request: Request) -> Response:
    unknown = sorted(set(request.query) - KEYS)
    if unknown:
        raise Invalid(f"unknown query parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
    limit = _integer(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = _integer(request, "offset", 0, 0, 10**9)
    match = request.query.get("match", "").lower()
    names = sorted(name for name in plane.backend.specs if match in name)
    journal = plane.pipeline.journal
    return Response.json(
        {
            "version": __version__,
            "environments": plane.environments(names[offset : offset + limit]),
            "total_environments": len(names),
            "offset": offset,
            "limit": limit,
            "throttle": plane.throttle(),
            "faults": len(plane.faults()),
            "journal": {
                "enabled": journal.enabled,
                "entries": len(journal),
                "bytes": journal.size_bytes,
                "max_entries": journal.settings.max_entries,
                "max_bytes": journal.settings.max_bytes,
            },
        }
    )


def _integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.query.get(name, "")
    if value == "":
        return default
    if not (value.isascii() and value.isdigit()):
        raise Invalid(f"query parameter {name!r} must be an integer from {low} to {high}, not {value!r}")
    return params.integer(int(value), name, low, high)
