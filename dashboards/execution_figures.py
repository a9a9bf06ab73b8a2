"""What the budget execution page shows, made from ``execution_queries`` frames: figures, tiles and table rows.

Nothing here reads the warehouse or knows about Dash. Amounts stay ``Decimal`` until plotted; hover text and tables
show exact pesos. Rates arrive as fractions computed in SQL (ratios of sums) and are only formatted here. Colours come
from :mod:`dashboards.theme`: a work item's variance status has the same colour as on every other page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import COLOURS, Column, Tile, _floats, base_layout, empty_figure

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FUNNEL_TITLE = "Allotment → obligation → disbursement"
NO_PPAS = "No PPAs match these filters"
STAGES = (
    ("budget_allocation", "Approved budget"),
    ("allotment", "Allotment released"),
    ("obligations", "Obligations"),
    ("disbursements", "Disbursements"),
)
STAGE_COLOURS = {
    "budget_allocation": COLOURS["budget_allocation"],
    "allotment": COLOURS["allocations"],
    "obligations": COLOURS["obligations"],
    "disbursements": COLOURS["disbursements"],
}
BAR_GROUP_LIMIT = 15
SCORE_COLOURS = {"A": theme.GOOD, "B": theme.BLUE, "C": theme.WARNING, "D": theme.BAD}
VARIANCE_STATUS_LABELS = {
    "over_budget": "Over budget",
    "on_budget": "On budget",
    "under_budget": "Under budget",
    "no_expenditure": "No expenditure",
}
CONSISTENCY_LABELS = {
    "ok": "Consistent",
    "under_allocated": "Under-allocated",
    "over_allocated": "Over-allocated (error)",
    "none_allocated": "Children unbudgeted",
    "leaf": "No children",
}
TRANCHE_LABELS = {
    "allocation": "Allotment",
    "obligation": "Obligation",
    "disbursement": "Disbursement",
    "adjustment": "Adjustment",
}


def _group_label(by: str, value: str | None) -> str:
    return fmt.sector_label(value) if by == "sector" else (value or "No MOA")


def _money(value: Decimal | None) -> str:
    return fmt.peso_exact(value)


# ---------------------------------------------------------------------------------------------- funnel
def funnel_figure(total: pl.DataFrame) -> go.Figure:
    """The selection's chain as a funnel: approved budget → allotment → obligations → disbursements, each stage
    labelled with its amount and its rate against the stage before (and obligations also against the budget)."""
    if total.height == 0 or not total["ppa_count"][0] or not any(total[c][0] for c, _ in STAGES):
        return empty_figure(FUNNEL_TITLE, NO_PPAS)
    row = total.row(0, named=True)
    amounts = [row[c] for c, _ in STAGES]
    rates = [
        "",
        f"{fmt.percent(row['allotment_release_rate'])} of budget",
        f"{fmt.percent(row['obligation_rate_vs_allotment'])} of allotment · "
        f"{fmt.percent(row['obligation_rate_vs_budget'])} of budget",
        f"{fmt.percent(row['disbursement_rate_vs_obligations'])} of obligations · "
        f"{fmt.percent(row['disbursement_rate_vs_budget'])} of budget",
    ]
    scale, unit = fmt.axis_scale(max(_floats(amounts)))
    fig = go.Figure(
        go.Funnel(
            y=[label for _, label in STAGES],
            x=[v / scale for v in _floats(amounts)],
            text=[f"{fmt.peso_short(v)}" + (f"<br>{r}" if r else "") for v, r in zip(amounts, rates, strict=True)],
            textinfo="text",
            textposition="inside",
            marker={"color": [STAGE_COLOURS[c] for c, _ in STAGES]},
            connector={"fillcolor": "#eef2f6"},
            customdata=[[fmt.peso_exact(v), r or "—"] for v, r in zip(amounts, rates, strict=True)],
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    base_layout(fig, FUNNEL_TITLE, 360)
    fig.update_layout(showlegend=False, margin={"l": 8, "r": 8})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(title_text=None)
    fig.add_annotation(
        text=f"{fmt.count(row['ppa_count'])} PPAs · widths in {unit}",
        x=1,
        y=-0.02,
        xref="paper",
        yref="paper",
        showarrow=False,
        xanchor="right",
        yanchor="top",
        font={"size": 11, "color": theme.MUTED},
    )
    return fig


def funnel_bars(frame: pl.DataFrame, by: str) -> go.Figure:
    """Grouped horizontal bars per MOA or sector (the largest approved budgets, at most ``BAR_GROUP_LIMIT``), the
    four stages side by side; the hover gives the group's rates."""
    title = f"Execution chain by {'MOA' if by == 'moa' else 'sector'}"
    key = "moa_acronym" if by == "moa" else "sector"
    if frame.height == 0 or not any(v for v in frame["budget_allocation"].to_list()):
        return empty_figure(title, NO_PPAS)
    shown = frame.head(BAR_GROUP_LIMIT)
    if frame.height > shown.height:
        title += f": top {shown.height} of {frame.height} by approved budget"
    labels = [_group_label(by, v) for v in shown[key].to_list()]
    largest = max(max(_floats(shown[c].to_list())) for c, _ in STAGES)
    scale, unit = fmt.axis_scale(largest)
    rates = [
        [
            fmt.percent(r["allotment_release_rate"]),
            fmt.percent(r["obligation_rate_vs_allotment"]),
            fmt.percent(r["obligation_rate_vs_budget"]),
            fmt.percent(r["disbursement_rate_vs_obligations"]),
            fmt.percent(r["disbursement_rate_vs_budget"]),
        ]
        for r in shown.iter_rows(named=True)
    ]
    fig = go.Figure()
    for column, label in STAGES:
        amounts = shown[column].to_list()
        fig.add_bar(
            y=labels,
            x=[v / scale for v in _floats(amounts)],
            orientation="h",
            name=label,
            marker_color=STAGE_COLOURS[column],
            customdata=[[fmt.peso_exact(v), *r] for v, r in zip(amounts, rates, strict=True)],
            hovertemplate=(
                f"<b>%{{y}}</b> · {label}: %{{customdata[0]}}<br>Allotment release: %{{customdata[1]}}"
                "<br>Obligation rate: %{customdata[2]} of allotment, %{customdata[3]} of budget"
                "<br>Disbursement rate: %{customdata[4]} of obligations, %{customdata[5]} of budget<extra></extra>"
            ),
        )
    base_layout(fig, title, max(300, 110 + 56 * shown.height))
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    fig.update_xaxes(title_text=f"Amount ({unit})", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def funnel_columns(by: str) -> tuple[Column, ...]:
    return (
        Column("group", "MOA" if by == "moa" else "Sector"),
        Column("ppas", "PPAs", numeric=True),
        Column("budget", "Approved budget", numeric=True),
        Column("allotment", "Allotment", numeric=True),
        Column("obligations", "Obligations", numeric=True),
        Column("disbursements", "Disbursements", numeric=True),
        Column("release", "Released", numeric=True, tooltip="release_tip"),
        Column("obligation_allotment", "Obligated / allotment", numeric=True),
        Column("obligation_budget", "Obligated / budget", numeric=True),
        Column("disbursement_obligations", "Disbursed / obligations", numeric=True),
        Column("disbursement_budget", "Disbursed / budget", numeric=True),
    )


def funnel_rows(frame: pl.DataFrame, by: str, total: pl.DataFrame | None = None) -> list[dict[str, str]]:
    """The funnel table, one row per group in the frame's order, then the selection's total (bold)."""
    key = "moa_acronym" if by == "moa" else "sector"

    def row(r: dict[str, Any], label: str, row_class: str | None = None) -> dict[str, str]:
        over = r["obligations"] is not None and r["allotment"] is not None and r["obligations"] > r["allotment"]
        return {
            "group": label,
            "ppas": fmt.count(r["ppa_count"]),
            "budget": _money(r["budget_allocation"]),
            "allotment": _money(r["allotment"]),
            "obligations": _money(r["obligations"]),
            "disbursements": _money(r["disbursements"]),
            "release": fmt.percent(r["allotment_release_rate"]),
            "release_tip": "allotment ÷ approved budget",
            "obligation_allotment": fmt.percent(r["obligation_rate_vs_allotment"]) + (" ⚠" if over else ""),
            "obligation_budget": fmt.percent(r["obligation_rate_vs_budget"]),
            "disbursement_obligations": fmt.percent(r["disbursement_rate_vs_obligations"]),
            "disbursement_budget": fmt.percent(r["disbursement_rate_vs_budget"]),
            "row_class": row_class or "",
        }

    rows = [row(r, _group_label(by, r[key])) for r in frame.iter_rows(named=True)]
    if rows and total is not None and total.height:
        rows.append(row(total.row(0, named=True), "All in the selection", "exec-total-row"))
    return rows


def funnel_tiles(total: pl.DataFrame) -> list[Tile]:
    """Headline rates of the selection (ratios of the sums)."""
    row = total.row(0, named=True) if total.height else {}

    def rate(key: str, label: str, column: str, detail: str, definition: str) -> Tile:
        return Tile(key, label, fmt.percent(row.get(column)), detail, definition)

    return [
        Tile(
            "budget",
            "Approved budget",
            fmt.peso_short(row.get("budget_allocation")),
            fmt.peso_exact(row.get("budget_allocation")),
            "Σ approved budget of the PPAs in the selection",
        ),
        rate(
            "release",
            "Allotment released",
            "allotment_release_rate",
            "Σ allotment ÷ Σ approved budget",
            "Share of the approved budget released as allotment",
        ),
        rate(
            "obligation_allotment",
            "Obligation rate",
            "obligation_rate_vs_allotment",
            "Σ obligations ÷ Σ allotment",
            "Budget utilization rate: obligations against the allotment released",
        ),
        rate(
            "obligation_budget",
            "Obligated of budget",
            "obligation_rate_vs_budget",
            "Σ obligations ÷ Σ approved budget",
            "Obligations against the whole approved budget",
        ),
        rate(
            "disbursement",
            "Disbursement rate",
            "disbursement_rate_vs_obligations",
            "Σ disbursements ÷ Σ obligations",
            "Obligations paid out",
        ),
        rate(
            "disbursement_budget",
            "Disbursed of budget",
            "disbursement_rate_vs_budget",
            "Σ disbursements ÷ Σ approved budget",
            "OBCMS's utilization: disbursements against the budget",
        ),
    ]


# --------------------------------------------------------------------------------------------- monthly
def monthly_title(year: int | None) -> str:
    return f"Planned vs actual, cumulative, FY {year}" if year else "Planned vs actual, cumulative"


def monthly_figure(monthly: pl.DataFrame, summary: pl.DataFrame, year: int | None) -> go.Figure:
    """Cumulative planned (allotment releases) against cumulative actual (disbursements) by month of fiscal ``year``;
    the gap over the elapsed months shaded as slippage, the year-end forecast at the current run rate dotted from the
    as-of month to December, the as-of month marked."""
    title = monthly_title(year)
    if year is None or monthly.height == 0:
        return empty_figure(title, "No budgeted PPAs (MOA or OOBC PPAs with a fiscal year) match these filters")
    info = summary.row(0, named=True) if summary.height else {}
    elapsed = int(info.get("months_elapsed") or 0)
    months = monthly["month_number"].to_list()
    planned = monthly["cumulative_planned_amount"].to_list()
    actual = monthly["cumulative_actual_amount"].to_list()
    forecast = info.get("year_end_forecast_amount")
    largest = max(_floats([*planned, *actual, forecast]))
    scale, unit = fmt.axis_scale(largest)

    def y(values: Sequence[Decimal | None]) -> list[float]:
        return [v / scale for v in _floats(values)]

    done = [i for i, m in enumerate(months) if m <= elapsed]
    fig = go.Figure()
    fig.add_scatter(
        x=months,
        y=y(planned),
        name="Planned (allotment releases)",
        mode="lines+markers",
        line={"color": COLOURS["allocations"], "width": 2, "shape": "hv"},
        customdata=[[fmt.peso_exact(v)] for v in planned],
        hovertemplate="Planned to date: %{customdata[0]}<extra></extra>",
    )
    if done:
        # an invisible copy of the planned line over the elapsed months: the actual line fills down to it
        fig.add_scatter(
            x=[months[i] for i in done],
            y=y([planned[i] for i in done]),
            mode="lines",
            line={"width": 0, "shape": "hv"},
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(
            x=[months[i] for i in done],
            y=y([actual[i] for i in done]),
            name="Actual (disbursements); shaded: slippage",
            mode="lines+markers",
            line={"color": COLOURS["disbursements"], "width": 3},
            fill="tonexty",
            fillcolor="rgba(240, 180, 41, 0.28)",
            customdata=[[fmt.peso_exact(actual[i]), fmt.peso_exact(_minus(planned[i], actual[i]))] for i in done],
            hovertemplate="Actual to date: %{customdata[0]}<br>Slippage: %{customdata[1]}<extra></extra>",
        )
    if 0 < elapsed < 12 and forecast is not None and done:
        last = done[-1]
        fig.add_scatter(
            x=[months[last], 12],
            y=y([actual[last], forecast]),
            name="Year-end forecast at the current run rate",
            mode="lines+markers",
            line={"color": COLOURS["disbursements"], "width": 2, "dash": "dot"},
            marker={"symbol": ["circle", "diamond"], "size": [1, 10]},
            customdata=[[fmt.peso_exact(actual[last])], [fmt.peso_exact(forecast)]],
            hovertemplate="Forecast: %{customdata[0]}<extra></extra>",
        )
    base_layout(fig, title, 380)
    if 0 < elapsed < 12:
        fig.add_vline(x=elapsed, line={"color": theme.MUTED, "dash": "dash", "width": 1})
        as_of = info.get("as_of_date")
        fig.add_annotation(
            x=elapsed, y=1, yref="paper", yanchor="bottom", showarrow=False,
            text=f"as of {as_of:%d %b %Y}" if as_of else "as of", font={"size": 11, "color": theme.MUTED},
        )  # fmt: skip
    elif elapsed == 0:
        fig.add_annotation(
            text="The year has not begun: no run rate to forecast from", x=0.5, y=0.9, xref="paper", yref="paper",
            showarrow=False, font={"size": 12, "color": theme.MUTED},
        )  # fmt: skip
    fig.update_layout(
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
    )
    fig.update_xaxes(tickmode="array", tickvals=list(range(1, 13)), ticktext=list(MONTHS), range=[0.6, 12.4])
    fig.update_yaxes(title_text=f"Cumulative ({unit})", rangemode="tozero")
    return fig


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal:
    return (a or Decimal(0)) - (b or Decimal(0))


def forecast_tiles(summary: pl.DataFrame, year: int | None) -> list[Tile]:
    """Planned for the year, actual to date, slippage to date and the year-end forecast (sums of the PPAs' values)."""
    info = summary.row(0, named=True) if summary.height else {}
    elapsed = info.get("months_elapsed")
    planned, actual, forecast = (info.get(k) for k in ("planned_amount", "actual_to_date_amount",
                                                       "year_end_forecast_amount"))  # fmt: skip
    period = "closed year" if elapsed == 12 else f"{elapsed} of 12 months elapsed" if elapsed else "not begun"
    return [
        Tile(
            "planned",
            f"Planned FY {year or '—'}",
            fmt.peso_short(planned),
            fmt.peso_exact(planned),
            "Σ allotment releases scheduled in the year",
        ),
        Tile("actual", "Disbursed to date", fmt.peso_short(actual), period, "Σ disbursements of the elapsed months"),
        Tile(
            "forecast",
            "Year-end forecast",
            fmt.peso_short(forecast),
            fmt.peso_exact(forecast),
            "Σ of each PPA's disbursed to date ÷ months elapsed × 12 (a closed year: its actual)",
        ),
    ]


QUARTER_COLUMNS = (
    Column("quarter", "Quarter"),
    Column("planned", "Planned", numeric=True),
    Column("actual", "Actual", numeric=True),
    Column("obligated", "Obligated", numeric=True),
    Column("slippage", "Slippage", numeric=True),
    Column("rate", "Actual / planned", numeric=True),
    Column("cumulative_slippage", "Cumulative slippage", numeric=True),
)


def quarter_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """The quarterly table; quarters not yet begun are greyed, slippage over zero is amber."""
    rows = []
    for r in frame.iter_rows(named=True):
        classes = []
        if not r["has_elapsed_month"]:
            classes.append("exec-future")
        elif r["cumulative_slippage_amount"] is not None and r["cumulative_slippage_amount"] > 0:
            classes.append("exec-behind")
        rows.append(
            {
                "quarter": r["quarter_label"] + ("" if r["has_elapsed_month"] else " (ahead)"),
                "planned": _money(r["planned_amount"]),
                "actual": _money(r["actual_amount"]),
                "obligated": _money(r["obligated_amount"]),
                "slippage": _money(r["slippage_amount"]),
                "rate": fmt.percent(r["actual_vs_planned_rate"]),
                "cumulative_slippage": _money(r["cumulative_slippage_amount"]),
                "row_class": " ".join(classes),
            }
        )
    return rows


# ----------------------------------------------------------------------------------------- credibility
PI1_TITLE = "PI-1 aggregate outturn: actual ÷ original budget"
PI2_TITLE = "PI-2 composition variance"


def credibility_figure(frame: pl.DataFrame) -> go.Figure:
    """PI-1 outturn per year as bars coloured by the year's score, over the PEFA bands (A 95–105 %, B 90–110 %,
    C 85–115 %); PI-2 variances (MOA, sector) as markers on a second axis would mislead, so they have their own
    chart (:func:`pi2_figure`)."""
    if frame.height == 0:
        return empty_figure(PI1_TITLE, "No fiscal year with budgeted PPAs matches the fiscal-year filter", 320)
    years = [str(y) for y in frame["fiscal_year"].to_list()]
    outturn = frame["pi1_outturn"].to_list()
    fig = go.Figure()
    for low, high, colour in ((0.85, 1.15, "#fdf3d8"), (0.90, 1.10, "#e3f0fa"), (0.95, 1.05, "#dff3ec")):
        fig.add_hrect(y0=low * 100, y1=high * 100, fillcolor=colour, line_width=0, layer="below")
    scores = frame["pi1_score"].to_list()
    fig.add_bar(
        x=years,
        y=[float(v) * 100 if v is not None else 0 for v in outturn],
        marker_color=[SCORE_COLOURS.get(s or "", theme.NEUTRAL) for s in scores],
        text=[f"{fmt.percent(v)} · {s or 'no score'}" for v, s in zip(outturn, scores, strict=True)],
        textposition="outside",
        cliponaxis=False,
        customdata=[
            [fmt.percent(v), s or "no score (fewer than 2 years)", _money(a), _money(b)]
            for v, s, a, b in zip(
                outturn,
                scores,
                frame["actual_amount"].to_list(),
                frame["original_budget_amount"].to_list(),
                strict=True,
            )
        ],
        hovertemplate=(
            "<b>FY %{x}</b><br>Outturn: %{customdata[0]} (score %{customdata[1]})<br>Actual: %{customdata[2]}"
            "<br>Original budget: %{customdata[3]}<extra></extra>"
        ),
        showlegend=False,
    )
    fig.add_hline(y=100, line={"color": theme.MUTED, "dash": "dot", "width": 1})
    base_layout(fig, PI1_TITLE, 320)
    top = max([115.0, *[float(v) * 100 + 15 for v in outturn if v is not None]])
    fig.update_yaxes(title_text="Outturn (%)", range=[0, top])
    fig.update_xaxes(type="category", title_text="Fiscal year")
    return fig


def pi2_figure(frame: pl.DataFrame) -> go.Figure:
    """PI-2 variance per year over MOAs and over sectors, with the 5 / 10 / 15 % score limits."""
    if frame.height == 0:
        return empty_figure(PI2_TITLE, "No fiscal year with budgeted PPAs matches the fiscal-year filter", 320)
    years = [str(y) for y in frame["fiscal_year"].to_list()]
    fig = go.Figure()
    for column, score, label, colour in (
        ("pi2_moa_variance", "pi2_moa_score", "Over MOAs", theme.NAVY),
        ("pi2_sector_variance", "pi2_sector_score", "Over sectors", theme.LIGHT_BLUE),
    ):
        values = frame[column].to_list()
        scores = frame[score].to_list()
        fig.add_bar(
            x=years,
            y=[float(v) * 100 if v is not None else 0 for v in values],
            name=label,
            marker_color=colour,
            text=[s or "" for s in scores],
            textposition="outside",
            cliponaxis=False,
            customdata=[[fmt.percent(v), s or "no score"] for v, s in zip(values, scores, strict=True)],
            hovertemplate=f"{label}: %{{customdata[0]}} (score %{{customdata[1]}})<extra></extra>",
        )
    for limit, letter in ((5, "A"), (10, "B"), (15, "C")):
        fig.add_hline(
            y=limit, line={"color": theme.MUTED, "dash": "dot", "width": 1},
            annotation_text=f"{letter} < {limit} %", annotation_position="top left",
            annotation_font={"size": 10, "color": theme.MUTED},
        )  # fmt: skip
    base_layout(fig, PI2_TITLE, 320)
    fig.update_layout(
        barmode="group", legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1}
    )
    fig.update_yaxes(title_text="Variance (%)", rangemode="tozero")
    fig.update_xaxes(type="category", title_text="Fiscal year")
    return fig


CREDIBILITY_COLUMNS = (
    Column("year", "FY"),
    Column("budget", "Original budget", numeric=True),
    Column("actual", "Actual (disbursed)", numeric=True),
    Column("outturn", "PI-1 outturn", numeric=True),
    Column("pi1", "PI-1"),
    Column("pi2_moa", "PI-2 MOAs"),
    Column("pi2_sector", "PI-2 sectors"),
    Column("reading", "What it means"),
)


def _score(score: str | None, value: Decimal | None) -> str:
    return f"{score or '—'} ({fmt.percent(value)})"


def credibility_reading(row: dict[str, Any]) -> str:
    """A plain-language reading of one year's PEFA figures."""
    outturn = row["pi1_outturn"]
    if outturn is None:
        first = "No original budget: the outturn is undefined."
    else:
        gap = (Decimal(1) - outturn) * 100
        if abs(gap) <= 5:
            first = f"Spent {fmt.percent(outturn)} of the original budget: close to plan."
        elif gap > 0:
            first = f"Spent {fmt.percent(outturn)} of the original budget: {gap:.1f} points under plan."
        else:
            first = f"Spent {fmt.percent(outturn)} of the original budget: {-gap:.1f} points over plan."
    moa = row["pi2_moa_variance"]
    second = (
        f" Spending by MOA departed from the budget's composition by {fmt.percent(moa)}."
        if moa is not None
        else " Composition variance undefined (nothing budgeted or spent)."
    )
    window = row["score_window_year_count"] or 0
    third = (
        " Not scored: PEFA needs at least 2 of the last 3 years."
        if window < 2
        else f" Scores read {window} years (FY {row['fiscal_year'] - 2}–{row['fiscal_year']})."
    )
    return first + second + third


def credibility_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "year": fmt.fiscal_year(r["fiscal_year"]),
            "budget": _money(r["original_budget_amount"]),
            "actual": _money(r["actual_amount"]),
            "outturn": fmt.percent(r["pi1_outturn"]),
            "pi1": r["pi1_score"] or "—",
            "pi2_moa": _score(r["pi2_moa_score"], r["pi2_moa_variance"]),
            "pi2_sector": _score(r["pi2_sector_score"], r["pi2_sector_variance"]),
            "reading": credibility_reading(r),
            "row_class": f"exec-score-{(r['pi1_score'] or 'none').lower()}",
        }
        for r in frame.iter_rows(named=True)
    ]


