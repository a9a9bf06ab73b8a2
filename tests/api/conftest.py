"""Fixtures for the data API: homes with a published warehouse, apps over them, and tokens.

Fast tests use the tiny hand-made warehouse of the dashboards' tests (``tests.dashboards.tiny_warehouse``), with a
few saved-scenario rows added (``fct_scenario_comparison``); the figures and the contract tests use the demo home
(the real pipeline and every mart), served once per session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest import api_tokens
from ingest.home import Home
from ingest.warehouse import publish, published_path
from tests.dashboards.tiny_warehouse import build_tiny_warehouse

D = Decimal

# fct_scenario_comparison of the tiny warehouse: two scenarios of 2025 (ids 1 and 2), a total row and sector rows.
SCENARIO_COLUMNS = (
    "scenario_id bigint, version integer, scenario_name varchar, fiscal_year integer, scenario_status varchar, "
    "dimension varchar, key varchar, key_label varchar, ppa_count integer, funded_ppa_count integer, "
    "allocated_amount decimal(18,2), baseline_amount decimal(18,2), delta_vs_baseline decimal(18,2), "
    "allocated_share decimal(12,8), baseline_share decimal(12,8), population_total bigint, "
    "allocated_per_capita decimal(18,4), projected_beneficiaries bigint, is_valid boolean, problems varchar, "
    "envelope decimal(18,2), unallocated decimal(18,2), hard_ceilings_at_limit integer, "
    "soft_ceilings_exceeded integer, soft_ceilings_warning integer, needs_covered integer"
)
# fmt: off
SCENARIO_ROWS = [
    (1, 2, "Health first", 2025, "draft", "total", "total", "total", 4, 3, D("14000000.00"), D("14200000.50"),
     D("-200000.50"), D("1.00000000"), D("1.00000000"), None, None, 900, True, None, D("15000000.00"),
     D("1000000.00"), 0, 1, 0, 5),
    (1, 2, "Health first", 2025, "draft", "sector", "social", "social", 1, 1, D("3000000.00"), D("1500000.50"),
     D("1499999.50"), D("0.21428571"), D("0.10563380"), None, None, 300, None, None, None, None, None, None, None,
     None),
    (1, 2, "Health first", 2025, "draft", "sector", "infrastructure", "infrastructure", 2, 1, D("11000000.00"),
     D("12000000.00"), D("-1000000.00"), D("0.78571429"), D("0.84507042"), None, None, 600, None, None, None, None,
     None, None, None, None),
    (2, 1, "Roads", 2025, "approved", "total", "total", "total", 4, 4, D("14200000.50"), D("14200000.50"),
     D("0.00"), D("1.00000000"), D("1.00000000"), None, None, 800, False, "hard ceiling exceeded: MPW",
     D("14200000.50"), D("0.00"), 1, 0, 0, 2),
    (2, 1, "Roads", 2025, "approved", "area", "region:9", "Zamboanga Peninsula", 4, 4, D("14200000.50"),
     D("14200000.50"), D("0.00"), D("1.00000000"), D("1.00000000"), 3875576, D("3.6639"), 800, None, None, None,
     None, None, None, None, None),
]
# fmt: on


def build_api_warehouse(path: Path, budget_bump: Decimal | None = None) -> Path:
    """The tiny warehouse plus fct_scenario_comparison; ``budget_bump`` is added to every executive-summary
    budget (a second, different warehouse for the swap tests)."""
    build_tiny_warehouse(path)
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create table marts.fct_scenario_comparison ({SCENARIO_COLUMNS})")
        con.executemany(f"insert into marts.fct_scenario_comparison values ({', '.join('?' * 26)})", SCENARIO_ROWS)
        if budget_bump:
            con.execute(
                "update marts.rpt_executive_summary set budget_allocation = budget_allocation + ?", [budget_bump]
            )
    finally:
        con.close()
    return path


def api_home(root: Path, rate_limit: str | None = None) -> Home:
    home = Home(root / "home").ensure()
    if rate_limit:
        home.config_file.write_text(f'[api]\nrate_limit = "{rate_limit}"\n')
    publish(home, build_api_warehouse(root / "first.duckdb"))
    return home


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return api_home(tmp_path)


@pytest.fixture
def app(home: Home):
    from dashboards.app import create_app

    return create_app(home)


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def reader(home: Home) -> dict[str, str]:
    return bearer(api_tokens.create_token(home, "lgu-portal", "reader"))


@pytest.fixture
def analyst(home: Home) -> dict[str, str]:
    return bearer(api_tokens.create_token(home, "budget-tracker", "analyst"))


# One home and app per test module for the tests that only read (a generous rate limit: many requests).
@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return api_home(tmp_path_factory.mktemp("api-shared"), rate_limit="100000/minute")


@pytest.fixture(scope="module")
def shared_client(shared_home: Home):
    from dashboards.app import create_app

    return create_app(shared_home).server.test_client()


@pytest.fixture(scope="module")
def shared_reader(shared_home: Home) -> dict[str, str]:
    return bearer(api_tokens.create_token(shared_home, "lgu-portal", "reader"))


@pytest.fixture(scope="module")
def shared_analyst(shared_home: Home) -> dict[str, str]:
    return bearer(api_tokens.create_token(shared_home, "budget-tracker", "analyst"))


# ------------------------------------------------------------------------------------------- demo
@pytest.fixture(scope="session")
def demo_api_home(demo_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home of its own publishing a copy of the demo warehouse (every mart, real figures), so tokens, the request
    log and a generous rate limit for the contract test stay out of the shared demo home."""
    home = Home(tmp_path_factory.mktemp("api-demo") / "home").ensure()
    home.config_file.write_text('[api]\nrate_limit = "100000/minute"\n')
    copy = home.builds_dir / published_path(demo_home).name
    shutil.copyfile(published_path(demo_home), copy)
    publish(home, copy)
    return home


@pytest.fixture(scope="session")
def demo_api(demo_api_home: Home):
    """The app over the demo warehouse copy, with an analyst's headers."""
    from dashboards.app import create_app

    headers = bearer(api_tokens.create_token(demo_api_home, "cmo-reporting", "analyst"))
    return create_app(demo_api_home), headers


@pytest.fixture(scope="session")
def demo_served(demo_api) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo app on a real local server: (base URL, analyst headers)."""
    from tests.browser import serving

    app, headers = demo_api
    with serving(app) as url:
        yield url, headers
