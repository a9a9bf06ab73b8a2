"""The budget allocation engine: ``allocate(candidates, spec) -> Allocation``; pure, deterministic, no I/O.

The scenario page (live) and the refresh (saved scenarios) both call this one definition.

Candidates: one row per PPA. Always needed: ``ppa_id``, ``requested_cost`` (≥ 0), ``sector``, ``area_id``, ``moa``.
Needed by what uses them: ``funding_source`` (ceilings by funding source), ``unmet_need_score`` (needs; greedy on
needs), ``population_total`` / ``population_obc`` (equity; the area's population on each of its PPAs),
``performance_score``, ``policy_priority`` and optional ``estimated_cost`` (policy), ``linked_needs``,
``covered_areas``, ``linked_goals`` (obcms_score). MES reads ``spec.votes`` (``voter_id``, ``ppa_id``).
Scores must be ≥ 0; a missing (null) score counts as 0. Strategy definitions: ``models/strategies.py``.

Order of work (every amount in integer centavos; see ``models/money.py``):
1. Validate everything; bad input raises :class:`ScenarioInputError` with every problem at once.
2. Rows are sorted by ``ppa_id``, so the result never depends on the input row order.
3. Excluded PPAs get 0. Locked PPAs get their fixed amount first; it is taken off the envelope and counts toward
   ceilings and minima/maxima. Locked amounts are never reduced.
4. Minima (``Bound.minimum`` per sector or area, in the order dimension, key) are honoured FIRST: the group's
   shortfall is spread over its free PPAs by the same strategy mix with the shortfall as budget; if the mix
   leaves part of it unspent (zero scores, greedy skips), the rest is spread ∝ remaining headroom. In whole-PPA
   mode, group PPAs are funded whole, in the mix's order, until the minimum is reached. These amounts are then
   protected like locked ones. A minimum that cannot be met raises.
5. The main phase spreads what is left of the envelope by the strategy mix. Blending: every strategy allocates the
   same budget on its own; the mix is Σ wₛ·xₛ (weights validated to sum to 1 ±0.0001, then normalised), apportioned
   to the centavo by largest remainder. Since each xₛ respects headroom and budget, so does the mix.
   Whole-PPA mode: the mix ranks PPAs (mix amount / headroom desc, cost asc, id asc) and funds them whole, skipping
   what does not fit.
6. Maxima (``Bound.maximum``) and HARD ceilings are enforced: the most over-committed group (largest
   allocated / limit) is cut back to its limit, its unprotected amounts scaled down proportionally (whole-PPA mode:
   its last-ranked funded PPAs are dropped), until none is over. The cut money is redistributed by another round of
   the mix over PPAs outside the saturated groups (``hard_ceiling_excess = "redistribute"``, default) or left
   unallocated (``"leave"``). Rounds repeat until nothing is cut. SOFT ceilings are never enforced: a breach, and
   utilisation at or above the ceiling's warning threshold (default 90 %), are reported as warnings.
7. A PPA never receives more than its requested cost; the total never exceeds the envelope; whatever is not
   allocated is reported as ``unallocated`` (= envelope − Σ allocations, exact).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import polars as pl

from models.errors import ScenarioInputError
from models.frames import once_per_frame
from models.money import (
    MoneyError,
    Problem,
    apportion_frame,
    centavos_to_decimal_expr,
    exact_centavos,
    from_centavos,
    to_centavos,
    to_decimal,
)
from models.strategies import STRATEGIES, Context, fund_in_order

REQUIRED_COLUMNS = ("ppa_id", "requested_cost", "sector", "area_id", "moa")
STRATEGY_COLUMNS: dict[str, tuple[str, ...]] = {
    "needs": ("unmet_need_score",),
    "performance": ("performance_score",),
    "policy": ("policy_priority",),
    "obcms_score": ("linked_needs", "covered_areas", "linked_goals"),
}
SCORE_COLUMNS = (
    "unmet_need_score",
    "performance_score",
    "policy_priority",
    "linked_needs",
    "covered_areas",
    "linked_goals",
    "population_total",
    "population_obc",
)
POPULATION_COLUMNS = {"total": "population_total", "obc": "population_obc"}


@dataclass(frozen=True)
class StrategyWeight:
    """One strategy of the mix and its weight (weights of a mix sum to 1 ±0.0001)."""

    strategy: str
    weight: object = 1


@dataclass(frozen=True)
class Ceiling:
    """A ceiling on the PPAs of a sector and/or funding source (neither = on every PPA). Hard blocks; soft warns."""

    name: str
    amount: object
    hard: bool = True
    sector: str | None = None
    funding_source: str | None = None
    warning_threshold: float = 0.90
    # Optional explicit membership: when given, the ceiling covers exactly these PPAs (still narrowed by sector and
    # funding source when those are set), e.g. the warehouse's mapped PPAs of a ceiling (fct_ceiling_ppas).
    ppa_ids: frozenset[str] | None = None

    @cached_property
    def member_ids(self) -> pl.Series | None:
        """``ppa_ids`` as a column of text, made once: a ceiling of the year is reused by every recompute."""
        return None if self.ppa_ids is None else pl.Series([str(p) for p in self.ppa_ids], dtype=pl.String)


@dataclass(frozen=True)
class Bound:
    """Minimum and/or maximum total for one sector (``dimension="sector"``) or area (``"area"``)."""

    dimension: str
    key: str
    minimum: object | None = None
    maximum: object | None = None


@dataclass(frozen=True, eq=False)
class ScenarioSpec:
    """Everything a planner sets for one scenario. Amounts in PHP (Decimal, int, str or float)."""

    envelope: object
    strategies: tuple[StrategyWeight, ...] = (StrategyWeight("needs"),)
    ceilings: tuple[Ceiling, ...] = ()
    bounds: tuple[Bound, ...] = ()
    locked: Mapping[str, object] = field(default_factory=dict)
    excluded: frozenset[str] | tuple[str, ...] = ()
    whole_ppa: bool = False
    on_no_fit: str = "skip"
    greedy_score: str = "needs"
    equity_population: str = "total"
    equity_mode: str = "per_capita"
    obcms_weights: tuple[object, object, object] = (0.40, 0.30, 0.30)
    manual_amounts: Mapping[str, object] = field(default_factory=dict)
    votes: pl.DataFrame | None = None
    hard_ceiling_excess: str = "redistribute"


@dataclass(frozen=True, eq=False)
class Allocation:
    """The result. Money columns are Decimal(38, 2); ``*_total``/``unallocated`` are Decimal quantized to 0.01.

    ``ppas``: one row per candidate PPA (sorted by ppa_id): ppa_id, sector, area_id, moa, funding_source,
    requested_cost, allocated, status (locked / excluded / funded / partially funded / not funded), reason,
    ``contrib_<strategy>`` (that strategy's weighted share of the amount, summed over phases) and ``adjustment``
    (allocated − locked − Σ contributions: rounding, minimum top-ups, whole-PPA funding and ceiling cuts).
    ``by_sector`` / ``by_area`` / ``by_moa``: key, ppas, funded_ppas, requested, allocated, share.
    ``ceilings``: name, hard, sector, funding_source, amount, allocated, utilisation, status (ok/warning/exceeded).
    ``warnings``: soft-ceiling breaches and near-limits, strategies that had nothing to work with, ignored votes.
    ``notes``: hard limits that cut the allocation and where the money went.
    """

    ppas: pl.DataFrame
    by_sector: pl.DataFrame
    by_area: pl.DataFrame
    by_moa: pl.DataFrame
    ceilings: pl.DataFrame
    envelope: Decimal
    locked_total: Decimal
    allocated_total: Decimal
    unallocated: Decimal
    warnings: tuple[Problem, ...]
    notes: tuple[Problem, ...]

    def amounts(self) -> dict[str, Decimal]:
        """ppa_id → allocated amount."""
        return dict(zip(self.ppas["ppa_id"].to_list(), self.ppas["allocated"].to_list(), strict=True))


@dataclass(frozen=True, eq=False)
class ScenarioOutcome:
    """What the page shows: the allocation, or the problems that stopped it (never a stack trace)."""

    allocation: Allocation | None
    errors: tuple[Problem, ...]


def evaluate(candidates: pl.DataFrame, spec: ScenarioSpec) -> ScenarioOutcome:
    """:func:`allocate`, with bad input returned as ``errors`` instead of raised."""
    try:
        return ScenarioOutcome(allocate(candidates, spec), ())
    except ScenarioInputError as exc:
        return ScenarioOutcome(None, exc.problems)


# ---------------------------------------------------------------------------------------------------- validation


@dataclass
class _Checked:
    frame: pl.DataFrame
    envelope: int
    weights: dict[str, float]
    locked: dict[str, int]
    excluded: set[str]
    manual: dict[str, int]
    ceilings: list[tuple[Ceiling, int, pl.Series]]  # with its member PPAs: a Boolean per row of ``frame``
    bounds: list[tuple[Bound, int | None, int | None]]
    votes: pl.DataFrame | None
    warnings: list[Problem]


def _amount(problems: list[Problem], value: object, field_name: str, *, ppa_id=None, key=None) -> int | None:
    try:
        centavos = to_centavos(value)
    except MoneyError as exc:
        problems.append(Problem(field_name, f"must be an amount in PHP: {exc}", ppa_id, key))
        return None
    if centavos < 0:
        problems.append(Problem(field_name, f"must not be negative (got {value})", ppa_id, key))
        return None
    return centavos


def _number(value: object) -> float | None:
    try:
        number = float(to_decimal(value))
    except MoneyError:
        return None
    return number if math.isfinite(number) else None


def _requested_cost(problems: list[Problem], ppa_id: str | None, raw: object) -> int:
    """One PPA's requested cost in centavos, 0 when it is missing or not a valid amount (then a problem says so)."""
    cost = _amount(problems, raw, "requested_cost", ppa_id=ppa_id) if raw is not None else None
    if raw is None:
        problems.append(Problem("requested_cost", "is missing", ppa_id))
    return cost or 0


def _requested_centavos(problems: list[Problem], ppa_ids: pl.Series, raw: pl.Series) -> list[int]:
    """Every PPA's requested cost in centavos, in row order. A column of integers or of Decimals with at most two
    places converts at once (``money.exact_centavos``); only its missing or negative amounts go through the
    one-by-one check, which words their problems. Any other column is checked one value at a time."""
    fast = exact_centavos(raw)
    if fast is None:
        return [_requested_cost(problems, p, r) for p, r in zip(ppa_ids.to_list(), raw.to_list(), strict=True)]
    flagged = (fast.is_null() | (fast < 0)).arg_true().to_list()
    costs = fast.to_list()
    for i in flagged:  # in row order, as the one-by-one check reports them
        costs[i] = _requested_cost(problems, ppa_ids[i], raw[i])
    return costs


@dataclass(frozen=True)
class _CandidateRows:
    """The candidates checked and parsed, whatever the spec: the frame the engine works on (ids and texts as text,
    ``cost`` in centavos, the score columns as floats with bad values null), the problems of ids and costs, and per
    score column the PPAs whose value is not a number ≥ 0 (a problem only when the spec uses that column)."""

    frame: pl.DataFrame
    problems: list[Problem]
    bad_numbers: dict[str, list[str]]
    known: set[str]
    cost_of: dict[str, int]


@once_per_frame
def _candidate_rows(candidates: pl.DataFrame) -> _CandidateRows:
    problems: list[Problem] = []
    bad_numbers: dict[str, list[str]] = {}
    frame = candidates.select(
        pl.col("ppa_id").cast(pl.String),
        pl.col("sector").cast(pl.String),
        pl.col("area_id").cast(pl.String),
        pl.col("moa").cast(pl.String),
        (
            pl.col("funding_source").cast(pl.String)
            if "funding_source" in candidates.columns
            else pl.lit(None, pl.String)
        ).alias("funding_source"),
        pl.col("requested_cost").alias("_cost_raw"),
        *[pl.col(c).alias(f"_raw_{c}") for c in (*SCORE_COLUMNS, "estimated_cost") if c in candidates.columns],
    )
    for row_id in frame.filter(pl.col("ppa_id").is_null() | (pl.col("ppa_id").str.strip_chars() == ""))["ppa_id"]:
        problems.append(Problem("ppa_id", "a candidate PPA has no id", row_id))
    duplicates = frame.group_by("ppa_id").len().filter((pl.col("len") > 1) & pl.col("ppa_id").is_not_null())
    for ppa_id in sorted(duplicates["ppa_id"].to_list()):
        problems.append(Problem("ppa_id", f"the PPA id '{ppa_id}' appears more than once", ppa_id))
    costs = _requested_centavos(problems, frame["ppa_id"], frame["_cost_raw"])
    frame = frame.with_columns(cost=pl.Series(costs, dtype=pl.Int64)).drop("_cost_raw")
    for column in (*SCORE_COLUMNS, "estimated_cost"):
        raw_name = f"_raw_{column}"
        if raw_name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Float64).alias(column))
            continue
        raw = frame[raw_name]
        parsed = (
            raw.cast(pl.Float64, strict=False)
            if raw.dtype != pl.String
            else raw.str.strip_chars().cast(pl.Float64, strict=False)
        )
        bad = frame.filter(
            (raw.is_not_null() & (parsed.is_null() | parsed.is_nan() | parsed.is_infinite())) | (parsed < 0)
        )["ppa_id"]
        bad_numbers[column] = bad.to_list()
        frame = frame.with_columns(
            pl.when(parsed.is_nan() | parsed.is_infinite() | (parsed < 0)).then(None).otherwise(parsed).alias(column)
        ).drop(raw_name)
    known = set(frame["ppa_id"].drop_nulls().to_list())
    cost_of = dict(zip(frame["ppa_id"].to_list(), costs, strict=True))
    return _CandidateRows(frame, problems, bad_numbers, known, cost_of)


