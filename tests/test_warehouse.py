"""Warehouse files: raw layout from the registry, atomic publishing, read-only readers, clean-up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from ingest.home import Home
from ingest.obcms_schema import SOURCE_TABLES
from ingest.warehouse import (
    KEEP_BUILDS,
    NoWarehouseError,
    cleanup_builds,
    new_build_path,
    publish,
    published_path,
    raw_table_ddl,
    read_only,
)


def _build(home: Home, value: int) -> Path:
    path = new_build_path(home)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.answer as select ? as value", [value])
    con.close()
    path.with_suffix(".duckdb.done").touch()
    return path


def test_raw_ddl_for_every_table_keeps_money_exact() -> None:
    con = duckdb.connect()
    con.execute("create schema raw")
    for src in SOURCE_TABLES:
        con.execute(raw_table_ddl(src))
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'monitoring_monitoringentry'"
        ).fetchall()
    )
    assert types["budget_allocation"] == "DECIMAL(14,2)"
    assert types["id"] == "VARCHAR"
    assert types["_loaded_at"] == "TIMESTAMP"
    assert "requester_email" not in types


def test_nothing_published_is_a_clear_error(home: Home) -> None:
    with pytest.raises(NoWarehouseError, match="oobc demo"), read_only(home):
        pass


def test_publish_swaps_readers_to_the_new_file_and_old_readers_keep_theirs(home: Home) -> None:
    first = _build(home, 1)
    publish(home, first)
    with read_only(home) as old_reader:
        assert old_reader.execute("select value from answer").fetchall() == [(1,)]
        publish(home, _build(home, 2))
        # a reader that was open keeps a consistent view of the file it opened
        assert old_reader.execute("select value from answer").fetchall() == [(1,)]
        with read_only(home) as new_reader:
            assert new_reader.execute("select value from answer").fetchall() == [(2,)]


def test_readers_cannot_write(home: Home) -> None:
    publish(home, _build(home, 1))
    with read_only(home) as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute("create table marts.x as select 1")


def test_the_link_is_never_missing_during_a_swap(home: Home) -> None:
    publish(home, _build(home, 1))
    builds = [_build(home, i) for i in range(2, 6)]
    for b in builds:
        publish(home, b)
        assert home.current_link.is_symlink()
        assert published_path(home) == b.resolve()


def test_cleanup_keeps_the_published_and_recent_files(home: Home) -> None:
    paths = []
    for i in range(6):
        p = _build(home, i)
        past = time.time() - 7200 + i
        os.utime(p, (past, past))
        paths.append(p)
    publish(home, paths[0])  # an old file is the published one: it must survive
    remaining = set(home.builds_dir.glob("warehouse-*.duckdb"))
    assert paths[0] in remaining
    assert set(paths[-KEEP_BUILDS:]) <= remaining
    assert len(remaining) == KEEP_BUILDS + 1


def test_an_unfinished_recent_build_is_not_cleaned_up(home: Home) -> None:
    in_progress = new_build_path(home)
    duckdb.connect(str(in_progress)).close()  # being written: no .done marker yet
    for i in range(KEEP_BUILDS + 1):
        publish(home, _build(home, i))
    assert in_progress.exists()
    assert cleanup_builds(home) == []
