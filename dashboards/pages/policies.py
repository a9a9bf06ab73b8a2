"""Policy–budget matrix: how much budget stands behind each OOBC policy recommendation, in which MOA, and how far it
is from the recommendation's estimated cost.

Reads ``marts.fct_policy_moa_budget`` (policy × MOA × fiscal year, with the PPAs of each cell), ``fct_policy_budget``
(one row per policy) and ``dim_ppa`` (the PPAs' sector, area and titles) through ``dashboards.policy_queries``. The
matrix and the PPA list follow every global filter; the policy table and the funding-gap chart show each policy's
whole figures. Clicking a cell of the matrix lists the PPAs behind it.
"""

from __future__ import annotations

from typing import Any

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import export, ids
from dashboards import policy_figures as pf
from dashboards import policy_queries as pq
from dashboards.answer_cache import shared
from dashboards.components import (
    GRAPH_CONFIG,
    bind,
    empty_state,
    filter_note,
    filters_from_store,
    page_header,
    section_card,
    table,
)
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/policies"
NAME = "Policies"
TITLE = "Policy–budget matrix · OOBC planning and budget"
ORDER = 7

HEATMAP = "policies-heatmap"
GAP = "policies-gap"
SELECTED = "policies-selected-cell"
CELL_CAPTION = "policies-cell-caption"
CELL_PPAS = "policies-cell-ppas"
TABLE = "policies-table"
EXPORT = "policies"  # prefix of the export buttons and download

MATRIX_HELP = (
    "policies-help-matrix",
    "A cell is the approved budget (Σ budget_allocation) of the PPAs that implement the policy (OBCMS's "
    "implementing-policies link, a repeated link counted once) and belong to the MOA, in the selected fiscal years, "
    "sectors and areas. A PPA implementing two policies counts in both rows, so the matrix does not add up to the "
    "PPAs' total budget.",
)
GAP_HELP = (
    "policies-help-gap",
    "Funding gap = estimated cost − implementing budget when the cost is larger, else 0 (covered). The implementing "
    "budget is the whole policy's: all its PPAs, every year, whatever the filters. Policies without an estimated cost "
    "have no gap and are left out of the chart.",
)


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters."""
    return html.Div(
        [
            dcc.Store(id=SELECTED, data=None),
            page_header(
                "Policy–budget matrix",
                "Which MOAs put budget behind each OOBC policy recommendation, and how far each "
                "recommendation is from its estimated cost. Click a cell to list its PPAs.",
                filter_note(pq.MATRIX_FILTERS),
                html.P(
                    "The matrix and its PPA list follow every filter (sector and area through each PPA). "
                    "A policy has no year, MOA, sector or area of its own: the funding-gap chart and the "
                    "policy table show whole policies, with the budget in the selection beside them.",
                    className="filter-note",
                ),
                actions=export.controls(EXPORT),
            ),
            section_card(
                "Policy × MOA budget",
                [
                    dcc.Loading(dcc.Graph(id=HEATMAP, config=GRAPH_CONFIG), delay_show=300, type="dot"),
                    html.Div(id=CELL_CAPTION, className="policy-caption"),
                    html.Div(id=CELL_PPAS, className="table-scroll policy-cell-ppas"),
                ],
                explain=MATRIX_HELP,
                lead="Darker is more budget; hover for the exact amount.",
            ),
            section_card(
                "Funding gap per policy",
                dcc.Loading(dcc.Graph(id=GAP, config=GRAPH_CONFIG), delay_show=300, type="dot"),
                explain=GAP_HELP,
                lead="Green: the implementing PPAs' budget covers the estimated cost. Red: what is still missing.",
            ),
            section_card(
                "Policy recommendations",
                html.Div(id=TABLE, className="table-scroll"),
                lead="Largest funding gap first. Budget in selection: the implementing PPAs that match the filters.",
                flush=True,
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
def _cell(selected: dict | None) -> tuple[str, str] | None:
    if not isinstance(selected, dict) or not selected.get("policy"):
        return None
    return str(selected["policy"]), str(selected.get("moa") or pq.NO_MOA)


def select_cell(click: dict | None, filters_data: dict[str, list[Any]] | None, home: Home) -> dict:
    """The clicked cell of the matrix: its policy id and MOA key (an empty cell changes nothing)."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = pq.matrix(con, filters)
    cell = pf.clicked_cell(frame, click)
    if cell is None:
        raise PreventUpdate
    return {"policy": cell[0], "moa": cell[1]}


