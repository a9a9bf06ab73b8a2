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


@pytest.fixture(scope="session")
def demo_url(demo_home: Home) -> Iterator[str]:
    """The dashboard served over the demo warehouse (the real pipeline, scale 0.1): every mart is there. ``serving``
    makes an admin user for it: ``tests.browser.open_page`` / ``visit`` sign a browser in with it when asked."""
    from dashboards.app import create_app
    from tests.browser import serving

    with serving(create_app(demo_home)) as url:
        yield url


@pytest.fixture(scope="session")
def page_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One headless Chromium for the page tests; its downloads land in ``page_browser.downloads``. It signs in to
    each served dashboard once, the first time ``open_page`` is sent to ``/login`` (the session cookie is per home,
    so it stays signed in to several dashboards at once)."""
    from tests.browser import chrome, require_chromium

    require_chromium()
    driver = chrome(tmp_path_factory.mktemp("chromium-pages"))
    try:
        yield driver
    finally:
        driver.quit()
