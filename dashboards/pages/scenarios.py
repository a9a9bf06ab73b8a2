"""Scenario builder: planners spread a budget envelope over the planning year's PPAs and compare with the baseline.

Inputs: the envelope, the weight of each strategy (they must sum to 1), minimum / maximum per sector and per area
(an editable grid), and per-PPA locks (a fixed amount) and exclusions. Every edit recomputes, without a reload, the
allocation with the engine (models/allocation.py) and its comparison with the baseline (the PPAs' approved budget):
by sector, area and MOA, totals, unallocated, ceilings (hard ones block, soft ones warn), needs covered and projected
beneficiaries. Bad input gets a message on its field and no recompute. Scenarios are saved (each save a new version,
with who and when) in the state database (ingest/scenarios.py), listed, loaded, cloned and compared side by side;
the refresh recomputes them into ``fct_scenario_comparison``.

Reads (dashboards.scenario_queries): ``dim_ppa``, ``fct_ppa_budget``, ``dim_geography``, ``rpt_gap_by_area``,
``fct_performance_scorecard``, ``fct_bdp_alignment``, ``fct_need_gap``, ``fct_ceiling_monitor``, ``fct_ceiling_ppas``
and, in the export, ``fct_scenario_comparison``. Global filter: the fiscal year only (the planning year: the newest
selected year with PPAs, else the newest year with PPAs).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import duckdb
import polars as pl
from dash import ALL, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import auth, export, ids
from dashboards import formatting as fmt
from dashboards import scenario_figures as sf
from dashboards import scenario_queries as q
from dashboards.answer_cache import shared
from dashboards.components import filter_note, filters_from_store, grid_options, section_card, table, tile_card
from dashboards.filters import FISCAL_YEAR, Filters
from ingest import scenarios as store
from ingest.home import Home
from ingest.state import SCENARIO_STATUSES
from ingest.warehouse import read_only
from models.allocation import Bound, ScenarioSpec, StrategyWeight
from models.money import Problem
from models.spec_json import spec_from_json, spec_to_json

PATH = "/scenarios"
NAME = "Scenarios"
TITLE = "Scenario builder · OOBC planning and budget"
ORDER = 8

PREFIX = "scenario"
EXPORT = "scenario"
YEAR = f"{PREFIX}-year"  # dcc.Store: the planning year and its baseline total
YEAR_NOTE = f"{PREFIX}-year-note"
ENVELOPE = f"{PREFIX}-envelope"
ENVELOPE_FEEDBACK = f"{PREFIX}-envelope-feedback"
WEIGHT_SUM = f"{PREFIX}-weight-sum"
WEIGHTS_FEEDBACK = f"{PREFIX}-weights-feedback"
EQUITY_POPULATION = f"{PREFIX}-equity-population"
WHOLE_PPA = f"{PREFIX}-whole-ppa"
ON_NO_FIT = f"{PREFIX}-on-no-fit"
BOUNDS = f"{PREFIX}-bounds"  # a message above the sector/area grid when the year has nothing to plan
PPAS = f"{PREFIX}-ppas"
STATUS = f"{PREFIX}-status"
RESULTS = f"{PREFIX}-results"
SPEC = f"{PREFIX}-spec"  # dcc.Store: the last valid spec (JSON) or None
NAME_INPUT = f"{PREFIX}-name"
NAME_FEEDBACK = f"{PREFIX}-name-feedback"
DESCRIPTION = f"{PREFIX}-description"
OWNER = f"{PREFIX}-owner"
OWNER_FEEDBACK = f"{PREFIX}-owner-feedback"
SAVE_STATUS = f"{PREFIX}-save-status"
COMMENT = f"{PREFIX}-comment"
SAVE = f"{PREFIX}-save"
SAVE_NEW = f"{PREFIX}-save-new"
SAVE_MESSAGE = f"{PREFIX}-save-message"
PERMISSION = "scenarios"  # ingest.users.PERMISSIONS: planner and admin
ROLE_NOTE = f"{PREFIX}-role-note"  # "your role cannot ..." for a user who may not save
LOADED = f"{PREFIX}-loaded"  # dcc.Store: {scenario_id, name} of the scenario being edited, or None
SAVED_TICK = f"{PREFIX}-saved-tick"
SAVED_LIST = f"{PREFIX}-saved-list"
COMPARE_DIMENSION = f"{PREFIX}-compare-dimension"
COMPARISON = f"{PREFIX}-comparison"

# pattern-matching id types
WEIGHT = f"{PREFIX}-weight"
PPA_GRID = f"{PREFIX}-ppa-grid"  # the PPAs, their locks and exclusions (AG Grid, in the layout)
EDITS = f"{PREFIX}-edits"  # dcc.Store: the grid's locks and exclusions (scenario_figures.lock_edits)
GRID_UPDATE = f"{PREFIX}-grid-update"  # dcc.Store: what the last recompute changes in the grid (grid_update)
BOUNDS_GRID = f"{PREFIX}-bounds-grid"  # the sectors and areas, their minima and maxima (AG Grid, in the layout)
BOUND_EDITS = f"{PREFIX}-bound-edits"  # dcc.Store: the limits typed in it (scenario_figures.bound_edits)
BOUND_PROBLEMS = f"{PREFIX}-bound-problems"  # dcc.Store: the sector/area grid's problems, {"dim|key": message}
LOAD = f"{PREFIX}-load"
CLONE = f"{PREFIX}-clone"

STRATEGIES = (
    ("needs", "Needs", "∝ the priority-weighted unmet need of the PPA's area (rpt_gap_by_area)"),
    ("equity", "Equity", "toward equal spending per person across areas (dim_geography population)"),
    ("performance", "Performance", "∝ the beneficiaries the PPA reaches (fct_performance_scorecard)"),
    ("policy", "Policy", "∝ policy priority / estimated cost (PPAs implementing a policy recommendation)"),
    ("obcms_score", "OBCMS score", "OBCMS's scenario score done right: 10 × needs, 5 × areas, 15 × BDP goals"),
    ("greedy", "Greedy by need", "fund whole PPAs in order of need while they fit"),
)
DEFAULT_WEIGHTS = {"needs": "0.5", "equity": "0.5"}
WEIGHT_TOLERANCE = Decimal("0.0001")
GENERAL_FIELDS = ("envelope", "strategies", "bounds", "locked", "excluded")


# ------------------------------------------------------------------------------------------------ parsing
# The largest amount a planner may type: the warehouse's money totals are DECIMAL(18, 2)
AMOUNT_LIMIT = Decimal(10) ** 16
PPA_PAGE_SIZE = 20
LOCK_HINT = "sort its last column to see them first."
# The PPA grid's edits into the EDITS store: a "Lock at" cell sets (emptied: clears) the PPA's lock text, an
# "Exclude" cell adds or removes it from the excluded (as scenario_figures.lock_edits reads them).
APPLY_CELL_CHANGES_JS = """
function(changes, edits) {
    const plain = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
    const locks = Object.assign({}, plain(edits) && plain(edits.locks) ? edits.locks : {});
    const excluded = new Set(plain(edits) && Array.isArray(edits.excluded) ? edits.excluded.map(String) : []);
    for (const c of Array.isArray(changes) ? changes : []) {
        if (!plain(c) || (typeof c.rowId !== "string" && typeof c.rowId !== "number")) { continue; }
        const id = String(c.rowId);
        if (c.colId === "lock") {
            const text = c.value === null || c.value === undefined ? "" : String(c.value);
            if (text.trim()) { locks[id] = text; } else { delete locks[id]; }
        } else if (c.colId === "exclude") {
            if (c.value === true) { excluded.add(id); } else { excluded.delete(id); }
        }
    }
    return {locks: locks, excluded: Array.from(excluded).sort()};
}
"""
# A recompute's grid_update (scenario_figures) merged into the grid's rows: every row keeps its fixed part.
MERGE_GRID_UPDATE_JS = """
function(update, rows) {
    if (update === null || typeof update !== "object" || !Array.isArray(rows)) {
        return window.dash_clientside.no_update;
    }
    const locks = update.locks || {};
    const excluded = new Set(update.excluded || []);
    const problems = update.problems || {};
    const allocated = update.allocated;
    const at = new Map(allocated ? allocated.ids.map((id, i) => [id, i]) : []);
    return rows.map((row) => {
        const id = row.ppa_id;
        const i = at.get(id);
        return Object.assign({}, row, {
            lock: locks[id] || "",
            exclude: excluded.has(id),
            allocated: allocated ? (i === undefined ? update.missing : allocated.texts[i]) : "",
            allocated__value: i === undefined ? null : allocated.values[i],
            problem: problems[id] || "",
        });
    });
}
"""
# The sector/area grid's edits into the BOUND_EDITS store (as scenario_figures.bound_edits reads them): a
# "Minimum" or "Maximum" cell sets its side of the row's limits; a row with both blank has none.
APPLY_BOUND_CHANGES_JS = """
function(changes, edits) {
    const plain = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
    const kept = Object.assign({}, plain(edits) ? edits : {});
    for (const c of Array.isArray(changes) ? changes : []) {
        if (!plain(c) || typeof c.rowId !== "string" || (c.colId !== "min" && c.colId !== "max")) { continue; }
        const row = Object.assign({min: "", max: ""}, plain(kept[c.rowId]) ? kept[c.rowId] : {});
        row[c.colId] = c.value === null || c.value === undefined ? "" : String(c.value);
        if (row.min.trim() || row.max.trim()) { kept[c.rowId] = row; } else { delete kept[c.rowId]; }
    }
    return kept;
}
"""
# The limits (BOUND_EDITS: typed, or a loaded scenario's) and the last recompute's problems (BOUND_PROBLEMS) on
# the sector/area grid's rows: the recompute sends one small map, not three values per row (hundreds of areas).
MERGE_BOUNDS_JS = """
function(problems, edits, rows) {
    if (!Array.isArray(rows)) { return window.dash_clientside.no_update; }
    const plain = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
    const known = plain(problems) ? problems : {};
    const typed = plain(edits) ? edits : {};
    return rows.map((row) => {
        const limits = plain(typed[row.id]) ? typed[row.id] : {};
        return Object.assign({}, row, {
            min: limits.min || "",
            max: limits.max || "",
            problem: known[row.id] || "",
        });
    });
}
"""
# A row with a problem (an amount that is not one, limits that contradict): the row gets PROBLEM_ROW and its
# editable cells turn red (assets/scenarios.css). A row class rule, not a cell style: the grid re-applies a row's
# class rules (adding and removing) whenever its data changes, but restyles a cell only when that cell's own
# value changes, and the problem arrives with the recompute, after the edit. (getRowClass never removes a class.)
PROBLEM_ROW = "row-problem"
EDIT_CELL = "scenario-edit-cell"
ROW_PROBLEM_CLASS = {"rowClassRules": {PROBLEM_ROW: "!!params.data.problem"}}


def parse_amount(text: object, *, required: bool = False) -> tuple[Decimal | None, str | None]:
    """A peso amount typed by a planner ("1,500,000", "₱2.5e6" is refused): (value, None) or (None, message)."""
    raw = "" if text is None else str(text).strip().replace(",", "").replace("₱", "").strip()
    if not raw:
        return None, ("Enter an amount in pesos" if required else None)
    shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "…"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"'{shown}' is not an amount: type digits, e.g. 1500000"
    if not value.is_finite() or "e" in raw.lower():
        return None, f"'{shown}' is not an amount: type digits, e.g. 1500000"
    if value < 0:
        return None, "Must not be negative"
    if value >= AMOUNT_LIMIT:
        return None, f"Too large: at most {fmt.peso_exact(AMOUNT_LIMIT - Decimal('0.01'))}"
    if value != value.quantize(Decimal("0.01")):
        return None, "At most two decimals (centavos)"
    return value, None


def parse_weight(text: object) -> tuple[Decimal | None, str | None]:
    raw = "" if text is None else str(text).strip()
    if not raw:
        return Decimal(0), None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"'{text}' is not a number"
    if not value.is_finite():
        return None, f"'{text}' is not a number"
    if value < 0:
        return None, "Weights must not be negative"
    return value, None


# ------------------------------------------------------------------------------------------------ layout
def _field(label: str, control: Any, help_text: str | None = None) -> html.Div:
    parts = [dbc.Label(label, className="scenario-label"), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return html.Div(parts, className="scenario-field")


def _weights_inputs() -> list[Any]:
    rows = []
    for key, label, definition in STRATEGIES:
        rows.append(
            html.Div(
                [
                    dbc.Label(label, className="scenario-weight-label"),
                    dbc.Input(
                        id={"type": WEIGHT, "strategy": key},
                        value=DEFAULT_WEIGHTS.get(key, "0"),
                        type="text",
                        inputMode="decimal",
                        size="sm",
                        debounce=True,
                        className="scenario-weight-input",
                    ),
                ],
                className="scenario-weight",
                title=definition,
            )
        )
    return rows


def layout(**_query: Any) -> html.Div:
    inputs = section_card(
        "Inputs",
        html.Div(
            [
                html.Div(id=YEAR_NOTE, className="scenario-year-note"),
                dbc.Row(
                    [
                        dbc.Col(
                            _field(
                                "Envelope (₱)",
                                html.Div(
                                    [
                                        dbc.Input(id=ENVELOPE, type="text", inputMode="decimal", debounce=True),
                                        dbc.FormFeedback(id=ENVELOPE_FEEDBACK, type="invalid"),
                                    ]
                                ),
                                "The budget to spread; starts at the baseline (the PPAs' approved budget).",
                            ),
                            lg=4,
                        ),
                        dbc.Col(
                            _field(
                                "Options",
                                html.Div(
                                    [
                                        dbc.RadioItems(
                                            id=EQUITY_POPULATION,
                                            options=[
                                                {"label": "Equity on total population", "value": "total"},
                                                {"label": "on OBC population", "value": "obc"},
                                            ],
                                            value="total",
                                            inline=True,
                                        ),
                                        dbc.Checkbox(id=WHOLE_PPA, label="Fund whole PPAs only", value=False),
                                        dbc.RadioItems(
                                            id=ON_NO_FIT,
                                            options=[
                                                {"label": "Greedy: skip what does not fit", "value": "skip"},
                                                {"label": "stop", "value": "stop"},
                                            ],
                                            value="skip",
                                            inline=True,
                                        ),
                                    ]
                                ),
                            ),
                            lg=8,
                        ),
                    ],
                    className="g-3",
                ),
                _field(
                    "Strategy weights (must sum to 1)",
                    html.Div(
                        [
                            html.Div(_weights_inputs(), className="scenario-weights"),
                            html.Div(id=WEIGHT_SUM, className="scenario-weight-sum"),
                            html.Div(id=WEIGHTS_FEEDBACK, className="scenario-field-error"),
                        ]
                    ),
                ),
            ],
            className="p-3",
        ),
        lead="Every edit recomputes the allocation below; a field with a problem says so and nothing is recomputed.",
    )
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1("Scenario builder", className="page-title"),
                            html.P(
                                "Spread next year's envelope over the planning year's PPAs by a mix of strategies, "
                                "within ceilings and your limits, and compare with the approved budget.",
                                className="page-lead",
                            ),
                        ]
                    ),
                    export.controls(EXPORT),
                ],
                className="page-header",
            ),
            filter_note(
                (FISCAL_YEAR,),
                why="a scenario spreads the envelope over every PPA of its fiscal year, the planning year",
            ),
            dcc.Store(id=YEAR),
            dcc.Store(id=SPEC),
            dcc.Store(id=LOADED),
            dcc.Store(id=SAVED_TICK, data=0),
            dcc.Store(id=EDITS, data=sf.lock_edits(None)),
            dcc.Store(id=GRID_UPDATE),
            dcc.Store(id=BOUND_EDITS, data={}),
            dcc.Store(id=BOUND_PROBLEMS),
            inputs,
            html.Div(id=STATUS, className="scenario-status"),
            dcc.Loading(html.Div(id=RESULTS), delay_show=400, type="dot"),
            dbc.Row(
                [
                    dbc.Col(
                        section_card(
                            "Minimum and maximum per sector and area",
                            html.Div([html.Div(id=BOUNDS), bounds_grid()]),
                            lead="Blank = no limit. Amounts in pesos; filter a column to find a sector or area.",
                            flush=True,
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        section_card(
                            "PPAs: locks and exclusions",
                            html.Div([html.Div(id=PPAS), ppa_grid()]),
                            lead="A locked PPA gets exactly the amount typed; an excluded one gets nothing. Type in "
                            "“Lock at (₱)”, tick “Exclude”; filter a column to find a PPA.",
                            flush=True,
                        ),
                        lg=7,
                    ),
                ],
                className="g-3",
            ),
            section_card("Save", _save_form(), lead="Every save is kept as a new version, with who and when."),
            section_card(
                "Saved scenarios of the planning year",
                html.Div(
                    [
                        html.Div(id=SAVED_LIST, className="table-scroll"),
                        html.Div(
                            [
                                dbc.Label("Compare by", className="me-2"),
                                dbc.RadioItems(
                                    id=COMPARE_DIMENSION,
                                    options=[{"label": sf.GROUP_TITLES[d][3:], "value": d} for d in sf.GROUP_COLUMNS],
                                    value="sector",
                                    inline=True,
                                ),
                            ],
                            className="d-flex align-items-center px-3 pt-3",
                        ),
                        html.Div(id=COMPARISON, className="table-scroll"),
                    ]
                ),
                lead="Load one to edit it, clone it, or compare every saved scenario with the baseline (recomputed "
                "on the current data with the same engine).",
                flush=True,
            ),
        ],
        className="scenario-page",
    )


def _save_form() -> html.Div:
    """The save controls; disabled, with a note saying why, for a user whose role may not save scenarios."""
    may_save = auth.allowed(PERMISSION)
    user = auth.current()
    note = [] if may_save else [html.P(auth.refusal(PERMISSION), id=ROLE_NOTE, className="role-note")]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Name",
                            html.Div(
                                [
                                    dbc.Input(id=NAME_INPUT, type="text"),
                                    dbc.FormFeedback(id=NAME_FEEDBACK, type="invalid"),
                                ]
                            ),
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _field(
                            "Owner",
                            html.Div(
                                [
                                    dbc.Input(id=OWNER, type="text", value=user.username if user else None),
                                    dbc.FormFeedback(id=OWNER_FEEDBACK, type="invalid"),
                                ]
                            ),
                        ),
                        lg=2,
                    ),
                    dbc.Col(
                        _field(
                            "Status",
                            dbc.Select(
                                id=SAVE_STATUS,
                                options=[{"label": s.replace("_", " "), "value": s} for s in SCENARIO_STATUSES],
                                value="draft",
                            ),
                        ),
                        lg=2,
                    ),
                    dbc.Col(_field("Description", dbc.Input(id=DESCRIPTION, type="text")), lg=5),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_field("Comment on this version", dbc.Input(id=COMMENT, type="text")), lg=6),
                    dbc.Col(
                        html.Div(
                            [
                                dbc.Button(
                                    "Save",
                                    id=SAVE,
                                    color="primary",
                                    n_clicks=0,
                                    className="me-2",
                                    disabled=not may_save,
                                ),
                                dbc.Button(
                                    "Save as new scenario",
                                    id=SAVE_NEW,
                                    color="secondary",
                                    outline=True,
                                    n_clicks=0,
                                    disabled=not may_save,
                                ),
                            ],
                            className="scenario-save-buttons",
                        ),
                        lg=6,
                    ),
                ],
                className="g-3 mt-1",
            ),
            *note,
            html.Div(id=SAVE_MESSAGE, className="mt-2"),
        ],
        className="p-3",
    )


# ------------------------------------------------------------------------------------------------ callbacks
def context(filters_data: dict | None, home: Home) -> tuple[Any, ...]:
    """The planning year: its candidates' grid of bounds, the PPA grid's rows, the default envelope (the
    baseline), no lock or exclusion yet."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        year = q.planning_year(con, filters)
        frame = q.year_inputs(con, year).candidates if year is not None else pl.DataFrame()
    if year is None or frame.is_empty():
        message = html.P("No PPA has a fiscal year: there is nothing to plan.", className="empty-state text-muted")
        return None, message, message, [], message, [], "", sf.lock_edits(None), {}
    baseline = frame["baseline"].sum()
    note = html.Span(
        [
            html.Strong(f"Planning FY {year}"),
            f" · {frame.height:,} PPAs · baseline (approved budget) {fmt.peso_exact(baseline)}",
        ]
    )
    return (
        {"fiscal_year": year, "baseline": str(baseline)},
        note,
        None,
        sf.bound_grid_rows(frame),
        None,
        sf.ppa_grid_rows(frame),
        str(baseline),
        sf.lock_edits(None),
        {},
    )


