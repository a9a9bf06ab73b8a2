"""Dash building blocks the pages share: cards for headline tiles, charts and tables, and callback plumbing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.exceptions import PreventUpdate

from dashboards.figures import Column, Tile
from dashboards.filters import Filters
from ingest.home import Home

# Not "responsive": the figures fix their own height (the MOA chart grows with its bars), and a responsive plot
# takes its height from the card instead, which has none of its own, so it collapsed over the next row.
GRAPH_CONFIG = {
    "displaylogo": False,
    # only "download as PNG" (for briefings); executives do not need the exploratory tools
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def filters_from_store(data: dict[str, list[Any]] | None) -> Filters:
    """The shell's selection; no update while the shell has not read the warehouse yet (or none is published)."""
    if data is None:
        raise PreventUpdate
    return Filters.from_store(data)


def bind(function: Callable[..., Any], home: Home) -> Callable[..., Any]:
    """``function(*inputs, home)`` as a Dash callback of ``*inputs``."""

    def callback(*inputs: Any) -> Any:
        return function(*inputs, home)

    callback.__name__ = callback.__qualname__ = function.__name__
    return callback


def tile_card(tile: Tile) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            html.Div(
                [
                    html.Div(tile.label, className="kpi-label"),
                    html.Div(tile.value, className="kpi-value", **{"data-kpi": tile.key}),
                    html.Div(tile.detail, className="kpi-detail"),
                ],
                title=tile.definition,
            )
        ),
        className="kpi-card",
    )


def graph_card(graph_id: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            dcc.Loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG), delay_show=300, type="dot"),
        ),
        className="chart-card h-100",
    )


def table(columns: Sequence[Column], rows: Sequence[dict[str, str]], empty: str = "No PPAs match these filters"):
    """A plain, readable table: text left, numbers right, exact values. A row's ``row_class`` styles its line."""
    if not rows:
        return html.P(empty, className="text-muted my-3")
    head = html.Thead(
        html.Tr([html.Th(c.header, className="text-end" if c.numeric else None, scope="col") for c in columns])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(
                        row[c.key],
                        className="text-end num" if c.numeric else None,
                        title=row.get(c.tooltip) if c.tooltip else None,
                    )
                    for c in columns
                ],
                className=row.get("row_class") or None,
            )
            for row in rows
        ]
    )
    return dbc.Table([head, body], hover=True, size="sm", className="data-table mb-0")
