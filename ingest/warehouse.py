"""The DuckDB warehouse files: raw table layout, building, atomic publishing and read-only access.

A refresh writes a brand-new file under ``warehouse/builds/`` and, only when ingest and ``dbt build``
both succeeded, points ``warehouse/current.duckdb`` at it by replacing a symlink with ``os.replace`` (atomic on
POSIX). Readers resolve the link when they connect and open the target read-only, so they see either the old
or the new warehouse, never a half-built one. A failed or killed refresh leaves the link where it was; the next
refresh (holding the refresh lock of ``ingest.locking``) removes what a killed one left behind.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import cachetools
import duckdb
import polars as pl
import sqlalchemy as sa

from ingest.home import ConfigError, Home
from ingest.obcms_schema import SourceTable
from ingest.raw import RawTable

T = TypeVar("T")

RAW_SCHEMA = "raw"
META_SCHEMA = "meta"
# Schemas searched for bare names by `oobc sql` and the dashboards: marts first.
SEARCH_PATH = ("marts", "intermediate", "staging", RAW_SCHEMA, META_SCHEMA)
KEEP_BUILDS = 3  # builds kept besides the published one; [warehouse] keep_builds in oobc.toml


class NoWarehouseError(Exception):
    """Nothing has been published yet."""


# ---------------------------------------------------------------------------------------- types
def duckdb_type(col: sa.Column) -> str:
    t = col.type
    if isinstance(t, sa.Uuid):
        return "VARCHAR"
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return f"DECIMAL({t.precision},{t.scale})"
    if isinstance(t, sa.Float):
        return "DOUBLE"
    if isinstance(t, sa.BigInteger):
        return "BIGINT"
    if isinstance(t, sa.Integer):
        return "BIGINT" if col.primary_key or col.foreign_keys else "INTEGER"
    if isinstance(t, sa.Boolean):
        return "BOOLEAN"
    if isinstance(t, sa.DateTime):
        return "TIMESTAMP"
    if isinstance(t, sa.Date):
        return "DATE"
    if isinstance(t, sa.JSON | sa.String | sa.Text):
        return "VARCHAR"
    raise TypeError(f"no DuckDB type for {col.table.name}.{col.name} ({t!r})")


_POLARS = {
    "VARCHAR": pl.String,
    "DOUBLE": pl.Float64,
    "BIGINT": pl.Int64,
    "INTEGER": pl.Int32,
    "BOOLEAN": pl.Boolean,
    "TIMESTAMP": pl.Datetime("us"),
    "DATE": pl.Date,
}


def polars_type(col: sa.Column) -> pl.DataType:
    dt = duckdb_type(col)
    if dt.startswith("DECIMAL"):
        t = col.type
        return pl.Decimal(t.precision, t.scale)
    return _POLARS[dt]


def polars_schema(src: SourceTable) -> dict[str, pl.DataType]:
    return {str(c.name): polars_type(c) for c in src.columns}


def raw_table_ddl(src: SourceTable, schema: str = RAW_SCHEMA) -> str:
    """DDL of an OBCMS table's raw copy: its non-PII columns plus the load metadata of ``ingest.raw``."""
    if schema != RAW_SCHEMA:
        raise ValueError(f"raw tables live in schema {RAW_SCHEMA}")
    return RawTable(src.name, polars_schema(src), key=tuple(src.key)).ddl()


# ------------------------------------------------------------------------------------- building
def new_build_path(home: Home) -> Path:
    home.ensure()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return home.builds_dir / f"warehouse-{stamp}-{uuid.uuid4().hex[:8]}.duckdb"


def publish(home: Home, build: Path, keep: int | None = None) -> Path:
    """Point ``current.duckdb`` at ``build`` atomically; return the path now published.

    Then old builds are removed (``cleanup_builds``): the published file and the ``keep`` newest others stay.
    """
    build = build.resolve()
    if not build.exists():
        raise FileNotFoundError(build)
    tmp_link = home.warehouse_dir / f".current-{uuid.uuid4().hex}.tmp"
    os.symlink(build, tmp_link)
    os.replace(tmp_link, home.current_link)
    cleanup_builds(home, keep)
    return build


def keep_builds(home: Home) -> int:
    """How many builds besides the published one are kept: ``[warehouse] keep_builds`` (default 3)."""
    value = home.settings("warehouse").get("keep_builds", KEEP_BUILDS)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{home.config_file}: [warehouse] keep_builds must be a whole number >= 0, not {value!r}")
    return value


def _build_files(build: Path) -> tuple[Path, ...]:
    return (build, build.with_suffix(".duckdb.wal"), build.with_suffix(".duckdb.done"))


