"""Keyed, repeatable loads into raw: inserts, updates, no-op repeats, deliberate deletions, restores."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pytest

from ingest.raw import MergeScope, MergeStats, RawTable, mark_deleted, merge

PPAS = RawTable(
    "ppa_yaml_ppas",
    {"moa_acronym": pl.String, "title": pl.String, "fiscal_year": pl.Int32, "approved_budget": pl.Decimal(14, 2)},
    key=("moa_acronym", "title", "fiscal_year"),
)


def _frame(*rows: tuple[str, str, int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "moa_acronym": [r[0] for r in rows],
            "title": [r[1] for r in rows],
            "fiscal_year": [r[2] for r in rows],
            "approved_budget": [Decimal(r[3]) for r in rows],
            "_file": ["moh.yaml"] * len(rows),
            "_line": list(range(1, len(rows) + 1)),
        },
        schema_overrides={"fiscal_year": pl.Int32, "approved_budget": pl.Decimal(14, 2)},
    )


def _state(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select moa_acronym, title, fiscal_year, approved_budget, _deleted_at is not null, _run_id "
        "from raw.ppa_yaml_ppas order by all"
    ).fetchall()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


SCOPE = MergeScope("ppa-2025", {"moa_acronym": ["MOH"], "fiscal_year": [2025]})


def test_first_load_inserts_everything(con) -> None:
    stats = merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r1",
        scope=SCOPE,
        snapshot=True,
    )
    assert stats == MergeStats(inserted=2)
    assert [r[:5] for r in _state(con)] == [
        ("MOH", "A", 2025, Decimal("1.00"), False),
        ("MOH", "B", 2025, Decimal("2.00"), False),
    ]


def test_repeating_the_same_load_changes_nothing(con) -> None:
    rows = (("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00"))
    merge(con, PPAS, _frame(*rows), run_id="r1", scope=SCOPE, snapshot=True)
    before = con.execute("select * from raw.ppa_yaml_ppas order by all").fetchall()
    stats = merge(con, PPAS, _frame(*rows), run_id="r2", scope=SCOPE, snapshot=True)
    assert stats == MergeStats(unchanged=2)
    assert con.execute("select * from raw.ppa_yaml_ppas order by all").fetchall() == before  # metadata too


def test_a_changed_row_replaces_the_old_one(con) -> None:
    merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r1",
        scope=SCOPE,
        snapshot=True,
    )
    stats = merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.50"), ("MOH", "B", 2025, "2.00")),
        run_id="r2",
        scope=SCOPE,
        snapshot=True,
    )
    assert stats == MergeStats(updated=1, unchanged=1)
    assert [(r[1], r[3], r[5]) for r in _state(con)] == [("A", Decimal("1.50"), "r2"), ("B", Decimal("2.00"), "r1")]


def test_a_row_gone_from_a_snapshot_is_marked_deleted_and_can_come_back(con) -> None:
    merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r1",
        scope=SCOPE,
        snapshot=True,
    )
    stats = merge(con, PPAS, _frame(("MOH", "A", 2025, "1.00")), run_id="r2", scope=SCOPE, snapshot=True)
    assert stats == MergeStats(unchanged=1, deleted=1)
    assert [(r[1], r[4]) for r in _state(con)] == [("A", False), ("B", True)]
    stats = merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r3",
        scope=SCOPE,
        snapshot=True,
    )
    assert stats == MergeStats(unchanged=1, restored=1)
    assert [(r[1], r[4]) for r in _state(con)] == [("A", False), ("B", False)]


def test_rows_outside_the_scope_are_never_touched(con) -> None:
    other = MergeScope("ppa-2025", {"moa_acronym": ["MPW"], "fiscal_year": [2025]})
    merge(con, PPAS, _frame(("MPW", "Roads", 2025, "9.00")), run_id="r0", scope=other, snapshot=True)
    merge(con, PPAS, _frame(("MOH", "A", 2025, "1.00")), run_id="r1", scope=SCOPE, snapshot=True)
    assert [(r[0], r[4]) for r in _state(con)] == [("MOH", False), ("MPW", False)]


def test_an_incremental_load_never_deletes(con) -> None:
    merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r1",
        scope=SCOPE,
        snapshot=True,
    )
    stats = merge(con, PPAS, _frame(("MOH", "B", 2025, "3.00")), run_id="r2", scope=SCOPE, snapshot=False)
    assert stats == MergeStats(updated=1)
    assert [(r[1], r[3], r[4]) for r in _state(con)] == [("A", Decimal("1.00"), False), ("B", Decimal("3.00"), False)]


def test_mark_deleted_from_a_key_scan(con) -> None:
    merge(
        con,
        PPAS,
        _frame(("MOH", "A", 2025, "1.00"), ("MOH", "B", 2025, "2.00")),
        run_id="r1",
        scope=SCOPE,
        snapshot=True,
    )
    keys = pl.DataFrame(
        {"moa_acronym": ["MOH"], "title": ["B"], "fiscal_year": [2025]}, schema_overrides={"fiscal_year": pl.Int32}
    )
    assert mark_deleted(con, PPAS, keys, run_id="r2", scope=SCOPE) == 1
    assert [(r[1], r[4]) for r in _state(con)] == [("A", True), ("B", False)]
    assert mark_deleted(con, PPAS, keys, run_id="r3", scope=SCOPE) == 0


def test_location_is_kept_but_is_not_content(con) -> None:
    merge(con, PPAS, _frame(("MOH", "A", 2025, "1.00")), run_id="r1", scope=SCOPE, snapshot=True)
    moved = _frame(("MOH", "A", 2025, "1.00")).with_columns(pl.lit(40).alias("_line"))
    assert merge(con, PPAS, moved, run_id="r2", scope=SCOPE, snapshot=True) == MergeStats(unchanged=1)
    assert con.execute("select _file, _line from raw.ppa_yaml_ppas").fetchall() == [("moh.yaml", 1)]
