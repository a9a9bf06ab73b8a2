"""What the scorecard page shows, made from the frames of ``scorecard_queries``: table rows with a signal class per
cell, the cost-versus-results scatter and the SPI × CPI quadrant chart.

SPI and CPI thresholds (the same in the table colours, the chart and the metric help): below 0.9 is red (a breach:
more than 10 % behind schedule or over cost), 0.9 up to 1.0 is amber (slightly behind or over), 1.0 and above is
green (on or ahead of schedule, on or under cost). A missing index is grey and reads "—".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, base_layout, empty_figure, peso_exact_list

INDEX_BAD_BELOW = Decimal("0.9")
INDEX_GOOD_FROM = Decimal("1.0")
SIGNAL_CLASSES = {"good": "cell-good", "warning": "cell-warning", "bad": "cell-bad"}
SIGNAL_COLOURS = {"good": theme.GOOD, "warning": theme.WARNING, "bad": theme.BAD, None: theme.NEUTRAL}
SIGNAL_WORDS = {"good": "on track", "warning": "slightly off", "bad": "off track", None: "not known"}

NULL_REASONS = {
    "no_actuals_in_any_source": (
        "no source holds indicator actuals: OBCMS's outcome framework and the MOA PPA files carry targets only, and "
        "a PPA's progress is not an indicator actual"
    ),
}
BENEFICIARY_SOURCES = {
    "beneficiary_individuals_total": "individuals reached (monitoring entry)",
    "total_slots": "planned slots (no individuals recorded)",
}
# Sector colours: a categorical palette that avoids the status green / amber / red, which mean on track / warning /
# breach everywhere else.
SECTOR_COLOURS = {
    "economic": "#12355b",
    "social": "#5b8db8",
    "infrastructure": "#7d5ba6",
    "environment": "#8c7b4f",
    "governance": "#d08c60",
    "peace_security": "#8e5572",
    "unspecified": theme.NEUTRAL,
}
_EXTRA_SECTOR_COLOURS = ("#4a5a6a", "#a0785a", "#6c7a89")

SCATTER_TITLE = "Cost per beneficiary vs physical progress (PPAs)"
QUADRANT_TITLES = {
    "ppa": "Schedule (SPI) × cost (CPI) of the PPAs",
    "moa": "Schedule (SPI) × cost (CPI) by MOA and year",
}
# (x, y, anchors, label, colour) of the four quadrants, in paper coordinates
QUADRANT_LABELS = (
    (0.01, 0.99, "left", "top", "Behind schedule · under cost", "#9a6700"),
    (0.99, 0.99, "right", "top", "Ahead of schedule · under cost", "#117a65"),
    (0.01, 0.01, "left", "bottom", "Behind schedule · over cost", theme.BAD),
    (0.99, 0.01, "right", "bottom", "Ahead of schedule · over cost", "#9a6700"),
)
LOG_SPREAD = 50  # largest / smallest cost per beneficiary at which the scatter switches to a log axis


# ------------------------------------------------------------------------------------------ signals
def index_signal(value: Decimal | float | None) -> str | None:
    """The signal of an SPI or CPI: "bad" below 0.9, "warning" from 0.9 to below 1.0, "good" from 1.0; None
    when it is not known."""
    amount = fmt.to_decimal(value)
    if amount is None:
        return None
    if amount < INDEX_BAD_BELOW:
        return "bad"
    if amount < INDEX_GOOD_FROM:
        return "warning"
    return "good"


def index_text(value: Decimal | float | None) -> str:
    """An index to two places, rounded half up like every figure on the dashboards."""
    amount = fmt.to_decimal(value)
    return fmt.MISSING if amount is None else f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def rank_text(rank: int | None, tied: bool | None, group_size: int | None) -> str:
    """ "3 of 12", "1= of 12" when tied (another PPA of the sector and year costs the same), "—" without a rank."""
    if rank is None:
        return fmt.MISSING
    label = f"{rank}=" if tied else str(rank)
    return f"{label} of {group_size}" if group_size else label


def sector_colour(sector: str | None, order: Sequence[str] = ()) -> str:
    key = sector or "unspecified"
    if key in SECTOR_COLOURS:
        return SECTOR_COLOURS[key]
    index = list(order).index(key) if key in order else 0
    return _EXTRA_SECTOR_COLOURS[index % len(_EXTRA_SECTOR_COLOURS)]


def attainment_note(reasons: pl.DataFrame) -> str | None:
    """One sentence saying why attainment and outcome achievement read "—" (``attainment_null_reasons``)."""
    if reasons.height == 0:
        return None
    parts = []
    for row in reasons.iter_rows(named=True):
        reason = NULL_REASONS.get(row["attainment_null_reason"], row["attainment_null_reason"].replace("_", " "))
        parts.append(f"{reason} ({fmt.count(row['ppa_count'])} PPAs)")
    return "Indicator attainment and outcome achievement read — because " + "; ".join(parts) + "."


# ------------------------------------------------------------------------------------------- tables
# SPI and CPI come before the attainment columns, which read "—" everywhere until a source holds actuals.
PPA_COLUMNS = (
    Column("title", "PPA", tooltip="title_detail"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("sector", "Sector"),
    Column("fiscal_year", "FY", numeric=True),
    Column("budget", "Approved budget", numeric=True, sort="budget_allocation"),
    Column("beneficiaries", "Beneficiaries", numeric=True, tooltip="beneficiary_detail", sort="beneficiary_count"),
    Column("cost_per_beneficiary", "Cost per beneficiary", numeric=True, sort="cost_per_beneficiary"),
    Column("rank", "Rank in sector", numeric=True, tooltip="rank_detail", sort="cost_effectiveness_rank"),
    Column("spi", "SPI", numeric=True, tooltip="ev_detail", sort="schedule_performance_index"),
    Column("cpi", "CPI", numeric=True, tooltip="ev_detail", sort="cost_performance_index"),
    Column("attainment", "Indicator attainment", numeric=True, tooltip="attainment_detail"),
    Column("outcome", "Outcome achievement", numeric=True, tooltip="attainment_detail"),
)
MOA_COLUMNS = (
    Column("moa", "MOA", tooltip="moa_name"),
    Column("fiscal_year", "FY", numeric=True),
    Column("ppas", "PPAs", numeric=True, sort="ppa_count"),
    Column("budget", "Approved budget", numeric=True, sort="budget_allocation"),
    Column(
        "budget_yoy", "Budget vs previous year", numeric=True, tooltip="budget_prev", sort="budget_allocation_yoy_pct"
    ),
    Column("beneficiaries", "Beneficiaries", numeric=True, sort="beneficiary_count"),
    Column(
        "cost_per_beneficiary", "Cost per beneficiary", numeric=True, tooltip="cost_prev", sort="cost_per_beneficiary"
    ),
    Column("spi", "SPI", numeric=True, tooltip="ev_detail", sort="schedule_performance_index"),
    Column("cpi", "CPI", numeric=True, tooltip="ev_detail", sort="cost_performance_index"),
    Column("attainment", "Indicator attainment", numeric=True),
    Column("outcome", "Outcome achievement", numeric=True),
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _ev_detail(row: dict) -> str:
    if row.get("has_work_items") is False:
        return "No work items: no earned value"
    return (
        f"PV {fmt.peso_exact(row['planned_value'])} · EV {fmt.peso_exact(row['earned_value'])} · "
        f"AC {fmt.peso_exact(row['actual_cost'])}"
    )


def _signals(row: dict) -> dict[str, str]:
    classes = {}
    for key, column in (("spi", "schedule_performance_index"), ("cpi", "cost_performance_index")):
        signal = index_signal(row[column])
        if signal is not None:
            classes[key] = SIGNAL_CLASSES[signal]
    return classes


def ppa_rows(frame: pl.DataFrame) -> list[dict]:
    """``ppa_scorecard`` as display strings; ``cell_classes`` maps a column key to its signal class."""
    rows = []
    for r in frame.iter_rows(named=True):
        reason = r["attainment_null_reason"]
        source = r["beneficiary_count_source"]
        rows.append(
            {
                "ppa_id": str(r["ppa_id"]),
                "title": r["title"] or fmt.MISSING,
                "title_detail": f"{r['indicator_count']} indicators ({r['parsed_target_count']} with a numeric target)",
                "moa": r["moa_acronym"] or fmt.MISSING,
                "moa_name": r["moa_name"] or "",
                "sector": fmt.sector_label(r["sector"]),
                "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
                "budget": fmt.peso_exact(r["budget_allocation"]),
                "attainment": fmt.percent(r["indicator_attainment_rate"]),
                "outcome": fmt.percent(r["outcome_achievement_rate"]),
                "attainment_detail": NULL_REASONS.get(reason, reason) if reason else "",
                "beneficiaries": fmt.count(r["beneficiary_count"]),
                "beneficiary_detail": BENEFICIARY_SOURCES.get(source, "no beneficiary count") if source else "",
                "cost_per_beneficiary": fmt.peso_exact(r["cost_per_beneficiary"]),
                "rank": rank_text(
                    r["cost_effectiveness_rank"], r["cost_effectiveness_rank_tied"], r["rank_group_size"]
                ),
                "rank_detail": (
                    "Tied: another PPA of the same sector and year has the same cost per beneficiary"
                    if r["cost_effectiveness_rank_tied"]
                    else "1 = cheapest per beneficiary in its sector and fiscal year"
                ),
                "spi": index_text(r["schedule_performance_index"]),
                "cpi": index_text(r["cost_performance_index"]),
                "ev_detail": _ev_detail(r),
                "cell_classes": _signals(r),
            }
        )
    return rows


def _yoy(pct: Decimal | None, change: Decimal | None) -> str:
    if pct is not None:
        sign = "+" if pct > 0 else ""
        return f"{sign}{fmt.percent(pct / 100)}"
    if change is not None:
        return ("+" if change > 0 else "") + fmt.peso_short(change)
    return fmt.MISSING


def moa_rows(frame: pl.DataFrame) -> list[dict]:
    """``moa_scorecard`` as display strings; attainment is not in the by-MOA mart (and is null for every PPA)."""
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append(
            {
                "moa": r["moa_acronym"] or str(r["moa_id"]),
                "moa_name": r["moa_name"] or "",
                "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
                "ppas": fmt.count(r["ppa_count"]),
                "budget": fmt.peso_exact(r["budget_allocation"]),
                "budget_yoy": _yoy(r["budget_allocation_yoy_pct"], r["budget_allocation_yoy_change"]),
                "budget_prev": f"Previous year: {fmt.peso_exact(r['budget_allocation_prev_year'])}",
                "attainment": fmt.MISSING,
                "outcome": fmt.MISSING,
                "beneficiaries": fmt.count(r["beneficiary_count"]),
                "cost_per_beneficiary": fmt.peso_exact(r["cost_per_beneficiary"]),
                "cost_prev": f"Previous year: {fmt.peso_exact(r['cost_per_beneficiary_prev_year'])}",
                "spi": index_text(r["schedule_performance_index"]),
                "cpi": index_text(r["cost_performance_index"]),
                "ev_detail": _ev_detail(r),
                "cell_classes": _signals(r),
            }
        )
    return rows


# ------------------------------------------------------------------------------------------ figures
def _marker_sizes(budgets: Sequence[Decimal | None]) -> list[float]:
    """Marker diameters 8–40 px with the area proportional to the budget."""
    values = [float(b) if b is not None and b > 0 else 0.0 for b in budgets]
    largest = max(values, default=0.0)
    if largest <= 0:
        return [10.0 for _ in values]
    return [8 + 32 * math.sqrt(v / largest) for v in values]


# Above this many dots a chart draws with WebGL (``Scattergl``): SVG slows the browser down with thousands of
# points. Fewer are drawn as SVG, as before.
WEBGL_FROM = 1_000


def _scatter_trace(points: int, **kwargs: object) -> go.Scatter | go.Scattergl:
    return (go.Scattergl if points >= WEBGL_FROM else go.Scatter)(**kwargs)


def _floats_array(series: pl.Series) -> np.ndarray:
    """A column as float64 (nulls → NaN): plotly takes a numpy array as it is, where a list of Decimals is checked
    and copied item by item (most of a 20,000-point chart's time)."""
    return series.cast(pl.Float64).fill_null(float("nan")).to_numpy()


def _hover(template: str, *columns: list[str]) -> np.ndarray:
    """Each point's hover text, ``template`` filled with its values, as one string per point: plotly copies a
    figure's arrays twice on the way to the browser, item by item for text, so one item per point, not seven."""
    return np.array([template.format(*values) for values in zip(*columns, strict=True)], dtype=object)


# Hover at scale: the figures' fixed words and the peso formatting live once in the trace's hovertemplate; each dot
# carries only its label (text) and its amounts as numbers (customdata, a float array plotly takes as it is), which
# the browser formats (d3 ",.2f" with the template's "." and "," separators: the text of formatting.peso_exact for
# two-place amounts under ~₱90 trillion, where a float still holds every centavo). A selection where a hover amount
# is missing or negative keeps one text per dot (d3 would show "NaN" where peso_exact shows "—").
SCATTER_HOVER = (
    "<b>%{text}</b><br>%{hovertext}<br>Cost per beneficiary: ₱%{x:,.2f}<br>Approved budget: ₱%{customdata[0]:,.2f}"
    "<br>Beneficiaries: %{customdata[1]:,.0f}<br>Progress: %{y}%<extra></extra>"
)
QUADRANT_HOVER = (
    "<b>%{text}</b><br>SPI %{customdata[0]:.2f} · CPI %{customdata[1]:.2f} (%{hovertext})"
    "<br>PV ₱%{customdata[2]:,.2f}<br>EV ₱%{customdata[3]:,.2f}<br>AC ₱%{customdata[4]:,.2f}<extra></extra>"
)


def _numbers_shown_exactly(frame: pl.DataFrame, columns: Sequence[str]) -> bool:
    """The browser can show these columns' values itself: none missing or negative, two-place Decimals (or whole
    numbers)."""
    for column in columns:
        series = frame[column]
        exact = series.dtype.is_integer() or (isinstance(series.dtype, pl.Decimal) and series.dtype.scale == 2)
        if not exact or series.null_count() or (series < 0).any():  # d3 writes a minus as "−", peso_exact "-"
            return False
    return True


def _numbers(frame: pl.DataFrame, *columns: str | np.ndarray) -> np.ndarray:
    """Columns (or arrays) side by side as one float array, a row per dot: a figure's compact customdata."""
    return np.column_stack([_floats_array(frame[c]) if isinstance(c, str) else c for c in columns])


def cost_results_scatter(frame: pl.DataFrame) -> go.Figure:
    """One dot per PPA with a cost per beneficiary and a progress: x = cost per beneficiary (log when the costs
    spread over more than ``LOG_SPREAD`` ×), y = physical progress (dim_ppa; indicator actuals exist in no source,
    so outcome achievement cannot be plotted), colour = sector, size = approved budget."""
    plotted = frame.filter(pl.col("cost_per_beneficiary").is_not_null() & pl.col("progress").is_not_null())
    if plotted.height == 0:
        return empty_figure(SCATTER_TITLE, "No PPA in the selection has a beneficiary count and a budget", 420)
    costs = _floats_array(plotted["cost_per_beneficiary"])
    positive = costs[costs > 0]
    use_log = bool(positive.size) and positive.size == costs.size and positive.max() / positive.min() >= LOG_SPREAD
    sizes = np.array(_marker_sizes(plotted["budget_allocation"].to_list()))
    progress = _floats_array(plotted["progress"])
    sectors = np.array([s or "unspecified" for s in plotted["sector"].to_list()], dtype=object)
    order = list(dict.fromkeys(sorted(sectors.tolist(), key=lambda s: (s == "unspecified", s))))
    titles = [t or fmt.MISSING for t in plotted["title"].to_list()]
    moas = [m or fmt.MISSING for m in plotted["moa_acronym"].to_list()]
    years = [fmt.fiscal_year(y) for y in plotted["fiscal_year"].to_list()]
    compact = _numbers_shown_exactly(plotted, ("cost_per_beneficiary", "budget_allocation", "beneficiary_count"))
    if compact:  # the label per dot, the amounts as numbers
        hover = {
            "customdata": _numbers(plotted, "budget_allocation", "beneficiary_count"),
            "text": np.array(titles, dtype=object),
            "hovertext": _hover("{0} · FY {1}", moas, years),
        }
    else:
        texts = _hover(
            "<b>{0}</b><br>{1} · FY {5}<br>Cost per beneficiary: {2}<br>Approved budget: {3}<br>Beneficiaries: {4}",
            titles,
            moas,
            peso_exact_list(plotted["cost_per_beneficiary"]),
            peso_exact_list(plotted["budget_allocation"]),
            [fmt.count(n) for n in plotted["beneficiary_count"].to_list()],
            years,
        )
    fig = go.Figure()
    for sector in order:
        picks = sectors == sector
        fig.add_trace(
            _scatter_trace(
                plotted.height,
                x=costs[picks],
                y=progress[picks],
                mode="markers",
                name=fmt.sector_label(sector),
                marker={
                    "size": sizes[picks],
                    "color": sector_colour(sector, order),
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "white"},
                },
                **(
                    {key: hover[key][picks] for key in ("customdata", "text", "hovertext")}
                    | {"hovertemplate": SCATTER_HOVER}
                    if compact
                    else {"hovertext": texts[picks], "hovertemplate": "%{hovertext}<br>Progress: %{y}%<extra></extra>"}
                ),
            )
        )
    left_out = frame.height - plotted.height
    title = (
        f"{SCATTER_TITLE}<br><sup>{_plural(plotted.height, 'PPA')}; y = progress (no source holds indicator actuals)"
        + (f"; {left_out} without a cost per beneficiary" if left_out else "")
        + "</sup>"
    )
    base_layout(fig, title, 420)
    fig.update_xaxes(
        title_text="Cost per beneficiary (₱" + (", log scale)" if use_log else ")"),
        type="log" if use_log else "linear",
        tickprefix="₱",
    )
    fig.update_yaxes(title_text="Physical progress (%)", range=[-5, 105])
    fig.update_layout(
        legend={"title": {"text": "Sector (size = budget):"}, "orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"}
    )
    return fig


