"""Budget execution: the allotment → obligation → disbursement chain by MOA or sector, planned vs actual by month with
the year-end forecast, PEFA budget credibility (PI-1, PI-2), a drill-down into one PPA (its work-item tree, the nodes
whose allocation does not add up, its funding ledger) and the MFBM report as a workbook.

Reads ``marts.fct_ppa_budget``, ``fct_budget_execution_monthly``, ``fct_budget_credibility``, ``fct_work_item_rollup``,
``fct_funding_ledger`` and ``dim_ppa`` through ``dashboards.execution_queries``. Fiscal year, MOA, sector and area
apply (area through the PPA's coverage); budget credibility is a whole-year figure, so only the fiscal year narrows it.
Choosing a PPA in the dropdown, or clicking it in the watch list, opens its drill-down.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import ALL, Input, Output, State, dcc, html

from dashboards import execution_figures as ef
from dashboards import execution_queries as eq
from dashboards import export, ids, mfbm_report, queries, theme
from dashboards import formatting as fmt
from dashboards.answer_cache import shared
from dashboards.components import (
    GRAPH_CONFIG,
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
from dashboards.figures import empty_figure
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/execution"
NAME = "Execution"
TITLE = "Budget execution · OOBC planning and budget"
ORDER = 3

TILES = "execution-tiles"
GROUPING = "execution-grouping"
FUNNEL = "execution-funnel"
FUNNEL_BARS = "execution-funnel-bars"
FUNNEL_TABLE = "execution-funnel-table"
YEAR = "execution-year"
YEAR_NOTE = "execution-year-note"
FORECAST_TILES = "execution-forecast-tiles"
MONTHLY = "execution-monthly"
QUARTERLY = "execution-quarterly"
PI1 = "execution-pi1"
PI2 = "execution-pi2"
CREDIBILITY_TABLE = "execution-credibility"
RANKING = "execution-ranking"
WATCHLIST = "execution-watchlist"
WATCH_PICK = "execution-watch-pick"  # pattern-matching type; index = the PPA id
PPA = "execution-ppa"
PPA_TILES = "execution-ppa-tiles"
TREE = "execution-tree"
INCONSISTENT = "execution-inconsistent"
LEDGER = "execution-ledger"
MFBM_BUTTON = "execution-mfbm"
MFBM_DOWNLOAD = "execution-mfbm-download"
MFBM_NOTE = "execution-mfbm-note"
EXPORT = "execution"  # prefix of the export buttons and download

HELP = {
    "release": (
        "execution-help-release",
        "Allotment release rate",
        "Σ allotment released ÷ Σ approved budget of the PPAs in the selection: how much of the appropriation the "
        "MOAs may spend. A ratio of the sums, never an average of the PPAs' rates.",
    ),
    "obligation": (
        "execution-help-obligation",
        "Obligation rate",
        "Σ obligations ÷ Σ allotment (the budget utilization rate the budget department quotes), and beside it Σ "
        "obligations ÷ Σ approved budget. Over 100 % of the allotment means more was committed than released: an "
        "overspend flag (⚠), shown, never hidden.",
    ),
    "disbursement": (
        "execution-help-disbursement",
        "Disbursement rate",
        "Σ disbursements ÷ Σ obligations: how much of what was committed has been paid. Beside it Σ disbursements ÷ Σ "
        "approved budget, the ratio OBCMS's transparency page and MFBM report call utilization.",
    ),
    "slippage": (
        "execution-help-slippage",
        "Slippage",
        "Planned − actual, added up month by month: planned is the allotment releases at their scheduled month (the "
        "plan of when money becomes spendable), actual the disbursements. Positive = behind schedule; shaded on the "
        "chart between the two cumulative lines over the months elapsed.",
    ),
    "forecast": (
        "execution-help-forecast",
        "Year-end forecast",
        "Each PPA's disbursements of the elapsed months ÷ months elapsed × 12 (the current run rate), summed over "
        "the selection; for a closed year its actual. None before the year begins. The dotted line runs from the "
        "as-of month to December.",
    ),
    "pi1": (
        "execution-help-pi1",
        "PEFA PI-1 aggregate outturn",
        "Actual spending (Σ disbursements) ÷ original approved budget of the year's MOA and OOBC PPAs. Score over the "
        "year and the two before it: A if 2 years are within 95–105 %, B within 90–110 %, C within 85–115 %, else D; "
        "no score with fewer than 2 years.",
    ),
    "pi2": (
        "execution-help-pi2",
        "PEFA PI-2 composition variance",
        "How far spending shifted between MOAs (or sectors) from the budget's composition: Σ |actualᵢ − budgetᵢ × "
        "(Σ actual ÷ Σ budget)| ÷ Σ actual. Score: A below 5 %, B below 10 %, C below 15 % in 2 of the last 3 years, "
        "else D.",
    ),
    "variance": (
        "execution-help-variance",
        "Variance status",
        "Per work item, on the rolled-up figures: variance = allocated − actual expenditure (positive = under "
        "budget), variance % = variance ÷ allocated × 100. Red over budget (actual > allocated), green on budget "
        "(within ±5 %), blue under budget, grey no expenditure yet.",
    ),
    "consistency": (
        "execution-help-consistency",
        "Allocation consistency",
        "A work item against its immediate children (±₱0.01): consistent when the children's allocations add up to "
        "its own; under-allocated when they add up to less (money not yet assigned); over-allocated when to more (an "
        "error: the children promise more than the parent has); children unbudgeted when none of them has one.",
    ),
}


def _help(key: str) -> html.Span:
    help_id, title, body = HELP[key]
    return help_button(help_id, title, body)


def _graph(graph_id: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG), delay_show=300, type="dot")


def _status_legend() -> html.Div:
    return html.Div(
        [
            *[
                html.Span(
                    [html.Span(className="exec-swatch", style={"background": theme_colour}), label],
                    className="me-3",
                )
                for theme_colour, label in (
                    (theme.status_colour("over_budget"), "Over budget"),
                    (theme.status_colour("on_budget"), "On budget (±5 %)"),
                    (theme.status_colour("under_budget"), "Under budget"),
                    (theme.status_colour("no_expenditure"), "No expenditure"),
                )
            ],
            _help("variance"),
        ],
        className="exec-legend",
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters."""
    return html.Div(
        [
            page_header(
                "Budget execution",
                "How the approved budget moves through allotment, obligation and disbursement, "
                "whether spending keeps to its schedule, how credible the budget is, and, for one "
                "PPA, where its money sits in the work-item tree and its funding ledger.",
                filter_note(eq.FILTERS_USED),
                actions=html.Div(
                    [
                        export.controls(EXPORT),
                        dbc.Button(
                            "MFBM report (XLSX)",
                            id=MFBM_BUTTON,
                            size="sm",
                            color="primary",
                            n_clicks=0,
                            title="OBCMS's MFBM budget execution report of the MOA PPAs of one fiscal year",
                        ),
                        dcc.Download(id=MFBM_DOWNLOAD),
                        html.Div(id=MFBM_NOTE, className="exec-mfbm-note"),
                    ],
                    className="exec-header-actions",
                ),
            ),
            html.Div(id=TILES, className="kpi-grid mb-3"),
            section_card(
                "Execution chain",
                [
                    dbc.Row(
                        [
                            dbc.Col(_graph(FUNNEL), lg=5),
                            dbc.Col(_graph(FUNNEL_BARS), lg=7, className="exec-scroll-chart"),
                        ],
                        className="g-3",
                    ),
                    html.Div(id=FUNNEL_TABLE, className="table-scroll mt-2"),
                ],
                lead="Approved budget → allotment → obligations → disbursements. Rates are ratios of the sums.",
                actions=html.Div(
                    [
                        dbc.RadioItems(
                            id=GROUPING,
                            options=[{"label": "By MOA", "value": "moa"}, {"label": "By sector", "value": "sector"}],
                            value="moa",
                            inline=True,
                            className="exec-toggle",
                        ),
                        _help("release"),
                        _help("obligation"),
                        _help("disbursement"),
                    ],
                    className="exec-actions",
                ),
            ),
            section_card(
                "Planned vs actual",
                [
                    html.Div(id=FORECAST_TILES, className="kpi-grid mb-2"),
                    _graph(MONTHLY),
                    html.H3("By quarter", className="exec-subtitle"),
                    html.Div(id=QUARTERLY, className="table-scroll"),
                ],
                lead="Budgeted PPAs (MOA and OOBC PPAs with a fiscal year), one fiscal year at a time.",
                actions=html.Div(
                    [
                        dbc.Label("Fiscal year", html_for=YEAR, className="filter-label mb-0 me-2"),
                        dcc.Dropdown(id=YEAR, options=[], value=None, clearable=False, className="exec-year"),
                        html.Span(id=YEAR_NOTE, className="exec-year-note"),
                        _help("slippage"),
                        _help("forecast"),
                    ],
                    className="exec-actions",
                ),
            ),
            section_card(
                "Budget credibility (PEFA)",
                [
                    dbc.Row(
                        [dbc.Col(_graph(PI1), lg=6), dbc.Col(_graph(PI2), lg=6)],
                        className="g-3",
                    ),
                    html.Div(id=CREDIBILITY_TABLE, className="table-scroll mt-2"),
                ],
                lead="Per fiscal year, over all MOA and OOBC PPAs: only the fiscal-year filter applies (a PEFA score "
                "is about a whole year's budget).",
                actions=html.Div([_help("pi1"), _help("pi2")], className="exec-actions"),
            ),
            section_card(
                "PPAs to look at",
                [
                    html.Div(id=WATCHLIST, className="table-scroll"),
                ],
                lead="Click a PPA to open it below.",
                actions=dbc.RadioItems(
                    id=RANKING,
                    options=[
                        {"label": "Worst slippage to date", "value": "slippage"},
                        {"label": "Lowest disbursement rate", "value": "disbursement"},
                    ],
                    value="slippage",
                    inline=True,
                    className="exec-toggle",
                ),
                flush=True,
            ),
            section_card(
                "One PPA",
                [
                    html.Div(
                        [
                            dbc.Label("PPA", html_for=PPA, className="filter-label"),
                            dcc.Dropdown(
                                id=PPA,
                                options=[],
                                value=None,
                                searchable=True,
                                placeholder="Type to search a PPA by title, MOA or year…",
                            ),
                        ],
                        className="exec-chooser",
                    ),
                    html.Div(id=PPA_TILES, className="kpi-grid my-2"),
                    _status_legend(),
                    _graph(TREE),
                    html.H3(
                        ["Allocation not consistent with the children ", _help("consistency")],
                        className="exec-subtitle",
                    ),
                    html.Div(id=INCONSISTENT, className="table-scroll"),
                    html.H3("Funding ledger", className="exec-subtitle"),
                    html.Div(id=LEDGER, className="table-scroll exec-ledger"),
                ],
                lead="Its work items sized by allocated budget and coloured by variance status (hover for own and "
                "rolled-up money, expenditure, variance, progress and earned value), and every funding entry.",
                card_id="execution-ppa-card",
            ),
        ],
        className="execution-page",
    )


