"""The ceiling monitor in headless Chromium over the demo warehouse: the fiscal-year filter, clicking a bar to list
the PPAs that push a ceiling over, and both exports, checked against the warehouse."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from ingest.warehouse import read_only
from tests.browser import choose, count, download, open_page, screenshot, severe_console_entries, text, wait

pytestmark = pytest.mark.browser

CHART = "ceilings-chart"


def _scalar(con, query: str, *params):
    return con.execute(query, list(params)).fetchall()[0][0]


def _click_bar(driver, graph_id: str, index: int) -> None:
    """Click the middle of bar ``index`` (0 = the top bar) of a horizontal bar chart, where plotly listens (its drag
    layer): the plot is scrolled into view and the pointer moved to the bar's viewport position, then it pauses so
    plotly sees the hover the click needs."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.by import By

    plot = driver.find_element(By.CSS_SELECTOR, f"#{graph_id} .js-plotly-plot")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", plot)
    x, y = driver.execute_script(
        """
        const gd = arguments[0], i = arguments[1], fl = gd._fullLayout, rect = gd.getBoundingClientRect();
        const length = gd.data[0].x[i];
        return [Math.round(rect.left + fl.xaxis._offset + fl.xaxis.l2p(length / 2)),
                Math.round(rect.top + fl.yaxis._offset + fl.yaxis.l2p(i))];
        """,
        plot,
        index,
    )
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x, y).pause(0.3).click()
    actions.perform()


def test_ceiling_monitor(demo_url, page_browser, demo_home):
    driver = page_browser
    with read_only(demo_home) as con:
        total = _scalar(con, "select count(*) from fct_ceiling_monitor")
        # a fiscal year with a ceiling that PPAs push over, and that ceiling (the most used one of the year)
        year, ceiling_id, ppas, beyond = con.execute(
            "select fiscal_year, ceiling_id, ppa_count, ppas_beyond_ceiling_count from fct_ceiling_monitor"
            " where ppas_beyond_ceiling_count > 0 and utilization is not null"
            " order by utilization desc limit 1"
        ).fetchall()[0]
        in_year = _scalar(con, "select count(*) from fct_ceiling_monitor where fiscal_year = ?", year)
        exceeded_in_year = _scalar(
            con, "select count(*) from fct_ceiling_monitor where fiscal_year = ? and status = 'exceeded'", year
        )
        allocated_in_year = _scalar(
            con, "select sum(coalesce(allocated_amount, 0)) from fct_ceiling_monitor where fiscal_year = ?", year
        )
        ppa_rows = _scalar(con, "select count(*) from fct_ceiling_ppas where ceiling_id = ?", ceiling_id)
        unmapped = _scalar(con, "select count(*) from rpt_ceiling_vocabulary_unmapped")
        # the bar's position: the page's order (highest utilization first) within the year
        order = [
            r[0]
            for r in con.execute(
                "select ceiling_id from fct_ceiling_monitor where fiscal_year = ?"
                " order by utilization desc nulls last, status = 'unmapped', fiscal_year desc, ceiling_amount desc,"
                " ceiling_id",
                [year],
            ).fetchall()
        ]
    assert ppa_rows == ppas

    open_page(driver, demo_url + "/ceilings")
    wait(driver).until(lambda d: count(d, f"#{CHART} g.trace.bars g.point") == total)
    wait(driver).until(lambda d: count(d, "#ceilings-table tbody tr") == total)
    wait(driver).until(lambda d: count(d, "#ceilings-unmapped tbody tr") == unmapped)
    wait(driver).until(lambda d: "Choose a ceiling" in (text(d, "#ceilings-ppas") or ""))

    choose(driver, "shell-fiscal-year", str(year))
    wait(driver).until(lambda d: count(d, f"#{CHART} g.trace.bars g.point") == in_year)
    wait(driver).until(lambda d: text(d, "[data-kpi=exceeded]") == str(exceeded_in_year))
    wait(driver).until(lambda d: count(d, "#ceilings-table tbody tr") == in_year)

    # the main interaction: click the ceiling's bar → its PPAs, those that push it over highlighted
    _click_bar(driver, CHART, order.index(ceiling_id))
    wait(driver).until(lambda d: count(d, "#ceilings-ppas tbody tr") == ppas)
    wait(driver).until(lambda d: count(d, "#ceilings-ppas tbody tr.row-beyond-ceiling") == beyond)
    wait(driver).until(lambda d: "push it over" in (text(d, "#ceilings-ppa-caption") or ""))
    wait(driver).until(lambda d: count(d, "#ceilings-table tbody tr.row-selected") == 1)

    csv_file = download(driver, "ceilings-export-csv", ".csv")
    assert csv_file.name == f"oobc-ceilings-{year}.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == in_year
    assert {r["fiscal_year"] for r in rows} == {str(year)}
    assert sum(Decimal(r["allocated_amount"] or 0) for r in rows) == allocated_in_year

    from openpyxl import load_workbook

    book = load_workbook(download(driver, "ceilings-export-xlsx", ".xlsx"), read_only=True)
    assert book.sheetnames == ["About", "Ceilings", "PPAs of the chosen ceiling", "Unmapped vocabulary"]
    ceilings_sheet = list(book["Ceilings"].iter_rows())
    names = [c.value for c in ceilings_sheet[0]]
    assert len(ceilings_sheet) - 1 == in_year
    first = ceilings_sheet[1]
    assert first[names.index("utilization")].number_format == "0.0%"  # a rate, not pesos
    assert "₱" in first[names.index("ceiling_amount")].number_format
    sheet = list(book["PPAs of the chosen ceiling"].iter_rows(values_only=True))
    header = sheet[0]
    assert len(sheet) - 1 == ppas
    assert {r[header.index("ceiling_id")] for r in sheet[1:]} == {ceiling_id}
    assert sum(1 for r in sheet[1:] if r[header.index("is_beyond_ceiling")]) == beyond
    assert len(list(book["Unmapped vocabulary"].iter_rows(values_only=True))) - 1 == unmapped

    assert severe_console_entries(driver) == []
    screenshot(driver, "ceilings")
