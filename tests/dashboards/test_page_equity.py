"""The equity page in headless Chromium over the demo warehouse: the default year, the fiscal-year filter, the
level toggle, the index tiles and both exports, checked against the warehouse."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from dashboards.components import GRID_PAGE_SIZE
from ingest.warehouse import read_only
from tests.browser import (
    choose,
    count,
    download,
    grid_row_css,
    grid_rows,
    open_page,
    screenshot,
    severe_console_entries,
    svg_text,
    text,
    wait,
)

pytestmark = pytest.mark.browser


GRID = "equity-grid"
ROWS = grid_row_css(GRID)


def shows(driver, areas: int) -> bool:
    return grid_rows(driver, GRID) == areas and count(driver, ROWS) == min(areas, GRID_PAGE_SIZE)


def _level(con, year: int, level: str) -> dict:
    areas, spending = con.sql(
        "select count(*), sum(spending) from fct_equity where fiscal_year = $y and level = $l",
        params={"y": year, "l": level},
    ).fetchall()[0]
    ginis = dict(
        con.sql(
            "select denominator, gini_weighted from rpt_equity_summary where fiscal_year = $y and level = $l",
            params={"y": year, "l": level},
        ).fetchall()
    )
    return {"areas": areas, "spending": spending, "ginis": ginis}


def _gini_tile(gini) -> str:
    return "—" if gini is None else f"{float(gini):,.2f}"


def test_the_equity_page(demo_url, demo_home, page_browser):
    driver = page_browser
    with read_only(demo_home) as con:
        latest = con.sql("select max(fiscal_year) from fct_equity").fetchall()[0][0]
        default = _level(con, latest, "province")
        chosen = _level(con, 2025, "province")
        regions = _level(con, 2025, "region")
        municipalities = _level(con, 2025, "municipality")
    assert chosen["areas"] and regions["areas"], "the demo warehouse should place 2025 spending in areas"

    open_page(driver, demo_url + "/equity")
    wait(driver).until(lambda d: shows(d, default["areas"]), message="the province rows never showed")
    wait(driver).until(
        lambda d: (text(d, "#equity-year-note") or "").startswith(f"Showing FY {latest}, the latest year")
    )
    wait(driver).until(lambda d: "Not used: MOA, sector" in (text(d, ".filter-note") or ""))
    wait(driver).until(lambda d: text(d, "[data-kpi='total-gini_weighted']") == _gini_tile(default["ginis"]["total"]))
    wait(driver).until(lambda d: "denominator: total population" in (svg_text(d, "#equity-bar-total .gtitle") or ""))
    wait(driver).until(lambda d: "denominator: OBC population" in (svg_text(d, "#equity-bar-obc .gtitle") or ""))

    # a global filter: the fiscal year
    choose(driver, "shell-fiscal-year", "2025")
    wait(driver).until(lambda d: text(d, "#equity-year-note") == "Showing FY 2025.")
    wait(driver).until(
        lambda d: text(d, "[data-kpi='obc-gini_weighted']") == _gini_tile(chosen["ginis"]["obc"]),
        message="the tiles never showed FY 2025",
    )
    wait(driver).until(lambda d: shows(d, chosen["areas"]))
    screenshot(driver, "equity")

    # the main interaction: the level (municipalities: the grid holds them all, a page at a time)
    driver.find_element(By.XPATH, "//label[normalize-space()='Municipalities']").click()
    wait(driver).until(
        lambda d: (
            shows(d, municipalities["areas"])
            and f"{municipalities['areas']:,} municipalities" in (text(d, "#equity-caption") or "")
        ),
        message="the municipality rows never showed",
    )
    driver.find_element(By.XPATH, "//label[normalize-space()='Regions']").click()
    wait(driver).until(lambda d: shows(d, regions["areas"]), message="no regions")
    wait(driver).until(lambda d: text(d, "[data-kpi='total-gini_weighted']") == _gini_tile(regions["ginis"]["total"]))
    wait(driver).until(lambda d: "across regions" in (text(d, "#equity-indices") or ""))

    csv_file = download(driver, "equity-export-csv", ".csv")
    assert csv_file.name == "oobc-equity-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == regions["areas"] and {r["level"] for r in rows} == {"region"}
    assert sum(Decimal(r["spending"]) for r in rows) == regions["spending"]

    xlsx_file = download(driver, "equity-export-xlsx", ".xlsx")
    book = load_workbook(xlsx_file, read_only=True)
    assert book.sheetnames == ["About", "Areas", "Indices"]
    indices = list(book["Indices"].iter_rows(values_only=True))
    header = indices[0]
    got = {r[header.index("denominator")]: r[header.index("gini_weighted")] for r in indices[1:]}
    assert got.keys() == regions["ginis"].keys()
    for denominator, gini in regions["ginis"].items():
        assert got[denominator] == (None if gini is None else pytest.approx(float(gini)))
    assert len(list(book["Areas"].iter_rows(values_only=True))) == regions["areas"] + 1
    assert severe_console_entries(driver) == []
