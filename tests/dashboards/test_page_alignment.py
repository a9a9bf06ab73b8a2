"""The BDP alignment page in a headless Chromium over the demo warehouse: filters, tagging a PPA, exports.

The page writes reviews to its home's state database, so it is served here from a copy of ``demo_home`` (the shared
warehouse stays untouched for the other tests).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from decimal import Decimal

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from dashboards import alignment_queries as aq
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import publish, published_path, read_only
from tests.browser import (
    choose,
    click,
    download,
    menu_open,
    open_page,
    screenshot,
    settled,
    severe_console_entries,
    text,
    wait,
)

pytestmark = pytest.mark.browser

NOTE = "Serves the goal's access targets; ask MOA to tag it in OBCMS."


@pytest.fixture(scope="module")
def alignment_home(demo_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home publishing a copy of the demo warehouse, with a state database of its own."""
    root = tmp_path_factory.mktemp("alignment-page")
    home = Home(root / "home").ensure()
    copy = root / "warehouse.duckdb"
    shutil.copyfile(published_path(demo_home), copy)
    publish(home, copy)
    return home


@pytest.fixture(scope="module")
def alignment_url(alignment_home: Home) -> Iterator[str]:
    from dashboards.app import create_app
    from tests.browser import serving

    with serving(create_app(alignment_home)) as url:
        yield url


def _rows(driver, section: str) -> int:
    return driver.execute_script(f"return document.querySelectorAll('#{section} tbody tr').length;")


# the untagged PPAs' grid: a pattern-matching id, which Dash writes as its JSON (keys sorted) in the page
UNTAGGED_GRID_ID = '{"index":"untagged","type":"align-untagged-grid"}'


def _untagged_rows(driver) -> int | None:
    """How many rows the untagged grid holds over all its pages (None until it is drawn)."""
    return driver.execute_script(
        "for (const id of [arguments[0], JSON.parse(arguments[0])]) {"
        "  try { return dash_ag_grid.getApi(id).paginationGetRowCount(); } catch (e) {} }"
        "return null;",
        UNTAGGED_GRID_ID,
    )


def _form_state(driver) -> dict[str, str | None]:
    """What the review form shows, for a failure message."""
    return {
        "ppa": text(driver, "#align-review-ppa"),
        "goal": text(driver, "#align-review-goal"),
        "note": driver.find_element(By.ID, "align-review-note").get_attribute("value"),
        "feedback": text(driver, "#align-review-feedback"),
        "console": severe_console_entries(driver),
        "renderer": driver.execute_script(RENDERER_STATE_JS),
        "a dropdown menu open": menu_open(driver),
    }


# Dash's renderer state: the callbacks it has not finished, and the Save button's click count
RENDERER_STATE_JS = """
const s = window.store && window.store.getState();
if (!s) { return null; }
const out = {};
for (const k of ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'stored']) {
  out[k] = (s.callbacks[k] || []).map(c => c.callback.output);
}
const path = s.paths.strs['align-review-save'];
let node = s.layout;
for (const key of path || []) { node = node && node[key]; }
out.save_n_clicks = node && node.props ? node.props.n_clicks : 'not found';
return out;
"""


