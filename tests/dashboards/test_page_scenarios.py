"""The scenario builder in headless Chromium over the demo warehouse: edit inputs and see the comparison change, get
an inline message for a bad value (and no recompute), save, reload and find the scenario, export it as CSV and XLSX."""

from __future__ import annotations

import csv
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from dashboards import formatting as fmt
from dashboards import scenario_queries as q
from ingest import scenarios as store
from ingest.warehouse import read_only
from models.allocation import ScenarioSpec, StrategyWeight
from tests.browser import choose, download, open_page, screenshot, settled, severe_console_entries, text, wait

pytestmark = pytest.mark.browser

YEAR = 2024
NEEDS_WEIGHT = """.scenario-weight-input[id*='"strategy":"needs"']"""


def _type(driver, css: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    element = driver.find_element(By.CSS_SELECTOR, css)
    element.clear()
    element.send_keys(value)
    element.send_keys(Keys.TAB)  # the inputs are debounced: the value is committed when the field loses focus
    # let this edit's recompute answer before the next edit: an earlier, slower answer (a valid spec runs the
    # engine; an invalid one returns at once) could otherwise land last and show stale figures
    wait(driver).until(settled)


def _kpi(driver, key: str) -> str | None:
    return text(driver, f"[data-kpi='{key}'] ~ .kpi-detail") or None


def _wait_text(driver, css: str, expected: str) -> None:
    wait(driver).until(lambda d: expected in (text(d, css) or ""), message=f"{css} never showed {expected!r}")


def test_scenario_builder_edits_validates_saves_and_exports(demo_url, demo_home, page_browser):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = page_browser
    with read_only(demo_home) as con:
        newest = q.planning_year(con)
        candidates = q.candidates(con, YEAR)
    baseline = candidates["baseline"].sum()

    # the planning year follows the global fiscal-year filter
    open_page(driver, demo_url + "/scenarios")
    _wait_text(driver, "#scenario-year-note", f"Planning FY {newest}")
    choose(driver, "shell-fiscal-year", str(YEAR))
    _wait_text(driver, "#scenario-year-note", f"Planning FY {YEAR} · {candidates.height:,} PPAs")
    _wait_text(driver, "[data-kpi='envelope'] ~ .kpi-detail", fmt.peso_exact(baseline))

    # an edit recomputes: half the baseline as the envelope, the engine's allocation on the same warehouse
    envelope = (baseline / 2).quantize(Decimal("0.01"))
    spec = ScenarioSpec(envelope=envelope, strategies=(StrategyWeight("needs", "0.5"), StrategyWeight("equity", "0.5")))
    with read_only(demo_home) as con:
        expected = q.evaluate_spec(con, spec, YEAR).outcome.allocation
    assert expected is not None
    _type(driver, "#scenario-envelope", str(envelope))
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(expected.allocated_total))
    assert _kpi(driver, "envelope") == fmt.peso_exact(envelope)
    wait(driver).until(lambda d: text(d, "#scenario-status") == "Recomputed.")

    # a bad value: an inline message on the field, nothing recomputed
    _type(driver, "#scenario-envelope", "lots")
    _wait_text(driver, "#scenario-envelope-feedback", "is not an amount")
    assert "is-invalid" in driver.find_element(By.ID, "scenario-envelope").get_attribute("class")
    wait(driver).until(lambda d: "Not recomputed" in (text(d, "#scenario-status") or ""))
    assert _kpi(driver, "allocated") == fmt.peso_exact(expected.allocated_total)
    # weights that do not sum to 1: the sum is shown and the fields are marked
    _type(driver, "#scenario-envelope", str(envelope))
    _type(driver, NEEDS_WEIGHT, "0.7")
    _wait_text(driver, "#scenario-weight-sum", "Sum: 1.2 (must be 1)")
    _wait_text(driver, "#scenario-weights-feedback", "must sum to 1")
    assert driver.find_elements(By.CSS_SELECTOR, ".scenario-weight-input.is-invalid")
    _type(driver, NEEDS_WEIGHT, "0.5")
    _wait_text(driver, "#scenario-weight-sum", "Sum: 1 ✓")
    _wait_text(driver, "#scenario-status", "Recomputed.")
    # contradictory limits in the grid: a message on the row, nothing recomputed; cleared, it recomputes again
    sector = candidates["sector"].sort()[0]

    def limit(column: str, row: str = f"sector|{sector}") -> str:
        return f"#scenario-bounds-grid .ag-center-cols-container .ag-row[row-id='{row}'] [col-id='{column}']"

    def type_limit(column: str, value: str) -> None:
        driver.find_element(By.CSS_SELECTOR, limit(column)).click()  # one click edits
        editor = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, limit(column) + " input"))[0]
        editor.send_keys(Keys.CONTROL, "a")  # (clear() blurs the editor, which ends the edit)
        editor.send_keys(value or Keys.DELETE, Keys.ENTER)
        wait(driver).until(settled)

    def red(column: str, grid: str = "scenario-bounds-grid") -> list[str]:
        """The rows whose ``column`` cell is red (a problem on the row)."""
        rows = driver.find_elements(By.CSS_SELECTOR, f"#{grid} .ag-center-cols-container .ag-row")
        return [r.get_attribute("row-id") for r in rows
                if r.find_element(By.CSS_SELECTOR, f"[col-id='{column}']").value_of_css_property("background-color")
                == "rgba(253, 236, 234, 1)"]  # fmt: skip

    type_limit("min", "2000")
    type_limit("max", "1000")
    _wait_text(driver, limit("problem"), "The minimum is above the maximum")
    wait(driver).until(lambda d: "Not recomputed" in (text(d, "#scenario-status") or ""))
    assert red("min") == red("max") == [f"sector|{sector}"]  # that row only
    assert text(driver, limit("min")) == "2000" and text(driver, limit("max")) == "1000"
    type_limit("max", "")
    type_limit("min", "")
    _wait_text(driver, "#scenario-status", "Recomputed.")
    assert not red("min") and not red("max")
    assert not (text(driver, limit("problem")) or "").strip()
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(expected.allocated_total))
    assert driver.find_elements(By.CSS_SELECTOR, "#scenario-graph-sector .bars, #scenario-graph-sector .trace")

    # a lock and an exclusion in the PPA grid: the engine gets both, the grid shows each PPA's allocation
    by_baseline = candidates.sort(["baseline", "ppa_id"], descending=[True, False])
    locked, excluded = by_baseline["ppa_id"][0], by_baseline["ppa_id"][1]
    lock = (by_baseline["requested_cost"][0] / 2).quantize(Decimal("0.01"))
    with read_only(demo_home) as con:
        edited = q.evaluate_spec(
            con, replace(spec, locked={locked: lock}, excluded=(excluded,)), YEAR
        ).outcome.allocation
    assert edited is not None and edited.amounts()[locked] == lock and edited.amounts()[excluded] == 0
    before = expected.amounts()
    assert fmt.peso_short(before[locked]) != fmt.peso_short(lock) and before[excluded] > 0  # a visible change

    def cell(ppa_id: str, column: str) -> str:
        return f"#scenario-ppa-grid .ag-center-cols-container .ag-row[row-id='{ppa_id}'] [col-id='{column}']"

    def tick_exclude(ppa_id: str) -> None:
        box = driver.find_element(By.CSS_SELECTOR, cell(ppa_id, "exclude") + " input[type='checkbox']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)  # not at the window's edge
        box.click()

    driver.find_element(By.CSS_SELECTOR, cell(locked, "lock")).click()  # one click edits
    editor = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, cell(locked, "lock") + " input"))[0]
    editor.send_keys(str(lock), Keys.ENTER)
    wait(driver).until(settled)
    _wait_text(driver, cell(locked, "allocated"), fmt.peso_short(lock))  # the lock's recompute is in the grid
    tick_exclude(excluded)
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(edited.allocated_total))
    _wait_text(driver, cell(excluded, "allocated"), fmt.peso_short(Decimal(0)))
    # a lock that is not an amount: marked on its row, nothing recomputed
    driver.find_element(By.CSS_SELECTOR, cell(locked, "lock")).click()
    editor = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, cell(locked, "lock") + " input"))[0]
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys("plenty", Keys.ENTER)
    _wait_text(driver, cell(locked, "problem"), "is not an amount")
    wait(driver).until(lambda d: "1 PPA of the grid" in (text(d, "#scenario-status") or ""))
    assert red("lock", "scenario-ppa-grid") == [locked]
    # both undone: the scenario is the one before
    driver.find_element(By.CSS_SELECTOR, cell(locked, "lock")).click()
    editor = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, cell(locked, "lock") + " input"))[0]
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE, Keys.ENTER)
    wait(driver).until(settled)
    tick_exclude(excluded)
    _wait_text(driver, "#scenario-status", "Recomputed.")
    _wait_text(driver, cell(locked, "allocated"), fmt.peso_short(before[locked]))
    assert not red("lock", "scenario-ppa-grid")
    _wait_text(driver, cell(excluded, "allocated"), fmt.peso_short(before[excluded]))
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(expected.allocated_total))

    # a limit that holds anyway (the sector's whole request) is saved with the scenario and loaded back
    sector_request = candidates.filter(candidates["sector"] == sector)["requested_cost"].sum()
    type_limit("max", f"{sector_request:f}")
    _wait_text(driver, "#scenario-status", "Recomputed.")
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(expected.allocated_total))

    # save: a name is required, then it is stored in the state database
    driver.find_element(By.ID, "scenario-save").click()
    _wait_text(driver, "#scenario-name-feedback", "is required")
    name = f"Half envelope {uuid.uuid4().hex[:6]}"
    _type(driver, "#scenario-name", name)
    _type(driver, "#scenario-owner", "Browser Planner")
    driver.find_element(By.ID, "scenario-save").click()
    _wait_text(driver, "#scenario-save-message", f"Saved '{name}' (FY {YEAR}), version 1")
    saved = [s for s in store.list_scenarios(demo_home.state_url, fiscal_year=YEAR) if s["name"] == name]
    assert len(saved) == 1 and saved[0]["owner"] == "Browser Planner"
    stored_spec = store.load(demo_home.state_url, saved[0]["scenario_id"])["spec"]
    assert Decimal(stored_spec.envelope) == envelope
    assert [(b.dimension, b.key, b.minimum, Decimal(b.maximum)) for b in stored_spec.bounds] == [
        ("sector", sector, None, sector_request)
    ]
    screenshot(driver, "scenarios")

    # reload: the scenario is listed, and loading it puts its envelope back
    open_page(driver, demo_url + f"/scenarios?fiscal_year={YEAR}")
    _wait_text(driver, "#scenario-saved-list", name)
    wait(driver).until(lambda d: f"{name} v1".upper() in (text(d, "#scenario-comparison") or "").upper())  # a header
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, ".scenario-saved-row") if name in r.text)
    row.find_element(By.XPATH, ".//button[normalize-space()='Load']").click()
    _wait_text(driver, "#scenario-save-message", f"Loaded '{name}' version 1")
    wait(driver).until(lambda d: d.find_element(By.ID, "scenario-envelope").get_attribute("value") == str(envelope))
    _wait_text(driver, limit("max"), f"{sector_request:f}")  # the limit is back in the grid
    _wait_text(driver, "[data-kpi='allocated'] ~ .kpi-detail", fmt.peso_exact(expected.allocated_total))

    # export: the CSV is the PPA table, the workbook has the breakdowns; both add up to what the engine allocates
    csv_file = download(driver, "scenario-export-csv", ".csv")
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["ppa_id"] for r in rows} == set(candidates["ppa_id"].to_list())
    assert sum(Decimal(r["allocated"]) for r in rows) == expected.allocated_total
    assert sum(Decimal(r["baseline"]) for r in rows) == baseline
    xlsx_file = download(driver, "scenario-export-xlsx", ".xlsx")
    book = load_workbook(xlsx_file, read_only=True)
    assert {"About", "PPA allocations", "By sector", "By area", "By MOA", "Ceilings"} <= set(book.sheetnames)
    sector_rows = list(book["By sector"].iter_rows(values_only=True))
    allocated_column = sector_rows[0].index("allocated")
    total = sum(Decimal(str(r[allocated_column])) for r in sector_rows[1:])
    assert total.quantize(Decimal("0.01")) == expected.allocated_total
    assert severe_console_entries(driver) == []
