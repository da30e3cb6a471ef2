"""The admin API's requests and responses: JSON in, JSON out, errors as {"error", "status"}."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from mock_server.control.errors import ControlError, Invalid

JSON = "application/json"
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


@dataclass
class Request:
    method: str
    path: str  # below /__admin
    query: dict[str, str]
    body: bytes
    content_type: str
    base_url: str  # http://host:port of the mock, as the caller reached it
    params: dict[str, str] = field(default_factory=dict)  # from the path pattern

    @classmethod
    def parse_query(cls, text: str) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}

    def json(self, required: bool = False) -> dict[str, Any]:
        """The body as a JSON object ({} when empty and not required)."""
        if not self.body.strip():
            if required:
                raise Invalid("this request needs a JSON object as its body")
            return {}
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise Invalid(f"the body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise Invalid("the body must be a JSON object")
        return data

    def fields(self, allowed: set[str], required: bool = False) -> dict[str, Any]:
        data = self.json(required)
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise Invalid(f"unknown field(s): {', '.join(unknown)}; known: {', '.join(sorted(allowed))}")
        return data

    def int_param(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise Invalid(f"{name} must be a number, not {value!r}")
        return int(value)


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data, default=str, indent=1).encode() + b"\n")

    @classmethod
    def error(cls, status: int, message: str) -> Response:
        return cls.json({"error": message, "status": status}, status)

    @classmethod
    def of(cls, error: ControlError) -> Response:
        return cls.error(error.status, error.message)

    def wsgi_status(self) -> str:
        return f"{self.status} {REASONS.get(self.status, '')}".strip()
