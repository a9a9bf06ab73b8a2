"""The policy–budget queries on a hand-made DuckDB holding only the mart columns they read.

PPAs: a (MOH, 2025, social, 200.00, province 72 of region 9), b (MOH, 2025, no sector, 100.00, region 10), c (no
MOA, no fiscal year, social, 50.00, no area), d (MPW, 2024, social, 100.00, region 9). Policy P1 is implemented by
a, b and c; P2 by a and d; P3 by none.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from dashboards import policy_queries as pq
from dashboards.filters import Filters

D = Decimal
HOSTILE = "x' or 1=1 --"


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table fct_policy_budget (
            policy_recommendation_id varchar, reference_number varchar, title varchar, status varchar,
            priority varchar, priority_category varchar, implementing_ppa_count integer,
            implementing_budget decimal(18,2), average_progress decimal(5,2), estimated_cost decimal(18,2),
            funding_gap decimal(18,2));
        insert into fct_policy_budget values
            ('P1', 'REF-1', 'School feeding', 'approved', 'high', 'A', 3, 350.00, 50.00, 500.00, 150.00),
            ('P2', 'REF-2', 'Roads', 'draft', 'low', 'C', 2, 300.00, 20.00, 50.00, 0.00),
            ('P3', 'REF-3', 'Culture', 'draft', 'low', 'C', 0, 0.00, null, null, null);
        create table fct_policy_moa_budget (
            policy_recommendation_id varchar, moa_id varchar, moa_acronym varchar, moa_name varchar,
            fiscal_year integer, implementing_ppa_count integer, implementing_budget decimal(18,2),
            ppa_ids varchar[]);
        insert into fct_policy_moa_budget values
            ('P1', 'o1', 'MOH', 'Ministry of Health', 2025, 2, 300.00, ['a', 'b']),
            ('P1', null, null, null, null, 1, 50.00, ['c']),
            ('P2', 'o1', 'MOH', 'Ministry of Health', 2025, 1, 200.00, ['a']),
            ('P2', 'o2', 'MPW', 'Ministry of Public Works', 2024, 1, 100.00, ['d']);
        create table dim_ppa as select * from (values
            ('a', 'Feeding', 'social', 'ongoing', 40, 200.00::decimal(14,2), 9, 72, 'IX', 'Zamboanga Sibugay'),
            ('b', 'Kitchens', null, 'planning', 0, 100.00::decimal(14,2), 10, null, 'X', null),
            ('c', 'Cooks', 'social', 'completed', 100, 50.00::decimal(14,2), null, null, null, null),
            ('d', 'Road', 'social', 'ongoing', 20, 100.00::decimal(14,2), 9, null, 'IX', null)
        ) as t(ppa_id, title, sector, status, progress, budget_allocation, coverage_region_id, coverage_province_id,
               region_name, province_name);
        """
    )
    yield connection
    connection.close()


def _cells(frame) -> list[tuple]:
    return frame.select("policy_recommendation_id", "moa_key", "ppa_count", "budget").rows()


def test_matrix_every_cell(con):
    frame = pq.matrix(con, Filters())
    assert _cells(frame) == [
        ("P1", "o1", 2, D("300.00")),
        ("P1", pq.NO_MOA, 1, D("50.00")),  # the PPA without a MOA keeps a column of its own
        ("P2", "o1", 1, D("200.00")),
        ("P2", "o2", 1, D("100.00")),
    ]
    assert frame.row(0, named=True)["reference_number"] == "REF-1"
    # without a filter the matrix is the mart's cells, summed over the years
    assert sum(frame["budget"].to_list()) == D("650.00")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(fiscal_years=(2025,)), [("P1", "o1", 2, D("300.00")), ("P2", "o1", 1, D("200.00"))]),
        (Filters(moas=("MPW",)), [("P2", "o2", 1, D("100.00"))]),
        (
            Filters(sectors=("social",)),  # through each PPA: b has no sector
            [
                ("P1", "o1", 1, D("200.00")),
                ("P1", "", 1, D("50.00")),
                ("P2", "o1", 1, D("200.00")),
                ("P2", "o2", 1, D("100.00")),
            ],
        ),
        (Filters(sectors=("unspecified",)), [("P1", "o1", 1, D("100.00"))]),
        (
            Filters(areas=("region:9",)),
            [("P1", "o1", 1, D("200.00")), ("P2", "o1", 1, D("200.00")), ("P2", "o2", 1, D("100.00"))],
        ),
        (Filters(areas=("province:72",)), [("P1", "o1", 1, D("200.00")), ("P2", "o1", 1, D("200.00"))]),
        (Filters(fiscal_years=(2024,), moas=("MOH",)), []),
        (Filters(moas=(HOSTILE,)), []),
        (Filters(sectors=(HOSTILE,)), []),
        (Filters(areas=(HOSTILE,)), []),
    ],
)
def test_matrix_filters(con, filters, expected):
    assert _cells(pq.matrix(con, filters)) == expected


@pytest.mark.parametrize(
    ("filters", "policy", "moa", "expected"),
    [
        (Filters(), "P1", "o1", ["a", "b"]),  # largest budget first
        (Filters(), "P1", pq.NO_MOA, ["c"]),
        (Filters(), None, None, ["a", "b", "c", "a", "d"]),  # every cell, policy by policy
        (Filters(sectors=("social",)), "P1", "o1", ["a"]),
        (Filters(areas=("region:10",)), "P1", "o1", ["b"]),
        (Filters(fiscal_years=(2024,)), "P1", "o1", []),
        (Filters(), "P3", "o1", []),
        (Filters(), HOSTILE, "o1", []),
        (Filters(), "P1", HOSTILE, []),
    ],
)
def test_cell_ppas(con, filters, policy, moa, expected):
    assert pq.cell_ppas(con, filters, policy, moa)["ppa_id"].to_list() == expected


def test_cell_ppas_columns(con):
    row = pq.cell_ppas(con, Filters(), "P2", "o2").row(0, named=True)
    assert (row["title"], row["moa_acronym"], row["fiscal_year"], row["sector"], row["budget_allocation"]) == (
        "Road",
        "MPW",
        2024,
        "social",
        D("100.00"),
    )


def test_policies_whole_figures_and_the_selection(con):
    frame = pq.policies(con, Filters())
    assert frame.select(
        "policy_recommendation_id", "implementing_budget", "funding_gap", "selection_ppa_count", "selection_budget"
    ).rows() == [
        ("P1", D("350.00"), D("150.00"), 3, D("350.00")),  # largest gap first
        ("P2", D("300.00"), D("0.00"), 2, D("300.00")),
        ("P3", D("0.00"), None, 0, D("0.00")),  # no gap (no estimated cost) last
    ]
    filtered = pq.policies(con, Filters(fiscal_years=(2025,), areas=("province:72",)))
    # the whole figures stay; only the selection columns follow the filters
    assert filtered.select("policy_recommendation_id", "implementing_budget", "selection_budget").rows() == [
        ("P1", D("350.00"), D("200.00")),
        ("P2", D("300.00"), D("200.00")),
        ("P3", D("0.00"), D("0.00")),
    ]
    hostile = pq.policies(con, Filters(moas=(HOSTILE,)))
    assert hostile["selection_budget"].to_list() == [D("0.00")] * 3