RIGHT = {"type": "rightAligned"}
# the requested amount (short text, the exact one on hover, ordered by value) and the row's problem, in red
REQUESTED_COLUMN = {"colId": "requested", "field": "requested__value", "headerName": "Requested",
                    "tooltipField": "requested_exact", "valueFormatter": {"function": "params.data.requested"},
                    "width": 105, **RIGHT}  # fmt: skip
PROBLEM_COLUMN = {"field": "problem", "headerName": "", "cellClass": "scenario-field-error", "wrapText": True,
                  "autoHeight": True, "width": 130}  # fmt: skip


def _edit_grid(grid_id: str, row_id: str, columns: list[dict], class_name: str) -> dag.AgGrid:
    """An editable grid of the page (rows from the context callback): one click edits a cell; a row with a problem
    is marked (PROBLEM_ROW)."""
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=columns,
        getRowId=f"params.data.{row_id}",
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions=grid_options(
            PPA_PAGE_SIZE, singleClickEdit=True, stopEditingWhenCellsLoseFocus=True, **ROW_PROBLEM_CLASS
        ),
        className=f"data-grid {class_name}",
    )


def bounds_grid() -> dag.AgGrid:
    """The planning year's sectors, then areas: a minimum and a maximum are typed in the grid (blank: no limit); a
    row's problem shows in red beside it."""
    limit = {"editable": True, "width": 105, "cellClass": EDIT_CELL, **RIGHT}
    columns = [
        {"field": "dim", "headerName": "", "filter": True, "width": 80},
        {"field": "label", "headerName": "Sector / area", "tooltipField": "key", "filter": True, "wrapText": True,
         "autoHeight": True, "minWidth": 140, "flex": 1},
        REQUESTED_COLUMN,
        {"field": "min", "headerName": "Minimum", **limit},
        {"field": "max", "headerName": "Maximum", **limit},
        PROBLEM_COLUMN,
    ]  # fmt: skip
    return _edit_grid(BOUNDS_GRID, "id", columns, "scenario-bounds-grid")


