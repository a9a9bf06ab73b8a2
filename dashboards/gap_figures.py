"""What the gap-analysis page shows, made from ``gap_queries`` frames: headline tiles, a tile-free bubble map, the
needs table and the assessment alerts.

The map needs no internet: plotly's geo and mapbox maps fetch topojson or tiles from a CDN, so the areas are drawn
as a plain scatter on longitude/latitude axes (equal aspect) with one bubble per area at the centre dim_geography
gives it: bubble area ∝ unmet cost, colour = unmet cost per person (or the unmet cost itself). Areas without a centre
are not drawn; :func:`no_position_note` names them.
"""

from __future__ import annotations

import math
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import GRID, MUTED, Column, Tile, base_layout, empty_figure

MAP_HEIGHT = 600
MAX_BUBBLE_PX = 46  # diameter of the largest bubble
MIN_BUBBLE_PX = 7
LEVEL_LABELS = {"province": "Province", "municipality": "Municipality"}
COLOUR_BY = {"per_capita": "Per-capita unmet need", "unmet_cost": "Unmet cost"}
URGENCY_LABELS = {
    "immediate": "Immediate",
    "short_term": "Short term",
    "medium_term": "Medium term",
    "long_term": "Long term",
}
NO_POPULATION = "no population"


def urgency_label(code: str | None) -> str:
    if code is None:
        return fmt.MISSING
    return URGENCY_LABELS.get(code, code.replace("_", " ").capitalize())


def need_sector_label(code: str | None) -> str:
    """A need category's sector (health, social_development…) in words."""
    return fmt.sector_label(code)


def per_capita_text(value: float | Decimal | None, population: int | None = None) -> str:
    """₱ of unmet need per resident; "no population" when the area has none recorded, "unknown" when it has one
    but none of its needs has a cost estimate."""
    if not population:
        return NO_POPULATION
    if value is None:
        return "unknown (no cost estimate)"
    return f"{fmt.peso_exact(value)} per person"


def threshold_text(threshold: Decimal) -> str:
    """4 → "4.0", 4.25 → "4.25": the threshold as the mart's documentation writes it."""
    if threshold == threshold.to_integral_value():
        return f"{threshold:.1f}"
    return str(threshold.normalize())


# ------------------------------------------------------------------------------------------- tiles
def headline_tiles(frame: pl.DataFrame, threshold: Decimal) -> list[Tile]:
    """The four headline figures from ``gap_queries.headline``'s single row."""
    row = frame.row(0, named=True)
    unknown = row["unfunded_cost_unknown"] or 0
    cost_detail = fmt.peso_exact(row["unfunded_unmet_cost"])
    if unknown:
        cost_detail += f" · {fmt.count(unknown)} without a cost estimate"
    high = row["high_priority_count"] or 0
    threshold = threshold_text(threshold)
    return [
        Tile(
            "unfunded_count",
            "Unfunded high-priority needs",
            fmt.count(row["unfunded_count"]),
            f"of {fmt.count(high)} with a priority score above {threshold}",
            f"Needs with priority score > {threshold} that no PPA funds (through either link)",
        ),
        Tile(
            "unmet_cost",
            "Their unmet cost",
            fmt.peso_short(row["unfunded_unmet_cost"]),
            cost_detail,
            "Σ unmet cost (estimated cost − funding) of the unfunded high-priority needs; needs without an "
            "estimated cost add nothing",
        ),
        Tile(
            "affected_population",
            "Affected population",
            fmt.count(row["unfunded_affected_population"]),
            "people, as OBCMS states per need",
            "Σ affected population of the unfunded high-priority needs (a person named by two needs counts twice)",
        ),
        Tile(
            "funded_share",
            "High-priority needs funded",
            fmt.percent(row["funded_share"]),
            f"{fmt.count(row['funded_count'])} of {fmt.count(high)} funded",
            "Funded high-priority needs ÷ all high-priority needs of the selection; — when there is none",
        ),
    ]


# --------------------------------------------------------------------------------------------- map
def _bubble_sizes(amounts: list[Decimal | None], largest: float) -> list[float]:
    """Diameters in px with the bubble's AREA proportional to the amount; an unknown or zero amount is the minimum."""
    sizes = []
    for amount in amounts:
        value = float(amount) if amount is not None else 0.0
        diameter = MAX_BUBBLE_PX * math.sqrt(value / largest) if largest > 0 and value > 0 else 0.0
        sizes.append(max(MIN_BUBBLE_PX, diameter))
    return sizes


