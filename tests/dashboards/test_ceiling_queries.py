"""The ceiling monitor's queries on a hand-made DuckDB holding only the mart columns they read.

Five ceilings: c1 FY 2025 social, hard, 120.00 of 100.00 (exceeded); c2 FY 2025 economic, soft, 190.00 of 200.00
(warning); c3 FY 2024 any sector, hard, 10.00 of 50.00 (ok); c4 FY 2025 'cultural' (unmapped, 30.00); c5 FY 2024
social, soft, a ceiling of 0.00 with 5.00 under it (exceeded, no utilization).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from dashboards import ceiling_queries as cq
from dashboards.filters import Filters

D = Decimal
HOSTILE = "x' or 1=1 --"


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table fct_ceiling_monitor (
            ceiling_id varchar, source_table varchar, ceiling_name varchar, fiscal_year integer,
            sector_stated varchar, sector_mapped varchar, sector_match varchar, funding_source_stated varchar,
            funding_source_mapped varchar, funding_source_match varchar, ceiling_amount decimal(18,2),
            allocated_amount decimal(18,2), remaining_amount decimal(18,2), utilization decimal(18,6),
            warning_threshold decimal(5,4), is_threshold_default boolean, status varchar, enforcement_level varchar,
            is_active boolean, ppa_count integer, ppas_beyond_ceiling_count integer);
        insert into fct_ceiling_monitor values
            ('c1', 'project_central_budgetceiling', 'Social 2025', 2025, 'social', 'social', 'exact', null, null,
             'not_stated', 100.00, 120.00, -20.00, 1.2, 0.9, true, 'exceeded', 'hard', true, 2, 1),
            ('c2', 'monitoring_ceilingmanagement', null, 2025, 'economic', 'economic', 'exact', 'GAA', 'gaa',
             'exact', 200.00, 190.00, 10.00, 0.95, 0.9, false, 'warning', 'soft', true, 1, 0),
            ('c3', 'project_central_budgetceiling', 'All 2024', 2024, null, null, 'not_stated', null, null,
             'not_stated', 50.00, 10.00, 40.00, 0.2, 0.9, true, 'ok', 'hard', true, 0, 0),
            ('c4', 'project_central_budgetceiling', 'Culture', 2025, 'cultural', null, 'unmapped', null, null,
             'not_stated', 30.00, null, null, null, 0.9, true, 'unmapped', 'soft', true, 0, 0),
            ('c5', 'project_central_budgetceiling', 'Zero', 2024, 'social', 'social', 'exact', null, null,
             'not_stated', 0.00, 5.00, -5.00, null, 0.9, true, 'exceeded', 'soft', true, 1, 1);
        create table fct_ceiling_ppas (
            ceiling_id varchar, source_table varchar, ppa_id varchar, moa_id varchar, fiscal_year integer,
            sector varchar, funding_source varchar, budget_allocation decimal(14,2), budget_rank integer,
            running_allocated_amount decimal(18,2), ceiling_amount decimal(18,2), is_beyond_ceiling boolean);
        insert into fct_ceiling_ppas values
            ('c1', 'project_central_budgetceiling', 'p1', 'o1', 2025, 'social', 'gaa', 80.00, 1, 80.00, 100.00, false),
            ('c1', 'project_central_budgetceiling', 'p2', 'o2', 2025, 'social', 'gaa', 40.00, 2, 120.00, 100.00, true),
            ('c2', 'monitoring_ceilingmanagement', 'p3', 'o1', 2025, 'economic', 'gaa', 190.00, 1, 190.00, 200.00,
             false),
            ('c5', 'project_central_budgetceiling', 'p4', 'o1', 2024, 'social', 'gaa', 5.00, 1, 5.00, 0.00, true);
        create table dim_ppa as select * from (values
            ('p1', 'School feeding', 'MOH', 'Ministry of Health', 9, 72),
            ('p2', 'Clinic road', 'MPW', 'Ministry of Public Works', 10, null),
            ('p3', 'Livelihood', 'MOH', 'Ministry of Health', 9, null),
            ('p4', 'Vaccines', 'MOH', 'Ministry of Health', null, null)
        ) as t(ppa_id, title, moa_acronym, moa_name, coverage_region_id, coverage_province_id);
        create table rpt_ceiling_vocabulary_unmapped (
            vocabulary varchar, stated_value_key varchar, stated_value_example varchar, ceiling_count integer,
            ceiling_ids varchar, source_tables varchar, first_fiscal_year integer, last_fiscal_year integer,
            ceiling_amount decimal(18,2));
        insert into rpt_ceiling_vocabulary_unmapped values
            ('funding_source', 'internal', 'Internal', 1, 'c9', 'project_central_budgetceiling', 2023, 2023, 5.00),
            ('sector', 'cultural', 'Cultural', 1, 'c4', 'project_central_budgetceiling', 2025, 2025, 30.00);
        """
    )
    yield connection
    connection.close()


