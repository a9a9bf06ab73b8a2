"""Gap analysis: where are the unfunded high-priority community needs?

Reads ``marts.fct_need_gap`` (the needs, their scores and funding), ``marts.dim_geography`` (area names, population
and map centres) and ``marts.rpt_assessment_alerts`` through ``dashboards.gap_queries``. A tile-free bubble map
(works offline) shows the unmet cost by province or municipality; clicking a bubble lists that area's needs in the
table below. The page's controls (need sector, urgency, priority threshold, funded needs too) narrow the needs; the
global sector and area filters apply, the fiscal year and MOA do not (needs carry neither).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update

from dashboards import export, ids
from dashboards import gap_figures as gf
from dashboards import gap_queries as gq
from dashboards.answer_cache import shared
from dashboards.components import (
    GRAPH_CONFIG,
    bind,
    checked,
    filter_note,
    filters_from_store,
    grid,
    help_button,
    page_header,
    section_card,
    table,
    tile_card,
)
from dashboards.figures import clicked_points
from dashboards.filters import AREA, SECTOR, Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/gaps"
NAME = "Gaps"
TITLE = "Gap analysis · OOBC planning and budget"
ORDER = 1

EXPORT = "gaps"  # prefix of the export buttons and download
NEED_SECTOR = "gaps-need-sector"
URGENCY = "gaps-urgency"
THRESHOLD = "gaps-threshold"
FUNDED = "gaps-show-funded"
HEADLINE = "gaps-headline"
LEVEL = "gaps-level"
COLOUR = "gaps-colour"
MAP = "gaps-map"
MAP_NOTES = "gaps-map-notes"
SELECTED = "gaps-selected-area"  # dcc.Store: the dim_geography key of the clicked bubble, or None
SELECTION = "gaps-selection"
SELECTION_TEXT = "gaps-selection-text"
CLEAR_AREA = "gaps-clear-area"
SORT = "gaps-sort"
DIRECTION = "gaps-direction"
NEEDS_CAPTION = "gaps-needs-caption"
NEEDS = "gaps-needs"
ALERTS = "gaps-alerts"
ALERTS_GRID = "gaps-alerts-grid"
ALERTS_CAPTION = "gaps-alerts-caption"

HELP_PRIORITY = "gaps-help-priority"
HELP_UNMET = "gaps-help-unmet"
HELP_PER_CAPITA = "gaps-help-per-capita"
HELP_THRESHOLD = "gaps-help-threshold"
HELP_ALERTS = "gaps-help-alerts"

FUNDED_VALUE = "funded"

PRIORITY_HELP = html.Div(
    [
        html.P(
            "OBCMS's priority score, recomputed by the warehouse from the need's fields (the score stored in OBCMS "
            "is not used: after a drag-and-drop reorder it holds 1000 − rank instead):"
        ),
        html.P(
            "(urgency + severity ÷ 5 × 2 + feasibility + min(affected people ÷ 1,000, 2)) ÷ 4 × category weight, "
            "rounded half-up to 2 places.",
            className="gaps-formula",
        ),
        html.P(
            "Urgency: immediate 4, short term 3, medium term 2, long term 1. Feasibility: very high 2, high 1.5, "
            "medium 1, low 0.5, very low 0.25. Severity is 1–5; the category weight is the need category's weight "
            "factor. A need without urgency, severity, feasibility or category has no score.",
            className="mb-0",
        ),
    ]
)
UNMET_HELP = html.Div(
    [
        html.P(
            "Estimated cost − funding, never below ₱0. Funding is the need's share of the approved budget of each "
            "PPA that addresses it (OBCMS's Need.linked_ppa or the PPA's needs addressed): a PPA addressing several "
            "needs is split by their estimated costs (equally when a cost is missing)."
        ),
        html.P(
            "A need without an estimated cost has an unknown unmet cost: it is counted, but adds ₱0 to the sums "
            "(the tiles and the map say how many).",
            className="mb-0",
        ),
    ]
)
PER_CAPITA_HELP = html.P(
    "Σ unmet cost of the area's selected needs ÷ the area's total population (PSA's count where the area is "
    "matched, else OBCMS's). “No population” when the area has none recorded: such bubbles are grey.",
    className="mb-0",
)
THRESHOLD_HELP = html.Div(
    [
        html.P(
            "A need counts as high priority on this page when its priority score is above this number (0–10). "
            "Changing it re-selects the needs of the tiles, the map and the table."
        ),
        html.P(
            f"The warehouse's own flag (fct_need_gap.is_high_priority) and the assessment alerts use "
            f"{gq.DEFAULT_THRESHOLD}, the gap-analysis threshold of OBCMS's seeds (dbt var "
            "need_high_priority_threshold); 3.0 is their participatory-budgeting threshold.",
            className="mb-0",
        ),
    ]
)
ALERTS_HELP = html.P(
    f"A completed assessment more than half of whose high-priority needs (score above {gq.DEFAULT_THRESHOLD}, the "
    "warehouse's threshold) no PPA funds. The area filter applies; the page's controls do not.",
    className="mb-0",
)


# --------------------------------------------------------------------------------------------- layout
def _label(text: str, html_for: str, help_: Any = None) -> html.Div:
    return html.Div(
        [dbc.Label(text, html_for=html_for, className="filter-label mb-0"), *([help_] if help_ else [])],
        className="gaps-label",
    )


def _controls() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                _label("Need sector", NEED_SECTOR),
                                dcc.Dropdown(
                                    id=NEED_SECTOR, options=[], value=[], multi=True, placeholder="All need sectors"
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                _label("Urgency", URGENCY),
                                dcc.Dropdown(
                                    id=URGENCY, options=[], value=[], multi=True, placeholder="All urgency levels"
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                _label(
                                    "High priority: score above",
                                    THRESHOLD,
                                    help_button(HELP_THRESHOLD, "High-priority threshold", THRESHOLD_HELP),
                                ),
                                dcc.Input(
                                    id=THRESHOLD,
                                    type="number",
                                    value=float(gq.DEFAULT_THRESHOLD),
                                    min=0,
                                    max=float(gq.MAX_THRESHOLD),
                                    step=0.1,
                                    debounce=True,
                                    className="gaps-threshold-input",
                                ),
                                html.Div(
                                    f"The warehouse's flag uses {gq.DEFAULT_THRESHOLD}", className="gaps-control-hint"
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                _label("Funded needs", FUNDED),
                                dcc.Checklist(
                                    id=FUNDED,
                                    options=[{"label": "Show funded needs too", "value": FUNDED_VALUE}],
                                    value=[],
                                    className="gaps-check",
                                    inputClassName="gaps-check-input",
                                ),
                            ],
                            md=3,
                        ),
                    ],
                    className="g-3",
                ),
            ]
        ),
        className="gaps-controls mb-3",
    )


def _radio(component_id: str, options: dict[str, str], value: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=component_id,
        options=[{"label": label, "value": key} for key, label in options.items()],
        value=value,
        inline=True,
        className="gaps-segmented",
        inputClassName="gaps-segmented-input",
        labelClassName="gaps-segmented-label",
    )


def _map_card() -> dbc.Card:
    actions = [
        html.Span("Level", className="gaps-action-label"),
        _radio(LEVEL, gf.LEVEL_LABELS, "province"),
        html.Span(
            ["Colour", help_button(HELP_PER_CAPITA, "Per-capita unmet need", PER_CAPITA_HELP)],
            className="gaps-action-label",
        ),
        _radio(COLOUR, {"per_capita": "Per-capita need", "unmet_cost": "Unmet cost"}, "per_capita"),
    ]
    body = [
        dcc.Loading(
            dcc.Graph(id=MAP, config={**GRAPH_CONFIG, "scrollZoom": True}, className="gaps-map"),
            delay_show=300,
            type="dot",
        ),
        html.Div(id=MAP_NOTES, className="gaps-map-notes"),
    ]
    return section_card(
        "Where the unmet need is",
        body,
        lead="Bubble area = unmet cost; colour = unmet cost per resident (or the unmet cost). Click a bubble to list "
        "its needs below. Drag to pan, scroll to zoom.",
        explain=(HELP_UNMET, UNMET_HELP),
        actions=actions,
        card_id="gaps-map-card",
    )


def _needs_card() -> dbc.Card:
    actions = [
        html.Span("Sort by", className="gaps-action-label"),
        dcc.Dropdown(
            id=SORT,
            options=[{"label": label, "value": key} for key, (label, _) in gq.SORTS.items()],
            value=gq.DEFAULT_SORT,
            clearable=False,
            searchable=False,
            className="gaps-sort",
        ),
        _radio(DIRECTION, {"desc": "Largest first", "asc": "Smallest first"}, "desc"),
    ]
    body = [
        html.Div(
            [
                html.Span(id=NEEDS_CAPTION, className="gaps-caption"),
                html.Span(
                    [
                        html.Span(id=SELECTION_TEXT),
                        html.Button(
                            "× Show all areas", id=CLEAR_AREA, n_clicks=0, className="gaps-clear", type="button"
                        ),
                    ],
                    id=SELECTION,
                    className="gaps-selection",
                    hidden=True,
                ),
            ],
            className="gaps-table-bar",
        ),
        html.Div(id=NEEDS, className="table-scroll gaps-needs"),
    ]
    return section_card(
        "The needs behind the map",
        body,
        lead=f"The selected high-priority needs, the first {gq.TOP_NEEDS} in the chosen order. Exact amounts; the "
        "CSV export holds every matching need.",
        explain=(HELP_PRIORITY, PRIORITY_HELP),
        actions=actions,
        card_id="gaps-needs-card",
        flush=True,
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters and the page's controls."""
    return html.Div(
        [
            page_header(
                "Gap analysis",
                "Where the unfunded high-priority community needs are: what they would cost, how "
                "many people they affect, and which areas carry the most per resident.",
                actions=export.controls(EXPORT),
            ),
            filter_note(applies=(SECTOR, AREA), why="community needs carry no fiscal year and no MOA"),
            dcc.Store(id=SELECTED, data=None),
            _controls(),
            html.Div(id=HEADLINE, className="kpi-grid mb-3"),
            _map_card(),
            _needs_card(),
            section_card(
                "Assessment alerts",
                [html.Div(id=ALERTS_CAPTION, className="gaps-caption gaps-caption-pad"), html.Div(id=ALERTS)],
                lead="Completed assessments with more than half of their high-priority needs unfunded.",
                explain=(HELP_ALERTS, ALERTS_HELP),
                card_id="gaps-alerts-card",
                flush=True,
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ callbacks
def _selection(threshold: Any, urgencies: Any, sectors: Any, funded: Any = None, area: Any = None) -> gq.NeedSelection:
    funded_only = isinstance(funded, list) and FUNDED_VALUE in funded
    return gq.NeedSelection.of(threshold, urgencies, sectors, funded_only, area)


@shared
def control_options(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[list[dict], list[dict]]:
    """The need-sector and urgency options (they wait for the shell, like every callback)."""
    filters_from_store(filters_data)
    with read_only(home) as con:
        sectors = gq.need_sectors(con)
        urgencies = gq.urgency_levels(con)
    sector_options = [{"label": f"{gf.need_sector_label(s)} ({n:,})", "value": s} for s, n in sectors.rows()]
    urgency_options = [{"label": f"{gf.urgency_label(u)} ({n:,})", "value": u} for u, n in urgencies.rows()]
    return sector_options, urgency_options


@shared
def headline(
    filters_data: dict[str, list[Any]] | None, sectors: Any, urgencies: Any, threshold: Any, home: Home
) -> list[dbc.Card]:
    filters = filters_from_store(filters_data)
    selection = _selection(threshold, urgencies, sectors)
    with read_only(home) as con:
        frame = gq.headline(con, filters, selection)
    return [tile_card(t) for t in gf.headline_tiles(frame, selection.threshold)]


@shared
def map_figure(
    filters_data: dict[str, list[Any]] | None,
    sectors: Any,
    urgencies: Any,
    threshold: Any,
    funded: Any,
    level: str | None,
    colour_by: str | None,
    selected: str | None,
    home: Home,
) -> tuple[go.Figure, list]:
    filters = filters_from_store(filters_data)
    selection = _selection(threshold, urgencies, sectors, funded)
    level = level if level in gq.LEVELS else "province"
    with read_only(home) as con:
        areas = gq.areas(con, filters, selection, level)
        regions = gq.regions(con)
        unplaced = gq.unplaced(con, filters, selection)
    figure = gf.area_map(areas, regions, level, colour_by or "per_capita", selected, selection.include_funded)
    notes = [gf.no_position_note(areas), gf.unplaced_note(unplaced, level)]
    return figure, [html.P(n, className="gaps-note") for n in notes if n]


def pick_area(click: dict | None, _level: str | None, _clear: int | None) -> Any:
    """The clicked bubble's area; a new level or "show all areas" drops the pick."""
    if dash.ctx.triggered_id != MAP:
        return None
    points = clicked_points(click)
    data = points[0].get("customdata") if points else None
    if not isinstance(data, list) or not data or not isinstance(data[0], str):  # a region label, not a bubble
        return no_update
    return data[0]


@shared
def needs_table(
    filters_data: dict[str, list[Any]] | None,
    sectors: Any,
    urgencies: Any,
    threshold: Any,
    funded: Any,
    selected: str | None,
    sort: str | None,
    direction: str | None,
    home: Home,
) -> tuple[Any, str, str, bool]:
    filters = filters_from_store(filters_data)
    selection = _selection(threshold, urgencies, sectors, funded, selected)
    with read_only(home) as con:
        frame = gq.needs(con, filters, selection, sort, direction != "asc")
        area = gq.area_name(con, selection.area)
    rows = gf.need_rows(frame)
    for row in rows:
        row["status"] = html.Span(
            row["status"], className=f"badge bg-{row['status_badge']}", **{"data-status": row["status_key"]}
        )
    empty = "No needs match these filters and controls."
    if selection.area:
        empty = f"No selected needs in {area or selection.area} under these filters and controls."
    caption = gf.shown_of(frame) + (f" in {area or selection.area}" if selection.area else "")
    selection_text = f"Area picked on the map: {area or selection.area}" if selection.area else ""
    return table(gf.NEED_COLUMNS, rows, empty=empty), caption, selection_text, not selection.area


@shared
def alerts_table(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[str, Any]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = gq.alerts(con, filters)
    caption = f"{frame.height:,} assessment{'s' if frame.height != 1 else ''} raise an alert" if frame.height else ""
    # a paged grid: thousands of alerts at scale, drawn a page at a time
    return caption, grid(
        ALERTS_GRID, gf.ALERT_COLUMNS, gf.alert_rows(frame), frame, empty=gf.NO_ALERTS, page_size=gf.ALERTS_PAGE_SIZE
    )


def export_tables(
    filters: Filters,
    home: Home,
    sectors: Any,
    urgencies: Any,
    threshold: Any,
    funded: Any,
    selected: str | None,
    sort: str | None,
    direction: str | None,
    level: str | None,
) -> export.Export:
    """The needs as the table lists them (every matching need, in the table's order: the CSV), the map's areas and
    the assessment alerts."""
    selection = _selection(threshold, urgencies, sectors, funded, selected)
    level = level if level in gq.LEVELS else "province"
    sort_key = sort if isinstance(sort, str) and sort in gq.SORTS else gq.DEFAULT_SORT
    with read_only(home) as con:
        needs = gq.needs(con, filters, selection, sort_key, direction != "asc", limit=None).drop("matching_count")
        areas = gq.areas(con, filters, selection, level)
        alerts = gq.alerts(con, filters)
        area = gq.area_name(con, selection.area)
    notes = [
        f"High priority: priority score above {gf.threshold_text(selection.threshold)} "
        f"(the warehouse's is_high_priority uses {gq.DEFAULT_THRESHOLD}).",
        "Needs: " + ("funded and unfunded" if selection.include_funded else "unfunded only") + ".",
        "Urgency: " + (", ".join(gf.urgency_label(u) for u in selection.urgencies) or "all") + ".",
        "Need sector: " + (", ".join(gf.need_sector_label(s) for s in selection.sectors) or "all") + ".",
        f"Area picked on the map: {area or selection.area or 'none'}.",
        f"Needs sorted by {gq.SORTS[sort_key][0].lower()}, {'ascending' if direction == 'asc' else 'descending'}.",
        f"Areas: by {level}, as the map shows them; unmet_per_capita = Σ unmet cost ÷ population_total.",
        "The fiscal year and MOA filters do not apply: community needs carry neither.",
    ]
    return export.Export(
        {"Needs": needs, "Areas": areas, "Assessment alerts": alerts},
        notes=notes,
        money_columns=("estimated_cost", "funding_amount", "unmet_cost", "high_priority_unfunded_cost"),
        rate_columns=("coverage_ratio", "unfunded_share"),
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    controls = (Input(NEED_SECTOR, "value"), Input(URGENCY, "value"), Input(THRESHOLD, "value"))
    app.callback(
        Output(NEED_SECTOR, "options"),
        Output(URGENCY, "options"),
        Input(ids.FILTERS, "data"),
    )(bind(control_options, home))
    app.callback(Output(HEADLINE, "children"), Input(ids.FILTERS, "data"), *controls)(bind(headline, home))
    app.callback(
        Output(MAP, "figure"),
        Output(MAP_NOTES, "children"),
        Input(ids.FILTERS, "data"),
        *controls,
        Input(FUNDED, "value"),
        Input(LEVEL, "value"),
        Input(COLOUR, "value"),
        Input(SELECTED, "data"),
    )(bind(map_figure, home))
    app.callback(
        Output(SELECTED, "data"),
        Input(MAP, "clickData"),
        Input(LEVEL, "value"),
        Input(CLEAR_AREA, "n_clicks"),
        prevent_initial_call=True,
    )(checked(pick_area))
    app.callback(
        Output(NEEDS, "children"),
        Output(NEEDS_CAPTION, "children"),
        Output(SELECTION_TEXT, "children"),
        Output(SELECTION, "hidden"),
        Input(ids.FILTERS, "data"),
        *controls,
        Input(FUNDED, "value"),
        Input(SELECTED, "data"),
        Input(SORT, "value"),
        Input(DIRECTION, "value"),
    )(bind(needs_table, home))
    app.callback(Output(ALERTS_CAPTION, "children"), Output(ALERTS, "children"), Input(ids.FILTERS, "data"))(
        bind(alerts_table, home)
    )
    export.register(
        app,
        home,
        EXPORT,
        "Gap analysis",
        "gaps",
        export_tables,
        state=[
            State(NEED_SECTOR, "value"),
            State(URGENCY, "value"),
            State(THRESHOLD, "value"),
            State(FUNDED, "value"),
            State(SELECTED, "data"),
            State(SORT, "value"),
            State(DIRECTION, "value"),
            State(LEVEL, "value"),
        ],
    )
