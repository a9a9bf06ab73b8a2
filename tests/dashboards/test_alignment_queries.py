"""The BDP alignment queries on a small hand-made warehouse; every expectation is computed by hand below.

PPAs (dim_ppa): p1 Feeding program, MOH, social, 2025, 100.00, province 72 (region 9); p2 Roads, MPW,
infrastructure, 2025, 200.00, region 9; p3 Clinics, MOH, social, 2024, 50.00, province 80 (region 10); p4 Seeds,
MAFAR, no sector, 2025, 30.00, from a MOA file (not scored), no area; p5 Legal aid, MOH, governance, 2025, 10.00,
province 72. Goals: p1 on g1 and g2 (50.00 each), p2 on g1; p3, p4, p5 untagged.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboards import alignment_queries as aq
from dashboards.alignment_figures import PPAS_PER_BOX as PER_BOX  # the page's box size
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import publish, read_only
from tests.dashboards.alignment_fold import fold

HOSTILE = "x' OR 1=1 --"

_TABLES = """
create schema marts;
create table marts.dim_ppa as select * from (values
    ('p1', 'Feeding program', 'MOH', 'Ministry of Health', 'social', 2025, 100.00::decimal(14,2), 'obcms', 9, 72),
    ('p2', 'Roads', 'MPW', 'Ministry of Public Works', 'infrastructure', 2025, 200.00::decimal(14,2), 'obcms', 9,
        null),
    ('p3', 'Clinics', 'MOH', 'Ministry of Health', 'social', 2024, 50.00::decimal(14,2), 'obcms', 10, 80),
    ('p4', 'Seeds', 'MAFAR', 'Ministry of Agriculture', null, 2025, 30.00::decimal(14,2), 'ppa_yaml', null, null),
    ('p5', 'Legal aid', 'MOH', 'Ministry of Health', 'governance', 2025, 10.00::decimal(14,2), 'obcms', 9, 72)
) as t(ppa_id, title, moa_acronym, moa_name, sector, fiscal_year, budget_allocation, ppa_source,
       coverage_region_id, coverage_province_id);
create table marts.dim_organization as select * from (values
    ('o-moh', 'MOH', 'Ministry of Health'),
    ('o-mpw', 'MPW', 'Ministry of Public Works'),
    ('o-mafar', 'MAFAR', 'Ministry of Agriculture')
) as t(organization_id, acronym, name);
create table marts.fct_bdp_alignment as select * from (values
    ('p1', 'Feeding program', 2025, 'social', 100.00::decimal(14,2), 25.00, 15.00, 20.00, 20.00, 20.00, 100.00,
        'Strong BDP alignment', 2, 'One; Two'),
    ('p2', 'Roads', 2025, 'infrastructure', 200.00::decimal(14,2), 25.00, 0.00, 0.00, 6.67, 20.00, 51.67,
        'Moderate', 1, 'One'),
    ('p3', 'Clinics', 2024, 'social', 50.00::decimal(14,2), 0.00, 15.00, 0.00, 0.00, 0.00, 15.00,
        'Needs alignment review', 0, null),
    ('p5', 'Legal aid', 2025, 'governance', 10.00::decimal(14,2), 0.00, 0.00, 20.00, 0.00, 20.00, 40.00,
        'Moderate', 0, null)
) as t(ppa_id, title, fiscal_year, sector, budget_allocation, outcome_indicators_points, sdg_points,
       moral_governance_points, obc_share_points, policy_points, bpda_score, bpda_remark, bdp_goal_count,
       bdp_goal_titles);
