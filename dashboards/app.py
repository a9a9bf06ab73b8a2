"""The dashboard application: a shell (navbar, global filter bar, footer) around the pages of ``dashboards.pages``.

The global filter lives in the URL query string (``/?fiscal_year=2025&moa=MOH&sector=social&area=province:12``):
opening such a link reproduces the view, and changing a filter rewrites the query string (``history.pushState``,
no reload) so the back button undoes it. The shell's ``dcc.Store`` holds the same selection for the pages' callbacks.

Nothing here touches the warehouse at import time: ``create_app`` receives the home, and every callback opens its
own read-only connection on the currently published file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, ctx, dcc, html, no_update

from dashboards import formatting as fmt
from dashboards import ids, quality_figures, quality_queries, queries
from dashboards.filters import Filters
from dashboards.pages import page_modules
from ingest.home import Home
from ingest.warehouse import NoWarehouseError, per_published_file, read_only

ASSETS = Path(__file__).resolve().parent / "assets"
APP_TITLE = "OOBC planning and budget"
USER = "shell-user"  # the navbar's signed-in user, role and "Sign out" (filled by a callback: see user_menu)

SYNC_OUTPUTS = {
    "search": Output(ids.URL, "search"),
    "fiscal_years": Output(ids.FISCAL_YEAR, "value"),
    "moas": Output(ids.MOA, "value"),
    "sectors": Output(ids.SECTOR, "value"),
    "areas": Output(ids.AREA, "value"),
    "fiscal_year_options": Output(ids.FISCAL_YEAR, "options"),
    "moa_options": Output(ids.MOA, "options"),
    "sector_options": Output(ids.SECTOR, "options"),
    "area_options": Output(ids.AREA, "options"),
    "filters": Output(ids.FILTERS, "data"),
    "as_of": Output(ids.AS_OF, "children"),
    "alert_open": Output(ids.WAREHOUSE_ALERT, "is_open"),
    "alert": Output(ids.WAREHOUSE_ALERT, "children"),
}
SYNC_INPUTS = {
    "search": Input(ids.URL, "search"),
    "fiscal_years": Input(ids.FISCAL_YEAR, "value"),
    "moas": Input(ids.MOA, "value"),
    "sectors": Input(ids.SECTOR, "value"),
    "areas": Input(ids.AREA, "value"),
    "clear": Input(ids.CLEAR, "n_clicks"),
}
_FILTER_INPUTS = (ids.FISCAL_YEAR, ids.MOA, ids.SECTOR, ids.AREA)


# --------------------------------------------------------------------------------------------- layout
def navbar(pages: list[dict[str, Any]]) -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink(page["name"], href=page["relative_path"], id={"type": ids.NAV_LINK, "index": page["path"]})
        )
        for page in pages
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span("OOBC", className="brand-mark"),
                        html.Span(
                            [
                                html.Span("Planning and budget", className="brand-title"),
                                html.Span("Office for Other Bangsamoro Communities · BARMM", className="brand-sub"),
                            ],
                            className="brand-text",
                        ),
                    ],
                    href="/",
                    className="brand",
                ),
                html.Div(
                    [
                        dbc.Nav(links, navbar=True),
                        html.Div(id=USER, className="shell-user", role="status", **{"aria-live": "polite"}),
                    ],
                    className="ms-auto navbar-right",
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="app-navbar",
    )


def _dropdown(component_id: str, label: str, placeholder: str, width: dict[str, int]) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=component_id, className="filter-label"),
            dcc.Dropdown(id=component_id, options=[], value=[], multi=True, placeholder=placeholder),
        ],
        **width,
    )


def filter_bar() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    _dropdown(ids.FISCAL_YEAR, "Fiscal year", "All fiscal years", {"md": 2}),
                    _dropdown(ids.MOA, "Ministry, office or agency (MOA)", "All MOAs", {"md": 3}),
                    _dropdown(ids.SECTOR, "Sector", "All sectors", {"md": 2}),
                    _dropdown(ids.AREA, "Area (region or province)", "All areas", {"md": 3}),
                    dbc.Col(
                        dbc.Button("Clear filters", id=ids.CLEAR, color="secondary", outline=True, size="sm"),
                        md=2,
                        className="filter-actions",
                    ),
                ],
                className="g-3",
            )
        ),
        className="filter-bar mb-3",
    )


def footer() -> html.Footer:
    return html.Footer(
        dbc.Container(
            [
                html.Span(["Data as of ", html.Strong(fmt.MISSING, id=ids.AS_OF)]),
                html.Span("Amounts in Philippine pesos (₱) · Source: OBCMS, through the OOBC warehouse"),
            ],
            fluid=True,
            className="footer-inner",
        ),
        className="app-footer",
    )


def shell(pages: list[dict[str, Any]]) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.FILTERS, storage_type="memory"),
            navbar(pages),
            dbc.Container(
                [
                    filter_bar(),
                    dbc.Alert(id=ids.WAREHOUSE_ALERT, color="warning", is_open=False),
                    dash.page_container,
                ],
                fluid=True,
                className="app-main",
            ),
            footer(),
        ],
        className="app-shell",
    )


# ------------------------------------------------------------------------------------------ callbacks
def _options(frame_values: list[Any], labels: list[str]) -> list[dict[str, Any]]:
    return [{"label": label, "value": value} for value, label in zip(frame_values, labels, strict=True)]


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers for one published warehouse: the values, and the dropdowns' options."""

    years: list[int]
    moas: list[str]
    sectors: list[str]
    areas: list[str]
    fiscal_year_options: list[dict[str, Any]]
    moa_options: list[dict[str, Any]]
    sector_options: list[dict[str, Any]]
    area_options: list[dict[str, Any]]


