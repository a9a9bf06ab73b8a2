"""Hand-worked cases, one or more per strategy, with the expected amounts computed by hand in the comments."""

from decimal import Decimal as D

import polars as pl
import pytest

from models.allocation import ScenarioSpec, StrategyWeight, allocate
from models.strategies import equal_shares
from tests.models.helpers import candidates


def run(rows, envelope, *strategies, **options):
    mix = tuple(StrategyWeight(s, w) for s, w in strategies) if strategies else (StrategyWeight("needs", 1),)
    return allocate(candidates(rows), ScenarioSpec(envelope=envelope, strategies=mix, **options))


def test_needs_is_proportional_to_unmet_need_and_capped_at_cost():
    rows = [
        {"ppa_id": "a", "requested_cost": "1000", "unmet_need_score": 1},
        {"ppa_id": "b", "requested_cost": "1000", "unmet_need_score": 1},
        {"ppa_id": "c", "requested_cost": "30", "unmet_need_score": 2},
    ]
    # 100 ∝ 1:1:2 = 25/25/50, but c asks only 30 → c 30, the other 70 split 35/35
    result = run(rows, "100", ("needs", 1))
    assert result.amounts() == {"a": D("35.00"), "b": D("35.00"), "c": D("30.00")}
    assert result.unallocated == D("0.00")
    assert result.ppas.filter(pl.col("ppa_id") == "c")["status"].item() == "funded"


def test_needs_rounding_leftover_centavo_goes_by_remainder_then_id():
    rows = [{"ppa_id": p, "requested_cost": "100"} for p in ("c", "b", "a")]
    # 100.00 / 3 = 33.333…: floors 33.33, the one leftover centavo to the smallest id
    assert run(rows, "100", ("needs", 1)).amounts() == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}


def test_envelope_larger_than_all_requests_leaves_the_rest_unallocated():
    rows = [{"ppa_id": "a", "requested_cost": "40"}, {"ppa_id": "b", "requested_cost": "10"}]
    result = run(rows, "100", ("needs", 1))
    assert result.amounts() == {"a": D("40.00"), "b": D("10.00")}
    assert result.unallocated == D("50.00")


def test_equity_per_capita_fills_the_lowest_per_capita_area_first():
    rows = [
        {"ppa_id": "a1", "area_id": "A", "population_total": 100, "requested_cost": "500"},
        {"ppa_id": "b1", "area_id": "B", "population_total": 100, "requested_cost": "500"},
        {"ppa_id": "b2", "area_id": "B", "population_total": 100, "requested_cost": "100"},
    ]
    # b2 is locked at 100, so area B already has 1.00 per head and A 0: the 100 free pesos all go to A
    result = run(rows, "200", ("equity", 1), locked={"b2": "100"})
    assert result.amounts() == {"a1": D("100.00"), "b1": D("0.00"), "b2": D("100.00")}
    # with 300 more: level L with 100·L + (100·L − 100) = 300 → L = 2: A gets 200, B 100 more
    result = run(rows, "400", ("equity", 1), locked={"b2": "100"})
    assert result.amounts() == {"a1": D("200.00"), "b1": D("100.00"), "b2": D("100.00")}


def test_equity_population_mode_and_obc_denominator():
    rows = [
        {"ppa_id": "a", "area_id": "A", "population_total": 300, "population_obc": 10, "requested_cost": "1000"},
        {"ppa_id": "b", "area_id": "B", "population_total": 100, "population_obc": 30, "requested_cost": "1000"},
    ]
    total = run(rows, "400", ("equity", 1), equity_mode="population")
    assert total.amounts() == {"a": D("300.00"), "b": D("100.00")}
    obc = run(rows, "400", ("equity", 1), equity_mode="population", equity_population="obc")
    assert obc.amounts() == {"a": D("100.00"), "b": D("300.00")}


def test_policy_is_priority_per_peso_and_performance_is_proportional():
    rows = [
        {
            "ppa_id": "a",
            "requested_cost": "1000",
            "policy_priority": 2,
            "estimated_cost": 200.0,
            "performance_score": 3,
        },
        {
            "ppa_id": "b",
            "requested_cost": "1000",
            "policy_priority": 1,
            "estimated_cost": 100.0,
            "performance_score": 1,
        },
    ]
    # 2/200 = 1/100: equal priority per peso → equal halves
    assert run(rows, "90", ("policy", 1)).amounts() == {"a": D("45.00"), "b": D("45.00")}
    assert run(rows, "80", ("performance", 1)).amounts() == {"a": D("60.00"), "b": D("20.00")}