def _validate(candidates: pl.DataFrame, spec: ScenarioSpec) -> _Checked:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    envelope = _amount(problems, spec.envelope, "envelope")

    # strategies and options
    weights: dict[str, float] = {}
    if not spec.strategies:
        problems.append(Problem("strategies", "choose at least one strategy"))
    for item in spec.strategies:
        if item.strategy not in STRATEGIES:
            known = ", ".join(STRATEGIES)
            problems.append(
                Problem("strategies", f"unknown strategy '{item.strategy}' (known: {known})", key=item.strategy)
            )
            continue
        if item.strategy in weights:
            problems.append(Problem("strategies", f"'{item.strategy}' is listed twice", key=item.strategy))
            continue
        weight = _number(item.weight)
        if weight is None or weight < 0:
            problems.append(
                Problem("strategies", f"the weight of '{item.strategy}' must be a number ≥ 0", key=item.strategy)
            )
            continue
        weights[item.strategy] = weight
    if weights and len(weights) == len(spec.strategies):
        total = sum(Decimal(str(w)) for w in weights.values())
        if abs(total - 1) > Decimal("0.0001"):
            problems.append(Problem("strategies", f"the strategy weights must sum to 1 (±0.0001); they sum to {total}"))
    if spec.on_no_fit not in ("skip", "stop"):
        problems.append(Problem("on_no_fit", f"must be 'skip' or 'stop', not '{spec.on_no_fit}'"))
    if spec.greedy_score not in STRATEGY_COLUMNS:
        problems.append(Problem("greedy_score", f"must be one of {', '.join(STRATEGY_COLUMNS)}"))
    if spec.equity_population not in POPULATION_COLUMNS:
        problems.append(Problem("equity_population", "must be 'total' or 'obc'"))
    if spec.equity_mode not in ("per_capita", "population"):
        problems.append(Problem("equity_mode", "must be 'per_capita' or 'population'"))
    if spec.hard_ceiling_excess not in ("redistribute", "leave"):
        problems.append(Problem("hard_ceiling_excess", "must be 'redistribute' or 'leave'"))
    obcms_weights = [_number(w) for w in spec.obcms_weights] if len(spec.obcms_weights) == 3 else []
    if len(obcms_weights) != 3 or any(w is None or w < 0 for w in obcms_weights):
        problems.append(Problem("obcms_weights", "needs three numbers ≥ 0 (needs, equity, alignment)"))
        obcms_weights = [0.4, 0.3, 0.3]
    elif abs(sum(Decimal(str(w)) for w in spec.obcms_weights) - 1) > Decimal("0.0001"):
        problems.append(Problem("obcms_weights", "the needs / equity / alignment weights must sum to 1 (±0.0001)"))

    # columns
    needed = list(REQUIRED_COLUMNS)
    for name in weights:
        needed += STRATEGY_COLUMNS.get(name, ())
    if "greedy" in weights and spec.greedy_score in STRATEGY_COLUMNS:
        needed += STRATEGY_COLUMNS[spec.greedy_score]
    if "equity" in weights and spec.equity_population in POPULATION_COLUMNS:
        needed.append(POPULATION_COLUMNS[spec.equity_population])
    if any(c.funding_source is not None for c in spec.ceilings):
        needed.append("funding_source")
    missing = [c for c in dict.fromkeys(needed) if c not in candidates.columns]
    for column in missing:
        problems.append(Problem(column, f"the candidate PPAs have no '{column}' column"))
    if missing:
        raise ScenarioInputError(problems)

    # candidate rows (checked once per candidates frame: the page recomputes on the same one at every edit)
    rows = _candidate_rows(candidates)
    problems += rows.problems
    for column, bad in rows.bad_numbers.items():
        if column in needed or (column == "estimated_cost" and "policy" in weights):
            problems += [Problem(column, "must be a number ≥ 0", ppa_id) for ppa_id in bad]
    frame, known, cost_of = rows.frame, rows.known, rows.cost_of

    # excluded and locked
    excluded = {str(e) for e in spec.excluded}
    for ppa_id in sorted(excluded - known):
        problems.append(Problem("excluded", f"no candidate PPA has the id '{ppa_id}'", ppa_id))
    locked: dict[str, int] = {}
    for raw_id, value in spec.locked.items():
        ppa_id = str(raw_id)
        if ppa_id not in known:
            problems.append(Problem("locked", f"no candidate PPA has the id '{ppa_id}'", ppa_id))
            continue
        if ppa_id in excluded:
            problems.append(Problem("locked", "a PPA cannot be both locked and excluded", ppa_id))
            continue
        amount = _amount(problems, value, "locked", ppa_id=ppa_id)
        if amount is None:
            continue
        if amount > cost_of[ppa_id]:
            problems.append(
                Problem(
                    "locked",
                    f"₱{from_centavos(amount):,} is more than the PPA requests (₱{from_centavos(cost_of[ppa_id]):,})",
                    ppa_id,
                )
            )
            continue
        locked[ppa_id] = amount
    locked_total = sum(locked.values())
    if envelope is not None and locked_total > envelope:
        problems.append(
            Problem(
                "envelope",
                f"the envelope ₱{from_centavos(envelope):,} is below the locked total ₱{from_centavos(locked_total):,}",
            )
        )

    # manual amounts
    manual: dict[str, int] = {}
    if "manual" in weights:
        for raw_id, value in spec.manual_amounts.items():
            ppa_id = str(raw_id)
            if ppa_id not in known:
                problems.append(Problem("manual_amounts", f"no candidate PPA has the id '{ppa_id}'", ppa_id))
                continue
            amount = _amount(problems, value, "manual_amounts", ppa_id=ppa_id)
            if amount is None:
                continue
            if amount > cost_of[ppa_id]:
                problems.append(Problem("manual_amounts", "is more than the PPA requests", ppa_id))
            elif amount and (ppa_id in excluded or ppa_id in locked):
                problems.append(Problem("manual_amounts", "the PPA is locked or excluded", ppa_id))
            else:
                manual[ppa_id] = amount
        if envelope is not None and sum(manual.values()) > envelope - locked_total:
            problems.append(Problem("manual_amounts", "the manual amounts exceed the envelope left after locked PPAs"))
    frame = frame.with_columns(
        manual=pl.col("ppa_id").replace_strict(manual, default=0, return_dtype=pl.Int64)
        if manual
        else pl.lit(0, pl.Int64)
    )

    # ceilings
    ceilings: list[tuple[Ceiling, int]] = []
    names = [c.name for c in spec.ceilings]
    for ceiling in spec.ceilings:
        if names.count(ceiling.name) > 1:
            problems.append(Problem("ceilings", "two ceilings have the same name", key=ceiling.name))
            continue
        amount = _amount(problems, ceiling.amount, "ceilings", key=ceiling.name)
        threshold = _number(ceiling.warning_threshold)
        if threshold is None or threshold <= 0:
            problems.append(Problem("ceilings", "the warning threshold must be a positive fraction", key=ceiling.name))
        if amount is None:
            continue
        ceilings.append((ceiling, amount))
        if ceiling.hard and locked:
            inside = set(frame.filter(_ceiling_mask(frame, ceiling))["ppa_id"].to_list())
            held = sum(v for k, v in locked.items() if k in inside)
            if held > amount:
                problems.append(Problem("ceilings", "the locked PPAs alone exceed this hard ceiling", key=ceiling.name))

    # bounds
    bounds: list[tuple[Bound, int | None, int | None]] = []
    seen: set[tuple[str, str]] = set()
    minimum_total: dict[str, int] = {"sector": 0, "area": 0}
    for bound in spec.bounds:
        label = f"{bound.dimension} '{bound.key}'"
        if bound.dimension not in ("sector", "area"):
            problems.append(
                Problem("bounds", f"the dimension must be 'sector' or 'area', not '{bound.dimension}'", key=bound.key)
            )
            continue
        if (bound.dimension, bound.key) in seen:
            problems.append(Problem("bounds", f"{label} has two bounds", key=bound.key))
            continue
        seen.add((bound.dimension, bound.key))
        low = _amount(problems, bound.minimum, "bounds", key=bound.key) if bound.minimum is not None else None
        high = _amount(problems, bound.maximum, "bounds", key=bound.key) if bound.maximum is not None else None
        if bound.minimum is None and bound.maximum is None:
            problems.append(Problem("bounds", f"{label}: give a minimum, a maximum or both", key=bound.key))
        if low is not None and high is not None and low > high:
            problems.append(Problem("bounds", f"{label}: the minimum is above the maximum", key=bound.key))
            continue
        column = "sector" if bound.dimension == "sector" else "area_id"
        members = frame.filter(pl.col(column) == bound.key)
        if low:
            reachable = sum(
                locked.get(p, 0 if p in excluded else c)
                for p, c in zip(members["ppa_id"].to_list(), members["cost"].to_list(), strict=True)
            )
            if reachable < low:
                problems.append(
                    Problem(
                        "bounds",
                        f"{label}: the minimum ₱{from_centavos(low):,} cannot be met; "
                        f"its PPAs can take at most ₱{from_centavos(reachable):,}",
                        key=bound.key,
                    )
                )
            minimum_total[bound.dimension] += low
        if high is not None:
            held = sum(locked.get(p, 0) for p in members["ppa_id"].to_list())
            if held > high:
                problems.append(Problem("bounds", f"{label}: the locked PPAs alone exceed the maximum", key=bound.key))
        bounds.append((bound, low, high))
    if envelope is not None:
        for dimension, total in minimum_total.items():
            if total > envelope:
                problems.append(Problem("bounds", f"the {dimension} minima add up to more than the envelope"))

    # votes
    votes = None
    if "mes" in weights:
        if spec.votes is None or not {"voter_id", "ppa_id"} <= set(spec.votes.columns):
            problems.append(Problem("votes", "the Method of Equal Shares needs votes with voter_id and ppa_id"))
        else:
            votes = (
                spec.votes.select(pl.col("voter_id").cast(pl.String), pl.col("ppa_id").cast(pl.String))
                .drop_nulls()
                .unique()
            )
            unknown = votes.filter(~pl.col("ppa_id").is_in(list(known)))
            if unknown.height:
                warnings.append(Problem("votes", f"{unknown.height} votes name PPAs that are not candidates; ignored"))

    if problems:
        raise ScenarioInputError(problems)
    assert envelope is not None
    total_weight = sum(weights.values())
    frame = _scores(frame, spec, [float(w) for w in obcms_weights]).sort("ppa_id")
    return _Checked(
        frame=frame,
        envelope=envelope,
        weights={k: v / total_weight for k, v in weights.items()} if total_weight else weights,
        locked=locked,
        excluded=excluded,
        manual=manual,
        ceilings=[(c, amount, frame.select(_ceiling_mask(frame, c)).to_series()) for c, amount in ceilings],
        bounds=bounds,
        votes=votes,
        warnings=warnings,
    )


