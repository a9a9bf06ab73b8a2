"""Figures and rows of the scenario builder: pure functions of the engine's result and small frames.

Colours keep their meaning everywhere (dashboards.theme): green ok, amber warning, red breach/blocked, grey unknown;
the scenario is blue, the baseline grey. Hover text shows exact pesos.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards.figures import Column, Tile, empty_figure, peso_exact_list, peso_short_list
from dashboards.theme import BAD, BLUE, GOOD, NEUTRAL, WARNING
from models.frames import once_per_frame
from models.outcomes import Inequality

GROUP_COLUMNS = {"sector": "sector", "area": "area_id", "moa": "moa"}
GROUP_TITLES = {"sector": "By sector", "area": "By area", "moa": "By MOA"}


def versus_baseline(ppas: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """key, label, ppas, allocated, baseline, delta per group of ``dimension`` (sector, area, moa), largest first."""
    column = GROUP_COLUMNS[dimension]
    label = "area_name" if dimension == "area" else column
    if ppas.is_empty():
        return pl.DataFrame(
            schema={
                "key": pl.String,
                "label": pl.String,
                "ppas": pl.UInt32,
                "allocated": pl.Decimal(38, 2),
                "baseline": pl.Decimal(38, 2),
                "delta": pl.Decimal(38, 2),
            }
        )
    return (
        ppas.group_by(pl.col(column).alias("key"))
        .agg(
            pl.col(label).first().alias("label"),
            pl.len().alias("ppas"),
            pl.col("allocated").cast(pl.Decimal(38, 2)).sum().alias("allocated"),
            pl.col("baseline").cast(pl.Decimal(38, 2)).sum().alias("baseline"),
        )
        .with_columns(delta=pl.col("allocated") - pl.col("baseline"))
        .sort(["allocated", "baseline", "key"], descending=[True, True, False])
    )


def _label(dimension: str, value: str | None) -> str:
    return fmt.sector_label(value) if dimension == "sector" else str(value)


def comparison_bar(groups: pl.DataFrame, dimension: str, limit: int = 15) -> go.Figure:
    """Scenario (blue) vs baseline (grey) per group, horizontal; the Δ is written at each bar and in the hover."""
    title = f"{GROUP_TITLES[dimension]}: scenario vs baseline"
    if groups.is_empty():
        return empty_figure(title, "No allocation to show: fix the inputs above")
    shown = groups.head(limit).reverse()
    labels = [_label(dimension, v) for v in shown["label"].to_list()]
    allocated = shown["allocated"].to_list()
    baseline = shown["baseline"].to_list()
    delta = shown["delta"].to_list()
    bar = {"type": "bar", "y": labels, "orientation": "h"}
    bars = [
        {
            **bar,
            "x": [float(v) for v in baseline],
            "name": "Baseline (approved budget)",
            "marker": {"color": NEUTRAL},
            "customdata": [fmt.peso_exact(v) for v in baseline],
            "hovertemplate": "%{y}<br>Baseline %{customdata}<extra></extra>",
        },
        {
            **bar,
            "x": [float(v) for v in allocated],
            "name": "Scenario",
            "marker": {"color": BLUE},
            "text": [("+" if d > 0 else "") + fmt.peso_short(d) if d != 0 else "=" for d in delta],
            "textposition": "outside",
            "customdata": [[fmt.peso_exact(a), fmt.peso_exact(d)] for a, d in zip(allocated, delta, strict=True)],
            "hovertemplate": "%{y}<br>Scenario %{customdata[0]}<br>Δ vs baseline %{customdata[1]}<extra></extra>",
        },
    ]
    more = groups.height > limit
    layout = {
        "title": {"text": title},
        "height": max(260, 60 + 44 * len(labels)),
        "barmode": "group",
        "legend": {"orientation": "h", "y": -0.08},
        "margin": {"r": 70},
        "xaxis": {"tickprefix": "₱", "title": {"text": None}},
        "annotations": [
            {"text": f"{limit} largest of {groups.height}", "x": 1, "y": 1.06, "xref": "paper", "yref": "paper",
             "showarrow": False}
        ] if more else [],
    }  # fmt: skip
    # made in one call: each add_bar / update_layout validates and copies the figure again (~3× the time)
    return go.Figure(data=bars, layout=layout)


def summary_tiles(
    envelope: Decimal,
    allocated: Decimal,
    unallocated: Decimal,
    baseline: Decimal,
    ceilings: pl.DataFrame,
    needs_covered: int,
    baseline_needs_covered: int,
    beneficiaries: int,
    baseline_beneficiaries: int,
) -> list[Tile]:
    """Envelope, allocated, unallocated, Δ vs baseline, ceilings, needs covered, projected beneficiaries."""
    delta = allocated - baseline
    hard_at_limit = ceilings.filter(pl.col("hard") & (pl.col("allocated") >= pl.col("amount"))).height
    soft_over = ceilings.filter(~pl.col("hard") & (pl.col("status") == "exceeded")).height
    soft_near = ceilings.filter(~pl.col("hard") & (pl.col("status") == "warning")).height
    ceiling_tone = "bad" if soft_over else "warning" if soft_near or hard_at_limit else "good"
    return [
        Tile("envelope", "Envelope", fmt.peso_short(envelope), fmt.peso_exact(envelope), "The budget to spread."),
        Tile(
            "allocated",
            "Allocated",
            fmt.peso_short(allocated),
            fmt.peso_exact(allocated),
            "Σ of what the scenario gives the PPAs (never above the envelope).",
        ),
        Tile(
            "unallocated",
            "Unallocated",
            fmt.peso_short(unallocated),
            fmt.peso_exact(unallocated),
            "Envelope − allocated: what no PPA could take under the rules.",
            tone="warning" if unallocated > 0 else None,
        ),
        Tile(
            "delta",
            "Δ vs baseline",
            ("+" if delta > 0 else "") + fmt.peso_short(delta),
            f"baseline {fmt.peso_exact(baseline)}",
            "Allocated − the PPAs' approved budget (the baseline).",
            tone="warning" if delta < 0 else None,
        ),
        Tile(
            "ceilings",
            "Ceilings",
            f"{soft_over} exceeded",
            f"{soft_near} near a soft limit · {hard_at_limit} hard at limit",
            "Hard ceilings block (the engine never exceeds them); soft ceilings warn at their threshold.",
            tone=ceiling_tone,
        ),
        Tile(
            "needs",
            "Needs covered",
            fmt.count(needs_covered),
            f"baseline {fmt.count(baseline_needs_covered)}",
            "Distinct community needs at least one of whose funding PPAs gets money.",
            tone="warning" if needs_covered < baseline_needs_covered else None,
        ),
        Tile(
            "beneficiaries",
            "Projected beneficiaries",
            fmt.count(beneficiaries),
            f"baseline {fmt.count(baseline_beneficiaries)}",
            "Σ beneficiaries × min(1, allocated / requested) of the PPAs.",
        ),
    ]


def equity_tile(scenario: Inequality, baseline: Inequality) -> Tile:
    """The spread of spending per person across areas, scenario against baseline (lower Gini = more even)."""

    def shown(value: float | None) -> str:
        return fmt.MISSING if value is None else f"{value:.3f}"

    tone = None
    if scenario.gini is not None and baseline.gini is not None:
        tone = "good" if scenario.gini < baseline.gini else "warning" if scenario.gini > baseline.gini else None
    return Tile(
        "equity",
        "Gini of ₱ per person",
        shown(scenario.gini),
        f"baseline {shown(baseline.gini)} · Williamson {shown(scenario.williamson)} (baseline "
        f"{shown(baseline.williamson)})",
        f"Population-weighted Gini across the {scenario.areas} areas with a population (0 = every area gets the "
        "same per person, toward 1 = concentrated); Williamson = population-weighted coefficient of variation.",
        tone=tone,
    )


CEILING_COLUMNS = (
    Column("name", "Ceiling"),
    Column("kind", "Kind"),
    Column("amount", "Ceiling", numeric=True),
    Column("allocated", "Allocated", numeric=True),
    Column("utilisation", "Used", numeric=True),
    Column("status", "Status"),
)

STATUS_CLASS = {"ok": "row-ok", "warning": "row-warning", "exceeded": "row-bad"}
STATUS_COLOUR = {"ok": GOOD, "warning": WARNING, "exceeded": BAD}


def ceiling_rows(ceilings: pl.DataFrame) -> list[dict[str, str]]:
    """One row per ceiling, breaches first: hard ones are held at their limit (blocks), soft ones warn."""
    if ceilings.is_empty():
        return []
    order = {"exceeded": 0, "warning": 1, "ok": 2}
    rows = []
    for row in sorted(ceilings.iter_rows(named=True), key=lambda r: (order.get(r["status"], 3), r["name"])):
        at_limit = row["hard"] and row["allocated"] >= row["amount"]
        status = "blocked at limit" if at_limit else row["status"]
        rows.append(
            {
                "name": row["name"],
                "kind": "hard (blocks)" if row["hard"] else "soft (warns)",
                "amount": fmt.peso_exact(row["amount"]),
                "allocated": fmt.peso_exact(row["allocated"]),
                "utilisation": fmt.percent(row["utilisation"]),
                "status": status,
                "row_class": STATUS_CLASS.get("warning" if at_limit else row["status"], ""),
            }
        )
    return rows


PPA_RESULT_COLUMNS = ("ppa_id", "title", "moa", "sector", "area_name", "requested_cost", "baseline", "allocated")


def saved_comparison_rows(
    baseline: pl.DataFrame, scenarios: list[tuple[str, pl.DataFrame | None]], dimension: str
) -> tuple[list[Column], list[dict[str, str]]]:
    """A side-by-side table: one row per group of ``dimension``; the baseline, then each saved scenario's amount
    and Δ vs baseline (a scenario that no longer fits the data shows "—"). ``baseline``: key, label, baseline;
    each scenario frame: key, allocated (from :func:`versus_baseline`)."""
    columns = [
        Column("label", GROUP_TITLES[dimension].removeprefix("By ").capitalize()),
        Column("base", "Baseline", True),
    ]
    for i, (name, _frame) in enumerate(scenarios):
        columns += [Column(f"s{i}", name, True), Column(f"d{i}", "Δ", True)]
    rows = []
    for key, label, base in baseline.select("key", "label", "baseline").iter_rows():
        row = {"label": _label(dimension, label), "base": fmt.peso_short(base)}
        for i, (_name, frame) in enumerate(scenarios):
            if frame is None:
                row[f"s{i}"] = row[f"d{i}"] = "—"
                continue
            match = frame.filter(pl.col("key") == key)
            amount = match["allocated"][0] if match.height else Decimal(0)
            diff = amount - base
            row[f"s{i}"] = fmt.peso_short(amount)
            row[f"d{i}"] = ("+" if diff > 0 else "") + fmt.peso_short(diff)
        rows.append(row)
    return columns, rows


# ------------------------------------------------------------------------------------------ PPA grid
# The planning year's PPAs with their lock and exclusion, in a paged grid (thousands of PPAs at scale: one row of
# Dash inputs each made the page's load ~2 s and every recompute ~1 s at scale 100). Edits travel as one store
# (``lock_edits``; the grid's edits are applied to it in the browser, ``pages.scenarios.APPLY_CELL_CHANGES_JS``); the
# grid's rows are drawn again from it after each recompute, with the allocation and any problem.
LOCK_COLUMN = "lock"
EXCLUDE_COLUMN = "exclude"


def lock_edits(data: Any) -> dict[str, Any]:
    """The store of the PPA grid's edits, made safe: ``{"locks": {ppa_id: text}, "excluded": [ppa_id, ...]}``
    (anything else in a tampered request is dropped)."""
    data = data if isinstance(data, dict) else {}
    locks = data.get("locks") if isinstance(data.get("locks"), dict) else {}
    excluded = data.get("excluded") if isinstance(data.get("excluded"), list) else []
    return {
        "locks": {str(k): v for k, v in locks.items() if isinstance(v, str) and v.strip()},
        "excluded": sorted({str(e) for e in excluded if isinstance(e, str | int)}),
    }


BOUND_DIMENSIONS = {"sector": "Sector", "area": "Area"}


def bound_id(dimension: str, key: str) -> str:
    """A row of the sector/area grid, and its key in the store of the grid's edits: ``"sector|social"``."""
    return f"{dimension}|{key}"


