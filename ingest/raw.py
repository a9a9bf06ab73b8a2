"""Writing validated rows into ``raw.*``: keyed, repeatable, and explicit about deletions.

Every raw table carries, beside its content columns, the load metadata:

``_run_id``, ``_source``, ``_loaded_at``
    which run of which source wrote the row, and when;
``_file``, ``_line``
    where the row came from (file sources; null for databases);
``_row_hash``
    a hash of the content columns, so an unchanged row is recognised and left alone;
``_deleted_at``
    set when the row disappeared from its source (rows are never silently dropped: staging filters them out,
    and the data-quality page lists them).

``merge`` applies one load to a table, per source and natural key:

* a key not seen before is inserted;
* a key whose content changed replaces the old row (and a previously deleted key comes back);
* a key whose content is identical is not touched at all, so re-running the same load changes nothing;
* with ``snapshot=True``, keys of this source (within ``scope``) that the load no longer has are marked deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

from ingest.state import utcnow

RAW_SCHEMA = "raw"
META_COLUMNS: dict[str, str] = {
    "_run_id": "VARCHAR",
    "_source": "VARCHAR",
    "_loaded_at": "TIMESTAMP",
    "_file": "VARCHAR",
    "_line": "BIGINT",
    "_row_hash": "VARCHAR",
    "_deleted_at": "TIMESTAMP",
}
LOCATION_COLUMNS = ("_file", "_line")

_DUCKDB_TYPES: dict[type[pl.DataType] | pl.DataType, str] = {
    pl.String: "VARCHAR",
    pl.Float64: "DOUBLE",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


def duckdb_type_of(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    try:
        return _DUCKDB_TYPES[dtype]
    except KeyError:
        raise TypeError(f"no DuckDB type for {dtype}") from None


@dataclass(frozen=True)
class RawTable:
    """A raw table: its typed content columns and the natural key a source identifies rows by."""

    name: str
    columns: dict[str, pl.DataType]
    key: tuple[str, ...]

    def __post_init__(self) -> None:
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"{self.name}: key columns {missing} are not columns")

    @property
    def qualified(self) -> str:
        return f'{RAW_SCHEMA}."{self.name}"'

    def ddl(self) -> str:
        cols = [f'"{c}" {duckdb_type_of(t)}' for c, t in self.columns.items()]
        cols += [f'"{c}" {t}' for c, t in META_COLUMNS.items()]
        return f"CREATE TABLE IF NOT EXISTS {self.qualified} (\n  " + ",\n  ".join(cols) + "\n)"


@dataclass
class MergeStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    restored: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.restored


@dataclass
class MergeScope:
    """Which existing rows a snapshot load speaks for: those of ``source`` matching ``where`` (column → values)."""

    source: str
    where: dict[str, list] = field(default_factory=dict)


def ensure_table(con: duckdb.DuckDBPyConnection, table: RawTable) -> bool:
    """Create ``table`` if missing, or recreate it empty if its columns differ from the definition (a warehouse
    written by an earlier version); returns True when the table is new, so callers load it in full."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    have = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [RAW_SCHEMA, table.name],
    ).fetchall()
    want = [(c, duckdb_type_of(t)) for c, t in table.columns.items()] + list(META_COLUMNS.items())
    if have == want:
        return False
    if have:
        con.execute(f"DROP TABLE {table.qualified}")
    con.execute(table.ddl())
    return True


def _hash_sql(table: RawTable, alias: str) -> str:
    # md5 over a JSON array of the content: stable across runs and versions, and null-safe
    parts = ", ".join(f'"{c}" := {alias}."{c}"' for c in table.columns)
    return f"md5(CAST(to_json(struct_pack({parts})) AS VARCHAR))"