def _scores(frame: pl.DataFrame, spec: ScenarioSpec, obcms_weights: list[float]) -> pl.DataFrame:
    w_needs, w_equity, w_alignment = obcms_weights
    estimated = pl.coalesce(pl.col("estimated_cost"), pl.col("cost").cast(pl.Float64) / 100)
    return frame.with_columns(
        score_needs=pl.col("unmet_need_score").fill_null(0.0),
        score_performance=pl.col("performance_score").fill_null(0.0),
        score_policy=pl.when(estimated > 0).then(pl.col("policy_priority").fill_null(0.0) / estimated).otherwise(0.0),
        score_obcms_score=(
            w_needs * 10 * pl.col("linked_needs").fill_null(0.0)
            + w_equity * 5 * pl.col("covered_areas").fill_null(0.0)
            + w_alignment * 15 * pl.col("linked_goals").fill_null(0.0)
        ),
        population=pl.col(POPULATION_COLUMNS.get(spec.equity_population, "population_total")).fill_null(0.0),
    )


def _ceiling_mask(frame: pl.DataFrame, ceiling: Ceiling) -> pl.Expr:
    mask = pl.lit(True)
    if ceiling.sector is not None:
        mask = mask & (pl.col("sector") == ceiling.sector)
    if ceiling.funding_source is not None:
        mask = mask & (pl.col("funding_source") == ceiling.funding_source)
    if ceiling.ppa_ids is not None:
        mask = mask & pl.col("ppa_id").is_in(ceiling.member_ids)
    return mask.fill_null(False)


