"""The treemap's fold written a second way, in polars, for the tests: the SQL fold the page uses
(``alignment_queries.budget_by_goal_folded``) must equal it row for row, and hand-made ``budget_by_goal`` frames are
folded by it before they are drawn."""

from __future__ import annotations

import polars as pl


def ppa_leaves(frame: pl.DataFrame, per_box: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The PPA rows drawn one by one (the ``per_box`` largest of each goal × MOA, ties in the frame's order; kept
    in the frame's order) and, per
    goal × MOA with more, one row of the others: ``goal_key``, ``moa_acronym``, ``aligned_budget`` (their exact
    sum), ``len`` (how many)."""
    ranked = frame.with_columns(
        pl.col("aligned_budget")
        .fill_null(0)
        .rank("ordinal", descending=True)
        .over("goal_key", "moa_acronym")
        .alias("_rank"),
    )
    shown = ranked.filter(pl.col("_rank") <= per_box).drop("_rank")
    others = (
        ranked.filter(pl.col("_rank") > per_box)
        .group_by("goal_key", "moa_acronym", maintain_order=True)
        .agg(pl.col("aligned_budget").sum(), pl.len())
    )
    return shown, others


def fold(frame: pl.DataFrame, per_box: int) -> pl.DataFrame:
    """``alignment_queries.budget_by_goal`` folded in polars, as ``alignment_queries.budget_by_goal_folded`` folds it
    in SQL (the page's fold; this one is the tests' independent check of it and draws hand-made frames):
    the shown PPAs' rows, then per goal × MOA with more one row of the others (``ppa_id`` null, ``others_count``
    how many); ``moa_ppa_count`` on every row."""
    counted = frame.with_columns(pl.len().over("goal_key", "moa_acronym").cast(pl.Int64).alias("moa_ppa_count"))
    shown, others = ppa_leaves(counted, per_box)
    firsts = counted.group_by("goal_key", "moa_acronym", maintain_order=True).first()
    others = others.rename({"len": "others_count"}).join(
        firsts.drop("ppa_id", "title", "aligned_budget"), on=["goal_key", "moa_acronym"], nulls_equal=True
    )
    shown = shown.with_columns(pl.lit(None, pl.Int64).alias("others_count"))
    return pl.concat([shown, others.with_columns(pl.col("others_count").cast(pl.Int64))], how="diagonal_relaxed")