def _hover_rows(frame: pl.DataFrame, level: str) -> list[list[str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        unknown = r["cost_unknown_count"] or 0
        cost = fmt.peso_exact(r["unmet_cost"]) if r["unmet_cost"] is not None else "unknown"
        if unknown:
            cost += f" ({fmt.count(unknown)} without a cost estimate)"
        where = [r["province_name"]] if level == "municipality" and r["province_name"] else []
        where.append(r["region_name"] or fmt.MISSING)
        rows.append(
            [
                r["geography_id"],
                r["area_name"] or r["geography_id"],
                ", ".join(where),
                cost,
                per_capita_text(r["unmet_per_capita"], r["population_total"]),
                fmt.count(r["needs_count"]),
                fmt.count(r["affected_population"]),
                fmt.count(r["population_total"]) if r["population_total"] else NO_POPULATION,
            ]
        )
    return rows


_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}"
    "<br>Unmet cost: %{customdata[3]}"
    "<br>Per-capita unmet need: %{customdata[4]}"
    "<br>Needs: %{customdata[5]} · affected people: %{customdata[6]}"
    "<br>Population: %{customdata[7]}"
    "<br><i>Click to list its needs</i><extra></extra>"
)


def _degree_ticks(low: float, high: float, suffix: str) -> dict:
    step = 0.5 if high - low <= 3 else 1.0
    first = math.floor(low / step) * step
    values = []
    value = first
    while value <= high + 1e-9:
        values.append(round(value, 2))
        value += step
    return {"tickvals": values, "ticktext": [f"{v:g}°{suffix}" for v in values]}


