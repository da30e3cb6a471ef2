"""A mock served in process on a free loopback port: the app, its server and its control plane."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

    from mock_server.app import MockApp
    from mock_server.control.plane import ControlPlane
    from mock_server.domain.demo import EnvironmentShape
    from mock_server.server import MockServer
    from mock_server.settings import MockSettings
    from mock_server.testing.environment import NmbrsEnv


@dataclass
class NmbrsMock:
    """One running mock. `new_env()` creates a fresh environment (see `NmbrsEnv`)."""

    app: MockApp
    server: MockServer
    demo: EnvironmentShape  # the shape new environments get unless told otherwise
    names: Callable[[], str] = field(repr=False)  # unique environment names

    @classmethod
    @contextmanager
    def serve(
        cls,
        settings: MockSettings | None = None,
        demo: EnvironmentShape | None = None,
        sleep: Callable[[float], None] | None = None,
        names: Callable[[], str] | None = None,
    ) -> Iterator[NmbrsMock]:
        """Start a mock (`settings.host`/`settings.port`; port 0 picks a free one) and stop it after."""
        from mock_server.app import DEFAULT_DEMO, MockApp
        from mock_server.control import params
        from mock_server.server import MockServer
        from mock_server.settings import MockSettings

        settings = settings or MockSettings(port=0)
        app = MockApp(settings, demo=demo or DEFAULT_DEMO, sleep=sleep)

        def unique() -> str:
            return params.unique_name(set(app.backend.specs))

        with MockServer(app, settings.host, settings.port) as server:
            yield cls(app, server, demo or DEFAULT_DEMO, names or unique)

    @property
    def control(self) -> ControlPlane:
        return self.app.control

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def soap_url(self) -> str:
        return f"{self.server.url}/soap/v3/"

    @property
    def admin_url(self) -> str:
        return f"{self.server.url}/__admin"

    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """An admin API call over HTTP, e.g. `admin("GET", "/faults")` (sends the admin token if set)."""
        import requests

        token = self.app.settings.admin_token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", None) or {})
        kwargs.setdefault("timeout", 30)
        return requests.request(method, f"{self.admin_url}{path}", headers=headers, **kwargs)

    def new_env(
        self,
        name: str | None = None,
        *,
        employees: int | None = None,
        period_types: list[str] | tuple[str, ...] | None = None,
        debtors: int | None = None,
        seed: int | None = None,
        template: str = "full",
        scenario: str | None = None,
    ) -> NmbrsEnv:
        """A fresh environment, shaped like `demo` unless told otherwise (same shape: a copy in ms),
        or the one environment of a `scenario` (TOML)."""
        from mock_server.testing.environment import NmbrsEnv

        name = name or self.names()
        if scenario is not None:
            created = self.control.create_from_scenario(scenario, name)[0]
        else:
            created = self.control.create_environment(
                name,
                employees=self.demo.employees if employees is None else employees,
                period_types=list(self.demo.period_types if period_types is None else period_types),
                debtors=self.demo.debtors if debtors is None and period_types is None else debtors,
                seed=self.demo.seed if seed is None else seed,
                template=template,
            )
        return NmbrsEnv.of(self, created)