# ------------------------------------------------------------------------------------------ callbacks
@shared
def headline(filters_data: dict[str, list[Any]] | None, home: Home) -> list[dbc.Card]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        total = eq.funnel_total(con, filters)
    return [tile_card(t) for t in ef.funnel_tiles(total)]


@shared
def funnel_views(
    filters_data: dict[str, list[Any]] | None, by: str | None, home: Home
) -> tuple[go.Figure, go.Figure, Any]:
    filters = filters_from_store(filters_data)
    by = by if by in eq.GROUPINGS else "moa"
    with read_only(home) as con:
        total = eq.funnel_total(con, filters)
        frame = eq.funnel(con, filters, by)
    return (
        ef.funnel_figure(total),
        ef.funnel_bars(frame, by),
        table(ef.funnel_columns(by), ef.funnel_rows(frame, by, total)),
    )


@shared
def year_options(
    filters_data: dict[str, list[Any]] | None, current: int | None, home: Home
) -> tuple[list[dict[str, Any]], int | None, str]:
    """The fiscal years of the selection with budgeted PPAs; keeps the chosen one when it is still there, else the
    latest."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        years = eq.monthly_years(con, filters)
    options = [{"label": f"FY {y}", "value": y} for y in reversed(years)]
    if not years:
        return options, None, "no budgeted PPAs"
    chosen = current if current in years else years[-1]
    note = f"{len(years)} years in the selection" if len(years) > 1 else ""
    return options, chosen, note


@shared
def monthly_views(
    filters_data: dict[str, list[Any]] | None, year: int | None, home: Home
) -> tuple[list[dbc.Card], go.Figure, Any]:
    filters = filters_from_store(filters_data)
    if year is None:
        figure = ef.monthly_figure(pl.DataFrame(), pl.DataFrame(), None)
        return [], figure, empty_state("No budgeted PPAs match these filters.")
    with read_only(home) as con:
        frame = eq.monthly(con, filters, year)
        summary = eq.year_summary(con, filters, year)
        quarters = eq.quarterly(con, filters, year)
    return (
        [tile_card(t) for t in ef.forecast_tiles(summary, year)],
        ef.monthly_figure(frame, summary, year),
        table(ef.QUARTER_COLUMNS, ef.quarter_rows(quarters), empty="No budgeted PPAs in this fiscal year."),
    )


@shared
def credibility_views(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[go.Figure, go.Figure, Any]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = eq.credibility(con, filters)
    return (
        ef.credibility_figure(frame),
        ef.pi2_figure(frame),
        table(
            ef.CREDIBILITY_COLUMNS,
            ef.credibility_rows(frame),
            empty="No fiscal year with budgeted PPAs matches the fiscal-year filter.",
        ),
    )


def _pick_button(row: dict[str, Any]) -> html.Button:
    return html.Button(
        row["pick"],
        id={"type": WATCH_PICK, "index": row["ppa_id"]},
        className="exec-pick",
        type="button",
        n_clicks=0,
        title="Open this PPA below",
    )


@shared
def watchlist(filters_data: dict[str, list[Any]] | None, rank: str | None, home: Home) -> Any:
    filters = filters_from_store(filters_data)
    rank = rank if rank in eq.RANKINGS else "slippage"
    with read_only(home) as con:
        frame = eq.ppa_watchlist(con, filters, rank)
    rows = ef.watchlist_rows(frame)
    for row in rows:
        row["pick"] = _pick_button(row)
    empty = (
        "No PPA in the selection is behind its release schedule."
        if rank == "slippage"
        else "No PPA in the selection has obligations yet."
    )
    shown = (
        html.P(f"{frame.height} of {frame['match_count'][0]} PPAs", className="exec-caption") if frame.height else None
    )
    return [*([shown] if shown else []), table(ef.WATCHLIST_COLUMNS, rows, empty=empty)]


def choose_ppa(
    filters_data: dict[str, list[Any]] | None, _picks: list[int | None], current: str | None, home: Home
) -> tuple[list[dict[str, str]], str | None]:
    """The dropdown's PPAs for the selection; a click in the watch list chooses its PPA; a PPA the filters no longer
    show is cleared (the first of the watch list is never chosen for the user)."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = eq.ppa_options(con, filters)
    options = ef.ppa_options(frame)
    known = {o["value"] for o in options}
    chosen = current
    trigger = dash.ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == WATCH_PICK:
        clicked = [t for t in dash.ctx.triggered if t.get("value")]
        if clicked:
            chosen = trigger["index"]
    return options, chosen if chosen in known else None


