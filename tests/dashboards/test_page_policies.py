"""The policy–budget matrix in headless Chromium over the demo warehouse: the fiscal-year filter, clicking a cell of
the heatmap to list its PPAs, and both exports, checked against the warehouse."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from ingest.warehouse import read_only
from tests.browser import choose, count, download, open_page, screenshot, severe_console_entries, text, wait

pytestmark = pytest.mark.browser

HEATMAP = "policies-heatmap"
# the heatmap's cells with an amount (an empty cell has none), read from the figure itself
FILLED_CELLS = """
const gd = document.querySelector('#policies-heatmap .js-plotly-plot');
if (!gd || !gd.data || !gd.data.length || !gd.data[0].customdata) return -1;
return gd.data[0].customdata.flat().filter(c => c[2] !== '').length;
"""


def _click_cell(driver, policy_id: str, moa_key: str) -> None:
    """Click the heatmap cell whose customdata is (policy_id, moa_key) where plotly listens (its drag layer): the
    plot is scrolled into view, the pointer moved to the cell's viewport position, then it pauses so plotly sees the
    hover the click needs."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.by import By

    plot = driver.find_element(By.CSS_SELECTOR, f"#{HEATMAP} .js-plotly-plot")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", plot)
    position = driver.execute_script(
        """
        const gd = arguments[0], fl = gd._fullLayout, data = gd.data[0].customdata, rect = gd.getBoundingClientRect();
        for (let y = 0; y < data.length; y++) {
            for (let x = 0; x < data[y].length; x++) {
                if (data[y][x][0] === arguments[1] && data[y][x][1] === arguments[2]) {
                    return [Math.round(rect.left + fl.xaxis._offset + fl.xaxis.l2p(x)),
                            Math.round(rect.top + fl.yaxis._offset + fl.yaxis.l2p(y))];
                }
            }
        }
        return null;
        """,
        plot,
        policy_id,
        moa_key,
    )
    assert position is not None, f"no cell {policy_id} × {moa_key} in the heatmap"
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(*position).pause(0.3).click()
    actions.perform()


def test_policy_matrix(demo_url, page_browser, demo_home):
    driver = page_browser
    with read_only(demo_home) as con:
        policies, whole_budget = con.execute(
            "select count(*), sum(implementing_budget) from fct_policy_budget"
        ).fetchall()[0]
        cells = con.execute(
            "select count(distinct (policy_recommendation_id, coalesce(moa_id, ''))) from fct_policy_moa_budget"
        ).fetchall()[0][0]
        # the fiscal year with the most budget behind policies, and its cell with the most PPAs
        year = con.execute(
            "select fiscal_year from fct_policy_moa_budget where fiscal_year is not null"
            " group by 1 order by sum(implementing_budget) desc, 1 limit 1"
        ).fetchall()[0][0]
        year_cells, year_budget = con.execute(
            "select count(*), sum(implementing_budget) from fct_policy_moa_budget where fiscal_year = ?", [year]
        ).fetchall()[0]
        policy_id, moa_key, cell_ppas, cell_budget = con.execute(
            "select policy_recommendation_id, coalesce(moa_id, ''), implementing_ppa_count, implementing_budget"
            " from fct_policy_moa_budget where fiscal_year = ?"
            " order by implementing_ppa_count desc, implementing_budget desc, policy_recommendation_id limit 1",
            [year],
        ).fetchall()[0]

    open_page(driver, demo_url + "/policies")
    wait(driver).until(lambda d: d.execute_script(FILLED_CELLS) == cells)
    wait(driver).until(lambda d: count(d, "#policies-table tbody tr") == policies)
    wait(driver).until(lambda d: count(d, f"#{HEATMAP} .heatmaplayer") == 1)
    wait(driver).until(lambda d: "Click a cell" in (text(d, "#policies-cell-caption") or ""))

    choose(driver, "shell-fiscal-year", str(year))
    wait(driver).until(lambda d: d.execute_script(FILLED_CELLS) == year_cells)

    # the main interaction: a cell → the PPAs behind it
    _click_cell(driver, policy_id, moa_key)
    wait(driver).until(lambda d: count(d, "#policies-cell-ppas tbody tr") == cell_ppas)
    caption = text(driver, "#policies-cell-caption") or ""
    assert f"₱{cell_budget:,.2f}" in caption

    csv_file = download(driver, "policies-export-csv", ".csv")
    assert csv_file.name == f"oobc-policies-{year}.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == policies
    assert sum(Decimal(r["implementing_budget"]) for r in rows) == whole_budget
    assert sum(Decimal(r["selection_budget"]) for r in rows) == year_budget

    from openpyxl import load_workbook

    book = load_workbook(download(driver, "policies-export-xlsx", ".xlsx"), read_only=True)
    assert book.sheetnames == ["About", "Policies", "Policy x MOA matrix", "PPAs of the chosen cell"]
    policy_sheet = list(book["Policies"].iter_rows())
    names = [c.value for c in policy_sheet[0]]
    assert len(policy_sheet) - 1 == policies
    assert "₱" in policy_sheet[1][names.index("implementing_budget")].number_format
    assert "₱" not in policy_sheet[1][names.index("average_progress")].number_format  # progress is no amount
    matrix = list(book["Policy x MOA matrix"].iter_rows(values_only=True))
    assert len(matrix) - 1 == year_cells  # one fiscal year: one row per mart cell
    assert round(sum(Decimal(str(r[matrix[0].index("budget")])) for r in matrix[1:]), 2) == year_budget
    ppas = list(book["PPAs of the chosen cell"].iter_rows(values_only=True))
    assert len(ppas) - 1 == cell_ppas
    assert {r[ppas[0].index("policy_recommendation_id")] for r in ppas[1:]} == {policy_id}

    assert severe_console_entries(driver) == []
    screenshot(driver, "policies")
