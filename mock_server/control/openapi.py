"""The OpenAPI 3.0 document of the admin API, made from the route table (so the two cannot drift)."""

from __future__ import annotations

import re
from typing import Any

from mock_server import __version__
from mock_server.control.http import JSON, REASONS
from mock_server.control.routes import Route

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    "required": ["error", "status"],
}
ERROR_STATUSES = {"GET": (401, 403, 404), "DELETE": (401, 403, 404)}


def document(routes: list[Route], server_url: str = "") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(f"/__admin{route.path}", {})[route.method.lower()] = _operation(route)
    paths["/__admin/ui"] = {
        "get": {
            "summary": "The dashboard (HTML)",
            "operationId": "dashboard",
            "responses": {"200": {"description": "OK", "content": {"text/html": {}}}},
        }
    }
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "nmbrs-mock admin API",
            "version": __version__,
            "description": "Test control of the Nmbrs SOAP mock: environments, journal, verify, faults. "
            "Loopback callers only unless the mock runs with --admin-token; then send "
            "`Authorization: Bearer <token>` or `X-Admin-Token`.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "header": {"type": "apiKey", "in": "header", "name": "X-Admin-Token"},
            },
        },
        "security": [{}, {"bearer": []}, {"header": []}],
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "responses": {str(route.status): _success(route), **_errors(route)},
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", route.path)
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.request is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"example": route.request}}}
    return operation


def _success(route: Route) -> dict[str, Any]:
    content: dict[str, Any] = {route.content_type: {}}
    if route.response is not None:
        content[route.content_type] = {"example": route.response}
    return {"description": REASONS.get(route.status, "OK"), "content": content}


def _errors(route: Route) -> dict[str, Any]:
    statuses = ERROR_STATUSES.get(route.method, (400, 401, 403, 404, 409, 413))
    error = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(status): {"description": REASONS[status], "content": error} for status in statuses}
