"""BDP alignment: for BPDA reviewers checking that PPAs align with the Bangsamoro Development Plan.

Shows the budget by BDP goal → MOA → PPA (``marts.fct_ppa_bdp_goal``, the untagged bucket in grey), the BPDA
score and its five components per PPA (``marts.fct_bdp_alignment``), the PPAs tagged to no BDP goal (``dim_ppa``
with ``fct_bdp_alignment``), and the reviewers' reviews (``marts.rpt_bdp_reviews`` after a refresh, plus those saved
since, from the state database). A reviewer picks a PPA (from the tables or the dropdown), tags it to a BDP goal
and/or writes a note, and saves: :mod:`dashboards.reviews` checks and stores it at once.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import alignment_figures as af
from dashboards import alignment_queries as aq
from dashboards import auth, export, ids, reviews
from dashboards.answer_cache import shared
from dashboards.components import (
    GRAPH_CONFIG,
    bind,
    checked,
    empty_state,
    filter_note,
    filters_from_store,
    grid,
    input_checks,
    refuse_misfits,
    section_card,
    table,
)
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, Filters
from ingest.home import Home
from ingest.warehouse import read_only

PATH = "/alignment"
NAME = "BDP alignment"
TITLE = "BDP alignment · OOBC planning and budget"
ORDER = 5

TREEMAP = "align-treemap"
SCORES = "align-scores"
SCORES_CAPTION = "align-scores-caption"
UNTAGGED = "align-untagged"
UNTAGGED_CAPTION = "align-untagged-caption"
REVIEWS = "align-reviews"
REVIEW_PPA = "align-review-ppa"
REVIEW_GOAL = "align-review-goal"
REVIEW_NOTE = "align-review-note"
REVIEW_REVIEWER = "align-review-reviewer"
REVIEW_SAVE = "align-review-save"
REVIEW_FEEDBACK = "align-review-feedback"
REVIEW_ROLE_NOTE = "align-review-role-note"  # "your role cannot ..." for a user who may not review
PERMISSION = "reviews"  # ingest.users.PERMISSIONS: reviewer and admin
REVIEW_SAVED = "align-review-saved"  # store: bumped after each save, so the reviews table reloads
PICK = "align-pick"  # pattern-matching type of the "Review" buttons; table = scores, index = ppa_id
# pattern-matching type of the untagged PPAs' grid (drawn by a callback, so not in the layout: an ALL input then
# waits for it instead of failing); its "Review" cells pick the row's PPA
UNTAGGED_GRID = "align-untagged-grid"
PICK_STYLE = {"color": "var(--oobc-accent)", "textDecoration": "underline", "cursor": "pointer"}
EXPORT = "align"

HELP_GOALS = "align-help-goals"
HELP_SCORE = "align-help-score"
HELP_UNTAGGED = "align-help-untagged"
HELP_REVIEWS = "align-help-reviews"

REVIEWS_DEFINITION = (
    "Reviews are saved at once in the warehouse's state database and listed here as “Pending refresh”. The next "
    "refresh copies them into the warehouse (rpt_bdp_reviews); they do not change OBCMS's tags or the scores."
)


def _score_help() -> html.Div:
    return html.Div(
        [
            html.P("OBCMS's BPDA alignment score, 0 to 100, is the sum of five components:"),
            html.Ul([html.Li(f"{label} ({most} points): {rule}.") for _c, label, most, rule in af.COMPONENTS]),
            html.P(
                "Remark: 80 or more Strong BDP alignment, 60 or more Good, 40 or more Moderate, else Needs "
                "alignment review. Bars: green all the points, amber some, grey none. Only OBCMS PPAs are scored."
            ),
        ]
    )


def _review_form() -> html.Div:
    """The review form; its Save is disabled, with a note saying why, for a user whose role may not review."""
    may_review = auth.allowed(PERMISSION)
    user = auth.current()
    note = [] if may_review else [html.P(auth.refusal(PERMISSION), id=REVIEW_ROLE_NOTE, className="role-note")]
    return html.Div(
        [
            dbc.Label("PPA", html_for=REVIEW_PPA, className="filter-label"),
            dcc.Dropdown(
                id=REVIEW_PPA,
                options=[],
                value=None,
                search_value="",
                placeholder="Type to search the PPAs by title or MOA (or click Review in a table)",
            ),
            dbc.Label("Tag to BDP goal", html_for=REVIEW_GOAL, className="filter-label mt-2"),
            dcc.Dropdown(id=REVIEW_GOAL, options=[], value=None, placeholder="No tag (a note only)"),
            dbc.Label("Note", html_for=REVIEW_NOTE, className="filter-label mt-2"),
            dbc.Textarea(
                id=REVIEW_NOTE,
                value="",
                rows=3,
                maxLength=reviews.NOTE_MAX,
                placeholder=f"Why the PPA aligns (or not) with the BDP; up to {reviews.NOTE_MAX:,} characters",
            ),
            dbc.Label("Reviewer", html_for=REVIEW_REVIEWER, className="filter-label mt-2"),
            # the signed-in account, recorded with the review by the server (never a name typed in the form)
            dbc.Input(id=REVIEW_REVIEWER, value=user.username if user else "", readonly=True, plaintext=True),
            html.Div(
                [
                    dbc.Button(
                        "Save review", id=REVIEW_SAVE, color="primary", size="sm", n_clicks=0, disabled=not may_review
                    ),
                    html.Span("Saved at once; in the warehouse after the next refresh.", className="align-hint"),
                ],
                className="align-form-actions",
            ),
            *note,
            html.Div(id=REVIEW_FEEDBACK, className="mt-2", role="status"),
            dcc.Store(id=REVIEW_SAVED, data=0),
        ],
        className="align-form",
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it from the shell's filters."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1("BDP alignment", className="page-title"),
                            html.P(
                                "How the PPAs' budget lines up with the Bangsamoro Development Plan goals, how each "
                                "PPA scores on BPDA's alignment criteria, and which PPAs no goal covers. Tag a PPA "
                                "to a goal or leave a note for the planners.",
                                className="page-lead",
                            ),
                        ]
                    ),
                    export.controls(EXPORT),
                ],
                className="page-header",
            ),
            filter_note(
                applies=(FISCAL_YEAR, MOA, SECTOR, AREA),
                why=None,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        section_card(
                            "Budget by BDP goal",
                            dcc.Loading(dcc.Graph(id=TREEMAP, config=GRAPH_CONFIG), delay_show=300, type="dot"),
                            lead="Goal → MOA → PPA. Click a goal to open it, then a MOA to see its PPAs.",
                            explain=(HELP_GOALS, af.GOAL_BUDGET_DEFINITION),
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        section_card(
                            "Review a PPA",
                            _review_form(),
                            lead="Tag a PPA to a BDP goal, or leave a note, or both.",
                            explain=(HELP_REVIEWS, REVIEWS_DEFINITION),
                        ),
                        lg=5,
                    ),
                ],
                className="g-3",
            ),
            section_card(
                "BPDA alignment score by PPA",
                [html.Div(id=SCORES_CAPTION, className="align-caption"), html.Div(id=SCORES, className="table-scroll")],
                lead="Weakest first. Each component as a bar: green all its points, amber some, grey none.",
                explain=(HELP_SCORE, _score_help()),
                flush=True,
            ),
            section_card(
                "Untagged PPAs",
                [
                    html.Div(id=UNTAGGED_CAPTION, className="align-caption"),
                    html.Div(id=UNTAGGED),
                ],
                lead="PPAs linked to no BDP goal, largest budget first.",
                explain=(HELP_UNTAGGED, af.UNTAGGED_DEFINITION),
                flush=True,
            ),
            section_card(
                "Reviews",
                html.Div(id=REVIEWS, className="table-scroll"),
                lead="Newest first. “Pending refresh”: saved, not yet in the warehouse.",
                flush=True,
            ),
        ]
    )


# ------------------------------------------------------------------------------------------ rendering
def _pick_button(ppa_id: str, table_name: str) -> dbc.Button:
    """``table_name``: an untagged OBCMS PPA is in both tables, and component ids must be unique."""
    return dbc.Button(
        "Review",
        id={"type": PICK, "table": table_name, "index": ppa_id},
        size="sm",
        color="link",
        className="align-pick p-0",
        n_clicks=0,
    )


def _bar(bar: af.Bar) -> html.Div:
    """One element per bar (the table draws 500 of them): the track and its fill are the element's ``::before``,
    drawn from two CSS variables (alignment.css), and its text is the points."""
    return html.Div(
        bar.points,
        className="align-bar",
        title=bar.title,
        style={"--fill": f"{bar.fraction * 100:.0f}%", "--bar-colour": bar.colour},
    )


def score_table(rows: list[dict]) -> Any:
    if not rows:
        return empty_state("No OBCMS PPA matches these filters (only OBCMS PPAs are scored).")
    component_keys = {c for c, *_ in af.COMPONENTS}
    titles = {c: f"{label}: {rule} (of {most})" for c, label, most, rule in af.COMPONENTS}
    head = html.Thead(
        html.Tr(
            [
                html.Th("", scope="col"),
                *[
                    html.Th(c.header, className="text-end" if c.numeric else None, scope="col", title=titles.get(c.key))
                    for c in af.SCORE_COLUMNS
                ],
            ]
        )
    )
    body = []
    for row in rows:
        cells = [html.Td(_pick_button(row["ppa_id"], "scores"))]
        for c in af.SCORE_COLUMNS:
            if c.key in component_keys:
                cells.append(html.Td(_bar(row[c.key]), className="align-component"))
            elif c.key == "score":
                cells.append(
                    html.Td(
                        html.Span(row["score"], className=f"badge bg-{row['badge']} align-score"),
                        className="text-end num",
                        **{"data-status": row["status"]},
                    )
                )
            else:
                cells.append(
                    html.Td(
                        row[c.key],
                        className="text-end num" if c.numeric else ("align-remark" if c.key == "remark" else None),
                        title=row.get(c.tooltip) if c.tooltip else None,
                    )
                )
        body.append(html.Tr(cells, **{"data-ppa": row["ppa_id"]}))
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="data-table align-scores mb-0")


def untagged_grid(frame: Any) -> Any:
    """Every untagged PPA in a paged, sortable grid; a row's "Review" cell picks its PPA (see :func:`pick`)."""
    content = grid(
        {"type": UNTAGGED_GRID, "index": "untagged"},
        af.UNTAGGED_GRID_COLUMNS,
        af.untagged_rows(frame),
        frame,
        empty="Every PPA of the selection is tagged to a BDP goal.",
        row_id="ppa_id",
    )
    if frame.height:
        content.columnDefs[0].update(cellStyle=PICK_STYLE, sortable=False, minWidth=80, maxWidth=90)
    return content