def _key_match(table: RawTable, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" IS NOT DISTINCT FROM {right}."{k}"' for k in table.key)


def _scope_sql(scope: MergeScope, alias: str) -> tuple[str, list]:
    clauses, params = [f"{alias}._source = ?"], [scope.source]
    for column, values in scope.where.items():
        clauses.append(f'list_contains(?, {alias}."{column}")')
        params.append(list(values))
    return " AND ".join(clauses), params


def hashed_rows_sql(table: RawTable, source: str) -> str:
    """A SELECT of ``source``'s content columns (cast to ``table``'s types), ``_file``, ``_line``, ``_ord`` (the
    order rows are written in) and the ``_row_hash`` ``merge`` gives those values: what a stage built with hashes
    (``merge(hashed=True)``) holds."""
    casts = ", ".join(f'CAST(s."{c}" AS {duckdb_type_of(t)}) AS "{c}"' for c, t in table.columns.items())
    return (
        f"SELECT i.*, {_hash_sql(table, 'i')} AS _row_hash "
        f"FROM (SELECT {casts}, s._file, s._line, CAST(s._ord AS BIGINT) AS _ord FROM {source} AS s) AS i"
    )


def merge(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    frame: pl.DataFrame | str,
    *,
    run_id: str,
    scope: MergeScope,
    snapshot: bool,
    hashed: bool = False,
) -> MergeStats:
    """Apply ``frame`` (content columns, plus optional ``_file``/``_line``) to ``table``; see the module doc.

    ``frame`` is a polars frame or the name of a staged DuckDB table with the same columns. With ``hashed``, the
    staged table also has each row's ``_ord`` and ``_row_hash`` (built with ``hashed_rows_sql``) and is used as it
    is; new rows are written in ``_ord`` order.

    ``frame`` must not repeat a key (callers reject duplicates first). All SQL identifiers come from the
    ``RawTable`` definitions in code, never from input; values are bound or registered as frames.
    """
    ensure_table(con, table)
    content = list(table.columns)
    stats = MergeStats()
    now = utcnow()
    if hashed:
        if not isinstance(frame, str):
            raise TypeError("merge(hashed=True) takes the name of a staged table")
        incoming = frame
        height = _count(con, f"SELECT count(*) FROM {incoming}", [])
    else:
        incoming = "_incoming"
        if isinstance(frame, str):  # a staged DuckDB table with the content and location columns
            staged = frame
            height = _count(con, f"SELECT count(*) FROM {staged}", [])
        else:
            for col in LOCATION_COLUMNS:
                if col not in frame.columns:
                    dtype = pl.String if col == "_file" else pl.Int64
                    frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(col))
            frame = frame.select([*content, *LOCATION_COLUMNS]).cast(
                {**table.columns, "_file": pl.String, "_line": pl.Int64}
            )
            height = frame.height
            con.register("_incoming_frame", frame.to_arrow())
            staged = "_incoming_frame"
        try:
            cols = ", ".join(f'i."{c}"' for c in [*content, *LOCATION_COLUMNS])
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _incoming AS SELECT {cols}, {_hash_sql(table, 'i')} AS _row_hash "
                f"FROM {staged} AS i"
            )
        finally:
            if staged == "_incoming_frame":
                con.unregister("_incoming_frame")
    try:
        order = " ORDER BY i._ord" if hashed else ""
        _apply(con, table, incoming, height, stats, run_id=run_id, scope=scope, snapshot=snapshot, now=now, order=order)
    finally:
        if incoming == "_incoming":
            con.execute("DROP TABLE IF EXISTS _incoming")
    return stats