create table marts.rpt_bdp_alignment_by_goal as select * from (values
    ('g1', 'One', false, 'o-moh', 2025, 1, 50.00::decimal(18,2)),
    ('g2', 'Two', false, 'o-moh', 2025, 1, 50.00::decimal(18,2)),
    ('g1', 'One', false, 'o-mpw', 2025, 1, 200.00::decimal(18,2)),
    ('untagged', 'Untagged (no BDP goal)', true, 'o-moh', 2024, 1, 50.00::decimal(18,2)),
    ('untagged', 'Untagged (no BDP goal)', true, 'o-mafar', 2025, 1, 30.00::decimal(18,2)),
    ('untagged', 'Untagged (no BDP goal)', true, 'o-moh', 2025, 1, 10.00::decimal(18,2))
) as t(goal_key, goal_title, is_untagged, moa_id, fiscal_year, ppa_count, aligned_budget);
create table marts.fct_ppa_bdp_goal as select * from (values
    ('p1', 'g1', 'One', false, 'Feeding program', 'MOH', 'social', 2025, 9, 72, 50.00::decimal(14,2)),
    ('p1', 'g2', 'Two', false, 'Feeding program', 'MOH', 'social', 2025, 9, 72, 50.00::decimal(14,2)),
    ('p2', 'g1', 'One', false, 'Roads', 'MPW', 'infrastructure', 2025, 9, null, 200.00::decimal(14,2)),
    ('p3', 'untagged', 'Untagged (no BDP goal)', true, 'Clinics', 'MOH', 'social', 2024, 10, 80,
        50.00::decimal(14,2)),
    ('p4', 'untagged', 'Untagged (no BDP goal)', true, 'Seeds', 'MAFAR', null, 2025, null, null,
        30.00::decimal(14,2)),
    ('p5', 'untagged', 'Untagged (no BDP goal)', true, 'Legal aid', 'MOH', 'governance', 2025, 9, 72,
        10.00::decimal(14,2))
) as t(ppa_id, goal_key, goal_title, is_untagged, title, moa_acronym, sector, fiscal_year, region_id, province_id,
       budget_share);
create table marts.rpt_bdp_reviews as select * from (values
    (1::bigint, 'p1', 'Feeding program', 'MOH', 'social', 2025, 'g1', 'One', 'Fits goal one', 'Ana',
        timestamp '2025-11-20 08:00:00'),
    (2::bigint, 'p3', 'Clinics', 'MOH', 'social', 2024, null, null, 'Check the OBC share', 'Ben',
        timestamp '2025-11-20 09:00:00')
) as t(review_id, ppa_id, ppa_title, moa_acronym, sector, fiscal_year, strategic_goal_id, goal_title, note,
       reviewer, created_at);
"""


def build_alignment_warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(_TABLES)
    return path


def alignment_home(root: Path) -> Home:
    """A home with the hand-made alignment warehouse published (and its own, empty, state database)."""
    home = Home(root / "home").ensure()
    publish(home, build_alignment_warehouse(root / "alignment.duckdb"))
    return home


@pytest.fixture
def con(tmp_path: Path):
    with read_only(alignment_home(tmp_path)) as connection:
        yield connection


def _by_goal(frame) -> list[tuple]:
    """Goal × MOA totals, in the query's order."""
    return frame.select("goal_key", "moa_acronym", "moa_budget").unique(maintain_order=True).rows()


def test_budget_by_goal_largest_goal_first_untagged_last(con):
    frame = aq.budget_by_goal(con, Filters())
    assert _by_goal(frame) == [
        ("g1", "MPW", Decimal("200.00")),
        ("g1", "MOH", Decimal("50.00")),
        ("g2", "MOH", Decimal("50.00")),
        ("untagged", "MOH", Decimal("60.00")),  # 2024 and 2025 summed
        ("untagged", "MAFAR", Decimal("30.00")),
    ]
    assert frame["goal_budget"].to_list() == [Decimal("250.00")] * 2 + [Decimal("50.00")] + [Decimal("90.00")] * 3
    assert frame["is_untagged"].to_list() == [False, False, False, True, True, True]
    # one row per PPA and goal; the blocks add up to every PPA's budget
    assert frame.select("goal_key", "ppa_id").rows() == [
        ("g1", "p2"),
        ("g1", "p1"),
        ("g2", "p1"),
        ("untagged", "p3"),
        ("untagged", "p5"),
        ("untagged", "p4"),
    ]
    assert sum(frame["aligned_budget"].to_list()) == Decimal("390.00")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            Filters(fiscal_years=(2025,)),
            [
                ("g1", "MPW", Decimal("200.00")),
                ("g1", "MOH", Decimal("50.00")),
                ("g2", "MOH", Decimal("50.00")),
                ("untagged", "MAFAR", Decimal("30.00")),
                ("untagged", "MOH", Decimal("10.00")),
            ],
        ),
        (
            Filters(moas=("MOH",)),
            [("g1", "MOH", Decimal("50.00")), ("g2", "MOH", Decimal("50.00")), ("untagged", "MOH", Decimal("60.00"))],
        ),
        (Filters(sectors=("social",), areas=("region:10",)), [("untagged", "MOH", Decimal("50.00"))]),
        (
            Filters(areas=("province:72",)),
            [("g1", "MOH", Decimal("50.00")), ("g2", "MOH", Decimal("50.00")), ("untagged", "MOH", Decimal("10.00"))],
        ),
        (Filters(moas=(HOSTILE,)), []),
        (Filters(fiscal_years=(1999,)), []),
    ],
)
def test_budget_by_goal_filters(con, filters, expected):
    assert _by_goal(aq.budget_by_goal(con, filters)) == expected


