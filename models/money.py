"""Exact money arithmetic for the allocation engine: integer centavos, OBCMS's distribution rules, apportionment.

Definitions and choices
- Money inside the engine is an ``int`` number of centavos (PHP 0.01). It enters through :func:`to_centavos` and
  leaves as a ``Decimal`` quantized to 0.01 through :func:`from_centavos`; polars columns use ``Int64`` centavos
  and :func:`centavos_to_decimal_expr` converts them to ``Decimal(38, 2)``. No float ever holds a final amount.
- OBCMS's three distribution rules (``src/monitoring/services/budget_distribution.py``, metrics.md §2):
  * :func:`distribute_equal`: ``base = floor₂(B / n)``; the FIRST item (in the order given) gets
    ``base + (B − n × base)``, the others ``base``.
  * :func:`distribute_weighted`: weights must sum to 1 within ±0.0001; items are sorted by ``str(id)``; each gets
    ``floor₂(B × wᵢ)`` and the LAST item gets ``B − running total``.
  * :func:`validate_manual`: amounts ≥ 0 that sum to B within ±0.01.
  OBCMS requires B > 0 for all three; so do we.
- :func:`apportion` / :func:`apportion_frame` turn proportional (real-valued) shares into whole centavos summing
  EXACTLY to the requested total: the largest-remainder (Hamilton) method. Each item first gets ``floor(quota)``;
  the centavos left over go one each to the items with the largest fractional remainder, ties broken by ``str(id)``
  ascending. Optional per-item caps are honoured (an item already at its cap never receives a leftover centavo).
  Quotas are computed in float64 (relative error ~1e-16, far below a centavo for any budget under 10¹³ PHP);
  the final sum is corrected in exact integer arithmetic, so it never drifts. Like every largest-remainder
  method it can show the Alabama paradox: raising the total may lower one item by one centavo.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

import polars as pl

CENTAVO = Decimal("0.01")
WEIGHT_TOLERANCE = Decimal("0.0001")
MANUAL_TOLERANCE = Decimal("0.01")


class MoneyError(ValueError):
    """An amount or a distribution request that cannot be honoured (message is plain language)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario's input, shown next to ``field`` on the page.

    ``ppa_id`` / ``key`` name the PPA or the sector / area / ceiling concerned when there is one.
    """

    field: str
    message: str
    ppa_id: str | None = None
    key: str | None = None


def to_decimal(value: object) -> Decimal:
    """A finite Decimal from an int, Decimal, str or float (floats via their shortest repr); raise MoneyError."""
    if isinstance(value, bool) or value is None:
        raise MoneyError(f"{value!r} is not an amount")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a number") from None
    else:
        raise MoneyError(f"{value!r} is not a number")
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


def to_centavos(value: object) -> int:
    """Whole centavos of an amount in PHP, rounded half-up to the centavo (floats are read via their repr)."""
    return int(to_decimal(value).quantize(CENTAVO, rounding=ROUND_HALF_UP) * 100)


_INT64_CENTAVOS = 2**63 - 1


def exact_centavos(values: pl.Series) -> pl.Series | None:
    """Whole centavos (Int64) of a column of amounts, computed at once, when its type converts exactly — integers
    and Decimals with at most two places (then :func:`to_centavos` has nothing to round): the same value it gives
    for each item, nulls kept. None when each value needs :func:`to_centavos` (floats, text, more places) or an
    amount is too large for 64 bits."""
    dtype = values.dtype
    if dtype.is_integer():
        unscaled, factor = values.cast(pl.Int128), 100
    elif isinstance(dtype, pl.Decimal) and dtype.scale is not None and dtype.scale <= 2:
        unscaled, factor = values.to_physical().cast(pl.Int128), 10 ** (2 - dtype.scale)
    else:
        return None
    largest = unscaled.abs().max()
    if largest is not None and int(largest) * factor > _INT64_CENTAVOS:  # type: ignore[arg-type]
        return None
    return unscaled.cast(pl.Int64) * factor


def from_centavos(centavos: int) -> Decimal:
    """PHP Decimal quantized to 0.01."""
    return (Decimal(int(centavos)) / 100).quantize(CENTAVO)


def floor2(value: Decimal) -> Decimal:
    """Round down (toward −∞) to the centavo, as OBCMS's ``floor₂``."""
    return value.quantize(CENTAVO, rounding=ROUND_FLOOR)


def centavos_to_decimal_expr(expr: pl.Expr) -> pl.Expr:
    """Int64 centavos → Decimal(38, 2) PHP, exactly."""
    return expr.cast(pl.Decimal(38, 0)) * pl.lit(CENTAVO, dtype=pl.Decimal(3, 2))


