"""Data quality: how fresh each source is, how each refresh went, what was rejected and why, and the findings the
warehouse makes about its sources (MOAs on no organisation list, place names without a match, population totals that
do not add up, rows gone from their source).

Reads ``marts.rpt_source_freshness``, ``rpt_data_quality_runs``, ``rpt_data_quality_rejects``,
``rpt_unknown_organizations``, ``rpt_deleted_rows``, ``rpt_geography_unmatched``, ``rpt_population_consistency`` and
``fct_duplicate_ppa_pairs`` (with ``dim_ppa`` and ``dim_geography``) through ``dashboards.quality_queries``. The
global filters do not apply here: the shell's store only tells the callbacks that the warehouse has been read. The
CSV export is the rejects table as filtered on the page; the workbook has every section.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import auth, export, ids
from dashboards import quality_figures as qf
from dashboards import quality_queries as qq
from dashboards.answer_cache import shared
from dashboards.components import bind, filters_from_store, grid, section_card, table
from dashboards.filters import Filters
from ingest.home import Home
from ingest.state import utcnow
from ingest.warehouse import read_only

PATH = "/data-quality"
NAME = "Data quality"
TITLE = "Data quality · OOBC planning and budget"
ORDER = 10

FRESHNESS = "dq-freshness"
RUNS = "dq-runs"
RUNS_GRID = f"{RUNS}-grid"
REJECT_SOURCE = "dq-reject-source"
REJECT_TABLE = "dq-reject-table"
REJECTS_CAPTION = "dq-rejects-caption"
REJECTS = "dq-rejects"
UNKNOWN_ORGANIZATIONS = "dq-unknown-organizations"
DELETED = "dq-deleted"
UNMATCHED = "dq-unmatched"
POPULATION = "dq-population"
DUPLICATES = "dq-duplicates"
DUPLICATES_GRID = "dq-duplicates-grid"
DUPLICATES_CAPTION = "dq-duplicates-caption"
HELP_DUPLICATES = "dq-help-duplicates"
EXPORT = "dq"  # prefix of the export buttons and download
REFRESH_NOW = "dq-refresh-now"  # admins: start `oobc refresh` in the background
REFRESH_MESSAGE = "dq-refresh-message"
REFRESH_PERMISSION = "refresh"  # ingest.users.PERMISSIONS: admin only
DUPLICATES_DEFINITION = (
    "Two PPAs of different MOAs, in the same sector, that serve at least one same OBC community or the same "
    "coverage municipality, and whose dates overlap (start to target end, both inclusive). PPAs without both "
    "dates, a MOA or a sector are not compared. Ranked by the similarity of their titles (Jaro-Winkler, 0 to 1, "
    "1 = identical): a high similarity is worth a look, not proof of a duplicate."
)

# section id -> (title, what it shows)
SECTIONS = {
    RUNS: (
        "Refreshes and table loads",
        f"Latest first (up to {qq.RUNS_LIMIT}); failed loads and refreshes in red. Every row read is either loaded "
        "or rejected.",
    ),
    REJECTS: ("Rejected values", "Rows that failed validation and were not loaded, with the reason and their place."),
    UNKNOWN_ORGANIZATIONS: (
        "MOAs on no organisation list",
        "Named by a MOA PPA file but unknown to OBCMS and to the BARMM list: add them to the list.",
    ),
    DELETED: ("Rows gone from their source", "Kept in the warehouse, marked deleted, and left out of every figure."),
    UNMATCHED: (
        "Place names without a match",
        "PSA names with no OBCMS area, and OBCMS areas with no PSA figure, with the closest names on the other side.",
    ),
    POPULATION: (
        "Population totals that do not add up",
        "PSA areas whose stated population differs from the sum of their parts, or that have no parts loaded.",
    ),
}


def _section(section_id: str, body: Any = None) -> html.Section:
    title, lead = SECTIONS[section_id]
    card = dbc.Card(
        [
            dbc.CardHeader(
                [html.Span(title, className="card-title-text"), html.Div(lead, className="card-lead")],
            ),
            dbc.CardBody(
                [*([body] if body is not None else []), html.Div(id=section_id, className="table-scroll")],
                className="p-0",
            ),
        ],
        className="chart-card dq-section",
    )
    return html.Section(card, className="mb-3 dq-section-wrap", **{"data-section": section_id})


def _reject_filters() -> html.Div:
    return html.Div(
        dbc.Row(
            [
                dbc.Col(
                    [
                        dbc.Label("Source", html_for=REJECT_SOURCE, className="filter-label"),
                        dcc.Dropdown(id=REJECT_SOURCE, options=[], value=None, placeholder="All sources"),
                    ],
                    md=4,
                ),
                dbc.Col(
                    [
                        dbc.Label("Table", html_for=REJECT_TABLE, className="filter-label"),
                        dcc.Dropdown(id=REJECT_TABLE, options=[], value=None, placeholder="All tables"),
                    ],
                    md=5,
                ),
                dbc.Col(html.Div(id=REJECTS_CAPTION, className="dq-caption"), md=3),
            ],
            className="g-3",
        ),
        className="dq-filters",
    )


def layout(**_query: Any) -> html.Div:
    """The page skeleton; the callbacks fill it once the shell has read the warehouse."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1("Data quality", className="page-title"),
                            html.P(
                                "Whether the figures on the other pages can be trusted: how fresh each source is, how "
                                "each refresh went, and what the warehouse found wrong in its sources. The filters "
                                "above do not apply to this page.",
                                className="page-lead",
                            ),
                        ]
                    ),
                    export.controls(EXPORT),
                ],
                className="page-header",
            ),
            _refresh_now(),
            html.Div(id=FRESHNESS, className="freshness-grid mb-3", **{"data-section": FRESHNESS}),
            _section(RUNS),
            _section(REJECTS, _reject_filters()),
            dbc.Row(
                [dbc.Col(_section(UNKNOWN_ORGANIZATIONS), lg=7), dbc.Col(_section(DELETED), lg=5)],
                className="g-3 dq-pair",
            ),
            _section(UNMATCHED),
            _section(POPULATION),
            html.Section(
                section_card(
                    "Possible duplicate PPAs",
                    [
                        html.Div(id=DUPLICATES_CAPTION, className="dq-caption", style={"padding": ".5rem .75rem 0"}),
                        html.Div(id=DUPLICATES, className="table-scroll"),
                    ],
                    lead="PPAs of different MOAs in the same sector serving the same community or municipality over "
                    "overlapping dates, most similar titles first.",
                    explain=(HELP_DUPLICATES, DUPLICATES_DEFINITION),
                    flush=True,
                ),
                className="dq-duplicates-wrap",
                **{"data-section": DUPLICATES},
            ),
        ]
    )


