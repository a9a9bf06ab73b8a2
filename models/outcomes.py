"""What an allocation buys, defined once for the scenario page and the refresh (``fct_scenario_allocations``).

- Projected beneficiaries of a PPA = its beneficiaries × min(1, allocated / requested cost), floored to a whole
  person: a PPA funded at 60 % of its request reaches 60 % of the people it counts; a PPA without a beneficiary
  count, or with no request, projects none (0).
- Needs covered = distinct needs (fct_need_gap) at least one of whose funding PPAs receives money (> 0).
- Equity across areas (metrics.md §3): yᵣ = Σ amount of area r's PPAs / its population, ȳ = Σ amount / Σ
  population, πᵣ = pᵣ / Σ p, over the areas with a population; population-weighted Gini = (1 / 2ȳ) Σᵣ Σₖ πᵣ πₖ
  |yᵣ − yₖ| and Williamson = √(Σᵣ πᵣ (yᵣ − ȳ)²) / ȳ. Both are None when no area has a population or nothing is
  spent. Areas without a population (unplaced PPAs) are left out, as in fct_equity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl


def projected_beneficiaries(ppas: pl.DataFrame) -> pl.Series:
    """Per row of ``ppas`` (columns ``beneficiaries``, ``allocated``, ``requested_cost``): whole people, Int64.

    Exact: amounts are taken in centavos, so beneficiaries × allocated_c // requested_c is integer arithmetic.
    """
    beneficiaries = pl.col("beneficiaries").cast(pl.Int64).fill_null(0)
    allocated_c = (pl.col("allocated").cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)
    requested_c = (pl.col("requested_cost").cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)
    return ppas.select(
        pl.when(requested_c > 0)
        .then(beneficiaries * pl.min_horizontal(allocated_c, requested_c) // requested_c)
        .otherwise(0)
        .cast(pl.Int64)
        .alias("projected_beneficiaries")
    ).to_series()


def needs_covered(need_links: pl.DataFrame, amounts: pl.DataFrame) -> int:
    """Distinct ``need_id`` of ``need_links`` (need_id, ppa_id) whose PPA has ``allocated`` > 0 in ``amounts``."""
    if need_links.is_empty() or amounts.is_empty():
        return 0
    funded = amounts.filter(pl.col("allocated").cast(pl.Decimal(38, 2)) > 0).select(pl.col("ppa_id").cast(pl.String))
    return need_links.join(funded, on="ppa_id", how="inner")["need_id"].n_unique()


@dataclass(frozen=True)
class Inequality:
    """Spending per person across areas: population-weighted Gini and Williamson (None when undefined)."""

    areas: int
    gini: float | None
    williamson: float | None


def per_capita_inequality(
    ppas: pl.DataFrame, amount: str = "allocated", population: str = "population_total"
) -> Inequality:
    """Across the ``area_id`` of ``ppas`` (one row per PPA with ``amount`` and its area's ``population``)."""
    areas = (
        ppas.filter(pl.col(population).is_not_null() & (pl.col(population) > 0))
        .group_by("area_id")
        .agg(
            pl.col(amount).cast(pl.Float64).fill_null(0).sum().alias("spent"),
            pl.col(population).cast(pl.Float64).first().alias("people"),
        )
        .sort("area_id")
    )
    if areas.is_empty():
        return Inequality(0, None, None)
    spent, people = areas["spent"].to_list(), areas["people"].to_list()
    total_people = sum(people)
    mean = sum(spent) / total_people
    if mean <= 0:
        return Inequality(areas.height, None, None)
    shares = [p / total_people for p in people]
    per_capita = [s / p for s, p in zip(spent, people, strict=True)]
    gini = pairwise_spread(shares, per_capita) / (2 * mean)
    williamson = math.sqrt(sum(pi * (yi - mean) ** 2 for pi, yi in zip(shares, per_capita, strict=True))) / mean
    return Inequality(areas.height, gini, williamson)


def pairwise_spread(weights: list[float], values: list[float]) -> float:
    """Σᵣ Σₖ wᵣ wₖ |yᵣ − yₖ| in one pass over the values in ascending order, not over every pair (hundreds of
    areas, at every scenario edit): a value yₖ is above everything before it, so its pairs with those add
    wₖ (yₖ·W − S), W and S the running sums of w and w·y below it; each pair is counted once, hence the 2."""
    total = below_weight = below_weighted = 0.0
    for w, y in sorted(zip(weights, values, strict=True), key=lambda pair: pair[1]):
        total += w * (y * below_weight - below_weighted)
        below_weight += w
        below_weighted += w * y
    return 2 * total
