"""What an allocation buys: beneficiaries, needs covered and the spread of spending per person across areas."""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.outcomes import pairwise_spread, per_capita_inequality, projected_beneficiaries


def _ppas(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"area_id": pl.String, "allocated": pl.Decimal(18, 2), "population_total": pl.Float64},
        orient="row",
    )


def test_two_areas_by_hand():
    # a: 100 pesos for 100 people (y = 1); b: 60 + 40 pesos for 300 people (y = 1/3); ȳ = 200 / 400 = 0.5,
    # π = 0.25 / 0.75. Gini = (1 / (2 × 0.5)) × 2 × 0.25 × 0.75 × (2/3) = 0.25.
    # Williamson = √(0.25 × 0.5² + 0.75 × (1/6)²) / 0.5 = √(1/12) / 0.5 ≈ 0.57735.
    result = per_capita_inequality(
        _ppas([("a", Decimal("100"), 100.0), ("b", Decimal("60"), 300.0), ("b", Decimal("40"), 300.0)])
    )
    assert result.areas == 2
    assert result.gini == pytest.approx(0.25)
    assert result.williamson == pytest.approx(math.sqrt(1 / 12) / 0.5)


def test_equal_per_capita_is_perfect_equality():
    result = per_capita_inequality(_ppas([("a", Decimal("100"), 100.0), ("b", Decimal("300"), 300.0)]))
    assert result.gini == pytest.approx(0.0)
    assert result.williamson == pytest.approx(0.0)


def test_areas_without_people_are_left_out_and_nothing_spent_is_undefined():
    assert per_capita_inequality(_ppas([("u", Decimal("500"), None), ("z", Decimal("5"), 0.0)])).areas == 0
    nothing = per_capita_inequality(_ppas([("a", Decimal("0"), 100.0), ("b", Decimal("0"), 50.0)]))
    assert (nothing.areas, nothing.gini, nothing.williamson) == (2, None, None)
    # an unplaced PPA's money does not count toward the mean either
    mixed = per_capita_inequality(_ppas([("a", Decimal("100"), 100.0), ("u", Decimal("900"), None)]))
    assert (mixed.areas, mixed.gini) == (1, pytest.approx(0.0))


def test_all_to_one_area_approaches_the_population_share_left_out():
    # everything to a (25 % of the people): Gini = π_b = 0.75 for two areas
    result = per_capita_inequality(_ppas([("a", Decimal("400"), 100.0), ("b", Decimal("0"), 300.0)]))
    assert result.gini == pytest.approx(0.75)


def test_projected_beneficiaries_scale_with_the_funded_share():
    ppas = pl.DataFrame(
        {
            "beneficiaries": [1000, 999, None, 10],
            "allocated": [Decimal("600.00"), Decimal("1.00"), Decimal("5.00"), Decimal("50.00")],
            "requested_cost": [Decimal("1000.00"), Decimal("3.00"), Decimal("5.00"), Decimal("0.00")],
        }
    )
    assert projected_beneficiaries(ppas).to_list() == [600, 333, 0, 0]


@given(st.lists(st.tuples(st.floats(0.001, 1.0), st.floats(0.0, 1e6, allow_subnormal=False)), min_size=1, max_size=40))
def test_pairwise_spread_is_the_sum_over_every_pair(pairs: list[tuple[float, float]]) -> None:
    weights, values = [w for w, _ in pairs], [y for _, y in pairs]
    every_pair = sum(wr * wk * abs(yr - yk) for wr, yr in pairs for wk, yk in pairs)
    assert pairwise_spread(weights, values) == pytest.approx(every_pair, rel=1e-9, abs=1e-6)


def test_pairwise_spread_by_hand() -> None:
    # |1 − 3|·0.5·0.25 + |1 − 2|·0.5·0.25 + |3 − 2|·0.25·0.25, each pair twice: 2 × (0.25 + 0.125 + 0.0625)
    assert pairwise_spread([0.5, 0.25, 0.25], [1.0, 3.0, 2.0]) == pytest.approx(0.875)
