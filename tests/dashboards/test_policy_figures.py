"""The policy–budget page's heatmap, funding-gap chart and rows, made from small hand-made frames."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from dashboards import policy_figures as pf
from dashboards import theme

D = Decimal


def _matrix() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "policy_recommendation_id": ["P1", "P1", "P2"],
            "reference_number": ["REF-1", "REF-1", "REF-2"],
            "policy_title": ["School feeding", "School feeding", "Roads"],
            "moa_key": ["o1", "", "o2"],
            "moa_acronym": ["MOH", None, "MPW"],
            "moa_name": ["Ministry of Health", None, "Ministry of Public Works"],
            "ppa_count": [2, 1, 1],
            "budget": [D("3000000.00"), D("50.00"), D("4000000.00")],
        },
        schema_overrides={"budget": pl.Decimal(18, 2)},
    )


def test_heatmap_cells_columns_by_total_and_exact_hover():
    fig = pf.heatmap(_matrix(), selected=("P2", "o2"))
    heat = fig.data[0]
    assert list(heat.x) == ["MPW", "MOH", pf.NO_MOA_LABEL]  # largest MOA total first
    assert list(heat.y) == ["REF-1 · School feeding", "REF-2 · Roads"]
    # in ₱ millions; a policy without PPAs in a MOA is an empty cell, not 0
    assert [list(row) for row in heat.z] == [[None, 3.0, 0.00005], [4.0, None, None]]
    assert [list(row) for row in heat.text] == [["", "₱3.00M", "₱50"], ["₱4.00M", "", ""]]
    assert list(heat.customdata[0][1][:4]) == ["P1", "o1", "₱3,000,000.00", "2"]
    assert heat.customdata[0][0][2] == ""  # an empty cell has no amount
    assert fig.layout.shapes[0].x0 == -0.5 and fig.layout.shapes[0].y0 == 0.5  # the chosen cell outlined


def test_a_click_is_mapped_back_to_its_cell():
    frame = _matrix()
    click = {"points": [{"x": "MOH", "y": "REF-1 · School feeding", "z": 3.0}]}
    assert pf.clicked_cell(frame, click) == ("P1", "o1")
    no_moa = {"points": [{"x": pf.NO_MOA_LABEL, "y": "REF-1 · School feeding"}]}
    assert pf.clicked_cell(frame, no_moa) == ("P1", "")
    assert pf.clicked_cell(frame, {"points": [{"x": "MOH", "y": "REF-2 · Roads"}]}) is None  # empty cell
    assert pf.clicked_cell(frame, None) is None


def test_heatmap_empty_says_why():
    fig = pf.heatmap(_matrix().head(0))
    assert fig.layout.annotations[0].text == pf.NO_CELLS


def _policies() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "policy_recommendation_id": ["P1", "P2", "P3"],
            "reference_number": ["REF-1", "REF-2", "REF-3"],
            "title": ["School feeding", "Roads", "Culture"],
            "status": ["in_implementation", "draft", "needs_revision"],
            "priority": ["high", "low", None],
            "priority_category": ["A", "C", "C"],
            "implementing_ppa_count": [3, 2, 0],
            "implementing_budget": [D("3500000.00"), D("3000000.00"), D("0.00")],
            "average_progress": [D("50.00"), D("20.50"), None],
            "estimated_cost": [D("5000000.00"), D("50.00"), None],
            "funding_gap": [D("1500000.00"), D("0.00"), None],
            "selection_ppa_count": [3, 1, 0],
            "selection_budget": [D("3500000.00"), D("100.00"), D("0.00")],
        }
    )


def test_gap_chart_stacks_the_gap_in_red_on_the_budget():
    fig = pf.gap_chart(_policies())
    budget, gap, cost = fig.data
    assert list(budget.y) == ["REF-1 · School feeding", "REF-2 · Roads"]  # no estimated cost: not drawn
    assert list(budget.x) == [3.5, 3.0]  # ₱ millions
    assert list(budget.marker.color) == [theme.LIGHT_BLUE, theme.GOOD]  # covered in green
    assert list(gap.x) == [1.5, 0.0] and gap.marker.color == theme.BAD
    assert list(gap.text) == ["₱1.50M", "covered"]
    assert list(cost.x) == [5.0, 0.00005]
    assert list(budget.customdata[0][:3]) == ["₱5,000,000.00", "₱3,500,000.00", "₱1,500,000.00"]
    assert fig.layout.barmode == "stack"


def test_gap_chart_without_costs_says_why():
    fig = pf.gap_chart(_policies().filter(pl.col("estimated_cost").is_null()))
    assert fig.layout.annotations[0].text == pf.NO_COSTS


def test_policy_rows():
    rows = pf.policy_rows(_policies())
    first, covered, uncosted = rows
    assert (first["reference"], first["status"], first["priority"], first["category"]) == (
        "REF-1",
        "In implementation",
        "High",
        "Priority category A",
    )
    assert (first["budget"], first["selection_budget"], first["cost"], first["gap"], first["progress"]) == (
        "₱3,500,000.00",
        "₱3,500,000.00",
        "₱5,000,000.00",
        "₱1,500,000.00",
        "50%",
    )
    assert [r["row_class"] for r in rows] == [pf.GAP_ROW, pf.COVERED_ROW, ""]
    assert (uncosted["cost"], uncosted["gap"], uncosted["progress"], uncosted["priority"]) == ("—", "—", "—", "—")
    assert covered["selection_ppas"] == "1 PPAs in the selection"


def test_ppa_rows_and_caption():
    frame = pl.DataFrame(
        {
            "policy_recommendation_id": ["P1", "P1"],
            "reference_number": ["REF-1", "REF-1"],
            "policy_title": ["School feeding", "School feeding"],
            "moa_key": ["", ""],
            "moa_acronym": [None, None],
            "moa_name": [None, None],
            "fiscal_year": [None, 2025],
            "ppa_id": ["c", "d"],
            "title": ["Cooks", None],
            "sector": ["social", None],
            "status": ["completed", None],
            "progress": [100, None],
            "budget_allocation": [D("50.00"), D("25.50")],
        }
    )
    rows = pf.ppa_rows(frame)
    assert [(r["title"], r["moa"], r["fiscal_year"], r["sector"], r["budget"]) for r in rows] == [
        ("Cooks", pf.NO_MOA_LABEL, "No FY", "Social", "₱50.00"),
        ("d", pf.NO_MOA_LABEL, "2025", "Unspecified", "₱25.50"),
    ]
    assert pf.cell_caption(frame, ("P1", "")) == "REF-1 · School feeding × No MOA: 2 PPAs, ₱75.50."
    assert pf.cell_caption(frame.head(1), ("P1", "")).endswith(": 1 PPA, ₱50.00.")
    assert pf.cell_caption(frame.head(0), ("P1", "")) == "No PPA of this policy and MOA matches the filters."
    assert "Click a cell" in pf.cell_caption(frame, None)