@shared
def ppa_views(ppa_id: str | None, home: Home) -> tuple[list[dbc.Card], go.Figure, Any, Any]:
    if not ppa_id:
        message = "Choose a PPA above, or click one in the list, to see its work items and ledger."
        return [], empty_figure(ef.TREE_TITLE, "No PPA chosen", 420), empty_state(message), empty_state(message)
    with read_only(home) as con:
        header = eq.ppa(con, ppa_id)
        tree = eq.work_item_tree(con, ppa_id)
        nodes = eq.inconsistent_nodes(con, ppa_id)
        entries = eq.ledger(con, ppa_id)
    title = ef.TREE_TITLE
    if header.height:
        title = f"{header['title'][0]}: work items"
    return (
        [tile_card(t) for t in ef.ppa_tiles(header)],
        ef.tree_figure(tree, title),
        table(
            ef.INCONSISTENT_COLUMNS,
            ef.inconsistent_rows(nodes),
            empty="Every work item's children add up to its own allocation."
            if tree.height
            else "This PPA has no work items.",
        ),
        table(ef.LEDGER_COLUMNS, ef.ledger_rows(entries), empty="This PPA has no funding entries."),
    )


def export_tables(filters: Filters, home: Home, by: str | None = None, year: int | None = None,
                  ppa_id: str | None = None) -> export.Export:  # fmt: skip
    """The funnel table (the CSV), the monthly view and quarters of the chosen year, credibility, and the chosen
    PPA's work-item tree and ledger."""
    by = by if by in eq.GROUPINGS else "moa"
    with read_only(home) as con:
        tables = {f"Funnel by {'MOA' if by == 'moa' else 'sector'}": eq.funnel(con, filters, by)}
        if year is not None:
            tables[f"Monthly FY {year}"] = eq.monthly(con, filters, year)
            tables[f"Quarterly FY {year}"] = eq.quarterly(con, filters, year)
            tables[f"Forecast FY {year}"] = eq.year_summary(con, filters, year)
        tables["Credibility"] = eq.credibility(con, filters)
        if ppa_id:
            tables["PPA work items"] = eq.work_item_tree(con, ppa_id)
            tables["PPA ledger"] = eq.ledger(con, ppa_id)
    notes = [
        "Rates are fractions computed as ratios of the summed amounts (e.g. Σ obligations / Σ allotment), never "
        "averages of the PPAs' rates.",
        "Slippage = planned (allotment releases) − actual (disbursements); the forecast is each PPA's disbursements "
        "to date / months elapsed × 12, summed.",
        "Credibility: PEFA PI-1 outturn and PI-2 variances are fractions; only the fiscal-year filter applies.",
    ]
    if ppa_id:
        notes.append(f"PPA sheets: {ppa_id}.")
    return export.Export(
        tables,
        notes=notes,
        money_columns=None,
        rate_columns=(
            *eq.RATE_COLUMNS,
            "actual_vs_planned_rate",
            "pi1_outturn",
            "pi1_obligation_outturn",
            "pi2_moa_variance",
            "pi2_sector_variance",
        ),
    )


