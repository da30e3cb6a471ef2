"""Errors of the control plane; the admin API answers each with its HTTP status and the message."""

from __future__ import annotations


class ControlError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(ControlError, ValueError):
    """A bad field or value (400)."""

    status = 400


class NotFound(ControlError, LookupError):
    """An unknown environment, company, rule or journal entry (404)."""

    status = 404


class Conflict(ControlError):
    """The name is taken (409)."""

    status = 409
