"""The gap-analysis page in a real browser over the demo warehouse: tiles, a global filter, a click on the map that
narrows the needs table, the threshold, and the CSV/XLSX exports checked against the warehouse."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from dashboards import formatting as fmt
from ingest.warehouse import read_only
from tests.browser import choose, download, open_page, screenshot, severe_console_entries, text, wait

pytestmark = pytest.mark.browser

SECTOR = "infrastructure"  # a sector both the PPAs and the need categories use


def _scalar(home, query: str, **params):
    with read_only(home) as con:
        return con.sql(query, params=params).fetchall()[0][0]


def _tile(driver, key: str) -> str | None:
    return text(driver, f"[data-kpi='{key}']")


def _wait_for_tile(driver, key: str, expected: str) -> None:
    wait(driver).until(lambda d: _tile(d, key) == expected, message=f"tile {key} never read {expected}")


def _largest_bubble(driver):
    """The point element of the largest bubble on the map and the area key its hover data carries."""
    return driver.execute_script(
        """
        let best = null, bestSize = -1;
        for (const p of document.querySelectorAll('#gaps-map .scatterlayer .trace .points path.point')) {
            const trace = p.closest('.trace').__data__[0].trace;
            if (!trace.customdata) continue;  // the region labels
            if (p.__data__.mrc > bestSize) { best = p; bestSize = p.__data__.mrc; }
        }
        if (!best) return null;
        const trace = best.closest('.trace').__data__[0].trace;
        return [best, trace.customdata[best.__data__.i][0]];
        """
    )


def test_gap_page(demo_url, demo_home, page_browser):
    from openpyxl import load_workbook
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = page_browser
    unfunded = "select count(*) from fct_need_gap where priority_score > $t and not is_funded"
    open_page(driver, demo_url + "/gaps")
    _wait_for_tile(driver, "unfunded_count", fmt.count(_scalar(demo_home, unfunded, t=4.0)))
    wait(driver).until(lambda d: "Not used: fiscal year, MOA" in (text(d, ".filter-note") or ""))

    # a global filter: the sector narrows the needs to those whose category is in it
    choose(driver, "shell-sector", fmt.sector_label(SECTOR))
    in_sector = unfunded + " and sector = $s"
    _wait_for_tile(driver, "unfunded_count", fmt.count(_scalar(demo_home, in_sector, t=4.0, s=SECTOR)))
    cost = _scalar(demo_home, in_sector.replace("count(*)", "sum(unmet_cost)"), t=4.0, s=SECTOR)
    _wait_for_tile(driver, "unmet_cost", fmt.peso_short(cost))
    wait(driver).until(lambda d: "Showing" in (text(d, "#gaps-needs-caption") or ""))

    # the main interaction: click the largest bubble, the table lists that area's needs only
    wait(driver).until(lambda d: _largest_bubble(d) is not None, message="the map drew no bubble")
    point, area = _largest_bubble(driver)
    assert area.startswith("province:")
    ActionChains(driver).move_to_element(point).click().perform()
    wait(driver).until(lambda d: d.find_element(By.ID, "gaps-selection").is_displayed(), message="no area picked")
    in_area = in_sector + " and 'province:' || province_id = $a"
    matching = _scalar(demo_home, in_area, t=4.0, s=SECTOR, a=area)
    wait(driver).until(
        lambda d: (text(d, "#gaps-needs-caption") or "").startswith(
            f"Showing {fmt.count(min(matching, 50))} of {fmt.count(matching)} need"
        ),
        message="the table never narrowed to the clicked area",
    )
    assert len(driver.find_elements(By.CSS_SELECTOR, "#gaps-needs tbody tr")) == min(matching, 50)
    area_cost = _scalar(demo_home, in_area.replace("count(*)", "sum(unmet_cost)"), t=4.0, s=SECTOR, a=area)
    screenshot(driver, "gaps")

    # CSV: the table's needs (every one, not only the first 50), with the sector and the picked area applied
    csv_file = download(driver, "gaps-export-csv", ".csv")
    assert csv_file.name == "oobc-gaps.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == matching
    assert {r["sector"] for r in rows} == {SECTOR}
    assert {r["is_funded"] for r in rows} == {"false"}
    assert all(Decimal(r["priority_score"]) > 4 for r in rows)
    assert sum(Decimal(r["unmet_cost"]) for r in rows if r["unmet_cost"]) == (area_cost or 0)

    # XLSX: needs, the map's areas (which agree with the mart's own roll-up at its 4.0 threshold), alerts
    xlsx_file = download(driver, "gaps-export-xlsx", ".xlsx")
    book = load_workbook(xlsx_file, read_only=True)
    assert book.sheetnames == ["About", "Needs", "Areas", "Assessment alerts"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Filter: Sector"] == SECTOR
    assert len(list(book["Needs"].iter_rows(values_only=True))) == matching + 1
    areas = list(book["Areas"].iter_rows(values_only=True))
    cost_column = areas[0].index("unmet_cost")
    mart_total = _scalar(
        demo_home,
        "select sum(high_priority_unfunded_cost) from rpt_gap_by_area where level = 'province' and sector = $s",
        s=SECTOR,
    )
    assert sum(Decimal(str(r[cost_column] or 0)) for r in areas[1:]) == pytest.approx(mart_total)
    alerts = list(book["Assessment alerts"].iter_rows(values_only=True))
    assert len(alerts) - 1 == _scalar(demo_home, "select count(*) from rpt_assessment_alerts")

    # "show all areas" drops the pick; a lower threshold selects more needs
    driver.find_element(By.ID, "gaps-clear-area").click()
    wait(driver).until(lambda d: not d.find_element(By.ID, "gaps-selection").is_displayed())
    threshold = driver.find_element(By.ID, "gaps-threshold")
    threshold.send_keys(Keys.CONTROL, "a")
    threshold.send_keys("3", Keys.ENTER)
    _wait_for_tile(driver, "unfunded_count", fmt.count(_scalar(demo_home, in_sector, t=3.0, s=SECTOR)))
    assert severe_console_entries(driver) == []
