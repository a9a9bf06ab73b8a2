"""Chunked, dialect-aware writes of column frames into the OBCMS tables.

SQLite (the default) gets the fast path: values are converted column-wise to exactly what SQLAlchemy's
SQLite types would store (32-hex UUIDs, ``YYYY-MM-DD`` dates, ``YYYY-MM-DD HH:MM:SS.ffffff`` timestamps,
REAL money rounded to the centavo, 0/1 booleans, JSON text) and sent through the DBAPI ``executemany``.
Other dialects (PostgreSQL in the tests) go through ``Connection.execute(table.insert(), rows)`` with
Python values (``Decimal``, ``date``, timezone-aware ``datetime``), so SQLAlchemy does the typing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import sqlalchemy as sa

from ingest.demo._util import Frame
from ingest.obcms_schema import metadata

CHUNK_ROWS = 50_000

Progress = Callable[[str, int, int], None]


def _kind(col: sa.Column) -> str:
    t = col.type
    if isinstance(t, sa.Uuid):
        return "uuid"
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return "numeric"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.JSON):
        return "json"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, sa.Float):
        return "float"
    return "str"


def _nan_to_none(values: list[Any], mask: np.ndarray) -> list[Any]:
    for i in np.flatnonzero(mask):
        values[i] = None
    return values


def _sqlite_values(kind: str, values: Any) -> list[Any]:
    """One column as SQLAlchemy's SQLite types would store it."""
    if isinstance(values, np.ndarray):
        if kind in ("numeric", "float") or (kind == "int" and values.dtype.kind == "f"):
            arr = values.astype(np.float64)
            nulls = np.isnan(arr)
            if kind == "numeric":
                out = np.round(arr, 2).tolist()
            elif kind == "int":
                out = np.where(nulls, 0, arr).astype(np.int64).tolist()
            else:
                out = arr.tolist()
            return _nan_to_none(out, nulls) if nulls.any() else out
        if kind == "date":
            text = np.datetime_as_string(values.astype("datetime64[D]"))
            out = text.tolist()
            return _nan_to_none(out, np.isnat(values)) if np.isnat(values).any() else out
        if kind == "datetime":
            v = values.astype("datetime64[us]")
            text = np.datetime_as_string(v, unit="us").tolist()
            nulls = np.isnat(v)
            out = [s[:10] + " " + s[11:] for s in text]
            return _nan_to_none(out, nulls) if nulls.any() else out
        if kind == "bool":
            return values.astype(np.int64).tolist()
        return values.tolist()
    if kind == "json":
        return [None if v is None else json.dumps(v) for v in values]
    if kind == "bool":
        return [None if v is None else int(bool(v)) for v in values]
    if kind == "numeric":
        return [None if v is None else round(float(v), 2) for v in values]
    return list(values)


def _python_values(kind: str, col: sa.Column, values: Any) -> list[Any]:
    """One column as Python values for SQLAlchemy's own type processing (non-SQLite dialects)."""
    if isinstance(values, np.ndarray):
        if kind == "numeric" or (kind == "int" and values.dtype.kind == "f") or kind == "float":
            arr = values.astype(np.float64)
            nulls = np.isnan(arr)
            if kind == "numeric":
                scale = col.type.scale or 0
                out: list[Any] = [Decimal(f"{v:.{scale}f}") for v in np.where(nulls, 0, arr).tolist()]
            elif kind == "int":
                out = np.where(nulls, 0, arr).astype(np.int64).tolist()
            else:
                out = arr.tolist()
            return _nan_to_none(out, nulls) if nulls.any() else out
        if kind == "date":
            return values.astype("datetime64[D]").tolist()
        if kind == "datetime":
            raw = values.astype("datetime64[us]").tolist()
            return [None if v is None else v.replace(tzinfo=dt.UTC) for v in raw]
        if kind == "bool":
            return values.astype(bool).tolist()
        return values.tolist()
    if kind == "json":
        return [sa.null() if v is None else v for v in values]
    if kind == "numeric":
        scale = col.type.scale or 0
        return [None if v is None else Decimal(f"{float(v):.{scale}f}") for v in values]
    return list(values)


class Writer:
    """Writes frames to the tables of ``ingest.obcms_schema.metadata`` on one open connection."""

    def __init__(self, conn: sa.Connection, progress: Progress | None = None) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.progress = progress
        self.counts: dict[str, int] = {t.name: 0 for t in metadata.sorted_tables}
        self.totals: dict[str, int] = {}

    def reset_schema(self) -> None:
        """Drop and recreate every OBCMS table (SQLite: journal and fsync off, for speed)."""
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            self.conn.exec_driver_sql("PRAGMA synchronous=OFF")
            self.conn.exec_driver_sql("PRAGMA cache_size=-200000")
            self.conn.commit()
        metadata.drop_all(self.conn)
        metadata.create_all(self.conn)
        self.conn.commit()

    def expect(self, table: sa.Table, total: int) -> None:
        """Announce how many rows a table will get (for progress reporting of chunked tables)."""
        self.totals[table.name] = total
        if self.progress is not None:
            self.progress(table.name, self.counts[table.name], total)

    def write(self, table: sa.Table, frame: Frame) -> int:
        """Insert a frame (any length) in chunks of ``CHUNK_ROWS``; returns the number of rows written."""
        names = [c.name for c in table.c if c.name in frame]
        missing = [
            c.name
            for c in table.c
            if c.name not in frame
            and not c.nullable
            and c.default is None
            and not (c.primary_key and c.autoincrement is True)
        ]
        if missing:
            raise ValueError(f"{table.name}: no values for required columns {missing}")
        n = len(frame[names[0]]) if names else 0
        for col in names:
            if len(frame[col]) != n:
                raise ValueError(f"{table.name}.{col}: {len(frame[col])} values, expected {n}")
        total = self.totals.get(table.name, self.counts[table.name] + n)
        for start in range(0, n, CHUNK_ROWS):
            stop = min(n, start + CHUNK_ROWS)
            chunk = {c: frame[c][start:stop] for c in names}
            self._insert(table, names, chunk, stop - start)
            self.counts[table.name] += stop - start
            if self.progress is not None:
                self.progress(table.name, self.counts[table.name], max(total, self.counts[table.name]))
        if n == 0 and self.progress is not None:
            self.progress(table.name, self.counts[table.name], max(total, self.counts[table.name]))
        return n

    def _insert(self, table: sa.Table, names: list[str], chunk: Frame, n: int) -> None:
        if n == 0:
            return
        cols = {c.name: c for c in table.c}
        if self.sqlite:
            compiled = table.insert().compile(dialect=self.conn.dialect, column_keys=names)
            order = list(compiled.positiontup or names)
            values = [_sqlite_values(_kind(cols[c]), chunk[c]) for c in order]
            with self.conn.begin():
                self.conn.exec_driver_sql(str(compiled), list(zip(*values, strict=True)))
        else:
            values = [_python_values(_kind(cols[c]), cols[c], chunk[c]) for c in names]
            rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
            with self.conn.begin():
                self.conn.execute(table.insert(), rows)
