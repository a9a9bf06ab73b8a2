"""Ingest from the OBCMS database (PostgreSQL in production, SQLite in development), with one code path.

For every table in the registry (``ingest.obcms_schema.SOURCE_TABLES``):

1. check that the table and every column the warehouse reads exist (else the source fails, naming them);
2. read the non-PII columns as text, ordered by key, in batches (PII columns are never selected). A table with
   ``updated_at`` is read incrementally when the warehouse being built already holds this source's rows up to a
   known high-water mark: only rows updated since then are read. Rows come straight from the driver's cursor
   (``_read_text``); a SQLite table whose key order means walking an index is read in storage order with each
   row's position in key order, which gives the same result (``_sqlite_key_order``);
3. check every batch (``ingest.checked``): values parse by type, rows pass the pandera contract; failures become
   rejects with the row, the column, the check and the value;
4. reject every copy of a key that appears more than once;
5. merge the good rows into ``raw.<table>`` (``ingest.raw.merge``): new keys inserted, changed rows replaced,
   identical rows left alone;
6. find rows deleted in OBCMS by scanning the table's keys, and mark them deleted in raw (never dropped).

``rows read = rows loaded + rows rejected`` holds for every table and is checked before the run is recorded.
Problems with one row never stop a table; problems with the source itself (unreachable, missing table or
column) raise ``SourceError`` and fail the refresh before anything is published.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import sqlalchemy as sa

from ingest.checked import Stage, parse_text, raw_table, specs
from ingest.obcms_schema import SOURCE_TABLES, SourceTable
from ingest.raw import MergeScope, ensure_table, mark_deleted, merge
from ingest.sources import LoadContext, Progress, SourceError, TableOutcome
from ingest.state import TableLoad

BATCH_ROWS = 200_000
DEFAULT_LOOKBACK_MINUTES = 10

__all__ = ["SourceError", "TableOutcome", "ingest_obcms", "load", "load_table", "open_source"]


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"


def open_source(url: str) -> sa.Engine:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise SourceError(f"OBCMS database URL {redact(url)!r} is not a valid SQLAlchemy URL: {exc}") from exc
    except sa.exc.DBAPIError as exc:
        raise SourceError(f"cannot connect to the OBCMS database at {redact(url)}: {exc.orig}") from exc
    if engine.dialect.name == "sqlite":
        database = engine.url.database or ""
        # SQLite silently creates a missing file; an empty new file is not an OBCMS database.
        if database and database != ":memory:" and Path(database).stat().st_size == 0:
            raise SourceError(f"OBCMS database file {database} is empty")
    return engine


def check_structure(engine: sa.Engine, tables: tuple[SourceTable, ...]) -> None:
    """Fail with one message listing every missing table and column."""
    inspector = sa.inspect(engine)
    present = set(inspector.get_table_names())
    problems = []
    for src in tables:
        if src.name not in present:
            problems.append(f"table {src.name} is missing")
            continue
        have = {c["name"] for c in inspector.get_columns(src.name)}
        problems += [f"{src.name}.{c.name} is missing" for c in src.columns if c.name not in have]
    if problems:
        raise SourceError(
            f"the OBCMS database at {redact(str(engine.url))} does not have the expected structure: "
            + "; ".join(problems)
        )


def _since_clause(src: SourceTable, since: dt.datetime | None, dialect: str) -> sa.ColumnElement[bool] | None:
    if since is None or not src.updated_at:
        return None
    # >= rather than >: a row written in the same instant as the mark is read again, harmlessly
    # (an identical row is left as it is), instead of being missed.
    bound = since.replace(tzinfo=dt.UTC) if dialect == "postgresql" else since
    return src.table.c[src.updated_at] >= bound


def _select_as_text(src: SourceTable, since: dt.datetime | None, dialect: str) -> sa.Select:
    cols = [sa.cast(src.table.c[c.name], sa.Text).label(str(c.name)) for c in src.columns]
    stmt = sa.select(*cols).select_from(src.table).order_by(*[src.table.c[k] for k in src.key])
    where = _since_clause(src, since, dialect)
    return stmt if where is None else stmt.where(where)


def _count_rows(conn: sa.Connection, src: SourceTable, since: dt.datetime | None) -> int:
    """How many rows ``_select_as_text`` will read, counted on the table itself (no casts, no ordering)."""
    stmt = sa.select(sa.func.count()).select_from(src.table)
    where = _since_clause(src, since, conn.dialect.name)
    return conn.execute(stmt if where is None else stmt.where(where)).scalar_one()


# Drivers whose own cursors are read directly (``_read_text``): SQLAlchemy's result rows cost more than reading
# the rows themselves, and every column is cast to text in SQL, so there is no type processing to lose. Any
# other driver is read through SQLAlchemy's result, as the same text.
FAST_DRIVERS = ("pysqlite", "psycopg")


def _driver_statement(dialect: sa.Dialect, stmt: sa.Select) -> tuple[str, tuple | dict]:
    """``stmt`` as the driver's own SQL and parameters, bound values processed as SQLAlchemy would."""
    compiled = stmt.compile(dialect=dialect)
    values = {}
    for name, value in compiled.construct_params().items():
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        values[name] = process(value) if process else value
    if compiled.positional:
        return str(compiled), tuple(values[name] for name in compiled.positiontup or ())
    return str(compiled), values


