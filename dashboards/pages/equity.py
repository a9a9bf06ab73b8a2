"""Equity: spending per person by area on both denominators (total population, OBC population), allocation share
against need share, and how unequal per-capita spending is (max/min, CV, Williamson, Gini, Theil T and L with their
between/within-region split, concentration against need), read out in plain words.

Reads ``marts.fct_equity``, ``rpt_equity_summary`` and ``dim_geography`` through ``dashboards.equity_queries``. The
level toggle (region / province / municipality) switches every part of the page and the export.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

from dashboards import equity_figures as ef
from dashboards import equity_queries as eq
from dashboards import export, ids
from dashboards.answer_cache import shared
from dashboards.components import (
    bind,
    filter_note,
    filters_from_store,
    graph_card,
    grid,
    page_header,
    section_card,
    tile_card,
)
from dashboards.filters import AREA, FISCAL_YEAR, Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/equity"
NAME = "Equity"
TITLE = "Equity of spending across areas · OOBC planning and budget"
ORDER = 6

LEVEL = "equity-level"
YEAR_NOTE = "equity-year-note"
INDICES = "equity-indices"
BAR_TOTAL = "equity-bar-total"
BAR_OBC = "equity-bar-obc"
SHARES = "equity-shares"
CAPTION = "equity-caption"
TABLE = "equity-table"
EXPORT = "equity"
GRID = "equity-grid"
# Rows sent to the area grid (it pages them in the browser); the CSV and XLSX hold every row.
GRID_LIMIT = 2000

PER_CAPITA_HELP = (
    "Spending of an area = Σ approved budget of the fiscal year's PPAs whose coverage area is the area or lies "
    "inside it (a province-wide PPA counts for its province and region, never for its municipalities). Per person "
    "= spending ÷ total population (PSA); per OBC member = spending ÷ OBC population (Σ of the OBC community "
    "estimates). An area without that population has no per-capita figure."
)
SHARE_HELP = (
    "Need share = the area's share of the unmet need cost of all areas of its level (needs carry no fiscal year). "
    "Allocation share = its share of the level's spending in the year. Above the 45° line an area gets more than "
    "its need share; below it, less. Allocation ÷ need > 1: more than its need share."
)
INDEX_HELP = html.Div(
    [
        html.P([html.Strong(ef.INDEX_LABELS[key] + ": "), text], className="mb-1")
        for key, text in ef.INDEX_DEFINITIONS.items()
    ]
    + [
        html.P(
            "They cover every area of the level with a population (the area filter does not narrow them); yᵣ = "
            "spending per head of area r, ȳ = Σ spending ÷ Σ population, πᵣ = the area's population share.",
            className="mb-0",
        )
    ]
)


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callback fills it from the shell's filters and the level toggle."""
    return html.Div(
        [
            page_header(
                "Equity of spending across areas",
                "How evenly PPA spending per head reaches the areas, per person and per OBC "
                "member, and whether it follows their unmet needs.",
                actions=export.controls(EXPORT),
            ),
            filter_note(
                (FISCAL_YEAR, AREA),
                why="the equity mart is by area only, not by MOA or sector; one fiscal year is shown at a time",
            ),
            html.Div(
                [
                    dbc.RadioItems(
                        id=LEVEL,
                        options=[
                            {"label": "Regions", "value": "region"},
                            {"label": "Provinces", "value": "province"},
                            {"label": "Municipalities", "value": "municipality"},
                        ],
                        value=eq.DEFAULT_LEVEL,
                        inline=True,
                        className="eq-toggle",
                    ),
                    html.Span(id=YEAR_NOTE, className="eq-year-note"),
                ],
                className="eq-controls",
            ),
            section_card(
                "Inequality of per-capita spending",
                html.Div(id=INDICES),
                lead="Over every area of the level with a population; the area filter does not narrow them.",
                explain=("equity-help-indices", INDEX_HELP),
            ),
            section_card(
                "Spending per head by area",
                dbc.Row(
                    [dbc.Col(graph_card(BAR_TOTAL), lg=6), dbc.Col(graph_card(BAR_OBC), lg=6)],
                    className="g-3",
                ),
                lead="On both denominators: per person of the total population (left) and per OBC member (right).",
                explain=("equity-help-per-capita", PER_CAPITA_HELP),
            ),
            section_card(
                "Allocation share vs need share",
                graph_card(SHARES),
                explain=("equity-help-shares", SHARE_HELP),
                flush=True,
            ),
            section_card(
                "Areas",
                html.Div(id=TABLE, className="table-scroll eq-table"),
                actions=html.Span(id=CAPTION, className="eq-caption"),
                explain=("equity-help-areas", PER_CAPITA_HELP + " " + SHARE_HELP),
                flush=True,
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
def _level(value: str | None) -> str:
    return value if value in eq.LEVELS else eq.DEFAULT_LEVEL


def _index_block(group: ef.IndexGroup) -> html.Div:
    return html.Div(
        [
            html.H2(group.title, className="eq-index-title"),
            html.P(group.coverage, className="eq-index-coverage"),
            html.Div([tile_card(t) for t in group.tiles], className="kpi-grid eq-index-grid"),
        ],
        className="eq-index-group",
        **{"data-denominator": group.denominator},
    )


@shared
def equity_view(filters_data: dict[str, list[Any]] | None, level: str | None, home: Home) -> tuple[Any, ...]:
    """Everything on the page for the shown year and level: year note, index tiles, two bars, shares, table."""
    filters = filters_from_store(filters_data)
    level = _level(level)
    with read_only(home) as con:
        shown = eq.shown_year(filters, eq.equity_years(con))
        frame = eq.areas(con, filters, shown.fiscal_year, level)
        summary = eq.indices(con, shown.fiscal_year, level)
    groups = ef.index_groups(summary, level)
    indices = (
        [_index_block(g) for g in groups]
        if groups
        else html.P(f"No indices for this year and level. {shown.note}", className="empty-state text-muted my-3")
    )
    plural = ef.LEVEL_PLURALS[level]
    caption = f"{frame.height:,} {plural}, highest per person first · click a column to sort"
    if frame.height > GRID_LIMIT:
        caption = (
            f"The {GRID_LIMIT:,} highest per person of {frame.height:,} {plural}; the CSV and XLSX hold all "
            f"{frame.height:,}"
        )
    caption += " (area filter applied)" if filters.areas else ""
    shown_rows = frame.head(GRID_LIMIT)
    empty = f"No {level} matches the area filter." if filters.areas and shown.fiscal_year is not None else shown.note
    return (
        shown.note,
        indices,
        ef.per_capita_bar(frame, "total", level),
        ef.per_capita_bar(frame, "obc", level),
        ef.share_scatter(frame, level),
        caption,
        grid(GRID, ef.AREA_COLUMNS, ef.area_rows(shown_rows), shown_rows, empty=empty),
    )


def export_tables(filters: Filters, home: Home, level: str | None = eq.DEFAULT_LEVEL) -> export.Export:
    """The per-area table (the CSV) and the indices of the shown year and level."""
    level = _level(level)
    with read_only(home) as con:
        shown = eq.shown_year(filters, eq.equity_years(con))
        frame = eq.areas(con, filters, shown.fiscal_year, level)
        summary = eq.indices(con, shown.fiscal_year, level)
    return export.Export(
        {"Areas": frame, "Indices": summary},
        notes=[
            shown.note,
            f"Level: {level}. spending_per_capita_total = spending / total population (PSA); "
            "spending_per_capita_obc = spending / OBC population.",
            "The indices cover every area of the level with a population (denominator 'total' or 'obc'); the area "
            "filter narrows the Areas sheet only. MOA and sector filters do not apply (the equity mart is by area).",
        ],
        money_columns=("spending", "unmet_need_cost", "spending_prev_year", "spending_yoy_change", "total_spending"),
        rate_columns=("allocation_share", "need_share"),
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(
        Output(YEAR_NOTE, "children"),
        Output(INDICES, "children"),
        Output(BAR_TOTAL, "figure"),
        Output(BAR_OBC, "figure"),
        Output(SHARES, "figure"),
        Output(CAPTION, "children"),
        Output(TABLE, "children"),
        Input(ids.FILTERS, "data"),
        Input(LEVEL, "value"),
    )(bind(equity_view, home))
    export.register(app, home, EXPORT, "Equity", "equity", export_tables, state=[State(LEVEL, "value")])