def test_alignment_page(alignment_url, alignment_home, page_browser):
    driver = page_browser
    with read_only(alignment_home) as con:
        everything = aq.scores(con, Filters(), limit=aq.ALL_ROWS)
        fy = Filters(fiscal_years=(2025,))
        scored_2025 = aq.scores(con, fy, limit=aq.ALL_ROWS)
        untagged_2025 = aq.untagged(con, fy)
        by_goal_2025 = aq.budget_by_goal(con, fy)
    assert everything.height > scored_2025.height > 0 and untagged_2025.height > 0

    open_page(driver, alignment_url + "/alignment")
    wait(driver).until(lambda d: _rows(d, "align-scores") == min(everything.height, aq.SCORES_LIMIT))
    wait(driver).until(lambda d: text(d, "#align-scores-caption") == f"Showing {everything.height} PPAs")
    wait(driver).until(lambda d: "Untagged (no BDP goal)" in (text(d, "#align-treemap") or ""))

    # a global filter narrows every section
    choose(driver, "shell-fiscal-year", "2025")
    wait(driver).until(lambda d: text(d, "#align-scores-caption") == f"Showing {scored_2025.height} PPAs")
    wait(driver).until(lambda d: _untagged_rows(d) == untagged_2025.height)

    # saving with nothing filled in says what is missing, and saves nothing
    click(driver, "align-review-save")
    wait(driver).until(lambda d: "Not saved." in (text(d, "#align-review-feedback") or ""))
    feedback = text(driver, "#align-review-feedback")
    assert "Choose the PPA you are reviewing." in feedback and "Enter your name as the reviewer." not in feedback
    assert "Choose a BDP goal to tag the PPA to, or write a note (or both)." in feedback

    # "Review" on the first untagged PPA chooses it in the form; tag it to a goal with a note
    ppa = untagged_2025.row(0, named=True)
    first_pick = f"[id='{UNTAGGED_GRID_ID}'] .ag-center-cols-container .ag-row[row-index='0'] [col-id='pick']"
    wait(driver).until(lambda d: text(d, first_pick) == "Review")
    driver.find_element(By.CSS_SELECTOR, first_pick).click()
    wait(driver).until(lambda d: ppa["title"] in (text(d, "#align-review-ppa") or ""))
    goal = by_goal_2025.filter(is_untagged=False).row(0, named=True)
    choose(driver, "align-review-goal", goal["goal_title"])
    driver.find_element(By.ID, "align-review-note").send_keys(NOTE)
    # the reviewer is the signed-in account, shown read-only: typing changes nothing (no space typed: a space in a
    # read-only field scrolls the page, as Page Down does, and the click below would land where Save was)
    reviewer = driver.find_element(By.ID, "align-review-reviewer")
    signed_in = reviewer.get_attribute("value")
    assert signed_in and reviewer.get_attribute("readonly") is not None
    reviewer.send_keys("SomebodyElse")
    wait(driver).until(settled)
    form = _form_state(driver)
    assert ppa["title"] in (form["ppa"] or "") and goal["goal_title"] in (form["goal"] or ""), form
    click(driver, "align-review-save")
    try:
        wait(driver).until(lambda d: "Review saved (pending refresh)" in (text(d, "#align-review-feedback") or ""))
    except TimeoutException:
        pytest.fail(f"the review was not saved; the form showed {_form_state(driver)}")
    wait(driver).until(lambda d: NOTE in (text(d, "#align-reviews") or ""))
    row = text(driver, "#align-reviews tbody tr.row-pending")
    assert row is not None and "Pending refresh" in row and ppa["title"] in row and goal["goal_title"] in row
    assert signed_in in row and "SomebodyElse" not in row
    assert driver.find_element(By.ID, "align-review-note").get_attribute("value") == ""  # ready for the next one

    # the PPA dropdown searches on the server as the reviewer types (a few options, never every PPA)
    with read_only(alignment_home) as con:
        other = aq.ppa_search(con, fy, untagged_2025.row(-1, named=True)["title"])
    assert other.height >= 1
    driver.find_element(By.ID, "align-review-ppa").click()
    search = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search"))
    search.send_keys(other["title"][0])
    wait(driver).until(lambda d: len(d.find_elements(By.XPATH, "//*[@role='option']")) <= other.height + 1)
    title = other["title"][0]
    option = wait(driver).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if title in o.text), None)
    )
    option.click()
    wait(driver).until(lambda d: other["title"][0] in (text(d, "#align-review-ppa") or ""))
    screenshot(driver, "alignment")

    # CSV: the score components of every PPA of the selection
    csv_file = download(driver, "align-export-csv", ".csv")
    assert csv_file.name == "oobc-alignment-2025.csv"
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == scored_2025.height
    assert {r["fiscal_year"] for r in rows} == {"2025"}
    assert sum(Decimal(r["bpda_score"]) for r in rows) == sum(scored_2025["bpda_score"].to_list())
    for column in ("outcome_indicators_points", "sdg_points", "moral_governance_points", "obc_share_points"):
        assert column in rows[0]

    # XLSX: every section, the pending review marked
    from openpyxl import load_workbook

    book = load_workbook(download(driver, "align-export-xlsx", ".xlsx"), read_only=True)
    assert book.sheetnames == ["About", "Alignment per PPA", "Budget by goal", "Untagged PPAs", "Reviews"]
    goals = list(book["Budget by goal"].iter_rows(values_only=True))
    column = goals[0].index("aligned_budget")
    assert round(sum(Decimal(str(r[column])) for r in goals[1:]), 2) == sum(by_goal_2025["aligned_budget"].to_list())
    assert len(list(book["Untagged PPAs"].iter_rows(values_only=True))) == untagged_2025.height + 1
    reviews = list(book["Reviews"].iter_rows(values_only=True))
    header = reviews[0]
    (saved,) = [dict(zip(header, r, strict=True)) for r in reviews[1:]]
    assert (saved["status"], saved["ppa_id"], saved["note"], saved["goal_title"]) == (
        "Pending refresh",
        ppa["ppa_id"],
        NOTE,
        goal["goal_title"],
    )
    assert severe_console_entries(driver) == []