def _read_text(conn: sa.Connection, stmt: sa.Select, names: list[str], batch_rows: int) -> Iterator[pl.DataFrame]:
    """The rows of ``stmt`` (every column cast to text) as all-text frames of up to ``batch_rows`` rows."""
    schema = dict.fromkeys(names, pl.String)
    dialect = conn.dialect
    if dialect.driver not in FAST_DRIVERS:
        result = conn.execution_options(yield_per=batch_rows).execute(stmt)
        for part in result.partitions():
            yield pl.DataFrame(part, schema=schema, orient="row")
        return
    sql, params = _driver_statement(dialect, stmt)
    driver_conn = conn.connection.driver_connection
    # PostgreSQL: a server-side cursor streams the rows instead of holding the whole table in memory
    cursor = driver_conn.cursor(name="oobc_read") if dialect.driver == "psycopg" else driver_conn.cursor()
    try:
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(batch_rows):
                yield pl.DataFrame(rows, schema=schema, orient="row")
        except dialect.loaded_dbapi.Error as exc:  # raised as SQLAlchemy would have raised it
            raise sa.exc.DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()


def _newest_updated_at(engine: sa.Engine, src: SourceTable) -> dt.datetime | None:
    if not src.updated_at:
        return None
    with engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.max(src.table.c[src.updated_at]))).scalar_one()
    if isinstance(value, str):  # SQLite without type processing
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


# ------------------------------------------------------------------------------ SQLite: key order from the index
# Reading a table in key order through its key's index (UUID keys: ``ORDER BY id``) visits the rows in index order,
# one B-tree lookup each: at scale 100 the 4.7 million ledger rows took 36 s that way and 10 s in storage order (and
# an incremental read walks the whole index to find the few rows updated). So such a read gets the key order from the
# index alone (``SELECT rowid ... ORDER BY key``: the same index, walked the same way, so the very same order, ties
# included) and reads the rows in storage order with their rowid; each row's position in key order numbers its
# rejects and orders the writes into raw, exactly as reading in key order would have. Both reads run in one read
# transaction, so they see the same rows.
_ROWID_NAMES = frozenset({"rowid", "_rowid_", "oid"})


@dataclass(frozen=True)
class _KeyOrder:
    rowids: np.ndarray  # every rowid of the table, ascending
    positions: np.ndarray  # the 0-based position in key order of each of them

    def of(self, rowids: np.ndarray) -> np.ndarray:
        at = np.searchsorted(self.rowids, rowids)
        found = at < len(self.rowids)
        if not found.all() or (self.rowids[at[found]] != rowids[found]).any():
            raise SourceError("a row appeared while its table was read; refresh again")
        return self.positions[at]


