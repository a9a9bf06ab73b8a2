"""Constraints (locked, excluded, ceilings, minima/maxima) and input validation, hand-worked."""

from decimal import Decimal as D

import polars as pl
import pytest

from models.allocation import Bound, Ceiling, ScenarioSpec, StrategyWeight, allocate, evaluate
from models.errors import ScenarioInputError
from tests.models.helpers import candidates

ROWS = [
    {"ppa_id": "h1", "sector": "health", "area_id": "A", "requested_cost": "100", "unmet_need_score": 3},
    {"ppa_id": "h2", "sector": "health", "area_id": "B", "requested_cost": "100", "unmet_need_score": 1},
    {"ppa_id": "e1", "sector": "education", "area_id": "A", "requested_cost": "100", "unmet_need_score": 1},
]


def spec(envelope="100", **options):
    options.setdefault("strategies", (StrategyWeight("needs", 1),))
    return ScenarioSpec(envelope=envelope, **options)


def test_locked_first_and_excluded_get_nothing():
    result = allocate(candidates(ROWS), spec(locked={"e1": "40"}, excluded=("h2",)))
    # 40 locked to e1; the 60 left go to h1 alone (h2 excluded)
    assert result.amounts() == {"e1": D("40.00"), "h1": D("60.00"), "h2": D("0.00")}
    statuses = dict(zip(result.ppas["ppa_id"], result.ppas["status"], strict=True))
    assert statuses == {"e1": "locked", "h1": "partially funded", "h2": "excluded"}
    assert result.locked_total == D("40.00")


def test_hard_ceiling_caps_and_redistributes_or_leaves():
    ceiling = Ceiling("health cap", "50", hard=True, sector="health")
    # needs alone: h1 60, h2 20, e1 20; health is 80 > 50 → cut to 50 (h1 37.50, h2 12.50), 30 freed → e1
    redistributed = allocate(candidates(ROWS), spec(ceilings=(ceiling,)))
    assert redistributed.amounts() == {"e1": D("50.00"), "h1": D("37.50"), "h2": D("12.50")}
    assert redistributed.unallocated == D("0.00")
    assert any("health cap" in n.message for n in redistributed.notes)
    left = allocate(candidates(ROWS), spec(ceilings=(ceiling,), hard_ceiling_excess="leave"))
    assert left.amounts() == {"e1": D("20.00"), "h1": D("37.50"), "h2": D("12.50")}
    assert left.unallocated == D("30.00")


def test_ceiling_of_listed_ppas_holds_whatever_order_the_candidates_come_in():
    """A ceiling with explicit members (ppa_ids) covers those PPAs, however the candidates are ordered (the engine
    sorts them by ppa_id): same amounts as the sector ceiling over the same PPAs, candidates given in reverse."""
    listed = Ceiling("listed", "50", hard=True, ppa_ids=frozenset({"h2", "h1"}))
    by_sector = allocate(candidates(ROWS), spec(ceilings=(Ceiling("health cap", "50", hard=True, sector="health"),)))
    reversed_rows = allocate(candidates(ROWS[::-1]), spec(ceilings=(listed,)))
    assert reversed_rows.amounts() == by_sector.amounts() == {"e1": D("50.00"), "h1": D("37.50"), "h2": D("12.50")}
    assert reversed_rows.ceilings.row(0, named=True)["allocated"] == D("50.00")
    soft = allocate(
        candidates(ROWS[::-1]), spec(ceilings=(Ceiling("e only", "10", hard=False, ppa_ids=frozenset({"e1"})),))
    )
    assert soft.ceilings.row(0, named=True)["allocated"] == D("20.00")  # e1's 20 by needs 3:1:1


def test_soft_ceiling_only_warns():
    ceiling = Ceiling("health soft", "50", hard=False, sector="health")
    result = allocate(candidates(ROWS), spec(ceilings=(ceiling,)))
    assert result.amounts()["h1"] == D("60.00")
    assert [w.key for w in result.warnings if w.field == "ceilings"] == ["health soft"]
    row = result.ceilings.row(0, named=True)
    assert row["status"] == "exceeded" and row["allocated"] == D("80.00") and row["utilisation"] == pytest.approx(1.6)


def test_ceiling_by_funding_source_and_near_limit_warning():
    rows = [{**r, "funding_source": "bg" if r["ppa_id"] == "e1" else "gaab"} for r in ROWS]
    ceiling = Ceiling("bg", "21", hard=False, funding_source="bg")
    result = allocate(candidates(rows), spec(ceilings=(ceiling,)))
    assert result.ceilings["status"].to_list() == ["warning"]  # 20 of 21 = 95 % ≥ 90 %


def test_minimum_is_honoured_first_and_maximum_caps():
    # education gets only 20 by score; its minimum of 70 is reserved first (e1), then the other 30 go by needs
    # 3:1:1 over h1, h2, e1 → 18, 6, 6: e1 = 76
    result = allocate(candidates(ROWS), spec(bounds=(Bound("sector", "education", minimum="70"),)))
    assert result.amounts() == {"e1": D("76.00"), "h1": D("18.00"), "h2": D("6.00")}
    assert "minimum for sector 'education'" in result.ppas.filter(pl.col("ppa_id") == "e1")["reason"].item()
    capped = allocate(candidates(ROWS), spec(bounds=(Bound("area", "A", maximum="30"),)))
    by_area = dict(zip(capped.by_area["key"], capped.by_area["allocated"], strict=True))
    assert by_area["A"] == D("30.00") and by_area["B"] == D("70.00")


def test_by_sector_area_moa_totals_add_up():
    result = allocate(candidates(ROWS), spec())
    for table in (result.by_sector, result.by_area, result.by_moa):
        assert sum(table["allocated"].to_list()) == result.allocated_total