# --------------------------------------------------------------------------------------------- PPA list
def ppa_options(frame: pl.DataFrame) -> list[dict[str, str]]:
    """Dropdown options: "FY 2025 · MOH · title" (searchable by any part)."""
    return [
        {
            "label": f"FY {fmt.fiscal_year(r['fiscal_year'])} · {r['moa_acronym'] or 'No MOA'} · {r['title']}",
            "value": r["ppa_id"],
        }
        for r in frame.iter_rows(named=True)
    ]


WATCHLIST_COLUMNS = (
    Column("pick", "PPA"),
    Column("moa", "MOA"),
    Column("fiscal_year", "FY", numeric=True),
    Column("budget", "Approved budget", numeric=True),
    Column("slippage", "Slippage to date", numeric=True, tooltip="slippage_tip"),
    Column("disbursement", "Disbursed / obligations", numeric=True),
    Column("obligation", "Obligated / allotment", numeric=True),
)


def watchlist_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The watch list; ``pick`` holds the title (the page turns it into a button), ``ppa_id`` the PPA."""
    return [
        {
            "ppa_id": r["ppa_id"],
            "pick": r["title"],
            "moa": r["moa_acronym"] or fmt.MISSING,
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "budget": _money(r["budget_allocation"]),
            "slippage": _money(r["slippage_to_date_amount"]),
            "slippage_tip": f"planned to date {_money(r['planned_to_date_amount'])}, "
            f"disbursed to date {_money(r['actual_to_date_amount'])}",
            "disbursement": fmt.percent(r["disbursement_rate_vs_obligations"]),
            "obligation": fmt.percent(r["obligation_rate_vs_allotment"]),
        }
        for r in frame.iter_rows(named=True)
    ]


# ------------------------------------------------------------------------------------------- one PPA
def ppa_tiles(frame: pl.DataFrame) -> list[Tile]:
    if frame.height == 0:
        return []
    r = frame.row(0, named=True)
    return [
        Tile(
            "ppa_budget",
            "Approved budget",
            fmt.peso_short(r["budget_allocation"]),
            _money(r["budget_allocation"]),
            "The PPA's approved budget",
        ),
        Tile(
            "ppa_obligation",
            "Obligation rate",
            fmt.percent(r["obligation_rate_vs_allotment"]),
            f"{_money(r['obligations'])} of {_money(r['allotment'])}",
            "Obligations ÷ allotment",
        ),
        Tile(
            "ppa_disbursement",
            "Disbursement rate",
            fmt.percent(r["disbursement_rate_vs_obligations"]),
            f"{_money(r['disbursements'])} paid",
            "Disbursements ÷ obligations",
        ),
        Tile(
            "ppa_allocated",
            "Allocated to work items",
            fmt.percent(r["allocation_pct"]),
            f"unallocated {_money(r['unallocated'])}",
            "What the work items below the root hold ÷ approved budget",
        ),
        Tile(
            "ppa_progress",
            "Progress",
            fmt.progress(r["progress_from_work_items"]),
            f"stored: {fmt.progress(r['progress_own'])}",
            "Completed work items ÷ all work items",
        ),
    ]


TREE_TITLE = "Work items: size = allocated budget, colour = variance status"


def _num(value: Any, places: int = 2) -> str:
    return fmt.MISSING if value is None else f"{value:,.{places}f}"


def tree_figure(tree: pl.DataFrame, title: str = TREE_TITLE) -> go.Figure:
    """The PPA's work-item tree as an icicle. Each box is as wide as the item's rolled-up allocation (its retained
    allocation plus its children's boxes: every peso counted once) and coloured by its variance status."""
    if tree.height == 0:
        return empty_figure(title, "This PPA has no work items", 420)
    if not any(v for v in tree["rolled_up_allocated_budget"].to_list()):
        return empty_figure(title, "None of this PPA's work items carries an allocated budget", 420)
    ids = tree["work_item_id"].to_list()
    parents = [p or "" for p in tree["parent_work_item_id"].to_list()]
    roots = [i for i, p in zip(ids, parents, strict=True) if p == ""]
    extra_ids: list[str] = []
    if len(roots) > 1:  # several trees: hang them under one box so the icicle has one top
        extra_ids = ["all-trees"]
        parents = ["all-trees" if p == "" else p for p in parents]
    customdata = []
    for r in tree.iter_rows(named=True):
        customdata.append(
            [
                _money(r["allocated_budget"]),
                _money(r["rolled_up_allocated_budget"]),
                _money(r["rolled_up_actual_expenditure"]),
                _money(r["variance"]),
                fmt.MISSING if r["variance_pct"] is None else f"{r['variance_pct']:.2f}%",
                VARIANCE_STATUS_LABELS.get(r["variance_status"], r["variance_status"]),
                CONSISTENCY_LABELS.get(r["allocation_consistency"], r["allocation_consistency"]),
                _money(r["children_allocated_sum"]),
                fmt.progress(r["progress_calculated"]),
                _money(r["ev"]),
                _money(r["pv"]),
                _money(r["ac"]),
                _num(r["spi"], 2),
                _num(r["cpi"], 2),
                (r["work_type"] or "").replace("_", " "),
            ]
        )
    fig = go.Figure(
        go.Icicle(
            ids=extra_ids + ids,
            labels=(["All work-item trees"] if extra_ids else []) + tree["title"].to_list(),
            parents=([""] if extra_ids else []) + parents,
            values=([0.0] if extra_ids else []) + _floats(tree["retained_allocation"].to_list()),
            branchvalues="remainder",
            marker={
                "colors": ([theme.NEUTRAL] if extra_ids else [])
                + [theme.status_colour(s) for s in tree["variance_status"].to_list()],
                "line": {"color": "white", "width": 1},
            },
            customdata=([[""] * 15] if extra_ids else []) + customdata,
            hovertemplate=(
                "<b>%{label}</b> (%{customdata[14]})<br>Own allocation: %{customdata[0]}"
                "<br>Rolled-up allocation: %{customdata[1]}<br>Actual expenditure: %{customdata[2]}"
                "<br>Variance: %{customdata[3]} (%{customdata[4]}), %{customdata[5]}"
                "<br>Children: %{customdata[6]} (Σ %{customdata[7]})<br>Progress: %{customdata[8]}"
                "<br>EV %{customdata[9]} · PV %{customdata[10]} · AC %{customdata[11]}"
                "<br>SPI %{customdata[12]} · CPI %{customdata[13]}<extra></extra>"
            ),
            tiling={"orientation": "v"},
            maxdepth=4,
            textinfo="label",
        )
    )
    base_layout(fig, title, 460)
    fig.update_layout(margin={"l": 4, "r": 4, "t": 48, "b": 4})
    return fig


INCONSISTENT_COLUMNS = (
    Column("path", "Work item"),
    Column("consistency", "Allocation"),
    Column("own", "Own allocation", numeric=True),
    Column("children", "Σ children", numeric=True),
    Column("difference", "Children − own", numeric=True),
)


def inconsistent_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """Over-allocated nodes (an error) in red, under-allocated in amber, unbudgeted children grey."""
    classes = {"over_allocated": "exec-bad", "under_allocated": "exec-warn", "none_allocated": "exec-unknown"}
    return [
        {
            "path": r["path"] or r["title"],
            "consistency": CONSISTENCY_LABELS.get(r["allocation_consistency"], r["allocation_consistency"]),
            "own": _money(r["allocated_budget"]),
            "children": _money(r["children_allocated_sum"]),
            "difference": _money(r["children_minus_own"]),
            "row_class": classes.get(r["allocation_consistency"], ""),
        }
        for r in frame.iter_rows(named=True)
    ]


LEDGER_COLUMNS = (
    Column("n", "#", numeric=True),
    Column("date", "Date"),
    Column("type", "Entry"),
    Column("amount", "Amount", numeric=True),
    Column("allotment", "Allotment to date", numeric=True),
    Column("obligations", "Obligations to date", numeric=True),
    Column("disbursements", "Disbursed to date", numeric=True),
    Column("remarks", "Remarks"),
)


def ledger_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """The PPA's funding entries in order; an entry that leaves obligations above the allotment, or disbursements
    above obligations, is amber (the overspend flags of metrics.md §1)."""
    rows = []
    for r in frame.iter_rows(named=True):
        over = (
            r["running_obligations"] > r["running_allotment"] or r["running_disbursements"] > r["running_obligations"]
        )
        rows.append(
            {
                "n": str(r["entry_sequence"]),
                "date": r["scheduled_date"].isoformat() if r["scheduled_date"] else "undated",
                "type": TRANCHE_LABELS.get(r["tranche_type"], r["tranche_type"]),
                "amount": _money(r["amount"]),
                "allotment": _money(r["running_allotment"]),
                "obligations": _money(r["running_obligations"]),
                "disbursements": _money(r["running_disbursements"]),
                "remarks": r["remarks"] or "",
                "row_class": f"exec-tranche-{r['tranche_type']}" + (" exec-warn" if over else ""),
            }
        )
    return rows
