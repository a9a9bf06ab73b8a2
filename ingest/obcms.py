"""Ingest from the OBCMS database (PostgreSQL in production, SQLite in development), with one code path.

For every table in the registry (``ingest.obcms_schema.SOURCE_TABLES``):

1. check that the table and every column the warehouse reads exist (else the source fails, naming them);
2. read the non-PII columns as text, ordered by key, in batches (SQLAlchemy; PII columns are never selected);
3. parse the text into typed columns (``ingest.parse``): a value that does not parse rejects its row;
4. validate the typed batch with its pandera contract (``validation.obcms``, ``lazy=True``): failing rows are
   rejected with the column, the check and the value;
5. append the good rows to ``raw.<table>`` with the load metadata (``_run_id``, ``_source``, ``_loaded_at``);
6. after the last batch, reject every copy of a duplicated key (they cannot be told apart).

``rows read = rows loaded + rows rejected`` holds for every table and is checked before the run is recorded.
Problems with one row never stop a table; problems with the source itself (unreachable, missing table or
column) raise ``SourceError`` and fail the refresh before anything is published.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl
import sqlalchemy as sa
from pandera.errors import SchemaErrors

from ingest.obcms_schema import SOURCE_TABLES, SourceTable
from ingest.parse import ColumnSpec, parse_frame
from ingest.state import Reject, TableLoad, utcnow
from ingest.warehouse import META_SCHEMA, RAW_SCHEMA, polars_type, raw_table_ddl
from validation.obcms import ROW_RULES, contract

BATCH_ROWS = 200_000
Progress = Callable[[str, int, int], None]


class SourceError(Exception):
    """The source as a whole cannot be read: nothing from it is loaded and nothing is published."""


@dataclass
class TableOutcome:
    load: TableLoad
    rejects: list[Reject]


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
        if database and database != ":memory:":
            from pathlib import Path

            if Path(database).stat().st_size == 0:
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


def _select_as_text(src: SourceTable) -> sa.Select:
    cols = [sa.cast(src.table.c[c.name], sa.Text).label(c.name) for c in src.columns]
    order = [src.table.c[k] for k in src.key]
    return sa.select(*cols).select_from(src.table).order_by(*order)


def _specs(src: SourceTable) -> list[ColumnSpec]:
    return [ColumnSpec(str(c.name), polars_type(c), isinstance(c.type, sa.Uuid)) for c in src.columns]


def _key_of(frame: pl.DataFrame, src: SourceTable) -> pl.Series:
    return frame.select(
        pl.concat_str([pl.col(k).cast(pl.String) for k in src.key], separator="|", ignore_nulls=False)
    ).to_series()


def _validate(typed: pl.DataFrame, src: SourceTable) -> pl.DataFrame:
    """Row positions (within ``typed``) that break the contract, with column, check and value."""
    try:
        contract(src.name).validate(typed, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        structural = fc.filter(pl.col("index").is_null())
        if structural.height:
            raise SourceError(
                f"{src.name}: the frame does not match its contract: "
                + "; ".join(f"{r['check']}: {r['failure_case']}" for r in structural.iter_rows(named=True))
            ) from err
        rows = fc.select(
            pl.col("index").cast(pl.Int64).alias("row"),
            pl.when(pl.col("schema_context") == "Column").then(pl.col("column")).alias("column"),
            pl.col("failure_case").alias("value"),
            pl.col("check"),
        )
        # A row rule's failure case is the whole row: keep only the columns the rule reads.
        rule_columns = {desc: expr.meta.root_names() for _, expr, desc in ROW_RULES.get(src.name, ())}
        if rule_columns:
            involved = [
                ", ".join(f"{c}={typed[row, c]}" for c in rule_columns[check]) if check in rule_columns else value
                for row, check, value in rows.select("row", "check", "value").iter_rows()
            ]
            rows = rows.with_columns(pl.Series("value", involved, dtype=pl.String))
        return rows
    return pl.DataFrame(schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "check": pl.String})


def _reason(check: str, column: str | None, value: str | None) -> str:
    if check.startswith("isin"):
        return f"{column} has a value OBCMS does not allow: {value!r}"
    if check.startswith("greater_than_or_equal_to(0"):
        return f"{column} must not be negative: {value}"
    if check.startswith("in_range"):
        return f"{column} is out of range {check.removeprefix('in_range')}: {value}"
    if check == "not_nullable":
        return f"{column} is required but empty"
    if column is None:
        return check  # row rules carry their description as the check name
    return f"{column} failed {check}: {value}"


def load_table(
    engine: sa.Engine,
    con: duckdb.DuckDBPyConnection,
    src: SourceTable,
    *,
    source_name: str,
    run_id: str,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> TableOutcome:
    load = TableLoad(source=source_name, table_name=src.name)
    rejects: list[Reject] = []
    rejected_rows = 0
    specs = _specs(src)
    names = [s.name for s in specs]
    con.execute(raw_table_ddl(src))
    loaded_at = utcnow()
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(src.table)).scalar_one()
        if progress:
            progress(src.name, 0, total)
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET TIME ZONE 'UTC'"))
        result = conn.execution_options(yield_per=batch_rows).execute(_select_as_text(src))
        for part in result.partitions():
            offset = load.rows_read
            text = pl.DataFrame(part, schema=dict.fromkeys(names, pl.String), orient="row")
            load.rows_read += text.height
            typed, parse_failures = parse_frame(text, specs)
            bad_rows = set(parse_failures.get_column("row").to_list())
            keys = _key_of(typed, src).fill_null(_key_of(text, src))
            for f in parse_failures.iter_rows(named=True):
                rejects.append(
                    Reject(
                        src.name, offset + f["row"] + 1, keys[f["row"]], f["column"], "parse", f["value"], f["reason"]
                    )
                )
            candidates = typed.with_row_index("_pos").filter(~pl.col("_pos").is_in(sorted(bad_rows)))
            failures = _validate(candidates.drop("_pos"), src)
            if failures.height:
                positions = candidates.get_column("_pos")
                for f in failures.iter_rows(named=True):
                    pos = positions[f["row"]]
                    bad_rows.add(pos)
                    rejects.append(
                        Reject(
                            src.name,
                            offset + pos + 1,
                            keys[pos],
                            f["column"],
                            f["check"],
                            f["value"],
                            _reason(f["check"], f["column"], f["value"]),
                        )
                    )
            rejected_rows += len(bad_rows)
            good = typed.with_row_index("_pos").filter(~pl.col("_pos").is_in(sorted(bad_rows))).drop("_pos")
            good = good.with_columns(
                pl.lit(run_id).alias("_run_id"),
                pl.lit(source_name).alias("_source"),
                pl.lit(loaded_at).cast(pl.Datetime("us")).alias("_loaded_at"),
            )
            if good.height:
                con.register("_batch", good.to_arrow())
                con.execute(f'INSERT INTO {RAW_SCHEMA}."{src.name}" SELECT * FROM _batch')  # noqa: S608 (registry name)
                con.unregister("_batch")
            if progress:
                progress(src.name, load.rows_read, total)
    duplicates = _reject_duplicate_keys(con, src)
    rejects += duplicates
    load.rows_rejected = rejected_rows + len(duplicates)
    load.rows_loaded = con.execute(
        f'SELECT count(*) FROM {RAW_SCHEMA}."{src.name}" WHERE _run_id = ?',  # noqa: S608 (registry name)
        [run_id],
    ).fetchall()[0][0]
    if load.rows_read != load.rows_loaded + load.rows_rejected:
        raise AssertionError(
            f"{src.name}: rows read {load.rows_read} != loaded {load.rows_loaded} + rejected {load.rows_rejected}"
        )
    load.finish()
    return TableOutcome(load, rejects)


def _reject_duplicate_keys(con: duckdb.DuckDBPyConnection, src: SourceTable) -> list[Reject]:
    # Identifiers come from the registry (ingest.obcms_schema), never from user input.
    key_cols = ", ".join(f'"{k}"' for k in src.key)
    key_text = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in src.key)
    table = f'{RAW_SCHEMA}."{src.name}"'
    duplicated = f"({key_cols}) IN (SELECT {key_cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
    dupes = con.execute(f"SELECT {key_text} AS row_key FROM {table} WHERE {duplicated}").fetchall()  # noqa: S608
    if not dupes:
        return []
    con.execute(f"DELETE FROM {table} WHERE {duplicated}")  # noqa: S608
    return [
        Reject(
            src.name,
            None,
            key,
            ",".join(src.key),
            "duplicate_key",
            key,
            f"key {','.join(src.key)} = {key} appears more than once; no copy is loaded",
        )
        for (key,) in dupes
    ]


def ingest_obcms(
    url: str,
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source_name: str = "obcms",
    tables: tuple[SourceTable, ...] = SOURCE_TABLES,
    progress: Progress | None = None,
) -> list[TableOutcome]:
    """Load every registry table from the OBCMS database at ``url`` into ``raw`` of ``con``."""
    engine = open_source(url)
    try:
        check_structure(engine, tables)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
        return [
            load_table(engine, con, src, source_name=source_name, run_id=run_id, progress=progress) for src in tables
        ]
    finally:
        engine.dispose()


def outcome_summary(outcomes: list[TableOutcome]) -> str:
    return json.dumps(
        {o.load.table_name: [o.load.rows_read, o.load.rows_loaded, o.load.rows_rejected] for o in outcomes}
    )