def ppa_grid() -> dag.AgGrid:
    """The planning year's PPAs (redrawn by every recompute): lock amounts and exclusions are edited in the grid; a
    row's problem shows in red beside it."""
    columns = [
        {"field": "title", "headerName": "PPA", "tooltipField": "where", "filter": True, "wrapText": True,
         "autoHeight": True, "minWidth": 180, "flex": 1},
        {"field": "moa", "headerName": "MOA", "filter": True, "width": 85},
        REQUESTED_COLUMN,
        {"field": sf.LOCK_COLUMN, "headerName": "Lock at (₱)", "editable": True, "width": 115,
         "cellClass": EDIT_CELL, **RIGHT},
        {"field": sf.EXCLUDE_COLUMN, "headerName": "Exclude", "editable": True, "cellDataType": "boolean",
         "width": 85},
        {"colId": "allocated", "field": "allocated__value", "headerName": "Allocated",
         "valueFormatter": {"function": "params.data.allocated"}, "width": 105, **RIGHT},
        PROBLEM_COLUMN,
    ]  # fmt: skip
    return _edit_grid(PPA_GRID, "ppa_id", columns, "scenario-ppa-grid")


def _ids(kind: str) -> list[dict]:
    """The ids of the pattern-matching inputs or outputs of one type, in callback order."""
    for group in (dash.ctx.inputs_list, dash.ctx.states_list, dash.ctx.outputs_list):
        for entry in group:
            is_pattern = isinstance(entry, list) and entry and isinstance(entry[0].get("id"), dict)
            if is_pattern and entry[0]["id"].get("type") == kind:
                return [e["id"] for e in entry]
    return []


