"""The dashboard in a real headless Chromium, served from the tiny published warehouse.

Selenium never downloads anything here: the browser and its driver are Debian's (``chromium``,
``chromium-driver``), named by path.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urlsplit

import dash
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from dashboards.app import create_app
from tests.browser import chrome, require_chromium, serving, severe_console_entries, visit
from tests.dashboards.tiny_warehouse import published_home

pytestmark = pytest.mark.browser

WAIT = 20  # seconds


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard as it is served to users (minified bundles, no dev tools)."""
    with serving(create_app(published_home(tmp_path_factory.mktemp("browser")))) as url:
        yield url


@pytest.fixture(scope="module")
def dev_url(demo_home) -> Iterator[str]:
    """The dashboard over the demo warehouse (every mart) with Dash's dev tools, which check every component
    property in the browser."""
    app = create_app(demo_home)
    app.enable_dev_tools(debug=True, dev_tools_hot_reload=False, dev_tools_disable_version_check=True)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    require_chromium()
    driver = chrome(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: WebDriver) -> WebDriverWait:
    """A wait that retries when Dash replaced the element it was looking at."""
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def _tile(driver: WebDriver, key: str) -> str | None:
    """The headline's text, read in one step in the page (Dash may re-render it at any moment)."""
    return driver.execute_script(
        "const el = document.querySelector(`.kpi-value[data-kpi='${arguments[0]}']`);"
        "return el ? el.innerText.trim() : null;",
        key,
    )


def _wait_for_tile(driver: WebDriver, key: str, text: str) -> None:
    _wait(driver).until(
        lambda d: _tile(d, key) == text,
        message=f"headline {key!r} never read {text!r}",
    )


def _wait_for_rows(driver: WebDriver, count: int) -> None:
    _wait(driver).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#overview-ppas tbody tr")) == count,
        message=f"the PPA table never showed {count} rows",
    )


def _box(driver: WebDriver, element_id: str) -> dict:
    return driver.execute_script(
        "const r = document.getElementById(arguments[0]).closest('.card').getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, height: r.height};",
        element_id,
    )


def _wait_for_charts(driver: WebDriver) -> None:
    """Every chart drawn, inside its own card: no card collapses under its chart onto the next row."""
    charts = ("overview-sector", "overview-trend", "overview-moa")
    _wait(driver).until(
        lambda d: all(d.find_elements(By.CSS_SELECTOR, f"#{c} .main-svg") for c in charts),
        message="the charts were never drawn",
    )
    _wait(driver).until(
        lambda d: all(_box(d, c)["height"] > 250 for c in charts),
        message="a chart card has no height",
    )
    assert _box(driver, "overview-sector")["bottom"] <= _box(driver, "overview-moa")["top"]
    assert _box(driver, "overview-trend")["bottom"] <= _box(driver, "overview-moa")["top"]
    assert _box(driver, "overview-moa")["bottom"] <= _box(driver, "overview-ppas")["top"]


def _navbar_links(base_url: str, driver: WebDriver) -> list:
    visit(driver, base_url + "/")
    return _wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".app-navbar .nav-link"))


def _choose(driver: WebDriver, dropdown_id: str, label: str) -> None:
    driver.find_element(By.ID, dropdown_id).click()
    option = _wait(driver).until(
        ec.element_to_be_clickable((By.XPATH, f"//*[@role='option'][.//*[normalize-space(text())='{label}']]"))
    )
    option.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def test_overview_loads_and_filters(base_url, browser):
    visit(browser, base_url + "/")
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
    _wait(browser).until(lambda d: urlsplit(d.current_url).query == "fiscal_year=2025")
    trend_labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#overview-trend .xtick text")]
    assert trend_labels == ["2025"]

    # the back button undoes the filter
    browser.back()
    _wait_for_tile(browser, "budget", "₱22.5M")
    assert urlsplit(browser.current_url).query == ""

    assert severe_console_entries(browser) == []


