"""What a page shows, made from a query's frame: plotly figures, headline tiles and table rows.

Nothing here reads the warehouse or knows about Dash. Amounts stay ``Decimal`` until the last step: figures plot
floats (scaled to the axis unit) but their hover text and labels are formatted from the exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboards import formatting as fmt

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e6e9ee"
# Budget execution chain, darkest first: approved budget → obligations → disbursements.
COLOURS = {
    "budget_allocation": "#1b4f72",
    "allocations": "#5b8db8",
    "obligations": "#2e86c1",
    "disbursements": "#17a589",
}
SERIES_LABELS = {
    "budget_allocation": "Approved budget",
    "allocations": "Allocations",
    "obligations": "Obligations",
    "disbursements": "Disbursements",
}


# ------------------------------------------------------------------------------------------ helpers
def _floats(values: Sequence[Decimal | None]) -> list[float]:
    return [float(v) if v is not None else 0.0 for v in values]


# The look every figure shares, as a plotly template registered once and made the default: a figure made after
# this module is imported starts from it, so ``base_layout`` sets only the title and the height. (Passing
# ``template="plotly_white"`` and these settings to each figure made plotly validate and copy the whole template
# every time: ~15-35 ms per figure.) Values set on a figure's own layout still override the template's.
TEMPLATE = "oobc"


def _template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    axis = {"gridcolor": GRID, "zeroline": False, "automargin": True}
    template.layout.update(
        title={"x": 0, "xanchor": "left", "font": {"size": 15, "color": INK, "weight": 600}},
        font={"family": FONT, "size": 12, "color": INK},
        margin={"l": 8, "r": 16, "t": 48, "b": 8},
        separators=".,",
        hoverlabel={"font": {"family": FONT}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=axis,
        yaxis=axis,
    )
    return template


pio.templates[TEMPLATE] = _template()
pio.templates.default = TEMPLATE


def _grouped(digits: pl.Expr, width: int) -> pl.Expr:
    """A string of at most ``width`` digits (no sign) with a thousands separator every three from the right: padded
    with zeros, cut in threes, joined by commas, the padding taken off again (a third of the time of a regex)."""
    width = max(3, -(-width // 3) * 3)
    padded = digits.str.zfill(width)
    joined = pl.concat_str([padded.str.slice(start, 3) for start in range(0, width, 3)], separator=",")
    return pl.when(digits == "0").then(pl.lit("0")).otherwise(joined.str.strip_chars_start("0,"))


def _width(frame: pl.DataFrame, digits: pl.Expr) -> int:
    return frame.select(digits.str.len_chars().max()).item() or 1


def peso_exact_list(values: pl.Series) -> list[str]:
    """``formatting.peso_exact`` of every value of a column (— for a null), the same text. A column of Decimals
    with two places (the warehouse's money) has nothing to round, so its text is built at once by polars from the
    exact digits; any other column goes value by value. (Hover texts of 20,000 PPAs: ~4 µs a value otherwise.)"""
    dtype = values.dtype
    if not (isinstance(dtype, pl.Decimal) and dtype.scale == 2):
        return [fmt.peso_exact(v) for v in values.to_list()]
    frame = pl.DataFrame({"v": values})
    text = pl.col("v").cast(pl.String)
    digits = text.str.strip_prefix("-")
    whole = digits.str.split_exact(".", 1).struct.field("field_0")
    cents = digits.str.split_exact(".", 1).struct.field("field_1")
    sign = pl.when(text.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    shown = (
        pl.when(pl.col("v").is_null())
        .then(pl.lit(fmt.MISSING))
        .otherwise(pl.concat_str(sign, pl.lit(fmt.PESO), _grouped(whole, _width(frame, whole)), pl.lit("."), cents))
        .alias("shown")
    )
    return frame.select(shown)["shown"].to_list()


# Above this many centavos (₱10^14) peso_short_list goes value by value: its integer arithmetic would not fit Int64.
_SHORT_LIST_CENTAVOS = 10**16


def peso_short_list(values: pl.Series) -> list[str]:
    """``formatting.peso_short`` of every value of a column (— for a null), the same text. A column of Decimals with
    two places is done at once by polars in integer centavos, with the same rule: the largest unit the amount
    reaches, three significant digits rounded half up, and a rounding that reaches the next unit written in it
    (₱999.995K reads ₱1.00M); any other column, or an amount past ₱10^14, goes value by value (~4 µs a value)."""
    dtype = values.dtype
    frame = pl.DataFrame({"v": values})
    if isinstance(dtype, pl.Decimal) and dtype.scale == 2:
        frame = frame.with_columns(c=(pl.col("v") * 100).cast(pl.Int128))
        largest = frame.select(pl.col("c").abs().max()).item()
        fits = largest is None or largest < _SHORT_LIST_CENTAVOS
    else:
        fits = False
    if not fits:
        return [fmt.peso_short(v) for v in values.to_list()]
    m = pl.col("c").abs().cast(pl.Int64)
    # the unit each amount is written in: the first it does not outgrow, before or after rounding (999.5 of a unit
    # has no place after the point and rounds to 1000: the next unit); three significant digits, so 2, 1 or 0 places
    unit: Any = pl
    for i, (size, _suffix) in enumerate(fmt.UNITS[:-1]):
        centavos = int(size) * 100
        unit = unit.when(m * 2 + centavos < 2 * 1000 * centavos).then(i)  # below 999.5 of it: not rounded up to 1000
    frame = frame.with_columns(unit=unit.otherwise(len(fmt.UNITS) - 1))
    centavos_of = pl.col("unit").replace_strict({i: int(size) * 100 for i, (size, _) in enumerate(fmt.UNITS)})
    whole = m // centavos_of
    places = pl.when(pl.col("unit") == 0).then(0).when(whole < 10).then(2).when(whole < 100).then(1).otherwise(0)
    frame = frame.with_columns(places=places, centavos=centavos_of)
    scale = pl.col("places").replace_strict({0: 1, 1: 10, 2: 100}, return_dtype=pl.Int64)
    frame = frame.with_columns(scale=scale).with_columns(
        rounded=(2 * m * pl.col("scale") + pl.col("centavos")) // (2 * pl.col("centavos"))
    )
    whole_text = (pl.col("rounded") // pl.col("scale")).cast(pl.String)
    width = _width(frame, whole_text)
    fraction = (pl.col("rounded") % pl.col("scale")).cast(pl.String).str.zfill(pl.col("places"))
    suffixes = pl.col("unit").replace_strict(dict(enumerate(suffix for _, suffix in fmt.UNITS)), return_dtype=pl.String)
    text = pl.concat_str(
        pl.when((pl.col("c") < 0) & (pl.col("rounded") != 0)).then(pl.lit("-")).otherwise(pl.lit("")),
        pl.lit(fmt.PESO),
        _grouped(whole_text, width) if width > 3 else whole_text,
        pl.when(pl.col("places") > 0).then(pl.concat_str(pl.lit("."), fraction)).otherwise(pl.lit("")),
        suffixes,
    )
    shown = pl.when(pl.col("v").is_null()).then(pl.lit(fmt.MISSING)).otherwise(text).alias("s")
    return frame.select(shown)["s"].to_list()


def base_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """The page's look (the ``oobc`` template: white, the project's font and grid), a title and a height."""
    if fig.layout.template.layout.separators != ".,":  # made with another template (not through this module)
        fig.update_layout(template=TEMPLATE)
    fig.update_layout(title_text=title, height=height)
    return fig


def empty_figure(title: str, message: str = "No PPAs match these filters", height: int = 360) -> go.Figure:
    """A titled blank chart that says why it is blank."""
    fig = base_layout(go.Figure(), title, height)
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14, "color": MUTED}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _has_amounts(frame: pl.DataFrame, column: str = "budget_allocation") -> bool:
    return frame.height > 0 and any(v is not None for v in frame[column].to_list())


# ------------------------------------------------------------------------------------------ figures
SECTOR_TITLE = "Approved budget by sector"
MOA_TITLE = "Approved budget by MOA"
TREND_TITLE = "Budget execution by fiscal year"


def sector_bar(frame: pl.DataFrame) -> go.Figure:
    """Horizontal bars, one per sector, largest at the top (the order of ``queries.budget_by_sector``)."""
    if not _has_amounts(frame):
        return empty_figure(SECTOR_TITLE)
    amounts = frame["budget_allocation"].to_list()
    scale, unit = fmt.axis_scale(max(_floats(amounts)))
    labels = [fmt.sector_label(s) for s in frame["sector"].to_list()]
    fig = go.Figure(
        go.Bar(
            x=[v / scale for v in _floats(amounts)],
            y=labels,
            orientation="h",
            marker_color=COLOURS["budget_allocation"],
            text=[fmt.peso_short(v) for v in amounts],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [fmt.peso_exact(v), fmt.count(n)] for v, n in zip(amounts, frame["ppa_count"].to_list(), strict=True)
            ],
            hovertemplate="<b>%{y}</b><br>Approved budget: %{customdata[0]}<br>PPAs: %{customdata[1]}<extra></extra>",
            name=SERIES_LABELS["budget_allocation"],
        )
    )
    base_layout(fig, SECTOR_TITLE, 360)
    fig.update_xaxes(title_text=f"Approved budget ({unit})", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(showlegend=False, margin={"r": 56})
    return fig


def moa_bar(frame: pl.DataFrame) -> go.Figure:
    """Horizontal bars for the MOAs in ``frame`` (already the top N), largest at the top."""
    if not _has_amounts(frame):
        return empty_figure(MOA_TITLE)
    total = frame["moa_count"][0]
    title = f"{MOA_TITLE}: top {frame.height} of {total}" if total > frame.height else MOA_TITLE
    amounts = frame["budget_allocation"].to_list()
    scale, unit = fmt.axis_scale(max(_floats(amounts)))
    acronyms = [a if a is not None else "No MOA" for a in frame["moa_acronym"].to_list()]
    names = [n if n is not None else "" for n in frame["moa_name"].to_list()]
    fig = go.Figure(
        go.Bar(
            x=[v / scale for v in _floats(amounts)],
            y=acronyms,
            orientation="h",
            marker_color=COLOURS["budget_allocation"],
            text=[fmt.peso_short(v) for v in amounts],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [name, fmt.peso_exact(v), fmt.count(n)]
                for name, v, n in zip(names, amounts, frame["ppa_count"].to_list(), strict=True)
            ],
            hovertemplate=(
                "<b>%{y}</b> %{customdata[0]}<br>Approved budget: %{customdata[1]}"
                "<br>PPAs: %{customdata[2]}<extra></extra>"
            ),
            name=SERIES_LABELS["budget_allocation"],
        )
    )
    base_layout(fig, title, max(240, 100 + 30 * frame.height))
    fig.update_xaxes(title_text=f"Approved budget ({unit})", rangemode="tozero")
    # categories listed top-down in frame order (largest first)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(showlegend=False, margin={"r": 56})
    return fig


def year_trend(frame: pl.DataFrame) -> go.Figure:
    """Grouped bars per fiscal year: approved budget, obligations, disbursements."""
    if not _has_amounts(frame):
        return empty_figure(TREND_TITLE)
    series = ("budget_allocation", "obligations", "disbursements")
    largest = max(max(_floats(frame[c].to_list())) for c in series)
    scale, unit = fmt.axis_scale(largest)
    years = [fmt.fiscal_year(y) for y in frame["fiscal_year"].to_list()]
    fig = go.Figure()
    for column in series:
        amounts = frame[column].to_list()
        fig.add_bar(
            x=years,
            y=[v / scale for v in _floats(amounts)],
            name=SERIES_LABELS[column],
            marker_color=COLOURS[column],
            customdata=[[fmt.peso_exact(v)] for v in amounts],
            hovertemplate=f"{SERIES_LABELS[column]}: %{{customdata[0]}}<extra></extra>",
        )
    base_layout(fig, TREND_TITLE, 360)
    fig.update_layout(
        barmode="group",
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    fig.update_xaxes(type="category", title_text="Fiscal year")
    fig.update_yaxes(title_text=f"Amount ({unit})", rangemode="tozero")
    return fig


# ----------------------------------------------------------------------------------- headline tiles
@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str  # the headline, compact
    detail: str  # the exact amount, or how the figure is computed
    definition: str  # shown on hover
    change: str = ""  # e.g. "▲ 12.6% vs FY2024"
    tone: str | None = None  # "good", "warning" or "bad": the colour of the change or of the value
    href: str | None = None  # the page that explains the figure


def change_vs(current: Decimal | int | None, previous: Decimal | int | None, year: int) -> str:
    """``▲ 12.6% vs FY2024``; "new vs FY2024" when the year before had nothing; "" when unknown."""
    now, before = fmt.to_decimal(current), fmt.to_decimal(previous)
    if now is None or before is None:
        return ""
    if before == 0:
        return "" if now == 0 else f"new vs FY{year}"
    ratio = (now - before) / abs(before)
    arrow = "▲" if ratio > 0 else "▼" if ratio < 0 else "="
    return f"{arrow} {fmt.percent(abs(ratio))} vs FY{year}"


def headline_tiles(
    frame: pl.DataFrame,
    previous: pl.DataFrame | None = None,
    previous_year: int | None = None,
    links: dict[str, str] | None = None,
) -> list[Tile]:
    """The executive headline from ``queries.headline``'s single row; with ``previous`` (the same query one fiscal
    year earlier) each amount says how it changed; ``links`` maps a tile key to the page that explains it."""
    row = frame.row(0, named=True)
    before = previous.row(0, named=True) if previous is not None and previous.height else None
    if before is not None and not before["ppa_count"]:
        before = None  # the year before has no PPA in the selection: nothing to compare with
    links = links or {}

    def versus(column: str) -> str:
        if before is None or previous_year is None:
            return ""
        return change_vs(row[column], before[column], previous_year)

    def money(key: str, label: str, column: str, definition: str) -> Tile:
        return Tile(
            key,
            label,
            fmt.peso_short(row[column]),
            fmt.peso_exact(row[column]),
            definition,
            change=versus(column),
            href=links.get(key),
        )

    return [
        money("budget", "Approved budget", "budget_allocation", "Sum of the approved budget allocation of the PPAs"),
        Tile(
            "ppas",
            "PPAs",
            fmt.count(row["ppa_count"]),
            "programs, projects and activities",
            "Number of PPAs",
            change=versus("ppa_count"),
            href=links.get("ppas"),
        ),
        money("allocations", "Allocations", "allocations", "Sum of the allocations recorded against the PPAs"),
        money("obligations", "Obligations", "obligations", "Sum of the obligations recorded against the PPAs"),
        money("disbursements", "Disbursements", "disbursements", "Sum of the disbursements made for the PPAs"),
        Tile(
            "obligation_rate",
            "Obligation rate",
            fmt.percent(row["obligation_rate"]),
            "obligations ÷ allocations",
            "Σ obligations ÷ Σ allocations of the selection; — when nothing is allocated",
            href=links.get("obligation_rate"),
        ),
        Tile(
            "disbursement_rate",
            "Disbursement rate",
            fmt.percent(row["disbursement_rate"]),
            "disbursements ÷ obligations",
            "Σ disbursements ÷ Σ obligations of the selection; — when nothing is obligated",
            href=links.get("disbursement_rate"),
        ),
    ]


# PEFA PI-1 scores, best first; A/B read as good, C as a warning, D as a breach of credibility.
_SCORE_TONE = {"A": "good", "B": "good", "C": "warning", "D": "bad"}


def alert_tiles(
    ceilings: pl.DataFrame,
    needs: pl.DataFrame,
    credibility: pl.DataFrame,
    links: dict[str, str] | None = None,
) -> list[Tile]:
    """What needs attention: ceilings over or near their limit, unfunded high-priority needs, budget credibility
    (rows of ``queries.ceiling_alerts``, ``need_alerts`` and ``credibility``)."""
    links = links or {}
    c = ceilings.row(0, named=True)
    n = needs.row(0, named=True)
    exceeded, warning = c["ceilings_exceeded"], c["ceilings_warning"]
    tiles = [
        Tile(
            "ceilings_exceeded",
            "Ceilings exceeded",
            fmt.count(exceeded),
            f"{fmt.count(warning)} near their limit, of {fmt.count(c['ceilings'])} ceilings",
            "Budget ceilings whose allocated PPAs exceed the limit (fct_ceiling_monitor status 'exceeded'); "
            "'near' = at or above the warning threshold",
            tone="bad" if exceeded else "warning" if warning else "good",
            href=links.get("ceilings_exceeded"),
        ),
        Tile(
            "unfunded_needs",
            "Unfunded high-priority needs",
            fmt.count(n["unfunded_high_priority"]),
            f"{fmt.peso_short(n['unfunded_high_priority_cost'])} unmet, of {fmt.count(n['high_priority'])} "
            "high-priority needs",
            "Community needs above the high-priority threshold that no PPA funds (fct_need_gap)",
            tone="bad" if n["unfunded_high_priority"] else "good",
            href=links.get("unfunded_needs"),
        ),
    ]
    if credibility.height:
        r = credibility.row(0, named=True)
        tiles.append(
            Tile(
                "credibility",
                f"Budget credibility FY{r['fiscal_year']}",
                f"PI-1 {r['pi1_score']}",
                f"spent {fmt.percent(r['pi1_outturn'])} of the original budget",
                "PEFA PI-1 aggregate expenditure outturn: actual ÷ original approved budget, scored A (95–105%) to "
                "D (fct_budget_credibility); whole government, not filtered by MOA or sector",
                tone=_SCORE_TONE.get(r["pi1_score"]),
                href=links.get("credibility"),
            )
        )
    else:
        tiles.append(
            Tile(
                "credibility",
                "Budget credibility",
                fmt.MISSING,
                "no fiscal year in the selection has a PEFA score",
                "PEFA PI-1 needs a fiscal year with an original budget and actual spending",
                href=links.get("credibility"),
            )
        )
    return tiles


# ------------------------------------------------------------------------------------------ tables
@dataclass(frozen=True)
class Column:
    key: str
    header: str
    numeric: bool = False
    tooltip: str | None = None  # key of the row value shown on hover
    sort: str | None = None  # the frame column whose value orders this column in a grid (numbers, not their text)


PPA_COLUMNS = (
    Column("title", "PPA"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("sector", "Sector"),
    Column("fiscal_year", "FY", numeric=True),
    Column("budget", "Approved budget", numeric=True),
    Column("progress", "Progress", numeric=True),
    Column("status", "Status"),
)


def ppa_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``queries.top_ppas`` as display strings, in the frame's order; amounts exact to the centavo."""
    return [
        {
            "ppa_id": str(r["ppa_id"]),
            "title": r["title"] or fmt.MISSING,
            "moa": r["moa_acronym"] or fmt.MISSING,
            "moa_name": r["moa_name"] or "",
            "sector": fmt.sector_label(r["sector"]),
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "budget": fmt.peso_exact(r["budget_allocation"]),
            "progress": fmt.progress(r["progress"]),
            "status": fmt.status_label(r["status"]),
        }
        for r in frame.iter_rows(named=True)
    ]


def clicked_points(click: Any) -> list[dict]:
    """The points of a plotly click event (``clickData``), each a mapping; a request that sends anything else (a
    tampered callback) has no points."""
    points = click.get("points") if isinstance(click, dict) else None
    return [p for p in points if isinstance(p, dict)] if isinstance(points, list) else []