# ---------------------------------------------------------------------------------------------------- the engine


@dataclass
class _State:
    frame: pl.DataFrame
    ctx: Context
    weights: dict[str, float]
    whole: bool
    alloc: pl.Series  # Int64 centavos
    protected: pl.Series  # amounts the limits may not cut (locked, minima)
    free: pl.Series  # Boolean: neither locked nor excluded
    contrib: dict[str, pl.Series]  # Float64 centavos per strategy
    rank: pl.Series  # Float64 whole-PPA selection order (smaller = earlier), null when not selected


def _mix(state: _State, budget: int, cap: pl.Series) -> tuple[pl.Series, dict[str, pl.Series], list[int]]:
    """The blended allocation of ``budget`` within ``cap``, the weighted contributions, and the whole-PPA order."""
    n = state.frame.height
    results = {name: STRATEGIES[name](state.ctx, budget, cap, state.alloc) for name in state.weights}
    contributions = {name: results[name].cast(pl.Float64) * w for name, w in state.weights.items()}
    target = pl.Series("target", [0.0] * n, dtype=pl.Float64)
    for series in contributions.values():
        target = target + series
    if state.whole:
        ranked = (
            state.frame.select("ppa_id", "cost")
            .with_row_index("_row")
            .with_columns(_t=target, _cap=cap)
            .filter((pl.col("_t") > 0) & (pl.col("_cap") > 0))
            .with_columns(_ratio=pl.col("_t") / pl.col("_cap"))
            .sort(["_ratio", "cost", "ppa_id"], descending=[True, False, False])
        )
        order = ranked["_row"].to_list()
        return fund_in_order(order, cap, budget, "skip"), contributions, order
    if len(results) == 1:
        return next(iter(results.values())), contributions, []
    total = round(sum(float(results[s].sum()) * w for s, w in state.weights.items()))
    total = max(0, min(total, budget, int(cap.sum())))
    frame = pl.DataFrame(
        {"ppa_id": state.frame["ppa_id"], "quota": target.clip(upper_bound=cap.cast(pl.Float64)), "cap": cap}
    )
    return apportion_frame(frame, total, quota="quota", key="ppa_id", cap="cap"), contributions, []


