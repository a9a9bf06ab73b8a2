"""Ingest from an OBCMS database: counts, PII, types, both database engines, and bad input of every kind."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.obcms import SourceError, ingest_obcms
from ingest.obcms_schema import PII_COLUMNS, SOURCE_BY_NAME, SOURCE_TABLES
from tests import tiny_obcms


def _ingest(url: str) -> tuple[duckdb.DuckDBPyConnection, dict]:
    con = duckdb.connect()
    outcomes = ingest_obcms(url, con, run_id="run-1", source_name="obcms")
    return con, {o.load.table_name: o for o in outcomes}


def _sqlite(url: str, *statements: str) -> None:
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    db.execute("PRAGMA ignore_check_constraints = ON")
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def test_every_table_loads_with_counts_that_add_up(tiny_sqlite: str) -> None:
    con, outcomes = _ingest(tiny_sqlite)
    assert set(outcomes) == {s.name for s in SOURCE_TABLES}
    expected = {t.name: len(rows) for t, rows in tiny_obcms.rows().items()}
    for name, o in outcomes.items():
        assert o.load.rows_read == expected.get(name, 0), name
        assert o.load.rows_read == o.load.rows_loaded + o.load.rows_rejected
        assert o.load.status == "loaded"
        assert con.execute(f'select count(*) from raw."{name}"').fetchall()[0][0] == o.load.rows_loaded


def test_pii_never_reaches_the_warehouse(tiny_sqlite: str) -> None:
    con, _ = _ingest(tiny_sqlite)
    columns = {
        r[0]
        for r in con.execute("select column_name from information_schema.columns where table_schema='raw'").fetchall()
    }
    assert not columns & PII_COLUMNS
    dump = " ".join(
        str(v) for s in SOURCE_TABLES for row in con.execute(f'select * from raw."{s.name}"').fetchall() for v in row
    )
    for value in tiny_obcms.PII_VALUES:
        assert value not in dump


def test_types_money_and_load_metadata(tiny_sqlite: str) -> None:
    con, _ = _ingest(tiny_sqlite)
    total = con.execute(
        "select sum(budget_allocation) from raw.monitoring_monitoringentry where category = 'moa_ppa'"
    ).fetchall()[0][0]
    assert total == tiny_obcms.BUDGET_TOTAL and isinstance(total, Decimal)
    row = con.execute(
        "select id, typeof(budget_allocation), updated_at, _run_id, _source from raw.monitoring_monitoringentry "
        f"where id = '{tiny_obcms.PPA_MOH_25}'"
    ).fetchall()[0]
    assert row[0] == tiny_obcms.PPA_MOH_25  # canonical dashed UUID, whatever the engine stores
    assert row[1] == "DECIMAL(14,2)"
    assert str(row[2]) == "2025-06-30 16:00:05.123456"
    assert row[3:] == ("run-1", "obcms")


@pytest.mark.postgres
def test_postgresql_and_sqlite_load_identically(pg_server, tiny_sqlite: str) -> None:
    pg_url = tiny_obcms.create(pg_server.create_database("tiny_identical"))
    pg, pg_outcomes = _ingest(pg_url)
    lite, _ = _ingest(tiny_sqlite)
    assert all(o.load.status == "loaded" for o in pg_outcomes.values())
    for src in SOURCE_TABLES:
        q = f'select * exclude (_loaded_at) from raw."{src.name}" order by all'
        assert pg.execute(q).fetchall() == lite.execute(q).fetchall(), src.name


@pytest.mark.postgres
def test_postgresql_bad_values_are_rejected_not_fatal(pg_server) -> None:
    import sqlalchemy as sa

    url = tiny_obcms.create(pg_server.create_database("tiny_bad"))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("update monitoring_monitoringentry set sector = 'health' where title = 'Medical Missions'")
        )
    engine.dispose()
    _, outcomes = _ingest(url)
    ppa = outcomes["monitoring_monitoringentry"]
    assert (ppa.load.rows_read, ppa.load.rows_loaded, ppa.load.rows_rejected) == (4, 3, 1)
    assert ppa.rejects[0].column_name == "sector"


# ------------------------------------------------------------------------------------- bad rows
BAD_ROWS = [
    # (description, SQL applied to the SQLite source, table, column, words the reason must contain)
    (
        "budget written as text",
        "update monitoring_monitoringentry set budget_allocation = '12,000' where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        "budget_allocation",
        "must be a number",
    ),
    (
        "negative budget",
        "update monitoring_monitoringentry set budget_allocation = -5, budget_obc_allocation = null where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        "budget_allocation",
        "must not be negative",
    ),
    (
        "sector OBCMS does not have",
        "update monitoring_monitoringentry set sector = 'health' where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        "sector",
        "does not allow",
    ),
    (
        "progress above 100",
        "update monitoring_monitoringentry set progress = 150 where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        "progress",
        "out of range",
    ),
    (
        "allocation above ceiling",
        "update monitoring_monitoringentry set budget_ceiling = 1 where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        None,
        "exceeds budget_ceiling",
    ),
    (
        "impossible date",
        "update monitoring_monitoringentry set start_date = '2025-02-30' where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        "start_date",
        "must be a date",
    ),
    (
        "end before start",
        "update monitoring_monitoringentry set target_end_date = '2024-01-01' where title = 'Medical Missions'",
        "monitoring_monitoringentry",
        None,
        "before start_date",
    ),
    (
        "malformed UUID key",
        "update monitoring_monitoringentryfunding set entry_id = 'not-a-uuid' where tranche_type = 'adjustment'",
        "monitoring_monitoringentryfunding",
        "entry_id",
        "must be a UUID",
    ),
    (
        "unknown tranche type",
        "update monitoring_monitoringentryfunding set tranche_type = 'refund' where tranche_type = 'adjustment'",
        "monitoring_monitoringentryfunding",
        "tranche_type",
        "does not allow",
    ),
    (
        "timestamp that is not one",
        "update mana_need set updated_at = 'yesterday' where id = 1",
        "mana_need",
        "updated_at",
        "must be a timestamp",
    ),
    (
        "severity outside 1-5",
        "update mana_need set impact_severity = 9 where id = 1",
        "mana_need",
        "impact_severity",
        "out of range",
    ),
    (
        "boolean that is not one",
        "update common_barangay set is_urban = 'maybe' where id = 2",
        "common_barangay",
        "is_urban",
        "true or false",
    ),
    (
        "population with a fraction",
        "update common_barangay set population_total = 200.5 where id = 2",
        "common_barangay",
        "population_total",
        "whole number",
    ),
    (
        "required value missing",
        "update mana_need set urgency_level = '' where id = 1",
        "mana_need",
        "urgency_level",
        "does not allow",
    ),
]


@pytest.mark.parametrize(("what", "sql", "table", "column", "reason"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_is_rejected_with_its_reason_and_nothing_good_is_lost(
    tiny_sqlite: str, what: str, sql: str, table: str, column: str | None, reason: str
) -> None:
    _sqlite(tiny_sqlite, sql)
    _, outcomes = _ingest(tiny_sqlite)
    o = outcomes[table]
    assert o.load.rows_rejected == 1, what
    assert o.load.rows_loaded == o.load.rows_read - 1
    assert o.load.status == "loaded_with_rejects"
    [reject] = o.rejects
    assert reject.column_name == column
    assert reason in reject.reason
    assert reject.row_key and reject.row_number
    # every other table loaded in full
    expected = {t.name: len(rows) for t, rows in tiny_obcms.rows().items()}
    for name, other in outcomes.items():
        if name != table:
            assert other.load.rows_loaded == expected.get(name, 0), name


def test_several_problems_in_one_row_count_it_once(tiny_sqlite: str) -> None:
    _sqlite(
        tiny_sqlite,
        "update monitoring_monitoringentry set sector = 'health', progress = 150, priority = 'asap' "
        "where title = 'Medical Missions'",
    )
    _, outcomes = _ingest(tiny_sqlite)
    o = outcomes["monitoring_monitoringentry"]
    assert (o.load.rows_read, o.load.rows_loaded, o.load.rows_rejected) == (4, 3, 1)
    assert {r.column_name for r in o.rejects} == {"sector", "progress", "priority"}


def test_duplicate_keys_reject_every_copy(tiny_sqlite: str) -> None:
    # A source without a primary key constraint (a restored dump, a view) can repeat keys.
    _sqlite(
        tiny_sqlite,
        "create table c2 as select * from mana_needscategory",
        "insert into c2 select * from mana_needscategory",
        "insert into c2 (id, name, sector, description, weight_factor, is_active) values (2, 'Roads', 'infrastructure', '', 1, 1)",
        "drop table mana_needscategory",
        "alter table c2 rename to mana_needscategory",
    )
    con, outcomes = _ingest(tiny_sqlite)
    o = outcomes["mana_needscategory"]
    assert (o.load.rows_read, o.load.rows_loaded, o.load.rows_rejected) == (3, 1, 2)
    assert {r.check_name for r in o.rejects} == {"duplicate_key"}
    assert con.execute("select id from raw.mana_needscategory").fetchall() == [(2,)]


# ----------------------------------------------------------------------------- bad sources
def test_missing_column_fails_the_source_naming_it(tiny_sqlite: str) -> None:
    _sqlite(tiny_sqlite, "alter table mana_need drop column estimated_cost")
    with pytest.raises(SourceError, match=r"mana_need\.estimated_cost is missing"):
        _ingest(tiny_sqlite)


def test_missing_table_fails_the_source_naming_it(tiny_sqlite: str) -> None:
    _sqlite(tiny_sqlite, "drop table common_work_item")
    with pytest.raises(SourceError, match="table common_work_item is missing"):
        _ingest(tiny_sqlite)


def test_unreachable_database_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(SourceError, match="cannot connect") as info:
        _ingest("postgresql+psycopg://obcms:s3cret@127.0.0.1:1/obcms")
    assert "s3cret" not in str(info.value)


def test_not_a_url_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="not a valid SQLAlchemy URL"):
        _ingest("obcms.sqlite3")


def test_empty_database_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite3").touch()
    with pytest.raises(SourceError, match="is empty"):
        _ingest(f"sqlite:///{tmp_path / 'empty.sqlite3'}")


def test_database_of_something_else_lists_what_is_missing(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "other.sqlite3")
    db.execute("create table customers (id integer primary key)")
    db.close()
    with pytest.raises(SourceError, match="does not have the expected structure") as info:
        _ingest(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert "table monitoring_monitoringentry is missing" in str(info.value)


def test_batches_give_the_same_result_as_one_read(tiny_sqlite: str) -> None:
    from ingest.obcms import load_table, open_source

    engine = open_source(tiny_sqlite)
    src = SOURCE_BY_NAME["monitoring_monitoringentryfunding"]
    con = duckdb.connect()
    con.execute("create schema raw")
    outcome = load_table(engine, con, src, source_name="obcms", run_id="r", batch_rows=1)
    assert outcome.load.rows_loaded == 4
    assert con.execute("select sum(amount) from raw.monitoring_monitoringentryfunding").fetchall()[0][0] == Decimal(
        "2000000.75"
    )


def test_money_with_more_places_than_centavos_is_rejected_not_rounded(tiny_sqlite: str) -> None:
    _sqlite(
        tiny_sqlite, "update monitoring_monitoringentryfunding set amount = '1.005' where tranche_type = 'adjustment'"
    )
    _, outcomes = _ingest(tiny_sqlite)
    [reject] = outcomes["monitoring_monitoringentryfunding"].rejects
    assert reject.column_name == "amount" and reject.failure_value == "1.005"
    assert "2 after" in reject.reason
