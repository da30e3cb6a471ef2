"""What the stateful model may arrange outside SOAP: a login with another template, a throttle setting.

On the in-process mock this is the control plane, on a mock at a URL its admin API
(INTERFACES.md), and on a real Nmbrs nothing: those rules are then skipped with a note.
"""

from __future__ import annotations

from typing import Any

import requests

from mock_server.harness.target import Credentials, Target


class NoControl:
    """A target the harness cannot arrange anything on."""

    def __init__(self, note: str) -> None:
        self.note = note

    @property
    def available(self) -> bool:
        return False

    def add_user(self, username: str, token: str, template: str) -> Credentials | None:
        return None

    def throttle(self) -> dict[str, Any] | None:
        return None

    def set_throttle(self, **changes: Any) -> None:
        raise RuntimeError(self.note)


class PlaneControl(NoControl):
    """The in-process mock: `mock_server.control.plane.ControlPlane` over the target's MockApp."""

    def __init__(self, plane: Any, environment: str) -> None:
        super().__init__("")
        self.plane = plane
        self.environment = environment

    @property
    def available(self) -> bool:
        return True

    def add_user(self, username: str, token: str, template: str) -> Credentials | None:
        made = self.plane.add_user(self.environment, username, token, template)
        return Credentials(made.username, made.token, made.domain)

    def throttle(self) -> dict[str, Any] | None:
        return dict(self.plane.throttle())

    def set_throttle(self, **changes: Any) -> None:
        self.plane.set_throttle(**changes)


class AdminControl(NoControl):
    """A mock at a URL with an admin API (`/__admin/`)."""

    def __init__(self, admin_url: str, environment: str) -> None:
        super().__init__("")
        self.admin_url = admin_url
        self.environment = environment

    @property
    def available(self) -> bool:
        return True

    def _json(self, method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, f"{self.admin_url}{path}", json=body, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(
                f"admin API {method} {path}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else {}

    def add_user(self, username: str, token: str, template: str) -> Credentials | None:
        body = {"username": username, "token": token, "template": template}
        made = self._json("POST", f"environments/{self.environment}/users", body)
        return Credentials(made.get("username", username), made.get("token", token), made.get("domain"))

    def throttle(self) -> dict[str, Any] | None:
        return dict(self._json("GET", "throttle"))

    def set_throttle(self, **changes: Any) -> None:
        self._json("PUT", "throttle", changes)


Control = NoControl  # every control answers the same four calls


def control_for(target: Target) -> NoControl:
    if target.is_real:
        return NoControl("a real Nmbrs: logins and the throttle cannot be arranged from the harness")
    if target.environment is None:
        return NoControl("the mock's environment is unknown")
    if target.app is not None:
        from mock_server.control.plane import ControlPlane

        plane = getattr(target.app, "control", None) or ControlPlane(target.app)
        return PlaneControl(plane, target.environment)
    if target.admin_url is not None:
        return AdminControl(target.admin_url, target.environment)
    return NoControl("the mock at this URL has no admin API (/__admin/)")
