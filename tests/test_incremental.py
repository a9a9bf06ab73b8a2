"""Repeatable and incremental loads from the OBCMS database: the same load twice changes nothing; a second
load reads only what was updated, replaces changed rows, and marks deleted ones without losing them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import duckdb
import pytest

from ingest.obcms import ingest_obcms
from tests import tiny_obcms

LATER = "2025-09-01 09:00:00.000000"


def _outcomes(url: str, con: duckdb.DuckDBPyConnection, run_id: str, since=None) -> dict:
    return {o.load.table_name: o for o in ingest_obcms(url, con, run_id=run_id, since=since)}


def _raw(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f'select * from raw."{table}" order by all').fetchall()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_the_same_full_load_twice_changes_nothing(tiny_sqlite: str, con) -> None:
    _outcomes(tiny_sqlite, con, "r1")
    before = {t: _raw(con, t) for t in ("monitoring_monitoringentry", "mana_need", "common_work_item")}
    second = _outcomes(tiny_sqlite, con, "r2")
    assert all(o.load.rows_unchanged == o.load.rows_read for o in second.values())
    assert all((o.load.rows_inserted, o.load.rows_updated, o.load.rows_deleted) == (0, 0, 0) for o in second.values())
    assert {t: _raw(con, t) for t in before} == before  # load metadata included: nothing was rewritten


def test_incremental_load_reads_only_updated_rows_and_finds_deletions(tiny_sqlite: str, con) -> None:
    first = _outcomes(tiny_sqlite, con, "r1")
    assert first["monitoring_monitoringentry"].load.rows_read == 4
    # read rows updated since a day after the tiny data was written
    since = tiny_obcms.T1.replace(tzinfo=None) + dt.timedelta(days=1)
    marks = dict.fromkeys(("monitoring_monitoringentry", "monitoring_monitoringentryfunding", "mana_need"), since)

    db = sqlite3.connect(tiny_sqlite.removeprefix("sqlite:///"))
    db.execute(
        f"update monitoring_monitoringentry set budget_allocation = 1100000.50, budget_ceiling = 3000000, "
        f"updated_at = '{LATER}' where title = 'Barangay Health Stations'"
    )
    db.execute(
        f"insert into monitoring_monitoringentryfunding (id, entry_id, tranche_type, amount, funding_source, "
        f"funding_source_other, remarks, created_at, updated_at) values ('f0000000000040008000000000000009', "
        f"'{tiny_obcms.PPA_MOH_25.replace('-', '')}', 'disbursement', 100000, '', '', '', '{LATER}', '{LATER}')"
    )
    db.execute("delete from mana_need where id = 1")
    db.commit()
    db.close()

    second = _outcomes(tiny_sqlite, con, "r2", since=marks)
    ppa = second["monitoring_monitoringentry"].load
    assert (ppa.rows_read, ppa.rows_updated, ppa.rows_inserted, ppa.rows_deleted) == (1, 1, 0, 0)
    funding = second["monitoring_monitoringentryfunding"].load
    assert (funding.rows_read, funding.rows_inserted, funding.rows_deleted) == (1, 1, 0)
    need = second["mana_need"].load
    assert (need.rows_read, need.rows_deleted) == (0, 1)

    # the changed PPA carries the new budget and the new run; the others were not touched
    rows = con.execute(
        "select title, budget_allocation, _run_id from raw.monitoring_monitoringentry "
        "where category = 'moa_ppa' order by title"
    ).fetchall()
    assert rows == [
        ("Barangay Health Stations", Decimal("1100000.50"), "r2"),
        ("Medical Missions", Decimal("500000.00"), "r1"),
        ("OBC Leadership Summit", Decimal("250000.00"), "r1"),
    ]
    # the deleted need is kept, marked, and out of the live rows
    assert con.execute("select id, _deleted_at is not null from raw.mana_need").fetchall() == [(1, True)]
    assert con.execute(
        "select sum(amount) from raw.monitoring_monitoringentryfunding where _deleted_at is null"
    ).fetchall()[0][0] == Decimal("2100000.75")


def test_a_table_without_updated_at_is_read_in_full_each_time(tiny_sqlite: str, con) -> None:
    _outcomes(tiny_sqlite, con, "r1")
    marks = {"mana_needscategory": dt.datetime(2030, 1, 1)}  # has no updated_at: the mark cannot apply
    second = _outcomes(tiny_sqlite, con, "r2", since=marks)
    assert second["mana_needscategory"].load.rows_read == 1
    assert second["mana_needscategory"].load.rows_unchanged == 1


# ------------------------------------------------------------------------------- incremental dbt build
def _raw_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.common_work_item (id varchar, amount integer, _run_id varchar)")
    con.execute("create table raw.mana_need (id varchar, _run_id varchar)")
    con.execute("insert into raw.common_work_item values ('a', 1, 'r1'), ('b', 2, 'r1')")
    con.execute("insert into raw.mana_need values ('n', 'r1')")
    return con


def test_changed_raw_tables_are_those_the_run_wrote_to() -> None:
    from ingest.pipeline import _raw_signature, changed_raw_tables

    con = _raw_con()
    before = _raw_signature(con)
    assert changed_raw_tables(con, before, "r2") == set()
    con.execute("update raw.common_work_item set amount = 3, _run_id = 'r2' where id = 'a'")  # a replaced row
    assert changed_raw_tables(con, before, "r2") == {"common_work_item"}
    con.execute("delete from raw.mana_need")  # fewer rows, whatever their run
    assert changed_raw_tables(con, before, "r2") == {"common_work_item", "mana_need"}
    con.execute("alter table raw.mana_need add column extra integer")  # a new layout: only a full build is safe
    assert changed_raw_tables(con, before, "r2") is None


def test_incremental_selection_only_on_the_published_build_of_the_same_project(home) -> None:
    import json

    from ingest.pipeline import ALWAYS_REBUILT, PUBLISHED_BUILD_RECORD, incremental_selection, project_hash

    current = home.builds_dir / "warehouse-1.duckdb"
    changed = {"common_work_item"}
    assert incremental_selection(home, current, changed, "refresh") is None  # nothing recorded
    record = home.dbt_dir / PUBLISHED_BUILD_RECORD
    record.write_text(json.dumps({"warehouse": current.name, "project_hash": project_hash()}))
    selection = incremental_selection(home, current, changed, "refresh")
    assert selection is not None
    assert set(ALWAYS_REBUILT) <= set(selection) and "source:obcms.common_work_item+" in selection
    assert "fct_budget_execution_monthly+" in selection  # reads the date: rebuilt at every refresh
    assert not any("mana_need" in s for s in selection)
    assert incremental_selection(home, current, changed, "build") is None  # the models may have changed
    assert incremental_selection(home, current, None, "refresh") is None  # a raw layout changed
    assert incremental_selection(home, current, {"not_a_declared_source"}, "refresh") is None
    assert incremental_selection(home, home.builds_dir / "warehouse-2.duckdb", changed, "refresh") is None
    record.write_text(json.dumps({"warehouse": current.name, "project_hash": "an older project"}))
    assert incremental_selection(home, current, changed, "refresh") is None