def test_a_link_reproduces_a_view(base_url, browser):
    visit(browser, base_url + "/?fiscal_year=2025&moa=MOH&sector=social")
    _wait_for_tile(browser, "budget", "₱1.50M")
    assert _tile(browser, "obligation_rate") == "25.0%"
    assert _tile(browser, "disbursement_rate") == "0.0%"
    _wait_for_rows(browser, 1)
    assert "Women's health caravans" in browser.find_element(By.ID, "overview-ppas").text
    filter_bar = browser.find_element(By.CSS_SELECTOR, ".filter-bar").text
    assert "2025" in filter_bar and "MOH" in filter_bar and "Social" in filter_bar

    browser.find_element(By.ID, "shell-clear").click()
    _wait_for_tile(browser, "budget", "₱22.5M")
    _wait(browser).until(lambda d: urlsplit(d.current_url).query == "")
    assert severe_console_entries(browser) == []


def test_division_by_zero_reads_as_a_dash(base_url, browser):
    visit(browser, base_url + "/?moa=MAFAR")
    _wait_for_tile(browser, "budget", "₱700K")
    assert _tile(browser, "obligation_rate") == "—"
    assert _tile(browser, "disbursement_rate") == "—"
    assert severe_console_entries(browser) == []


def _rows_of(driver: WebDriver, section_id: str) -> list:
    return driver.find_elements(By.CSS_SELECTOR, f"#{section_id} tbody tr")


def test_data_quality_page_renders_its_sections(base_url, browser):
    visit(browser, base_url + "/data-quality")
    _wait(browser).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dq-freshness [data-source]")) == 4,
        message="the freshness cards never appeared",
    )
    _wait(browser).until(
        lambda d: (
            "not_loaded"
            in {
                e.get_attribute("data-status")
                for e in d.find_elements(By.CSS_SELECTOR, "#dq-freshness .freshness-badge")
            }
        ),
        message="no source shows as not loaded",
    )
    runs = "#dq-runs .ag-center-cols-container .ag-row"  # a paged grid: one row element per run shown
    _wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, runs)) == 4, message="the runs never showed")
    _wait(browser).until(
        lambda d: (
            ["Refresh failed" in e.text for e in d.find_elements(By.CSS_SELECTOR, f"{runs}.row-failed")][:1] == [True]
            and len(d.find_elements(By.CSS_SELECTOR, f"{runs}.row-failed")) == 2
        ),
        message="the two failed runs are not highlighted",
    )
    failed = browser.find_element(By.CSS_SELECTOR, f"{runs}.row-failed")
    assert (
        browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", failed) == "rgb(253, 236, 234)"
    )
    _wait(browser).until(lambda d: len(_rows_of(d, "dq-rejects")) == 3, message="the rejects table never filled")
    for section, text in (
        ("dq-unknown-organizations", "BAGO"),
        ("dq-deleted", "monitoring_monitoringentry"),
        ("dq-unmatched", "CITY OF ISABELA"),
        ("dq-population", "Bansalan"),
    ):
        _wait(browser).until(
            lambda d, s=section, t=text: t in d.find_element(By.ID, s).text, message=f"{section} never showed {text}"
        )
    titles = _wait(browser).until(
        lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".dq-section .card-title-text")] or None
    )
    assert titles == [
        "Refreshes and table loads",
        "Rejected values",
        "MOAs on no organisation list",
        "Rows gone from their source",
        "Place names without a match",
        "Population totals that do not add up",
    ]

    # filter the rejects by source
    _choose(browser, "dq-reject-source", "ppa (1)")
    _wait(browser).until(lambda d: len(_rows_of(d, "dq-rejects")) == 1, message="the source filter did nothing")
    _wait(browser).until(
        lambda d: (
            "mafar.yaml:55" in d.find_element(By.ID, "dq-rejects").text
            and d.find_element(By.ID, "dq-rejects-caption").text == "Showing 1 rejected value"
        ),
        message="the filtered reject and its caption never showed",
    )

    _wait(browser).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, ".nav-link.active")] == ["Data quality"],
        message="the navbar never marked the data-quality page active",
    )
    assert severe_console_entries(browser) == []


