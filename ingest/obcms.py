"""Ingest from the OBCMS database (PostgreSQL in production, SQLite in development), with one code path.

For every table in the registry (``ingest.obcms_schema.SOURCE_TABLES``):

1. check that the table and every column the warehouse reads exist (else the source fails, naming them);
2. read the non-PII columns as text, ordered by key, in batches (PII columns are never selected). A table with
   ``updated_at`` is read incrementally when the warehouse being built already holds this source's rows up to a
   known high-water mark: only rows updated since then are read;
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
from pathlib import Path

import duckdb
import polars as pl
import sqlalchemy as sa

from ingest.checked import Stage, raw_table, specs
from ingest.obcms_schema import SOURCE_TABLES, SourceTable
from ingest.parse import parse_frame
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


def _select_as_text(src: SourceTable, since: dt.datetime | None, dialect: str) -> sa.Select:
    cols = [sa.cast(src.table.c[c.name], sa.Text).label(str(c.name)) for c in src.columns]
    stmt = sa.select(*cols).select_from(src.table).order_by(*[src.table.c[k] for k in src.key])
    if since is not None and src.updated_at:
        # >= rather than >: a row written in the same instant as the mark is read again, harmlessly
        # (an identical row is left as it is), instead of being missed.
        bound = since.replace(tzinfo=dt.UTC) if dialect == "postgresql" else since
        stmt = stmt.where(src.table.c[src.updated_at] >= bound)
    return stmt


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


def _present_keys(engine: sa.Engine, src: SourceTable) -> pl.DataFrame:
    """Every key OBCMS has now, typed like raw (a key scan: cheap, and how deletions are found)."""
    stage_src = raw_table(src)
    cols = [sa.cast(src.table.c[k], sa.Text).label(k) for k in src.key]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).all()
    text = pl.DataFrame(rows, schema=dict.fromkeys(src.key, pl.String), orient="row")
    key_specs = [s for s in specs(src) if s.name in src.key]
    typed, _ = parse_frame(text, key_specs)
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
    stage = Stage(con, src)
    incremental = since is not None and src.updated_at is not None and not fresh
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SET TIME ZONE 'UTC'"))
            query = _select_as_text(src, since if incremental else None, engine.dialect.name)
            total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            if progress:
                progress(src.name, 0, total)
            result = conn.execution_options(yield_per=batch_rows).execute(query)
            names = [str(c.name) for c in src.columns]
            for part in result.partitions():
                stage.add(pl.DataFrame(part, schema=dict.fromkeys(names, pl.String), orient="row"))
                if progress:
                    progress(src.name, stage.rows_read, total)
        stage.reject_duplicate_keys()
        scope = MergeScope(source_name)
        stats = merge(con, table, stage.name, run_id=run_id, scope=scope, snapshot=not incremental)
        if incremental:
            stats.deleted = mark_deleted(con, table, _present_keys(engine, src), run_id=run_id, scope=scope)
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