def mfbm_download(n_clicks: int, filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[dict, str]:
    """The MFBM workbook of one fiscal year (the latest of the selection when several or none are selected)."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        year, note = mfbm_report.choose_fiscal_year(filters.fiscal_years, eq.mfbm_years(con))
        ppas = eq.mfbm_ppas(con, filters, year if year is not None else -1)
        areas = queries.areas(con)
    labels = dict(zip(areas["geography_id"].to_list(), fmt.area_labels(areas.to_dicts()), strict=True))
    data = mfbm_report.report_bytes(
        ppas,
        fiscal_year=year,
        year_note=note,
        filters=filters.describe(labels),
        data_as_of=fmt.as_of(queries.data_as_of(home)),
        generated_at=datetime.now(UTC).astimezone(fmt.PHILIPPINE_TIME),
    )
    name = f"oobc-mfbm-report-{year}.xlsx" if year else "oobc-mfbm-report.xlsx"
    return dcc.send_bytes(data, name), note


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(Output(TILES, "children"), Input(ids.FILTERS, "data"))(bind(headline, home))
    app.callback(
        Output(FUNNEL, "figure"),
        Output(FUNNEL_BARS, "figure"),
        Output(FUNNEL_TABLE, "children"),
        Input(ids.FILTERS, "data"),
        Input(GROUPING, "value"),
    )(bind(funnel_views, home))
    app.callback(
        Output(YEAR, "options"),
        Output(YEAR, "value"),
        Output(YEAR_NOTE, "children"),
        Input(ids.FILTERS, "data"),
        State(YEAR, "value"),
    )(bind(year_options, home))
    app.callback(
        Output(FORECAST_TILES, "children"),
        Output(MONTHLY, "figure"),
        Output(QUARTERLY, "children"),
        Input(ids.FILTERS, "data"),
        Input(YEAR, "value"),
    )(bind(monthly_views, home))
    app.callback(
        Output(PI1, "figure"),
        Output(PI2, "figure"),
        Output(CREDIBILITY_TABLE, "children"),
        Input(ids.FILTERS, "data"),
    )(bind(credibility_views, home))
    app.callback(Output(WATCHLIST, "children"), Input(ids.FILTERS, "data"), Input(RANKING, "value"))(
        bind(watchlist, home)
    )
    app.callback(
        Output(PPA, "options"),
        Output(PPA, "value"),
        Input(ids.FILTERS, "data"),
        Input({"type": WATCH_PICK, "index": ALL}, "n_clicks"),
        State(PPA, "value"),
    )(bind(choose_ppa, home))
    app.callback(
        Output(PPA_TILES, "children"),
        Output(TREE, "figure"),
        Output(INCONSISTENT, "children"),
        Output(LEDGER, "children"),
        Input(PPA, "value"),
    )(bind(ppa_views, home))
    app.callback(
        Output(MFBM_DOWNLOAD, "data"),
        Output(MFBM_NOTE, "children"),
        Input(MFBM_BUTTON, "n_clicks"),
        State(ids.FILTERS, "data"),
        prevent_initial_call=True,
    )(bind(mfbm_download, home))
    export.register(
        app,
        home,
        EXPORT,
        "Budget execution",
        "execution",
        export_tables,
        state=[State(GROUPING, "value"), State(YEAR, "value"), State(PPA, "value")],
    )
