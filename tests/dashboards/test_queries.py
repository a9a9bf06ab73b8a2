"""The queries against the tiny warehouse; every expectation is added up by hand from ``tiny_warehouse``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
import pytest

from dashboards import queries
from dashboards.filters import Filters
from ingest.warehouse import published_path
from tests.dashboards.tiny_warehouse import (
    TOTAL_ALLOCATIONS,
    TOTAL_BUDGET,
    TOTAL_DISBURSEMENTS,
    TOTAL_OBLIGATIONS,
    TOTAL_PPAS,
)

D = Decimal
HOSTILE = "x' OR 1=1 --"


def _row(frame: pl.DataFrame) -> dict:
    assert frame.height == 1
    return frame.row(0, named=True)


# ------------------------------------------------------------------------------------------ headline
def test_headline_everything(con):
    row = _row(queries.headline(con, Filters()))
    assert row["budget_allocation"] == TOTAL_BUDGET == D("22450000.50")
    assert row["ppa_count"] == TOTAL_PPAS
    assert row["allocations"] == TOTAL_ALLOCATIONS
    assert row["obligations"] == TOTAL_OBLIGATIONS
    assert row["disbursements"] == TOTAL_DISBURSEMENTS
    assert row["obligation_rate"] == pytest.approx(13_650_000.25 / 19_000_000)
    assert row["disbursement_rate"] == pytest.approx(8_200_000 / 13_650_000.25)


def test_amounts_stay_exact_decimals(con):
    schema = queries.headline(con, Filters()).schema
    for column in ("budget_allocation", "allocations", "obligations", "disbursements"):
        assert isinstance(schema[column], pl.Decimal), column
        assert schema[column].scale == 2


def test_headline_one_year_one_moa_one_sector(con):
    row = _row(queries.headline(con, Filters((2025,), ("MOH",), ("social",))))
    assert row["budget_allocation"] == D("1500000.50")
    assert row["ppa_count"] == 1
    assert row["obligations"] == D("250000.25")
    assert row["obligation_rate"] == pytest.approx(0.25000025)
    assert row["disbursement_rate"] == 0.0


@pytest.mark.parametrize(
    ("filters", "budget", "ppas"),
    [
        (Filters(fiscal_years=(2024,)), D("8000000.00"), 3),
        (Filters(fiscal_years=(2025,)), D("14200000.50"), 4),
        # a year filter leaves out the PPA without a fiscal year
        (Filters(fiscal_years=(2024, 2025)), D("22200000.50"), 7),
        (Filters(moas=("MOH",)), D("4750000.50"), 4),
        (Filters(moas=("MOH", "MPW")), D("16750000.50"), 6),
        (Filters(sectors=("social",)), D("9500000.50"), 4),
        (Filters(sectors=("unspecified",)), D("250000.00"), 1),
        (Filters(fiscal_years=(2024,), sectors=("social",)), D("8000000.00"), 3),
        (Filters(fiscal_years=(2024,), moas=("MPW",)), D("0.00"), 0),
        (Filters(fiscal_years=(2030,)), D("0.00"), 0),
    ],
)
def test_headline_filter_combinations(con, filters, budget, ppas):
    row = _row(queries.headline(con, filters))
    assert row["budget_allocation"] == budget
    assert row["ppa_count"] == ppas


def test_rates_are_undefined_when_the_denominator_is_zero(con):
    # MAFAR has a budget but no allocation and no obligation yet
    row = _row(queries.headline(con, Filters(moas=("MAFAR",))))
    assert row["budget_allocation"] == D("700000.00")
    assert row["allocations"] == row["obligations"] == D("0.00")
    assert row["obligation_rate"] is None
    assert row["disbursement_rate"] is None


def test_nothing_selected_gives_zeros_and_undefined_rates(con):
    row = _row(queries.headline(con, Filters(fiscal_years=(1999,))))
    assert (row["budget_allocation"], row["ppa_count"], row["disbursements"]) == (D("0.00"), 0, D("0.00"))
    assert row["obligation_rate"] is None
    assert row["disbursement_rate"] is None


# ------------------------------------------------------------------------------------- breakdowns
def test_budget_by_sector(con):
    frame = queries.budget_by_sector(con, Filters())
    assert frame["sector"].to_list() == ["infrastructure", "social", "economic", "unspecified"]
    assert frame["budget_allocation"].to_list() == [D("12000000.00"), D("9500000.50"), D("700000.00"), D("250000.00")]
    assert frame["ppa_count"].to_list() == [2, 4, 1, 1]
    assert frame["obligations"].to_list() == [D("6000000.00"), D("7650000.25"), D("0.00"), D("0.00")]
    assert sum(frame["budget_allocation"].to_list()) == TOTAL_BUDGET


def test_budget_by_sector_filtered(con):
    frame = queries.budget_by_sector(con, Filters(fiscal_years=(2025,), moas=("MOH", "MAFAR")))
    assert dict(zip(frame["sector"], frame["budget_allocation"], strict=True)) == {
        "social": D("1500000.50"),
        "economic": D("700000.00"),
    }


def test_budget_by_moa(con):
    frame = queries.budget_by_moa(con, Filters())
    assert frame["moa_acronym"].to_list() == ["MPW", "MBHTE", "MOH", "MAFAR"]
    assert frame["budget_allocation"].to_list() == [
        D("12000000.00"),
        D("5000000.00"),
        D("4750000.50"),
        D("700000.00"),
    ]
    assert frame["moa_name"][0] == "Ministry of Public Works"
    assert frame["moa_count"].to_list() == [4, 4, 4, 4]
    assert sum(frame["budget_allocation"].to_list()) == TOTAL_BUDGET


def test_budget_by_moa_keeps_the_top_n_and_counts_all(con):
    frame = queries.budget_by_moa(con, Filters(), limit=2)
    assert frame["moa_acronym"].to_list() == ["MPW", "MBHTE"]
    assert frame["moa_count"].to_list() == [4, 4]


def test_budget_by_year(con):
    frame = queries.budget_by_year(con, Filters())
    assert frame["fiscal_year"].to_list() == [2024, 2025, None]
    assert frame["budget_allocation"].to_list() == [D("8000000.00"), D("14200000.50"), D("250000.00")]
    assert frame["obligations"].to_list() == [D("7400000.00"), D("6250000.25"), D("0.00")]
    assert frame["disbursements"].to_list() == [D("5200000.00"), D("3000000.00"), D("0.00")]


def test_budget_by_year_filtered_by_sector(con):
    frame = queries.budget_by_year(con, Filters(sectors=("infrastructure",)))
    assert frame["fiscal_year"].to_list() == [2025]
    assert frame["budget_allocation"].to_list() == [D("12000000.00")]


# -------------------------------------------------------------------------------------------- PPAs
def test_top_ppas_sorted_by_budget(con):
    frame = queries.top_ppas(con, Filters())
    assert frame["ppa_id"].to_list() == [5, 3, 6, 2, 4, 1, 7, 8]
    assert frame["budget_allocation"][0] == D("8000000.00")
    assert frame.columns == [
        "ppa_id",
        "title",
        "moa_acronym",
        "moa_name",
        "sector",
        "fiscal_year",
        "budget_allocation",
        "progress",
        "status",
    ]


def test_top_ppas_limit_and_filters(con):
    assert queries.top_ppas(con, Filters(), limit=3)["ppa_id"].to_list() == [5, 3, 6]
    assert queries.top_ppas(con, Filters((2024,), ("MOH",), ()))["ppa_id"].to_list() == [2, 1]
    # a PPA without a sector is found under "unspecified", as in the summary mart
    assert queries.top_ppas(con, Filters(sectors=("unspecified",)))["ppa_id"].to_list() == [8]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(fiscal_years=(2025,)),
        Filters(moas=("MOH",)),
        Filters(sectors=("unspecified",)),
        Filters((2024, 2025), ("MOH", "MBHTE"), ("social",)),
    ],
)
def test_ppa_table_and_summary_agree(con, filters):
    """The table's PPAs add up to the headline under every filter (the two marts are filtered alike)."""
    ppas = queries.top_ppas(con, filters, limit=1000)
    headline = _row(queries.headline(con, filters))
    assert ppas.height == headline["ppa_count"]
    assert sum(ppas["budget_allocation"].to_list(), D(0)) == headline["budget_allocation"]


