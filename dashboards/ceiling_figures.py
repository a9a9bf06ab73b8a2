"""What the ceiling monitor shows, made from ``ceiling_queries`` frames: the bullet chart, tiles and table rows.

Nothing here reads the warehouse or knows about Dash. The bullet chart is drawn in utilization (allocated ÷ ceiling,
the mart's column): every ceiling's limit is the same line at 100 %, its warning threshold a marker at the mart's
threshold, so ceilings of very different sizes compare at a glance; the exact pesos are in the hover and the label.
Colours are the shared status colours of :mod:`dashboards.theme`; hard ceilings are solid bars, soft ones hatched.
"""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
from dash import html

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, Tile, base_layout, clicked_points, empty_figure

CHART_TITLE = "Allocated against each ceiling"
NO_CEILINGS = "No budget ceilings for these filters"
# Bars longer than this (×100 %) are drawn at this length; their label still reads the true utilization.
MAX_SHOWN = 2.0
STATUS_LABELS = {"ok": "OK", "warning": "Warning", "exceeded": "Exceeded", "unmapped": "Unmapped"}
ENFORCEMENT_LABELS = {"hard": "Hard", "soft": "Soft"}
SECTOR_MATCH_NOTE = {"broader": " (broader)", "unmapped": " (no match)", "exact": "", "not_stated": ""}
SOURCE_TABLE_LABELS = {
    "project_central_budgetceiling": "Budget ceiling",
    "monitoring_ceilingmanagement": "Monitoring ceiling",
}
BEYOND_ROW = "row-beyond-ceiling"  # the class of a PPA row that pushes its ceiling over


# ------------------------------------------------------------------------------------------ helpers
def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", fmt.MISSING)


def _text(value: object) -> str:
    return fmt.MISSING if value is None or value == "" else str(value)


def ceiling_label(row: dict) -> str:
    """A ceiling's name; monitoring ceilings have none, so they read by their table, year and funding source."""
    if row.get("ceiling_name"):
        return str(row["ceiling_name"])
    source = SOURCE_TABLE_LABELS.get(row.get("source_table") or "", "Ceiling")
    what = row.get("funding_source_stated") or row.get("sector_stated") or "all PPAs"
    return f"{source} FY {fmt.fiscal_year(row.get('fiscal_year'))}: {what}"


def stated_to_mapped(stated: str | None, mapped: str | None, match: str | None, sector: bool) -> str:
    """``Education → Social (broader)``; "Any" when the ceiling states nothing; "… → no match" when it does not map."""
    if match == "not_stated" or stated is None:
        return "Any"
    if mapped is None:
        return f"{stated} → no match"
    shown = ", ".join(fmt.sector_label(m) if sector else m for m in mapped.split(","))
    return f"{stated} → {shown}{SECTOR_MATCH_NOTE.get(match or '', '')}"


def _bar_length(row: dict) -> float:
    utilization = row["utilization"]
    if utilization is not None:
        return min(float(utilization), MAX_SHOWN)
    if row["status"] == "exceeded":  # a ceiling of 0 with PPAs under it: no ratio, but over
        return MAX_SHOWN
    return 0.0


def _bar_text(row: dict) -> str:
    badge = "HARD" if row["enforcement_level"] == "hard" else "soft"
    if row["status"] == "unmapped":
        return f"{badge} · unmapped: not checked"
    if row["utilization"] is None:
        used = "ceiling ₱0" if row["status"] == "exceeded" else "nothing allocated"
    else:
        used = fmt.percent(row["utilization"])
    remaining = row["remaining_amount"]
    room = (
        f"{fmt.peso_short(-remaining)} over"
        if remaining is not None and remaining < 0
        else f"{fmt.peso_short(remaining)} left"
    )
    return f"{badge} · {used} · {room}"


