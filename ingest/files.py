"""Files an office sends instead of database access: the ``files`` source kind.

Configuration (one ``[[sources]]`` entry)::

    [[sources]]
    name = "moh_spreadsheets"   # the rows this source loads belong to this name
    kind = "files"
    path = "deliveries/moh"     # a folder
    max_file_mb = 100           # optional: a larger file fails the source
    allow_empty = false         # optional: see "An empty table" below

**Files.** The folder holds one file per OBCMS table, named after the table: ``<table>.csv``, ``<table>.xlsx``
or ``<table>.parquet`` (``monitoring_monitoringentry.csv``, ``mana_need.xlsx``...). Every value is read as
text and then checked exactly as the OBCMS database ingest checks it (``ingest.checked.Stage``):

* CSV: UTF-8 (a byte-order mark is allowed), comma-separated, the column names on line 1;
* XLSX: the first worksheet, the column names in row 1; numbers without a spurious ``.0``, dates and times in
  ISO form (``2025-01-31``, ``2025-01-31 08:30:00``), formulas by their last computed value;
* Parquet: every column rendered as text (dates and timestamps in ISO form, time-zone-aware timestamps in
  UTC, lists and structs as JSON).

Files whose extension is not one of these are ignored (and listed), as are hidden files and Excel's ``~$``
lock files, except that a file named after a table with another extension (``mana_need.xls``) fails the
source: it was clearly meant to be read.

**Columns.** Header names are the OBCMS column names, in any order. PII columns (``SourceTable.pii``) are
dropped as soon as the header is read and never loaded. A column OBCMS declares NOT NULL (or a key) is
required; a nullable one may be left out and loads as empty. An unknown column fails the source, naming it
(a misspelt ``budget_alocation`` must not quietly lose the budgets). CSV and XLSX cannot tell an empty text
from a missing one: a blank is loaded as ``''`` in a NOT NULL text column (as OBCMS stores blank text) and as
null anywhere else. CSV lines and XLSX rows blank in every column are skipped (spreadsheets are full of them).

**Rows.** Each row is checked like a database row: values parse by type, the pandera contract holds; a key
appearing more than once is rejected in every copy. Each reject names its ``file:line``: the CSV line on
which the record starts (the header is line 1), the XLSX row number, or the Parquet row number (1 = first
row). A spreadsheet error value (``#DIV/0!``, ``#REF!``...) rejects its row.

**Snapshots.** A file is the full current content of its table for this source: the rows are merged into
``raw.<table>`` with ``MergeScope(<source name>)`` and ``snapshot=True``. A new key is inserted, a changed row
replaces the old one, an identical re-sent row is left alone, and a key this source loaded before that the
file no longer has is marked deleted. Rows of other sources in the same raw table are never touched. A table
with no file in the folder this time keeps the rows this source loaded before (a message says so).

**An empty table.** A file with the column names but no rows would mark every row this source loaded into
that table deleted, which is far more often an export gone wrong than the truth, so it fails the source
unless the source sets ``allow_empty = true`` (or there is nothing to delete: the table has no live rows of
this source yet).

**Failures.** Every file is read and checked before anything is merged: a problem with any file (unreadable,
too big, empty, not UTF-8, a ragged CSV line, a missing or unknown column, two files for one table...) raises
``SourceError`` naming the file and, where there is one, the line, and ``raw`` is left as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import polars as pl
import sqlalchemy as sa
from openpyxl.utils import get_column_letter

from ingest.checked import Stage, raw_table
from ingest.home import ConfigError
from ingest.obcms_schema import SOURCE_BY_NAME, SourceTable
from ingest.raw import MergeScope, merge
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import Reject, TableLoad
from ingest.textfiles import check_file, read_text
from ingest.warehouse import polars_type

# This kind writes only the OBCMS raw tables, which the pipeline already knows.
RAW_TABLES: tuple = ()

SUFFIXES = (".csv", ".xlsx", ".parquet")
BATCH_ROWS = 50_000
SPREADSHEET_ERROR = "spreadsheet_error"


# ------------------------------------------------------------------------------------------ columns
def required_columns(src: SourceTable) -> list[str]:
    """Columns a file must have: the key and every column OBCMS declares NOT NULL (PII never)."""
    return [str(c.name) for c in src.columns if c.primary_key or not c.nullable]


def _keeps_blank_text(col: sa.Column) -> bool:
    """A NOT NULL text column, where OBCMS stores a blank as ''."""
    return not (col.primary_key or col.nullable) and polars_type(col) == pl.String and not isinstance(col.type, sa.Uuid)


@dataclass
class Layout:
    """How the columns of one file map onto its table."""

    positions: list[int]  # where each loaded column is in the file's rows
    names: list[str]  # the loaded columns, in file order
    width: int  # columns in the header
    unnamed: list[int] = field(default_factory=list)  # header cells without a name: must stay blank
    pii: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # optional columns the file leaves out


def _column_label(pos: int, spreadsheet: bool) -> str:
    if spreadsheet:
        return f"column {get_column_letter(pos + 1)}"
    return f"column {pos + 1}"


def layout(file: str, header: list[str | None], src: SourceTable, *, spreadsheet: bool = False) -> Layout:
    """Match a header against the table; fail naming every duplicate, unknown and missing column at once."""
    known = [str(c.name) for c in src.columns]
    out = Layout([], [], len(header))
    seen: dict[str, int] = {}
    problems: list[str] = []
    for pos, cell in enumerate(header):
        name = (cell or "").strip()
        if not name:
            out.unnamed.append(pos)
            continue
        if name in seen:
            problems.append(
                f"column {name} appears twice ({_column_label(seen[name], spreadsheet)} and "
                f"{_column_label(pos, spreadsheet)})"
            )
            continue
        seen[name] = pos
        if name in src.pii:
            out.pii.append(name)
        elif name in known:
            out.positions.append(pos)
            out.names.append(name)
        else:
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            if not hint:
                hint = [k for k in known if k.lower() == name.lower().replace(" ", "_")]
            problems.append(
                f"unknown column {name!r} ({_column_label(pos, spreadsheet)})"
                + (f": did you mean {hint[0]}?" if hint else f": {src.name} has no such column")
            )
    missing = [c for c in required_columns(src) if c not in seen]
    if missing:
        problems.append(f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if problems:
        raise SourceError(
            f"{file}: {'; '.join(problems)} (the first {'row' if spreadsheet else 'line'} must hold the OBCMS "
            f"column names of {src.name})"
        )
    out.absent = [c for c in known if c not in seen]
    return out


# ------------------------------------------------------------------------------------------ reading
@dataclass
class Batch:
    """Rows of one file as text, in the file's order: the loaded columns, where each row is, bad cells."""

    frame: pl.DataFrame  # String columns named as the table's
    lines: list[int]
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row in batch, column, value)