def _plan(driver_conn, sql: str, params: tuple | dict) -> list[str]:
    return [row[3] for row in driver_conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]


def _sqlite_key_order(conn: sa.Connection, src: SourceTable, query: sa.Select, batch_rows: int) -> _KeyOrder | None:
    """The key order of ``src``'s rows when ``query`` (a read in key order, of the whole table or of the rows updated
    since a mark) would walk the key's index for it, else None (reading in key order is then as cheap: an INTEGER
    PRIMARY KEY, or no index to walk)."""
    dialect = conn.dialect
    if dialect.name != "sqlite" or dialect.driver != "pysqlite" or len(src.key) != 1:
        return None
    driver_conn = conn.connection.driver_connection
    quote = dialect.identifier_preparer.quote
    table, key = quote(src.name), quote(src.key[0])
    columns = {str(row[1]).lower() for row in driver_conn.execute(f"PRAGMA table_info({table})").fetchall()}
    if columns & _ROWID_NAMES:
        return None
    sql, params = _driver_statement(dialect, query)
    order_sql = f"SELECT rowid FROM {table} ORDER BY {key}"  # names from the registry, quoted
    try:
        [read_plan] = _plan(driver_conn, sql, params) or [""]
        [order_plan] = _plan(driver_conn, order_sql, ()) or [""]
    except (ValueError, dialect.loaded_dbapi.Error):  # several steps, or no rowid (a view, WITHOUT ROWID)
        return None
    walks = re.fullmatch(rf"SCAN {re.escape(src.name)} USING INDEX (\S+)", read_plan)
    if not walks or order_plan != f"SCAN {src.name} USING COVERING INDEX {walks.group(1)}":
        return None
    if not driver_conn.in_transaction:
        driver_conn.execute("BEGIN")  # ended by SQLAlchemy's rollback when the connection is returned
    cursor = driver_conn.execute(order_sql)
    try:
        chunks = [np.array(rows, dtype=np.int64).reshape(-1) for rows in iter(lambda: cursor.fetchmany(batch_rows), [])]
    finally:
        cursor.close()
    in_key_order = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
    by_rowid = np.argsort(in_key_order, kind="stable")
    return _KeyOrder(in_key_order[by_rowid], by_rowid)


def _read_in_key_order(
    conn: sa.Connection,
    src: SourceTable,
    since: dt.datetime | None,
    order: _KeyOrder,
    names: list[str],
    batch_rows: int,
) -> Iterator[tuple[pl.DataFrame, pl.Series]]:
    """The rows of ``src`` (updated since ``since``, if given) in storage order, as text, with their position in the
    table's key order."""
    rowid = sa.cast(sa.literal_column("rowid"), sa.Text).label("_rowid")
    stmt = _select_as_text(src, since, conn.dialect.name).order_by(None).add_columns(rowid)
    read = 0
    with closing(_read_text(conn, stmt, [*names, "_rowid"], batch_rows)) as batches:
        for text in batches:
            read += text.height
            positions = order.of(text.get_column("_rowid").cast(pl.Int64).to_numpy())
            yield text.drop("_rowid"), pl.Series("_ord", positions, dtype=pl.Int64)
    if since is None and read != len(order.rowids):
        raise SourceError(f"{src.name}: rows changed while the table was read; refresh again")


def _present_keys(conn: sa.Connection, src: SourceTable, batch_rows: int = BATCH_ROWS) -> pl.DataFrame:
    """Every key OBCMS has now, typed like raw (a key scan: cheap, and how deletions are found)."""
    stage_src = raw_table(src)
    stmt = sa.select(*[sa.cast(src.table.c[k], sa.Text).label(k) for k in src.key])
    with closing(_read_text(conn, stmt, list(src.key), batch_rows)) as batches:
        frames = list(batches)
    text = pl.concat(frames) if frames else pl.DataFrame(schema=dict.fromkeys(src.key, pl.String))
    key_specs = [s for s in specs(src) if s.name in src.key]
    typed, _ = parse_text(text, key_specs)
    return typed.cast({k: stage_src.columns[k] for k in src.key})