def _refresh_now() -> html.Div:
    """Admins: a "Refresh now" button. Everyone else: nothing shown (the button is in the page, hidden and disabled,
    so the page's callbacks are the same for every role; the server refuses the callback to them anyway)."""
    admin = auth.allowed(REFRESH_PERMISSION)
    return html.Div(
        [
            dbc.Button(
                "Refresh now",
                id=REFRESH_NOW,
                color="primary",
                size="sm",
                n_clicks=0,
                disabled=not admin,
                title="Ingest every configured source, build and publish a new warehouse (`oobc refresh`)",
            ),
            html.Span(
                "Runs `oobc refresh` in the background; the dashboards switch to the new warehouse once it is "
                "published.",
                className="text-muted small",
            ),
            html.Div(id=REFRESH_MESSAGE, role="status", className="w-100"),
        ],
        className="refresh-now mb-3",
        hidden=not admin,
    )


# ------------------------------------------------------------------------------------------ refresh now
_started: dict[Path, subprocess.Popen] = {}
_started_lock = threading.Lock()


def refresh_running(home: Home) -> str | None:
    """Who holds the home's refresh lock (a sentence), or None when no refresh is running."""
    from filelock import FileLock, Timeout

    from ingest.locking import _holder_text, lock_path

    home.ensure()
    lock = FileLock(lock_path(home), preserve_lock_file=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return _holder_text(home)
    lock.release()
    return None


def _refresh_command(home: Home) -> list[str]:
    oobc = Path(sys.executable).with_name("oobc")
    program = [str(oobc)] if oobc.exists() else [sys.executable, "-m", "ingest.cli"]
    return [*program, "--home", str(home.root), "refresh"]


def start_refresh(home: Home, started_by: str) -> tuple[bool, str]:
    """Start `oobc refresh` for ``home`` in a background process: (started, what to tell the user).

    Not started when a refresh is running (it holds the refresh lock, or this process started one that has not
    finished). The refresh takes the lock itself, records its run like any other and writes its output to
    ``<home>/logs/dashboard-refresh-<time>.log``."""
    with _started_lock:
        previous = _started.get(home.root)
        if previous is not None and previous.poll() is None:
            return False, f"A refresh is already running (process {previous.pid}); try again when it has finished."
        holder = refresh_running(home)
        if holder is not None:
            return False, f"A refresh is already running: {holder}; try again when it has finished."
        now = utcnow()
        log_path = home.logs_dir / f"dashboard-refresh-{now:%Y%m%dT%H%M%S}.log"
        with log_path.open("ab") as log:
            log.write(f"refresh started from the dashboard by {started_by} at {now:%Y-%m-%d %H:%M:%S} UTC\n".encode())
            log.flush()
            process = subprocess.Popen(  # our own command: no text from the user in it
                _refresh_command(home),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a worker restart does not kill the refresh
                close_fds=True,
            )
        _started[home.root] = process
    threading.Thread(target=process.wait, name=f"refresh-{process.pid}", daemon=True).start()  # no zombie
    auth.log.info("%s started a refresh of %s (pid %s, log %s)", started_by, home.root, process.pid, log_path)
    return True, (
        f"Refresh started at {now:%H:%M:%S} UTC (process {process.pid}). It is listed under “Refreshes and table "
        f"loads” when it finishes; reload this page then. Its output: {log_path}"
    )


def refresh_now(n_clicks: int | None, home: Home, started_by: str) -> Any:
    if not n_clicks:
        raise PreventUpdate
    started, message = start_refresh(home, started_by)
    return dbc.Alert(
        message,
        color="success" if started else "warning",
        className="mb-0 mt-2 py-2",
        id="dq-refresh-started" if started else "dq-refresh-busy",
    )


# ------------------------------------------------------------------------------------------ callbacks
def _badge_card(status: qf.SourceStatus) -> html.Div:
    card = dbc.Card(
        dbc.CardBody(
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(status.label, className="freshness-source"),
                            html.Span(
                                status.status_label,
                                className=f"badge bg-{status.colour} freshness-badge",
                                **{"data-status": status.status},
                            ),
                        ],
                        className="freshness-head",
                    ),
                    *[html.Div(line, className="freshness-detail") for line in status.details],
                ],
                title=status.definition,
            )
        ),
        className=f"freshness-card freshness-{status.status} h-100",
    )
    return html.Div(card, **{"data-source": status.source})