def cleanup_builds(home: Home, keep: int | None = None, *, unfinished_too: bool = False) -> list[Path]:
    """Remove old build files: the published one and the ``keep`` newest others stay.

    A build without its ``.done`` marker younger than an hour may still be being written and is left alone, unless
    ``unfinished_too`` (the caller holds the refresh lock, so no refresh is writing one: such files were left by a
    killed refresh). Removing a file a dashboard still has open is fine on POSIX: the reader keeps its view.
    """
    keep = keep_builds(home) if keep is None else keep
    current = published_path(home, missing_ok=True)
    builds = sorted(home.builds_dir.glob("warehouse-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    others = [b for b in builds if current is None or b.resolve() != current]
    removed = []
    kept = 0
    for old in others:
        finished = old.with_suffix(".duckdb.done").exists()
        if not finished:
            if unfinished_too or time.time() - old.stat().st_mtime >= 3600:
                for p in _build_files(old):
                    p.unlink(missing_ok=True)
                removed.append(old)
            continue
        if kept < keep:
            kept += 1
            continue
        for p in _build_files(old):
            p.unlink(missing_ok=True)
        removed.append(old)
    # a WAL or marker whose build is gone, and a temporary link of a publish that was killed
    for stray in [*home.builds_dir.glob("warehouse-*.duckdb.wal"), *home.builds_dir.glob("warehouse-*.duckdb.done")]:
        if not stray.with_suffix("").exists():
            stray.unlink(missing_ok=True)
    if unfinished_too:
        for tmp_link in home.warehouse_dir.glob(".current-*.tmp"):
            tmp_link.unlink(missing_ok=True)
    return removed


def published_at(path: Path) -> datetime:
    """When a warehouse file was published (UTC): the time its build finished writing it. The dashboards' "data as
    of" and the data API's freshness both read it here."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def published_path(home: Home, missing_ok: bool = False) -> Path | None:
    link = home.current_link
    if not link.is_symlink() and not link.exists():
        if missing_ok:
            return None
        raise NoWarehouseError(
            f"no warehouse has been published under {home.root}: run `oobc demo` or `oobc refresh` first"
        )
    return link.resolve()


def file_identity(path: Path | str) -> tuple[str, int, int] | None:
    """A warehouse file as (path, size, modification time in ns), or None when it is gone: a key for what is
    computed once per published file (a publish names another file; a file rewritten has another size or time)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns)


def published_identity(home: Home) -> tuple[str, int, int] | None:
    """:func:`file_identity` of the published file, or None when nothing is published."""
    path = published_path(home, missing_ok=True)
    return None if path is None else file_identity(path)


def per_published_file(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep what a function of ``(*args, home)`` returns per published file and ``args`` (the ``maxsize`` most
    recent, per process): a publish names another file, so the next call reads the new one. Nothing published:
    the function's read raises, nothing is kept. What it returns is shared by every later call: never change it."""
    return cachetools.cached(
        cachetools.LRUCache(maxsize=maxsize),
        key=lambda *args: (published_identity(args[-1]), *args[:-1]),
        lock=threading.Lock(),
    )


# --------------------------------------------------------------------------------------- reading
def set_search_path(con: duckdb.DuckDBPyConnection) -> None:
    present = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    path = ",".join(s for s in SEARCH_PATH if s in present)
    if path:
        con.execute(f"SET search_path = '{path}'")


# One read-only DuckDB instance per published file and process, shared by every reader through cursors: opening a
# warehouse file costs a catalog load (~80 ms at scale 10) and starts with a cold buffer cache, and the dashboards
# read on every callback. A new publish is seen at the next read (the link is resolved every time); the instance of
# a file no longer published is closed as soon as no reader uses it. OOBC_READER_CACHE=0 opens a connection per read.
_readers_lock = threading.Lock()
_readers: dict[Path, _Reader] = {}


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = duckdb.connect(str(path), read_only=True)
        self.search_path = _search_path(self.con)
        self.users = 0


def _reader_cache_enabled() -> bool:
    return os.environ.get("OOBC_READER_CACHE", "1") not in ("0", "false", "no")


def _checkout(path: Path) -> tuple[_Reader, duckdb.DuckDBPyConnection]:
    with _readers_lock:
        reader = _readers.get(path)
        if reader is None:
            reader = _readers[path] = _Reader(path)
        reader.users += 1
        for other in [r for p, r in _readers.items() if p != path and r.users == 0]:
            other.con.close()
            del _readers[other.path]
        try:
            cursor = reader.con.cursor()
        except BaseException:
            reader.users -= 1
            raise
    if reader.search_path:
        cursor.execute(f"SET search_path = '{reader.search_path}'")
    return reader, cursor


def _release(reader: _Reader, cursor: duckdb.DuckDBPyConnection) -> None:
    cursor.close()
    with _readers_lock:
        reader.users -= 1


def close_readers() -> None:
    """Close every cached reader not in use (before writing to a published file in this process, e.g. in tests)."""
    with _readers_lock:
        for reader in [r for r in _readers.values() if r.users == 0]:
            reader.con.close()
            del _readers[reader.path]


def _search_path(con: duckdb.DuckDBPyConnection) -> str:
    present = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    return ",".join(s for s in SEARCH_PATH if s in present)


@contextmanager
def read_only(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on the published warehouse, with marts resolvable by bare name.

    The link is resolved at every call, never cached: a long-running dashboard process reads the newest published
    file from its next connection on, and a connection already open keeps the file it opened. Should the file the
    link named be cleaned up between resolving and opening (a reader stalled over several publishes), the link is
    resolved again. The connection is a cursor on the process's shared read-only instance of that file (see
    ``_readers``), or its own connection when ``OOBC_READER_CACHE=0``.
    """
    cached = _reader_cache_enabled()
    for attempt in range(3):
        path = published_path(home)
        try:
            if cached:
                reader, con = _checkout(path)
            else:
                con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException:
            if path.exists() or attempt == 2:
                raise
    try:
        if not cached:
            set_search_path(con)
        yield con
    finally:
        if cached:
            _release(reader, con)
        else:
            con.close()