def _add(state: _State, amounts: pl.Series, contributions: dict[str, pl.Series], order: list[int]) -> None:
    state.alloc = state.alloc + amounts
    for name, series in contributions.items():
        state.contrib[name] = state.contrib[name] + series
    if order:
        start = state.rank.drop_nulls().max()
        offset = (float(start) + 1) if start is not None else 0.0
        ranks = state.rank.to_list()
        amounts_list = amounts.to_list()
        for position, row in enumerate(order):
            if amounts_list[row] > 0 and ranks[row] is None:
                ranks[row] = offset + position
        state.rank = pl.Series("rank", ranks, dtype=pl.Float64)


def _headroom(state: _State, eligible: pl.Series) -> pl.Series:
    cost = state.frame["cost"]
    return pl.select(
        pl.when(eligible & state.free).then(cost - state.alloc).otherwise(0).clip(lower_bound=0)
    ).to_series()


def _fit_limits(state: _State, cap: pl.Series, limits: list[tuple[str, pl.Series, int]]) -> pl.Series:
    """Shrink headrooms (floor, ∝) so that no maximum or hard ceiling could be exceeded by using all of them."""
    for _, mask, amount in limits:
        room = max(0, amount - int(state.alloc.filter(mask).sum()))
        inside = int(cap.filter(mask).sum())
        if inside > room:
            factor = room / inside
            cap = pl.select(
                pl.when(mask).then((cap.cast(pl.Float64) * factor).floor().cast(pl.Int64)).otherwise(cap)
            ).to_series()
    return cap