def problems_of(rows, **options):
    with pytest.raises(ScenarioInputError) as info:
        allocate(candidates(rows) if isinstance(rows, list) else rows, spec(**options))
    return info.value.problems


def test_validation_collects_every_problem_with_its_field():
    found = problems_of(
        ROWS,
        envelope="-5",
        strategies=(StrategyWeight("needs", 0.5), StrategyWeight("magic", 0.5)),
        locked={"zz": "1"},
        bounds=(Bound("sector", "health", minimum="90", maximum="10"),),
    )
    fields = {(p.field, p.ppa_id or p.key) for p in found}
    assert ("envelope", None) in fields
    assert ("strategies", "magic") in fields
    assert ("locked", "zz") in fields
    assert ("bounds", "health") in fields


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"strategies": (StrategyWeight("needs", 0.5), StrategyWeight("equity", 0.4))}, "strategies", "sum to 1"),
        ({"envelope": "50", "locked": {"h1": "60"}}, "envelope", "below the locked total"),
        ({"locked": {"h1": "101"}}, "locked", "more than the PPA requests"),
        ({"bounds": (Bound("sector", "education", minimum="150"),)}, "bounds", "cannot be met"),
        ({"bounds": (Bound("sector", "x", minimum="5", maximum="1"),)}, "bounds", "minimum is above the maximum"),
        ({"envelope": "abc"}, "envelope", "amount"),
        ({"on_no_fit": "maybe"}, "on_no_fit", "skip"),
        ({"strategies": (StrategyWeight("mes", 1),)}, "votes", "votes"),
        ({"ceilings": (Ceiling("c", "10", sector="health"),), "locked": {"h1": "20"}}, "ceilings", "locked"),
    ],
)
def test_each_bad_input_names_its_field(options, field, words):
    found = problems_of(ROWS, **options)
    assert any(p.field == field and words in p.message for p in found), found


@pytest.mark.parametrize("k", [0, 3, 9])
def test_a_bad_requested_cost_in_row_k_names_that_ppa_and_field(k):
    """The requested costs convert as a column (Decimal, two places); a missing or negative one is still reported
    on its own PPA, with the one-by-one check's words, in row order."""
    rows = [{"ppa_id": f"p{i}", "requested_cost": "100"} for i in range(10)]
    frame = candidates(rows)
    costs = frame["requested_cost"].to_list()
    costs[k] = D("-12.50")
    costs[(k + 5) % 10] = None
    frame = frame.with_columns(pl.Series("requested_cost", costs, dtype=pl.Decimal(18, 2)))
    found = [p for p in problems_of(frame) if p.field == "requested_cost"]
    expected = {
        f"p{k}": "must not be negative (got -12.50)",
        f"p{(k + 5) % 10}": "is missing",
    }
    assert [(p.ppa_id, p.message) for p in found] == sorted(expected.items(), key=lambda kv: int(kv[0][1:]))


def test_requested_costs_as_a_column_match_them_one_by_one():
    """The same frame with its costs as Decimals and as text: the same allocation to the centavo."""
    rows = [{"ppa_id": f"p{i}", "requested_cost": f"{100 + 37 * i}.{i:02d}", "unmet_need_score": i} for i in range(8)]
    decimal = candidates(rows)
    text = decimal.with_columns(pl.col("requested_cost").cast(pl.String))
    spec = ScenarioSpec(envelope=D("500.00"), strategies=(StrategyWeight("needs", 1),))
    assert allocate(decimal, spec).amounts() == allocate(text, spec).amounts()


def test_bad_candidate_rows():
    frame = pl.DataFrame(
        {
            "ppa_id": ["a", "a", "b"],
            "requested_cost": ["10", "abc", "-3"],
            "sector": ["s"] * 3,
            "area_id": ["x"] * 3,
            "moa": ["m"] * 3,
            "unmet_need_score": ["1", "oops", "-1"],
        }
    )
    found = problems_of(frame)
    assert ("ppa_id", "a") in {(p.field, p.ppa_id) for p in found}
    assert {p.ppa_id for p in found if p.field == "requested_cost"} == {"a", "b"}
    assert {p.ppa_id for p in found if p.field == "unmet_need_score"} == {"a", "b"}
    missing = problems_of(frame.drop("moa"))
    assert [p.field for p in missing] == ["moa"]


def test_evaluate_returns_problems_instead_of_raising():
    outcome = evaluate(candidates(ROWS), spec(envelope="-1"))
    assert outcome.allocation is None and outcome.errors[0].field == "envelope"
    assert evaluate(candidates(ROWS), spec()).errors == ()


def test_one_candidates_frame_checked_for_each_spec_in_turn():
    """The candidates' rows are checked once per frame (the page recomputes on one frame): a bad score is a problem
    only for a spec that uses it, every time, and problems never pile up from one evaluation to the next."""
    frame = candidates([{**ROWS[0], "performance_score": -1}, ROWS[1], {**ROWS[2], "requested_cost": "-5"}])
    uses_needs = spec()
    uses_performance = spec(strategies=(StrategyWeight("performance", 1),))
    for _ in range(2):
        needs = evaluate(frame, uses_needs)
        performance = evaluate(frame, uses_performance)
        assert [(p.field, p.ppa_id) for p in needs.errors] == [("requested_cost", "e1")]
        assert [(p.field, p.ppa_id) for p in performance.errors] == [
            ("requested_cost", "e1"),
            ("performance_score", "h1"),
        ]
    fixed = candidates([{**ROWS[0], "performance_score": -1}, ROWS[1], ROWS[2]])
    assert evaluate(fixed, uses_needs).errors == ()
    assert evaluate(fixed, uses_needs).allocation.amounts() == allocate(candidates(ROWS), uses_needs).amounts()