# -------------------------------------------------------------------------------- parameter binding
@pytest.mark.parametrize(
    "filters",
    [
        Filters(moas=(HOSTILE,)),
        Filters(sectors=(HOSTILE,)),
        Filters(moas=("MOH') OR ('1'='1",)),
        Filters(sectors=("social'; drop table dim_ppa; --",)),
    ],
)
def test_hostile_text_matches_nothing(con, filters):
    assert _row(queries.headline(con, filters))["ppa_count"] == 0
    assert queries.budget_by_sector(con, filters).height == 0
    assert queries.budget_by_moa(con, filters).height == 0
    assert queries.budget_by_year(con, filters).height == 0
    assert queries.top_ppas(con, filters).height == 0
    # and the marts are still all there
    assert queries.top_ppas(con, Filters()).height == TOTAL_PPAS


# ----------------------------------------------------------------------------------------- options
def test_filter_options(con):
    assert queries.fiscal_years(con)["fiscal_year"].to_list() == [2025, 2024]
    moas = queries.moas(con)
    assert moas["moa_acronym"].to_list() == ["MAFAR", "MBHTE", "MOH", "MPW"]
    assert moas["moa_name"][2] == "Ministry of Health"
    assert queries.sectors(con)["sector"].to_list() == ["economic", "infrastructure", "social", "unspecified"]


# ---------------------------------------------------------------------------------------- freshness
def test_data_as_of_is_the_published_file_time(home):
    path = published_path(home)
    os.utime(path, (1_763_702_400, 1_763_702_400))  # 2025-11-21 05:20:00 UTC
    assert queries.data_as_of(home) == datetime(2025, 11, 21, 5, 20, tzinfo=UTC)


def test_data_as_of_without_a_warehouse(empty_home):
    assert queries.data_as_of(empty_home) is None
