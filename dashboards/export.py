"""Take the figures away: what a page shows, filters applied, as CSV or as an XLSX workbook.

A page describes its export as a function ``tables(filters, home, *page_state) -> Export``: the same query functions
its tables and charts call, so the file holds exactly what is on screen. The CSV is the export's first table (the one
a page's main table shows); the workbook has one sheet per table plus an "About" sheet naming the page, the filters,
the data's date and when the file was made. Amounts stay exact in the CSV (``Decimal`` as text) and are numbers
with a peso format in the workbook.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
import xlsxwriter
from dash import Input, Output, State, dcc, html

from dashboards import formatting as fmt
from dashboards import ids, queries
from dashboards.components import filters_from_store, input_checks, refuse_misfits
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import read_only

MONEY_FORMAT = '"₱"#,##0.00'
RATE_FORMAT = "0.0%"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Export:
    """What a page hands over: its tables by sheet name (the first is the CSV), and lines for the About sheet."""

    tables: dict[str, pl.DataFrame]
    notes: list[str] = field(default_factory=list)
    money_columns: Sequence[str] | None = None  # None: every Decimal column
    rate_columns: Sequence[str] = ()


# ---------------------------------------------------------------------------------------------- files
# A text cell starting with one of these is run as a formula by a spreadsheet opening the file (CSV injection:
# ``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``). OWASP's advice: prefix such a cell with a single quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_RE = r"^[=+\-@\t\r]"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it: a single quote before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as UTF-8 CSV with a byte-order mark, so Excel opens ₱ and ñ correctly.

    Text that a spreadsheet would take for a formula (a PPA title, a scenario name or a review note starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading single quote; numbers stay numbers."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START_RE))
        .then(pl.concat_str([pl.lit("'"), pl.col(name)]))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )
    return ("\ufeff" + safe.write_csv()).encode("utf-8")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤31 characters, none of ``[]:*?/\\``)."""
    base = _SHEET_NAME_BAD.sub(" ", name).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_bytes(
    tables: dict[str, pl.DataFrame],
    about: Sequence[tuple[str, str]],
    money_columns: Sequence[str] | None = None,
    rate_columns: Sequence[str] = (),
) -> bytes:
    """A workbook: the About sheet first, then one sheet per table with a bold, frozen header and an autofilter."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#12355B", "font_color": "#FFFFFF", "text_wrap": True})
    money = book.add_format({"num_format": MONEY_FORMAT})
    rate = book.add_format({"num_format": RATE_FORMAT})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    # Excel's own leading apostrophe: the text is kept exactly and can never turn into a formula when edited
    quoted = book.add_format({"quote_prefix": True})
    quoted_bold = book.add_format({"quote_prefix": True, "bold": True})

    def text(sheet: Any, row: int, col: int, value: str, style: Any = None, quoted_style: Any = quoted) -> None:
        sheet.write_string(row, col, value, quoted_style if value.startswith(FORMULA_START) else style)

    taken: set[str] = set()
    info = book.add_worksheet(sheet_name("About", taken))
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 90)
    for r, (key, value) in enumerate(about):
        text(info, r, 0, key, bold, quoted_bold)
        text(info, r, 1, value)

    for name, frame in tables.items():
        sheet = book.add_worksheet(sheet_name(name, taken))
        for c, column in enumerate(frame.columns):
            text(sheet, 0, c, column, header, header)
            dtype = frame.schema[column]
            is_money = isinstance(dtype, pl.Decimal) and (money_columns is None or column in money_columns)
            style = (
                money
                if is_money
                else rate
                if column in rate_columns
                else day
                if dtype == pl.Date
                else moment
                if isinstance(dtype, pl.Datetime)
                else None
            )
            sheet.set_column(c, c, max(12, min(48, len(column) + 2)), style)
            for r, value in enumerate(frame[column].to_list(), start=1):
                value = _cell(value)
                if value is None:
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value.replace(tzinfo=None), style)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), style)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value, style)
                else:
                    text(sheet, r, c, str(value))
        sheet.freeze_panes(1, 0)
        if frame.width:
            sheet.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
    book.close()
    return buffer.getvalue()


def about_rows(page: str, filters: Filters, home: Home, notes: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The About sheet: page, each filter, the data's date, when the file was made, and the page's own notes."""
    with read_only(home) as con:
        areas = queries.areas(con)
    labels = dict(zip(areas["geography_id"].to_list(), fmt.area_labels(areas.to_dicts()), strict=True))
    rows = [("Page", page), *[(f"Filter: {name}", value) for name, value in filters.describe(labels)]]
    rows.append(("Data as of", fmt.as_of(queries.data_as_of(home))))
    rows.append(("File made", fmt.as_of(datetime.now(UTC))))
    rows.append(("Amounts", "Philippine pesos (₱), exact to the centavo"))
    rows += [("Note", note) for note in notes]
    return rows