@once_per_frame
def bound_grid_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per sector, then per area, of the year's candidates (``frame``): label (hover: the key), the
    requested amount (short; exact on hover; ordered by value), the minimum and maximum a planner types (blank: no
    limit) and the row's problem. Made once per candidates frame; never change what it returns."""
    sectors = frame.group_by("sector").agg(pl.col("requested_cost").sum()).sort("sector")
    areas = frame.group_by("area_id").agg(pl.col("area_name").first(), pl.col("requested_cost").sum()).sort("area_name")
    parts = [
        ("sector", sectors["sector"].to_list(), [fmt.sector_label(k) for k in sectors["sector"].to_list()], sectors),
        ("area", areas["area_id"].to_list(), [str(n) for n in areas["area_name"].to_list()], areas),
    ]
    rows = []
    for dimension, keys, labels, grouped in parts:
        for key, label, (short, value, exact) in zip(keys, labels, _amounts(grouped["requested_cost"]), strict=True):
            rows.append(
                {
                    "id": bound_id(dimension, key),
                    "dim": BOUND_DIMENSIONS[dimension],
                    "label": label,
                    "key": key,
                    "requested": short,
                    "requested__value": value,
                    "requested_exact": exact,
                    "min": "",
                    "max": "",
                    "problem": "",
                }
            )
    return rows