def _positive_budget(amount: object) -> Decimal:
    budget = to_decimal(amount)
    if budget <= 0:
        raise MoneyError(f"the amount to distribute must be positive, got {budget}")
    return budget.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def distribute_equal(amount: object, ids: Sequence[Hashable]) -> dict[Hashable, Decimal]:
    """OBCMS equal rule: floor to the centavo, the remainder to the FIRST item (order as given)."""
    if not ids:
        raise MoneyError("there are no items to distribute to")
    if len(set(ids)) != len(ids):
        raise MoneyError("the items to distribute to are not distinct")
    budget = _positive_budget(amount)
    base = floor2(budget / len(ids))
    result = {item: base for item in ids}
    result[ids[0]] = base + (budget - base * len(ids))
    return result


def distribute_weighted(amount: object, weights: Mapping[Hashable, object]) -> dict[Hashable, Decimal]:
    """OBCMS weighted rule: weights sum to 1 (±0.0001); sorted by str(id); floor₂(B×wᵢ); the LAST gets the rest."""
    if not weights:
        raise MoneyError("there are no items to distribute to")
    budget = _positive_budget(amount)
    decimal_weights = {item: to_decimal(w) for item, w in weights.items()}
    if any(w < 0 for w in decimal_weights.values()):
        raise MoneyError("weights must not be negative")
    total = sum(decimal_weights.values(), Decimal(0))
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise MoneyError(f"weights must sum to 1 (±{WEIGHT_TOLERANCE}); they sum to {total}")
    ordered = sorted(decimal_weights, key=str)
    result: dict[Hashable, Decimal] = {}
    running = Decimal(0)
    for item in ordered[:-1]:
        share = floor2(budget * decimal_weights[item])
        result[item] = share
        running += share
    result[ordered[-1]] = budget - running
    return result


def validate_manual(amount: object, amounts: Mapping[Hashable, object]) -> list[str]:
    """OBCMS manual rule: every amount ≥ 0 and the amounts sum to B within ±0.01. Returns the problems found."""
    problems: list[str] = []
    try:
        budget = _positive_budget(amount)
    except MoneyError as exc:
        return [str(exc)]
    total = Decimal(0)
    for item, value in amounts.items():
        try:
            number = to_decimal(value)
        except MoneyError as exc:
            problems.append(f"{item}: {exc}")
            continue
        if number < 0:
            problems.append(f"{item}: the amount must not be negative, got {number}")
        total += number
    if not problems and abs(total - budget) > MANUAL_TOLERANCE:
        problems.append(f"the amounts sum to {total}, not to {budget} (±{MANUAL_TOLERANCE})")
    return problems


def apportion(
    total: int,
    shares: Sequence[float | int | Decimal],
    ids: Sequence[Hashable],
    caps: Sequence[int] | None = None,
) -> list[int]:
    """Largest-remainder apportionment of ``total`` centavos ∝ ``shares`` (pure Python; small inputs).

    Tie-break for the leftover centavos: larger remainder first, then ``str(id)`` ascending. With ``caps`` the
    shares are first water-filled under the caps (see :func:`capped_quotas`), so no item exceeds its cap;
    ``total`` must then not exceed ``sum(caps)``.
    """
    frame = pl.DataFrame(
        {"id": [str(i) for i in ids], "share": [float(s) for s in shares]},
        schema={"id": pl.String, "share": pl.Float64},
    )
    if caps is not None:
        frame = frame.with_columns(cap=pl.Series(list(caps), dtype=pl.Int64))
        quotas = capped_quotas(frame["share"], frame["cap"], total)
        frame = frame.with_columns(quota=quotas)
    else:
        share_sum = frame["share"].sum()
        if total and share_sum <= 0:
            raise MoneyError("cannot apportion a positive total over shares that are all zero")
        frame = frame.with_columns(quota=pl.col("share") / share_sum * total if share_sum > 0 else pl.lit(0.0))
        frame = frame.with_columns(cap=pl.lit(None, dtype=pl.Int64))
    return apportion_frame(frame, total, quota="quota", key="id", cap="cap").to_list()


