"""What an allocation buys, defined once for the scenario page and the refresh (``fct_scenario_allocations``).

- Projected beneficiaries of a PPA = its beneficiaries × min(1, allocated / requested cost), floored to a whole
  person: a PPA funded at 60 % of its request reaches 60 % of the people it counts; a PPA without a beneficiary
  count, or with no request, projects none (0).
- Needs covered = distinct needs (fct_need_gap) at least one of whose funding PPAs receives money (> 0).
"""

from __future__ import annotations

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
