"""Executive overview: headline budget and execution figures, budget by sector, MOA and year, the largest PPAs.

Reads ``marts.rpt_executive_summary`` (headline, sector, MOA, year) and ``marts.dim_ppa`` (the PPA table).
Each callback takes the shell's filter store, asks one query and returns what one figure function made of it.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, html

from dashboards import export, figures, ids, queries
from dashboards.components import bind, filters_from_store, graph_card, table, tile_card
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/"
NAME = "Overview"
TITLE = "Executive overview · OOBC planning and budget"
ORDER = 0

HEADLINE = "overview-headline"
SECTOR_GRAPH = "overview-sector"
MOA_GRAPH = "overview-moa"
TREND_GRAPH = "overview-trend"
PPA_TABLE = "overview-ppas"
EXPORT = "overview"  # prefix of the export buttons and download


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters (the query string is read by the shell)."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1("Executive overview", className="page-title"),
                            html.P(
                                "Approved budget and its execution (allocations → obligations → disbursements) "
                                "of the PPAs in the selection.",
                                className="page-lead",
                            ),
                        ]
                    ),
                    export.controls(EXPORT),
                ],
                className="page-header",
            ),
            html.Div(id=HEADLINE, className="kpi-grid mb-3"),
            dbc.Row(
                [
                    dbc.Col(graph_card(SECTOR_GRAPH), lg=5),
                    dbc.Col(graph_card(TREND_GRAPH), lg=7),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(dbc.Col(graph_card(MOA_GRAPH)), className="g-3 mb-3"),
            dbc.Card(
                [
                    dbc.CardHeader(
                        [
                            html.Span(
                                f"Largest PPAs by approved budget (top {queries.TOP_PPAS})", className="card-title-text"
                            ),
                        ]
                    ),
                    dbc.CardBody(html.Div(id=PPA_TABLE, className="table-scroll"), className="p-0"),
                ],
                className="chart-card mb-3",
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
def headline(filters_data: dict[str, list[Any]] | None, home: Home) -> list[dbc.Card]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.headline(con, filters)
    return [tile_card(t) for t in figures.headline_tiles(frame)]


def sector_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_sector(con, filters)
    return figures.sector_bar(frame)


def moa_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_moa(con, filters)
    return figures.moa_bar(frame)


def trend_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_year(con, filters)
    return figures.year_trend(frame)


def ppa_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.top_ppas(con, filters)
    return table(figures.PPA_COLUMNS, figures.ppa_rows(frame))


def export_tables(filters: Filters, home: Home) -> export.Export:
    """The overview's figures as tables: the largest PPAs (the CSV), the headline, by sector, by MOA (all of
    them) and by year."""
    with read_only(home) as con:
        tables = {
            "Largest PPAs": queries.top_ppas(con, filters),
            "Headline": queries.headline(con, filters),
            "By sector": queries.budget_by_sector(con, filters),
            "By MOA": queries.budget_by_moa(con, filters, limit=10_000),
            "By fiscal year": queries.budget_by_year(con, filters),
        }
    return export.Export(
        tables,
        notes=["Rates are ratios of the summed amounts: obligations / allocations, disbursements / obligations."],
        rate_columns=("obligation_rate", "disbursement_rate"),
    )


CALLBACKS = (
    (Output(HEADLINE, "children"), headline),
    (Output(SECTOR_GRAPH, "figure"), sector_figure),
    (Output(TREND_GRAPH, "figure"), trend_figure),
    (Output(MOA_GRAPH, "figure"), moa_figure),
    (Output(PPA_TABLE, "children"), ppa_table),
)


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    for output, function in CALLBACKS:
        app.callback(output, Input(ids.FILTERS, "data"))(bind(function, home))
    export.register(app, home, EXPORT, "Executive overview", "overview", export_tables)
