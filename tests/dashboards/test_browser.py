"""The dashboard in a real headless Chromium, served from the tiny published warehouse.

Selenium never downloads anything here: the browser and its driver are Debian's (``chromium``,
``chromium-driver``), named by path.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dash
import pytest
from werkzeug.serving import make_server

from dashboards.app import create_app
from tests.dashboards.tiny_warehouse import published_home

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason=f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})",
    ),
]

if CHROMIUM.exists() and CHROMEDRIVER.exists():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20  # seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(app: dash.Dash) -> Iterator[str]:
    """Serve ``app`` on a free local port from a background thread; yield its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dashboard", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard as it is served to users (minified bundles, no dev tools)."""
    with _serving(create_app(published_home(tmp_path_factory.mktemp("browser")))) as url:
        yield url


@pytest.fixture(scope="module")
def dev_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with Dash's dev tools, which check every component property in the browser."""
    app = create_app(published_home(tmp_path_factory.mktemp("browser-dev")))
    app.enable_dev_tools(debug=True, dev_tools_hot_reload=False, dev_tools_disable_version_check=True)
    with _serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1440,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver: webdriver.Chrome) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _tile(driver: webdriver.Chrome, key: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'.kpi-value[data-kpi="{key}"]').text


def _wait_for_tile(driver: webdriver.Chrome, key: str, text: str) -> None:
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".kpi-value") and _tile(d, key) == text,
        message=f"headline {key!r} never read {text!r}",
    )


def _wait_for_rows(driver: webdriver.Chrome, count: int) -> None:
    WebDriverWait(driver, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#overview-ppas tbody tr")) == count,
        message=f"the PPA table never showed {count} rows",
    )


def _box(driver: webdriver.Chrome, element_id: str) -> dict:
    return driver.execute_script(
        "const r = document.getElementById(arguments[0]).closest('.card').getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, height: r.height};",
        element_id,
    )


def _wait_for_charts(driver: webdriver.Chrome) -> None:
    """Every chart drawn, inside its own card: no card collapses under its chart onto the next row."""
    charts = ("overview-sector", "overview-trend", "overview-moa")
    WebDriverWait(driver, WAIT).until(
        lambda d: all(d.find_elements(By.CSS_SELECTOR, f"#{c} .main-svg") for c in charts),
        message="the charts were never drawn",
    )
    WebDriverWait(driver, WAIT).until(
        lambda d: all(_box(d, c)["height"] > 250 for c in charts),
        message="a chart card has no height",
    )
    assert _box(driver, "overview-sector")["bottom"] <= _box(driver, "overview-moa")["top"]
    assert _box(driver, "overview-trend")["bottom"] <= _box(driver, "overview-moa")["top"]
    assert _box(driver, "overview-moa")["bottom"] <= _box(driver, "overview-ppas")["top"]


def _navbar_links(base_url: str, driver: webdriver.Chrome) -> list:
    driver.get(base_url + "/")
    return WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".app-navbar .nav-link"))


def _choose(driver: webdriver.Chrome, dropdown_id: str, label: str) -> None:
    driver.find_element(By.ID, dropdown_id).click()
    option = WebDriverWait(driver, WAIT).until(
        ec.element_to_be_clickable((By.XPATH, f"//*[@role='option'][.//*[normalize-space(text())='{label}']]"))
    )
    option.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def test_overview_loads_and_filters(base_url, browser):
    browser.get(base_url + "/")
    _wait_for_tile(browser, "budget", "₱22.5M")
    assert _tile(browser, "ppas") == "8"
    assert _tile(browser, "obligation_rate") == "71.8%"
    _wait_for_rows(browser, 8)
    _wait_for_charts(browser)
    footer = browser.find_element(By.CSS_SELECTOR, ".app-footer").text
    assert "Data as of" in footer and "PHT" in footer

    _choose(browser, "shell-fiscal-year", "2025")
    _wait_for_tile(browser, "budget", "₱14.2M")
    assert _tile(browser, "ppas") == "4"
    _wait_for_rows(browser, 4)
    WebDriverWait(browser, WAIT).until(lambda d: urlsplit(d.current_url).query == "fiscal_year=2025")
    trend_labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#overview-trend .xtick text")]
    assert trend_labels == ["2025"]

    # the back button undoes the filter
    browser.back()
    _wait_for_tile(browser, "budget", "₱22.5M")
    assert urlsplit(browser.current_url).query == ""

    assert _severe(browser) == []