@shared
def heatmap(filters_data: dict[str, list[Any]] | None, selected: dict | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = pq.matrix(con, filters)
    return pf.heatmap(frame, _cell(selected))


@shared
def cell_ppas(filters_data: dict[str, list[Any]] | None, selected: dict | None, home: Home) -> tuple[str, Any]:
    filters = filters_from_store(filters_data)
    cell = _cell(selected)
    if cell is None:
        return pf.cell_caption(pl.DataFrame(), None), empty_state("No cell chosen yet: click one in the matrix.")
    with read_only(home) as con:
        frame = pq.cell_ppas(con, filters, *cell)
    rows = pf.ppa_rows(frame)
    body = table(pf.PPA_COLUMNS, rows) if rows else empty_state(pf.cell_caption(frame, cell))
    return pf.cell_caption(frame, cell), body


@shared
def gap_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = pq.policies(con, filters)
    return pf.gap_chart(frame)


@shared
def policy_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = pq.policies(con, filters)
    return table(pf.POLICY_COLUMNS, pf.policy_rows(frame), empty="OBCMS holds no policy recommendation.")


def export_tables(filters: Filters, home: Home, selected: dict | None = None) -> export.Export:
    """The policies (the CSV), the matrix in long form and the PPAs behind the chosen cell (of every cell when none
    is chosen)."""
    cell = _cell(selected)
    with read_only(home) as con:
        policies = pq.policies(con, filters)
        matrix = pq.matrix(con, filters)
        ppas = pq.cell_ppas(con, filters, *(cell or (None, None)))
    return export.Export(
        {
            "Policies": policies,
            "Policy x MOA matrix": matrix,
            "PPAs of the chosen cell" if cell else "PPAs of every cell": ppas,
        },
        notes=[
            "Policies: whole figures of each policy (all its PPAs, every year); selection_budget and "
            "selection_ppa_count count only its PPAs that match the filters.",
            "Matrix: one row per policy × MOA, the budget of the implementing PPAs in the selection; a PPA "
            "implementing two policies counts in both.",
            "funding_gap = estimated_cost − implementing_budget when positive, else 0; "
            "empty without an estimated cost.",
        ],
        money_columns=(
            "implementing_budget",
            "estimated_cost",
            "funding_gap",
            "selection_budget",
            "budget",
            "budget_allocation",
        ),
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(
        Output(SELECTED, "data"), Input(HEATMAP, "clickData"), State(ids.FILTERS, "data"), prevent_initial_call=True
    )(bind(select_cell, home))
    app.callback(Output(HEATMAP, "figure"), Input(ids.FILTERS, "data"), Input(SELECTED, "data"))(bind(heatmap, home))
    app.callback(
        Output(CELL_CAPTION, "children"),
        Output(CELL_PPAS, "children"),
        Input(ids.FILTERS, "data"),
        Input(SELECTED, "data"),
    )(bind(cell_ppas, home))
    app.callback(Output(GAP, "figure"), Input(ids.FILTERS, "data"))(bind(gap_figure, home))
    app.callback(Output(TABLE, "children"), Input(ids.FILTERS, "data"))(bind(policy_table, home))
    export.register(
        app, home, EXPORT, "Policy–budget matrix", "policies", export_tables, state=[State(SELECTED, "data")]
    )