@once_per_frame
def bound_keys(frame: pl.DataFrame) -> frozenset[str]:
    """The rows of the sector/area grid of ``frame`` (``bound_id``): the limits a planner can set."""
    return frozenset(row["id"] for row in bound_grid_rows(frame))


def bound_edits(data: Any, known: frozenset[str] | None = None) -> dict[str, dict[str, str]]:
    """The store of the sector/area grid's edits, made safe: ``{"sector|social": {"min": text, "max": text}}``,
    rows with a text in either; anything else in a tampered request is dropped, and so is a row not in ``known``
    (the year's grid) when given."""
    data = data if isinstance(data, dict) else {}
    edits = {}
    for ident, entry in data.items():
        dimension, _, key = str(ident).partition("|")
        if dimension not in BOUND_DIMENSIONS or not key or not isinstance(entry, dict):
            continue
        if known is not None and ident not in known:
            continue
        texts = {side: entry.get(side) if isinstance(entry.get(side), str) else "" for side in ("min", "max")}
        if any(t.strip() for t in texts.values()):
            edits[str(ident)] = texts
    return edits


def _amounts(amounts: pl.Series) -> Iterator[tuple[str, float | None, str]]:
    """Per amount of a grid's column: its short text, its number (the grid orders by it) and its exact text."""
    return zip(peso_short_list(amounts), amounts.cast(pl.Float64).to_list(), peso_exact_list(amounts), strict=True)


