"""Allocation strategies: each spreads ``budget`` centavos over candidate PPAs, never past a PPA's headroom.

Every strategy has the same signature ``fn(ctx, budget, cap, base) -> pl.Series[Int64]`` over the engine's
prepared frame (sorted by ``ppa_id``): ``cap`` is each PPA's headroom in this phase (0 = not eligible), ``base``
what the PPA already holds (locked amounts, minima). The result is whole centavos, ``≤ cap`` row-wise and summing
to at most ``budget``. Proportional strategies use capped water-filling (``money.capped_quotas``) and
largest-remainder apportionment (``money.apportion_frame``), so they spend the whole budget unless every eligible
PPA is full.

Definitions
- ``needs``: ∝ priority-weighted unmet need (``unmet_need_score``; metrics.md §4).
- ``equity``: two definitions, chosen by ``ScenarioSpec.equity_mode`` on the population chosen by
  ``equity_population`` (``population_total`` or ``population_obc``; the area's population, repeated on each of
  its PPAs; areas are ``area_id``):
  * ``per_capita`` (default) — toward equal per-capita spending: water-fill the areas with the LOWEST per-capita
    amount (already held + new) first, i.e. find the level L with Σᵣ clip(L·pᵣ − heldᵣ, 0, headroomᵣ) = budget;
  * ``population`` — area totals ∝ population.
  Inside an area the amount is split ∝ each PPA's headroom (so an area's PPAs fill up together). Areas without a
  positive population get nothing from this strategy (the engine warns).
- ``performance``: ∝ ``performance_score``.
- ``policy``: ∝ ``policy_priority / estimated_cost`` (priority per peso; ``estimated_cost`` falls back to the
  requested cost when missing; a cost of 0 scores 0).
- ``obcms_score``: OBCMS's scenario score done right: w_needs × 10 × linked_needs + w_equity × 5 × covered_areas +
  w_alignment × 15 × linked_goals (default weights 0.40 / 0.30 / 0.30), counts taken from the real links; ∝ that.
- ``greedy``: sort by the chosen score (``greedy_score``: needs, performance, policy or obcms_score) descending,
  then requested cost ascending, then ``ppa_id`` ascending; fund each PPA's whole headroom if it fits the budget
  left; otherwise ``skip`` it and go on, or ``stop``. PPAs scoring 0 are not funded.
- ``mes``: Method of Equal Shares (Peters, Pierczyński & Skowron; equalshares.net) over approval votes
  (``votes``: one row per voter × approved PPA), with approval utilities (a supporter values a funded PPA at 1,
  as in the paper's approval setting; equalshares.net's default for approval ballots is "cost utilities", ρ per
  peso, which can pick differently). Each of the n voters (every distinct ``voter_id``) gets B/n; repeatedly fund
  the PPA whose supporters can pay its cost at the lowest per-voter price ρ (supporters with less than ρ pay all
  they have); ties: more supporters, then lower cost, then ``ppa_id``. Then complete the
  leftover greedily: PPAs by number of supporters desc, cost asc, id asc, skipping what does not fit. (The
  equalshares.net reference completes with the "add1" budget increase first; we follow the brief's greedy
  completion — this can differ, e.g. its 51/49 example, see the tests.) Arithmetic in float64 centavos with a
  relative tolerance of 1e-9; funded amounts are whole headrooms, so exact.
- ``manual``: the planner's amounts (``manual_amounts``), minus what the PPA already holds, within headroom; if
  they exceed the phase budget they are scaled down proportionally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from models.money import apportion_frame, capped_quotas

SCORE_STRATEGIES = ("needs", "performance", "policy", "obcms_score")
EPS = 1e-9


@dataclass(frozen=True)
class Context:
    """What the strategies read: the prepared candidate frame and the scenario options they need."""

    frame: pl.DataFrame  # ppa_id, cost, area_id, score_<name>, population, manual (Int64 centavos), ...
    on_no_fit: str
    greedy_score: str
    equity_mode: str
    votes: pl.DataFrame | None  # voter_id (String), ppa_id (String)


def _proportional(ctx: Context, score: pl.Series, budget: int, cap: pl.Series) -> pl.Series:
    quotas = capped_quotas(score, cap, budget)
    positive_cap = int(cap.filter(score.fill_null(0) > 0).sum())
    total = min(budget, positive_cap)
    frame = pl.DataFrame({"ppa_id": ctx.frame["ppa_id"], "quota": quotas, "cap": cap})
    return apportion_frame(frame, total, quota="quota", key="ppa_id", cap="cap")


def _score(name: str) -> Callable[[Context, int, pl.Series, pl.Series], pl.Series]:
    def strategy(ctx: Context, budget: int, cap: pl.Series, base: pl.Series) -> pl.Series:
        return _proportional(ctx, ctx.frame[f"score_{name}"], budget, cap)

    strategy.__name__ = f"proportional_{name}"
    return strategy


def equity(ctx: Context, budget: int, cap: pl.Series, base: pl.Series) -> pl.Series:
    frame = ctx.frame.select("ppa_id", "area_id", "population").with_columns(cap=cap, base=base)
    if ctx.equity_mode == "population":
        per_area = frame.group_by("area_id").agg(area_head=pl.col("cap").sum())
        score = frame.join(per_area, on="area_id", how="left", maintain_order="left").select(
            pl.when((pl.col("population") > 0) & (pl.col("area_head") > 0))
            .then(pl.col("population") * pl.col("cap") / pl.col("area_head"))
            .otherwise(0.0)
        )
        return _proportional(ctx, score.to_series(), budget, cap)
    areas = (
        frame.group_by("area_id")
        .agg(pop=pl.col("population").max(), held=pl.col("base").sum(), head=pl.col("cap").sum())
        .filter((pl.col("pop") > 0) & (pl.col("head") > 0))
        .sort("area_id")
    )
    if areas.height == 0 or budget <= 0:
        return pl.Series("centavos", [0] * frame.height, dtype=pl.Int64)
    pop = areas["pop"].to_numpy().astype(float)
    held = areas["held"].to_numpy().astype(float)
    head = areas["head"].to_numpy().astype(float)
    if head.sum() <= budget:
        amounts = head
    else:
        low, high = 0.0, float(((held + head) / pop).max())
        for _ in range(200):  # bisection on the per-capita level; 200 halvings reach float precision
            mid = (low + high) / 2
            if np.clip(mid * pop - held, 0, head).sum() < budget:
                low = mid
            else:
                high = mid
        amounts = np.clip(high * pop - held, 0, head)
    area_amount = pl.DataFrame({"area_id": areas["area_id"], "amount": amounts, "area_head": head})
    quotas = frame.join(area_amount, on="area_id", how="left", maintain_order="left").select(
        "ppa_id",
        "cap",
        quota=pl.when(pl.col("area_head") > 0)
        .then(pl.col("amount") * pl.col("cap") / pl.col("area_head"))
        .otherwise(0.0),
    )
    total = min(budget, int(head.sum()))
    return apportion_frame(quotas, total, quota="quota", key="ppa_id", cap="cap")


def greedy_order(frame: pl.DataFrame, score: pl.Series, cap: pl.Series) -> list[int]:
    """Row positions in greedy order: score desc, requested cost asc, ppa_id asc (eligible: score > 0, cap > 0)."""
    ranked = (
        frame.select("ppa_id", "cost")
        .with_row_index("_row")
        .with_columns(_score=score.fill_null(0.0), _cap=cap)
        .filter((pl.col("_score") > 0) & (pl.col("_cap") > 0))
        .sort(["_score", "cost", "ppa_id"], descending=[True, False, False])
    )
    return ranked["_row"].to_list()


def fund_in_order(order: list[int], cap: pl.Series, budget: int, on_no_fit: str) -> pl.Series:
    """Whole headrooms in ``order`` while they fit the budget; on no fit ``skip`` the PPA or ``stop``."""
    caps = cap.to_list()
    out = [0] * len(caps)
    left = budget
    for row in order:
        if caps[row] <= left:
            out[row] = caps[row]
            left -= caps[row]
        elif on_no_fit == "stop":
            break
    return pl.Series("centavos", out, dtype=pl.Int64)


def greedy(ctx: Context, budget: int, cap: pl.Series, base: pl.Series) -> pl.Series:
    order = greedy_order(ctx.frame, ctx.frame[f"score_{ctx.greedy_score}"], cap)
    return fund_in_order(order, cap, budget, ctx.on_no_fit)


def equal_shares(
    costs: list[int], supporters: list[np.ndarray], n_voters: int, budget: int, keys: list[str]
) -> list[int]:
    """Method of Equal Shares (approval ballots), without completion. Returns the funded project indices in order.

    ``supporters[c]`` holds voter indices (0..n_voters-1). Each voter starts with budget / n_voters.
    """
    if n_voters == 0 or budget <= 0:
        return []
    money = np.full(n_voters, budget / n_voters, dtype=float)
    # 1/ρ from the last round (first an upper bound: supporters / cost). Wallets only shrink, so it only
    # decreases, which lets the scan stop early once it falls below the best 1/ρ found this round.
    remaining = {c: len(supporters[c]) / costs[c] for c in range(len(costs)) if costs[c] > 0 and len(supporters[c])}
    winners: list[int] = []
    while remaining:
        best: int | None = None
        best_eff = 0.0
        scan = sorted(remaining, key=lambda c: (-remaining[c], -len(supporters[c]), costs[c], keys[c]))
        for c in scan:
            if remaining[c] < best_eff * (1 - EPS):
                break
            cost = float(costs[c])
            wallets = np.sort(money[supporters[c]])
            if wallets.sum() < cost * (1 - EPS):
                del remaining[c]
                continue
            paid_before = np.concatenate(([0.0], np.cumsum(wallets)[:-1]))
            payers_left = len(wallets) - np.arange(len(wallets))
            rho = (cost - paid_before) / payers_left
            fits = np.nonzero(rho <= wallets * (1 + EPS))[0]
            if len(fits) == 0:  # float edge: the whole group pays everything it has
                del remaining[c]
                continue
            price = float(rho[fits[0]])
            eff = 1.0 / price
            remaining[c] = eff
            # ties in ρ: more supporters first, then lower cost, then the smaller ppa_id
            tie_wins = best is not None and (-len(supporters[c]), costs[c], keys[c]) < (
                -len(supporters[best]),
                costs[best],
                keys[best],
            )
            if best is None or eff > best_eff * (1 + EPS) or (eff >= best_eff * (1 - EPS) and tie_wins):
                best, best_eff = c, eff
        if best is None:
            break
        winners.append(best)
        del remaining[best]
        price = 1.0 / best_eff
        who = supporters[best]
        money[who] = np.maximum(money[who] - price, 0.0)
    return winners


def mes(ctx: Context, budget: int, cap: pl.Series, base: pl.Series) -> pl.Series:
    n = ctx.frame.height
    out = [0] * n
    if ctx.votes is None or ctx.votes.height == 0:
        return pl.Series("centavos", out, dtype=pl.Int64)
    voters = ctx.votes["voter_id"].unique().sort()
    voter_index = {v: i for i, v in enumerate(voters.to_list())}
    rows = ctx.frame.select("ppa_id").with_row_index("_row").with_columns(_cap=cap)
    approvals = (
        ctx.votes.join(rows, on="ppa_id", how="inner")
        .filter(pl.col("_cap") > 0)
        .group_by("_row")
        .agg(pl.col("voter_id").unique().sort())
        .sort("_row")
    )
    project_rows = approvals["_row"].to_list()
    supporters = [np.array([voter_index[v] for v in vs], dtype=np.int64) for vs in approvals["voter_id"].to_list()]
    caps = cap.to_list()
    costs = [caps[r] for r in project_rows]
    keys = [str(ctx.frame["ppa_id"][r]) for r in project_rows]
    winners = equal_shares(costs, supporters, len(voter_index), budget, keys)
    left = budget
    for w in winners:
        out[project_rows[w]] = costs[w]
        left -= costs[w]
    # completion: greedy by number of supporters, then cost, then id; skip what does not fit
    funded = set(winners)
    rest = sorted(
        (w for w in range(len(project_rows)) if w not in funded),
        key=lambda w: (-len(supporters[w]), costs[w], keys[w]),
    )
    for w in rest:
        if costs[w] <= left:
            out[project_rows[w]] = costs[w]
            left -= costs[w]
    return pl.Series("centavos", out, dtype=pl.Int64)


def manual(ctx: Context, budget: int, cap: pl.Series, base: pl.Series) -> pl.Series:
    wanted = (ctx.frame["manual"].fill_null(0) - base).clip(lower_bound=0)
    wanted = pl.DataFrame({"w": wanted, "c": cap}).select(pl.min_horizontal("w", "c")).to_series()
    if int(wanted.sum()) <= budget:
        return wanted.cast(pl.Int64).rename("centavos")
    frame = pl.DataFrame({"ppa_id": ctx.frame["ppa_id"], "quota": wanted.cast(pl.Float64), "cap": wanted})
    frame = frame.with_columns(quota=pl.col("quota") * (budget / float(wanted.sum())))
    return apportion_frame(frame, budget, quota="quota", key="ppa_id", cap="cap")


STRATEGIES: dict[str, Callable[[Context, int, pl.Series, pl.Series], pl.Series]] = {
    "needs": _score("needs"),
    "equity": equity,
    "performance": _score("performance"),
    "policy": _score("policy"),
    "obcms_score": _score("obcms_score"),
    "greedy": greedy,
    "mes": mes,
    "manual": manual,
}