def test_every_page_opens_without_console_errors(demo_url, browser):
    base_url = demo_url  # every page, over a warehouse that has every mart
    paths = [page["path"] for page in dash.page_registry.values()]
    navbar = [urlsplit(a.get_attribute("href")).path for a in _navbar_links(base_url, browser)]
    assert paths and navbar
    for path in paths:
        visit(browser, base_url + path)
        _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#_pages_content > *"))
        _wait(browser).until(
            lambda d: (
                "Data as of" in d.find_element(By.CSS_SELECTOR, ".app-footer").text
                and "—" not in d.find_element(By.ID, "shell-as-of").text
            )
        )
        expected = [path] if path in navbar else []
        _wait(browser).until(  # the navbar's active link is set by a callback of its own
            lambda d, expected=expected: (
                [urlsplit(a.get_attribute("href")).path for a in d.find_elements(By.CSS_SELECTOR, ".nav-link.active")]
                == expected
            ),
            message=f"the navbar never marked {path} active",
        )
        assert severe_console_entries(browser) == [], path


def test_an_unknown_address(base_url, browser):
    visit(browser, base_url + "/no-such-page?fiscal_year=2025")
    _wait(browser).until(lambda d: "Page not found" in d.find_element(By.ID, "_pages_content").text)
    browser.find_element(By.LINK_TEXT, "Go to the executive overview").click()
    _wait_for_tile(browser, "budget", "₱22.5M")
    assert severe_console_entries(browser) == []


def test_component_properties_are_valid(dev_url, browser):
    """With the dev tools on, the renderer checks every property of every component and reports to the console."""
    for query in ("", "?fiscal_year=2025&moa=MOH&sector=social", "?area=region:1", "?fiscal_year=1999"):
        for page in dash.page_registry.values():
            visit(browser, dev_url + page["path"] + query)
            _wait(browser).until(
                lambda d: "—" not in d.find_element(By.ID, "shell-as-of").text,
                message="the shell never read the warehouse",
            )
            _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#_pages_content > *"))
            _wait(browser).until(
                lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading]"),
                message="callbacks never settled",
            )
            assert browser.find_elements(By.CSS_SELECTOR, ".dash-fe-error__title") == []
            assert severe_console_entries(browser) == [], page["path"] + query


def test_overview_exports_what_it_shows(base_url, browser):
    import csv

    from openpyxl import load_workbook

    from tests.browser import download, open_page, screenshot

    open_page(browser, base_url + "/?fiscal_year=2025&moa=MPW")
    _wait_for_tile(browser, "budget", "₱12.0M")
    screenshot(browser, "overview-tiny-mpw-2025")

    csv_file = download(browser, "overview-export-csv", ".csv")
    assert csv_file.name == "oobc-overview-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["moa_acronym"] for r in rows} == {"MPW"}
    assert sum(Decimal(r["budget_allocation"]) for r in rows) == Decimal("12000000.00")

    xlsx_file = download(browser, "overview-export-xlsx", ".xlsx")
    book = load_workbook(xlsx_file, read_only=True)
    assert book.sheetnames == [
        "About",
        "Largest PPAs",
        "Headline",
        "Ceilings",
        "Needs",
        "Credibility",
        "By sector",
        "By MOA",
        "By fiscal year",
    ]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Filter: Fiscal year"] == "2025" and about["Filter: MOA"] == "MPW"
    assert about["Filter: Area"] == "All"
    headline = list(book["Headline"].iter_rows(values_only=True))
    assert headline[1][headline[0].index("budget_allocation")] == 12_000_000
    assert severe_console_entries(browser) == []


def test_the_area_filter_narrows_the_overview(base_url, browser):
    from tests.browser import choose, open_page

    open_page(browser, base_url + "/")
    _wait_for_tile(browser, "budget", "₱22.5M")
    choose(browser, "shell-area", "Zamboanga Sibugay (IX)")
    _wait_for_tile(browser, "budget", "₱12.0M")
    _wait(browser).until(lambda d: urlsplit(d.current_url).query == "area=province%3A72")
    _wait_for_rows(browser, 2)
    assert severe_console_entries(browser) == []