@dataclass
class FileRead:
    """What reading a file needs and reports besides its rows."""

    path: Path
    src: SourceTable
    max_bytes: int
    say: Callable[[str], None]
    total: int = 0  # rows expected (an estimate until the file is read)
    layout: Layout | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def where(self) -> str:
        """How messages name the file."""
        return str(self.path)


def _frame(rows: list[list[str | None]], names: list[str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")


def read_csv(fr: FileRead) -> Iterator[Batch]:
    text = read_text(fr.path, fr.max_bytes)
    fr.total = max(text.count("\n") - 1, 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # the line the record being read starts on

    def record() -> list[str] | None:
        nonlocal start
        start = reader.line_num + 1
        try:
            return next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            lines = f"line {start}" if reader.line_num <= start else f"lines {start}-{reader.line_num}"
            raise SourceError(
                f"{fr.where}: {lines}: not valid CSV ({exc}); check the quotes of the value(s) there"
            ) from exc

    header = record()
    if not header or not any(h.strip() for h in header):
        raise SourceError(f"{fr.where}: line 1 is blank: the first line must hold the column names")
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        raise SourceError(
            f"{fr.where}: line 1 has a single column name {header[0][:80]!r}: the values seem to be separated by "
            f"{sep}; save the file as CSV with commas"
        )
    lay = fr.layout = layout(fr.where, header, fr.src)
    rows: list[list[str | None]] = []
    lines: list[int] = []
    while (rec := record()) is not None:
        if not any(v.strip() for v in rec):
            continue
        if len(rec) != lay.width:
            raise SourceError(
                f"{fr.where}: line {start}: {len(rec)} values, but the header has {lay.width} columns "
                "(a missing or extra comma, or a value with a comma that is not in quotes)"
            )
        for pos in lay.unnamed:
            if rec[pos].strip():
                raise SourceError(
                    f"{fr.where}: line {start}: {_column_label(pos, False)} has no name on line 1 but holds "
                    f"{rec[pos][:40]!r}; name the column or delete it"
                )
        rows.append([rec[p] for p in lay.positions])
        lines.append(start)
        if len(rows) >= BATCH_ROWS:
            yield Batch(_frame(rows, lay.names), lines)
            rows, lines = [], []
    yield Batch(_frame(rows, lay.names), lines)


def _number_text(value: float) -> str:
    """A spreadsheet number as text: whole numbers without '.0', others as Excel shows them (15 digits)."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    try:
        return format(Decimal(format(value, ".15g")).normalize(), "f")
    except InvalidOperation:  # pragma: no cover - finite floats always convert
        return repr(value)


def cell_text(value: object, timestamp: bool = False) -> str | None:
    """One spreadsheet cell as text; ``timestamp`` when the column is a timestamp (midnight stays explicit)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.time() == dt.time(0) and not timestamp:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_xlsx(fr: FileRead) -> Iterator[Batch]:
    check_file(fr.path, fr.max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            book = openpyxl.load_workbook(fr.path, read_only=True, data_only=True)
    except Exception as exc:
        raise SourceError(
            f"{fr.where}: not a readable XLSX workbook ({type(exc).__name__}: {exc}); "
            "open it in a spreadsheet program and save it again as .xlsx"
        ) from exc
    try:
        yield from _xlsx_rows(fr, book)
    finally:
        book.close()


def _xlsx_rows(fr: FileRead, book: openpyxl.Workbook) -> Iterator[Batch]:
    if not book.worksheets:
        raise SourceError(f"{fr.where}: the workbook has no worksheet")
    sheet = book.worksheets[0]
    if len(book.sheetnames) > 1:
        others = ", ".join(repr(n) for n in book.sheetnames if n != sheet.title)
        fr.say(f"{fr.name}: only the first sheet, {sheet.title!r}, is read (the workbook also has {others})")
    fr.total = max((sheet.max_row or 1) - 1, 1)
    sheet.reset_dimensions()  # the declared size is often wrong: read every cell there is
    cells = sheet.iter_rows()
    try:
        row_number = 0

        def next_row() -> tuple | None:
            nonlocal row_number
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row = next(cells)
            except StopIteration:
                return None
            except Exception as exc:
                raise SourceError(
                    f"{fr.where}: row {row_number + 1}: the worksheet cannot be read ({type(exc).__name__}: {exc})"
                ) from exc
            row_number += 1
            return row

        header_cells = next_row()
        header = [None if c.value is None else cell_text(c.value).strip() for c in header_cells or ()]
        if not any(header):
            raise SourceError(f"{fr.where}: row 1 of sheet {sheet.title!r} is empty: it must hold the column names")
        lay = fr.layout = layout(fr.where, header, fr.src, spreadsheet=True)
        timestamps = {str(c.name) for c in fr.src.columns if isinstance(polars_type(c), pl.Datetime)}
        kinds = [n in timestamps for n in lay.names]
        rows: list[list[str | None]] = []
        lines: list[int] = []
        errors: list[tuple[int, str, str]] = []
        while (row := next_row()) is not None:
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in row):
                continue
            for pos in [*lay.unnamed, *range(lay.width, len(row))]:
                value = row[pos].value if pos < len(row) else None
                if value is not None and str(value).strip():
                    raise SourceError(
                        f"{fr.where}: row {row_number}: {_column_label(pos, True)} has no name in row 1 but holds "
                        f"{str(value)[:40]!r}; name the column or delete it"
                    )
            values = []
            for name, pos, ts in zip(lay.names, lay.positions, kinds, strict=True):
                cell = row[pos] if pos < len(row) else None
                if cell is None or cell.value is None:
                    values.append(None)
                    continue
                if cell.data_type == "e":
                    errors.append((len(rows), name, str(cell.value)))
                values.append(cell_text(cell.value, ts))
            rows.append(values)
            lines.append(row_number)
            if len(rows) >= BATCH_ROWS:
                yield Batch(_frame(rows, lay.names), lines, errors)
                rows, lines, errors = [], [], []
        yield Batch(_frame(rows, lay.names), lines, errors)
    finally:
        # the sheet's zip member stays open until its row generator ends; an error must not leave it open
        cells.close()


def parquet_text(series: pl.Series) -> pl.Series:
    """A Parquet column as text, rendered the way a database renders the same value."""
    dtype = series.dtype
    if dtype == pl.String:
        return series
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return series.cast(pl.String)
    if dtype.is_float():
        whole = series.is_finite() & (series == series.floor()) & (series.abs() < 2**53)
        frame = series.to_frame("v")
        return (
            frame.select(
                pl.when(whole)
                .then(pl.col("v").cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(pl.col("v").cast(pl.String))
            )
            .to_series()
            .alias(series.name)
        )
    if isinstance(dtype, pl.List | pl.Array | pl.Struct):
        values = [None if v is None else json.dumps(v, default=str) for v in series.to_list()]
        return pl.Series(series.name, values, dtype=pl.String)
    if dtype in (pl.Binary, pl.Object):
        raise SourceError(f"column {series.name} holds {dtype} data, not values that can be read as text")
    return series.cast(pl.String)


def read_parquet(fr: FileRead) -> Iterator[Batch]:
    check_file(fr.path, fr.max_bytes)
    try:
        schema = pl.read_parquet_schema(fr.path)
    except Exception as exc:
        raise SourceError(f"{fr.where}: not a readable Parquet file ({type(exc).__name__}: {exc})") from exc
    lay = fr.layout = layout(fr.where, [str(c) for c in schema], fr.src)
    columns = [str(c) for c in schema]
    try:  # only the loaded columns: PII is never even read
        data = pl.read_parquet(fr.path, columns=[columns[p] for p in lay.positions])
    except Exception as exc:
        raise SourceError(f"{fr.where}: the Parquet data cannot be read ({type(exc).__name__}: {exc})") from exc
    fr.total = data.height
    try:
        text = pl.DataFrame([parquet_text(data.get_column(n)) for n in lay.names], schema=lay.names)
    except SourceError as exc:
        raise SourceError(f"{fr.where}: {exc}") from exc
    for start in range(0, max(text.height, 1), BATCH_ROWS):
        part = text.slice(start, BATCH_ROWS)
        yield Batch(part, list(range(start + 1, start + part.height + 1)))


READERS: dict[str, Callable[[FileRead], Iterator[Batch]]] = {
    ".csv": read_csv,
    ".xlsx": read_xlsx,
    ".parquet": read_parquet,
}


# ------------------------------------------------------------------------------------------ checking
def _complete(frame: pl.DataFrame, src: SourceTable, blanks: bool) -> pl.DataFrame:
    """Every column of the table, in order; absent optional ones empty; CSV/XLSX blanks as OBCMS stores them."""
    exprs = []
    for col in src.columns:
        name = str(col.name)
        value = pl.col(name) if name in frame.columns else pl.lit(None, pl.String)
        if blanks:
            if _keeps_blank_text(col):
                value = value.fill_null("")
            else:
                value = pl.when(value.str.strip_chars() == "").then(None).otherwise(value)
        exprs.append(value.cast(pl.String).alias(name))
    return frame.select(exprs)


def _reject_cell_errors(stage: Stage, batch: Batch, file: str) -> Batch:
    """Rows holding a spreadsheet error value are rejected here; the rest go on to the usual checks."""
    if not batch.cell_errors:
        return batch
    dropped = {r for r, _, _ in batch.cell_errors}
    key = batch.frame.select(
        pl.concat_str([pl.col(k) for k in stage.src.key if k in batch.frame.columns], separator="|")
    ).to_series()
    for row, column, value in batch.cell_errors:
        stage.rejects.append(
            Reject(
                stage.src.name,
                None,
                key[row],
                column,
                SPREADSHEET_ERROR,
                value,
                f"{column} holds the spreadsheet error {value}: fix the formula or type the value",
                f"{file}:{batch.lines[row]}",
            )
        )
    stage.rows_read += len(dropped)
    stage.rejected_rows += len(dropped)
    keep = [i for i in range(batch.frame.height) if i not in dropped]
    return Batch(batch.frame.select(pl.all().gather(keep)), [batch.lines[i] for i in keep])


def stage_file(stage: Stage, fr: FileRead, progress: Callable[[str, int, int], None] | None) -> None:
    """Read one file into ``stage``: every row checked, the good ones staged with their file and line."""
    suffix = fr.path.suffix.lower()
    blanks = suffix != ".parquet"  # Parquet tells null from '' itself
    if progress:
        progress(fr.name, 0, 0)
    with closing(READERS[suffix](fr)) as batches:
        for batch in batches:
            checked = _reject_cell_errors(stage, batch, fr.name)
            lines = checked.lines
            stage.add(_complete(checked.frame, fr.src, blanks), locate=lambda pos, lines=lines: (fr.name, lines[pos]))
            if progress:
                progress(fr.name, stage.rows_read, max(fr.total, stage.rows_read))
    if progress:
        progress(fr.name, stage.rows_read, stage.rows_read)


# ------------------------------------------------------------------------------------------ the folder
def data_files(folder: Path, say: Callable[[str], None]) -> list[tuple[SourceTable, Path]]:
    """The folder's data files, one per table, sorted; fail on a name that is not a table or a table twice."""
    if not folder.exists():
        raise SourceError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SourceError(f"{folder}: not a folder (`path` of a files source names the folder holding the files)")
    found: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "~$")) or path.is_dir():
            ignored.append(name + ("/" if path.is_dir() else ""))
            continue
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            stem = name.split(".", 1)[0]
            if stem in SOURCE_BY_NAME:
                raise SourceError(
                    f"{path}: {name[len(stem) :]} files are not read; save the table as "
                    f"{stem}.csv (UTF-8), {stem}.xlsx or {stem}.parquet"
                )
            ignored.append(name)
            continue
        stem = path.name[: -len(suffix)]
        if stem not in SOURCE_BY_NAME:
            hint = difflib.get_close_matches(stem, list(SOURCE_BY_NAME), n=1, cutoff=0.7)
            raise SourceError(
                f"{path}: {stem!r} is not an OBCMS table"
                + (f" (did you mean {hint[0]}{suffix}?)" if hint else "")
                + "; a file must be named after the table it holds: "
                + ", ".join(sorted(SOURCE_BY_NAME))
            )
        found.setdefault(stem, []).append(path)
    if ignored:
        say(
            f"{folder}: ignoring {', '.join(ignored)} (only .csv, .xlsx and .parquet files named after tables are read)"
        )
    twice = {t: ps for t, ps in found.items() if len(ps) > 1}
    if twice:
        raise SourceError(
            f"{folder}: "
            + "; ".join(f"{t} has {len(ps)} files ({', '.join(p.name for p in ps)})" for t, ps in sorted(twice.items()))
            + ": keep one file per table"
        )
    if not found:
        raise SourceError(
            f"{folder}: no data files (.csv, .xlsx or .parquet named after an OBCMS table, e.g. "
            "monitoring_monitoringentry.csv)"
        )
    order = {s: i for i, s in enumerate(SOURCE_BY_NAME)}
    return [(SOURCE_BY_NAME[t], ps[0]) for t, ps in sorted(found.items(), key=lambda kv: order[kv[0]])]


def _rows_of_source(ctx: LoadContext, table: str) -> int:
    exists = ctx.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = ?", [table]
    ).fetchall()[0][0]
    if not exists:
        return 0
    return ctx.con.execute(
        f'SELECT count(*) FROM raw."{table}" WHERE _source = ? AND _deleted_at IS NULL',  # noqa: S608 (registry name)
        [ctx.name],
    ).fetchall()[0][0]


def load(ctx: LoadContext) -> list[TableOutcome]:
    """The ``files`` source kind: ``path`` (a folder of files named after OBCMS tables); see the module doc."""
    folder = ctx.path(ctx.require("path"))
    allow_empty = ctx.source.get("allow_empty", False)
    if not isinstance(allow_empty, bool):
        raise ConfigError(f"source {ctx.name!r}: `allow_empty` must be true or false, not {allow_empty!r}")
    max_bytes = ctx.max_file_bytes
    files = data_files(folder, ctx.say)
    ctx.say(f"{folder}: {len(files)} file{'s' if len(files) != 1 else ''}: {', '.join(p.name for _, p in files)}")
    stages: list[tuple[Stage, FileRead, TableLoad]] = []
    try:
        # 1. read and check every file: a file that cannot be read fails the source before raw is touched
        for src, path in files:
            load_ = TableLoad(source=ctx.name, table_name=src.name)
            stage = Stage(ctx.con, src)
            fr = FileRead(path, src, max_bytes, ctx.say)
            stages.append((stage, fr, load_))
            stage_file(stage, fr, ctx.progress)
            lay = fr.layout
            if lay and lay.pii:
                ctx.say(f"{fr.name}: PII column(s) {', '.join(lay.pii)} dropped, not loaded")
            if lay and lay.absent:
                ctx.say(f"{fr.name}: not in the file, loaded as empty: {', '.join(lay.absent)}")
            if stage.rows_read == 0 and not allow_empty and (had := _rows_of_source(ctx, src.name)):
                raise SourceError(
                    f"{fr.where}: the file has column names but no rows. Loading it would mark all {had:,} rows "
                    f"this source loaded into raw.{src.name} deleted; if the table really is empty now, set "
                    f"`allow_empty = true` in source {ctx.name!r}, else remove the file or send the rows"
                )
            stage.reject_duplicate_keys()
        # 2. merge: each file is the full current content of its table for this source
        outcomes = []
        for stage, fr, load_ in stages:
            outcomes.append(_merge(ctx, stage, fr, load_))
        loaded = {fr.src.name for _, fr, _ in stages}
        for src in SOURCE_BY_NAME.values():
            if src.name not in loaded and (kept := _rows_of_source(ctx, src.name)):
                ctx.say(
                    f"raw.{src.name}: no file this time; the {kept:,} rows source {ctx.name!r} loaded before are kept"
                )
        return outcomes
    finally:
        for stage, _, _ in stages:
            stage.drop()


def _merge(ctx: LoadContext, stage: Stage, fr: FileRead, load_: TableLoad) -> TableOutcome:
    src = fr.src
    stats = merge(ctx.con, raw_table(src), stage.name, run_id=ctx.run_id, scope=MergeScope(ctx.name), snapshot=True)
    outcome = stage.outcome(load_, stats, fr.name)
    ctx.say(
        f"{fr.name} -> raw.{src.name}: {load_.rows_read:,} rows read, {load_.rows_loaded:,} loaded, "
        f"{load_.rows_rejected:,} rejected ({stats.inserted:,} new, {load_.rows_updated:,} changed, "
        f"{stats.unchanged:,} unchanged, {stats.deleted:,} marked deleted)"
    )
    if load_.rows_read and not load_.rows_loaded:
        ctx.say(f"{fr.name}: warning: every row was rejected")
    return outcome
