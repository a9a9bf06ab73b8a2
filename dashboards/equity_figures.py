"""What the equity page shows, made from the frames of ``equity_queries``: per-capita bars on both denominators,
allocation share against need share, the per-area table and the inequality tiles with a plain-language reading.

The bands that turn an index into words are defined here (and tested): they are reading aids for planners, not
official thresholds. Every chart names its denominator — total population (PSA) or OBC population (the sum of the
OBC community estimates) — because the two give very different per-capita figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, Tile, base_layout, empty_figure

DENOMINATORS = {
    "total": ("spending_per_capita_total", "population_total", "total population (PSA)", "per person"),
    "obc": ("spending_per_capita_obc", "obc_population", "OBC population", "per OBC member"),
}
LEVEL_PLURALS = {"region": "regions", "province": "provinces", "municipality": "municipalities"}
BAR_LIMIT = 30  # bars per chart; the table lists every area
LABEL_LIMIT = 6  # areas labelled on the share scatter (the farthest from the line); hover shows every one

# ------------------------------------------------------------------------------------------- bands
# (upper bound exclusive, word) from the lowest band up; the last band has no upper bound.
GINI_BANDS: tuple[tuple[float | None, str], ...] = (
    (0.2, "nearly even"),
    (0.3, "mildly unequal"),
    (0.5, "moderately unequal"),
    (None, "highly unequal"),
)
DISPERSION_BANDS: tuple[tuple[float | None, str], ...] = (  # coefficient of variation, Williamson
    (0.25, "low"),
    (0.5, "moderate"),
    (1.0, "high"),
    (None, "very high"),
)
THEIL_BANDS: tuple[tuple[float | None, str], ...] = (
    (0.1, "low"),
    (0.25, "moderate"),
    (0.5, "high"),
    (None, "very high"),
)
CONCENTRATION_NEUTRAL = 0.05  # |C| below this: spending is not related to need
CONCENTRATION_CLEAR = 0.2  # |C| from this: clearly towards the needier (or less needy) areas


def band(value: Decimal | float | None, bands: Sequence[tuple[float | None, str]]) -> str | None:
    """The word of the band ``value`` falls in (lower bound inclusive), None for a missing value."""
    if value is None:
        return None
    number = float(value)
    for upper, word in bands:
        if upper is None or number < upper:
            return word
    raise AssertionError("the last band has no upper bound")


def gini_reading(value: Decimal | float | None, level: str, subject: str = "spending per person") -> str:
    """Gini 0.42 at province level → "spending per person is moderately unequal across provinces"."""
    word = band(value, GINI_BANDS)
    if word is None:
        return "not defined: nothing was spent"
    return f"{subject} is {word} across {LEVEL_PLURALS.get(level, level)}"


def dispersion_reading(value: Decimal | float | None) -> str:
    word = band(value, DISPERSION_BANDS)
    if word is None:
        return "not defined: nothing was spent"
    return f"{word} spread: areas typically sit {float(value):.0%} away from the average"


def theil_reading(value: Decimal | float | None, between: Decimal | float | None, n_areas: int | None = None) -> str:
    """The band of a Theil index, and how much of it lies between regions (when the level has a decomposition).
    ``n_areas``: how many areas it is taken over (Theil L: those with spending); fewer than two say nothing."""
    word = band(value, THEIL_BANDS)
    if word is None:
        return "not defined: nothing was spent"
    if n_areas is not None and n_areas < 2:
        return f"not meaningful: taken over {n_areas} area with spending"
    text = f"{word} inequality"
    if between is not None and float(value) > 0:
        share = float(between) / float(value)
        text += f"; {share:.0%} of it is between regions, {1 - share:.0%} within them"
    return text


def max_min_reading(value: Decimal | float | None, n_zero: int | None) -> str:
    if value is None:
        if n_zero:
            return f"not defined: {n_zero} areas with people got nothing"
        return "not defined: nothing was spent"
    return f"the best-funded area gets {float(value):,.1f}× per head what the least-funded gets"


def concentration_reading(value: Decimal | float | None) -> str:
    """C > 0: spending goes to the needier areas; C < 0: to the less needy; near 0: unrelated to need."""
    if value is None:
        return "not defined: nothing was spent"
    number = float(value)
    if abs(number) < CONCENTRATION_NEUTRAL:
        return "spending per head is not related to need"
    strength = "clearly" if abs(number) >= CONCENTRATION_CLEAR else "somewhat"
    target = "the needier areas" if number > 0 else "the less needy areas"
    return f"spending per head goes {strength} to {target}"


# ------------------------------------------------------------------------------------------- tiles
INDEX_DEFINITIONS = {
    "max_min_ratio": "Highest per-capita spending ÷ lowest, over the areas with a population; undefined when the "
    "lowest is 0.",
    "coefficient_of_variation": "Unweighted standard deviation of the areas' per-capita spending ÷ their mean. "
    "Bands: < 0.25 low, < 0.5 moderate, < 1 high, else very high.",
    "williamson_index": "Population-weighted CV: √(Σ πᵣ (yᵣ − ȳ)²) ÷ ȳ, πᵣ = the area's share of the population. "
    "Same bands as the CV.",
    "gini_weighted": "Population-weighted Gini: Σᵣ Σₖ πᵣ πₖ |yᵣ − yₖ| ÷ 2ȳ. 0 = every person gets the same, 1 = one "
    "area gets everything. Bands: < 0.2 nearly even, < 0.3 mildly, < 0.5 moderately, else highly unequal.",
    "gini_unweighted": "Gini over areas, each area counting once whatever its size; it can disagree with the "
    "weighted one. Same bands.",
    "theil_t": "Theil T = Σ πᵣ (yᵣ/ȳ) ln(yᵣ/ȳ), an area with no spending adding 0; splits exactly into between- and "
    "within-region parts. Bands: < 0.1 low, < 0.25 moderate, < 0.5 high, else very high.",
    "theil_l": "Theil L (mean log deviation) = Σ πᵣ ln(ȳ/yᵣ); undefined at yᵣ = 0, so taken over the areas with "
    "spending only. Same bands and decomposition as Theil T.",
    "concentration_index": "2 cov(yᵣ, need rank) ÷ ȳ, areas ranked by unmet need cost per head (population-"
    "weighted). > 0: spending goes to the needier areas; < 0: to the less needy. |C| < 0.05 reads as unrelated, "
    "≥ 0.2 as clearly.",
}
INDEX_LABELS = {
    "max_min_ratio": "Max / min",
    "coefficient_of_variation": "Coeff. of variation",
    "williamson_index": "Williamson",
    "gini_weighted": "Gini, weighted",
    "gini_unweighted": "Gini, unweighted",
    "theil_t": "Theil T",
    "theil_l": "Theil L",
    "concentration_index": "Concentration",
}


def _number(value: Decimal | float | None, places: int = 2) -> str:
    return fmt.MISSING if value is None else f"{float(value):,.{places}f}"


def index_tiles(row: dict, level: str) -> list[Tile]:
    """The tiles of one row of ``equity_queries.indices`` (one denominator)."""
    denominator = row["denominator"]
    prefix = f"{denominator}-"

    def theil(key: str) -> Tile:
        between, within = row[f"{key}_between"], row[f"{key}_within"]
        parts = f" (between regions {_number(between, 3)} · within {_number(within, 3)})" if between is not None else ""
        covered = None
        if key == "theil_l" and row["n_areas"] is not None:
            covered = row["n_areas"] - (row["n_areas_zero_spending"] or 0)
            parts += f"; over the {fmt.count(covered)} areas with spending"
        return Tile(
            prefix + key,
            INDEX_LABELS[key],
            _number(row[key], 3),
            theil_reading(row[key], between, covered) + parts,
            INDEX_DEFINITIONS[key],
        )

    ratio = row["max_min_ratio"]
    return [
        Tile(
            prefix + "max_min_ratio",
            INDEX_LABELS["max_min_ratio"],
            fmt.MISSING if ratio is None else f"{float(ratio):,.1f}×",
            max_min_reading(ratio, row["n_areas_zero_spending"]),
            INDEX_DEFINITIONS["max_min_ratio"],
        ),
        Tile(
            prefix + "coefficient_of_variation",
            INDEX_LABELS["coefficient_of_variation"],
            _number(row["coefficient_of_variation"]),
            dispersion_reading(row["coefficient_of_variation"]),
            INDEX_DEFINITIONS["coefficient_of_variation"],
        ),
        Tile(
            prefix + "williamson_index",
            INDEX_LABELS["williamson_index"],
            _number(row["williamson_index"]),
            dispersion_reading(row["williamson_index"]),
            INDEX_DEFINITIONS["williamson_index"],
        ),
        Tile(
            prefix + "gini_weighted",
            INDEX_LABELS["gini_weighted"],
            _number(row["gini_weighted"]),
            gini_reading(row["gini_weighted"], level),
            INDEX_DEFINITIONS["gini_weighted"],
        ),
        Tile(
            prefix + "gini_unweighted",
            INDEX_LABELS["gini_unweighted"],
            _number(row["gini_unweighted"]),
            gini_reading(row["gini_unweighted"], level, "counting each area once, spending per head"),
            INDEX_DEFINITIONS["gini_unweighted"],
        ),
        theil("theil_t"),
        theil("theil_l"),
        Tile(
            prefix + "concentration_index",
            INDEX_LABELS["concentration_index"],
            _number(row["concentration_index"]),
            concentration_reading(row["concentration_index"]),
            INDEX_DEFINITIONS["concentration_index"],
        ),
    ]


def coverage_text(row: dict) -> str:
    """Which areas the indices of one denominator cover."""
    label = DENOMINATORS[row["denominator"]][2]
    text = (
        f"{fmt.count(row['n_areas'])} areas have a figure for the {label}; overall "
        f"{fmt.peso_exact(row['mean_per_capita'])} {DENOMINATORS[row['denominator']][3]}"
    )
    if row["n_areas_without_population"]:
        text += f"; {fmt.count(row['n_areas_without_population'])} without a figure left out"
    if row["n_areas_zero_spending"]:
        text += f"; {fmt.count(row['n_areas_zero_spending'])} got nothing (counted as 0, left out of Theil L)"
    return text + "."


# ------------------------------------------------------------------------------------------ figures
def bar_title(denominator: str, level: str, shown: int, total: int) -> str:
    _column, _population, label, per = DENOMINATORS[denominator]
    title = f"Spending {per} by {level}<br><sup>denominator: {label}"
    if shown < total:
        title += f"; the top {shown} of {total} {LEVEL_PLURALS.get(level, level)}"
    return title + "</sup>"


def per_capita_bar(frame: pl.DataFrame, denominator: str, level: str) -> go.Figure:
    """Horizontal bars of spending per head on one denominator, highest first (areas without that population are
    left out and counted in the title)."""
    column, population, label, per = DENOMINATORS[denominator]
    plotted = frame.filter(pl.col(column).is_not_null()).sort(
        [column, "spending"], descending=[True, True], nulls_last=True
    )
    total = plotted.height
    if total == 0:
        title = bar_title(denominator, level, 0, 0)
        reason = f"No {level} in the selection has a figure for the {label}" if frame.height else "No areas match"
        return empty_figure(title, reason, 360)
    plotted = plotted.head(BAR_LIMIT)
    values = plotted[column].to_list()
    names = plotted["area_name"].to_list()
    fig = go.Figure(
        go.Bar(
            x=[float(v) for v in values],
            y=names,
            orientation="h",
            marker_color=theme.NAVY if denominator == "total" else theme.LIGHT_BLUE,
            text=[f"₱{float(v):,.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [fmt.peso_exact(s), fmt.count(p), f"₱{v:,.4f}", fmt.count(n)]
                for s, p, v, n in zip(
                    plotted["spending"].to_list(),
                    plotted[population].to_list(),
                    values,
                    plotted["ppa_count"].to_list(),
                    strict=True,
                )
            ],
            hovertemplate=(
                f"<b>%{{y}}</b><br>Spending {per}: %{{customdata[2]}}<br>Spending: %{{customdata[0]}}"
                f"<br>{label[0].upper() + label[1:]}: %{{customdata[1]}}<br>PPAs: %{{customdata[3]}}<extra></extra>"
            ),
        )
    )
    base_layout(fig, bar_title(denominator, level, plotted.height, total), max(260, 90 + 24 * plotted.height))
    fig.update_xaxes(title_text=f"₱ {per} ({label})", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(showlegend=False, margin={"r": 72})
    return fig


SHARE_TITLE = "Allocation share vs need share"


def share_scatter(frame: pl.DataFrame, level: str) -> go.Figure:
    """Each area's share of the level's spending (y) against its share of the unmet need cost (x), with the 45°
    line: above it an area gets more than its need share, below it less. The areas farthest from the line are
    labelled."""
    title = (
        f"{SHARE_TITLE} by {level}<br><sup>Shares of all {LEVEL_PLURALS.get(level, level)}; above the dashed line an "
        "area gets more than its need share, below it less</sup>"
    )
    plotted = frame.filter(pl.col("need_share").is_not_null() & pl.col("allocation_share").is_not_null())
    if plotted.height == 0:
        reason = "No unmet need is recorded for these areas" if frame.height else "No areas match"
        return empty_figure(title, reason, 420)
    x = [float(v) for v in plotted["need_share"].to_list()]
    y = [float(v) for v in plotted["allocation_share"].to_list()]
    names = plotted["area_name"].to_list()
    gaps = [b - a for a, b in zip(x, y, strict=True)]
    labelled = set(sorted(range(len(gaps)), key=lambda i: -abs(gaps[i]))[:LABEL_LIMIT])
    colours = [theme.BLUE if g > 0 else theme.WARNING if g < 0 else theme.NEUTRAL for g in gaps]
    top = max(max(x), max(y), 0.01) * 1.08
    fig = go.Figure()
    fig.add_scatter(
        x=[0, top],
        y=[0, top],
        mode="lines",
        line={"color": theme.MUTED, "dash": "dash", "width": 1},
        hoverinfo="skip",
        name="Allocation = need share",
    )
    fig.add_scatter(
        x=x,
        y=y,
        mode="markers+text",
        text=[n if i in labelled else "" for i, n in enumerate(names)],
        textposition="middle right",
        textfont={"size": 10, "color": theme.INK},
        marker={"size": 10, "color": colours, "line": {"width": 1, "color": "white"}},
        customdata=[
            [n, fmt.percent(a, 2), fmt.percent(b, 2), fmt.peso_exact(s), fmt.peso_exact(u)]
            for n, a, b, s, u in zip(
                names,
                plotted["need_share"].to_list(),
                plotted["allocation_share"].to_list(),
                plotted["spending"].to_list(),
                plotted["unmet_need_cost"].to_list(),
                strict=True,
            )
        ],
        hovertemplate=(
            "<b>%{customdata[0]}</b><br>Need share: %{customdata[1]} (unmet need %{customdata[4]})"
            "<br>Allocation share: %{customdata[2]} (spending %{customdata[3]})<extra></extra>"
        ),
        name="Areas",
        showlegend=False,
    )
    base_layout(fig, title, 420)
    fig.update_xaxes(title_text="Share of the unmet need cost", tickformat=".0%", range=[0, top])
    fig.update_yaxes(title_text="Share of the spending", tickformat=".0%", range=[0, top])
    fig.update_layout(showlegend=False)
    return fig


# ------------------------------------------------------------------------------------------- table
AREA_COLUMNS = (
    Column("area", "Area", tooltip="parent"),
    Column("ppas", "PPAs", numeric=True, sort="ppa_count"),
    Column("spending", "Spending", numeric=True, sort="spending"),
    Column("population_total", "Population (PSA)", numeric=True, sort="population_total"),
    Column("per_capita_total", "₱ per person (total pop.)", numeric=True, sort="spending_per_capita_total"),
    Column("obc_population", "OBC population", numeric=True, sort="obc_population"),
    Column("per_capita_obc", "₱ per OBC member", numeric=True, sort="spending_per_capita_obc"),
    Column("unmet_need", "Unmet need cost", numeric=True, sort="unmet_need_cost"),
    Column("need_share", "Need share", numeric=True, sort="need_share"),
    Column("allocation_share", "Allocation share", numeric=True, sort="allocation_share"),
    Column("ratio", "Allocation ÷ need", numeric=True, sort="allocation_need_ratio"),
    Column("yoy", "Spending vs prev. year", numeric=True, tooltip="prev", sort="spending_yoy_pct"),
)


def _per_capita(value: Decimal | None) -> str:
    return fmt.MISSING if value is None else f"₱{value:,.2f}"


def area_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        parent = r["region_name"] or ""
        if r["level"] == "municipality" and r["province_name"]:
            parent = f"{r['province_name']}, {parent}".rstrip(", ")
        pct = r["spending_yoy_pct"]
        rows.append(
            {
                "area": r["area_name"] or fmt.MISSING,
                "parent": parent,
                "ppas": fmt.count(r["ppa_count"]),
                "spending": fmt.peso_exact(r["spending"]),
                "population_total": fmt.count(r["population_total"]),
                "per_capita_total": _per_capita(r["spending_per_capita_total"]),
                "obc_population": fmt.count(r["obc_population"]),
                "per_capita_obc": _per_capita(r["spending_per_capita_obc"]),
                "unmet_need": fmt.peso_exact(r["unmet_need_cost"]),
                "need_share": fmt.percent(r["need_share"]),
                "allocation_share": fmt.percent(r["allocation_share"]),
                "ratio": fmt.MISSING if r["allocation_need_ratio"] is None else f"{r['allocation_need_ratio']:.2f}",
                "yoy": fmt.MISSING if pct is None else ("+" if pct > 0 else "") + fmt.percent(pct / 100),
                "prev": f"Previous year: {fmt.peso_exact(r['spending_prev_year'])}",
            }
        )
    return rows


@dataclass(frozen=True)
class IndexGroup:
    denominator: str
    title: str
    coverage: str
    tiles: list[Tile]


def index_groups(frame: pl.DataFrame, level: str) -> list[IndexGroup]:
    """One group of tiles per denominator row of ``equity_queries.indices`` (total population first)."""
    groups = []
    for row in frame.iter_rows(named=True):
        label = DENOMINATORS[row["denominator"]][2]
        groups.append(
            IndexGroup(
                row["denominator"],
                f"Inequality of spending {DENOMINATORS[row['denominator']][3]} across "
                f"{LEVEL_PLURALS.get(level, level)} — denominator: {label}",
                coverage_text(row),
                index_tiles(row, level),
            )
        )
    return groups
