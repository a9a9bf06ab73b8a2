"""The scorecard page in headless Chromium over the demo warehouse: the fiscal-year filter, the PPA/MOA toggle, the
signal colours and both exports, checked against the warehouse."""

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


GRID = "scorecards-grid"
ROWS = grid_row_css(GRID)


def signals_match_indices(driver) -> bool:
    """On the page shown, an SPI or CPI cell below 0.90 is coloured "bad" and no other is."""
    cells = driver.find_elements(By.CSS_SELECTOR, f"{ROWS} .ag-cell[col-id='spi'], {ROWS} .ag-cell[col-id='cpi']")
    if not cells:
        return False
    for cell in cells:
        value = cell.text.strip()
        bad = "cell-bad" in (cell.get_attribute("class") or "")
        if value in ("", "—"):
            if bad:
                return False
            continue
        if bad != (float(value) < 0.9):
            return False
    return True


def _warehouse(demo_home, year: int) -> dict:
    with read_only(demo_home) as con:
        ppas_all = con.sql("select count(*) from fct_performance_scorecard").fetchall()[0][0]
        ppas, budget = con.sql(
            "select count(*), coalesce(sum(budget_allocation), 0) from fct_performance_scorecard "
            "where fiscal_year = $y",
            params={"y": year},
        ).fetchall()[0]
        moas, moa_budget, bad = con.sql(
            "select count(*), coalesce(sum(budget_allocation), 0), "
            "count(*) filter (where schedule_performance_index < 0.9) "
            "+ count(*) filter (where cost_performance_index < 0.9) "
            "from rpt_performance_scorecard_by_moa where fiscal_year = $y",
            params={"y": year},
        ).fetchall()[0]
        ppa_bad = con.sql(
            "select count(*) filter (where schedule_performance_index < 0.9) "
            "+ count(*) filter (where cost_performance_index < 0.9) from fct_performance_scorecard "
            "where fiscal_year = $y",
            params={"y": year},
        ).fetchall()[0][0]
    return {
        "ppas_all": ppas_all,
        "ppas": ppas,
        "budget": budget,
        "moas": moas,
        "moa_budget": moa_budget,
        "moa_bad": bad,
        "ppa_bad": ppa_bad,
    }


def test_the_scorecard_page(demo_url, demo_home, page_browser):
    driver = page_browser
    expected = _warehouse(demo_home, 2025)
    assert expected["ppas"] and expected["moas"], "the demo warehouse should have 2025 scorecards"

    open_page(driver, demo_url + "/scorecards")
    wait(driver).until(lambda d: grid_rows(d, GRID) == expected["ppas_all"], message="the grid never held every PPA")
    wait(driver).until(
        lambda d: count(d, ROWS) == min(expected["ppas_all"], GRID_PAGE_SIZE), message="the first page never showed"
    )
    wait(driver).until(lambda d: "no source holds indicator actuals" in (text(d, "#scorecards-attainment-note") or ""))
    wait(driver).until(lambda d: "Not used" not in (text(d, "#scorecards-filter-note") or ""))

    # a global filter: the fiscal year
    choose(driver, "shell-fiscal-year", "2025")
    wait(driver).until(
        lambda d: grid_rows(d, GRID) == expected["ppas"], message="the FY filter never narrowed the grid"
    )
    wait(driver).until(lambda d: (text(d, "#scorecards-caption") or "").startswith(f"{expected['ppas']:,} PPAs"))
    wait(driver).until(signals_match_indices, message="SPI/CPI cells are not coloured by their value")
    wait(driver).until(lambda d: text(d, f"{ROWS} .ag-cell[col-id='attainment']") == "—")

    # sorting orders numbers by value, not by their text: the largest budget first after two clicks
    with read_only(demo_home) as con:
        largest = con.sql(
            "select max(budget_allocation) from fct_performance_scorecard where fiscal_year = 2025"
        ).fetchall()[0][0]
    header = driver.find_element(By.CSS_SELECTOR, f"#{GRID} .ag-header-cell[col-id='budget'] .ag-header-cell-label")
    header.click()
    header.click()
    wait(driver).until(
        lambda d: (
            d.execute_script(
                "try { return dash_ag_grid.getApi(arguments[0]).getDisplayedRowAtIndex(0).data.budget__value; }"
                " catch (e) { return null; }",
                GRID,
            )
            == float(largest)
        ),
        message="sorting by budget never put the largest first",
    )
    wait(driver).until(
        lambda d: text(d, f"{ROWS}[row-index='0'] .ag-cell[col-id='budget']") == f"₱{largest:,.2f}",
        message="the first row does not show the largest budget as money",
    )
    screenshot(driver, "scorecards")

    # the main interaction: the MOA view
    driver.find_element(By.XPATH, "//label[normalize-space()='Per MOA and year']").click()
    wait(driver).until(
        lambda d: (
            count(d, f"{ROWS} .ag-cell[col-id='ppas']") == min(expected["moas"], GRID_PAGE_SIZE)
            and grid_rows(d, GRID) == expected["moas"]
        ),
        message="the MOA view never showed",
    )
    wait(driver).until(signals_match_indices, message="SPI/CPI cells of the MOA view are not coloured by value")
    wait(driver).until(lambda d: "Not used: sector, area" in (text(d, "#scorecards-filter-note") or ""))
    wait(driver).until(lambda d: "by MOA and year" in svg_text(d, "#scorecards-quadrant .gtitle"))
    screenshot(driver, "scorecards-moa")

    csv_file = download(driver, "scorecards-export-csv", ".csv")
    assert csv_file.name == "oobc-scorecards-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == expected["moas"] and {r["fiscal_year"] for r in rows} == {"2025"}
    assert sum(Decimal(r["budget_allocation"]) for r in rows) == expected["moa_budget"]

    xlsx_file = download(driver, "scorecards-export-xlsx", ".xlsx")
    book = load_workbook(xlsx_file, read_only=True)
    assert book.sheetnames == ["About", "MOA scorecard", "PPA scorecard"]
    ppa_sheet = list(book["PPA scorecard"].iter_rows(values_only=True))
    header, body = ppa_sheet[0], ppa_sheet[1:]
    assert len(body) == expected["ppas"]
    budget = sum(Decimal(str(r[header.index("budget_allocation")] or 0)) for r in body)
    assert budget == expected["budget"]
    assert severe_console_entries(driver) == []