def test_a_link_reproduces_a_view(base_url, browser):
    browser.get(base_url + "/?fiscal_year=2025&moa=MOH&sector=social")
    _wait_for_tile(browser, "budget", "₱1.50M")
    assert _tile(browser, "obligation_rate") == "25.0%"
    assert _tile(browser, "disbursement_rate") == "0.0%"
    _wait_for_rows(browser, 1)
    assert "Women's health caravans" in browser.find_element(By.ID, "overview-ppas").text
    filter_bar = browser.find_element(By.CSS_SELECTOR, ".filter-bar").text
    assert "2025" in filter_bar and "MOH" in filter_bar and "Social" in filter_bar

    browser.find_element(By.ID, "shell-clear").click()
    _wait_for_tile(browser, "budget", "₱22.5M")
    WebDriverWait(browser, WAIT).until(lambda d: urlsplit(d.current_url).query == "")
    assert _severe(browser) == []


def test_division_by_zero_reads_as_a_dash(base_url, browser):
    browser.get(base_url + "/?moa=MAFAR")
    _wait_for_tile(browser, "budget", "₱700K")
    assert _tile(browser, "obligation_rate") == "—"
    assert _tile(browser, "disbursement_rate") == "—"
    assert _severe(browser) == []


def test_every_page_opens_without_console_errors(base_url, browser):
    paths = [page["path"] for page in dash.page_registry.values()]
    navbar = [urlsplit(a.get_attribute("href")).path for a in _navbar_links(base_url, browser)]
    assert paths and navbar
    for path in paths:
        browser.get(base_url + path)
        WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#_pages_content > *"))
        WebDriverWait(browser, WAIT).until(
            lambda d: (
                "Data as of" in d.find_element(By.CSS_SELECTOR, ".app-footer").text
                and "—" not in d.find_element(By.ID, "shell-as-of").text
            )
        )
        active = [
            urlsplit(a.get_attribute("href")).path for a in browser.find_elements(By.CSS_SELECTOR, ".nav-link.active")
        ]
        assert active == ([path] if path in navbar else []), path
        assert _severe(browser) == [], path


def test_an_unknown_address(base_url, browser):
    browser.get(base_url + "/no-such-page?fiscal_year=2025")
    WebDriverWait(browser, WAIT).until(lambda d: "Page not found" in d.find_element(By.ID, "_pages_content").text)
    browser.find_element(By.LINK_TEXT, "Go to the executive overview").click()
    _wait_for_tile(browser, "budget", "₱22.5M")
    assert _severe(browser) == []


def test_component_properties_are_valid(dev_url, browser):
    """With the dev tools on, the renderer checks every property of every component and reports to the console."""
    for query in ("", "?fiscal_year=2025&moa=MOH&sector=social", "?moa=MAFAR", "?fiscal_year=1999"):
        for page in dash.page_registry.values():
            browser.get(dev_url + page["path"] + query)
            WebDriverWait(browser, WAIT).until(
                lambda d: "—" not in d.find_element(By.ID, "shell-as-of").text,
                message="the shell never read the warehouse",
            )
            WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#_pages_content > *"))
            WebDriverWait(browser, WAIT).until(
                lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading]"),
                message="callbacks never settled",
            )
            assert browser.find_elements(By.CSS_SELECTOR, ".dash-fe-error__title") == []
            assert _severe(browser) == [], page["path"] + query