def build_spec(
    envelope_text: Any,
    weights: dict[str, Any],
    bounds: list[tuple[str, str, Any, Any]],
    locks: dict[str, Any],
    excluded: list[str],
    equity_population: str,
    whole_ppa: bool,
    on_no_fit: str,
) -> tuple[ScenarioSpec | None, dict[str, Any]]:
    """The spec from the page's inputs, or None with the problems by field: ``envelope``, ``weights``, ``bounds``
    ({(dim, key): message}), ``locked`` ({ppa_id: message})."""
    problems: dict[str, Any] = {"bounds": {}, "locked": {}}
    envelope, message = parse_amount(envelope_text, required=True)
    if message:
        problems["envelope"] = message
    parsed: dict[str, Decimal] = {}
    for key, text in weights.items():
        value, message = parse_weight(text)
        if message:
            problems["weights"] = f"{dict((k, label) for k, label, _ in STRATEGIES).get(key, key)}: {message}"
        elif value:
            parsed[key] = value
    if "weights" not in problems:
        total = sum(parsed.values(), Decimal(0))
        if abs(total - 1) > WEIGHT_TOLERANCE:
            problems["weights"] = f"The weights sum to {total.normalize():f}; they must sum to 1"
    spec_bounds = []
    for dimension, key, low_text, high_text in bounds:
        low, low_message = parse_amount(low_text)
        high, high_message = parse_amount(high_text)
        message = low_message or high_message
        if not message and low is not None and high is not None and low > high:
            message = "The minimum is above the maximum"
        if message:
            problems["bounds"][(dimension, key)] = message
        elif low is not None or high is not None:
            spec_bounds.append(Bound(dimension, key, low, high))
    locked = {}
    for ppa_id, text in locks.items():
        value, message = parse_amount(text)
        if message:
            problems["locked"][ppa_id] = message
        elif value is not None:
            locked[ppa_id] = value
    if envelope is not None and not problems["locked"] and locked and sum(locked.values()) > envelope:
        problems["envelope"] = (
            f"The envelope {fmt.peso_exact(envelope)} is below the locked total {fmt.peso_exact(sum(locked.values()))}"
        )
    if any(problems.get(k) for k in ("envelope", "weights", "bounds", "locked")):
        return None, problems
    spec = ScenarioSpec(
        envelope=envelope,
        strategies=tuple(StrategyWeight(k, v) for k, v in parsed.items()),
        bounds=tuple(spec_bounds),
        locked=locked,
        excluded=tuple(sorted(set(excluded) - set(locked))),
        whole_ppa=bool(whole_ppa),
        on_no_fit=on_no_fit or "skip",
        greedy_score="needs",
        equity_population=equity_population or "total",
    )
    return spec, problems