def _apply_minimum(
    state: _State,
    bound: Bound,
    minimum: int,
    envelope: int,
    minima: pl.Series,
    limits: list[tuple[str, pl.Series, int]],
) -> pl.Series:
    column = "sector" if bound.dimension == "sector" else "area_id"
    members = (state.frame[column] == bound.key).fill_null(False)
    label = f"{bound.dimension} '{bound.key}'"
    shortfall = minimum - int(state.alloc.filter(members).sum())
    if shortfall <= 0:
        return minima
    left = envelope - int(state.alloc.sum())
    cap = _fit_limits(state, _headroom(state, members), limits)
    if shortfall > left or int(cap.sum()) < shortfall:
        raise ScenarioInputError(
            [
                Problem(
                    "bounds",
                    f"{label}: the minimum cannot be met within the envelope, the maxima and the hard ceilings",
                    key=bound.key,
                )
            ]
        )
    before = state.alloc
    if state.whole:
        _, contributions, order = _mix(state, min(left, int(cap.sum())), cap)
        caps = cap.to_list()
        amounts = [0] * len(caps)
        got = 0
        for row in order + [r for r in range(len(caps)) if caps[r] > 0 and r not in set(order)]:
            if got >= shortfall:
                break
            if caps[row] <= left - got:
                amounts[row] = caps[row]
                got += caps[row]
        if got < shortfall:
            raise ScenarioInputError(
                [Problem("bounds", f"{label}: whole PPAs cannot reach the minimum within the envelope", key=bound.key)]
            )
        series = pl.Series("centavos", amounts, dtype=pl.Int64)
        _add(state, series, {k: v * 0 for k, v in contributions.items()}, order)
    else:
        amounts, contributions, order = _mix(state, shortfall, cap)
        _add(state, amounts, contributions, order)
        rest = shortfall - int(amounts.sum())
        if rest > 0:  # the mix could not spend it all: spread the rest ∝ remaining headroom
            room = (cap - amounts).clip(lower_bound=0)
            frame = pl.DataFrame(
                {
                    "ppa_id": state.frame["ppa_id"],
                    "quota": room.cast(pl.Float64) * (rest / float(room.sum())),
                    "cap": room,
                }
            )
            state.alloc = state.alloc + apportion_frame(frame, rest, quota="quota", key="ppa_id", cap="cap")
    added = state.alloc - before
    state.protected = state.protected + added
    return pl.select(pl.when(added > 0).then(pl.lit(label)).otherwise(minima)).to_series()


def _limits(frame: pl.DataFrame, checked: _Checked) -> list[tuple[str, pl.Series, int]]:
    limits = []
    for bound, _, high in checked.bounds:
        if high is not None:
            column = "sector" if bound.dimension == "sector" else "area_id"
            limits.append(
                (f"maximum for {bound.dimension} '{bound.key}'", (frame[column] == bound.key).fill_null(False), high)
            )
    for ceiling, amount, members in checked.ceilings:
        if ceiling.hard:
            limits.append((f"hard ceiling '{ceiling.name}'", members, amount))
    return limits