# The filter bar's choices per published file (a few files, per process): every page load reads them, and they
# change only with a publish (ingest.warehouse.published_identity). Nothing published: read_only raises, nothing kept.
@per_published_file(maxsize=4)
def filter_choices(home: Home) -> FilterChoices:
    """The filter bar's choices for the warehouse published under ``home``, read once per published file."""
    with read_only(home) as con:
        years = queries.fiscal_years(con)["fiscal_year"].to_list()
        moa_frame = queries.moas(con)
        sector_codes = queries.sectors(con)["sector"].to_list()
        area_frame = queries.areas(con)
    acronyms = moa_frame["moa_acronym"].to_list()
    area_keys = area_frame["geography_id"].to_list()
    moa_labels = [
        f"{a} — {n}" if n and n != a else a for a, n in zip(acronyms, moa_frame["moa_name"].to_list(), strict=True)
    ]
    return FilterChoices(
        years=years,
        moas=acronyms,
        sectors=sector_codes,
        areas=area_keys,
        fiscal_year_options=_options(years, [str(y) for y in years]),
        moa_options=_options(acronyms, moa_labels),
        sector_options=_options(sector_codes, [fmt.sector_label(s) for s in sector_codes]),
        area_options=_options(area_keys, fmt.area_labels(area_frame.to_dicts())),
    )


def sync_filters(
    home: Home,
    trigger: Any,
    search: str | None,
    fiscal_years: Any,
    moas: Any,
    sectors: Any,
    areas: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Keep the URL, the dropdowns and the store in step.

    On first load and on back/forward (``trigger`` is None or the URL) the query string decides: the filter options
    and the "data as of" line are read afresh and values the warehouse does not know are ignored. The URL is then
    left as it is: rewriting it would push a history entry, and the back button would land on the old URL only to
    be pushed forward again. When a dropdown or "Clear filters" triggers, the dropdowns decide and the query string
    follows (one history entry per change, so the back button undoes a filter).

    On load, the shell's warning names every source past its freshness limit at ``now`` (default: the current
    time), on every page: the "data as of" date is the last refresh, not the age of each source's data.
    """
    result: dict[str, Any] = dict.fromkeys(SYNC_OUTPUTS, no_update)
    if trigger == ids.CLEAR:
        filters = Filters()
        result.update(fiscal_years=[], moas=[], sectors=[], areas=[])
    elif trigger in _FILTER_INPUTS:
        filters = Filters.of(fiscal_years, moas, sectors, areas)
    else:
        try:
            choices = filter_choices(home)
            with read_only(home) as con:
                stale = quality_figures.stale_sources(quality_queries.freshness(con, now))
        except NoWarehouseError as exc:
            result.update(
                fiscal_years=[],
                moas=[],
                sectors=[],
                areas=[],
                fiscal_year_options=[],
                moa_options=[],
                sector_options=[],
                area_options=[],
                filters=None,
                as_of="no warehouse published",
                alert_open=True,
                alert=str(exc),
            )
            return result
        filters = Filters.from_search(search).restricted_to(choices.years, choices.moas, choices.sectors, choices.areas)
        result.update(
            fiscal_years=list(filters.fiscal_years),
            moas=list(filters.moas),
            sectors=list(filters.sectors),
            areas=list(filters.areas),
            fiscal_year_options=choices.fiscal_year_options,
            moa_options=choices.moa_options,
            sector_options=choices.sector_options,
            area_options=choices.area_options,
            as_of=fmt.as_of(queries.data_as_of(home)),
            alert_open=bool(stale),
            alert=stale_warning(stale),
            filters=filters.to_store(),
        )
        return result
    result["filters"] = filters.to_store()
    wanted = filters.to_search()
    if wanted != (search or ""):
        result["search"] = wanted
    return result


def stale_warning(stale: list[str]) -> Any:
    """The shell's warning when sources are past their freshness limit (``quality_figures.stale_sources``)."""
    if not stale:
        return None
    return [
        html.Strong("Some figures may be out of date. "),
        "These sources have not been reloaded within their limit: ",
        html.Ul([html.Li(line) for line in stale], className="mb-1"),
        html.A("See the data-quality page", href=dash.get_relative_path("/data-quality"), className="alert-link"),
        " for each source's last load and the refresh history.",
    ]