def engine_problems(errors: tuple[Problem, ...]) -> dict[str, Any]:
    """The engine's problems placed on the page's fields (what has no field goes to ``general``)."""
    placed: dict[str, Any] = {"bounds": {}, "locked": {}, "general": []}
    for problem in errors:
        if problem.field == "envelope":
            placed["envelope"] = problem.message
        elif problem.field == "strategies":
            placed["weights"] = problem.message
        elif problem.field == "bounds" and problem.key is not None:
            placed["bounds"][problem.key] = problem.message
        elif problem.field in ("locked", "excluded") and problem.ppa_id is not None:
            placed["locked"][problem.ppa_id] = problem.message
        else:
            placed["general"].append(problem.message)
    return placed


def _weight_sum_text(weights: dict[str, Any]) -> Any:
    values = [parse_weight(v)[0] for v in weights.values()]
    if any(v is None for v in values):
        return html.Span("Sum: —", className="text-danger")
    total = sum(values, Decimal(0))
    ok = abs(total - 1) <= WEIGHT_TOLERANCE
    return html.Span(
        f"Sum: {total.normalize():f}" + (" ✓" if ok else " (must be 1)"),
        className="text-success" if ok else "text-danger",
        **{"data-weight-sum": f"{total.normalize():f}"},
    )


def results_view(result: q.ScenarioResult) -> Any:
    """Tiles, the three comparisons, the ceilings and the engine's warnings."""
    allocation = result.outcome.allocation
    assert allocation is not None
    ppas = result.ppas()
    baseline = result.baseline
    tiles = sf.summary_tiles(
        allocation.envelope,
        allocation.allocated_total,
        allocation.unallocated,
        baseline.total,
        allocation.ceilings,
        result.needs_covered() or 0,
        baseline.needs_covered,
        int(ppas["projected_beneficiaries"].sum()),
        baseline.beneficiaries,
    )
    inequality = result.inequality()
    assert inequality is not None
    tiles.append(sf.equity_tile(*inequality))
    graphs = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    dcc.Graph(
                        figure=sf.comparison_bar(sf.versus_baseline(ppas, d), d),
                        config={"displaylogo": False, "modeBarButtons": [["toImage"]]},
                        id=f"{PREFIX}-graph-{d}",
                    )
                ),
                className="chart-card h-100",
            ),
            lg=4,
        )
        for d in sf.GROUP_COLUMNS
    ]
    warnings = [html.Li(p.message) for p in allocation.warnings] + [html.Li(p.message) for p in allocation.notes]
    return html.Div(
        [
            html.Div([tile_card(t) for t in tiles], className="kpi-grid mb-3", id=f"{PREFIX}-tiles"),
            dbc.Row(graphs, className="g-3 mb-3"),
            section_card(
                "Ceilings under this scenario",
                html.Div(
                    table(
                        sf.CEILING_COLUMNS,
                        sf.ceiling_rows(allocation.ceilings),
                        empty="The planning year has no active, mapped ceiling",
                    ),
                    className="table-scroll",
                ),
                lead="Hard ceilings block: the engine never allocates past them. Soft ceilings warn at a threshold.",
                flush=True,
            ),
            section_card("Engine notes", html.Ul(warnings, className="scenario-warnings"), flush=False)
            if warnings
            else html.Div(),
        ]
    )