def freshness_cards(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.freshness(con)
    cards = [_badge_card(s) for s in qf.freshness_badges(frame)]
    return cards or html.P("No sources are declared.", className="text-muted my-3")


@shared
def runs_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.runs(con)
    # a paged grid: at 200 runs the HTML table was 3,000 components, ~45 ms of the callback
    return grid(RUNS_GRID, qf.RUN_COLUMNS, qf.run_rows(frame), empty="No refresh has been recorded yet.")


@shared
def reject_filter_options(
    filters_data: dict[str, list[Any]] | None, source: str | None, current_table: str | None, home: Home
) -> tuple[list[dict], list[dict], str | None]:
    """Options of the two dropdowns; a chosen table that the chosen source does not have is cleared."""
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.reject_tables(con)
    sources, tables = qf.reject_options(frame, source)
    keep = current_table if current_table in {t["value"] for t in tables} else None
    return sources, tables, keep


@shared
def rejects_table(
    filters_data: dict[str, list[Any]] | None, source: str | None, table_name: str | None, home: Home
) -> tuple[str, Any]:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.rejects(con, source or None, table_name or None)
    caption = f"Showing {qf.shown_of(frame, 'rejected value')}"
    return caption, table(qf.REJECT_COLUMNS, qf.reject_rows(frame), empty=qf.NONE)


@shared
def unknown_organizations_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.unknown_organizations(con)
    return table(qf.UNKNOWN_ORGANIZATION_COLUMNS, qf.unknown_organization_rows(frame), empty=qf.NONE)


@shared
def deleted_rows_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.deleted_rows(con)
    return table(qf.DELETED_COLUMNS, qf.deleted_rows(frame), empty=qf.NONE)


@shared
def unmatched_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.geography_unmatched(con)
    return table(qf.UNMATCHED_COLUMNS, qf.unmatched_rows(frame), empty=qf.NONE)


@shared
def population_table(filters_data: dict[str, list[Any]] | None, home: Home) -> Any:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.population_findings(con)
    return table(qf.POPULATION_COLUMNS, qf.population_rows(frame), empty=qf.NONE)


@shared
def duplicates_table(filters_data: dict[str, list[Any]] | None, home: Home) -> tuple[str, Any]:
    filters_from_store(filters_data)
    with read_only(home) as con:
        frame = qq.duplicate_pairs(con)
    caption = f"Showing {qf.shown_of(frame, 'pair')}"
    return caption, grid(DUPLICATES_GRID, qf.DUPLICATE_COLUMNS, qf.duplicate_rows(frame), empty=qf.DUPLICATES_NONE)


def export_tables(_filters: Filters, home: Home, source: str | None, table_name: str | None) -> export.Export:
    """The rejects as filtered on the page (the CSV), then every other section in full."""
    everything = 1_000_000
    with read_only(home) as con:
        tables = {
            "Rejected values": qq.rejects(con, source or None, table_name or None, limit=everything).drop(
                "match_count"
            ),
            "Source freshness": qq.freshness(con),
            "Refreshes and loads": qq.runs(con, limit=everything),
            "MOAs on no list": qq.unknown_organizations(con),
            "Rows gone from source": qq.deleted_rows(con),
            "Place names unmatched": qq.geography_unmatched(con, limit=everything).drop("match_count"),
            "Population totals": qq.population_findings(con),
            "Possible duplicate PPAs": qq.duplicate_pairs(con, limit=everything).drop("match_count"),
        }
    notes = [
        "The global filters do not apply to data quality.",
        f"Rejected values of source {source or 'all'} and table {table_name or 'all'}, as chosen on the page.",
    ]
    return export.Export(tables, notes=notes)


CALLBACKS = (
    (Output(FRESHNESS, "children"), freshness_cards),
    (Output(RUNS, "children"), runs_table),
    (Output(UNKNOWN_ORGANIZATIONS, "children"), unknown_organizations_table),
    (Output(DELETED, "children"), deleted_rows_table),
    (Output(UNMATCHED, "children"), unmatched_table),
    (Output(POPULATION, "children"), population_table),
)


def register(app: dash.Dash, home: Home) -> None:
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
    for output, function in CALLBACKS:
        app.callback(output, Input(ids.FILTERS, "data"))(bind(function, home))
    app.callback(
        Output(REJECT_SOURCE, "options"),
        Output(REJECT_TABLE, "options"),
        Output(REJECT_TABLE, "value"),
        Input(ids.FILTERS, "data"),
        Input(REJECT_SOURCE, "value"),
        State(REJECT_TABLE, "value"),
    )(bind(reject_filter_options, home))
    app.callback(
        Output(REJECTS_CAPTION, "children"),
        Output(REJECTS, "children"),
        Input(ids.FILTERS, "data"),
        Input(REJECT_SOURCE, "value"),
        Input(REJECT_TABLE, "value"),
    )(bind(rejects_table, home))
    app.callback(
        Output(DUPLICATES_CAPTION, "children"),
        Output(DUPLICATES, "children"),
        Input(ids.FILTERS, "data"),
    )(bind(duplicates_table, home))

    @app.callback(Output(REFRESH_MESSAGE, "children"), Input(REFRESH_NOW, "n_clicks"), prevent_initial_call=True)
    @auth.requires(REFRESH_PERMISSION)
    def data_quality_refresh_now(n_clicks):
        user = auth.current()
        return refresh_now(n_clicks, home, user.username if user else "?")

    export.register(
        app,
        home,
        EXPORT,
        "Data quality",
        "data-quality",
        export_tables,
        state=[State(REJECT_SOURCE, "value"), State(REJECT_TABLE, "value")],
    )