def test_ceilings_highest_utilization_first_without_one_last(con):
    frame = cq.ceilings(con, Filters())
    # 1.2, 0.95, 0.2; then no utilization: the zero ceiling (exceeded) before the unmapped one
    assert frame["ceiling_id"].to_list() == ["c1", "c2", "c3", "c5", "c4"]
    first = frame.row(0, named=True)
    assert (first["allocated_amount"], first["remaining_amount"], first["utilization"]) == (
        D("120.00"),
        D("-20.00"),
        D("1.200000"),
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(fiscal_years=(2025,)), ["c1", "c2", "c4"]),
        (Filters(sectors=("social",)), ["c1", "c5"]),
        (Filters(sectors=("unspecified",)), ["c3", "c4"]),  # any sector, and unmapped: no mapped sector
        (Filters(fiscal_years=(2024,), sectors=("social",)), ["c5"]),
        # a ceiling has no MOA or area: those filters leave the ceilings alone
        (Filters(moas=("MPW",), areas=("region:9",)), ["c1", "c2", "c3", "c5", "c4"]),
        (Filters(fiscal_years=(1999,)), []),
        (Filters(sectors=(HOSTILE,)), []),
    ],
)
def test_ceilings_filters(con, filters, expected):
    assert cq.ceilings(con, filters)["ceiling_id"].to_list() == expected


def test_summary_all_ceilings(con):
    row = cq.summary(con, Filters()).row(0, named=True)
    assert row == {
        "ceiling_count": 5,
        "exceeded_count": 2,
        "warning_count": 1,
        "ok_count": 1,
        "unmapped_count": 1,
        "hard_exceeded_count": 1,
        "headroom": D("50.00"),  # c2 10.00 + c3 40.00; exceeded ones are the overrun instead
        "overrun": D("25.00"),  # c1 20.00 + c5 5.00
        "unmapped_amount": D("30.00"),
    }


def test_summary_filtered_and_empty(con):
    row = cq.summary(con, Filters(fiscal_years=(2025,))).row(0, named=True)
    assert (row["exceeded_count"], row["headroom"], row["overrun"], row["unmapped_count"]) == (
        1,
        D("10.00"),
        D("20.00"),
        1,
    )
    empty = cq.summary(con, Filters(fiscal_years=(1999,))).row(0, named=True)
    assert (empty["ceiling_count"], empty["headroom"], empty["overrun"]) == (0, D("0.00"), D("0.00"))


def test_ppas_of_a_ceiling_largest_first(con):
    frame = cq.ceiling_ppas(con, Filters(), "c1")
    assert frame.select("ppa_id", "title", "moa_acronym", "running_allocated_amount", "is_beyond_ceiling").rows() == [
        ("p1", "School feeding", "MOH", D("80.00"), False),
        ("p2", "Clinic road", "MPW", D("120.00"), True),
    ]


@pytest.mark.parametrize(
    ("filters", "ceiling", "expected"),
    [
        (Filters(moas=("MPW",)), "c1", ["p2"]),  # the flag stays the whole ceiling's
        (Filters(areas=("region:9",)), "c1", ["p1"]),
        (Filters(areas=("province:72",)), None, ["p1"]),
        (Filters(), None, ["p1", "p2", "p3", "p4"]),
        (Filters(fiscal_years=(2024,)), None, ["p4"]),  # through the ceilings of the selection
        (Filters(sectors=("economic",)), None, ["p3"]),
        (Filters(fiscal_years=(2024,)), "c1", []),  # a ceiling outside the selection lists nothing
        (Filters(moas=(HOSTILE,)), "c1", []),
        (Filters(), HOSTILE, []),
        (Filters(), "c4", []),  # unmapped: no PPA
    ],
)
def test_ppas_filters(con, filters, ceiling, expected):
    assert cq.ceiling_ppas(con, filters, ceiling)["ppa_id"].to_list() == expected


def test_unmapped_vocabulary_largest_amount_first(con):
    frame = cq.unmapped_vocabulary(con)
    assert frame.select("vocabulary", "stated_value_key", "ceiling_amount").rows() == [
        ("sector", "cultural", D("30.00")),
        ("funding_source", "internal", D("5.00")),
    ]