@once_per_frame
def _fixed_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The grid rows' fixed part (title, MOA, requested amount), formatted once per candidates frame."""
    ordered = frame.sort(["baseline", "ppa_id"], descending=[True, False])
    rows = [
        {
            "ppa_id": ppa_id,
            "title": title or ppa_id,
            "where": f"{sector} · {area}",
            "moa": moa or fmt.MISSING,
            "requested": short,
            "requested__value": value,
            "requested_exact": exact,
        }
        for ppa_id, title, moa, sector, area, (short, value, exact) in zip(
            *(ordered[c].to_list() for c in ("ppa_id", "title", "moa", "sector", "area_name")),
            _amounts(ordered["requested_cost"]),
            strict=True,
        )
    ]
    return rows


def ppa_grid_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One grid row per candidate PPA, largest baseline first: title (hover: sector · area), MOA, the requested
    amount (short; exact on hover; ordered by value), and the columns a recompute fills (``grid_update``) blank:
    no lock, not excluded, nothing allocated, no problem."""
    return [
        {**fixed, LOCK_COLUMN: "", EXCLUDE_COLUMN: False, "allocated": "", "allocated__value": None, "problem": ""}
        for fixed in _fixed_rows(frame)
    ]


def grid_update(
    edits: Any = None,
    allocated: pl.DataFrame | None = None,
    problems: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a recompute changes in the PPA grid, merged into the rows already in the browser
    (``pages.scenarios.MERGE_GRID_UPDATE_JS``) rather than sending every row's fixed part again: the locks and
    exclusions of ``edits``, each PPA's allocated amount as short text and as a number for sorting (``allocated``,
    the allocation's ``ppa_id``/``allocated`` columns; None when the inputs have problems: the column is then
    blank; a PPA missing from it shows ``missing``) and each PPA's problem."""
    edits = lock_edits(edits)
    known = None if allocated is None else allocated.select("ppa_id", "allocated").drop_nulls("allocated")
    return {
        "locks": edits["locks"],
        "excluded": edits["excluded"],
        # three parallel lists, not an object per PPA: thousands of small containers per edit kept the collector busy
        "allocated": None
        if known is None
        else {
            "ids": known["ppa_id"].to_list(),
            "texts": peso_short_list(known["allocated"]),
            "values": known["allocated"].cast(pl.Float64).to_list(),
        },
        "missing": fmt.MISSING,
        "problems": dict(problems or {}),
    }
