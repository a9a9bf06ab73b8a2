"""The BDP alignment page's treemap, component bars and rows, from small hand-made frames."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import polars as pl
import pytest

from dashboards import alignment_figures as af
from dashboards import theme
from tests.dashboards.alignment_fold import fold, ppa_leaves


def _by_goal(rows: list[tuple]) -> pl.DataFrame:
    """Rows of ``alignment_queries.budget_by_goal``: goal, title, untagged, MOA, MOA name, PPA, PPA title, budget."""
    frame = pl.DataFrame(
        rows,
        schema={
            "goal_key": pl.String,
            "goal_title": pl.String,
            "is_untagged": pl.Boolean,
            "moa_acronym": pl.String,
            "moa_name": pl.String,
            "ppa_id": pl.String,
            "title": pl.String,
            "aligned_budget": pl.Decimal(14, 2),
        },
        orient="row",
    )
    return frame.with_columns(
        pl.col("aligned_budget").sum().over("goal_key").alias("goal_budget"),
        pl.col("aligned_budget").sum().over("goal_key", "moa_acronym").alias("moa_budget"),
    )


def test_treemap_goals_then_moas_then_ppas_untagged_grey_and_labelled():
    frame = _by_goal(
        [
            ("g1", "One", False, "MPW", "Public Works", "p2", "Roads", Decimal("200.00")),
            ("g1", "One", False, "MOH", "Health", "p1", "Feeding", Decimal("50.00")),
            ("untagged", "Untagged (no BDP goal)", True, None, None, "p4", "Seeds", Decimal("60.25")),
            ("untagged", "Untagged (no BDP goal)", True, None, None, "p5", "Tools", Decimal("30.25")),
        ]
    )
    fig = af.goal_treemap(fold(frame, af.PPAS_PER_BOX))
    trace = fig.data[0]
    assert list(trace.ids) == [
        "goal:g1",
        "goal:untagged",
        "goal:g1/moa:MPW",
        "goal:g1/moa:MOH",
        "goal:untagged/moa:No MOA",
        "goal:g1/moa:MPW/ppa:p2",
        "goal:g1/moa:MOH/ppa:p1",
        "goal:untagged/moa:No MOA/ppa:p4",
        "goal:untagged/moa:No MOA/ppa:p5",
    ]
    assert list(trace.labels) == [
        "One",
        af.UNTAGGED_LABEL,
        "MPW",
        "MOH",
        af.NO_MOA,
        "Roads",
        "Feeding",
        "Seeds",
        "Tools",
    ]
    assert list(trace.parents) == [
        "",
        "",
        "goal:g1",
        "goal:g1",
        "goal:untagged",
        "goal:g1/moa:MPW",
        "goal:g1/moa:MOH",
        "goal:untagged/moa:No MOA",
        "goal:untagged/moa:No MOA",
    ]
    # only the PPAs carry values; goals and MOAs are the sums of theirs
    assert list(trace.values) == [0.0] * 5 + [200.0, 50.0, 60.25, 30.25]
    assert trace.branchvalues == "remainder"
    colours = list(trace.marker.colors)
    assert colours[1] == colours[4] == colours[7] == colours[8] == theme.NEUTRAL  # untagged: grey, "not known"
    assert colours[0] == colours[2] == colours[3] == colours[5] != theme.NEUTRAL
    # labels and hover text: exact pesos, the share of the selection, the MOA's PPA count
    assert [c[1] for c in trace.customdata[:2]] == ["₱250", "₱91"]
    assert "₱250.00 (73.4% of the selection)" in trace.customdata[0][0]
    assert "Approved budget: ₱90.50" in trace.customdata[4][0] and "PPAs: 2" in trace.customdata[4][0]
    assert "Aligned budget: ₱60.25" in trace.customdata[7][0]
    assert fig.layout.title.text == af.TREEMAP_TITLE


def test_treemap_folds_the_smaller_ppas_of_a_moa_into_one_exact_box():
    budgets = ["500.10", "400.20", "3.33", "2.22", "1.11"]
    frame = _by_goal(
        [("g1", "One", False, "MPW", "Public Works", f"p{i}", f"PPA {i}", Decimal(b)) for i, b in enumerate(budgets)]
        + [("g1", "One", False, "MOH", "Health", "h1", "Clinic", Decimal("7.00"))]
    )
    trace = af.goal_treemap(fold(frame, 2), per_box=2).data[0]
    assert list(trace.ids) == [
        "goal:g1",
        "goal:g1/moa:MPW",
        "goal:g1/moa:MOH",
        "goal:g1/moa:MPW/ppa:p0",
        "goal:g1/moa:MPW/ppa:p1",
        "goal:g1/moa:MOH/ppa:h1",
        "goal:g1/moa:MPW/others",
    ]
    assert trace.labels[-1] == "3 other PPAs" and trace.parents[-1] == "goal:g1/moa:MPW"
    # the leaves still carry every centavo: the others' box is their exact sum
    assert list(trace.values) == [0.0] * 3 + [500.10, 400.20, 7.00, 6.66]
    assert "Aligned budget together: ₱6.66" in trace.customdata[-1][0]
    assert "none larger than the 2 shown" in trace.customdata[-1][0]
    assert "PPAs: 5" in trace.customdata[1][0] and "₱906.96" in trace.customdata[1][0]  # the MOA box: all five
    # a MOA with no more PPAs than fit shows each, with no "others" box
    assert [i for i in af.goal_treemap(fold(frame, 5), per_box=5).data[0].ids if i.endswith("/others")] == []


def test_treemap_at_scale_keeps_every_total_exact():
    """Many PPAs per MOA: the drawn leaves (shown PPAs and the others' boxes) add up to each MOA's and goal's
    budget and to the selection's, to the centavo."""
    rows = [
        (f"g{g}", f"Goal {g}", False, f"M{m}", f"MOA {m}", f"g{g}m{m}p{p}", f"PPA {p}", Decimal(f"{(p * 7919) % 100000}.{p % 100:02d}"))
        for g in range(3)
        for m in range(4)
        for p in range(40)
    ]  # fmt: skip
    frame = _by_goal(rows)
    shown, others = ppa_leaves(frame, 12)
    assert shown.height == 3 * 4 * 12 and others.height == 3 * 4 and others["len"].to_list() == [28] * 12
    assert shown["aligned_budget"].sum() + others["aligned_budget"].sum() == frame["aligned_budget"].sum()
    for (goal, moa), group in frame.group_by(["goal_key", "moa_acronym"]):
        drawn = shown.filter(goal_key=goal, moa_acronym=moa)["aligned_budget"].sum()
        rest = others.filter(goal_key=goal, moa_acronym=moa)["aligned_budget"].sum()
        assert drawn + rest == group["moa_budget"][0]
        # the shown ones are the largest of their box
        assert drawn == group["aligned_budget"].sort(descending=True).head(12).sum()
    trace = af.goal_treemap(fold(frame, 12), per_box=12).data[0]
    assert len(trace.ids) == 3 + 12 + 3 * 4 * 12 + 12


@pytest.mark.parametrize(
    "rows",
    [[], [("untagged", "Untagged (no BDP goal)", True, "MOH", "Health", "p1", "Feeding", Decimal("0.00"))]],
)
def test_treemap_empty_states_say_why(rows):
    fig = af.goal_treemap(fold(_by_goal(rows), af.PPAS_PER_BOX))
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "No budget in this selection"


@pytest.mark.parametrize(
    ("points", "most", "shown", "fraction", "colour"),
    [
        (Decimal("25.00"), 25, "25", 1.0, theme.GOOD),
        (Decimal("0.00"), 15, "0", 0.0, theme.NEUTRAL),
        (Decimal("6.67"), 20, "6.67", 0.3335, theme.WARNING),
        (Decimal("20.00"), 20, "20", 1.0, theme.GOOD),
        (None, 20, "0", 0.0, theme.NEUTRAL),
    ],
)
def test_component_bars(points, most, shown, fraction, colour):
    bar = af.component_bar(points, most, "OBC share")
    assert (bar.points, bar.colour) == (shown, colour)
    assert bar.fraction == pytest.approx(fraction)
    assert bar.title == f"OBC share: {shown} of {most}"


def _scores(rows: list[dict]) -> pl.DataFrame:
    base = {
        "ppa_id": "p",
        "title": "T",
        "moa_acronym": "MOH",
        "moa_name": "Health",
        "sector": "social",
        "fiscal_year": 2025,
        "budget_allocation": Decimal("1234.5"),
        "outcome_indicators_points": Decimal("25"),
        "sdg_points": Decimal("0"),
        "moral_governance_points": Decimal("20"),
        "obc_share_points": Decimal("6.67"),
        "policy_points": Decimal("0"),
        "bpda_score": Decimal("51.67"),
        "bpda_remark": "Moderate",
        "bdp_goal_count": 1,
        "bdp_goal_titles": "One",
        "match_count": 3,
    }
    return pl.DataFrame([{**base, **r} for r in rows], infer_schema_length=None)


def test_score_rows_colour_the_score_by_its_remark():
    frame = _scores(
        [
            {"ppa_id": "a"},
            {"ppa_id": "b", "bpda_score": Decimal("85"), "bpda_remark": "Strong BDP alignment"},
            {
                "ppa_id": "c",
                "bpda_score": Decimal("10"),
                "bpda_remark": "Needs alignment review",
                "bdp_goal_count": 0,
                "bdp_goal_titles": None,
                "moa_acronym": None,
                "fiscal_year": None,
                "budget_allocation": None,
            },
        ]
    )
    a, b, c = af.score_rows(frame)
    assert (a["budget"], a["score"], a["status"], a["badge"], a["goals"]) == (
        "₱1,234.50",
        "51.67",
        "moderate",
        "warning",
        "BDP goals: One",
    )
    assert (a["obc_share_points"].points, a["obc_share_points"].colour) == ("6.67", theme.WARNING)
    assert (a["outcome_indicators_points"].colour, a["sdg_points"].colour) == (theme.GOOD, theme.NEUTRAL)
    assert (b["status"], b["badge"]) == ("strong", "success")
    assert (c["status"], c["badge"], c["goals"], c["tagged"]) == (
        "needs_review",
        "danger",
        "Tagged to no BDP goal",
        False,
    )
    assert (c["moa"], c["fiscal_year"], c["budget"]) == ("—", "No FY", "—")
    assert af.shown_of(frame) == "3 PPAs"
    assert af.shown_of(frame.head(2)) == "the 2 lowest-scoring of 3 PPAs"
    assert af.shown_of(frame.head(0)) == "no PPAs"


def test_untagged_rows_and_summary():
    frame = pl.DataFrame(
        [
            {
                "ppa_id": "p3",
                "title": "Clinics",
                "moa_acronym": "MOH",
                "moa_name": "Health",
                "sector": "social",
                "fiscal_year": 2024,
                "budget_allocation": Decimal("50.00"),
                "ppa_source": "obcms",
                "bpda_score": Decimal("15.00"),
                "bpda_remark": "Needs alignment review",
            },
            {
                "ppa_id": "p4",
                "title": "Seeds",
                "moa_acronym": "MAFAR",
                "moa_name": None,
                "sector": None,
                "fiscal_year": 2025,
                "budget_allocation": Decimal("30.25"),
                "ppa_source": "ppa_yaml",
                "bpda_score": None,
                "bpda_remark": None,
            },
        ],
        infer_schema_length=None,
    )
    p3, p4 = af.untagged_rows(frame)
    assert (p3["source"], p3["score"], p3["budget"]) == ("OBCMS", "15.00", "₱50.00")
    assert (p4["source"], p4["score"], p4["sector"]) == ("MOA PPA file", "—", "Unspecified")
    assert af.untagged_summary(frame) == "2 untagged PPAs, approved budget ₱80.25"
    assert af.untagged_summary(frame.head(0)) == "Every PPA of the selection is tagged to a BDP goal."


def test_review_rows_mark_the_pending_ones():
    frame = pl.DataFrame(
        [
            {
                "review_id": 3,
                "status": "Pending refresh",
                "created_at": datetime(2025, 11, 21, 1, 0),
                "reviewer": "Cy",
                "ppa_id": "p2",
                "ppa_title": "Roads",
                "moa_acronym": "MPW",
                "fiscal_year": 2025,
                "strategic_goal_id": "g1",
                "goal_title": "One",
                "note": None,
            },
            {
                "review_id": 2,
                "status": "In warehouse",
                "created_at": datetime(2025, 11, 20, 9, 0),
                "reviewer": "Ben",
                "ppa_id": "p9",
                "ppa_title": None,
                "moa_acronym": None,
                "fiscal_year": None,
                "strategic_goal_id": "gone",
                "goal_title": None,
                "note": "Check",
            },
        ],
        infer_schema_length=None,
    )
    pending, kept = af.review_rows(frame, "Pending refresh")
    assert (pending["created"], pending["goal"], pending["note"], pending["row_class"]) == (
        "21 Nov 2025, 09:00 PHT",
        "One",
        "—",
        af.PENDING_ROW,
    )
    assert (kept["ppa"], kept["goal"], kept["row_class"]) == ("p9", "(goal no longer in OBCMS)", "")


def test_form_options():
    ppas = pl.DataFrame(
        [
            {
                "ppa_id": "p1",
                "title": "Feeding program",
                "moa_acronym": "MOH",
                "fiscal_year": 2025,
                "bdp_goal_count": 2,
            },
            {"ppa_id": "p4", "title": "Seeds", "moa_acronym": None, "fiscal_year": None, "bdp_goal_count": 0},
        ]
    )
    assert af.ppa_options(ppas) == [
        {"label": "Feeding program · MOH · 2025", "value": "p1"},
        {"label": "Seeds · No MOA · No FY · untagged", "value": "p4"},
    ]
    goals = pl.DataFrame({"strategic_goal_id": ["g1"], "goal_title": ["One"]})
    assert af.goal_options(goals) == [{"label": "One", "value": "g1"}]


def test_treemap_boxes_without_a_name_fall_back_like_the_page_elsewhere():
    """An empty or missing title shows the PPA id; an empty MOA acronym "No MOA"; an empty goal title its key."""
    frame = _by_goal(
        [
            ("g1", "", False, "", None, "p1", "", Decimal("5.00")),
            ("g2", None, False, None, None, "p2", None, Decimal("1234567.89")),
        ]
    )
    trace = af.goal_treemap(fold(frame, af.PPAS_PER_BOX)).data[0]
    assert list(trace.labels) == ["g1", "g2", af.NO_MOA, af.NO_MOA, "p1", "p2"]
    assert list(trace.ids)[4:] == ["goal:g1/moa:No MOA/ppa:p1", "goal:g2/moa:No MOA/ppa:p2"]
    assert [c[1] for c in trace.customdata] == ["₱5", "₱1.23M", "₱5", "₱1.23M", "₱5", "₱1.23M"]
    assert trace.customdata[5][0] == "<b>p2</b><br>No MOA<br>Aligned budget: ₱1,234,567.89"
    assert trace.customdata[2][0] == "<b>No MOA</b> <br>g1<br>Approved budget: ₱5.00<br>PPAs: 1"
