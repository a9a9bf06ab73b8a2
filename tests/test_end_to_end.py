"""The real pipeline on a generated demo: OBCMS-shaped SQLite → ingest → DuckDB → dbt build → published marts.

Control totals are computed independently from the source database (through SQLAlchemy, summing exact
Decimals in Python) and must equal what the marts say, to the centavo.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest import obcms_schema as s
from ingest.home import Home
from ingest.obcms_schema import PII_COLUMNS
from ingest.warehouse import read_only
from tests.browser import chrome, free_port, require_chromium, severe_console_entries

pytestmark = pytest.mark.dbt


def _source(home: Home, stmt: sa.Select) -> list[sa.Row]:
    engine = sa.create_engine(home.demo_url)
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).all()
    finally:
        engine.dispose()


def test_demo_loads_without_a_single_reject_and_every_row_is_accounted_for(demo_home: Home) -> None:
    with read_only(demo_home) as con:
        runs = con.execute("select table_name, rows_read, rows_loaded, rows_rejected, status from meta.runs").fetchall()
        rejects = con.execute("select count(*) from meta.rejects").fetchall()[0][0]
    assert len(runs) == len(s.SOURCE_TABLES)
    for table, read, loaded, rejected, status in runs:
        assert read == loaded + rejected, table
        assert rejected == 0 and status == "loaded", f"{table}: the demo must be valid OBCMS data"
        assert read > 0, f"{table}: the demo leaves no table empty"
    assert rejects == 0


def test_ppa_count_and_budget_reconcile_from_source_to_marts(demo_home: Home) -> None:
    me = s.monitoring_monitoringentry
    source = _source(demo_home, sa.select(me.c.fiscal_year, me.c.budget_allocation))
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for fiscal_year, budget in source:
        if fiscal_year is not None:
            by_year[fiscal_year] += budget or Decimal(0)
    with read_only(demo_home) as con:
        assert con.execute("select count(*) from dim_ppa").fetchall()[0][0] == len(source)
        marts = dict(
            con.execute("select fiscal_year, sum(budget_allocation) from rpt_executive_summary group by 1").fetchall()
        )
        dim = dict(
            con.execute(
                "select fiscal_year, sum(budget_allocation) from dim_ppa where fiscal_year is not null group by 1"
            ).fetchall()
        )
    assert marts == dict(by_year) == dim
    assert set(marts) >= {2023, 2024, 2025, 2026}


def test_funding_ledger_reconciles_by_tranche(demo_home: Home) -> None:
    f, me = s.monitoring_monitoringentryfunding, s.monitoring_monitoringentry
    rows = _source(
        demo_home,
        sa.select(f.c.tranche_type, f.c.amount).join(me, me.c.id == f.c.entry_id).where(me.c.fiscal_year.is_not(None)),
    )
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for tranche, amount in rows:
        expected[tranche] += amount
    with read_only(demo_home) as con:
        got = con.execute(
            "select sum(allocations), sum(obligations), sum(disbursements) from rpt_executive_summary"
        ).fetchall()[0]
    assert got == (expected["allocation"], expected["obligation"], expected["disbursement"])


def test_population_reconciles_from_source_to_geography(demo_home: Home) -> None:
    p = s.common_province
    provinces = _source(demo_home, sa.select(p.c.id, p.c.population_total))
    with read_only(demo_home) as con:
        regions_total = con.execute(
            "select sum(population_total) from dim_geography where level = 'region'"
        ).fetchall()[0][0]
        per_province = dict(
            con.execute("select province_id, population_total from dim_geography where level = 'province'").fetchall()
        )
    assert per_province == {pid: pop for pid, pop in provinces}
    assert regions_total == sum(pop for _, pop in provinces)


def test_no_pii_column_anywhere_in_the_warehouse(demo_home: Home) -> None:
    with read_only(demo_home) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    assert not columns & PII_COLUMNS


# ------------------------------------------------------------------- served by `oobc serve`, in a browser
@pytest.fixture(scope="module")
def served(demo_home: Home) -> Iterator[str]:
    """The dashboard as `oobc serve` runs it, in its own process, on a free local port."""
    port = free_port()
    exe = Path(sys.executable).with_name("oobc")
    log = demo_home.logs_dir / "serve-test.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(exe), "--home", str(demo_home.root), "serve", "--port", str(port)], stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"`oobc serve` did not start: {log.read_text()}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.browser
def test_served_dashboard_shows_the_marts_figures_and_follows_a_filter(
    served: str, demo_home: Home, tmp_path: Path
) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from dashboards import formatting as fmt

    require_chromium()
    with read_only(demo_home) as con:
        # The headline summarises rpt_executive_summary: PPAs that have a fiscal year.
        all_ppas, all_budget = con.execute(
            "select sum(ppa_count), sum(budget_allocation) from rpt_executive_summary"
        ).fetchall()[0]
        assert (all_ppas, all_budget) == con.execute(
            "select count(*), sum(coalesce(budget_allocation, 0)) from dim_ppa where fiscal_year is not null"
        ).fetchall()[0]
        ppas_2025, budget_2025 = con.execute(
            "select count(*), sum(budget_allocation) from dim_ppa where fiscal_year = 2025"
        ).fetchall()[0]

    driver = chrome(tmp_path / "profile")
    wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))

    def tile(key: str) -> str | None:
        return driver.execute_script(
            "const el = document.querySelector(`.kpi-value[data-kpi='${arguments[0]}']`);"
            "return el ? el.innerText.trim() : null;",
            key,
        )

    try:
        from tests.auth import make_user, sign_in

        sign_in(driver, served, *make_user(demo_home, "viewer"))  # every page needs sign-in
        driver.get(served + "/")
        wait.until(lambda d: tile("ppas") == fmt.count(all_ppas), message="the PPA count never matched dim_ppa")
        assert tile("budget") == fmt.peso_short(all_budget)

        driver.find_element(By.ID, "shell-fiscal-year").click()
        wait.until(
            ec.element_to_be_clickable((By.XPATH, "//*[@role='option'][.//*[normalize-space(text())='2025']]"))
        ).click()
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)

        wait.until(lambda d: tile("ppas") == fmt.count(ppas_2025), message="the page did not follow the filter")
        assert tile("budget") == fmt.peso_short(budget_2025)
        wait.until(lambda d: "fiscal_year=2025" in d.current_url)
        assert severe_console_entries(driver) == []
    finally:
        driver.quit()
