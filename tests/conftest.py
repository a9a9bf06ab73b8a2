"""Shared fixtures: a real PostgreSQL server, tiny OBCMS sources, and a full demo warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.home import Home
from tests import tiny_obcms
from tests.pg import PostgresServer

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "obcms"
DEMO_SCALE = float(os.environ.get("OOBC_TEST_DEMO_SCALE", "0.1"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tiny_sqlite(tmp_path: Path) -> str:
    return tiny_obcms.create(f"sqlite:///{tmp_path / 'obcms.sqlite3'}")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home with a generated demo source, refreshed and published: the real pipeline end to end."""
    from ingest.demo import generate
    from ingest.pipeline import refresh

    home = Home(tmp_path_factory.mktemp("demo") / "home").ensure()
    generate(home.demo_url, scale=DEMO_SCALE, seed=7)
    home.write_default_config(home.demo_url)
    refresh(home, command="test")
    return home
