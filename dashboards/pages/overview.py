"""Executive overview: headline budget and execution figures (with the change from the year before when one fiscal
year is selected), what needs attention (ceilings, unfunded needs, budget credibility), budget by sector, MOA and
year, the largest PPAs. Every headline figure links to the page that explains it, keeping the selection.

Reads ``marts.rpt_executive_summary`` (headline, sector, MOA, year), ``marts.dim_ppa`` (the PPA table),
``fct_ceiling_monitor``, ``fct_need_gap`` and ``fct_budget_credibility`` (the alerts).
Each callback takes the shell's filter store, asks one query and returns what one figure function made of it.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, html

from dashboards import export, figures, ids, queries
from dashboards.answer_cache import shared
from dashboards.components import bind, filters_from_store, graph_card, page_header, table, tile_card
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/"
NAME = "Overview"
TITLE = "Executive overview · OOBC planning and budget"
ORDER = 0

HEADLINE = "overview-headline"
ALERTS = "overview-alerts"
SECTOR_GRAPH = "overview-sector"
MOA_GRAPH = "overview-moa"
TREND_GRAPH = "overview-trend"
PPA_TABLE = "overview-ppas"
EXPORT = "overview"  # prefix of the export buttons and download


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters (the query string is read by the shell)."""
    return html.Div(
        [
            page_header(
                "Executive overview",
                "Approved budget and its execution (allocations → obligations → disbursements) "
                "of the PPAs in the selection.",
                actions=export.controls(EXPORT),
            ),
            html.Div("Budget and execution", className="section-title"),
            html.Div(id=HEADLINE, className="kpi-grid mb-3"),
            html.Div("Needs attention", className="section-title"),
            html.Div(id=ALERTS, className="kpi-grid mb-3"),
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
# Each headline figure links to the page that explains it, keeping the selection.
HEADLINE_LINKS = {
    "budget": "/execution",
    "ppas": "/scorecards",
    "allocations": "/execution",
    "obligations": "/execution",
    "disbursements": "/execution",
    "obligation_rate": "/execution",
    "disbursement_rate": "/execution",
}
ALERT_LINKS = {"ceilings_exceeded": "/ceilings", "unfunded_needs": "/gaps", "credibility": "/execution"}


def _links(pages: dict[str, str], filters: Filters) -> dict[str, str]:
    return {key: dash.get_relative_path(path) + filters.to_search() for key, path in pages.items()}


@shared
def headline(filters_data: dict[str, list[Any]] | None, home: Home) -> list[Any]:
    """The budget headline; with one fiscal year selected, each figure says how it changed from the year before."""
    filters = filters_from_store(filters_data)
    before = queries.previous_year(filters)
    with read_only(home) as con:
        frame = queries.headline(con, filters)
        previous = queries.headline(con, before) if before is not None else None
    year = before.fiscal_years[0] if before is not None else None
    tiles = figures.headline_tiles(frame, previous, year, _links(HEADLINE_LINKS, filters))
    return [tile_card(t) for t in tiles]


@shared
def alerts(filters_data: dict[str, list[Any]] | None, home: Home) -> list[Any]:
    """Ceilings over their limit, unfunded high-priority needs, budget credibility: each links to its page."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        ceilings = queries.ceiling_alerts(con, filters)
        needs = queries.need_alerts(con, filters)
        credibility = queries.credibility(con, filters)
    return [tile_card(t) for t in figures.alert_tiles(ceilings, needs, credibility, _links(ALERT_LINKS, filters))]


@shared
def sector_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_sector(con, filters)
    return figures.sector_bar(frame)


@shared
def moa_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_moa(con, filters)
    return figures.moa_bar(frame)


@shared
def trend_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = queries.budget_by_year(con, filters)
    return figures.year_trend(frame)


@shared
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
            "Ceilings": queries.ceiling_alerts(con, filters),
            "Needs": queries.need_alerts(con, filters),
            "Credibility": queries.credibility(con, filters),
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
    (Output(ALERTS, "children"), alerts),
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
