"""The data-quality page's rows and badges, made from the tiny warehouse's frames and from hand-made ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import polars as pl

from dashboards import quality_figures as qf
from dashboards import quality_queries as qq
from tests.dashboards.tiny_warehouse import OBCMS_LOADED_AT


def test_run_rows_mark_failures_and_read_in_philippine_time(con):
    rows = qf.run_rows(qq.runs(con))
    first = rows[0]
    assert first["started"] == "20 Nov 2025, 16:00 PHT"  # 08:00 UTC
    assert (first["source"], first["table"], first["status"]) == (
        "obcms",
        "monitoring_monitoringentry",
        "Loaded with rejects",
    )
    assert (first["read"], first["loaded"], first["rejected"], first["unchanged"]) == ("120", "118", "2", "110")
    assert (first["seconds"], first["accounted"], first["row_class"]) == ("1.5", "Yes", "")
    nothing_loaded = rows[2]
    assert nothing_loaded["status"] == "Refresh failed"
    assert nothing_loaded["error"] == "SourceError: ppa: no such folder"
    assert (nothing_loaded["read"], nothing_loaded["accounted"], nothing_loaded["row_class"]) == (
        "—",
        "—",
        qf.FAILED_ROW,
    )
    assert rows[3]["status"] == "Failed"
    assert rows[3]["row_class"] == qf.FAILED_ROW


def test_a_load_of_a_failed_refresh_says_so():
    frame = pl.DataFrame(
        [
            {
                "run_id": "r",
                "command": "refresh",
                "refresh_status": "failed",
                "run_started_at": datetime(2025, 1, 1),
                "source_name": "ppa",
                "table_name": "ppa_yaml_ppas",
                "status": "loaded",
                "rows_read": 1,
                "rows_loaded": 1,
                "rows_rejected": 0,
                "rows_inserted": None,
                "rows_updated": None,
                "rows_unchanged": None,
                "rows_deleted": None,
                "seconds": None,
                "accounted": False,
                "is_failed": True,
                "error": None,
            }
        ]
    )
    (row,) = qf.run_rows(frame)
    assert row["status"] == "Loaded (refresh failed)"
    assert (row["inserted"], row["seconds"], row["accounted"]) == ("—", "—", "No")


def test_reject_rows_give_a_location(con):
    rows = qf.reject_rows(qq.rejects(con))
    assert [r["location"] for r in rows] == ["row 6", "mafar.yaml:55", "row 9"]
    assert rows[1]["value"] == "₱5M"
    assert rows[1]["check"] == "Check: is_number"


def test_reject_options(con):
    frame = qq.reject_tables(con)
    sources, tables = qf.reject_options(frame, None)
    assert sources == [{"label": "obcms (2)", "value": "obcms"}, {"label": "ppa (1)", "value": "ppa"}]
    assert [t["value"] for t in tables] == ["monitoring_monitoringentry", "ppa_yaml_ppas"]
    _, tables = qf.reject_options(frame, "ppa")
    assert tables == [{"label": "ppa_yaml_ppas (1)", "value": "ppa_yaml_ppas"}]


def test_shown_of(con):
    assert qf.shown_of(qq.rejects(con), "rejected value") == "3 rejected values"
    assert qf.shown_of(qq.rejects(con, limit=2), "rejected value") == "the first 2 of 3 rejected values"
    assert qf.shown_of(qq.rejects(con, source="none"), "rejected value") == "no rejected values"
    assert qf.shown_of(qq.rejects(con, source="ppa"), "rejected value") == "1 rejected value"


def test_freshness_badges(con):
    now = (OBCMS_LOADED_AT + timedelta(hours=5)).replace(tzinfo=UTC)
    badges = {b.source: b for b in qf.freshness_badges(qq.freshness(con, now=now))}
    obcms = badges["obcms"]
    assert (obcms.label, obcms.status_label, obcms.colour) == ("OBCMS database", "Fresh", "success")
    assert obcms.details == (
        "Last loaded 20 Nov 2025, 16:00 PHT (5.0 hours ago)",
        "5,400 rows · 1 marked deleted · 20 of 29 tables with rows",
        "Newest change in the source: 20 Nov 2025, 01:30 PHT",
    )
    assert obcms.definition == "Stale after 2.0 days, error after 7.0 days without a successful load"
    assert (badges["ppa_yaml"].status_label, badges["ppa_yaml"].colour) == ("Error", "danger")
    assert badges["ppa_yaml"].details[0].endswith("(10.2 days ago)")
    psa = badges["psa"]
    assert (psa.label, psa.status_label, psa.colour) == ("PSA population files", "Not loaded", "secondary")
    assert psa.details == ("Never loaded into this warehouse (not configured).",)
    assert psa.definition == "Stale after 400.0 days, never an error without a successful load"


def test_age():
    assert qf.age(None) == "—"
    assert qf.age(Decimal("0.5")) == "30 minutes"
    assert qf.age(5) == "5.0 hours"
    assert qf.age(72) == "3.0 days"


def test_finding_rows(con):
    (bago,) = qf.unknown_organization_rows(qq.unknown_organizations(con))
    assert bago == {
        "acronym": "BAGO",
        "name": "Bangsamoro Attorney-General's Office",
        "ppas": "1",
        "budget": "₱34,001,249.00",
        "years": "2025",
        "locations": "bago.yaml:4",
    }
    (deleted,) = qf.deleted_rows(qq.deleted_rows(con))
    assert (deleted["source"], deleted["deleted"], deleted["last"]) == ("OBCMS database", "1", "20 Nov 2025, 16:00 PHT")
    obcms, psa = qf.unmatched_rows(qq.geography_unmatched(con))
    assert (psa["side"], psa["location"], psa["best"], psa["similarity"]) == (
        "PSA file (no OBCMS area)",
        "region_ix_population_raw.txt:2380",
        "Isabela City",
        "0.912",
    )
    assert (obcms["location"], obcms["best"], obcms["similarity"], obcms["candidates"]) == ("—", "—", "—", "—")
    bansalan, isabela = qf.population_rows(qq.population_findings(con))
    assert bansalan["area"] == "Bansalan, DAVAO DEL SUR (XI)"
    assert (bansalan["stated"], bansalan["children"], bansalan["difference"]) == ("64,816", "70,624", "+5,808")
    assert bansalan["finding"] == "Parts do not add up"
    assert (isabela["level"], isabela["difference"], isabela["finding"]) == ("Province", "-151,297", "No parts loaded")


def _pair(**values) -> dict:
    row = {
        "similarity_rank": 1,
        "title_similarity": Decimal("0.9765"),
        "ppa_id_a": "a",
        "title_a": "Feeding program",
        "moa_a": "MOH",
        "moa_name_a": "Ministry of Health",
        "fiscal_year_a": 2025,
        "budget_a": Decimal("100.00"),
        "ppa_id_b": "b",
        "title_b": "Feeding programme",
        "moa_b": "MPW",
        "moa_name_b": "Ministry of Public Works",
        "fiscal_year_b": None,
        "budget_b": None,
        "sector": "social",
        "shared_community_count": 2,
        "same_municipality": True,
        "shared_municipality_id": 7,
        "shared_municipality": "Cotabato City",
        "shared_province": "Maguindanao",
        "overlap_days": 31,
        "match_count": 1,
    }
    row.update(values)
    return row


def test_duplicate_rows():
    frame = pl.DataFrame(
        [
            _pair(),
            _pair(
                similarity_rank=2,
                same_municipality=False,
                shared_municipality_id=None,
                shared_municipality=None,
                shared_province=None,
                shared_community_count=1,
                overlap_days=1,
                sector=None,
            ),
        ],
        infer_schema_length=None,
    )
    first, second = qf.duplicate_rows(frame)
    assert first == {
        "rank": "1",
        "title_a": "Feeding program",
        "detail_a": "FY 2025 · id a",
        "moa_a": "MOH",
        "moa_name_a": "Ministry of Health",
        "budget_a": "₱100.00",
        "title_b": "Feeding programme",
        "detail_b": "FY No FY · id b",
        "moa_b": "MPW",
        "moa_name_b": "Ministry of Public Works",
        "budget_b": "—",
        "shared": "Social: Cotabato City (Maguindanao) · 2 shared OBC communities",
        "overlap": "31 days",
        "similarity": "0.977",
    }
    assert (second["shared"], second["overlap"]) == ("Unspecified: 1 shared OBC community", "1 day")


def test_shared_area_of_a_municipality_without_a_name():
    row = _pair(shared_municipality=None, shared_province=None, shared_community_count=0)
    assert qf.shared_area(row) == "municipality 7"
    assert qf.shared_area(_pair(same_municipality=False, shared_community_count=0)) == "—"