# ------------------------------------------------------------------------------------------ figures
def bullet_chart(frame: pl.DataFrame) -> go.Figure:
    """One horizontal bar per ceiling (the frame's order: highest utilization at the top), coloured by status; the
    limit is the line at 100 %, each ceiling's warning threshold an amber tick. Clicking a bar selects the ceiling
    (customdata[0] is its id)."""
    if frame.height == 0:
        return empty_figure(CHART_TITLE, NO_CEILINGS)
    rows = list(frame.iter_rows(named=True))
    labels = [f"{ceiling_label(r)} ·{i}" for i, r in enumerate(rows, start=1)]
    shown = [_bar_length(r) for r in rows]
    colours = [theme.status_colour(r["status"]) for r in rows]
    hover = [
        [
            r["ceiling_id"],
            ceiling_label(r),
            status_label(r["status"]),
            ENFORCEMENT_LABELS.get(r["enforcement_level"] or "", fmt.MISSING),
            fmt.peso_exact(r["ceiling_amount"]),
            fmt.peso_exact(r["allocated_amount"]),
            fmt.peso_exact(r["remaining_amount"]),
            fmt.percent(r["utilization"]),
            fmt.percent(r["warning_threshold"], 0),
            fmt.count(r["ppa_count"]),
            fmt.count(r["ppas_beyond_ceiling_count"]),
        ]
        for r in rows
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=shown,
            y=labels,
            orientation="h",
            marker={
                "color": colours,
                "line": {
                    "color": [
                        theme.INK if r["enforcement_level"] == "hard" else c for r, c in zip(rows, colours, strict=True)
                    ],
                    "width": 1,
                },
                "pattern": {
                    "shape": ["" if r["enforcement_level"] == "hard" else "/" for r in rows],
                    "fgcolor": "white",
                    "fgopacity": 0.55,
                    "size": 7,
                },
            },
            text=[_bar_text(r) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate=(
                "<b>%{customdata[1]}</b><br>Status: %{customdata[2]} (%{customdata[3]} ceiling)"
                "<br>Ceiling: %{customdata[4]}<br>Allocated: %{customdata[5]}"
                "<br>Headroom: %{customdata[6]}<br>Utilization: %{customdata[7]}"
                " (warning at %{customdata[8]})<br>PPAs: %{customdata[9]}, beyond the ceiling: %{customdata[10]}"
                "<extra></extra>"
            ),
            name="Allocated",
            showlegend=False,
        )
    )
    mapped = [(label, r) for label, r in zip(labels, rows, strict=True) if r["status"] != "unmapped"]
    if mapped:
        fig.add_trace(
            go.Scatter(
                x=[float(r["warning_threshold"]) if r["warning_threshold"] is not None else None for _, r in mapped],
                y=[label for label, _ in mapped],
                mode="markers",
                marker={"symbol": "line-ns", "size": 16, "line": {"color": theme.WARNING, "width": 4}},
                name="Warning threshold",
                customdata=[[r["ceiling_id"]] for _, r in mapped],
                hovertemplate="Warning threshold: %{x:.0%}<extra></extra>",
            )
        )
    fig.add_vline(x=1.0, line={"color": theme.INK, "width": 2})
    fig.add_annotation(
        x=1.0, y=1.0, yref="paper", yanchor="bottom", text="ceiling", showarrow=False, font={"color": theme.INK}
    )
    height = 110 + 30 * len(rows)
    base_layout(fig, CHART_TITLE, max(height, 260))
    largest = max([*shown, 1.0])
    fig.update_xaxes(
        title_text="Utilization: allocated ÷ ceiling", tickformat=".0%", range=[0, largest * 1.45], fixedrange=True
    )
    fig.update_yaxes(autorange="reversed", type="category", fixedrange=True, tickmode="array",
                     tickvals=labels, ticktext=[ceiling_label(r) for r in rows])  # fmt: skip
    fig.update_layout(
        margin={"r": 24, "t": 64},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        bargap=0.35,
        clickmode="event",
    )
    return fig


def clicked_ceiling(click: dict | None) -> str | None:
    """The ceiling id of a click on the chart: every trace carries it as customdata[0] (a click on a row reports
    the bar and the threshold marker of that row)."""
    for point in clicked_points(click):
        data = point.get("customdata")
        if isinstance(data, list) and data and isinstance(data[0], str):
            return data[0]
    return None