def area_map(
    frame: pl.DataFrame,
    regions: pl.DataFrame,
    level: str = "province",
    colour_by: str = "per_capita",
    selected: str | None = None,
    include_funded: bool = False,
) -> go.Figure:
    """One bubble per area at its centre (``gap_queries.areas``), region names as grey labels, no base map."""
    placed = frame.filter(pl.col("center_longitude").is_not_null() & pl.col("center_latitude").is_not_null())
    needs = "High-priority needs, funded too" if include_funded else "Unfunded high-priority needs"
    title = f"{needs}: unmet cost by {LEVEL_LABELS.get(level, level).lower()}"
    if frame.height == 0:
        return empty_figure(title, f"No {needs.lower()} match these filters", MAP_HEIGHT)
    if placed.height == 0:
        return empty_figure(title, "None of these areas has a map position (see the list below)", MAP_HEIGHT)

    amounts = placed["unmet_cost"].to_list()
    largest = max((float(a) for a in amounts if a is not None), default=0.0)
    sizes = _bubble_sizes(amounts, largest)
    hover = _hover_rows(placed, level)
    fig = go.Figure()

    region_codes = set(placed["region_code"].to_list())
    shown_regions = regions.filter(pl.col("region_code").is_in([c for c in region_codes if c is not None]))
    if shown_regions.height:
        fig.add_scatter(
            x=shown_regions["center_longitude"].to_list(),
            y=shown_regions["center_latitude"].to_list(),
            mode="text",
            text=[f"Region {c}" if c else n for c, n in shown_regions.select("region_code", "region_name").rows()],
            textfont={"size": 13, "color": "#aab4c0", "weight": 700},
            hoverinfo="skip",
            showlegend=False,
            name="Regions",
        )

    by_cost = colour_by == "unmet_cost"
    values = [float(a) if a is not None else None for a in amounts] if by_cost else placed["unmet_per_capita"].to_list()
    has_value = [v is not None for v in values]
    outline = [theme.NAVY if gid == selected else "white" for gid in placed["geography_id"].to_list()]
    widths = [3 if gid == selected else 1 for gid in placed["geography_id"].to_list()]

    def subset(items: list, keep: list[bool]) -> list:
        return [item for item, k in zip(items, keep, strict=True) if k]

    xs, ys = placed["center_longitude"].to_list(), placed["center_latitude"].to_list()
    coloured = has_value
    if any(coloured):
        scale_values = subset(values, coloured)
        fig.add_scatter(
            x=subset(xs, coloured),
            y=subset(ys, coloured),
            mode="markers",
            name=COLOUR_BY["unmet_cost" if by_cost else "per_capita"],
            customdata=subset(hover, coloured),
            hovertemplate=_HOVER,
            marker={
                "size": subset(sizes, coloured),
                "color": scale_values,
                "colorscale": theme.AMOUNT_SCALE if by_cost else theme.SEVERITY_SCALE,
                "cmin": 0,
                "cmax": max(scale_values) or 1,
                "opacity": 0.85,
                "line": {"color": subset(outline, coloured), "width": subset(widths, coloured)},
                "colorbar": {
                    "title": {"text": "₱ unmet" if by_cost else "₱ per person", "side": "right"},
                    "thickness": 12,
                    "len": 0.6,
                    "tickprefix": "₱",
                    "tickformat": "~s" if by_cost else ",.0f",
                },
            },
            showlegend=False,
        )
    grey = [not c for c in coloured]
    if any(grey):
        fig.add_scatter(
            x=subset(xs, grey),
            y=subset(ys, grey),
            mode="markers",
            name="Grey: unmet cost unknown" if by_cost else "Grey: no population or no cost estimate",
            customdata=subset(hover, grey),
            hovertemplate=_HOVER,
            marker={
                "size": subset(sizes, grey),
                "color": theme.NEUTRAL,
                "opacity": 0.7,
                "line": {"color": subset(outline, grey), "width": subset(widths, grey)},
            },
            showlegend=True,
        )

    base_layout(fig, title, MAP_HEIGHT)
    pad = 0.35
    x_low, x_high = min(xs) - pad, max(xs) + pad
    y_low, y_high = min(ys) - pad, max(ys) + pad
    fig.update_xaxes(
        range=[x_low, x_high],
        showgrid=True,
        gridcolor=GRID,
        title_text="Longitude",
        **_degree_ticks(x_low, x_high, "E"),
    )
    fig.update_yaxes(
        range=[y_low, y_high],
        scaleanchor="x",
        scaleratio=1,
        showgrid=True,
        gridcolor=GRID,
        title_text="Latitude",
        **_degree_ticks(y_low, y_high, "N"),
    )
    fig.update_layout(
        clickmode="event",
        hovermode="closest",
        dragmode="pan",
        uirevision=level,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 8, "r": 8, "t": 56, "b": 8},
    )
    fig.add_annotation(
        text="Bubble area: unmet cost · no base map (works offline)",
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": MUTED},
        bgcolor="rgba(255,255,255,0.8)",
    )
    return fig


def no_position_note(frame: pl.DataFrame) -> str | None:
    """ "n areas have no map position: …" for the areas of ``gap_queries.areas`` without a centre, else None."""
    missing = frame.filter(pl.col("center_longitude").is_null() | pl.col("center_latitude").is_null())
    if missing.height == 0:
        return None
    names = []
    for r in missing.iter_rows(named=True):
        name = r["area_name"] or r["geography_id"]
        names.append(f"{name} ({fmt.peso_exact(r['unmet_cost'])}, {fmt.count(r['needs_count'])} needs)")
    noun = "area has" if missing.height == 1 else "areas have"
    return f"{fmt.count(missing.height)} {noun} no map position: " + "; ".join(names) + "."


def unplaced_note(frame: pl.DataFrame, level: str) -> str | None:
    """How many selected needs belong to communities not placed at this level (``gap_queries.unplaced``)."""
    n = frame["without_province" if level == "province" else "without_municipality"][0]
    if not n:
        return None
    return (
        f"{fmt.count(n)} of the selected needs have no {level} in OBCMS and are on no bubble (they are in the table)."
    )


# ------------------------------------------------------------------------------------------- needs
NEED_COLUMNS = (
    Column("title", "Need", tooltip="category"),
    Column("area", "Area", tooltip="area_full"),
    Column("sector", "Sector"),
    Column("urgency", "Urgency"),
    Column("priority", "Priority score", numeric=True),
    Column("estimated", "Estimated cost", numeric=True),
    Column("funding", "Funding", numeric=True),
    Column("unmet", "Unmet cost", numeric=True),
    Column("people", "Affected people", numeric=True),
    Column("status", "Status", tooltip="status_detail"),
)
FUNDING_STATUS = {"unfunded": "Unfunded", "partially_funded": "Partly funded", "funded": "Funded"}