def test_scores_weakest_first_with_every_component(con):
    frame = aq.scores(con, Filters())
    assert frame["ppa_id"].to_list() == ["p3", "p5", "p2", "p1"]
    assert frame["match_count"].to_list() == [4] * 4
    p2 = frame.row(2, named=True)
    assert (p2["moa_acronym"], p2["obc_share_points"], p2["bpda_score"], p2["bpda_remark"]) == (
        "MPW",
        Decimal("6.67"),
        Decimal("51.67"),
        "Moderate",
    )
    limited = aq.scores(con, Filters(), limit=2)
    assert limited["ppa_id"].to_list() == ["p3", "p5"]
    assert limited["match_count"].to_list() == [4, 4]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(fiscal_years=(2025,)), ["p5", "p2", "p1"]),
        (Filters(moas=("MOH",)), ["p3", "p5", "p1"]),
        (Filters(sectors=("social",)), ["p3", "p1"]),
        (Filters(areas=("province:72",)), ["p5", "p1"]),
        (Filters(areas=("region:10",)), ["p3"]),
        (Filters(sectors=(HOSTILE,)), []),
        (Filters(moas=("MAFAR",)), []),  # p4 comes from a MOA file: not scored
    ],
)
def test_scores_filters(con, filters, expected):
    assert aq.scores(con, filters)["ppa_id"].to_list() == expected


def test_untagged_every_ppa_without_a_goal(con):
    frame = aq.untagged(con, Filters())
    assert frame.select("ppa_id", "budget_allocation", "ppa_source", "bpda_score").rows() == [
        ("p3", Decimal("50.00"), "obcms", Decimal("15.00")),
        ("p4", Decimal("30.00"), "ppa_yaml", None),
        ("p5", Decimal("10.00"), "obcms", Decimal("40.00")),
    ]
    assert aq.untagged(con, Filters(fiscal_years=(2025,)))["ppa_id"].to_list() == ["p4", "p5"]
    assert aq.untagged(con, Filters(sectors=("unspecified",)))["ppa_id"].to_list() == ["p4"]
    assert aq.untagged(con, Filters(areas=("province:72",)))["ppa_id"].to_list() == ["p5"]
    assert aq.untagged(con, Filters(moas=("MPW",))).height == 0
    assert aq.untagged(con, Filters(moas=(HOSTILE,))).height == 0


def test_untagged_budget_matches_the_untagged_bucket(con):
    for filters in (Filters(), Filters(fiscal_years=(2025,)), Filters(moas=("MOH",))):
        bucket = aq.budget_by_goal(con, filters).filter(is_untagged=True)["aligned_budget"].sum()
        assert aq.untagged(con, filters)["budget_allocation"].sum() == bucket


