"""The real pipeline on a generated demo: OBCMS-shaped SQLite → ingest → DuckDB → dbt build → published marts.

Control totals are computed independently from the source database (through SQLAlchemy, summing exact
Decimals in Python) and must equal what the marts say, to the centavo.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ingest import obcms_schema as s
from ingest.home import Home
from ingest.obcms_schema import PII_COLUMNS
from ingest.warehouse import read_only

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
        marts = dict(con.execute(
            "select fiscal_year, sum(budget_allocation) from rpt_executive_summary group by 1"
        ).fetchall())
        dim = dict(con.execute(
            "select fiscal_year, sum(budget_allocation) from dim_ppa where fiscal_year is not null group by 1"
        ).fetchall())
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
        per_province = dict(con.execute(
            "select province_id, population_total from dim_geography where level = 'province'"
        ).fetchall())
    assert per_province == {pid: pop for pid, pop in provinces}
    assert regions_total == sum(pop for _, pop in provinces)


def test_no_pii_column_anywhere_in_the_warehouse(demo_home: Home) -> None:
    with read_only(demo_home) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    assert not columns & PII_COLUMNS