def nav_state(pathname: str | None, search: str | None, paths: list[str]) -> tuple[list[str], list[bool]]:
    """Navbar links carry the current query string to the next page; the current page's link is active."""
    query = search or ""
    hrefs = [dash.get_relative_path(path) + query for path in paths]
    current = dash.strip_relative_path(pathname or "/") or ""
    active = [dash.strip_relative_path(dash.get_relative_path(path)) == current for path in paths]
    return hrefs, active


def user_menu(_pathname: str | None = None) -> list[Any]:
    """Who is signed in, their role, and the way out (the page is served only to a signed-in user)."""
    from dashboards import auth

    user = auth.current()
    if user is None:
        return [html.A("Sign in", href=auth.LOGIN_PATH)]
    return [
        html.Span(["Signed in as ", html.Strong(user.username, id="shell-user-name")]),
        html.Span(user.role, className="shell-user-role", id="shell-user-role", title="Your role"),
        html.A("Sign out", href=auth.LOGOUT_PATH, id="shell-sign-out"),
    ]


def _register_shell_callbacks(app: dash.Dash, home: Home) -> None:
    app.callback(Output(USER, "children"), Input(ids.URL, "pathname"))(user_menu)

    @app.callback(output=SYNC_OUTPUTS, inputs=SYNC_INPUTS)
    def _sync_filters(search, fiscal_years, moas, sectors, areas, clear):  # clear only triggers
        return sync_filters(home, ctx.triggered_id, search, fiscal_years, moas, sectors, areas)

    @app.callback(
        Output({"type": ids.NAV_LINK, "index": ALL}, "href"),
        Output({"type": ids.NAV_LINK, "index": ALL}, "active"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def _nav_state(pathname, search):
        paths = [o["id"]["index"] for o in ctx.outputs_list[0]]
        return nav_state(pathname, search, paths)


# ------------------------------------------------------------------------------------------------ app
def create_app(home: Home) -> dash.Dash:
    """The dashboard for the warehouse published under ``home``."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title=APP_TITLE,
        update_title=None,
        # every callback is plain Python; with asgiref installed (Django, in the dev tools, brings it) Dash would
        # otherwise run each one through an event loop and a thread of its own: ~25 ms more on the scenario recompute
        use_async=False,
    )
    modules = page_modules()
    for module in modules:
        module.register(app, home)
    pages = [dash.page_registry[m.__name__] for m in modules if getattr(m, "IN_NAVBAR", True)]
    app.layout = shell(pages)
    _register_shell_callbacks(app, home)
    from dashboards import answer_cache, api, auth

    auth.install(app, home)
    answer_cache.install(app, home)  # after the sign-in guard: only allowed requests reach the shared answers
    api.install(app, home)
    return app


def run(home: Home, host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    """Serve the dashboard (the CLI's ``oobc serve``)."""
    create_app(home).run(host=host, port=port, debug=debug)
