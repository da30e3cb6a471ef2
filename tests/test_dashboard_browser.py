"""The dashboard in a real headless browser: Debian's chromium and chromedriver driven by Selenium.

CI installs the browser (`apt-get install chromium chromium-driver`), so a missing browser fails the
test; set NMBRS_SKIP_BROWSER=1 to skip it on a machine without one. NMBRS_DASHBOARD_SCREENSHOT=path
keeps a screenshot of the page there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from nmbrs_client import raw

from mock_server.domain.demo import EnvironmentShape
from mock_server.settings import MockSettings
from mock_server.testing import NmbrsEnv, NmbrsMock

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 30
XSS = "<img src=x onerror=\"document.title='pwned'\">"
SMALL = EnvironmentShape(employees=3, period_types=("M", "W4"), debtors=1)


def _browser_or_reason() -> str | None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    reason = f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver"
    if os.environ.get("NMBRS_SKIP_BROWSER") == "1":
        pytest.skip(f"{reason} (skipped: NMBRS_SKIP_BROWSER=1)")
    return reason


@pytest.fixture(scope="module")
def mock() -> Iterator[NmbrsMock]:
    with NmbrsMock.serve(MockSettings(port=0, admin_token="browser-token"), demo=SMALL) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _browser_or_reason()
    if reason is not None:
        pytest.fail(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def _until(driver: Any, check: Callable[[Any], Any], what: str) -> Any:
    """Wait for `check`; a node a poll re-rendered meanwhile (stale) just means: look again."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(
        driver,
        WAIT_SECONDS,
        poll_frequency=0.2,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )
    return wait.until(check, f"timed out waiting for {what}")


def _texts(driver: Any, selector: str) -> list[str]:
    """The visible texts of the matching nodes, read in one script (no poll can re-render midway)."""
    script = "return [...document.querySelectorAll(arguments[0])].map((node) => node.innerText.trim())"
    return list(driver.execute_script(script, selector))


def _click(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By

    _until(
        driver, lambda d: d.find_element(By.CSS_SELECTOR, selector).click() or True, f"a click on {selector}"
    )


def _text(driver: Any, element_id: str) -> str:
    return str(driver.execute_script("return document.getElementById(arguments[0]).innerText", element_id))


def _severe(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _unroutable_call(env: NmbrsEnv) -> None:
    """A request whose SOAPAction is markup: its fault text (user data) must show as text."""
    body = raw.envelope("CompanyService", "List_GetAll", "", env.credentials)
    headers = {**raw.http_headers("CompanyService", "List_GetAll"), "SOAPAction": XSS}
    requests.post(env.service_url("CompanyService"), data=body, headers=headers, timeout=10)


def test_the_dashboard_shows_calls_and_rules_and_resets(mock: NmbrsMock, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    env = mock.new_env("browser-env")
    env.client.companies.list()
    _unroutable_call(env)
    rule = env.inject_fault("EmployeeService.HourComponentVar_Insert_Batch", code=1002)
    browser.get(f"{mock.admin_url}/ui?token=browser-token")
    assert "token=" not in browser.current_url  # taken out of the address and history

    _until(browser, lambda d: "CompanyService.List_GetAll" in _texts(d, "#journal-table td.op"), "the call")
    _until(browser, lambda d: rule.operation in _texts(d, "#fault-table td.op"), "the fault rule")
    assert "Nmbrs 1002" in _texts(browser, "#fault-table td.effect")
    listed = {e["name"]: e["seeded"] for e in mock.admin("GET", "/environments").json()["environments"]}
    seeded = _texts(browser, '#env-table tr[data-env="browser-env"] td.seeded')
    assert seeded == [listed["browser-env"]] and seeded[0]  # how its rows were made, as the API says
    assert _text(browser, "status") == "live"

    call = env.last_request("List_GetAll")
    _click(browser, f'#journal-table tr[data-id="{call.id}"]')
    request_body = _until(browser, lambda d: _text(d, "entry-request"), "the request body")
    assert "List_GetAll xmlns" in request_body and "Token>***</" in request_body  # token masked
    assert "List_GetAllResponse" in _text(browser, "entry-response")
    assert f"{call.service}.{call.operation}" in _text(browser, "entry-title")

    unrouted = mock.control.requests()[0][0]  # no environment: unrouted before authentication
    assert unrouted.operation is None and unrouted.fault and XSS in unrouted.fault
    _click(browser, f'#journal-table tr[data-id="{unrouted.id}"]')
    _until(browser, lambda d: XSS in _text(d, "entry-meta"), "the markup shown as text")
    assert browser.find_elements(By.CSS_SELECTOR, "img") == [] and browser.title == "nmbrs-mock dashboard"

    _click(browser, '#env-table tr[data-env="browser-env"] button.link')
    _until(browser, lambda d: _text(d, "details-name") == "browser-env", "the details")
    _until(browser, lambda d: len(_texts(d, "#company-table tbody tr")) == 2, "the companies")
    assert "11 / 2026" in _texts(browser, "#company-table td.num")
    _click(browser, "#company-table tbody tr button")
    _until(browser, lambda d: len(_texts(d, "#employee-table tbody tr")) >= 1, "the employees")

    if os.environ.get("NMBRS_DASHBOARD_SCREENSHOT"):
        browser.save_screenshot(os.environ["NMBRS_DASHBOARD_SCREENSHOT"])

    reset = '#env-table tr[data-env="browser-env"] button.reset'
    _click(browser, reset)
    _until(browser, lambda d: _texts(d, reset) == ["Click again to confirm"], "the confirmation")
    _click(browser, reset)
    _until(browser, lambda d: _texts(d, "#fault-table tbody tr") == ["no active rules"], "the rules cleared")
    _until(browser, lambda d: "browser-env" not in _texts(d, "#journal-table td"), "the journal cleared")
    assert env.requests() == [] and env.faults() == []  # the reset really happened
    assert _severe(browser) == []


def test_without_the_token_the_page_asks_for_it(mock: NmbrsMock, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{mock.admin_url}/ui")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{mock.admin_url}/ui")
    _until(browser, lambda d: d.find_element(By.ID, "token-panel").is_displayed(), "the token prompt")
    browser.get_log("browser")  # the refused (401) poll is logged; what follows must be clean
    browser.find_element(By.ID, "token-input").send_keys("browser-token")
    browser.find_element(By.ID, "token-use").click()
    _until(browser, lambda d: _text(d, "status") == "live", "the page to go live")
    assert not browser.find_element(By.ID, "token-panel").is_displayed()
    assert _severe(browser) == []