def _enforce(state: _State, limits: list[tuple[str, pl.Series, int]], capped: pl.Series) -> tuple[set[int], pl.Series]:
    """Cut every over-committed limit back to its amount. Returns the limits cut (indices) and the capped labels."""
    cut: set[int] = set()
    while True:
        over = []
        for index, (_, mask, amount) in enumerate(limits):
            total = int(state.alloc.filter(mask).sum())
            if total > amount:
                over.append((-(total / amount) if amount else -math.inf, index, total))
        if not over:
            return cut, capped
        _, index, total = min(over)
        label, mask, amount = limits[index]
        excess = total - amount
        reducible = pl.select(pl.when(mask).then(state.alloc - state.protected).otherwise(0)).to_series()
        if int(reducible.sum()) < excess:
            raise ScenarioInputError(
                [Problem("bounds", f"the {label} cannot be kept: locked amounts and minima alone exceed it", key=label)]
            )
        if state.whole:
            order = (
                pl.DataFrame({"r": reducible, "rank": state.rank})
                .with_row_index("_row")
                .filter(pl.col("r") > 0)
                .sort(["rank", "_row"], descending=[True, True], nulls_last=False)["_row"]
                .to_list()
            )
            new = reducible.to_list()
            freed = 0
            for row in order:
                if freed >= excess:
                    break
                freed += new[row]
                new[row] = 0
            kept = pl.Series(new, dtype=pl.Int64)
        else:
            keep_total = int(reducible.sum()) - excess
            frame = pl.DataFrame(
                {
                    "ppa_id": state.frame["ppa_id"],
                    "quota": reducible.cast(pl.Float64) * (keep_total / float(reducible.sum())),
                    "cap": reducible,
                }
            )
            kept = apportion_frame(frame, keep_total, quota="quota", key="ppa_id", cap="cap")
        new_alloc = pl.select(pl.when(mask).then(state.protected + kept).otherwise(state.alloc)).to_series()
        capped = pl.select(pl.when(new_alloc < state.alloc).then(pl.lit(label)).otherwise(capped)).to_series()
        state.alloc = new_alloc
        cut.add(index)


def allocate(candidates: pl.DataFrame, spec: ScenarioSpec) -> Allocation:
    """Spread ``spec.envelope`` over ``candidates`` (see the module docstring). Raises ScenarioInputError."""
    checked = _validate(candidates, spec)
    frame = checked.frame
    n = frame.height
    ids = frame["ppa_id"]
    locked = (
        ids.replace_strict(checked.locked, default=0, return_dtype=pl.Int64)
        if checked.locked
        else pl.Series([0] * n, dtype=pl.Int64)
    )
    excluded = ids.is_in(list(checked.excluded))
    is_locked = ids.is_in(list(checked.locked))
    ctx = Context(
        frame=frame,
        on_no_fit=spec.on_no_fit,
        greedy_score=spec.greedy_score,
        equity_mode=spec.equity_mode,
        votes=checked.votes,
    )
    state = _State(
        frame=frame,
        ctx=ctx,
        weights=checked.weights,
        whole=spec.whole_ppa,
        alloc=locked,
        protected=locked,
        free=~(excluded | is_locked),
        contrib={name: pl.Series([0.0] * n, dtype=pl.Float64) for name in checked.weights},
        rank=pl.Series("rank", [None] * n, dtype=pl.Float64),
    )
    warnings = list(checked.warnings)
    notes: list[Problem] = []
    no_label = pl.Series([None] * n, dtype=pl.String)
    minima = no_label
    limits = _limits(frame, checked)
    for bound, low, _ in sorted(checked.bounds, key=lambda b: (b[0].dimension, b[0].key)):
        if low:
            minima = _apply_minimum(state, bound, low, checked.envelope, minima, limits)

    frozen = pl.Series([False] * n)
    capped = no_label
    for _ in range(len(limits) + 2):
        left = checked.envelope - int(state.alloc.sum())
        cap = _headroom(state, ~frozen)
        if left <= 0 or int(cap.sum()) == 0:
            break
        amounts, contributions, order = _mix(state, left, cap)
        if int(amounts.sum()) == 0:
            break
        _add(state, amounts, contributions, order)
        cut, capped = _enforce(state, limits, capped)
        if not cut:
            break
        for index in cut:
            frozen = frozen | limits[index][1]
        if spec.hard_ceiling_excess == "leave":
            break
    cut, capped = _enforce(state, limits, capped)
    for label in sorted(set(capped.drop_nulls().to_list())):
        where = "redistributed to other PPAs" if spec.hard_ceiling_excess == "redistribute" else "left unallocated"
        notes.append(Problem("ceilings", f"the {label} capped the allocation; the excess was {where}", key=label))

    for name in checked.weights:
        if name in STRATEGY_COLUMNS and float(frame.filter(state.free)[f"score_{name}"].sum()) <= 0:
            warnings.append(Problem("strategies", f"no candidate PPA has a positive score for '{name}'", key=name))
    if "equity" in checked.weights and frame.filter(state.free & (frame["population"] <= 0)).height:
        warnings.append(
            Problem("equity_population", "some areas have no population and get nothing from the equity strategy")
        )
    return _result(state, checked, spec, locked, excluded, is_locked, minima, capped, warnings, notes)


# ---------------------------------------------------------------------------------------------------- the result