# ----------------------------------------------------------------------------------- headline tiles
def summary_tiles(frame: pl.DataFrame) -> list[Tile]:
    """The four tiles from ``ceiling_queries.summary``'s single row."""
    row = frame.row(0, named=True)
    return [
        Tile(
            "exceeded",
            "Ceilings exceeded",
            fmt.count(row["exceeded_count"]),
            f"{fmt.count(row['hard_exceeded_count'])} hard; {fmt.peso_exact(row['overrun'])} over",
            "Ceilings whose allocated amount is more than the ceiling",
        ),
        Tile(
            "warning",
            "In warning",
            fmt.count(row["warning_count"]),
            f"of {fmt.count(row['ceiling_count'])} ceilings",
            "Ceilings not exceeded whose utilization has reached their warning threshold",
        ),
        Tile(
            "headroom",
            "Total headroom",
            fmt.peso_short(row["headroom"]),
            fmt.peso_exact(row["headroom"]),
            "Σ remaining (ceiling − allocated) of the ceilings not exceeded; exceeded ones count in the overrun",
        ),
        Tile(
            "unmapped",
            "Unmapped ceilings",
            fmt.count(row["unmapped_count"]),
            f"{fmt.peso_exact(row['unmapped_amount'])} not checked",
            "Ceilings whose stated sector or funding source matches no PPA value: not checked against any PPA",
        ),
    ]


# ------------------------------------------------------------------------------------------ tables
CEILING_COLUMNS = (
    Column("name", "Ceiling", tooltip="source"),
    Column("fiscal_year", "FY", numeric=True),
    Column("sector", "Sector (stated → mapped)"),
    Column("funding_source", "Funding source (stated → mapped)"),
    Column("ceiling", "Ceiling", numeric=True),
    Column("allocated", "Allocated", numeric=True),
    Column("remaining", "Remaining", numeric=True),
    Column("utilization", "Utilization", numeric=True, tooltip="threshold"),
    Column("status", "Status"),
    Column("enforcement", "Enforcement"),
    Column("ppas", "PPAs", numeric=True),
    Column("beyond", "Beyond ceiling", numeric=True),
)


def status_badge(status: str | None) -> html.Span:
    return html.Span(
        status_label(status),
        className=f"badge bg-{theme.status_badge(status)} ceiling-status",
        **{"data-status": status or ""},
    )


def ceiling_rows(frame: pl.DataFrame, selected: str | None = None) -> list[dict]:
    """``ceiling_queries.ceilings`` as display rows; the selected ceiling's row is marked."""
    rows = []
    for r in frame.iter_rows(named=True):
        threshold = fmt.percent(r["warning_threshold"], 0)
        rows.append(
            {
                "ceiling_id": r["ceiling_id"],
                "name": ceiling_label(r),
                "source": SOURCE_TABLE_LABELS.get(r["source_table"] or "", _text(r["source_table"])),
                "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
                "sector": stated_to_mapped(r["sector_stated"], r["sector_mapped"], r["sector_match"], sector=True),
                "funding_source": stated_to_mapped(
                    r["funding_source_stated"], r["funding_source_mapped"], r["funding_source_match"], sector=False
                ),
                "ceiling": fmt.peso_exact(r["ceiling_amount"]),
                "allocated": fmt.peso_exact(r["allocated_amount"]),
                "remaining": fmt.peso_exact(r["remaining_amount"]),
                "utilization": fmt.percent(r["utilization"]),
                "threshold": f"Warning at {threshold}" + (" (default)" if r["is_threshold_default"] else ""),
                "status": status_badge(r["status"]),
                "status_code": r["status"] or "",
                "enforcement": ENFORCEMENT_LABELS.get(r["enforcement_level"] or "", fmt.MISSING),
                "ppas": fmt.count(r["ppa_count"]),
                "beyond": fmt.count(r["ppas_beyond_ceiling_count"]),
                "row_class": "row-selected" if selected is not None and r["ceiling_id"] == selected else "",
            }
        )
    return rows


def ceiling_options(frame: pl.DataFrame) -> list[dict[str, str]]:
    """Dropdown options, in the chart's order: "name (FY) — status"."""
    return [
        {
            "label": f"{ceiling_label(r)} (FY {fmt.fiscal_year(r['fiscal_year'])}) — {status_label(r['status'])}",
            "value": r["ceiling_id"],
        }
        for r in frame.iter_rows(named=True)
    ]