def test_obcms_score_done_right():
    rows = [
        {"ppa_id": "a", "requested_cost": "1000", "linked_needs": 1},  # 0.40 × 10 × 1 = 4.0
        {"ppa_id": "b", "requested_cost": "1000", "linked_goals": 1},  # 0.30 × 15 × 1 = 4.5
        {"ppa_id": "c", "requested_cost": "1000", "covered_areas": 1},  # 0.30 × 5 × 1 = 1.5
        {"ppa_id": "d", "requested_cost": "1000"},  # 0: nothing
    ]
    result = run(rows, "100", ("obcms_score", 1))
    assert result.amounts() == {"a": D("40.00"), "b": D("45.00"), "c": D("15.00"), "d": D("0.00")}
    # other weights: needs only
    result = run(rows, "100", ("obcms_score", 1), obcms_weights=(1, 0, 0))
    assert result.amounts()["a"] == D("100.00")


GREEDY_ROWS = [
    {"ppa_id": "p1", "requested_cost": "60", "unmet_need_score": 3},
    {"ppa_id": "p2", "requested_cost": "50", "unmet_need_score": 2},
    {"ppa_id": "p3", "requested_cost": "30", "unmet_need_score": 1},
]


def test_greedy_skip_versus_stop():
    # order p1, p2, p3. Skip: p1 (60), p2 does not fit in 40 → skipped, p3 (30) fits → 90 spent
    skip = run(GREEDY_ROWS, "100", ("greedy", 1), on_no_fit="skip")
    assert skip.amounts() == {"p1": D("60.00"), "p2": D("0.00"), "p3": D("30.00")}
    assert skip.unallocated == D("10.00")
    # Stop: p2 does not fit → stop; only p1
    stop = run(GREEDY_ROWS, "100", ("greedy", 1), on_no_fit="stop")
    assert stop.amounts() == {"p1": D("60.00"), "p2": D("0.00"), "p3": D("0.00")}
    assert stop.unallocated == D("40.00")


def test_greedy_ties_score_then_cost_then_id():
    rows = [
        {"ppa_id": "z", "requested_cost": "50", "unmet_need_score": 1},
        {"ppa_id": "y", "requested_cost": "40", "unmet_need_score": 1},
        {"ppa_id": "x", "requested_cost": "40", "unmet_need_score": 1},
    ]
    # same score: cheaper first (x, y at 40; x before y by id) → x funded, then y does not fit 60 − 40 = 20
    assert run(rows, "60", ("greedy", 1)).amounts() == {"x": D("40.00"), "y": D("0.00"), "z": D("0.00")}


def test_greedy_on_another_score():
    rows = [
        {"ppa_id": "a", "requested_cost": "50", "unmet_need_score": 9, "performance_score": 1},
        {"ppa_id": "b", "requested_cost": "50", "unmet_need_score": 1, "performance_score": 9},
    ]
    result = run(rows, "50", ("greedy", 1), greedy_score="performance")
    assert result.amounts() == {"a": D("0.00"), "b": D("50.00")}


def test_mes_51_49_example_is_proportional_unlike_knapsack():
    """equalshares.net's motivating example: 51 voters approve 10 red projects, 49 approve 10 blue; each costs 1.

    Budget 10, each voter gets 0.1. Reds can pay 5.1 → 5 red projects (ρ = 1/51 each); blues 4.9 → 4 blue
    (ρ = 1/49). Leftover 1.00 → greedy completion by supporters: the next red (R06). Knapsack/utilitarian greedy
    would fund all 10 reds. (equalshares.net's "add1" completion would reach 5 + 5 instead; see strategies.py.)
    """
    reds = [f"R{i:02d}" for i in range(1, 11)]
    blues = [f"B{i:02d}" for i in range(1, 11)]
    rows = [{"ppa_id": p, "requested_cost": "1.00"} for p in reds + blues]
    votes = pl.DataFrame(
        [{"voter_id": f"v{v:03d}", "ppa_id": p} for v in range(51) for p in reds]
        + [{"voter_id": f"w{v:03d}", "ppa_id": p} for v in range(49) for p in blues]
    )
    result = run(rows, "10", ("mes", 1), votes=votes)
    funded = sorted(p for p, a in result.amounts().items() if a > 0)
    assert funded == ["B01", "B02", "B03", "B04", "R01", "R02", "R03", "R04", "R05", "R06"]
    assert result.unallocated == D("0.00")

    knapsack = [
        {"ppa_id": p, "requested_cost": "1.00", "unmet_need_score": 51 if p in reds else 49} for p in reds + blues
    ]
    greedy = run(knapsack, "10", ("greedy", 1))
    assert sorted(p for p, a in greedy.amounts().items() if a > 0) == reds


