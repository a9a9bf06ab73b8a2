"""The ``files`` source: CSV, XLSX and Parquet files named after OBCMS tables, checked like the database."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import warnings
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa
import xlsxwriter

from ingest.files import load
from ingest.home import ConfigError
from ingest.obcms import ingest_obcms
from ingest.obcms_schema import SOURCE_BY_NAME, SOURCE_TABLES
from ingest.raw import META_COLUMNS
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.warehouse import polars_type
from tests import tiny_obcms

PPA = "monitoring_monitoringentry"
NEED = "mana_need"
FUNDING = "monitoring_monitoringentryfunding"


# ------------------------------------------------------------------------------------------ the data
@pytest.fixture(scope="module")
def typed() -> dict[str, tuple[list[str], list[tuple]]]:
    """The tiny OBCMS dataset as OBCMS holds it (typed, read back from SQLite), PII columns included."""
    return _typed_rows("sqlite://", with_pii=True)


def _typed_rows(url: str, with_pii: bool = False) -> dict[str, tuple[list[str], list[tuple]]]:
    engine = sa.create_engine(url)
    tiny_obcms_in(engine)
    out = {}
    with engine.connect() as conn:
        for src in SOURCE_TABLES:
            cols = list(src.table.c) if with_pii else src.columns
            names = [str(c.name) for c in cols]
            rows = conn.execute(sa.select(*cols).order_by(*[src.table.c[k] for k in src.key])).all()
            out[src.name] = (names, [tuple(r) for r in rows])
    engine.dispose()
    return out


def tiny_obcms_in(engine: sa.Engine) -> None:
    """Fill an in-memory engine with the tiny dataset (``tiny_obcms.create`` disposes its own engine)."""
    from ingest import obcms_schema as s

    s.metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(s.common_region)).scalar_one():
            return
        for table in s.metadata.sorted_tables:
            for row in tiny_obcms.rows().get(table) or []:
                conn.execute(table.insert().values(**row))


def text_of(value: object) -> str:
    """A value as an office's CSV export would write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def write_csv(path: Path, names: list[str], rows: list[tuple | list], *, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(names)
        for row in rows:
            w.writerow([v if isinstance(v, str) else text_of(v) for v in row])
    return path


def write_xlsx(path: Path, names: list[str], rows: list[tuple | list]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("data")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, names)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                sheet.write_boolean(r, c, v)
            elif isinstance(v, int | float | Decimal):
                sheet.write_number(r, c, float(v))
            elif isinstance(v, dt.datetime) and not v.microsecond:
                sheet.write_datetime(r, c, v, moment)  # Excel keeps milliseconds at best: finer ones as text
            elif isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                sheet.write_datetime(r, c, dt.datetime.combine(v, dt.time()), day)
            else:
                sheet.write_string(r, c, text_of(v))
    book.close()
    return path


def write_parquet(path: Path, table: str, names: list[str], rows: list[tuple | list]) -> Path:
    cols = {str(c.name): c for c in SOURCE_BY_NAME[table].table.c}
    schema = {}
    for n in names:
        t = polars_type(cols[n]) if n in cols else pl.String
        schema[n] = pl.Datetime("us", "UTC") if isinstance(t, pl.Datetime) else t
    data = [
        [json.dumps(v) if isinstance(v, list | dict) else v for v in row]  # JSON columns travel as JSON text
        for row in rows
    ]
    pl.DataFrame(data, schema=schema, orient="row").write_parquet(path)
    return path