PPA_COLUMNS = (
    Column("rank", "#", numeric=True),
    Column("title", "PPA"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("fiscal_year", "FY", numeric=True),
    Column("sector", "Sector"),
    Column("funding_source", "Funding source"),
    Column("budget", "Approved budget", numeric=True),
    Column("running", "Running total", numeric=True),
    Column("beyond", "Beyond the ceiling"),
)


def ppa_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``ceiling_queries.ceiling_ppas`` as display rows; the PPAs that push the ceiling over carry ``BEYOND_ROW``."""
    return [
        {
            "rank": fmt.count(r["budget_rank"]),
            "title": r["title"] or r["ppa_id"],
            "moa": r["moa_acronym"] or fmt.MISSING,
            "moa_name": r["moa_name"] or "",
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "sector": fmt.sector_label(r["sector"]),
            "funding_source": _text(r["funding_source"]),
            "budget": fmt.peso_exact(r["budget_allocation"]),
            "running": fmt.peso_exact(r["running_allocated_amount"]),
            "beyond": "Over the ceiling" if r["is_beyond_ceiling"] else "",
            "row_class": BEYOND_ROW if r["is_beyond_ceiling"] else "",
        }
        for r in frame.iter_rows(named=True)
    ]


def ppa_caption(frame: pl.DataFrame, ceiling: dict | None) -> str:
    """What the PPA list shows: the ceiling, how many PPAs and how many push it over."""
    if ceiling is None:
        return "Choose a ceiling (or click its bar) to see the PPAs under it."
    beyond = sum(1 for v in frame["is_beyond_ceiling"].to_list() if v) if frame.height else 0
    total = sum((v or Decimal(0) for v in frame["budget_allocation"].to_list()), Decimal(0)) if frame.height else None
    text = (
        f"{ceiling_label(ceiling)}: ceiling {fmt.peso_exact(ceiling['ceiling_amount'])}, "
        f"{fmt.count(frame.height)} PPAs shown"
    )
    if total is not None:
        text += f" ({fmt.peso_exact(total)})"
    if beyond:
        text += f"; {fmt.count(beyond)} push it over (highlighted)"
    return text + "."


def ppa_empty_message(ceiling: dict | None) -> str:
    """Why the PPA list is empty."""
    if ceiling is None:
        return "Choose a ceiling (or click its bar) to see the PPAs under it."
    if ceiling["status"] == "unmapped":
        return (
            "This ceiling's sector or funding source matches no PPA value, so no PPA is counted under it "
            "(see the unmapped vocabulary below)."
        )
    if not ceiling["ppa_count"]:
        return "No PPA falls under this ceiling: nothing of its fiscal year, sector and funding source is budgeted."
    return "None of this ceiling's PPAs is in the selected MOA or area."


UNMAPPED_COLUMNS = (
    Column("vocabulary", "Vocabulary"),
    Column("value", "Value as stated", tooltip="key"),
    Column("ceilings", "Ceilings", numeric=True, tooltip="ceiling_ids"),
    Column("years", "Fiscal years"),
    Column("amount", "Ceiling amount", numeric=True),
)
VOCABULARY_LABELS = {"sector": "Sector", "funding_source": "Funding source"}


def unmapped_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        first, last = r["first_fiscal_year"], r["last_fiscal_year"]
        years = fmt.fiscal_year(first) if first == last else f"{fmt.fiscal_year(first)}–{fmt.fiscal_year(last)}"
        rows.append(
            {
                "vocabulary": VOCABULARY_LABELS.get(r["vocabulary"], _text(r["vocabulary"])),
                "value": _text(r["stated_value_example"] or r["stated_value_key"]),
                "key": f"Matched as “{r['stated_value_key']}”",
                "ceilings": fmt.count(r["ceiling_count"]),
                "ceiling_ids": r["ceiling_ids"] or "",
                "years": years,
                "amount": fmt.peso_exact(r["ceiling_amount"]),
            }
        )
    return rows