def recompute(
    envelope_text: Any,
    weight_values: list[Any],
    equity_population: str,
    whole_ppa: bool,
    on_no_fit: str,
    bound_data: Any,
    edits_data: Any,
    year_data: dict | None,
    home: Home,
) -> tuple[Any, ...]:
    """Every edit: parse, validate, run the engine, show; bad input → messages on the fields and no recompute.
    ``bound_data`` is the sector/area grid's store of limits (``scenario_figures.bound_edits``): only the rows of
    the year's grid count (a saved scenario's limit on a sector or area the year no longer has is left out)."""
    weight_ids = _ids(WEIGHT)
    year = fiscal_year(year_data)
    if year is None or not isinstance(weight_values, list) or len(weight_values) != len(weight_ids):
        raise PreventUpdate  # no year yet, or a tampered request whose inputs are not the page's
    weights = {i["strategy"]: v for i, v in zip(weight_ids, weight_values, strict=True)}
    with read_only(home) as con:
        inputs = q.year_inputs(con, year)  # the grid's rows, and what the engine reads (kept per file and year)
    bounds = [
        (*ident.split("|", 1), limits["min"], limits["max"])
        for ident, limits in sf.bound_edits(bound_data, sf.bound_keys(inputs.candidates)).items()
    ]
    edits = sf.lock_edits(edits_data)
    lock_texts, excluded = edits["locks"], edits["excluded"]
    weight_sum = _weight_sum_text(weights)
    spec, problems = build_spec(
        envelope_text, weights, bounds, lock_texts, excluded, equity_population, whole_ppa, on_no_fit
    )
    outcome_results: Any = dash.no_update
    allocated_ppas = None
    spec_json = None
    status: Any
    if spec is not None:
        result = q.evaluate_year(inputs, spec)
        if result.outcome.allocation is None:
            problems = engine_problems(result.outcome.errors)
        else:
            allocated_ppas = result.outcome.allocation.ppas
            outcome_results = results_view(result)
            spec_json = spec_to_json(spec)
    general = problems.get("general", [])
    has_problems = bool(
        problems.get("envelope") or problems.get("weights") or problems["bounds"] or problems["locked"] or general
    )
    if has_problems:
        status = dbc.Alert(
            [
                html.Strong("Not recomputed: "),
                "fix the fields marked in red" + (" — " + "; ".join(general) if general else "."),
                *(
                    [f" {_plural(len(problems['locked']), 'PPA')} of the grid: {LOCK_HINT}"]
                    if problems["locked"]
                    else []
                ),
                " The figures below are the last valid scenario.",
            ],
            color="danger",
            className="py-2",
            id=f"{PREFIX}-problems",
        )
    else:
        status = html.Div("Recomputed.", className="text-muted small", id=f"{PREFIX}-ok")
    bound_problems = {}
    for dimension, key, _, _ in bounds:
        message = problems["bounds"].get((dimension, key)) or problems["bounds"].get(key)
        if message:
            bound_problems[sf.bound_id(dimension, key)] = message
    grid = sf.grid_update(edits, allocated_ppas, problems["locked"])
    weights_message = problems.get("weights") or ""
    return (
        bool(problems.get("envelope")),
        problems.get("envelope") or "",
        weight_sum,
        weights_message,
        [bool(weights_message)] * len(weight_ids),
        bound_problems,
        status,
        outcome_results,
        grid,
        spec_json,
    )


def save(
    _save: int,
    _save_new: int,
    name: Any,
    owner: Any,
    status: Any,
    description: Any,
    comment: Any,
    spec_json: str | None,
    loaded: dict | None,
    year_data: dict | None,
    tick: int,
    home: Home,
    user: str | None = None,
) -> tuple[Any, ...]:
    """Save the current inputs (a new version of the loaded scenario, or a new scenario); ``user`` (the signed-in
    user) is recorded as who saved it, else the owner typed."""
    year = fiscal_year(year_data)
    if not dash.ctx.triggered_id or year is None or not isinstance(spec_json, str | None):
        raise PreventUpdate
    if not spec_json:
        message = dbc.Alert("Fix the inputs first: only a scenario that computes can be saved.", color="danger")
        return False, "", False, "", message, dash.no_update, dash.no_update
    loaded_id = loaded.get("scenario_id") if isinstance(loaded, dict) else None
    if loaded and not isinstance(loaded_id, int):
        raise PreventUpdate  # a tampered request: the page keeps the loaded scenario's id as a number
    as_new = dash.ctx.triggered_id == SAVE_NEW or not loaded
    try:
        spec = readable_spec(spec_json)
        if spec is None:
            raise PreventUpdate
        # the spec comes back from the browser: it is saved only if it computes here, on the year's PPAs
        with read_only(home) as con:
            outcome = q.evaluate_spec(con, spec, year).outcome
        if outcome.allocation is None:
            problems = "; ".join(p.message for p in outcome.errors)
            message = dbc.Alert(f"Not saved: the scenario does not compute ({problems}).", color="danger")
            return False, "", False, "", message, dash.no_update, dash.no_update
        row = store.save(
            home.state_url,
            spec,
            name=name,
            fiscal_year=year,
            owner=owner,
            saved_by=user or owner,
            description=description,
            status=status,
            scenario_id=None if as_new else loaded_id,
            comment=comment,
        )
    except store.ScenarioStoreError as error:
        problems = error.problems
        return (
            "name" in problems,
            problems.get("name", ""),
            "owner" in problems or "saved_by" in problems,
            problems.get("owner", problems.get("saved_by", "")),
            dbc.Alert("Not saved: " + "; ".join(f"{k}: {v}" for k, v in problems.items()), color="danger"),
            dash.no_update,
            dash.no_update,
        )
    message = dbc.Alert(
        f"Saved '{row['name']}' (FY {row['fiscal_year']}), version {row['current_version']}.",
        color="success",
        id=f"{PREFIX}-saved-ok",
    )
    return False, "", False, "", message, {"scenario_id": row["scenario_id"], "name": row["name"]}, (tick or 0) + 1


def _saved_results(home: Home, year: int, rows: list[dict]) -> list[tuple[dict, q.ScenarioResult]]:
    results = []
    with read_only(home) as con:
        for row in rows:
            spec = store.load(home.state_url, row["scenario_id"])["spec"]
            results.append((row, q.evaluate_spec(con, spec, year)))
    return results


def readable_spec(spec_json: Any) -> ScenarioSpec | None:
    """The spec of the page's spec store, None when the text is not one (a tampered request)."""
    try:
        return spec_from_json(spec_json)
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
        return None