def _apply(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    incoming: str,
    height: int,
    stats: MergeStats,
    *,
    run_id: str,
    scope: MergeScope,
    snapshot: bool,
    now: dt.datetime,
    order: str = "",
) -> None:
    """The merge proper, from ``incoming`` (content, location and ``_row_hash`` columns)."""
    content = list(table.columns)
    scope_sql, scope_params = _scope_sql(scope, "t")
    any_in_scope = f"SELECT count(*) FROM (SELECT 1 FROM {table.qualified} t WHERE {scope_sql} LIMIT 1)"
    if not _count(con, any_in_scope, scope_params):
        # nothing of this scope yet (a first or full load): every row is new, no comparison needed
        cols = ", ".join(f'"{c}"' for c in [*content, *LOCATION_COLUMNS, "_row_hash"])
        con.execute(
            f"INSERT INTO {table.qualified} ({cols}, _run_id, _source, _loaded_at, _deleted_at) "
            f"SELECT {cols}, ?, ?, ?, NULL FROM {incoming} i{order}",
            [run_id, scope.source, now],
        )
        stats.inserted = height
        return
    match = _key_match(table, "t", "i")
    live = f"{scope_sql} AND t._deleted_at IS NULL"
    existing = f"SELECT 1 FROM {table.qualified} t WHERE {match}"
    counted = f"SELECT count(*) FROM {incoming} i WHERE "
    same, changed = "t._row_hash = i._row_hash", "t._row_hash <> i._row_hash"
    stats.unchanged = _count(con, f"{counted} EXISTS ({existing} AND {live} AND {same})", scope_params)
    stats.updated = _count(con, f"{counted} EXISTS ({existing} AND {live} AND {changed})", scope_params)
    stats.restored = _count(
        con,
        f"{counted} EXISTS ({existing} AND {scope_sql} AND t._deleted_at IS NOT NULL) "
        f"AND NOT EXISTS ({existing} AND {live})",
        scope_params * 2,
    )
    stats.inserted = height - stats.unchanged - stats.updated - stats.restored
    if snapshot:
        gone = f"{live} AND NOT EXISTS (SELECT 1 FROM {incoming} i WHERE {match})"
        stats.deleted = _count(con, f"SELECT count(*) FROM {table.qualified} t WHERE {gone}", scope_params)
        con.execute(
            f"UPDATE {table.qualified} t SET _deleted_at = ?, _run_id = ? "
            f"WHERE {live} AND NOT EXISTS (SELECT 1 FROM {incoming} i WHERE {match})",
            [now, run_id, *scope_params],
        )
    # replace changed and restored rows; insert new ones; identical rows stay as they were
    con.execute(
        f"DELETE FROM {table.qualified} t WHERE {scope_sql} AND EXISTS "
        f"(SELECT 1 FROM {incoming} i WHERE {match} AND (t._row_hash <> i._row_hash OR t._deleted_at IS NOT NULL))",
        scope_params,
    )
    cols = ", ".join(f'"{c}"' for c in [*content, *LOCATION_COLUMNS, "_row_hash"])
    con.execute(
        f"INSERT INTO {table.qualified} ({cols}, _run_id, _source, _loaded_at, _deleted_at) "
        f"SELECT {cols}, ?, ?, ?, NULL FROM {incoming} i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table.qualified} t WHERE {match} AND {scope_sql}){order}",
        [run_id, scope.source, now, *scope_params],
    )


def mark_deleted(
    con: duckdb.DuckDBPyConnection, table: RawTable, present_keys: pl.DataFrame, *, run_id: str, scope: MergeScope
) -> int:
    """Mark rows of ``scope`` whose key is not in ``present_keys`` as deleted; returns how many."""
    scope_sql, scope_params = _scope_sql(scope, "t")
    live = f"{scope_sql} AND t._deleted_at IS NULL"
    match = _key_match(table, "t", "k")
    con.register("_present_keys", present_keys.select(list(table.key)).to_arrow())
    try:
        gone = f"{live} AND NOT EXISTS (SELECT 1 FROM _present_keys k WHERE {match})"
        n = _count(con, f"SELECT count(*) FROM {table.qualified} t WHERE {gone}", scope_params)
        con.execute(
            f"UPDATE {table.qualified} t SET _deleted_at = ?, _run_id = ? "
            f"WHERE {live} AND NOT EXISTS (SELECT 1 FROM _present_keys k WHERE {match})",
            [utcnow(), run_id, *scope_params],
        )
    finally:
        con.unregister("_present_keys")
    return n


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    return con.execute(sql, params).fetchall()[0][0]
