"""The scorecard page's queries on a hand-made warehouse: order, counts, each global filter, hostile values."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from dashboards import scorecard_queries as sq
from dashboards.filters import Filters

REASON = "no_actuals_in_any_source"

# ppa_id, fiscal_year, moa_acronym, sector, budget, beneficiaries, cost per beneficiary, rank, tied, SPI, CPI
PPAS = [
    ("a", 2025, "MOH", "social", "1000.00", 4, "250.00", 1, True, "0.8500", "1.1000"),
    ("b", 2025, "MOH", "social", "500.00", 2, "250.00", 1, True, "0.9500", None),
    ("c", 2025, "MPW", "social", "900.00", 3, "300.00", 3, False, "1.0000", "0.8900"),
    ("d", 2024, "MPW", None, "200.00", None, None, None, None, None, None),
    ("e", 2024, "MOH", "economic", "100.00", 1, "100.00", 1, False, None, None),
]
# ppa_id, moa_name, progress, coverage region, coverage province
DIM_PPA = [
    ("a", "Ministry of Health", 40, 9, 72),
    ("b", "Ministry of Health", 10, 9, None),
    ("c", "Ministry of Public Works", 70, 10, 80),
    ("d", "Ministry of Public Works", 0, None, None),
    ("e", "Ministry of Health", 100, 10, 80),
]


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table fct_performance_scorecard (
            ppa_id varchar, title varchar, fiscal_year integer, moa_id varchar, moa_acronym varchar, sector varchar,
            budget_allocation decimal(14,2), indicator_count integer, outcome_indicator_count integer,
            output_indicator_count integer, parsed_target_count integer, parsed_target_share decimal(9,4),
            indicator_attainment_rate decimal(9,4), outcome_achievement_rate decimal(9,4),
            attainment_null_reason varchar, beneficiary_count integer, beneficiary_count_source varchar,
            cost_per_beneficiary decimal(14,2), cost_effectiveness_rank integer,
            cost_effectiveness_rank_tied boolean, has_work_items boolean, budget_at_completion decimal(18,2),
            planned_value decimal(18,2), earned_value decimal(18,2), actual_cost decimal(18,2),
            schedule_performance_index decimal(12,4), cost_performance_index decimal(12,4)
        );
        create table dim_ppa (
            ppa_id varchar, moa_name varchar, progress integer, coverage_region_id bigint,
            coverage_province_id bigint
        );
        create table dim_organization (organization_id varchar, acronym varchar, name varchar);
        create table rpt_performance_scorecard_by_moa (
            moa_id varchar, fiscal_year integer, ppa_count integer, budget_allocation decimal(18,2),
            beneficiary_count bigint, cost_per_beneficiary decimal(14,2), planned_value decimal(18,2),
            earned_value decimal(18,2), actual_cost decimal(18,2), schedule_performance_index decimal(12,4),
            cost_performance_index decimal(12,4), budget_allocation_prev_year decimal(18,2),
            budget_allocation_yoy_change decimal(18,2), budget_allocation_yoy_pct decimal(12,2),
            cost_per_beneficiary_prev_year decimal(14,2), cost_per_beneficiary_yoy_change decimal(14,2)
        );
        """
    )
    for ppa_id, year, moa, sector, budget, count, cost, rank, tied, spi, cpi in PPAS:
        connection.execute(
            "insert into fct_performance_scorecard values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, null, null, null, ?, ?, "
            "?, ?, ?, ?, ?, null, 10, 5, 4, ?, ?)",
            [
                ppa_id,
                f"PPA {ppa_id}",
                year,
                moa.lower(),
                moa,
                sector,
                budget,
                REASON,
                count,
                "beneficiary_individuals_total" if count else None,
                cost,
                rank,
                tied,
                spi is not None,
                spi,
                cpi,
            ],
        )
    connection.executemany("insert into dim_ppa values (?, ?, ?, ?, ?)", DIM_PPA)
    connection.executemany(
        "insert into dim_organization values (?, ?, ?)",
        [("moh", "MOH", "Ministry of Health"), ("mpw", "MPW", "Ministry of Public Works")],
    )
    connection.executemany(
        "insert into rpt_performance_scorecard_by_moa values "
        "(?, ?, ?, ?, 6, 250.00, 20, 10, 8, 0.5000, 1.2500, null, null, null, null, null)",
        [
            ("moh", 2025, 2, "1500.00"),
            ("mpw", 2025, 1, "900.00"),
            ("moh", 2024, 1, "100.00"),
            ("gone", 2024, 1, "200.00"),  # an MOA dim_organization does not know
        ],
    )
    yield connection
    connection.close()


