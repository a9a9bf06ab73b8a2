"""Ceiling monitor: every budget ceiling against what is allocated under it, the PPAs that push a ceiling over, and
the ceiling vocabulary that maps to no PPA value.

Reads ``marts.fct_ceiling_monitor``, ``fct_ceiling_ppas`` (with ``dim_ppa`` for titles, MOAs and areas) and
``rpt_ceiling_vocabulary_unmapped`` through ``dashboards.ceiling_queries``. The fiscal year and sector filters apply to
the ceilings (the mapped sector); the MOA and area filters only to the PPA list. Choosing a ceiling in the dropdown,
or clicking its bar, lists its PPAs.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboards import ceiling_figures as cf
from dashboards import ceiling_queries as cq
from dashboards import export, ids
from dashboards.answer_cache import shared
from dashboards.components import (
    bind,
    empty_state,
    filter_note,
    filters_from_store,
    help_button,
    page_header,
    section_card,
    table,
    tile_card,
)
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/ceilings"
NAME = "Ceilings"
TITLE = "Ceiling monitor · OOBC planning and budget"
ORDER = 2

TILES = "ceilings-tiles"
CHART = "ceilings-chart"
TABLE = "ceilings-table"
CHOOSER = "ceilings-choose"
PPA_CAPTION = "ceilings-ppa-caption"
PPAS = "ceilings-ppas"
UNMAPPED = "ceilings-unmapped"
EXPORT = "ceilings"  # prefix of the export buttons and download

HELP = {
    "utilization": (
        "ceilings-help-utilization",
        "Utilization",
        "Allocated ÷ ceiling. Allocated is the sum of the approved budgets of the budgeted PPAs (MOA and OOBC "
        "PPAs) that fall under the ceiling: the same fiscal year and, where the ceiling states them, its sector and "
        "funding source. Not defined (—) for a ceiling of ₱0 or one whose vocabulary does not map.",
    ),
    "threshold": (
        "ceilings-help-threshold",
        "Warning threshold",
        "The utilization at which a ceiling turns amber: the ceiling's own threshold when OBCMS has one, else the "
        "warehouse default of 90 %. Above 100 % (allocated more than the ceiling) it is red: exceeded.",
    ),
    "headroom": (
        "ceilings-help-headroom",
        "Headroom",
        "What is left under a ceiling: ceiling − allocated (negative when exceeded; OBCMS shows 0 then, this page "
        "does not). The tile adds the headroom of the ceilings not exceeded; the overrun of the exceeded ones is "
        "shown apart, so one ceiling's room never hides another's breach.",
    ),
    "enforcement": (
        "ceilings-help-enforcement",
        "Hard and soft ceilings",
        "A hard ceiling blocks a budget scenario that would exceed it; a soft one only warns. Monitoring ceilings "
        "(monitoring_ceilingmanagement) are never enforced by OBCMS, so they read soft. Hard ceilings are drawn "
        "as solid bars with a dark outline, soft ones hatched.",
    ),
}


def _help(key: str) -> html.Span:
    help_id, title, body = HELP[key]
    return help_button(help_id, title, body)


def _legend() -> html.Div:
    swatches = [
        html.Span(
            [html.Span(className=f"ceiling-swatch ceiling-swatch-{s}"), cf.STATUS_LABELS[s]],
        )
        for s in ("ok", "warning", "exceeded", "unmapped")
    ]
    return html.Div(
        [
            *swatches,
            html.Span(
                [html.Span(className="ceiling-swatch ceiling-swatch-hard"), "hard"],
            ),
            html.Span(
                [html.Span(className="ceiling-swatch ceiling-swatch-soft"), "soft (hatched)"],
            ),
            html.Span("│ black line = the ceiling (100 %), amber tick = warning threshold"),
            _help("utilization"),
            _help("threshold"),
            _help("enforcement"),
        ],
        className="ceiling-legend",
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters."""
    return html.Div(
        [
            page_header(
                "Ceiling monitor",
                "Every budget ceiling against the approved budget of the PPAs that fall under it, "
                "highest utilization first. Choose a ceiling (or click its bar) to see the PPAs that "
                "push it over.",
                filter_note(
                    cq.CEILING_FILTERS,
                    why="a ceiling has neither: they narrow only the list of PPAs under a ceiling",
                ),
                actions=export.controls(EXPORT),
            ),
            html.Div(id=TILES, className="kpi-grid mb-3"),
            dbc.Card(
                [
                    dbc.CardHeader(_legend()),
                    dbc.CardBody(
                        dcc.Loading(
                            dcc.Graph(id=CHART, config={"displaylogo": False, "modeBarButtons": [["toImage"]]}),
                            delay_show=300,
                            type="dot",
                        )
                    ),
                ],
                className="chart-card mb-3",
            ),
            section_card(
                "PPAs under a ceiling",
                [
                    html.Div(
                        [
                            dbc.Label("Ceiling", html_for=CHOOSER, className="filter-label"),
                            dcc.Dropdown(id=CHOOSER, options=[], value=None, placeholder="Choose a ceiling…"),
                            html.Div(id=PPA_CAPTION, className="ceiling-caption"),
                        ],
                        className="ceiling-chooser",
                    ),
                    html.Div(id=PPAS, className="table-scroll ceiling-ppas"),
                ],
                lead="Largest first, with the running total; the PPAs at which the running total passes the ceiling "
                "are highlighted in red.",
                flush=True,
            ),
            section_card(
                "Ceilings and their headroom",
                html.Div(id=TABLE, className="table-scroll"),
                lead="Fiscal year and sector select the ceilings by the sector they map to (a ceiling for any sector "
                "reads “unspecified”). Remaining is negative when a ceiling is exceeded; hover a utilization for its "
                "warning threshold.",
                explain=(HELP["headroom"][0], HELP["headroom"][2]),
                flush=True,
            ),
            dbc.Row(
                dbc.Col(
                    section_card(
                        "Ceiling vocabulary that maps to nothing",
                        html.Div(id=UNMAPPED, className="table-scroll"),
                        lead="Sectors and funding sources written on ceilings that match no PPA value. Ceilings using "
                        "them are 'unmapped': they are checked against no PPA until the value is corrected in OBCMS "
                        "or added to the warehouse's mapping. Applies to all years and sectors.",
                        flush=True,
                    ),
                    lg=7,
                ),
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
@shared
def tiles(filters_data: dict[str, list[Any]] | None, home: Home) -> list[dbc.Card]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = cq.summary(con, filters)
    return [tile_card(t) for t in cf.summary_tiles(frame)]


@shared
def chart(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = cq.ceilings(con, filters)
    return cf.bullet_chart(frame)


def choose_ceiling(
    filters_data: dict[str, list[Any]] | None, click: dict | None, current: str | None, home: Home
) -> tuple[list[dict[str, str]], str | None]:
    """The dropdown's options for the selection; a clicked bar selects its ceiling, and a ceiling the filters no
    longer show is cleared."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = cq.ceilings(con, filters)
    options = cf.ceiling_options(frame)
    known = {o["value"] for o in options}
    chosen = current
    if dash.ctx.triggered_id == CHART and click:
        chosen = cf.clicked_ceiling(click) or current
    return options, chosen if chosen in known else None


@shared
def ceilings_table(filters_data: dict[str, list[Any]] | None, selected: str | None, home: Home) -> Any:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = cq.ceilings(con, filters)
    return table(cf.CEILING_COLUMNS, cf.ceiling_rows(frame, selected), empty=cf.NO_CEILINGS)


@shared
def ppa_list(filters_data: dict[str, list[Any]] | None, selected: str | None, home: Home) -> tuple[str, Any]:
    filters = filters_from_store(filters_data)
    if not selected:
        return "", empty_state(cf.ppa_empty_message(None))
    with read_only(home) as con:
        ceilings = cq.ceilings(con, filters)
        frame = cq.ceiling_ppas(con, filters, selected)
    matches = ceilings.filter(ceilings["ceiling_id"] == selected)
    ceiling = matches.row(0, named=True) if matches.height else None
    if ceiling is None:
        return "", empty_state(cf.ppa_empty_message(None))
    rows = cf.ppa_rows(frame)
    body = table(cf.PPA_COLUMNS, rows) if rows else empty_state(cf.ppa_empty_message(ceiling))
    return cf.ppa_caption(frame, ceiling), body


@shared
def unmapped_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = cq.unmapped_vocabulary(con)
    return table(
        cf.UNMAPPED_COLUMNS,
        cf.unmapped_rows(frame),
        empty="Every sector and funding source the ceilings state maps to the PPAs' vocabulary.",
    )


def export_tables(filters: Filters, home: Home, selected: str | None = None) -> export.Export:
    """The ceilings (the CSV), the PPAs of the chosen ceiling (of every ceiling in the selection when none is
    chosen) and the unmapped vocabulary."""
    with read_only(home) as con:
        ceilings = cq.ceilings(con, filters)
        ppas = cq.ceiling_ppas(con, filters, selected or None)
        unmapped = cq.unmapped_vocabulary(con)
    return export.Export(
        {
            "Ceilings": ceilings,
            "PPAs of the chosen ceiling" if selected else "PPAs under the ceilings": ppas,
            "Unmapped vocabulary": unmapped,
        },
        notes=[
            "utilization = allocated_amount / ceiling_amount (empty when the ceiling is 0 or unmapped); "
            "remaining_amount = ceiling_amount − allocated_amount, negative when exceeded.",
            "Fiscal year and sector select the ceilings (sector_mapped); MOA and area narrow only the PPA sheet.",
            "is_beyond_ceiling marks the PPAs at which the running total (largest first) passes the ceiling.",
        ],
        money_columns=(
            "ceiling_amount",
            "allocated_amount",
            "remaining_amount",
            "budget_allocation",
            "running_allocated_amount",
        ),
        rate_columns=("utilization", "warning_threshold"),
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(Output(TILES, "children"), Input(ids.FILTERS, "data"))(bind(tiles, home))
    app.callback(Output(CHART, "figure"), Input(ids.FILTERS, "data"))(bind(chart, home))
    app.callback(Output(UNMAPPED, "children"), Input(ids.FILTERS, "data"))(bind(unmapped_table, home))
    app.callback(
        Output(CHOOSER, "options"),
        Output(CHOOSER, "value"),
        Input(ids.FILTERS, "data"),
        Input(CHART, "clickData"),
        State(CHOOSER, "value"),
    )(bind(choose_ceiling, home))
    app.callback(Output(TABLE, "children"), Input(ids.FILTERS, "data"), Input(CHOOSER, "value"))(
        bind(ceilings_table, home)
    )
    app.callback(
        Output(PPA_CAPTION, "children"), Output(PPAS, "children"), Input(ids.FILTERS, "data"), Input(CHOOSER, "value")
    )(bind(ppa_list, home))
    export.register(app, home, EXPORT, "Ceiling monitor", "ceilings", export_tables, state=[State(CHOOSER, "value")])
