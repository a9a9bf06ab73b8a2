"""Dash building blocks the pages share: cards for headline tiles, charts and tables, and callback plumbing."""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html
from dash.exceptions import PreventUpdate

from dashboards.figures import Column, Tile
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, Filters
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


def _accepts(hint: Any) -> Callable[[Any], bool] | None:
    """A check that a JSON value from the browser fits the annotation ``hint``; None: anything fits (``Any``, or a
    type a callback input is never annotated with). Element types of lists and dicts are not checked."""
    if hint is Any:
        return None
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = [_accepts(arg) for arg in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        return lambda value: any(part(value) for part in parts)  # type: ignore[misc]
    if hint is type(None):
        return lambda value: value is None
    base = typing.get_origin(hint) or hint
    if base is bool:
        return lambda value: isinstance(value, bool)
    if base is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if base is float:
        return lambda value: isinstance(value, int | float) and not isinstance(value, bool)
    if base in (str, dict, list, tuple):
        return lambda value: isinstance(value, base)
    return None


def input_checks(function: Callable[..., Any]) -> list[Callable[[Any], bool] | None]:
    """One check per parameter of ``function``, from its annotations (see :func:`checked`)."""
    hints = typing.get_type_hints(function)
    return [_accepts(hints.get(name, Any)) for name in inspect.signature(function).parameters]


def refuse_misfits(checks: Sequence[Callable[[Any], bool] | None], inputs: Sequence[Any]) -> None:
    """No update (PreventUpdate) when an input does not fit its check (:func:`input_checks`)."""
    for check, value in zip(checks, inputs, strict=False):
        if check is not None and not check(value):
            raise PreventUpdate


def checked(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` answering only inputs that fit its annotations: a callback request whose values do not (a
    tampered request: a list where a text is expected, a number for a click) changes nothing (no update), instead
    of failing inside the callback with a server error."""
    checks = input_checks(function)

    @functools.wraps(function)
    def callback(*inputs: Any) -> Any:
        refuse_misfits(checks, inputs)
        return function(*inputs)

    return callback


def bind(function: Callable[..., Any], home: Home) -> Callable[..., Any]:
    """``function(*inputs, home)`` as a Dash callback of ``*inputs``, answering only inputs that fit the
    annotations of ``function`` (:func:`checked`)."""
    checks = input_checks(function)[:-1]

    def callback(*inputs: Any) -> Any:
        refuse_misfits(checks, inputs)
        return function(*inputs, home)

    callback.__name__ = callback.__qualname__ = function.__name__
    callback.__dict__.update(function.__dict__)  # its marks (answer_cache.shared, auth.requires) come along
    return callback


def tile_card(tile: Tile) -> Any:
    """A headline figure; with ``tile.href`` the whole card links to the page that explains it."""
    lines = [
        html.Div(tile.label, className="kpi-label"),
        html.Div(tile.value, className="kpi-value", **{"data-kpi": tile.key}),
        html.Div(tile.detail, className="kpi-detail"),
    ]
    if tile.change:
        lines.append(html.Div(tile.change, className="kpi-change", **{"data-kpi-change": tile.key}))
    tone = f" kpi-{tile.tone}" if tile.tone else ""
    card = dbc.Card(dbc.CardBody(html.Div(lines, title=tile.definition)), className=f"kpi-card{tone}")
    if tile.href:
        return dcc.Link(card, href=tile.href, className="kpi-link")
    return card


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


GRID_PAGE_SIZE = 25


def grid_rows(columns: Sequence[Column], rows: Sequence[dict[str, Any]], frame: pl.DataFrame | None) -> list[dict]:
    """``rows`` (display strings) with, for each column that has a ``sort`` source, its raw value under
    ``<key>__value`` from the same row of ``frame``: a grid orders ₱1,000,000.00 after ₱999.00 by the number."""
    sorted_by = [c for c in columns if c.sort]
    if not sorted_by or frame is None:
        return [dict(row) for row in rows]
    values = {c.key: [None if v is None else float(v) for v in frame[c.sort].to_list()] for c in sorted_by}
    return [{**row, **{f"{key}__value": vals[i] for key, vals in values.items()}} for i, row in enumerate(rows)]


def grid(
    grid_id: str | dict[str, Any],
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    frame: pl.DataFrame | None = None,
    empty: str = "No PPAs match these filters",
    page_size: int = GRID_PAGE_SIZE,
    row_id: str | None = None,
) -> Any:
    """Every row of a long table in a paged, sortable grid (AG Grid): the same columns and display strings as
    :func:`table`, numbers ordered by their value (``Column.sort``), a row's ``cell_classes`` (column key →
    class) colouring its cells and its ``row_class`` its line, tooltips from ``Column.tooltip``. Plain HTML
    tables of hundreds of rows are slow to draw; the grid draws one page at a time and keeps the rest in the
    browser. ``row_id``: the row key whose value identifies a row (its ``cellClicked`` event then names the row
    by it, whatever the sort)."""
    if not rows:
        return html.P(empty, className="empty-state text-muted my-3")
    definitions = []
    for c in columns:
        definition: dict[str, Any] = {
            "colId": c.key,
            "headerName": c.header,
            "field": f"{c.key}__value" if c.sort else c.key,
            "cellClass": {"function": f"(params.data.cell_classes || {{}})[{c.key!r}] || ''"},
        }
        if c.sort:
            definition["valueFormatter"] = {"function": f"params.data[{c.key!r}]"}
            definition["getQuickFilterText"] = {"function": f"params.data[{c.key!r}]"}
        if c.numeric:
            definition["type"] = "rightAligned"
        else:  # long titles wrap instead of pushing the figures out of sight
            definition.update(maxWidth=420, wrapText=True, autoHeight=True)
        if c.tooltip:
            definition["tooltipField"] = c.tooltip
        definitions.append(definition)
    # a row's ``row_class`` (as in :func:`table`) styles its whole line
    styled = any("row_class" in r for r in rows)
    row_classes = {"getRowClass": {"function": "params.data.row_class || ''"}} if styled else {}
    return dag.AgGrid(
        id=grid_id,
        **({"getRowId": f"params.data[{row_id!r}]"} if row_id else {}),
        rowData=grid_rows(columns, rows, frame),
        columnDefs=definitions,
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 90},
        columnSize="autoSize",
        dashGridOptions=grid_options(page_size, enableCellTextSelection=True, ensureDomOrder=True, **row_classes),
        className="data-grid",
    )


def grid_options(page_size: int, **extra: Any) -> dict[str, Any]:
    """The AG Grid options every grid of the dashboards shares: paged (``page_size`` rows, 50 or 100 on request),
    as tall as its rows, tooltips after 0.3 s, every column rendered; ``extra`` adds or overrides options."""
    return {
        "pagination": True,
        "paginationPageSize": page_size,
        "paginationPageSizeSelector": [page_size, 50, 100],
        "domLayout": "autoHeight",
        "tooltipShowDelay": 300,
        "suppressColumnVirtualisation": True,
        **extra,
    }


# ------------------------------------------------------------------------------------ page building blocks
FILTER_NAMES = {FISCAL_YEAR: "fiscal year", MOA: "MOA", SECTOR: "sector", AREA: "area"}


def help_button(help_id: str, title: str, body: Any) -> html.Span:
    """A small "?" that opens the metric's definition on click (and closes on the next click elsewhere)."""
    return html.Span(
        [
            html.Button("?", id=help_id, className="help-button", type="button", title=f"What is {title.lower()}?"),
            dbc.Popover(
                [dbc.PopoverHeader(title), dbc.PopoverBody(body)],
                target=help_id,
                trigger="legacy",
                placement="bottom",
                className="metric-help",
            ),
        ],
        className="help-wrap",
    )


def section_card(
    title: str,
    body: Any,
    *,
    lead: str | None = None,
    explain: tuple[str, Any] | None = None,
    actions: Any = None,
    card_id: str | None = None,
    flush: bool = False,
) -> dbc.Card:
    """A titled card: title, its "?" (``explain`` = (help id, definition)), a lead line, actions on the right."""
    heading = [html.Span(title, className="card-title-text")]
    if explain is not None:
        heading.append(help_button(explain[0], title, explain[1]))
    header = [html.Div(heading, className="card-heading")]
    if actions is not None:
        header.append(html.Div(actions, className="card-actions"))
    children = [
        dbc.CardHeader(
            [html.Div(header, className="card-header-row"), *([html.Div(lead, className="card-lead")] if lead else [])]
        )
    ]
    children.append(dbc.CardBody(body, className="p-0" if flush else None))
    return dbc.Card(children, className="chart-card mb-3", **({"id": card_id} if card_id else {}))


def page_header(title: str, lead: Any, *notes: Any, actions: Any = None) -> html.Div:
    """A page's header: its title, one lead paragraph, notes under it (which filters apply), and on the right the
    page's actions (the export buttons)."""
    text = html.Div([html.H1(title, className="page-title"), html.P(lead, className="page-lead"), *notes])
    return html.Div([text] if actions is None else [text, actions], className="page-header")


def filter_note(applies: tuple[str, ...], why: str | None = None) -> html.P:
    """Which global filters a page uses; the others are named, with the reason, so nobody is misled."""
    used = [FILTER_NAMES[f] for f in FILTER_NAMES if f in applies]
    unused = [FILTER_NAMES[f] for f in FILTER_NAMES if f not in applies]
    text = "Filters used here: " + (", ".join(used) if used else "none")
    if unused:
        text += f". Not used: {', '.join(unused)}" + (f" ({why})" if why else "")
    return html.P(text + ".", className="filter-note")


def empty_state(message: str) -> html.P:
    """What an empty table or list says: why there is nothing."""
    return html.P(message, className="empty-state text-muted my-3")