# ------------------------------------------------------------------------------------------ callbacks
@shared
def treemap(filters_data: dict[str, list[Any]] | None, home: Home) -> go.Figure:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = aq.budget_by_goal_folded(con, filters, af.PPAS_PER_BOX)  # the largest PPAs, the others summed
    return af.goal_treemap(frame, af.PPAS_PER_BOX)


@shared
def scores_table(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[str, Any]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = aq.scores(con, filters)
    return f"Showing {af.shown_of(frame)}", score_table(af.score_rows(frame))


@shared
def untagged_table(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[str, Any]:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = aq.untagged(con, filters)
    return af.untagged_summary(frame), untagged_grid(frame)


@shared
def goal_options(filters_data: dict[str, list[Any]] | None, home: Home) -> list[dict]:
    filters_from_store(filters_data)  # wait for the shell
    with read_only(home) as con:
        goals = aq.goals(con)
    return af.goal_options(goals)


@shared
def ppa_options(
    filters_data: dict[str, list[Any]] | None, search: str | None, chosen: str | None, home: Home
) -> list[dict]:
    """The PPA dropdown searches on the server as the reviewer types (a few dozen options, not every PPA); the
    chosen PPA (typed, or picked by a "Review" button or cell) is always among them, so it stays displayed."""
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        ppas = aq.ppa_search(con, filters, search or "", chosen)
    return af.ppa_options(ppas)


def pick(_clicks: list[int | None], _cells: list[Any]) -> str:
    """A "Review" button of the scores table, or a "Review" cell of the untagged grid, chooses its PPA in the
    form."""
    triggered = dash.ctx.triggered_id
    if isinstance(triggered, dict) and triggered.get("type") == UNTAGGED_GRID:
        cell = next((t["value"] for t in dash.ctx.triggered if t.get("value")), None)
        if isinstance(cell, dict) and cell.get("colId") == "pick" and isinstance(cell.get("rowId"), str):
            return cell["rowId"]
        raise PreventUpdate  # another cell, or the grid was (re)drawn
    if not isinstance(triggered, dict) or not any(t.get("value") for t in dash.ctx.triggered):
        raise PreventUpdate  # the tables were (re)drawn, nobody clicked
    return triggered["index"]


def save_review(
    n_clicks: int | None,
    ppa_id: str | None,
    goal_id: str | None,
    note: str | None,
    saved: int | None,
    home: Home,
    *,
    reviewer: str | None,
) -> tuple[Any, int, str]:
    """Store a review by ``reviewer``: the signed-in account (``register`` passes it), whatever the form shows."""
    if not n_clicks:
        raise PreventUpdate
    try:
        review = reviews.save(home, ppa_id, goal_id, note, reviewer)
    except reviews.ReviewError as error:
        alert = dbc.Alert(
            [html.Strong("Not saved. "), *[html.Div(p) for p in error.problems]],
            color="danger",
            className="mb-0 py-2",
            id="align-review-error",
        )
        return alert, dash.no_update, dash.no_update
    alert = dbc.Alert(
        f"Review saved (pending refresh) — #{review['review_id']}.",
        color="success",
        className="mb-0 py-2",
        id="align-review-ok",
    )
    return alert, (saved or 0) + 1, ""


def signed_in_review(home: Home) -> Any:
    """The save callback: ``save_review`` of the inputs that fit its annotations, by the signed-in account."""
    checks = input_checks(save_review)[:5]

    def review_save(*inputs: Any) -> Any:
        refuse_misfits(checks, inputs)
        user = auth.current()
        return save_review(*inputs, home, reviewer=user.username if user else None)

    return review_save


def reviews_table(filters_data: dict[str, list[Any]] | None, _saved: int | None, home: Home) -> Any:
    filters = filters_from_store(filters_data)
    with read_only(home) as con:
        frame = reviews.all_reviews(con, filters, home)
    return table(
        af.REVIEW_COLUMNS,
        af.review_rows(frame, reviews.PENDING),
        empty="No review yet on the PPAs of this selection.",
    )


def export_tables(filters: Filters, home: Home) -> export.Export:
    """Score components per PPA (the CSV), the budget by goal, the untagged PPAs and the reviews."""
    with read_only(home) as con:
        tables = {
            "Alignment per PPA": aq.scores(con, filters, limit=aq.ALL_ROWS).drop("match_count"),
            "Budget by goal": aq.budget_by_goal(con, filters),
            "Untagged PPAs": aq.untagged(con, filters),
            "Reviews": reviews.all_reviews(con, filters, home),
        }
    return export.Export(
        tables,
        notes=[
            "BPDA score = outcome indicators (25) + SDG (15) + moral governance (20) + OBC share (20 × OBC slots ÷ "
            "all slots) + policy (20); only OBCMS PPAs are scored.",
            "Budget by goal: one row per PPA and goal; a PPA tagged to several goals has its budget split equally "
            "among them (to the centavo), so the rows add up to the selection's budget.",
            "Reviews: status 'Pending refresh' = saved after the last refresh, not yet in the warehouse.",
        ],
    )


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    app.callback(Output(TREEMAP, "figure"), Input(ids.FILTERS, "data"))(bind(treemap, home))
    app.callback(Output(SCORES_CAPTION, "children"), Output(SCORES, "children"), Input(ids.FILTERS, "data"))(
        bind(scores_table, home)
    )
    app.callback(Output(UNTAGGED_CAPTION, "children"), Output(UNTAGGED, "children"), Input(ids.FILTERS, "data"))(
        bind(untagged_table, home)
    )
    app.callback(Output(REVIEW_GOAL, "options"), Input(ids.FILTERS, "data"))(bind(goal_options, home))
    app.callback(
        Output(REVIEW_PPA, "options"),
        Input(ids.FILTERS, "data"),
        Input(REVIEW_PPA, "search_value"),
        Input(REVIEW_PPA, "value"),
    )(bind(ppa_options, home))
    app.callback(
        Output(REVIEW_PPA, "value"),
        Input({"type": PICK, "table": ALL, "index": ALL}, "n_clicks"),
        Input({"type": UNTAGGED_GRID, "index": ALL}, "cellClicked"),
        prevent_initial_call=True,
    )(checked(pick))
    app.callback(
        Output(REVIEW_FEEDBACK, "children"),
        Output(REVIEW_SAVED, "data"),
        Output(REVIEW_NOTE, "value"),
        Input(REVIEW_SAVE, "n_clicks"),
        State(REVIEW_PPA, "value"),
        State(REVIEW_GOAL, "value"),
        State(REVIEW_NOTE, "value"),
        State(REVIEW_SAVED, "data"),
        prevent_initial_call=True,
    )(auth.requires(PERMISSION)(signed_in_review(home)))
    app.callback(Output(REVIEWS, "children"), Input(ids.FILTERS, "data"), Input(REVIEW_SAVED, "data"))(
        bind(reviews_table, home)
    )
    export.register(app, home, EXPORT, "BDP alignment", "alignment", export_tables)