def capped_quotas(share: pl.Series, cap: pl.Series, total: int) -> pl.Series:
    """Real-valued quotas ∝ ``share`` that sum to min(total, Σ caps of positive shares) with quotaᵢ ≤ capᵢ.

    Water-filling: find λ with Σ min(capᵢ, λ·shareᵢ) = total. Items are sorted by capᵢ / shareᵢ; the k items
    with the smallest ratio are at their cap when λ_k = (total − Σ their caps) / Σ remaining shares ≥ their
    ratio. Computed with cumulative sums in one vectorised pass. Items with share ≤ 0 get 0.
    """
    n = len(share)
    frame = pl.DataFrame({"share": share.cast(pl.Float64).fill_null(0.0), "cap": cap.cast(pl.Int64).fill_null(0)})
    frame = frame.with_row_index("_row").with_columns(
        share=pl.when((pl.col("share") > 0) & (pl.col("cap") > 0)).then(pl.col("share")).otherwise(0.0)
    )
    eligible = frame.filter(pl.col("share") > 0)
    if n == 0 or eligible.height == 0 or total <= 0:
        return pl.Series("quota", [0.0] * n, dtype=pl.Float64)
    cap_total = int(eligible["cap"].sum())
    if cap_total <= total:
        out = frame.select(pl.when(pl.col("share") > 0).then(pl.col("cap").cast(pl.Float64)).otherwise(0.0))
        return out.to_series().rename("quota")
    ordered = eligible.with_columns(ratio=pl.col("cap") / pl.col("share")).sort(["ratio", "_row"])
    ordered = ordered.with_columns(
        caps_before=pl.col("cap").cum_sum().shift(1, fill_value=0),
        shares_from=pl.col("share").reverse().cum_sum().reverse(),
    ).with_columns(level=(total - pl.col("caps_before")) / pl.col("shares_from"))
    # the first position whose own ratio is at least the level there: everything before it is capped
    first_free = ordered.with_row_index("_pos").filter(pl.col("ratio") >= pl.col("level"))["_pos"]
    level = float(ordered["level"][int(first_free[0])]) if len(first_free) else 0.0
    out = frame.select(
        pl.when(pl.col("share") > 0)
        .then(pl.min_horizontal(pl.col("cap").cast(pl.Float64), pl.col("share") * level))
        .otherwise(0.0)
    )
    return out.to_series().rename("quota")


def apportion_frame(frame: pl.DataFrame, total: int, *, quota: str, key: str, cap: str | None = None) -> pl.Series:
    """Whole centavos (Int64, in ``frame``'s row order) from real quotas, summing exactly to ``total``.

    ``frame[quota]`` should already sum to ``total`` (up to float error); the floors are taken, then the
    shortfall (or, after float error, the excess) is settled one centavo at a time by remainder — largest
    remainder first for a shortfall, smallest first for an excess — ties by ``str(key)`` ascending.
    Caps (``frame[cap]``, nullable = uncapped) are never exceeded; raise MoneyError if they make ``total``
    impossible.
    """
    if total < 0:
        raise MoneyError("cannot apportion a negative total")
    work = frame.select(
        pl.col(key).cast(pl.String).alias("_key"),
        pl.col(quota).cast(pl.Float64).fill_null(0.0).clip(lower_bound=0.0).alias("_quota"),
        (pl.col(cap).cast(pl.Int64) if cap is not None else pl.lit(None, dtype=pl.Int64)).alias("_cap"),
    ).with_row_index("_row")
    if work.height == 0:
        if total:
            raise MoneyError("cannot apportion a positive total over no items")
        return pl.Series("centavos", [], dtype=pl.Int64)
    work = work.with_columns(_floor=pl.col("_quota").floor().cast(pl.Int64))
    work = work.with_columns(
        _floor=pl.when(pl.col("_cap").is_not_null()).then(pl.min_horizontal("_floor", "_cap")).otherwise("_floor")
    ).with_columns(_rem=pl.col("_quota") - pl.col("_floor"))
    gap = total - int(work["_floor"].sum())
    while gap != 0:
        if gap > 0:  # hand out centavos: largest remainder first, then key ascending
            open_rows = pl.col("_cap").is_null() | (pl.col("_floor") < pl.col("_cap"))
            descending = [True, False]
            step = 1
        else:  # float error left an excess: take back from the smallest remainders, then key descending
            open_rows = pl.col("_floor") > 0
            descending = [False, True]
            step = -1
        rows = work.filter(open_rows).sort(["_rem", "_key"], descending=descending)["_row"].head(abs(gap))
        if rows.len() == 0:
            raise MoneyError("the caps are too small for the total to apportion")
        work = work.with_columns(
            _floor=pl.when(pl.col("_row").is_in(rows.implode())).then(pl.col("_floor") + step).otherwise("_floor")
        )
        gap -= step * rows.len()
    floors = work["_floor"]
    return floors.rename("centavos")


def is_close_to_one(total: float) -> bool:
    """Weights summing to 1 within the OBCMS tolerance (±0.0001)."""
    return math.isfinite(total) and abs(total - 1.0) <= float(WEIGHT_TOLERANCE)
