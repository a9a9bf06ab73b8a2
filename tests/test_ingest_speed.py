"""The fast paths of the OBCMS ingest give exactly what the plain ones give.

``ingest.checked.parse_text`` against ``ingest.parse.parse_frame`` (the rules), value by value, on canonical and
odd text; the driver-cursor reader (``ingest.obcms._read_text``) against SQLAlchemy's result; a hashed stage
against ``merge`` computing the hashes itself; and whole loads (full, repeated, incremental with deletions, with
bad rows) through the fast paths against the same loads through the plain ones: the same raw rows, hashes,
counts and rejects.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from ingest import checked, obcms
from ingest.checked import parse_text, specs
from ingest.obcms_schema import SOURCE_BY_NAME, SOURCE_TABLES
from ingest.parse import ColumnSpec, parse_frame
from ingest.raw import MergeScope, RawTable, hashed_rows_sql, merge
from tests import tiny_obcms

SPECS = [
    ColumnSpec("uuid", pl.String, is_uuid=True),
    ColumnSpec("ts", pl.Datetime("us")),
    ColumnSpec("day", pl.Date),
    ColumnSpec("money", pl.Decimal(14, 2)),
    ColumnSpec("money15", pl.Decimal(15, 2)),
    ColumnSpec("ratio", pl.Decimal(3, 2)),
    ColumnSpec("whole", pl.Decimal(5, 0)),
    ColumnSpec("i32", pl.Int32),
    ColumnSpec("i64", pl.Int64),
    ColumnSpec("f", pl.Float64),
    ColumnSpec("flag", pl.Boolean),
    ColumnSpec("text", pl.String),
]

# text each kind of column meets: canonical forms, their near misses, and the odd ones the rules handle
ODD = [
    None,
    "",
    " ",
    "\t",
    "0",
    "-0",
    "00",
    "007",
    "1",
    "-1",
    "+1",
    "1.",
    ".5",
    "1.5",
    "1.50",
    "1.005",
    "0.30000000000000004",
    "1e5",
    "1E-2",
    "inf",
    "NaN",
    "12,000",
    " 12 ",
    "2147483647",
    "2147483648",
    "-2147483649",
    "999999999999",
    "9999999999999",
    "999999999999999",
    "9007199254740993",
    "99999999999999999999",
    "123456789012.34",
    "1234567890123.45",
    "٣",
    "2025-06-30",
    "2025-6-30",
    "2025-02-30",
    "2025-06-30 ",
    " 2025-06-30",
    "2025-06-30 00:00",
    "2025-06-30T00:00:00Z",
    "2025-06-30 16:00:05",
    "2025-06-30 16:00:05.123456",
    "2025-06-30 16:00:05.1",
    "2025-06-30 16:00:05.1234567",
    "2025-06-30 16:00:05.123456789",
    "2025-06-30 16:00:05.123456+00",
    "2025-06-30 16:00:05+00",
    "2025-06-30 16:00:05+00:00",
    "2025-06-30 16:00:05+08",
    "2025-06-30 16:00:05-05:30",
    "2025-06-30T16:00:05",
    "2025-06-30 16:00",
    "2025-06-30 24:00:00",
    "2025-06-30 16:61:00",
    "2025-13-01 00:00:00",
    "2025-06-30  16:00:05",
    "٢٠٢٥-06-30 16:00:05",
    "yesterday",
    "7a1e0000000040008000000000000001",
    "7A1E0000000040008000000000000001",
    "7a1e0000-0000-4000-8000-000000000001",
    "{7a1e0000-0000-4000-8000-000000000001}",
    " 7a1e0000000040008000000000000001",
    "7a1e000000004000800000000000000",
    "7a1e00000000400080000000000000012",
    "7a1e000000004000800000000000000g",
    "true",
    "false",
    "t",
    "F",
    "YES",
    "n",
    "maybe",
    "=cmd|' /C calc'!A0",
    "é",
]


def _both(values: list[str | None]) -> None:
    text = pl.DataFrame({s.name: pl.Series(values, dtype=pl.String) for s in SPECS})
    want_typed, want_failures = parse_frame(text, SPECS)
    got_typed, got_failures = parse_text(text, SPECS)
    assert got_typed.schema == want_typed.schema
    for spec in SPECS:  # NaN equals NaN here, and every value is compared exactly
        assert_series_equal(got_typed.get_column(spec.name), want_typed.get_column(spec.name), check_exact=True)
    assert got_failures.to_dicts() == want_failures.to_dicts()


def test_fast_parse_is_the_rules_on_odd_and_canonical_text() -> None:
    _both(ODD)
    _both(list(reversed(ODD)))


def test_fast_parse_of_an_empty_or_all_null_batch() -> None:
    _both([])
    _both([None, None])


def _digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=min_size, max_size=max_size)


canonical_ish = st.one_of(
    # numbers around the guards' limits (digits, signs, places)
    st.builds(
        lambda sign, whole, frac: f"{sign}{whole}{frac}",
        st.sampled_from(["", "-", "+"]),
        _digits(0, 17),
        st.one_of(st.just(""), st.builds(lambda d: "." + d, _digits(0, 4))),
    ),
    # timestamps and dates, valid or not, with every optional part
    st.builds(
        lambda y, mo, d, sep, h, mi, s, frac, off: f"{y}-{mo}-{d}{sep}{h}:{mi}{s}{frac}{off}",
        _digits(4, 4),
        _digits(1, 2),
        _digits(1, 2),
        st.sampled_from([" ", "T", "  "]),
        _digits(2, 2),
        _digits(2, 2),
        st.one_of(st.just(""), st.builds(lambda s: ":" + s, _digits(1, 2))),
        st.one_of(st.just(""), st.builds(lambda f: "." + f, _digits(0, 10))),
        st.sampled_from(["", "+00", "+00:00", "Z", "+08", "-0530", " +00"]),
    ),
    st.builds(lambda y, mo, d: f"{y}-{mo}-{d}", _digits(4, 4), _digits(2, 2), _digits(2, 2)),
    st.text(alphabet="0123456789abcdefABCDEF-{} ", min_size=30, max_size=38),
    st.sampled_from(ODD[1:]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), canonical_ish), max_size=40))
def test_fast_parse_is_the_rules_on_generated_text(values: list[str | None]) -> None:
    _both(values)


def test_fast_parse_is_the_rules_on_every_tiny_obcms_column(tiny_sqlite: str) -> None:
    db = sqlite3.connect(tiny_sqlite.removeprefix("sqlite:///"))
    try:
        for src in SOURCE_TABLES:
            names = [str(c.name) for c in src.columns]
            rows = db.execute(
                "select " + ", ".join(f'cast("{n}" as text)' for n in names) + f' from "{src.name}"'
            ).fetchall()
            text = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
            want = parse_frame(text, specs(src))
            got = parse_text(text, specs(src))
            assert got[0].equals(want[0]) and got[1].equals(want[1]), src.name
    finally:
        db.close()


# ------------------------------------------------------------------------------------------ reading
def _read_both(url: str, monkeypatch: pytest.MonkeyPatch, since: dt.datetime | None = None) -> None:
    engine = obcms.open_source(url)
    try:
        for src in SOURCE_TABLES:
            names = [str(c.name) for c in src.columns]
            query = obcms._select_as_text(src, since, engine.dialect.name)
            frames = {}
            for fast in (True, False):
                with monkeypatch.context() as m:
                    if not fast:
                        m.setattr(obcms, "FAST_DRIVERS", ())
                    with engine.connect() as conn:
                        if engine.dialect.name == "postgresql":
                            conn.execute(obcms.sa.text("SET TIME ZONE 'UTC'"))
                        frames[fast] = list(obcms._read_text(conn, query, names, batch_rows=2))
            assert len(frames[True]) == len(frames[False]), src.name
            for a, b in zip(frames[True], frames[False], strict=True):
                assert a.equals(b), src.name
    finally:
        engine.dispose()


def test_driver_cursor_reads_what_sqlalchemy_reads(tiny_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_both(tiny_sqlite, monkeypatch)
    _read_both(tiny_sqlite, monkeypatch, since=tiny_obcms.T1.replace(tzinfo=None))  # a bound timestamp


@pytest.mark.postgres
def test_driver_cursor_reads_what_sqlalchemy_reads_on_postgresql(pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    url = tiny_obcms.create(pg_server.create_database("tiny_fast_read"))
    _read_both(url, monkeypatch)
    _read_both(url, monkeypatch, since=tiny_obcms.T1.replace(tzinfo=None))


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(tiny_sqlite: str) -> None:
    engine = obcms.open_source(tiny_sqlite)
    stmt = obcms.sa.select(obcms.sa.literal_column("no_such_column"))
    try:
        with engine.connect() as conn, pytest.raises(obcms.sa.exc.OperationalError, match="no_such_column"):
            list(obcms._read_text(conn, stmt, ["x"], batch_rows=10))
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------ merging
def test_a_hashed_stage_merges_like_merge_hashing_itself() -> None:
    table = RawTable("t", {"id": pl.Int64, "amount": pl.Decimal(14, 2), "seen_at": pl.Datetime("us")}, key=("id",))
    frame = pl.DataFrame(
        {"id": [1, 2, 3], "amount": ["1.00", None, "-2.50"], "seen_at": [dt.datetime(2025, 1, 1), None, None]}
    ).with_columns(pl.col("amount").cast(pl.Decimal(14, 2)), pl.lit(None, pl.String).alias("_file"))
    frame = frame.with_columns(pl.lit(None, pl.Int64).alias("_line"), pl.Series("_ord", [2, 0, 1]))
    results = []
    for hashed in (False, True):
        con = duckdb.connect()
        con.execute(
            "CREATE TEMP TABLE stage (id BIGINT, amount DECIMAL(14,2), seen_at TIMESTAMP, _file VARCHAR, _line BIGINT)"
        )
        con.register("batch", frame.to_arrow())
        if hashed:
            con.execute("CREATE OR REPLACE TEMP TABLE stage AS " + hashed_rows_sql(table, "batch"))
        else:
            con.execute("INSERT INTO stage SELECT * EXCLUDE (_ord) FROM batch ORDER BY _ord")
        stats = [merge(con, table, "stage", run_id="r1", scope=MergeScope("s"), snapshot=True, hashed=hashed)]
        con.execute("DELETE FROM stage WHERE id = 2")
        con.execute("UPDATE stage SET amount = 7 WHERE id = 3")
        if hashed:  # a hashed stage carries its hashes: rebuild them as the stage would have them
            con.execute(
                "CREATE OR REPLACE TEMP TABLE stage AS "
                + hashed_rows_sql(table, "(SELECT * EXCLUDE (_row_hash) FROM stage)")
            )
        stats.append(merge(con, table, "stage", run_id="r2", scope=MergeScope("s"), snapshot=True, hashed=hashed))
        rows = con.execute(
            "SELECT * EXCLUDE (_loaded_at, _deleted_at), _deleted_at IS NULL FROM raw.t ORDER BY id"
        ).fetchall()
        results.append((stats, rows))
    assert results[0] == results[1]
    assert results[0][0][1].updated == 1 and results[0][0][1].deleted == 1


def test_merge_hashed_needs_a_staged_table() -> None:
    table = RawTable("t", {"id": pl.Int64}, key=("id",))
    with pytest.raises(TypeError):
        merge(
            duckdb.connect(),
            table,
            pl.DataFrame({"id": [1]}),
            run_id="r",
            scope=MergeScope("s"),
            snapshot=True,
            hashed=True,
        )


# ---------------------------------------------------------------------------------- whole loads
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain paths: SQLAlchemy's result rows, the parse rules as written, merge hashing from an unhashed stage."""
    monkeypatch.setattr(obcms, "FAST_DRIVERS", ())
    monkeypatch.setattr(obcms, "_sqlite_key_order", lambda *a: None)
    monkeypatch.setattr(checked, "parse_text", parse_frame)
    monkeypatch.setattr(obcms, "parse_text", parse_frame)
    real_stage, real_merge = obcms.Stage, obcms.merge
    monkeypatch.setattr(obcms, "Stage", lambda con, src, hashed=False, batch_rows=0: real_stage(con, src))
    monkeypatch.setattr(obcms, "merge", lambda *a, hashed=False, **k: real_merge(*a, **k))