def funding_status(is_funded: bool, coverage_ratio: Decimal | float | None) -> str:
    """unfunded, partially_funded (funded, coverage below 1) or funded: the mart's is_funded and coverage_ratio."""
    if not is_funded:
        return "unfunded"
    if coverage_ratio is not None and coverage_ratio < 1:
        return "partially_funded"
    return "funded"


def need_rows(frame: pl.DataFrame) -> list[dict]:
    """``gap_queries.needs`` as display values, in the frame's order; amounts exact to the centavo."""
    rows = []
    for r in frame.iter_rows(named=True):
        status = funding_status(r["is_funded"], r["coverage_ratio"])
        places = [r["municipality_name"], r["province_name"]]
        via = f" via {r['funded_via'].replace('_', ' ')}" if r["funded_via"] else ""
        ppas = f" (PPA {r['funding_ppa_ids']})" if r["funding_ppa_ids"] else ""
        rows.append(
            {
                "need_id": str(r["need_id"]),
                "title": r["title"] or fmt.MISSING,
                "category": r["category_name"] or "",
                "area": ", ".join(p for p in places if p) or "Not placed",
                "area_full": " · ".join(
                    p for p in (r["barangay_name"], r["municipality_name"], r["province_name"], r["region_name"]) if p
                ),
                "sector": need_sector_label(r["sector"]),
                "urgency": urgency_label(r["urgency_level"]),
                "priority": f"{r['priority_score']:.2f}" if r["priority_score"] is not None else fmt.MISSING,
                "estimated": fmt.peso_exact(r["estimated_cost"]),
                "funding": fmt.peso_exact(r["funding_amount"]),
                "unmet": fmt.peso_exact(r["unmet_cost"]),
                "people": fmt.count(r["affected_population"]),
                "status": FUNDING_STATUS[status],
                "status_key": status,
                "status_badge": theme.status_badge(status),
                "status_detail": f"{FUNDING_STATUS[status]}{via}{ppas}",
            }
        )
    return rows


def shown_of(frame: pl.DataFrame) -> str:
    """ "Showing 50 of 312 needs" from ``gap_queries.needs`` (its ``matching_count``)."""
    total = frame["matching_count"][0] if frame.height else 0
    noun = "need" if total == 1 else "needs"
    return f"Showing {fmt.count(frame.height)} of {fmt.count(total)} {noun}"


# ------------------------------------------------------------------------------------------ alerts
ALERT_COLUMNS = (
    Column("title", "Assessment", tooltip="assessment_id"),
    Column("level", "Level"),
    Column("area", "Area"),
    Column("completed", "Completed"),
    Column("unfunded", "Unfunded high-priority", numeric=True, sort="high_priority_unfunded_count"),
    Column("share", "Share unfunded", numeric=True, sort="unfunded_share"),
    Column("cost", "Their estimated cost", numeric=True, sort="high_priority_unfunded_cost"),
)
ALERTS_PAGE_SIZE = 10  # rows per page of the alerts grid (it sits in a card of fixed height)
NO_ALERTS = "No alert: no completed assessment in these areas has more than half of its high-priority needs unfunded."


def alert_rows(frame: pl.DataFrame) -> list[dict]:
    """``gap_queries.alerts`` as display values; a share above 50 % is the alert's definition, so all rows are red."""
    rows = []
    for r in frame.iter_rows(named=True):
        places = [r["municipality_name"], r["province_name"], r["region_name"]]
        rows.append(
            {
                "assessment_id": r["assessment_id"],
                "title": r["title"] or r["assessment_id"],
                "level": (r["assessment_level"] or fmt.MISSING).replace("_", " ").capitalize(),
                "area": ", ".join(p for p in places if p) or fmt.MISSING,
                "completed": r["actual_end_date"].isoformat() if r["actual_end_date"] else fmt.MISSING,
                "unfunded": (
                    f"{fmt.count(r['high_priority_unfunded_count'])} of {fmt.count(r['high_priority_needs_count'])}"
                ),
                "share": fmt.percent(r["unfunded_share"]),
                "cost": fmt.peso_exact(r["high_priority_unfunded_cost"]),
            }
        )
    return rows
