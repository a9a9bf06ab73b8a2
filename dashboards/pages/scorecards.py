"""Performance scorecards: per PPA and per MOA, indicator attainment, outcome achievement, cost per beneficiary,
cost-effectiveness rank within the sector, and earned value (SPI, CPI), with cost-versus-results and SPI × CPI charts.

Reads ``marts.fct_performance_scorecard``, ``rpt_performance_scorecard_by_moa``, ``dim_ppa`` and
``dim_organization`` through ``dashboards.scorecard_queries``. The view toggle (PPA / MOA) switches the table, the
quadrant chart and the CSV; the scatter is always per PPA (the by-MOA mart has no progress).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, html

from dashboards import export, ids
from dashboards import scorecard_figures as sf
from dashboards import scorecard_queries as sq
from dashboards.answer_cache import shared
from dashboards.components import (
    bind,
    filter_note,
    filters_from_store,
    graph_card,
    grid,
    help_button,
    page_header,
    section_card,
)
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, Filters
from ingest.home import Home
from ingest.warehouse import per_published_file, read_only

PATH = "/scorecards"
NAME = "Scorecards"
TITLE = "Performance scorecards · OOBC planning and budget"
ORDER = 4

VIEW = "scorecards-view"
FILTER_NOTE = "scorecards-filter-note"
ATTAINMENT_NOTE = "scorecards-attainment-note"
CAPTION = "scorecards-caption"
TABLE = "scorecards-table"
GRID = "scorecards-grid"
# Rows sent to the grid (it pages them in the browser); the CSV and XLSX hold every row.
GRID_LIMIT = 2000
SCATTER = "scorecards-scatter"
QUADRANT = "scorecards-quadrant"
EXPORT = "scorecards"
VIEWS = ("ppa", "moa")

THRESHOLDS = (
    f"Colours: red below {sf.INDEX_BAD_BELOW}, amber from {sf.INDEX_BAD_BELOW} to below {sf.INDEX_GOOD_FROM}, "
    f"green from {sf.INDEX_GOOD_FROM}; grey / — when not known."
)
METRIC_HELP = (
    (
        "scorecards-help-attainment",
        "Indicator attainment",
        "Mean of actual ÷ target over the PPA's indicators, direction-aware (higher- or lower-is-better), capped at "
        "100 %. Reads — everywhere: no source holds indicator actuals (OBCMS's outcome framework and the MOA PPA "
        "files carry targets only).",
    ),
    (
        "scorecards-help-outcome",
        "Outcome achievement",
        "Share of the PPA's outcome indicators whose actual reaches the target (direction-aware). Reads — for the "
        "same reason as attainment: no indicator actuals exist in any source.",
    ),
    (
        "scorecards-help-cost",
        "Cost per beneficiary",
        "Approved budget ÷ beneficiaries. The count is the monitoring entry's individuals reached when positive, "
        "else the PPA's planned slots (hover a count to see which). Per MOA: Σ budget of the PPAs with a count ÷ "
        "Σ those counts.",
    ),
    (
        "scorecards-help-rank",
        "Cost-effectiveness rank",
        "Rank by cost per beneficiary within the same sector and fiscal year, 1 = cheapest per beneficiary; only "
        "PPAs of the same sector are compared. Ties share a rank, marked '=' (e.g. 1= of 5), and the next rank "
        "is skipped.",
    ),
    (
        "scorecards-help-spi",
        "SPI (schedule performance index)",
        "SPI = earned value ÷ planned value of the PPA's work items at the status date (Σ EV ÷ Σ PV, never an "
        "average). Below 1: behind schedule. " + THRESHOLDS,
    ),
    (
        "scorecards-help-cpi",
        "CPI (cost performance index)",
        "CPI = earned value ÷ actual cost (Σ EV ÷ Σ AC). Below 1: the work done cost more than its budgeted value "
        "(over cost). " + THRESHOLDS,
    ),
)


def _metric_help() -> html.Div:
    return html.Div(
        [html.Span("Metrics:", className="sc-help-lead")]
        + [
            html.Span([html.Span(title.split(" (")[0]), help_button(hid, title, body)])
            for hid, title, body in METRIC_HELP
        ]
        + [html.Span(THRESHOLDS, className="sc-help-thresholds")],
        className="sc-metric-help",
    )


def _view_toggle() -> dbc.RadioItems:
    return dbc.RadioItems(
        id=VIEW,
        options=[{"label": "Per PPA", "value": "ppa"}, {"label": "Per MOA and year", "value": "moa"}],
        value="ppa",
        inline=True,
        className="sc-toggle",
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters and the view toggle."""
    return html.Div(
        [
            page_header(
                "Performance scorecards",
                "What the PPAs and MOAs deliver for what they cost: cost per beneficiary, rank "
                "within the sector, and whether work runs to schedule (SPI) and to cost (CPI).",
                actions=export.controls(EXPORT),
            ),
            html.Div(id=FILTER_NOTE),
            html.Div(id=ATTAINMENT_NOTE, className="sc-attainment-note"),
            section_card(
                "Scorecard",
                [_metric_help(), html.Div(id=TABLE, className="table-scroll sc-table")],
                lead=None,
                actions=[html.Span(id=CAPTION, className="sc-caption"), _view_toggle()],
                flush=True,
            ),
            dbc.Row(
                [dbc.Col(graph_card(SCATTER), lg=6), dbc.Col(graph_card(QUADRANT), lg=6)],
                className="g-3 mb-3",
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
def _view(value: str | None) -> str:
    return value if value in VIEWS else "ppa"


def _caption(shown: int, matched: int, noun: str) -> str:
    if matched > shown:
        return f"The first {shown:,} of {matched:,} {noun} (click a column to sort them); the CSV and XLSX hold all"
    return f"{matched:,} {noun} · click a column to sort"


def _note(view: str) -> html.P:
    if view == "moa":
        return filter_note(
            (FISCAL_YEAR, MOA),
            why="the per-MOA scorecard sums every sector and area of the MOA's PPAs; switch to the PPA view to "
            "narrow by them",
        )
    return filter_note((FISCAL_YEAR, MOA, SECTOR, AREA))


@shared
def scorecard_table(
    filters_data: dict[str, list[Any]] | None, view: str | None, home: Home
) -> tuple[Any, Any, Any, Any]:
    """The table of the chosen view, its caption, the filter note and the one line on why attainment is null."""
    filters = filters_from_store(filters_data)
    view = _view(view)
    with read_only(home) as con:
        reasons = sq.attainment_null_reasons(con, filters)
        if view == "ppa":
            frame = sq.ppa_scorecard(con, filters, limit=GRID_LIMIT)
            matched = frame["match_count"][0] if frame.height else 0
            caption = _caption(frame.height, matched, "PPAs")
            content = grid(GRID, sf.PPA_COLUMNS, sf.ppa_rows(frame), frame, "No PPAs match these filters.")
        else:
            frame = sq.moa_scorecard(con, filters).head(GRID_LIMIT)
            caption = _caption(frame.height, frame.height, "MOA-years")
            content = grid(GRID, sf.MOA_COLUMNS, sf.moa_rows(frame), frame, "No MOA has PPAs in this selection.")
    note = sf.attainment_note(reasons)
    return caption, content, _note(view), (html.P(note, className="sc-note") if note else None)


# The PPAs' chart points per published file and selection: the scatter and the quadrant of one page load both
# plot them.
@per_published_file(maxsize=8)
def chart_points(filters: Filters, home: Home) -> pl.DataFrame:
    with read_only(home) as con:
        return sq.ppa_chart_points(con, filters)


@shared
def scatter_figure(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    return sf.cost_results_scatter(chart_points(filters_from_store(filters_data), home))


@shared
def quadrant_figure(filters_data: dict[str, list[Any]] | None, view: str | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    if _view(view) == "ppa":
        return sf.quadrant_chart(chart_points(filters, home), "ppa")
    with read_only(home) as con:
        return sf.quadrant_chart(sq.moa_scorecard(con, filters), "moa")


def export_tables(filters: Filters, home: Home, view: str | None = "ppa") -> export.Export:
    """The table shown first (the CSV: PPA or MOA view), then the other view."""
    view = _view(view)
    with read_only(home) as con:
        ppas = sq.ppa_scorecard(con, filters, limit=None).drop("match_count")
        moas = sq.moa_scorecard(con, filters)
    tables = {"PPA scorecard": ppas, "MOA scorecard": moas}
    if view == "moa":
        tables = {"MOA scorecard": moas, "PPA scorecard": ppas}
    return export.Export(
        tables,
        notes=[
            "indicator_attainment_rate and outcome_achievement_rate are empty by design: no source holds indicator "
            "actuals (attainment_null_reason = no_actuals_in_any_source).",
            "SPI = Σ EV / Σ PV, CPI = Σ EV / Σ AC; empty when the denominator is 0 or there are no work items. "
            + THRESHOLDS,
            "cost_effectiveness_rank: 1 = cheapest per beneficiary within the same sector and fiscal year; "
            "cost_effectiveness_rank_tied marks ties; rank_group_size = PPAs ranked in that group.",
            "Every matching row, in the page's order (the page shows the first rows only). The MOA sheet applies "
            "the fiscal year and MOA filters only: the per-MOA mart sums every sector and area.",
        ],
        rate_columns=("parsed_target_share", "indicator_attainment_rate", "outcome_achievement_rate"),
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(
        Output(CAPTION, "children"),
        Output(TABLE, "children"),
        Output(FILTER_NOTE, "children"),
        Output(ATTAINMENT_NOTE, "children"),
        Input(ids.FILTERS, "data"),
        Input(VIEW, "value"),
    )(bind(scorecard_table, home))
    app.callback(Output(SCATTER, "figure"), Input(ids.FILTERS, "data"))(bind(scatter_figure, home))
    app.callback(Output(QUADRANT, "figure"), Input(ids.FILTERS, "data"), Input(VIEW, "value"))(
        bind(quadrant_figure, home)
    )
    export.register(
        app, home, EXPORT, "Performance scorecards", "scorecards", export_tables, state=[State(VIEW, "value")]
    )