def _snapshot(con: duckdb.DuckDBPyConnection, outcomes: list) -> tuple:
    raw = {
        s.name: con.execute(
            f'select * exclude (_loaded_at, _deleted_at), _deleted_at is not null from raw."{s.name}" order by all'
        ).fetchall()
        for s in SOURCE_TABLES
    }
    loads = [
        (
            {k: v for k, v in asdict(o.load).items() if k not in ("started_at", "finished_at")},
            o.rejects,
            o.control_totals,
        )
        for o in outcomes
    ]
    return raw, loads


BAD = [
    "update monitoring_monitoringentry set budget_allocation = '12,000' where title = 'Medical Missions'",
    "update monitoring_monitoringentry set sector = 'health', progress = 150 where title = 'OBC Leadership Summit'",
    "update monitoring_monitoringentryfunding set entry_id = 'not-a-uuid' where tranche_type = 'adjustment'",
    "update monitoring_monitoringentryfunding set amount = 0.30000000000000004 where tranche_type = 'release'",
    "update mana_need set updated_at = 'yesterday' where id = 1",
    "update common_barangay set population_total = 200.5, is_urban = 'maybe' where id = 2",
    "update common_barangay set created_at = ' 2025-01-15 08:30:00' where id = 1",
    "update common_province set updated_at = '2025-06-30T16:00:05+08:00' where id = 1",
]