def fiscal_year(year_data: Any) -> int | None:
    """The planning year of the page's year store; None when there is none, or when a tampered request sends
    something that is not the store's mapping with a whole-number year."""
    year = year_data.get("fiscal_year") if isinstance(year_data, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def saved_list(year_data: dict | None, _tick: int, dimension: str, home: Home) -> tuple[Any, Any]:
    """The year's saved scenarios (load, clone) and all of them side by side with the baseline."""
    year = fiscal_year(year_data)
    if year is None:
        raise PreventUpdate
    rows = store.list_scenarios(home.state_url, fiscal_year=year)
    if not rows:
        empty = html.P(f"No scenario of FY {year} has been saved yet.", className="empty-state text-muted m-3")
        return empty, html.Div()
    head = html.Thead(html.Tr([html.Th(h) for h in ("Name", "Owner", "Status", "Version", "Updated (UTC)", "")]))
    may_clone = auth.allowed(PERMISSION)
    body = []
    for row in rows:
        body.append(
            html.Tr(
                [
                    html.Td(row["name"], title=row["description"] or ""),
                    html.Td(row["owner"]),
                    html.Td(row["status"].replace("_", " ")),
                    html.Td(row["current_version"], className="num"),
                    html.Td(row["updated_at"].strftime("%Y-%m-%d %H:%M")),
                    html.Td(
                        [
                            dbc.Button(
                                "Load",
                                id={"type": LOAD, "id": row["scenario_id"]},
                                size="sm",
                                color="primary",
                                outline=True,
                                className="me-1",
                                n_clicks=0,
                            ),
                            dbc.Button(
                                "Clone",
                                id={"type": CLONE, "id": row["scenario_id"]},
                                size="sm",
                                color="secondary",
                                outline=True,
                                n_clicks=0,
                                disabled=not may_clone,
                            ),
                        ]
                    ),
                ],
                className="scenario-saved-row",
            )
        )
    listing = dbc.Table([head, html.Tbody(body)], size="sm", hover=True, className="data-table mb-0")
    if not auth.allowed(PERMISSION):
        listing = html.Div([listing, html.P(auth.refusal(PERMISSION), className="role-note px-3 pb-2")])
    results = _saved_results(home, year, rows)
    candidates = results[0][1].candidates
    baseline = sf.versus_baseline(candidates.with_columns(allocated=pl.col("baseline")), dimension)
    columns_data = []
    for row, result in results:
        frame = None
        if result.outcome.allocation is not None:
            frame = sf.versus_baseline(result.ppas(), dimension)
        columns_data.append((f"{row['name']} v{row['current_version']}", frame))
    columns, table_rows = sf.saved_comparison_rows(baseline, columns_data, dimension)
    return listing, table(columns, table_rows, empty="No PPAs in the planning year")


def _clicked(kind: str) -> int:
    """The scenario whose ``kind`` (LOAD or CLONE) button was clicked; PreventUpdate when none was."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not dash.ctx.triggered or not dash.ctx.triggered[0]["value"]:
        raise PreventUpdate
    if trigger.get("type") != kind:
        raise PreventUpdate
    return int(trigger["id"])


def clone(_clones: list[Any], owner: Any, tick: int, home: Home) -> tuple[Any, Any]:
    """Clone a saved scenario (a new draft with the same spec): (message, saved tick)."""
    scenario_id = _clicked(CLONE)
    source = store.load(home.state_url, scenario_id)
    taken = {r["name"].lower() for r in store.list_scenarios(home.state_url, fiscal_year=source["fiscal_year"])}
    name, n = f"{source['name']} (copy)", 2
    while name.lower() in taken:
        name, n = f"{source['name']} (copy {n})", n + 1
    store.clone(home.state_url, scenario_id, name=name, owner=(str(owner).strip() if owner else "") or source["owner"])
    message = dbc.Alert(f"Cloned '{source['name']}' as '{name}'.", color="success", id=f"{PREFIX}-cloned-ok")
    return message, (tick or 0) + 1


def load(_loads: list[Any], home: Home) -> tuple[Any, ...]:
    """Load a saved scenario into the inputs (reading only: every role may)."""
    scenario_id = _clicked(LOAD)
    loaded = store.load(home.state_url, scenario_id)
    spec: ScenarioSpec = loaded["spec"]
    weights = {s.strategy: str(s.weight) for s in spec.strategies}
    limits = sf.bound_edits(
        {sf.bound_id(b.dimension, b.key): {"min": _text(b.minimum), "max": _text(b.maximum)} for b in spec.bounds}
    )
    edits = sf.lock_edits(
        {"locks": {str(k): _text(v) for k, v in spec.locked.items()}, "excluded": [str(e) for e in spec.excluded]}
    )
    message = dbc.Alert(
        f"Loaded '{loaded['name']}' version {loaded['version']} (saved by {loaded['saved_by']}); "
        "Save adds a version to it.",
        color="info",
        id=f"{PREFIX}-loaded-ok",
    )
    return (
        _text(spec.envelope),
        [weights.get(i["strategy"], "0") for i in _ids(WEIGHT)],
        spec.equity_population,
        bool(spec.whole_ppa),
        spec.on_no_fit,
        limits,
        edits,
        loaded["name"],
        loaded["owner"],
        {"scenario_id": scenario_id, "name": loaded["name"]},
        message,
        dash.no_update,
    )


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _text(value: object) -> str:
    return "" if value is None else str(value)


# ------------------------------------------------------------------------------------------------ export
def export_tables(filters: Filters, home: Home, spec_json: str | None, year_data: dict | None) -> export.Export:
    """The scenario on screen: its PPAs (the CSV), by sector / area / MOA vs baseline, its ceilings, its inputs, and
    the saved scenarios as of the last refresh (fct_scenario_comparison)."""
    notes = []
    tables: dict[str, pl.DataFrame] = {}
    with read_only(home) as con:
        year = fiscal_year(year_data)
        if year is None:
            year = q.planning_year(con, filters)
        if year is None:
            return export.Export({"PPA allocations": pl.DataFrame({"note": ["No PPA has a fiscal year"]})})
        if not spec_json:
            notes.append("The inputs on screen have problems: the workbook shows the baseline only.")
            frame = q.candidates(con, year)
            tables["PPA allocations"] = frame.select("ppa_id", "title", "moa", "sector", "area_name", "baseline")
        else:
            spec = readable_spec(spec_json)
            if spec is None:
                raise PreventUpdate  # a tampered request: the page only sends back the spec it was given
            result = q.evaluate_spec(con, spec, year)
            allocation = result.outcome.allocation
            if allocation is None:
                notes.append(
                    "The scenario does not compute on the current data: "
                    + "; ".join(p.message for p in result.outcome.errors)
                )
                tables["PPA allocations"] = result.candidates.select("ppa_id", "title", "baseline")
            else:
                ppas = result.ppas()
                tables["PPA allocations"] = ppas.select(
                    "ppa_id",
                    "title",
                    "moa",
                    "sector",
                    "area_id",
                    "area_name",
                    "requested_cost",
                    "baseline",
                    "allocated",
                    (pl.col("allocated") - pl.col("baseline")).alias("delta_vs_baseline"),
                    "status",
                    "projected_beneficiaries",
                )
                for dimension in sf.GROUP_COLUMNS:
                    tables[sf.GROUP_TITLES[dimension]] = sf.versus_baseline(ppas, dimension)
                tables["Ceilings"] = allocation.ceilings
                tables["Inputs"] = pl.DataFrame(
                    {
                        "input": ["fiscal_year", "spec"],
                        "value": [str(year), json.dumps(json.loads(spec_json), indent=1)],
                    }
                )
                notes.append(
                    f"FY {year}: envelope {fmt.peso_exact(allocation.envelope)}, allocated "
                    f"{fmt.peso_exact(allocation.allocated_total)}, "
                    f"unallocated {fmt.peso_exact(allocation.unallocated)}."
                )
        try:
            tables["Saved (last refresh)"] = q.saved_comparison(con, year)
        except duckdb.CatalogException:
            notes.append("fct_scenario_comparison is not in this warehouse yet (run a refresh).")
    notes.append("Baseline = the PPAs' approved budget (fct_ppa_budget.budget_allocation).")
    return export.Export(tables, notes=notes, rate_columns=("share",))


# ------------------------------------------------------------------------------------------------ register
def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)

    @app.callback(
        Output(YEAR, "data"),
        Output(YEAR_NOTE, "children"),
        Output(BOUNDS, "children"),
        Output(BOUNDS_GRID, "rowData"),
        Output(PPAS, "children"),
        Output(PPA_GRID, "rowData"),
        Output(ENVELOPE, "value"),
        Output(EDITS, "data"),
        Output(BOUND_EDITS, "data"),
        Input(ids.FILTERS, "data"),
    )
    @shared
    def scenario_context(filters_data):
        return context(filters_data, home)

    @app.callback(
        Output(ENVELOPE, "invalid"),
        Output(ENVELOPE_FEEDBACK, "children"),
        Output(WEIGHT_SUM, "children"),
        Output(WEIGHTS_FEEDBACK, "children"),
        Output({"type": WEIGHT, "strategy": ALL}, "invalid"),
        Output(BOUND_PROBLEMS, "data"),
        Output(STATUS, "children"),
        Output(RESULTS, "children"),
        Output(GRID_UPDATE, "data"),
        Output(SPEC, "data"),
        Input(ENVELOPE, "value"),
        Input({"type": WEIGHT, "strategy": ALL}, "value"),
        Input(EQUITY_POPULATION, "value"),
        Input(WHOLE_PPA, "value"),
        Input(ON_NO_FIT, "value"),
        Input(BOUND_EDITS, "data"),
        Input(EDITS, "data"),
        Input(YEAR, "data"),
        prevent_initial_call="initial_duplicate",
    )
    @shared
    def scenario_recompute(*values):
        return recompute(*values, home)

    # In the browser: two quick edits (ticking several PPAs) would otherwise race, each server answer built on a
    # store that had not seen the other. The recompute checks what arrives (scenario_figures.lock_edits).
    for apply_js, grid, store_id in (
        (APPLY_CELL_CHANGES_JS, PPA_GRID, EDITS),
        (APPLY_BOUND_CHANGES_JS, BOUNDS_GRID, BOUND_EDITS),
    ):
        app.clientside_callback(
            apply_js,
            Output(store_id, "data", allow_duplicate=True),
            Input(grid, "cellValueChanged"),
            State(store_id, "data"),
            prevent_initial_call=True,
        )

    app.clientside_callback(
        MERGE_BOUNDS_JS,
        Output(BOUNDS_GRID, "rowData", allow_duplicate=True),
        Input(BOUND_PROBLEMS, "data"),
        Input(BOUND_EDITS, "data"),
        State(BOUNDS_GRID, "rowData"),
        prevent_initial_call=True,
    )

    # The recompute sends what changed in the grid; the rows already in the browser keep their fixed part.
    app.clientside_callback(
        MERGE_GRID_UPDATE_JS,
        Output(PPA_GRID, "rowData", allow_duplicate=True),
        Input(GRID_UPDATE, "data"),
        State(PPA_GRID, "rowData"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(NAME_INPUT, "invalid"),
        Output(NAME_FEEDBACK, "children"),
        Output(OWNER, "invalid"),
        Output(OWNER_FEEDBACK, "children"),
        Output(SAVE_MESSAGE, "children"),
        Output(LOADED, "data"),
        Output(SAVED_TICK, "data"),
        Input(SAVE, "n_clicks"),
        Input(SAVE_NEW, "n_clicks"),
        State(NAME_INPUT, "value"),
        State(OWNER, "value"),
        State(SAVE_STATUS, "value"),
        State(DESCRIPTION, "value"),
        State(COMMENT, "value"),
        State(SPEC, "data"),
        State(LOADED, "data"),
        State(YEAR, "data"),
        State(SAVED_TICK, "data"),
        prevent_initial_call=True,
    )
    @auth.requires(PERMISSION)
    def scenario_save(*values):
        user = auth.current()
        return save(*values, home, user=user.username if user else None)

    @app.callback(
        Output(SAVED_LIST, "children"),
        Output(COMPARISON, "children"),
        Input(YEAR, "data"),
        Input(SAVED_TICK, "data"),
        Input(COMPARE_DIMENSION, "value"),
    )
    def scenario_saved_list(*values):
        return saved_list(*values, home)

    @app.callback(
        Output(ENVELOPE, "value", allow_duplicate=True),
        Output({"type": WEIGHT, "strategy": ALL}, "value"),
        Output(EQUITY_POPULATION, "value"),
        Output(WHOLE_PPA, "value"),
        Output(ON_NO_FIT, "value"),
        Output(BOUND_EDITS, "data", allow_duplicate=True),
        Output(EDITS, "data", allow_duplicate=True),
        Output(NAME_INPUT, "value"),
        Output(OWNER, "value"),
        Output(LOADED, "data", allow_duplicate=True),
        Output(SAVE_MESSAGE, "children", allow_duplicate=True),
        Input({"type": LOAD, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def scenario_load(loads):
        return load(loads, home)[:-1]  # loading writes nothing: the saved list's tick stays

    @app.callback(
        Output(SAVE_MESSAGE, "children", allow_duplicate=True),
        Output(SAVED_TICK, "data", allow_duplicate=True),
        Input({"type": CLONE, "id": ALL}, "n_clicks"),
        State(OWNER, "value"),
        State(SAVED_TICK, "data"),
        prevent_initial_call=True,
    )
    @auth.requires(PERMISSION)
    def scenario_clone(clones, owner, tick):
        return clone(clones, owner, tick, home)

    export.register(
        app,
        home,
        EXPORT,
        "Scenario builder",
        "scenarios",
        export_tables,
        state=[State(SPEC, "data"), State(YEAR, "data")],
    )