_SIGNAL_ORDER = ("good", "warning", "bad", None)
# one band of the scale per signal: value i (0..3) maps to the middle of band i
_SIGNAL_SCALE = [
    [edge, SIGNAL_COLOURS[signal]]
    for i, signal in enumerate(_SIGNAL_ORDER)
    for edge in (i / len(_SIGNAL_ORDER), (i + 1) / len(_SIGNAL_ORDER))
]


def signal_colours(marker: object) -> list[str]:
    """The colour of each dot of a quadrant chart's marker (its signal codes read through the stepped scale)."""
    return [SIGNAL_COLOURS[_SIGNAL_ORDER[int(code)]] for code in marker.color]  # type: ignore[attr-defined]


def index_texts_and_signals(values: pl.Series) -> tuple[list[str], list[str | None]]:
    """``index_text`` and ``index_signal`` of every value of an SPI or CPI column. A Decimal column (the marts'
    DECIMAL(12, 4)) is read as whole units of its last place, so rounding half up to two places and the thresholds
    are integer arithmetic in polars, exactly; any other column goes value by value."""
    dtype = values.dtype
    if not (isinstance(dtype, pl.Decimal) and dtype.scale is not None and 2 <= dtype.scale <= 12):
        items = values.to_list()
        return [index_text(v) for v in items], [index_signal(v) for v in items]
    unit = 10 ** (dtype.scale - 2)  # one hundredth in units of the last place
    raw = pl.col("v").to_physical().cast(pl.Int64)
    magnitude = (raw.abs() + unit // 2) // unit if unit > 1 else raw.abs()  # half up: ties away from zero
    hundredths = pl.when(raw < 0).then(-magnitude).otherwise(magnitude)
    whole = hundredths.abs() // 100
    text = pl.concat_str(
        pl.when(raw < 0).then(pl.lit("-")).otherwise(pl.lit("")),  # as Decimal: -0.004 reads "-0.00"
        whole.cast(pl.String),
        pl.lit("."),
        (hundredths.abs() % 100).cast(pl.String).str.zfill(2),
    )
    scale = 10**dtype.scale
    bad_below, good_from = int(INDEX_BAD_BELOW * scale), int(INDEX_GOOD_FROM * scale)
    signal = (
        pl.when(raw.is_null())
        .then(pl.lit(None, pl.String))
        .when(raw < bad_below)
        .then(pl.lit("bad"))
        .when(raw < good_from)
        .then(pl.lit("warning"))
        .otherwise(pl.lit("good"))
    )
    frame = pl.DataFrame({"v": values}).select(
        pl.when(raw.is_null()).then(pl.lit(fmt.MISSING)).otherwise(text).alias("text"), signal.alias("signal")
    )
    return frame["text"].to_list(), frame["signal"].to_list()


def _worse(a: str | None, b: str | None) -> str | None:
    for worst in ("bad", "warning", "good"):
        if worst in (a, b):
            return worst
    return None


def quadrant_signal(spi: Decimal | float | None, cpi: Decimal | float | None) -> str | None:
    """The worse of the two signals."""
    signals = [index_signal(spi), index_signal(cpi)]
    for worst in ("bad", "warning", "good"):
        if worst in signals:
            return worst
    return None


def quadrant_chart(frame: pl.DataFrame, view: str = "ppa") -> go.Figure:
    """SPI (x) against CPI (y), lines at 1.0: left of the line = behind schedule, below = over cost. A dot's colour
    is the worse of its two signals. ``view`` "ppa" labels dots by PPA title, "moa" by MOA acronym and year."""
    title = QUADRANT_TITLES[view]
    plotted = frame.filter(
        pl.col("schedule_performance_index").is_not_null() & pl.col("cost_performance_index").is_not_null()
    )
    if plotted.height == 0:
        subject = "PPA" if view == "ppa" else "MOA"
        return empty_figure(
            title, f"No {subject} in the selection has both an SPI and a CPI (they need work items with a PV and AC)"
        )
    spi = _floats_array(plotted["schedule_performance_index"])
    cpi = _floats_array(plotted["cost_performance_index"])
    if view == "ppa":
        labels = [t or fmt.MISSING for t in plotted["title"].to_list()]
    else:
        labels = [
            f"{acronym or moa_id} {fmt.fiscal_year(year)}"
            for acronym, moa_id, year in zip(
                plotted["moa_acronym"].to_list(),
                plotted["moa_id"].to_list(),
                plotted["fiscal_year"].to_list(),
                strict=True,
            )
        ]
    spi_texts, spi_signals = index_texts_and_signals(plotted["schedule_performance_index"])
    cpi_texts, cpi_signals = index_texts_and_signals(plotted["cost_performance_index"])
    signals = [_worse(a, b) for a, b in zip(spi_signals, cpi_signals, strict=True)]
    words = [SIGNAL_WORDS[s] for s in signals]
    if _numbers_shown_exactly(plotted, ("planned_value", "earned_value", "actual_cost")):
        # SPI and CPI as index_text rounds them (half up, exactly), so the browser's two places show that text
        rounded = [np.array(texts, dtype=np.float64) for texts in (spi_texts, cpi_texts)]
        hover: dict[str, object] = {
            "customdata": _numbers(plotted, *rounded, "planned_value", "earned_value", "actual_cost"),
            "text": np.array(labels, dtype=object),
            "hovertext": np.array(words, dtype=object),
            "hovertemplate": QUADRANT_HOVER,
        }
    else:
        hover = {
            "hovertext": _hover(
                "<b>{0}</b><br>SPI {1} · CPI {2} ({6})<br>PV {3}<br>EV {4}<br>AC {5}",
                labels,
                spi_texts,
                cpi_texts,
                peso_exact_list(plotted["planned_value"]),
                peso_exact_list(plotted["earned_value"]),
                peso_exact_list(plotted["actual_cost"]),
                words,
            ),
            "hovertemplate": "%{hovertext}<extra></extra>",
        }
    fig = go.Figure(
        _scatter_trace(
            plotted.height,
            x=spi,
            y=cpi,
            mode="markers",
            marker={
                "size": 11,
                # each dot's signal as a number on a stepped colour scale: the colours of SIGNAL_COLOURS exactly,
                # without plotly checking 20,000 colour strings one by one
                "color": np.array([_SIGNAL_ORDER.index(s) for s in signals], dtype=np.float64),
                "colorscale": _SIGNAL_SCALE,
                "cmin": -0.5,
                "cmax": len(_SIGNAL_ORDER) - 0.5,
                "showscale": False,
                "line": {"width": 1, "color": "white"},
            },
            **hover,
            showlegend=False,
        )
    )
    low = min(spi.min(), cpi.min(), 0.5)
    high = max(spi.max(), cpi.max(), 1.5)
    pad = (high - low) * 0.06
    x_range = [min(spi.min(), 0.5) - pad, max(spi.max(), 1.5) + pad]
    y_range = [min(cpi.min(), 0.5) - pad, max(cpi.max(), 1.5) + pad]
    fig.add_vline(x=1, line={"color": theme.MUTED, "width": 1, "dash": "dash"})
    fig.add_hline(y=1, line={"color": theme.MUTED, "width": 1, "dash": "dash"})
    for x, y, xanchor, yanchor, text, colour in QUADRANT_LABELS:
        fig.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            xanchor=xanchor,
            yanchor=yanchor,
            text=text,
            showarrow=False,
            font={"size": 11, "color": colour},
        )
    left_out = frame.height - plotted.height
    subject = "PPA" if view == "ppa" else "MOA-year"
    full_title = (
        f"{title}<br><sup>{_plural(plotted.height, subject)}; colour = the worse of SPI and CPI"
        + (f"; {_plural(left_out, subject)} without both indices not shown" if left_out else "")
        + "</sup>"
    )
    base_layout(fig, full_title, 420)
    fig.update_xaxes(title_text="SPI = EV ÷ PV (< 1 behind schedule)", range=x_range)
    fig.update_yaxes(title_text="CPI = EV ÷ AC (< 1 over cost)", range=y_range)
    return fig