def test_choices(con):
    assert aq.goals(con).rows() == [("g1", "One"), ("g2", "Two")]
    choices = aq.ppa_choices(con, Filters(fiscal_years=(2025,)))
    assert choices.select("title", "bdp_goal_count").rows() == [
        ("Feeding program", 2),
        ("Legal aid", 0),
        ("Roads", 1),
        ("Seeds", 0),
    ]
    assert aq.ppa(con, "p2")["title"].to_list() == ["Roads"]
    assert aq.ppa(con, HOSTILE).height == 0
    assert aq.ppa(con, "p%").height == 0


def test_reviews_and_labels(con):
    assert aq.reviews(con, Filters())["review_id"].to_list() == [2, 1]
    assert aq.reviews(con, Filters(fiscal_years=(2025,)))["review_id"].to_list() == [1]
    assert aq.reviews(con, Filters(sectors=("social",), areas=("region:10",)))["review_id"].to_list() == [2]
    assert aq.reviews(con, Filters(moas=(HOSTILE,))).height == 0
    assert aq.review_keys(con) == {(1, datetime(2025, 11, 20, 8, 0)), (2, datetime(2025, 11, 20, 9, 0))}
    labels = aq.ppa_labels(con, Filters(fiscal_years=(2025,)), ["p2", "p3", HOSTILE])
    assert labels.select("ppa_id", "ppa_title", "moa_acronym").rows() == [("p2", "Roads", "MPW")]


def test_empty_marts(tmp_path):
    home = alignment_home(tmp_path)
    with duckdb.connect(str(tmp_path / "alignment.duckdb")) as writer:
        for table in (
            "fct_bdp_alignment",
            "fct_ppa_bdp_goal",
            "rpt_bdp_alignment_by_goal",
            "rpt_bdp_reviews",
            "dim_ppa",
        ):
            writer.execute(f"delete from marts.{table}")
    with read_only(home) as con:
        assert aq.budget_by_goal(con, Filters()).height == 0
        assert aq.scores(con, Filters()).height == 0
        assert aq.untagged(con, Filters()).height == 0
        assert aq.goals(con).height == 0
        assert aq.reviews(con, Filters()).height == 0


def test_created_at_is_a_timestamp(con):
    assert aq.reviews(con, Filters())["created_at"].to_list()[0] == datetime(2025, 11, 20, 9, 0)


def test_ppa_search(con):
    def found(*args, **kwargs):
        return aq.ppa_search(con, *args, **kwargs)["ppa_id"].to_list()

    # blank: every PPA of the selection, by title (as ppa_choices), at most `limit`
    assert (
        found(Filters(fiscal_years=(2025,))) == aq.ppa_choices(con, Filters(fiscal_years=(2025,)))["ppa_id"].to_list()
    )
    assert found(Filters(), limit=2) == ["p3", "p1"]
    # by title or MOA (acronym or name), any case, anywhere in the text
    assert found(Filters(), "  roAD ") == ["p2"]
    assert found(Filters(), "moh") == ["p3", "p1", "p5"]
    assert found(Filters(), "agricul") == ["p4"]
    assert found(Filters(fiscal_years=(2025,)), "moh") == ["p1", "p5"]
    assert found(Filters(), "moh", limit=1) == ["p3"]
    # the chosen PPA stays among the choices (whatever the search and the filters), once
    assert found(Filters(fiscal_years=(2025,)), "seeds", chosen="p3") == ["p3", "p4"]
    assert found(Filters(), "seeds", chosen="p4") == ["p4"]
    assert found(Filters(), "moh", limit=1, chosen="p5") == ["p3", "p5"]
    assert found(Filters(), "seeds", chosen=HOSTILE) == ["p4"]
    # the typed text is data: wildcards and quotes match themselves only
    for text in ("%", "_", "\\", "%_%", HOSTILE, "'; drop table marts.dim_ppa; --", "\x00", "x" * 10_000):
        assert found(Filters(), text) == []
    assert found(Filters(moas=(HOSTILE,))) == []
    assert aq.like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
    assert found(Filters()) == ["p3", "p1", "p5", "p2", "p4"]  # nothing was dropped


def _fold_in_python(con, filters, per_box):
    return fold(aq.budget_by_goal(con, filters), per_box)