def file_stem(page_slug: str, filters: Filters) -> str:
    """``oobc-ceilings-2025`` style names: the page, and the fiscal years when one or two are selected."""
    years = "-".join(str(y) for y in filters.fiscal_years[:2])
    return f"oobc-{page_slug}" + (f"-{years}" if years else "")


# ------------------------------------------------------------------------------------------- Dash side
def controls(prefix: str) -> html.Div:
    """The CSV and XLSX buttons of a page, with the download component they feed."""
    return html.Div(
        [
            dbc.Button("CSV", id=f"{prefix}-export-csv", size="sm", color="secondary", outline=True, n_clicks=0),
            dbc.Button("XLSX", id=f"{prefix}-export-xlsx", size="sm", color="secondary", outline=True, n_clicks=0),
            dcc.Download(id=f"{prefix}-download"),
        ],
        className="export-controls",
        title="Download what this page shows, with the filters applied",
    )


def download(
    kind: str,
    page: str,
    page_slug: str,
    filters: Filters,
    home: Home,
    export: Export,
) -> dict[str, Any]:
    """The ``dcc.Download`` payload of ``export`` as ``kind`` ("csv" or "xlsx")."""
    stem = file_stem(page_slug, filters)
    if kind == "csv":
        first = next(iter(export.tables.values()))
        return dcc.send_bytes(csv_bytes(first), f"{stem}.csv")
    about = about_rows(page, filters, home, export.notes)
    data = xlsx_bytes(export.tables, about, export.money_columns, export.rate_columns)
    return dcc.send_bytes(data, f"{stem}.xlsx")


def _export_buttons(_csv: int | None, _xlsx: int | None, filters_data: dict | None) -> None:
    """The inputs every export callback has before the page's own state (their annotations are checked)."""


def register(
    app: dash.Dash,
    home: Home,
    prefix: str,
    page: str,
    page_slug: str,
    tables: Callable[..., Export],
    state: Sequence[State] = (),
) -> None:
    """Wire the buttons of :func:`controls` (``prefix``) to ``tables(filters, home, *page_state)``; a request whose
    page state does not fit the annotations of ``tables`` (a tampered request) changes nothing."""
    checks = [*input_checks(_export_buttons)[:3], *input_checks(tables)[2:]]

    @app.callback(
        Output(f"{prefix}-download", "data"),
        Input(f"{prefix}-export-csv", "n_clicks"),
        Input(f"{prefix}-export-xlsx", "n_clicks"),
        State(ids.FILTERS, "data"),
        *state,
        prevent_initial_call=True,
    )
    def _export(_csv: int | None, _xlsx: int | None, filters_data: dict | None, *page_state: Any) -> dict[str, Any]:
        refuse_misfits(checks, (_csv, _xlsx, filters_data, *page_state))
        kind = "csv" if dash.ctx.triggered_id == f"{prefix}-export-csv" else "xlsx"
        filters = filters_from_store(filters_data)
        return download(kind, page, page_slug, filters, home, tables(filters, home, *page_state))

    _export.__name__ = _export.__qualname__ = f"export_{prefix.replace('-', '_')}"