def write(folder: Path, table: str, fmt: str, names: list[str], rows: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.{fmt}"
    if fmt == "csv":
        return write_csv(path, names, rows)
    if fmt == "xlsx":
        return write_xlsx(path, names, rows)
    return write_parquet(path, table, names, rows)


def without_pii(typed: dict, table: str) -> tuple[list[str], list[list]]:
    names, rows = typed[table]
    pii = SOURCE_BY_NAME[table].pii
    keep = [i for i, n in enumerate(names) if n not in pii]
    return [names[i] for i in keep], [[row[i] for i in keep] for row in rows]


# ------------------------------------------------------------------------------------------ loading
class Run:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.progress: list[tuple[str, int, int]] = []


def run_files(
    con: duckdb.DuckDBPyConnection, folder: Path, *, name: str = "moh_files", run_id: str = "run-1", **options
) -> tuple[dict[str, TableOutcome], Run]:
    run = Run()
    ctx = LoadContext(
        con=con,
        run_id=run_id,
        source={"name": name, "kind": "files", "path": str(folder), **options},
        base_dir=folder.parent,
        progress=lambda n, d, t: run.progress.append((n, d, t)),
        say=run.said.append,
    )
    return {o.load.table_name: o for o in load(ctx)}, run


def content(con: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> list[tuple]:
    meta = ", ".join(META_COLUMNS)
    return con.execute(f'select * exclude ({meta}) from raw."{table}" where {where} order by all').fetchall()


def small_folder(typed: dict, folder: Path, fmt: str = "csv") -> Path:
    for table in (PPA, NEED, FUNDING):
        names, rows = without_pii(typed, table)
        write(folder, table, fmt, names, rows)
    return folder


def rows_of(typed: dict, table: str) -> tuple[list[str], list[list[str]]]:
    """A table as CSV text cells, to edit by column name."""
    names, rows = without_pii(typed, table)
    return names, [[text_of(v) for v in row] for row in rows]


def set_cell(names: list[str], row: list[str], column: str, value: str) -> None:
    row[names.index(column)] = value


# ------------------------------------------------------------------------------------------ happy paths
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_files_load_the_same_rows_as_the_database(typed: dict, tmp_path: Path, fmt: str) -> None:
    for table in SOURCE_BY_NAME:
        names, rows = typed[table]  # PII columns included: they must be dropped
        write(tmp_path / "in", table, fmt, names, rows)
    files_con, db_con = duckdb.connect(), duckdb.connect()
    outcomes, run = run_files(files_con, tmp_path / "in")
    db = {
        o.load.table_name: o
        for o in ingest_obcms(
            tiny_obcms.create(f"sqlite:///{tmp_path / 'o.db'}"), db_con, run_id="r", source_name="obcms"
        )
    }
    assert set(outcomes) == set(SOURCE_BY_NAME)
    for table, o in outcomes.items():
        assert not o.rejects, (table, o.rejects[:3])
        assert (o.load.rows_read, o.load.rows_loaded, o.load.rows_rejected) == (
            db[table].load.rows_read,
            db[table].load.rows_loaded,
            0,
        ), table
        assert (o.load.rows_inserted, o.load.rows_updated, o.load.rows_deleted) == (o.load.rows_read, 0, 0)
        assert o.load.status == "loaded"
        assert o.control_totals == db[table].control_totals, table
        assert content(files_con, table) == content(db_con, table), table
    # every row knows where it came from
    where = files_con.execute(f"select _file, _line, _source from raw.{FUNDING} order by _line").fetchall()
    first = 2 if fmt != "parquet" else 1
    assert where == [(f"{FUNDING}.{fmt}", first + i, "moh_files") for i in range(4)]
    assert files_con.execute(f"select sum(budget_allocation) from raw.{PPA} where category = 'moa_ppa'").fetchall() == [
        (tiny_obcms.BUDGET_TOTAL,)
    ]
    assert any("PII" in line and "requester_name" in line for line in run.said)
    assert (f"{PPA}.{fmt}", 4, 4) in run.progress


def test_repeat_load_changes_nothing(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in", "xlsx")
    con = duckdb.connect()
    run_files(con, folder, run_id="run-1")
    before = con.execute(f"select * from raw.{PPA} order by id").fetchall()
    outcomes, _ = run_files(con, folder, run_id="run-2")
    for o in outcomes.values():
        assert o.load.rows_unchanged == o.load.rows_read > 0
        assert (o.load.rows_inserted, o.load.rows_updated, o.load.rows_deleted) == (0, 0, 0)
    assert con.execute(f"select * from raw.{PPA} order by id").fetchall() == before  # not even _run_id moved


def test_a_changed_row_replaces_the_old_one(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    con = duckdb.connect()
    run_files(con, folder)
    names, rows = rows_of(typed, PPA)
    row = next(r for r in rows if r[names.index("id")] == tiny_obcms.PPA_OOBC_25)
    set_cell(names, row, "budget_allocation", "300000.00")
    write_csv(folder / f"{PPA}.csv", names, rows)
    outcomes, _ = run_files(con, folder, run_id="run-2")
    o = outcomes[PPA]
    assert (o.load.rows_updated, o.load.rows_unchanged, o.load.rows_inserted, o.load.rows_deleted) == (1, 3, 0, 0)
    assert con.execute(
        f"select budget_allocation, _run_id from raw.{PPA} where id = ?", [tiny_obcms.PPA_OOBC_25]
    ).fetchall() == [(Decimal("300000.00"), "run-2")]
    assert con.execute(f"select count(*) from raw.{PPA}").fetchall() == [(4,)]
    assert o.control_totals["budget_allocation"] == (Decimal("1800000.50"), Decimal("1800000.50"))


def test_a_row_missing_from_the_next_delivery_is_marked_deleted(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in", "parquet")
    con = duckdb.connect()
    run_files(con, folder)
    names, rows = without_pii(typed, FUNDING)
    write_parquet(folder / f"{FUNDING}.parquet", FUNDING, names, rows[:3])
    outcomes, _ = run_files(con, folder, run_id="run-2")
    o = outcomes[FUNDING]
    assert (o.load.rows_read, o.load.rows_unchanged, o.load.rows_deleted) == (3, 3, 1)
    gone = con.execute(f"select id, _run_id from raw.{FUNDING} where _deleted_at is not null").fetchall()
    assert gone == [(rows[3][names.index("id")], "run-2")]
    assert con.execute(f"select count(*) from raw.{FUNDING}").fetchall() == [(4,)]  # kept, never dropped
    # sent again, it comes back
    write_parquet(folder / f"{FUNDING}.parquet", FUNDING, names, rows)
    outcomes, _ = run_files(con, folder, run_id="run-3")
    assert outcomes[FUNDING].load.rows_updated == 1
    assert con.execute(f"select count(*) from raw.{FUNDING} where _deleted_at is null").fetchall() == [(4,)]


def test_other_sources_rows_in_the_same_table_are_never_touched(typed: dict, tmp_path: Path, tiny_sqlite: str) -> None:
    con = duckdb.connect()
    ingest_obcms(tiny_sqlite, con, run_id="run-0", source_name="obcms")
    obcms_rows = con.execute(f"select * from raw.{FUNDING} where _source = 'obcms' order by id").fetchall()
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    write_csv(folder / f"{FUNDING}.csv", names, rows[:1])
    outcomes, _ = run_files(con, folder, name="moh_files")
    assert outcomes[FUNDING].load.rows_inserted == 1  # the same key under another source is another row
    write_csv(folder / f"{FUNDING}.csv", names, rows[1:2])
    outcomes, _ = run_files(con, folder, name="moh_files", run_id="run-2")
    assert (outcomes[FUNDING].load.rows_inserted, outcomes[FUNDING].load.rows_deleted) == (1, 1)
    assert con.execute(f"select * from raw.{FUNDING} where _source = 'obcms' order by id").fetchall() == obcms_rows


def test_pii_columns_are_dropped_and_never_loaded(typed: dict, tmp_path: Path) -> None:
    names, rows = typed[PPA]
    assert {"requester_name", "requester_email", "requester_contact_number"} <= set(names)
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in" / f"{PPA}.csv", names, rows)
    con = duckdb.connect()
    outcomes, run = run_files(con, tmp_path / "in")
    assert outcomes[PPA].load.rows_loaded == 4
    columns = {r[0] for r in con.execute(f"describe raw.{PPA}").fetchall()}
    assert not columns & SOURCE_BY_NAME[PPA].pii
    dump = " ".join(str(v) for row in con.execute(f"select * from raw.{PPA}").fetchall() for v in row)
    for value in tiny_obcms.PII_VALUES:
        assert value not in dump
    assert not any(value in line for line in run.said for value in tiny_obcms.PII_VALUES)
    [note] = [line for line in run.said if "PII" in line]
    assert f"{PPA}.csv" in note and "requester_name" in note and "not loaded" in note


def test_columns_in_any_order_and_optional_ones_left_out(typed: dict, tmp_path: Path) -> None:
    names, rows = rows_of(typed, FUNDING)
    dropped = "scheduled_date"  # nullable in OBCMS: a file may leave it out
    assert SOURCE_BY_NAME[FUNDING].table.c[dropped].nullable
    order = [i for i in reversed(range(len(names))) if names[i] != dropped]
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in" / f"{FUNDING}.csv", [names[i] for i in order], [[r[i] for i in order] for r in rows])
    con = duckdb.connect()
    outcomes, run = run_files(con, tmp_path / "in")
    assert outcomes[FUNDING].load.rows_loaded == 4
    assert con.execute(f"select sum(amount) from raw.{FUNDING}").fetchall() == [(Decimal("2000000.75"),)]
    assert any(dropped in line and "not in the file" in line for line in run.said)


def test_progress_counts_and_control_totals(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    outcomes, run = run_files(duckdb.connect(), folder)
    assert [p for p in run.progress if p[0] == f"{FUNDING}.csv"][-1] == (f"{FUNDING}.csv", 4, 4)
    assert outcomes[FUNDING].control_totals == {"amount": (Decimal("2000000.75"), Decimal("2000000.75"))}
    assert any(line.startswith(f"{FUNDING}.csv -> raw.{FUNDING}: 4 rows read, 4 loaded") for line in run.said)


# ------------------------------------------------------------------------------------------ bad rows
def _reject_folder(typed: dict, folder: Path, fmt: str, table: str, edit) -> Path:
    """The small folder in CSV, with ``table`` rewritten in ``fmt`` after ``edit(names, rows)``."""
    small_folder(typed, folder)
    names, rows = without_pii(typed, table)
    rows = [list(r) for r in rows]
    edit(names, rows)
    (folder / f"{table}.csv").unlink()
    write(folder, table, fmt, names, rows)
    return folder


def _only_reject(outcomes: dict, table: str) -> object:
    o = outcomes[table]
    assert o.load.status == "loaded_with_rejects"
    assert o.load.rows_read == o.load.rows_loaded + o.load.rows_rejected
    [reject] = o.rejects
    for other, full in ((PPA, 4), (NEED, 1), (FUNDING, 4)):  # the good rows of every file still load
        if other != table:
            assert outcomes[other].load.rows_loaded == full, other
    assert o.load.rows_loaded == {PPA: 4, NEED: 1, FUNDING: 4}[table] - 1
    return reject


def _by_title(title: str):
    def find(names: list[str], rows: list[list]) -> list:
        return next(r for r in rows if r[names.index("title")] == title)

    return find


def test_budget_that_is_not_a_number_is_rejected_with_its_line(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        row = _by_title("Medical Missions")(names, rows)
        row[names.index("budget_allocation")] = "12,000"  # written with a thousands separator

    con = duckdb.connect()
    outcomes, _ = run_files(con, _reject_folder(typed, tmp_path / "in", "csv", PPA, edit))
    r = _only_reject(outcomes, PPA)
    assert (r.column_name, r.check_name, r.failure_value) == ("budget_allocation", "parse", "12,000")
    assert "must be a number" in r.reason
    assert r.location == f"{PPA}.csv:4"  # by key order: third data row, line 4
    assert r.row_key == tiny_obcms.PPA_MOH_26


def test_negative_budget_in_a_spreadsheet_is_rejected_with_its_row(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        row = _by_title("OBC Leadership Summit")(names, rows)
        row[names.index("budget_allocation")] = Decimal("-5")
        row[names.index("budget_obc_allocation")] = None

    outcomes, _ = run_files(duckdb.connect(), _reject_folder(typed, tmp_path / "in", "xlsx", PPA, edit))
    r = _only_reject(outcomes, PPA)
    assert r.column_name == "budget_allocation" and "must not be negative: -5" in r.reason
    assert r.location == f"{PPA}.xlsx:3"
    # read totals include the parsed negative value, loaded totals do not
    read, loaded = outcomes[PPA].control_totals["budget_allocation"]
    assert (read, loaded) == (Decimal("1499995.50"), Decimal("1500000.50"))


def test_choice_obcms_does_not_have_is_rejected_with_its_parquet_row(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        _by_title("Medical Missions")(names, rows)[names.index("sector")] = "health"

    outcomes, _ = run_files(duckdb.connect(), _reject_folder(typed, tmp_path / "in", "parquet", PPA, edit))
    r = _only_reject(outcomes, PPA)
    assert r.column_name == "sector" and "does not allow: 'health'" in r.reason
    assert r.location == f"{PPA}.parquet:3"  # the third row of the file


def test_impossible_date_is_rejected(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        _by_title("Medical Missions")(names, rows)[names.index("start_date")] = "2025-02-30"

    outcomes, _ = run_files(duckdb.connect(), _reject_folder(typed, tmp_path / "in", "csv", PPA, edit))
    r = _only_reject(outcomes, PPA)
    assert r.column_name == "start_date" and "must be a date" in r.reason and r.location == f"{PPA}.csv:4"


def test_malformed_uuid_is_rejected(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        rows[3][names.index("entry_id")] = "not-a-uuid"

    outcomes, _ = run_files(duckdb.connect(), _reject_folder(typed, tmp_path / "in", "csv", FUNDING, edit))
    r = _only_reject(outcomes, FUNDING)
    assert (r.column_name, r.failure_value, r.location) == ("entry_id", "not-a-uuid", f"{FUNDING}.csv:5")
    assert "must be a UUID" in r.reason


def test_duplicate_keys_reject_every_copy_with_each_line(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        rows[2][names.index("id")] = rows[0][names.index("id")]

    con = duckdb.connect()
    outcomes, _ = run_files(con, _reject_folder(typed, tmp_path / "in", "csv", FUNDING, edit))
    o = outcomes[FUNDING]
    assert (o.load.rows_read, o.load.rows_loaded, o.load.rows_rejected) == (4, 2, 2)
    assert {r.check_name for r in o.rejects} == {"duplicate_key"}
    assert sorted(r.location for r in o.rejects) == [f"{FUNDING}.csv:2", f"{FUNDING}.csv:4"]
    assert outcomes[PPA].load.rows_loaded == 4 and outcomes[NEED].load.rows_loaded == 1


def test_spreadsheet_error_value_rejects_its_row(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = without_pii(typed, FUNDING)
    (folder / f"{FUNDING}.csv").unlink()
    book = xlsxwriter.Workbook(str(folder / f"{FUNDING}.xlsx"))
    sheet = book.add_worksheet("Tranches")
    book.add_worksheet("Notes")
    sheet.write_row(0, 0, names)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if r == 3 and names[c] == "remarks":
                sheet.write_formula(r, c, "=1/0", None, "#DIV/0!")
            elif v not in (None, ""):
                sheet.write_string(r, c, text_of(v))
    book.close()
    con = duckdb.connect()
    outcomes, run = run_files(con, folder)
    r = _only_reject(outcomes, FUNDING)
    assert (r.column_name, r.check_name, r.failure_value, r.location, r.row_key) == (
        "remarks",
        "spreadsheet_error",
        "#DIV/0!",
        f"{FUNDING}.xlsx:4",
        rows[2][names.index("id")],
    )
    assert "fix the formula" in r.reason
    assert con.execute(f"select _line from raw.{FUNDING} order by _line").fetchall() == [(2,), (3,), (5,)]
    assert f"{FUNDING}.xlsx: only the first sheet, 'Tranches', is read (the workbook also has 'Notes')" in run.said


def test_bom_windows_line_ends_and_blank_lines(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    body = "\r\n".join([",".join(names), ",".join(rows[0]), "", ",".join(rows[1]), "," * (len(names) - 1), ""])
    (folder / f"{FUNDING}.csv").write_bytes(b"\xef\xbb\xbf" + body.encode())
    con = duckdb.connect()
    outcomes, _ = run_files(con, folder)
    assert outcomes[FUNDING].load.rows_loaded == 2
    assert con.execute(f"select _line from raw.{FUNDING} order by _line").fetchall() == [(2,), (4,)]


def test_lines_count_physical_lines_when_a_value_spans_several(typed: dict, tmp_path: Path) -> None:
    def edit(names: list[str], rows: list[list]) -> None:
        rows[0][names.index("remarks")] = "first tranche,\nreleased late"  # quoted, two lines
        rows[2][names.index("amount")] = "lots"

    outcomes, _ = run_files(duckdb.connect(), _reject_folder(typed, tmp_path / "in", "csv", FUNDING, edit))
    r = _only_reject(outcomes, FUNDING)
    assert r.location == f"{FUNDING}.csv:5"  # header 1, record 1 on lines 2-3, record 2 on 4, record 3 on 5


# ------------------------------------------------------------------------------------------ bad files
def _fails(folder: Path, *, con: duckdb.DuckDBPyConnection | None = None, **options) -> str:
    """The message of the SourceError loading ``folder`` raises: it names the file by its path, shortened here."""
    with pytest.raises(SourceError) as info:
        run_files(con or duckdb.connect(), folder, **options)
    message = str(info.value)
    assert message.startswith(str(folder)), message
    return message.replace(f"{folder}/", "")


def test_file_not_named_after_a_table(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / f"{NEED}.csv").rename(folder / "mana_needs.csv")
    message = _fails(folder)
    assert message.startswith("mana_needs.csv: 'mana_needs' is not an OBCMS table (did you mean mana_need.csv?)")
    assert "monitoring_monitoringentry" in message  # the valid names are listed


def test_empty_file(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / f"{NEED}.csv").write_bytes(b"")
    assert _fails(folder).endswith(f"{NEED}.csv: the file is empty")


def test_header_only_file_is_refused_unless_allowed(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    con = duckdb.connect()
    run_files(con, folder)
    names, _ = rows_of(typed, FUNDING)
    write_csv(folder / f"{FUNDING}.csv", names, [])
    message = _fails(folder, con=con)
    assert message.startswith(f"{FUNDING}.csv: the file has column names but no rows")
    assert "mark all 4 rows" in message and "allow_empty = true" in message
    assert con.execute(f"select count(*) from raw.{FUNDING} where _deleted_at is null").fetchall() == [(4,)]
    outcomes, _ = run_files(con, folder, run_id="run-2", allow_empty=True)
    assert (outcomes[FUNDING].load.rows_read, outcomes[FUNDING].load.rows_deleted) == (0, 4)
    assert con.execute(f"select count(*) from raw.{FUNDING} where _deleted_at is null").fetchall() == [(0,)]
    # with nothing left to delete, an empty file is simply an empty table
    outcomes, _ = run_files(con, folder, run_id="run-3")
    assert (outcomes[FUNDING].load.rows_read, outcomes[FUNDING].load.status) == (0, "loaded")
    with pytest.raises(ConfigError, match="`allow_empty` must be true or false"):
        run_files(con, folder, allow_empty="yes")


def test_csv_that_is_not_utf8_names_the_line(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, PPA)
    rows[1][names.index("title")] = "Pagtitipon sa Dumalinao, Zamboanga del Sur — Niño"
    write_csv(folder / f"{PPA}.csv", names, rows, encoding="cp1252")
    message = _fails(folder)
    assert f"{PPA}.csv: line 3: not UTF-8 text" in message and "save the file as UTF-8" in message


def test_file_over_the_size_limit(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    message = _fails(folder, max_file_mb=0.001)
    assert f"{PPA}.csv: " in message and "over the 0.0 MB limit" in message and "max_file_mb" in message


def test_corrupt_xlsx(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    good = write_xlsx(tmp_path / "good.xlsx", *rows_of(typed, NEED)).read_bytes()
    (folder / f"{NEED}.csv").unlink()
    (folder / f"{NEED}.xlsx").write_bytes(good[: len(good) // 2])  # cut short in transfer
    message = _fails(folder)
    assert message.startswith(f"{NEED}.xlsx: not a readable XLSX workbook")


def test_csv_saved_with_an_xlsx_name(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / f"{NEED}.csv").rename(folder / f"{NEED}.xlsx")
    assert _fails(folder).startswith(f"{NEED}.xlsx: not a readable XLSX workbook")


def test_corrupt_parquet(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / f"{NEED}.csv").unlink()
    good = write_parquet(tmp_path / "good.parquet", NEED, *without_pii(typed, NEED)).read_bytes()
    (folder / f"{NEED}.parquet").write_bytes(good[:-20])
    assert _fails(folder).startswith(f"{NEED}.parquet: not a readable Parquet file")


def test_ragged_csv_row_names_the_line(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    path = write_csv(folder / f"{FUNDING}.csv", names, rows)
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    message = _fails(folder)
    assert message.startswith(f"{FUNDING}.csv: line 3: {len(names) + 1} values, but the header has {len(names)}")


def test_stray_quote_names_the_line(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    path = write_csv(folder / f"{FUNDING}.csv", names, rows)
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",adjustment,", ',"adjust"ment,').replace(",disbursement,", ',"disburse"ment,')
    path.write_text("\n".join(lines) + "\n")
    message = _fails(folder)
    assert message.startswith(f"{FUNDING}.csv: line 4: not valid CSV")


def test_missing_required_column_names_it(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    keep = [i for i, n in enumerate(names) if n not in ("amount", "tranche_type")]
    write_csv(folder / f"{FUNDING}.csv", [names[i] for i in keep], [[r[i] for i in keep] for r in rows])
    message = _fails(folder)
    assert message.startswith(f"{FUNDING}.csv: missing required columns tranche_type, amount")


def test_quote_never_closed_names_the_lines(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    path = write_csv(folder / f"{FUNDING}.csv", names, rows)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",obligation,", ',"obligation,')
    path.write_text("\n".join(lines) + "\n")
    message = _fails(folder)
    assert message.startswith(f"{FUNDING}.csv: lines 3-5: not valid CSV")


def test_misspelt_column_is_not_silently_dropped(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, PPA)
    names[names.index("budget_allocation")] = "budget_alocation"
    write_csv(folder / f"{PPA}.csv", names, rows)
    message = _fails(folder)
    assert message.startswith(f"{PPA}.csv: unknown column 'budget_alocation' (column ")
    assert "did you mean budget_allocation?" in message


def test_unknown_column_in_a_spreadsheet_names_its_letter(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = without_pii(typed, NEED)
    (folder / f"{NEED}.csv").unlink()
    write_xlsx(folder / f"{NEED}.xlsx", ["id", *names[1:], "Remarks (MOH)"], rows)
    message = _fails(folder)
    from openpyxl.utils import get_column_letter

    assert f"{NEED}.xlsx: unknown column 'Remarks (MOH)' (column {get_column_letter(len(names) + 1)})" in message


@pytest.mark.parametrize("extra", ["header", "row"])
def test_a_rejected_spreadsheet_leaves_no_file_open(typed: dict, tmp_path: Path, extra: str) -> None:
    """A workbook that fails in its header or in a row is closed at once, not whenever the collector runs."""
    folder = small_folder(typed, tmp_path / "in")
    names, rows = without_pii(typed, NEED)
    (folder / f"{NEED}.csv").unlink()
    if extra == "header":
        write_xlsx(folder / f"{NEED}.xlsx", [*names, "Remarks (MOH)"], rows)
    else:
        write_xlsx(
            folder / f"{NEED}.xlsx", names, [list(r) + (["stray"] if i == 0 else []) for i, r in enumerate(rows)]
        )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _fails(folder)
        gc.collect()
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []


def test_same_column_twice(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    write_csv(folder / f"{FUNDING}.csv", [*names, "amount"], [[*r, "1"] for r in rows])
    message = _fails(folder)
    assert f"{FUNDING}.csv: column amount appears twice (column {names.index('amount') + 1} and " in message


def test_values_in_a_column_without_a_name(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, FUNDING)
    write_csv(folder / f"{FUNDING}.csv", [*names, ""], [[*r, "note" if i == 1 else ""] for i, r in enumerate(rows)])
    message = _fails(folder)
    assert message.startswith(f"{FUNDING}.csv: line 3: column {len(names) + 1} has no name on line 1 but holds 'note'")


def test_semicolon_separated_csv(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    names, rows = rows_of(typed, NEED)
    (folder / f"{NEED}.csv").write_text(";".join(names) + "\n" + ";".join(rows[0]) + "\n", encoding="utf-8")
    message = _fails(folder)
    assert message.startswith(f"{NEED}.csv: line 1 has a single column name") and "semicolons" in message


def test_spreadsheet_without_column_names_in_row_1(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / f"{NEED}.csv").unlink()
    book = xlsxwriter.Workbook(str(folder / f"{NEED}.xlsx"))
    sheet = book.add_worksheet("Needs")
    names, rows = rows_of(typed, NEED)
    sheet.write_row(2, 0, names)  # a title block above the table
    sheet.write_row(3, 0, rows[0])
    book.close()
    assert _fails(folder) == f"{NEED}.xlsx: row 1 of sheet 'Needs' is empty: it must hold the column names"


def test_two_files_for_one_table(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    write_xlsx(folder / f"{NEED}.xlsx", *without_pii(typed, NEED))
    message = _fails(folder)
    assert f"{NEED} has 2 files ({NEED}.csv, {NEED}.xlsx)" in message and "one file per table" in message


def test_folder_that_does_not_exist(tmp_path: Path) -> None:
    assert _fails(tmp_path / "nowhere") == f"{tmp_path / 'nowhere'}: no such folder"


def test_folder_without_data_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.md").write_text("MOH deliveries\n")
    message = _fails(folder)
    assert message.startswith(f"{folder}: no data files")


def test_other_files_are_ignored_but_a_table_in_another_format_is_not(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    (folder / "README.md").write_text("MOH deliveries\n")
    (folder / f"~${NEED}.xlsx").write_bytes(b"lock")  # Excel's lock file while the workbook is open
    outcomes, run = run_files(duckdb.connect(), folder)
    assert set(outcomes) == {PPA, NEED, FUNDING}
    assert any("ignoring README.md, ~$mana_need.xlsx" in line for line in run.said)
    (folder / "common_region.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert _fails(folder).startswith("common_region.xls: .xls files are not read; save the table as common_region.csv")


def test_a_bad_file_leaves_raw_as_it_was(typed: dict, tmp_path: Path) -> None:
    folder = small_folder(typed, tmp_path / "in")
    con = duckdb.connect()
    run_files(con, folder)
    before = {t: con.execute(f"select * from raw.{t} order by all").fetchall() for t in (PPA, NEED, FUNDING)}
    names, rows = rows_of(typed, PPA)
    write_csv(folder / f"{PPA}.csv", names, rows[:1])  # would delete three PPAs...
    (folder / f"{FUNDING}.csv").write_text("id,entry_id\n")  # ...but this file fails the source
    _fails(folder, con=con, run_id="run-2")
    assert {t: con.execute(f"select * from raw.{t} order by all").fetchall() for t in before} == before
    assert not con.execute("select * from duckdb_tables() where temporary").fetchall()  # nothing left staged


def test_path_is_required() -> None:
    ctx = LoadContext(con=duckdb.connect(), run_id="r", source={"name": "x", "kind": "files"}, base_dir=Path())
    with pytest.raises(ConfigError, match="`path` is required"):
        load(ctx)


# ------------------------------------------------------------------------------------------ rendering
def test_spreadsheet_cells_as_text() -> None:
    from ingest.files import cell_text

    assert cell_text(40) == "40"
    assert cell_text(250000.0) == "250000"
    assert cell_text(1000000.5) == "1000000.5"
    assert cell_text(0.1 + 0.2) == "0.3"  # as Excel shows it
    assert cell_text(1.5e-7) == "0.00000015"
    assert cell_text(True) == "true"
    assert cell_text(dt.datetime(2025, 1, 31)) == "2025-01-31"
    assert cell_text(dt.datetime(2025, 1, 31), timestamp=True) == "2025-01-31 00:00:00"
    assert cell_text(dt.datetime(2025, 1, 31, 8, 30, 0, 123000)) == "2025-01-31 08:30:00.123000"
    assert cell_text(dt.datetime(2025, 1, 31, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))) == (
        "2025-01-31 00:30:00"
    )
    assert cell_text(None) is None


def test_parquet_columns_as_text() -> None:
    from ingest.files import parquet_text

    frame = pl.DataFrame(
        {
            "f": [40.0, 1.25, None],
            "d": [dt.date(2025, 1, 31), None, None],
            "t": [dt.datetime(2025, 1, 31, 16, 0, 5), None, None],
            "l": [["BDP", "SDG 4"], None, []],
            "b": [True, False, None],
        }
    ).with_columns(tz=pl.col("t").dt.replace_time_zone("Asia/Manila"))
    as_text = {c: parquet_text(frame.get_column(c)).to_list() for c in frame.columns}
    assert as_text["f"] == ["40", "1.25", None]
    assert as_text["d"] == ["2025-01-31", None, None]
    assert as_text["t"][0].startswith("2025-01-31 16:00:05")
    assert as_text["tz"][0].startswith("2025-01-31 08:00:05")  # UTC
    assert as_text["l"] == ['["BDP", "SDG 4"]', None, "[]"]
    assert as_text["b"] == ["true", "false", None]
    with pytest.raises(SourceError, match="column x holds Binary data"):
        parquet_text(pl.Series("x", [b"\x00"]))