def _ids(frame) -> list[str]:
    return frame["ppa_id"].to_list()


def test_every_ppa_latest_year_first_then_sector_and_rank(con):
    frame = sq.ppa_scorecard(con, Filters())
    # 2025 social by rank (the tie a/b by budget), then 2024: economic, then the PPA without a sector
    assert _ids(frame) == ["a", "b", "c", "e", "d"]
    assert frame["match_count"].to_list() == [5] * 5
    assert frame["cost_per_beneficiary"][0] == Decimal("250.00")
    assert frame["moa_name"][0] == "Ministry of Health" and frame["progress"].to_list() == [40, 10, 70, 100, 0]


def test_the_rank_group_counts_the_whole_sector_and_year_before_the_filters(con):
    frame = sq.ppa_scorecard(con, Filters(moas=("MOH",)))
    assert _ids(frame) == ["a", "b", "e"]
    # a and b are ranked among the 3 social PPAs of 2025, c (MPW) included
    assert frame["rank_group_size"].to_list() == [3, 3, 1]


def test_the_limit_keeps_the_count_of_every_match(con):
    frame = sq.ppa_scorecard(con, Filters(), limit=2)
    assert _ids(frame) == ["a", "b"] and frame["match_count"].to_list() == [5, 5]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(fiscal_years=(2024,)), ["e", "d"]),
        (Filters(moas=("MPW",)), ["c", "d"]),
        (Filters(sectors=("unspecified",)), ["d"]),
        (Filters(sectors=("social", "economic")), ["a", "b", "c", "e"]),
        (Filters(areas=("region:9",)), ["a", "b"]),
        (Filters(areas=("province:80",)), ["c", "e"]),
        (Filters(fiscal_years=(2025,), areas=("province:80",)), ["c"]),
        (Filters(fiscal_years=(1999,)), []),
        (Filters(moas=("x' or 1=1 --",)), []),
        (Filters(areas=("region:9' or '1'='1",)), []),
    ],
)
def test_the_ppa_view_applies_every_global_filter(con, filters, expected):
    frame = sq.ppa_scorecard(con, filters)
    assert _ids(frame) == expected
    assert "schedule_performance_index" in frame.columns  # an empty result keeps its columns


def test_the_reasons_attainment_is_null(con):
    reasons = sq.attainment_null_reasons(con, Filters())
    assert reasons.rows() == [(REASON, 5)]
    assert sq.attainment_null_reasons(con, Filters(moas=("MPW",))).rows() == [(REASON, 2)]
    assert sq.attainment_null_reasons(con, Filters(fiscal_years=(1999,))).height == 0


def test_the_moa_view_latest_year_first_largest_budget_first(con):
    frame = sq.moa_scorecard(con, Filters())
    assert frame.select("moa_id", "fiscal_year").rows() == [
        ("moh", 2025),
        ("mpw", 2025),
        ("gone", 2024),
        ("moh", 2024),
    ]
    assert frame["moa_acronym"].to_list() == ["MOH", "MPW", None, "MOH"]
    assert frame["budget_allocation"].sum() == Decimal("2700.00")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(fiscal_years=(2024,)), [("gone", 2024), ("moh", 2024)]),
        (Filters(moas=("MOH",)), [("moh", 2025), ("moh", 2024)]),
        # sector and area do not apply to the per-MOA mart (it sums every sector and area)
        (
            Filters(sectors=("economic",), areas=("province:80",)),
            [("moh", 2025), ("mpw", 2025), ("gone", 2024), ("moh", 2024)],
        ),
        (Filters(moas=("MOH' --",)), []),
    ],
)
def test_the_moa_view_applies_fiscal_year_and_moa_only(con, filters, expected):
    assert sq.moa_scorecard(con, filters).select("moa_id", "fiscal_year").rows() == expected


@pytest.mark.parametrize("filters", [Filters(), Filters(fiscal_years=(2025,)), Filters(moas=("MOH",))])
def test_the_chart_points_are_the_scorecard_rows_with_the_chart_columns(con, filters):
    points = sq.ppa_chart_points(con, filters)
    assert points.columns == list(sq.CHART_COLUMNS)
    assert points.equals(sq.ppa_scorecard(con, filters, limit=None).select(sq.CHART_COLUMNS))
