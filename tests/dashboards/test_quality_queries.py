"""The data-quality queries against the tiny warehouse; expectations come from ``tiny_warehouse``'s tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from dashboards import quality_queries as qq
from ingest.warehouse import published_path, read_only
from tests.dashboards.tiny_warehouse import OBCMS_LOADED_AT, PPA_FILES_LOADED_AT

HOSTILE = "x' OR 1=1 --"


def test_runs_latest_refresh_first_failures_first(con):
    frame = qq.runs(con)
    assert frame.select("run_id", "source_name", "table_name").rows() == [
        ("run-2", "obcms", "monitoring_monitoringentry"),
        ("run-2", "ppa", "ppa_yaml_ppas"),
        ("run-1", "(none)", "(none)"),
        ("run-0", "obcms", "common_region"),
    ]
    assert frame["is_failed"].to_list() == [False, False, True, True]
    # the error of a load, else of its refresh
    assert frame["error"].to_list() == [None, None, "SourceError: ppa: no such folder", "timeout"]
    assert qq.runs(con, limit=1).height == 1


def test_rejects_all_and_filtered(con):
    everything = qq.rejects(con)
    assert everything["reject_id"].to_list() == [1, 2, 3]
    assert everything["match_count"].to_list() == [3, 3, 3]
    ppa = qq.rejects(con, source="ppa")
    assert ppa.select("location", "reason").rows() == [("mafar.yaml:55", "approved_budget must be a plain number")]
    one_table = qq.rejects(con, source="obcms", table="monitoring_monitoringentry", limit=1)
    assert one_table["reject_id"].to_list() == [1]
    assert one_table["match_count"].to_list() == [2]  # two match; one shown
    assert qq.rejects(con, table="ppa_yaml_ppas")["reject_id"].to_list() == [2]


def test_reject_filters_are_bound_parameters(con):
    assert qq.rejects(con, source=HOSTILE).height == 0
    assert qq.rejects(con, table=HOSTILE).height == 0


def test_reject_tables(con):
    assert qq.reject_tables(con).rows() == [
        ("obcms", "monitoring_monitoringentry", 2),
        ("ppa", "ppa_yaml_ppas", 1),
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # one hour after the OBCMS load: OBCMS fresh, the PPA files (10 days) error, the list (19 days) error
        (OBCMS_LOADED_AT + timedelta(hours=1), {"obcms": "fresh", "ppa_yaml": "error", "organizations": "error"}),
        # three days after the PPA files: stale
        (PPA_FILES_LOADED_AT + timedelta(days=3), {"obcms": "fresh", "ppa_yaml": "stale", "organizations": "error"}),
        # exactly 48 hours after the OBCMS load: stale (the threshold is inclusive, as in the mart)
        (OBCMS_LOADED_AT + timedelta(hours=48), {"obcms": "stale", "ppa_yaml": "error", "organizations": "error"}),
    ],
)
def test_freshness_is_graded_at_the_time_of_viewing(con, now, expected):
    frame = qq.freshness(con, now=now.replace(tzinfo=UTC))
    statuses = dict(frame.select("source_name", "status").rows())
    assert statuses == {**expected, "psa": "not_loaded"}  # PSA never loaded, and never an error
    (age,) = frame.filter(pl.col("source_name") == "obcms")["age_hours"].to_list()
    assert float(age) == pytest.approx((now - OBCMS_LOADED_AT).total_seconds() / 3600)


def test_freshness_now_defaults_to_the_current_time(con):
    frame = qq.freshness(con)
    obcms_age = frame.filter(pl.col("source_name") == "obcms")["age_hours"][0]
    expected = (datetime.now(UTC).replace(tzinfo=None) - OBCMS_LOADED_AT).total_seconds() / 3600
    assert float(obcms_age) == pytest.approx(expected, abs=0.2)


def test_findings(con):
    assert qq.deleted_rows(con).select("table_name", "rows_deleted").rows() == [("monitoring_monitoringentry", 1)]
    unknown = qq.unknown_organizations(con)
    assert unknown.select("moa_acronym", "approved_budget", "locations").rows() == [
        ("BAGO", Decimal("34001249.00"), "bago.yaml:4")
    ]
    unmatched = qq.geography_unmatched(con)
    assert unmatched.select("source", "name").rows() == [("obcms", "Kidapawan"), ("psa", "CITY OF ISABELA")]
    assert unmatched["match_count"].to_list() == [2, 2]
    population = qq.population_findings(con)  # consistent rows are not findings
    assert population.select("municipality_name", "status", "difference").rows() == [
        ("Bansalan", "children_do_not_add_up", 5808),
        (None, "no_children", -151297),
    ]


def test_empty_marts_give_empty_frames_with_their_columns(home):
    path = published_path(home)
    with duckdb.connect(str(path)) as writer:
        for table in (
            "rpt_data_quality_runs",
            "rpt_data_quality_rejects",
            "rpt_source_freshness",
            "rpt_deleted_rows",
            "rpt_unknown_organizations",
            "rpt_geography_unmatched",
            "rpt_population_consistency",
        ):
            writer.execute(f"delete from marts.{table}")
    with read_only(home) as con:
        for frame in (
            qq.runs(con),
            qq.rejects(con),
            qq.reject_tables(con),
            qq.freshness(con),
            qq.deleted_rows(con),
            qq.unknown_organizations(con),
            qq.geography_unmatched(con),
            qq.population_findings(con),
        ):
            assert frame.height == 0
            assert frame.width > 0


# ------------------------------------------------------------------------------------ duplicate PPAs
# The tiny warehouse has no fct_duplicate_ppa_pairs: the duplicates are tested on their own hand-made marts.
@pytest.fixture
def duplicates_con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table dim_ppa as select * from (values
            ('a', 'MOH', 'Ministry of Health', 2025, 100.00::decimal(14,2)),
            ('b', 'MPW', 'Ministry of Public Works', 2025, 250.50::decimal(14,2)),
            ('c', 'MSSD', 'Ministry of Social Services', 2024, null::decimal(14,2)),
            ('x'' OR 1=1 --', 'BAD', 'Bad', 2025, 1.00::decimal(14,2))
        ) as t(ppa_id, moa_acronym, moa_name, fiscal_year, budget_allocation);
        create table dim_geography as select * from (values
            ('municipality:7', 'municipality', 7::bigint, 'Cotabato City', 'Maguindanao'),
            ('province:7', 'province', null::bigint, null, 'Other')
        ) as t(geography_id, level, municipality_id, municipality_name, province_name);
        create table fct_duplicate_ppa_pairs as select * from (values
            ('a', 'c', 'Feeding program', 'Feeding programme', 'social', 0, true, 7::bigint, 306, 0.9765::decimal(5,4), 2),
            ('a', 'b', 'Feeding program', 'feeding program', 'social', 2, false, null::bigint, 31,
                1.0000::decimal(5,4), 1),
            ('b', 'c', 'Roads', 'Clinics', 'social', 1, false, null::bigint, 1, 0.4389::decimal(5,4), 3)
        ) as t(ppa_id_a, ppa_id_b, title_a, title_b, sector, shared_community_count, same_municipality,
               shared_municipality_id, overlap_days, title_similarity, similarity_rank);
        """
    )
    yield connection
    connection.close()