def _run(url: str, monkeypatch: pytest.MonkeyPatch, plain: bool, steps) -> list[tuple]:
    con = duckdb.connect()
    out = []
    with monkeypatch.context() as m:
        if plain:
            _plain(m)
        for run_id, since, change in steps:
            if change:
                change()
            outcomes = obcms.ingest_obcms(url, con, run_id=run_id, since=since)
            out.append(_snapshot(con, outcomes))
    return out


def test_whole_loads_are_the_same_through_the_fast_and_the_plain_paths(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = []
    for plain in (False, True):
        url = tiny_obcms.create(f"sqlite:///{tmp_path / f'obcms-{plain}.sqlite3'}")
        path = url.removeprefix("sqlite:///")

        def sql(*statements: str, path: str = path) -> None:
            db = sqlite3.connect(path)
            db.execute("PRAGMA ignore_check_constraints = ON")
            for s in statements:
                db.execute(s)
            db.commit()
            db.close()

        later = "2025-09-01 09:00:00.000000"
        since = dict.fromkeys(
            (s.name for s in SOURCE_TABLES), tiny_obcms.T1.replace(tzinfo=None) + dt.timedelta(days=1)
        )
        steps = [
            ("r1", None, lambda sql=sql: sql(*BAD)),
            ("r2", None, None),  # the same load again: nothing changes
            (
                "r3",
                since,
                lambda sql=sql, later=later: sql(
                    f"update monitoring_monitoringentry set budget_allocation = 1100000.50, budget_ceiling = 3000000, "
                    f"updated_at = '{later}' where title = 'Barangay Health Stations'",
                    "delete from common_work_item where parent_id is not null",
                    "delete from monitoring_monitoringentryfunding where tranche_type = 'adjustment'",
                    "delete from mana_needscategory",
                ),
            ),
        ]
        results.append(_run(url, monkeypatch, plain, steps))
    fast, plain = results
    for step, (a, b) in enumerate(zip(fast, plain, strict=True)):
        assert a[0] == b[0], f"raw rows differ after step {step}"
        assert a[1] == b[1], f"loads or rejects differ after step {step}"
    # the checks really ran: rejects, an incremental read and deletions are all there
    loads = {load["table_name"]: (load, rejects) for load, rejects, _ in fast[0][1]}
    assert loads["monitoring_monitoringentry"][0]["rows_rejected"] == 2
    assert {r.column_name for r in loads["common_barangay"][1]} >= {"population_total", "is_urban"}
    third = {load["table_name"]: load for load, _, _ in fast[2][1]}
    assert third["common_work_item"]["rows_deleted"] == 1 and third["mana_needscategory"]["rows_deleted"] == 1
    assert third["monitoring_monitoringentry"]["rows_read"] == 1


def test_progress_counts_what_is_read(tiny_sqlite: str) -> None:
    seen: dict[str, list[tuple[int, int]]] = {}
    obcms.ingest_obcms(
        tiny_sqlite,
        duckdb.connect(),
        run_id="r",
        progress=lambda t, done, total: seen.setdefault(t, []).append((done, total)),
    )
    expected = {t.name: len(rows) for t, rows in tiny_obcms.rows().items()}
    for src in SOURCE_TABLES:
        n = expected.get(src.name, 0)
        assert seen[src.name][0] == (0, n) and seen[src.name][-1] == (n, n), src.name
    assert SOURCE_BY_NAME  # registry loaded


# ------------------------------------------------------------------------------ SQLite: key order from the index
def _shuffled_ledger(path: str) -> None:
    """Ledger rows stored in the opposite of their key order, after the tiny ledger's in key order, bad values among
    them, across several batches."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA ignore_check_constraints = ON")
    entry = tiny_obcms.PPA_MOH_25.replace("-", "")
    for i in range(12, 0, -1):  # inserted with descending ids: storage order is the reverse of key order
        amount = {3: "'12,000'", 7: "'1.005'"}.get(i, str(100 + i))
        tranche = "'refund'" if i in (5, 7) else "'disbursement'"
        entry_id = "'not-a-uuid'" if i == 9 else repr(entry)
        db.execute(
            "insert into monitoring_monitoringentryfunding (id, entry_id, tranche_type, amount, funding_source, "
            f"funding_source_other, remarks, created_at, updated_at) values ('ff{i:030x}', "
            f"{entry_id}, {tranche}, {amount}, '', '', '', '2025-01-01 00:00:00', "
            f"'{'not a time' if i == 11 else '2025-09-01 00:00:00'}')"
        )
    db.commit()
    db.close()


def _load_ledger(url: str, batch_rows: int, incremental: bool) -> tuple:
    engine = obcms.open_source(url)
    con = duckdb.connect()
    src = SOURCE_BY_NAME["monitoring_monitoringentryfunding"]
    try:
        if incremental:  # a first load, then the rows updated since July: only the shuffled ones
            obcms.load_table(engine, con, src, source_name="obcms", run_id="r0", batch_rows=batch_rows)
        o = obcms.load_table(
            engine,
            con,
            SOURCE_BY_NAME["monitoring_monitoringentryfunding"],
            source_name="obcms",
            run_id="r",
            batch_rows=batch_rows,
            since=dt.datetime(2025, 7, 1) if incremental else None,
        )
    finally:
        engine.dispose()
    stored = con.execute(  # no ORDER BY: the order rows were written in
        "select id, amount, _row_hash from raw.monitoring_monitoringentryfunding"
    ).fetchall()
    load = {k: v for k, v in asdict(o.load).items() if k not in ("started_at", "finished_at")}
    return load, o.rejects, o.control_totals, stored


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
@pytest.mark.parametrize("batch_rows", [1, 2, 5, 1000])
def test_a_ledger_read_in_storage_order_is_numbered_and_written_in_key_order(
    tiny_sqlite: str, monkeypatch: pytest.MonkeyPatch, batch_rows: int, incremental: bool
) -> None:
    _shuffled_ledger(tiny_sqlite.removeprefix("sqlite:///"))
    used = []
    real = obcms._sqlite_key_order
    monkeypatch.setattr(obcms, "_sqlite_key_order", lambda *a: used.append(r := real(*a)) or r)
    fast = _load_ledger(tiny_sqlite, batch_rows, incremental)
    assert used and used[0] is not None  # the index was walked for the key order only
    with monkeypatch.context() as m:
        _plain(m)
        plain = _load_ledger(tiny_sqlite, batch_rows, incremental)
    assert fast[0] == plain[0]
    assert [asdict(r) for r in fast[1]] == [asdict(r) for r in plain[1]]  # row numbers, and their order
    assert fast[2] == plain[2]
    assert fast[3] == plain[3]  # same rows and hashes, written in the same order
    assert fast[0]["rows_rejected"] == len(fast[1]) == 5
    assert fast[0]["rows_read"] == (12 if incremental else 16)


def test_the_key_order_path_is_not_taken_where_reading_in_key_order_is_cheap(tiny_sqlite: str) -> None:
    engine = obcms.open_source(tiny_sqlite)
    try:
        with engine.connect() as conn:
            for name, walks_an_index in (("mana_need", False), ("monitoring_monitoringentryfunding", True)):
                src = SOURCE_BY_NAME[name]  # mana_need: an INTEGER PRIMARY KEY, already the storage order
                order = obcms._sqlite_key_order(conn, src, obcms._select_as_text(src, None, "sqlite"), 10)
                assert (order is not None) == walks_an_index, name
    finally:
        engine.dispose()
    db = sqlite3.connect(tiny_sqlite.removeprefix("sqlite:///"))
    db.execute("create table ledger_copy as select * from monitoring_monitoringentryfunding")
    db.execute("drop table monitoring_monitoringentryfunding")
    db.execute("create view monitoring_monitoringentryfunding as select * from ledger_copy")  # no rowid
    db.commit()
    db.close()
    engine = obcms.open_source(tiny_sqlite)
    try:
        with engine.connect() as conn:
            src = SOURCE_BY_NAME["monitoring_monitoringentryfunding"]
            assert obcms._sqlite_key_order(conn, src, obcms._select_as_text(src, None, "sqlite"), 10) is None
        outcome = obcms.load_table(engine, duckdb.connect(), src, source_name="obcms", run_id="r")
        assert outcome.load.rows_loaded == 4
    finally:
        engine.dispose()