def test_mes_hand_worked_prices():
    """3 voters, budget 30 → 10 each. X costs 24 (v1 v2 v3, ρ = 8); Y costs 9 (v1, ρ = 9); Z costs 12 (v2 v3, ρ = 6).

    Round 1: Z at ρ = 6 → v2, v3 keep 4. Round 2: X — v2, v3 pay their 4, v1 would need 16 > 10: unaffordable.
    Y at ρ = 9 from v1. Winners Z, Y (21 spent); completion: X (24) does not fit the 9 left. A utilitarian
    greedy by votes funds X only.
    """
    winners = equal_shares([2400, 900, 1200], [[0, 1, 2], [0], [1, 2]], 3, 3000, ["X", "Y", "Z"])
    assert winners == [2, 1]
    rows = [
        {"ppa_id": "X", "requested_cost": "24"},
        {"ppa_id": "Y", "requested_cost": "9"},
        {"ppa_id": "Z", "requested_cost": "12"},
    ]
    votes = pl.DataFrame({"voter_id": ["v1", "v2", "v3", "v1", "v2", "v3"], "ppa_id": ["X", "X", "X", "Y", "Z", "Z"]})
    result = run(rows, "30", ("mes", 1), votes=votes)
    assert result.amounts() == {"X": D("0.00"), "Y": D("9.00"), "Z": D("12.00")}
    assert result.unallocated == D("9.00")


def test_mes_tie_prefers_more_supporters_then_cost_then_id():
    # equal ρ = 1: A (cost 2, 2 voters) before B (cost 1, 1 voter); C and D identical → C by id
    assert equal_shares([200, 100], [[0, 1], [2]], 3, 300, ["A", "B"]) == [0, 1]
    assert equal_shares([100, 100], [[0], [0]], 2, 200, ["D", "C"]) == [1]


def test_manual_amounts_are_used_as_given():
    rows = [{"ppa_id": "a", "requested_cost": "100"}, {"ppa_id": "b", "requested_cost": "100"}]
    result = run(rows, "150", ("manual", 1), manual_amounts={"a": "70.50", "b": "20"})
    assert result.amounts() == {"a": D("70.50"), "b": D("20.00")}
    assert result.unallocated == D("59.50")


def test_blend_is_the_weighted_mix_apportioned_to_the_centavo():
    # needs alone: 60 to p1 (score 3) ... greedy alone (skip): p1 60, p3 30; mix 0.5 / 0.5
    rows = GREEDY_ROWS
    needs = run(rows, "100", ("needs", 1)).amounts()
    greedy = run(rows, "100", ("greedy", 1)).amounts()
    assert needs == {"p1": D("50.00"), "p2": D("33.33"), "p3": D("16.67")}
    blend = run(rows, "100", ("needs", 0.5), ("greedy", 0.5))
    # targets 55.00, 16.665, 23.335 → total round(0.5·100 + 0.5·90) = 95: 55, 16.66/16.67, 23.33/23.34
    expected = {p: (needs[p] + greedy[p]) / 2 for p in needs}
    for p, amount in blend.amounts().items():
        assert abs(amount - expected[p]) <= D("0.01")
    assert blend.allocated_total == D("95.00")
    row = blend.ppas.filter(pl.col("ppa_id") == "p1")
    assert row["contrib_needs"].item() == D("25.00") and row["contrib_greedy"].item() == D("30.00")
    assert "needs" in row["reason"].item() and "greedy" in row["reason"].item()


@pytest.mark.parametrize("whole", [False, True])
def test_whole_ppa_funding_is_all_or_nothing(whole):
    rows = [
        {"ppa_id": "a", "requested_cost": "60", "unmet_need_score": 2},
        {"ppa_id": "b", "requested_cost": "60", "unmet_need_score": 1},
        {"ppa_id": "c", "requested_cost": "30", "unmet_need_score": 1},
    ]
    result = run(rows, "100", ("needs", 1), whole_ppa=whole)
    if whole:
        # mix: a 50 (83 % of its cost), b 25 (42 %), c 25 (83 %); ranking by share then cost → c, a; b no longer fits
        assert result.amounts() == {"a": D("60.00"), "b": D("0.00"), "c": D("30.00")}
    else:
        assert result.amounts() == {"a": D("50.00"), "b": D("25.00"), "c": D("25.00")}
