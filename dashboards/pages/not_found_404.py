"""What an unknown address shows (Dash's router uses the page whose module is named ``not_found_404``)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from ingest.home import Home

PATH = "/404"
NAME = "Page not found"
TITLE = "Page not found · OOBC planning and budget"
ORDER = 999
IN_NAVBAR = False


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H1("Page not found", className="page-title"),
            html.P("There is no dashboard page at this address.", className="page-lead"),
            dcc.Link("Go to the executive overview", href="/"),
        ],
        className="not-found",
    )


def register(app: dash.Dash, home: Home) -> None:  # no callbacks: the page is static
    dash.register_page(__name__, path=PATH, name=NAME, title=TITLE, order=ORDER, layout=layout)
