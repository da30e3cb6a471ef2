"""The dashboard's files and its overview endpoint, over HTTP (the browser test drives the page)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_server.domain.demo import EnvironmentShape
from mock_server.settings import MockSettings
from mock_server.testing import NmbrsEnv, NmbrsMock

SMALL = EnvironmentShape(employees=2, period_types=("M",), debtors=1)


@pytest.fixture(scope="module")
def guarded() -> Iterator[NmbrsMock]:
    with NmbrsMock.serve(MockSettings(port=0, admin_token="s3cret"), demo=SMALL) as mock:
        yield mock


def test_the_page_and_its_files_are_served_with_a_strict_policy(nmbrs_env: NmbrsEnv) -> None:
    assert nmbrs_env.mock is not None
    base = f"{nmbrs_env.mock.admin_url}/ui"
    page = requests.get(base, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<script src="/__admin/ui/app.js" defer></script>' in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    script = requests.get(f"{base}/app.js", timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "innerHTML" not in script.text  # everything is rendered with textContent
    assert requests.get(f"{base}/style.css", timeout=10).headers["Content-Type"].startswith("text/css")
    assert requests.get(f"{base}/", timeout=10).text == page.text
    assert requests.get(f"{base}/../plane.py", timeout=10).status_code == 404
    assert requests.get(f"{base}/secrets.txt", timeout=10).status_code == 404
    refused = requests.post(base, timeout=10)
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"


def test_the_overview_is_one_bounded_page(nmbrs_env: NmbrsEnv) -> None:
    assert nmbrs_env.mock is not None
    mock = nmbrs_env.mock
    data = mock.admin("GET", "/overview").json()
    assert data["limit"] == 50 and data["offset"] == 0
    assert nmbrs_env.name in [e["name"] for e in data["environments"]]
    assert set(data["journal"]) == {"enabled", "entries", "bytes", "max_entries", "max_bytes"}
    assert data["throttle"] == nmbrs_env.throttle()

    nmbrs_env.inject_fault("List_GetAll", code=1002)
    page = mock.admin("GET", f"/overview?limit=1&match={nmbrs_env.name}").json()
    assert [e["name"] for e in page["environments"]] == [nmbrs_env.name]
    assert page["total_environments"] == 1 and page["faults"] >= 1
    assert mock.admin("GET", f"/overview?offset=1&match={nmbrs_env.name}").json()["environments"] == []
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=ten", "page=2"):
        answer = mock.admin("GET", f"/overview?{bad}")
        assert answer.status_code == 400, bad
        assert answer.json()["error"]


def test_with_a_token_the_page_loads_but_its_data_needs_the_token(guarded: NmbrsMock) -> None:
    page = requests.get(f"{guarded.admin_url}/ui", timeout=10)
    assert page.status_code == 200 and "Admin token" in page.text
    assert requests.get(f"{guarded.admin_url}/overview", timeout=10).status_code == 401
    assert guarded.admin("GET", "/overview").status_code == 200  # sends the token


def test_the_overview_is_in_the_openapi_document(nmbrs_env: NmbrsEnv) -> None:
    assert nmbrs_env.mock is not None
    paths = nmbrs_env.mock.admin("GET", "/openapi.json").json()["paths"]
    assert "get" in paths["/__admin/overview"] and "get" in paths["/__admin/ui"]
