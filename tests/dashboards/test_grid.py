"""The paged, sortable grid of the long tables (``components.grid``) and the two pages that use it."""

from __future__ import annotations

from decimal import Decimal

import dash_ag_grid as dag
import polars as pl
from dash import html

from dashboards import scorecard_queries as sq
from dashboards.components import grid, grid_rows
from dashboards.figures import Column
from dashboards.filters import Filters
from dashboards.pages import equity, scorecards
from ingest.warehouse import read_only

COLUMNS = (
    Column("name", "Name", tooltip="detail"),
    Column("budget", "Budget", numeric=True, sort="budget_allocation"),
    Column("fy", "FY", numeric=True),
)
FRAME = pl.DataFrame(
    {"budget_allocation": [Decimal("999.00"), Decimal("1000000.50"), None]},
    schema={"budget_allocation": pl.Decimal(18, 2)},
)
ROWS = [
    {"name": "A", "detail": "first", "budget": "₱999.00", "fy": "2025", "cell_classes": {"budget": "cell-bad"}},
    {"name": "B", "detail": "second", "budget": "₱1,000,000.50", "fy": "2025", "cell_classes": {}},
    {"name": "C", "detail": "third", "budget": "—", "fy": "2024", "cell_classes": {}},
]


def test_rows_carry_the_number_each_column_sorts_by():
    rows = grid_rows(COLUMNS, ROWS, FRAME)
    assert [r["budget__value"] for r in rows] == [999.0, 1000000.5, None]
    # the display strings are kept as they are, and the input rows are not changed
    assert [r["budget"] for r in rows] == ["₱999.00", "₱1,000,000.50", "—"]
    assert "budget__value" not in ROWS[0]


def test_the_grid_sorts_by_value_shows_the_text_and_colours_cells():
    component = grid("g", COLUMNS, ROWS, FRAME)
    assert isinstance(component, dag.AgGrid)
    definitions = {d["colId"]: d for d in component.columnDefs}
    assert definitions["budget"]["field"] == "budget__value"
    assert definitions["budget"]["valueFormatter"] == {"function": "params.data['budget']"}
    assert definitions["budget"]["type"] == "rightAligned"
    assert definitions["name"]["field"] == "name" and definitions["name"]["tooltipField"] == "detail"
    assert "valueFormatter" not in definitions["fy"]
    assert definitions["budget"]["cellClass"] == {"function": "(params.data.cell_classes || {})['budget'] || ''"}
    assert component.dashGridOptions["pagination"] is True
    assert len(component.rowData) == 3


def test_an_empty_grid_says_why():
    component = grid("g", COLUMNS, [], FRAME.head(0), empty="No area matches.")
    assert isinstance(component, html.P) and component.children == "No area matches."


def test_the_scorecard_grid_holds_every_ppa_not_only_the_first_hundred(demo_home):
    with read_only(demo_home) as con:
        total = con.sql("select count(*) from fct_performance_scorecard").fetchall()[0][0]
    caption, content, _, _ = scorecards.scorecard_table(Filters().to_store(), "ppa", demo_home)
    assert isinstance(content, dag.AgGrid)
    assert len(content.rowData) == total
    assert caption.startswith(f"{total:,} PPAs")
    with read_only(demo_home) as con:
        frame = sq.ppa_scorecard(con, Filters(), limit=None)
    assert [r["budget__value"] for r in content.rowData] == [
        None if b is None else float(b) for b in frame["budget_allocation"].to_list()
    ]


def test_the_scorecard_caption_says_when_the_grid_holds_the_first_rows_only(demo_home, monkeypatch):
    monkeypatch.setattr(scorecards, "GRID_LIMIT", 1)
    caption, content, _, _ = scorecards.scorecard_table(Filters().to_store(), "ppa", demo_home)
    assert len(content.rowData) == 1
    assert caption.startswith("The first 1 of ") and "the CSV and XLSX hold all" in caption


def test_the_equity_grid_holds_every_area(demo_home):
    filters = Filters(fiscal_years=(2025,))
    with read_only(demo_home) as con:
        areas = con.sql("select count(*) from fct_equity where fiscal_year = 2025 and level = 'province'").fetchall()
    content = equity.equity_view(filters.to_store(), "province", demo_home)[-1]
    caption = equity.equity_view(filters.to_store(), "province", demo_home)[-2]
    assert isinstance(content, dag.AgGrid)
    assert len(content.rowData) == areas[0][0]
    assert caption.startswith(f"{areas[0][0]:,} provinces")


def test_a_grid_can_name_its_rows_by_a_key():
    assert grid("g", COLUMNS, [{**r, "ppa_id": r["name"]} for r in ROWS], FRAME, row_id="ppa_id").getRowId == (
        "params.data['ppa_id']"
    )
    assert "getRowId" not in grid("g", COLUMNS, ROWS, FRAME).to_plotly_json()["props"]


def test_the_gaps_alerts_grid_holds_every_alert(demo_home):
    from dashboards.pages import gaps

    with read_only(demo_home) as con:
        total = con.sql("select count(*) from rpt_assessment_alerts").fetchall()[0][0]
    caption, content = gaps.alerts_table(Filters().to_store(), demo_home)
    assert total > 0 and isinstance(content, dag.AgGrid) and len(content.rowData) == total
    assert caption.startswith(f"{total:,} assessment")
    assert content.dashGridOptions["paginationPageSize"] == 10


def test_the_untagged_grid_holds_every_untagged_ppa_and_the_caption_their_exact_total(demo_home):
    from dashboards import alignment_queries as aq
    from dashboards import formatting as fmt
    from dashboards.pages import alignment

    with read_only(demo_home) as con:
        frame = aq.untagged(con, Filters())
    caption, content = alignment.untagged_table(Filters().to_store(), demo_home)
    assert frame.height > 0 and isinstance(content, dag.AgGrid) and len(content.rowData) == frame.height
    assert [r["ppa_id"] for r in content.rowData] == frame["ppa_id"].to_list()
    assert caption.endswith(fmt.peso_exact(frame["budget_allocation"].sum()))


def test_the_scorecard_charts_plot_every_ppa_that_has_their_values(demo_home):
    with read_only(demo_home) as con:
        frame = sq.ppa_scorecard(con, Filters(), limit=None)
    costs = frame.filter(pl.col("cost_per_beneficiary").is_not_null() & pl.col("progress").is_not_null()).height
    both = pl.col("schedule_performance_index").is_not_null() & pl.col("cost_performance_index").is_not_null()
    indices = frame.filter(both).height
    scatter = scorecards.scatter_figure(Filters().to_store(), demo_home)
    quadrant = scorecards.quadrant_figure(Filters().to_store(), "ppa", demo_home)
    assert sum(len(t.x) for t in scatter.data) == costs > 0
    assert len(quadrant.data[0].x) == indices > 0 and len(quadrant.data[0].hovertext) == indices