def test_duplicate_pairs_most_similar_first_with_both_ppas(duplicates_con):
    frame = qq.duplicate_pairs(duplicates_con)
    assert frame.select("similarity_rank", "ppa_id_a", "ppa_id_b").rows() == [
        (1, "a", "b"),
        (2, "a", "c"),
        (3, "b", "c"),
    ]
    first, second, _ = frame.iter_rows(named=True)
    assert (first["moa_a"], first["budget_a"], first["moa_b"], first["budget_b"]) == (
        "MOH",
        Decimal("100.00"),
        "MPW",
        Decimal("250.50"),
    )
    assert (first["shared_community_count"], first["shared_municipality"]) == (2, None)
    # the shared municipality by its id, at municipality level only
    assert (second["shared_municipality"], second["shared_province"], second["budget_b"]) == (
        "Cotabato City",
        "Maguindanao",
        None,
    )
    assert frame["match_count"].to_list() == [3, 3, 3]
    limited = qq.duplicate_pairs(duplicates_con, limit=1)
    assert (limited.height, limited["match_count"].to_list()) == (1, [3])


def test_no_duplicate_pairs(duplicates_con):
    duplicates_con.execute("delete from fct_duplicate_ppa_pairs")
    frame = qq.duplicate_pairs(duplicates_con)
    assert frame.height == 0
    assert "title_similarity" in frame.columns and "budget_b" in frame.columns
