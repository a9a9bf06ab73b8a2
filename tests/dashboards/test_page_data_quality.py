"""The data-quality page over the demo warehouse (every mart): the possible duplicate PPAs and the exports."""

from __future__ import annotations

import csv

import pytest

from dashboards import quality_queries as qq
from ingest.warehouse import read_only
from tests.browser import (
    choose,
    download,
    grid_row_css,
    grid_rows,
    open_page,
    screenshot,
    severe_console_entries,
    text,
    wait,
)

pytestmark = pytest.mark.browser


def _rows(driver, section: str) -> int:
    return driver.execute_script(f"return document.querySelectorAll('#{section} tbody tr').length;")


def test_data_quality_page(demo_url, demo_home, page_browser):
    driver = page_browser
    with read_only(demo_home) as con:
        pairs = qq.duplicate_pairs(con, limit=1_000_000)
        reject_tables = qq.reject_tables(con)
        rejects = qq.rejects(con, limit=1_000_000)
        freshness = qq.freshness(con)

    open_page(driver, demo_url + "/data-quality")
    if pairs.height:
        wait(driver).until(lambda d: grid_rows(d, "dq-duplicates-grid") == min(pairs.height, qq.DUPLICATES_LIMIT))
        first = pairs.row(0, named=True)
        first_row = grid_row_css("dq-duplicates-grid") + "[row-index='0']"
        shown = wait(driver).until(lambda d: text(d, first_row))
        assert first["title_a"] in shown and first["title_b"] in shown
        assert f"{float(first['title_similarity']):.3f}" in shown
        noun = "pair" if pairs.height == 1 else "pairs"
        wait(driver).until(lambda d: text(d, "#dq-duplicates-caption") == f"Showing {pairs.height:,} {noun}")
    else:
        wait(driver).until(lambda d: "No possible duplicates" in (text(d, "#dq-duplicates") or ""))
    screenshot(driver, "data-quality")

    # the global filters do not apply: a fiscal year leaves the duplicates as they are
    choose(driver, "shell-fiscal-year", "2025")
    wait(driver).until(lambda d: "fiscal_year=2025" in d.current_url)
    open_page(driver, driver.current_url)
    wait(driver).until(
        lambda d: grid_rows(d, "dq-duplicates-grid") == min(pairs.height, qq.DUPLICATES_LIMIT),
        message="the fiscal year changed the duplicates",
    )

    # the page's own interaction: the rejects of one source, and the CSV follows it
    source = reject_tables["source_name"][0] if reject_tables.height else None
    if source is not None:
        count = reject_tables.filter(source_name=source)["reject_count"].sum()
        choose(driver, "dq-reject-source", f"{source} ({count:,})")
        wait(driver).until(lambda d: _rows(d, "dq-rejects") == min(count, qq.REJECTS_LIMIT))
    csv_file = download(driver, "dq-export-csv", ".csv")
    assert csv_file.name == "oobc-data-quality-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    expected = rejects if source is None else rejects.filter(source_name=source)
    assert len(rows) == expected.height
    assert {r["source_name"] for r in rows} <= ({source} if source else set(rejects["source_name"].to_list()))

    from openpyxl import load_workbook

    book = load_workbook(download(driver, "dq-export-xlsx", ".xlsx"), read_only=True)
    assert book.sheetnames == [
        "About",
        "Rejected values",
        "Source freshness",
        "Refreshes and loads",
        "MOAs on no list",
        "Rows gone from source",
        "Place names unmatched",
        "Population totals",
        "Possible duplicate PPAs",
    ]
    duplicates = list(book["Possible duplicate PPAs"].iter_rows(values_only=True))
    assert len(duplicates) == pairs.height + 1
    assert "title_similarity" in duplicates[0] and "budget_a" in duplicates[0]
    assert len(list(book["Source freshness"].iter_rows(values_only=True))) == freshness.height + 1
    assert severe_console_entries(driver) == []
