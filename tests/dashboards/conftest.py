"""Fixtures: a temporary home with the tiny warehouse published (see ``tiny_warehouse``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.home import Home
from ingest.warehouse import read_only
from tests.dashboards.tiny_warehouse import published_home


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Home]:
    yield published_home(tmp_path)


@pytest.fixture
def empty_home(tmp_path: Path) -> Home:
    """A home where nothing has been published yet."""
    return Home(tmp_path / "empty").ensure()


@pytest.fixture
def con(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    with read_only(home) as connection:
        yield connection