def load_table(
    engine: sa.Engine,
    con: duckdb.DuckDBPyConnection,
    src: SourceTable,
    *,
    source_name: str,
    run_id: str,
    since: dt.datetime | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> TableOutcome:
    """Load one OBCMS table (all of it, or the rows updated after ``since``) into ``raw``."""
    load = TableLoad(source=source_name, table_name=src.name)
    table = raw_table(src)
    fresh = ensure_table(con, table)
    stage = Stage(con, src, hashed=True, batch_rows=batch_rows)
    incremental = since is not None and src.updated_at is not None and not fresh
    names = [str(c.name) for c in src.columns]
    present = None
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SET TIME ZONE 'UTC'"))
            read_since = since if incremental else None
            query = _select_as_text(src, read_since, engine.dialect.name)
            total = _count_rows(conn, src, read_since) if progress else 0
            if progress:
                progress(src.name, 0, total)
            key_order = _sqlite_key_order(conn, src, query, batch_rows)
            if key_order is None:
                batches = ((text, None) for text in _read_text(conn, query, names, batch_rows))
            else:
                batches = _read_in_key_order(conn, src, read_since, key_order, names, batch_rows)
            with closing(batches):
                for text, order in batches:
                    stage.add(text, order=order)
                    if progress:
                        progress(src.name, stage.rows_read, total)
            if incremental:
                present = _present_keys(conn, src, batch_rows)
        stage.reject_duplicate_keys()
        scope = MergeScope(source_name)
        stats = merge(con, table, stage.name, run_id=run_id, scope=scope, snapshot=not incremental, hashed=True)
        if present is not None:
            stats.deleted = mark_deleted(con, table, present, run_id=run_id, scope=scope)
        return stage.outcome(load, stats, src.name)
    finally:
        stage.drop()


def ingest_obcms(
    url: str,
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source_name: str = "obcms",
    tables: tuple[SourceTable, ...] = SOURCE_TABLES,
    since: dict[str, dt.datetime] | None = None,
    progress: Progress | None = None,
) -> list[TableOutcome]:
    """Load every registry table from the OBCMS database at ``url`` into ``raw`` of ``con``.

    ``since`` maps a table to the high-water mark its rows in ``con`` are known to be current up to; those
    tables are read incrementally.
    """
    engine = open_source(url)
    since = since or {}
    try:
        check_structure(engine, tables)
        return [
            load_table(
                engine, con, src, source_name=source_name, run_id=run_id, since=since.get(src.name), progress=progress
            )
            for src in tables
        ]
    finally:
        engine.dispose()


def load(ctx: LoadContext) -> list[TableOutcome]:
    """The ``obcms`` source kind: ``url`` (SQLAlchemy URL), ``incremental`` (default true), ``lookback_minutes``
    (default 10)."""
    url = ctx.require("url")
    incremental = ctx.source.get("incremental", True)
    engine = open_source(url)
    try:
        check_structure(engine, SOURCE_TABLES)
        # read before the data, so a row updated while the load runs is read again next time, never missed
        for src in SOURCE_TABLES:
            newest = _newest_updated_at(engine, src)
            if newest is not None:
                ctx.new_high_water_marks[src.name] = newest
    finally:
        engine.dispose()
    # Django stamps updated_at when a row is saved, before its transaction commits: a row can become visible
    # after the mark was taken while carrying an earlier time. Reading from a look-back window before the
    # mark catches those; rows read again are recognised as unchanged and left alone.
    lookback = dt.timedelta(minutes=float(ctx.source.get("lookback_minutes", DEFAULT_LOOKBACK_MINUTES)))
    marks = {t: mark - lookback for t, mark in ctx.high_water_marks.items()} if incremental else {}
    return ingest_obcms(url, ctx.con, run_id=ctx.run_id, source_name=ctx.name, since=marks, progress=ctx.progress)