def test_budget_by_goal_folded_on_the_small_warehouse(con):
    # per box 1: MOH under "untagged" has p3 (50.00) and p5 (10.00): p3 shown, p5 folded
    folded = aq.budget_by_goal_folded(con, Filters(), per_box=1)
    assert folded.select("goal_key", "moa_acronym", "ppa_id", "aligned_budget", "others_count").rows() == [
        ("g1", "MPW", "p2", Decimal("200.00"), None),
        ("g1", "MOH", "p1", Decimal("50.00"), None),
        ("g2", "MOH", "p1", Decimal("50.00"), None),
        ("untagged", "MOH", "p3", Decimal("50.00"), None),
        ("untagged", "MAFAR", "p4", Decimal("30.00"), None),
        ("untagged", "MOH", None, Decimal("10.00"), 1),  # the others' rows last, as the treemap draws them
    ]
    assert folded.filter(goal_key="untagged", moa_acronym="MOH")["moa_ppa_count"].to_list() == [2, 2]
    # nothing to fold: every PPA row, as budget_by_goal has them
    for filters in (
        Filters(),
        Filters(fiscal_years=(2025,)),
        Filters(areas=("province:72",)),
        Filters(moas=(HOSTILE,)),
    ):
        full = aq.budget_by_goal(con, filters)
        unfolded = aq.budget_by_goal_folded(con, filters, PER_BOX)
        assert unfolded.select(full.columns).rows() == full.rows()
        assert unfolded["others_count"].null_count() == unfolded.height
    for per_box in (1, 2):
        sql_fold = aq.budget_by_goal_folded(con, Filters(), per_box=per_box)
        python_fold = _fold_in_python(con, Filters(), per_box)
        assert sql_fold.rows() == python_fold.select(sql_fold.columns).rows()


def test_budget_by_goal_folded_at_scale_adds_up_to_the_centavo():
    """Thousands of PPA × goal rows (ties, nulls, no MOA): the SQL fold equals the Python one row for row, and every
    goal × MOA's rows add up to its budget, every goal's to its budget, all to the selection's."""
    with duckdb.connect() as con:
        con.execute(
            """
            create table dim_ppa as
            select 'p' || i as ppa_id, 'Name of M' || (i % 7) as moa_name, 9 as coverage_region_id,
                   null::integer as coverage_province_id
            from range(3000) as t(i);
            create table fct_ppa_bdp_goal as
            select 'p' || i as ppa_id, 'g' || (i % 5) as goal_key, 'Goal ' || (i % 5) as goal_title,
                   i % 5 = 0 as is_untagged, 'PPA ' || i as title,
                   case when i % 11 = 0 then null else 'M' || (i % 7) end as moa_acronym,
                   'social' as sector, 2025 + i % 2 as fiscal_year, 9 as region_id, null::integer as province_id,
                   case when i % 13 = 0 then null
                        else ((i * 7919) % 5000 / 100.0 + (i % 3))::decimal(14,2) end as budget_share
            from range(3000) as t(i)
            """
        )
        for filters in (Filters(), Filters(fiscal_years=(2026,)), Filters(moas=("M1", "M2"))):
            full = aq.budget_by_goal(con, filters)
            folded = aq.budget_by_goal_folded(con, filters, PER_BOX)
            sizes = full.group_by("goal_key", "moa_acronym").len()["len"].to_list()
            assert folded.height == sum(min(n, 12) + (n > 12) for n in sizes) < full.height / 2
            assert folded.rows() == _fold_in_python(con, filters, 12).select(folded.columns).rows()
            assert folded["aligned_budget"].sum() == full["aligned_budget"].sum()
            for _box_key, box in folded.group_by(["goal_key", "moa_acronym"]):
                assert box["aligned_budget"].sum() == box["moa_budget"][0]
                assert box["others_count"].fill_null(1).sum() == box["moa_ppa_count"][0]
                assert box.filter(pl.col("others_count").is_null()).height == min(12, box["moa_ppa_count"][0])
                assert box.height <= 13
            for _goal, rows in folded.group_by("goal_key"):
                assert rows["aligned_budget"].sum() == rows["goal_budget"][0]