def _result(state, checked, spec, locked, excluded, is_locked, minima, capped, warnings, notes) -> Allocation:
    frame = state.frame
    contrib_cols = {f"contrib_{name}": (series / 100).round(2) for name, series in state.contrib.items()}
    ppas = frame.select("ppa_id", "sector", "area_id", "moa", "funding_source", "cost").with_columns(
        _alloc=state.alloc,
        _locked=locked,
        _excluded=excluded,
        _is_locked=is_locked,
        _minimum=minima,
        _capped=capped,
        **{k: v.cast(pl.Decimal(38, 2)) for k, v in contrib_cols.items()},
    )
    contrib_total = pl.sum_horizontal(*[pl.col(c) for c in contrib_cols]) if contrib_cols else pl.lit(Decimal(0))
    mix_text = pl.concat_str(
        [
            pl.when(pl.col(c) > 0).then(pl.lit(c.removeprefix("contrib_") + " ") + pl.col(c).cast(pl.String))
            for c in contrib_cols
        ],
        separator=" + ",
        ignore_nulls=True,
    )
    ppas = ppas.with_columns(
        requested_cost=centavos_to_decimal_expr(pl.col("cost")),
        allocated=centavos_to_decimal_expr(pl.col("_alloc")),
        status=pl.when(pl.col("_is_locked"))
        .then(pl.lit("locked"))
        .when(pl.col("_excluded"))
        .then(pl.lit("excluded"))
        .when((pl.col("_alloc") == pl.col("cost")) & (pl.col("cost") > 0))
        .then(pl.lit("funded"))
        .when(pl.col("_alloc") > 0)
        .then(pl.lit("partially funded"))
        .otherwise(pl.lit("not funded")),
    ).with_columns(
        adjustment=(pl.col("allocated") - centavos_to_decimal_expr(pl.col("_locked")) - contrib_total).cast(
            pl.Decimal(38, 2)
        ),
        reason=pl.when(pl.col("_is_locked"))
        .then(pl.lit("locked by the planner"))
        .when(pl.col("_excluded"))
        .then(pl.lit("excluded by the planner"))
        .otherwise(
            pl.concat_str(
                [
                    pl.when(mix_text != "").then(pl.lit("strategies: ") + mix_text),
                    pl.when(pl.col("_minimum").is_not_null()).then(pl.lit("minimum for ") + pl.col("_minimum")),
                    pl.when(pl.col("_capped").is_not_null()).then(pl.lit("cut by the ") + pl.col("_capped")),
                    pl.when(pl.lit(spec.whole_ppa)).then(pl.lit("whole-PPA funding")),
                ],
                separator="; ",
                ignore_nulls=True,
            )
        ),
    )
    ppas = ppas.select(
        "ppa_id",
        "sector",
        "area_id",
        "moa",
        "funding_source",
        "requested_cost",
        "allocated",
        "status",
        "reason",
        *contrib_cols,
        "adjustment",
        "_alloc",
        "cost",
    )
    allocated_total = int(state.alloc.sum())
    assert allocated_total <= checked.envelope
    assert (state.alloc <= frame["cost"]).all()

    def totals(column: str) -> pl.DataFrame:
        grouped = (
            ppas.group_by(column)
            .agg(
                ppas=pl.len(),
                funded_ppas=(pl.col("_alloc") > 0).sum(),
                requested=pl.col("cost").sum(),
                allocated=pl.col("_alloc").sum(),
            )
            .sort(column, nulls_last=True)
        )
        return grouped.with_columns(
            share=pl.col("allocated") / allocated_total if allocated_total else pl.lit(0.0),
            requested=centavos_to_decimal_expr(pl.col("requested")),
            allocated=centavos_to_decimal_expr(pl.col("allocated")),
        ).rename({column: "key"})

    ceiling_rows = []
    for ceiling, amount, members in checked.ceilings:
        used = int(state.alloc.filter(members).sum())
        utilisation = used / amount if amount else (math.inf if used else 0.0)
        status = "exceeded" if used > amount else "warning" if utilisation >= ceiling.warning_threshold else "ok"
        ceiling_rows.append(
            {
                "name": ceiling.name,
                "hard": ceiling.hard,
                "sector": ceiling.sector,
                "funding_source": ceiling.funding_source,
                "amount": from_centavos(amount),
                "allocated": from_centavos(used),
                "utilisation": utilisation,
                "status": status,
            }
        )
        if not ceiling.hard and status != "ok":
            verb = (
                "is exceeded"
                if status == "exceeded"
                else f"is at {utilisation:.0%} (warning at {ceiling.warning_threshold:.0%})"
            )
            warnings.append(
                Problem(
                    "ceilings",
                    f"soft ceiling '{ceiling.name}' {verb}: ₱{from_centavos(used):,} of ₱{from_centavos(amount):,}",
                    key=ceiling.name,
                )
            )
    ceilings = pl.DataFrame(
        ceiling_rows,
        schema={
            "name": pl.String,
            "hard": pl.Boolean,
            "sector": pl.String,
            "funding_source": pl.String,
            "amount": pl.Decimal(38, 2),
            "allocated": pl.Decimal(38, 2),
            "utilisation": pl.Float64,
            "status": pl.String,
        },
    )
    return Allocation(
        ppas=ppas.drop("_alloc", "cost"),
        by_sector=totals("sector"),
        by_area=totals("area_id"),
        by_moa=totals("moa"),
        ceilings=ceilings,
        envelope=from_centavos(checked.envelope),
        locked_total=from_centavos(sum(checked.locked.values())),
        allocated_total=from_centavos(allocated_total),
        unallocated=from_centavos(checked.envelope - allocated_total),
        warnings=tuple(warnings),
        notes=tuple(notes),
    )
