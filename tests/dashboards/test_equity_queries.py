"""The equity page's queries on a hand-made warehouse: the shown year, the level, the area filter, hostile values."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from dashboards import equity_queries as eq
from dashboards.filters import Filters

# geography_id, fiscal_year, level, region_id, province_id, spending, population, OBC population, per capita total,
# per capita OBC
AREAS = [
    ("region:9", 2025, "region", 9, None, "600.00", 1000, 100, "0.6000", "6.0000"),
    ("region:10", 2025, "region", 10, None, "100.00", 1000, None, "0.1000", None),
    ("province:72", 2025, "province", 9, 72, "300.00", 600, 60, "0.5000", "5.0000"),
    ("province:73", 2025, "province", 9, 73, "0.00", 400, 40, "0.0000", "0.0000"),
    ("province:80", 2025, "province", 10, 80, "100.00", 100, 0, "1.0000", None),
    ("province:81", 2025, "province", 10, 81, "0.00", None, None, None, None),
    ("municipality:700", 2025, "municipality", 9, 72, "100.00", 200, 20, "0.5000", "5.0000"),
    ("province:72", 2024, "province", 9, 72, "50.00", 600, 60, "0.0833", "0.8333"),
]
NAMES = [
    ("region:9", "IX", "Zamboanga Peninsula", None, None),
    ("region:10", "X", "Northern Mindanao", None, None),
    ("province:72", "IX", "Zamboanga Peninsula", "Zamboanga Sibugay", None),
    ("province:73", "IX", "Zamboanga Peninsula", "Zamboanga del Sur", None),
    ("province:80", "X", "Northern Mindanao", "Bukidnon", None),
    # province:81 has no dim_geography row: its key stands in for the name
    ("municipality:700", "IX", "Zamboanga Peninsula", "Zamboanga Sibugay", "Ipil"),
]


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table fct_equity (
            geography_id varchar, fiscal_year integer, level varchar, region_id bigint, province_id bigint,
            ppa_count integer, spending decimal(18,2), population_total bigint, obc_population bigint,
            spending_per_capita_total decimal(18,4), spending_per_capita_obc decimal(18,4),
            unmet_need_cost decimal(18,2), high_priority_unfunded_count integer, allocation_share decimal(12,8),
            need_share decimal(12,8), allocation_need_ratio decimal(18,6), spending_prev_year decimal(18,2),
            spending_yoy_change decimal(18,2), spending_yoy_pct decimal(18,4)
        );
        create table dim_geography (
            geography_id varchar, region_code varchar, region_name varchar, province_name varchar,
            municipality_name varchar
        );
        create table rpt_equity_summary as
        select * from (values
            (2025, 'province', 'obc', 2, 2, 1, 300.00, 100, 3.0000, null, 1.0, 1.2, 0.5, 0.5, 0.7, 0.1, 0.6, 0.0, 0.0,
             0.0, 0.2, null, null),
            (2025, 'province', 'total', 3, 1, 1, 400.00, 1100, 0.3636, null, 1.1, 1.3, 0.6, 0.55, 0.8, 0.2, 0.6, 0.1,
             0.05, 0.05, -0.1, 0.5, 0.1),
            (2025, 'region', 'total', 2, 0, 0, 700.00, 2000, 0.3500, 6.0, 0.7, 0.7, 0.35, 0.35, 0.3, null, null, 0.2,
             null, null, 0.05, null, null)
        ) as t(fiscal_year, level, denominator, n_areas, n_areas_without_population, n_areas_zero_spending,
               total_spending, total_population, mean_per_capita, max_min_ratio, coefficient_of_variation,
               williamson_index, gini_weighted, gini_unweighted, theil_t, theil_t_between, theil_t_within, theil_l,
               theil_l_between, theil_l_within, concentration_index, gini_weighted_prev_year,
               gini_weighted_yoy_change);
        """
    )
    for geo, year, level, region, province, spending, pop, obc, pc_total, pc_obc in AREAS:
        connection.execute(
            "insert into fct_equity values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 10.00, 0, 0.5, 0.25, 2.0, null, null, "
            "null)",
            [geo, year, level, region, province, spending, pop, obc, pc_total, pc_obc],
        )
    connection.executemany("insert into dim_geography values (?, ?, ?, ?, ?)", NAMES)
    yield connection
    connection.close()


def test_the_years_latest_first(con):
    assert eq.equity_years(con) == [2025, 2024]


@pytest.mark.parametrize(
    ("selected", "year", "words"),
    [
        ((), 2025, "the latest year (no fiscal year is selected)"),
        ((2024,), 2024, "Showing FY 2024."),
        ((2024, 2025), 2025, "the latest of the selected years"),
        ((2023, 2024), 2024, "the latest of the selected years"),
        ((1999,), None, "No spending is placed in an area in FY 1999"),
    ],
)
def test_the_shown_year(selected, year, words):
    shown = eq.shown_year(Filters(fiscal_years=selected), [2024, 2025])
    assert shown.fiscal_year == year and words in shown.note


def test_no_year_at_all():
    assert eq.shown_year(Filters(), []).fiscal_year is None


def test_the_areas_of_a_level_highest_per_capita_first(con):
    frame = eq.areas(con, Filters(), 2025, "province")
    assert frame["geography_id"].to_list() == ["province:80", "province:72", "province:73", "province:81"]
    assert frame["area_name"].to_list() == ["Bukidnon", "Zamboanga Sibugay", "Zamboanga del Sur", "province:81"]
    assert frame["spending"].sum() == Decimal("400.00")
    regions = eq.areas(con, Filters(), 2025, "region")
    assert regions["area_name"].to_list() == ["Zamboanga Peninsula", "Northern Mindanao"]
    assert eq.areas(con, Filters(), 2025, "municipality")["area_name"].to_list() == ["Ipil"]
    assert eq.areas(con, Filters(), 2024, "province")["spending"].to_list() == [Decimal("50.00")]


@pytest.mark.parametrize(
    ("filters", "level", "expected"),
    [
        (Filters(areas=("region:9",)), "province", ["province:72", "province:73"]),
        (Filters(areas=("province:80",)), "province", ["province:80"]),
        (Filters(areas=("province:72",)), "municipality", ["municipality:700"]),
        (Filters(areas=("region:10",)), "region", ["region:10"]),
        (Filters(areas=("province:80",)), "region", []),  # a region row has no province
        # MOA and sector do not apply: the mart is by area only; the year comes as its own parameter
        (Filters(moas=("MOH",), sectors=("social",), fiscal_years=(2024,)), "region", ["region:9", "region:10"]),
        (Filters(areas=("region:9' or '1'='1",)), "province", []),
    ],
)
def test_the_area_filter(con, filters, level, expected):
    assert eq.areas(con, filters, 2025, level)["geography_id"].to_list() == expected


def test_hostile_or_missing_level_and_year(con):
    frame = eq.areas(con, Filters(), 2025, "province' or 1=1 --")
    assert frame.height == 0 and "spending_per_capita_obc" in frame.columns
    assert eq.areas(con, Filters(), None, "province").height == 0
    assert eq.indices(con, 2025, "x' or 1=1 --").height == 0


def test_the_indices_total_population_first(con):
    frame = eq.indices(con, 2025, "province")
    assert frame["denominator"].to_list() == ["total", "obc"]
    assert [float(v) for v in frame["gini_weighted"].to_list()] == [0.6, 0.5]
    assert eq.indices(con, 2025, "region")["denominator"].to_list() == ["total"]
    assert eq.indices(con, 2024, "province").height == 0
