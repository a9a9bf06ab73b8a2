"""The budget execution page in a real browser over the demo warehouse: a global filter changes it, a click in the
watch list opens a PPA's tree and ledger, and the CSV, XLSX and MFBM downloads hold what the warehouse holds."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from dashboards import formatting as fmt
from dashboards import mfbm_report
from ingest.warehouse import read_only
from tests.browser import choose, count, download, open_page, screenshot, severe_console_entries, text, wait

pytestmark = pytest.mark.browser


def _one(home, sql: str, params: list | None = None):
    with read_only(home) as con:
        return con.execute(sql, params or []).fetchall()


def _tile(driver, key: str) -> str | None:
    return text(driver, f"#execution-tiles [data-kpi='{key}']")


def test_execution_page(demo_url, page_browser, demo_home):
    from openpyxl import load_workbook

    driver = page_browser
    ((all_budget,),) = _one(demo_home, "select sum(budget_allocation) from fct_ppa_budget")
    ((budget_2025,),) = _one(demo_home, "select sum(budget_allocation) from fct_ppa_budget where fiscal_year = 2025")
    assert fmt.peso_short(all_budget) != fmt.peso_short(budget_2025)

    open_page(driver, demo_url + "/execution")
    wait(driver).until(lambda d: _tile(d, "budget") == fmt.peso_short(all_budget))
    wait(driver).until(lambda d: count(d, "#execution-funnel-table tbody tr") > 1)

    # a global filter changes the page
    choose(driver, "shell-fiscal-year", "2025")
    wait(driver).until(lambda d: _tile(d, "budget") == fmt.peso_short(budget_2025))
    wait(driver).until(lambda d: "FY 2025" in (text(d, "#execution-year") or ""))

    # the main interaction: a click in the watch list opens the PPA's work items and ledger
    wait(driver).until(lambda d: count(d, "#execution-watchlist .exec-pick") > 0)
    title = text(driver, "#execution-watchlist .exec-pick")
    pick = driver.find_element("css selector", "#execution-watchlist .exec-pick")
    ppa_id = json.loads(pick.get_attribute("id"))["index"]
    pick.click()
    wait(driver).until(lambda d: title in (text(d, "#execution-ppa") or ""))
    ((entries, disbursed),) = _one(
        demo_home,
        "select (select count(*) from fct_funding_ledger l where l.ppa_id = b.ppa_id), b.disbursements "
        "from fct_ppa_budget b where b.ppa_id = ?",
        [ppa_id],
    )
    wait(driver).until(lambda d: count(d, "#execution-ledger tbody tr") == entries)
    assert entries > 0
    wait(driver).until(lambda d: count(d, "#execution-tree path.surface") > 0)
    wait(driver).until(lambda d: fmt.peso_exact(disbursed) in (text(d, "#execution-ledger") or ""))
    screenshot(driver, "execution")

    # CSV: the funnel table of FY 2025 by MOA
    csv_file = download(driver, "execution-export-csv", ".csv")
    assert csv_file.name == "oobc-execution-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert sum(Decimal(r["budget_allocation"]) for r in rows) == budget_2025
    by_moa = dict(
        _one(
            demo_home,
            "select coalesce(moa_acronym, 'No MOA'), sum(disbursements) from fct_ppa_budget "
            "where fiscal_year = 2025 group by 1",
        )
    )
    assert {r["moa_acronym"]: Decimal(r["disbursements"]) for r in rows} == by_moa

    # XLSX: funnel, monthly, credibility and the chosen PPA's tree and ledger
    book = load_workbook(download(driver, "execution-export-xlsx", ".xlsx"), read_only=True)
    assert {"Funnel by MOA", "Monthly FY 2025", "Quarterly FY 2025", "Credibility", "PPA work items",
            "PPA ledger"} <= set(book.sheetnames)  # fmt: skip
    ledger = list(book["PPA ledger"].iter_rows(values_only=True))
    assert len(ledger) - 1 == entries
    assert ledger[0][2] == "tranche_type"
    paid = sum(Decimal(str(r[3])) for r in ledger[1:] if r[2] == "disbursement")
    assert paid == disbursed
    ((items,),) = _one(demo_home, "select count(*) from fct_work_item_rollup where ppa_id = ?", [ppa_id])
    assert len(list(book["PPA work items"].iter_rows(values_only=True))) - 1 == items

    # the MFBM report of FY 2025
    report = load_workbook(download(driver, "execution-mfbm", ".xlsx"), read_only=True)
    assert report.sheetnames == list(mfbm_report.SHEETS)
    ((moa_budget, moa_paid),) = _one(
        demo_home,
        "select sum(budget_allocation), sum(disbursements) from fct_ppa_budget "
        "where category = 'moa_ppa' and fiscal_year = 2025",
    )
    summary = list(report["Summary"].iter_rows(values_only=True))
    total = next(r for r in summary if r[0] == "Total")
    assert Decimal(str(total[3])).quantize(Decimal("0.01")) == moa_budget
    assert Decimal(str(total[6])).quantize(Decimal("0.01")) == moa_paid
    wait(driver).until(lambda d: "FY 2025" in (text(d, "#execution-mfbm-note") or ""))
    assert severe_console_entries(driver) == []
