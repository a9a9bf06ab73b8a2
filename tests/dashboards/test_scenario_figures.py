"""Scenario builder: figures and rows (dashboards/scenario_figures.py) and the page's input parsing (build_spec)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from dashboards import formatting as fmt
from dashboards import scenario_figures as sf
from dashboards.pages import scenarios as page
from dashboards.theme import BLUE, NEUTRAL
from models.allocation import Bound
from models.money import Problem

D = Decimal

PPAS = pl.DataFrame(
    {
        "ppa_id": ["a", "b", "c"],
        "sector": ["social", "social", "economic"],
        "area_id": ["province:1", "province:2", "province:1"],
        "area_name": ["Cotabato", "Sulu", "Cotabato"],
        "moa": ["MOH", "MOH", "MPW"],
        "allocated": [D("10.00"), D("5.00"), D("0.00")],
        "baseline": [D("12.00"), D("5.00"), D("3.50")],
    }
)


def test_versus_baseline_sums_by_group_with_delta():
    sectors = sf.versus_baseline(PPAS, "sector")
    assert sectors.select("key", "ppas", "allocated", "baseline", "delta").rows() == [
        ("social", 2, D("15.00"), D("17.00"), D("-2.00")),
        ("economic", 1, D("0.00"), D("3.50"), D("-3.50")),
    ]
    areas = sf.versus_baseline(PPAS, "area")
    assert areas.select("key", "label", "allocated").rows()[0] == ("province:1", "Cotabato", D("10.00"))
    assert sf.versus_baseline(PPAS.clear(), "moa").is_empty()


def test_comparison_bar_scenario_blue_baseline_grey_delta_written():
    fig = sf.comparison_bar(sf.versus_baseline(PPAS, "moa"), "moa")
    baseline, scenario = fig.data
    assert (baseline.marker.color, scenario.marker.color) == (NEUTRAL, BLUE)
    assert list(scenario.y) == ["MPW", "MOH"]  # largest at the top of a horizontal bar chart
    assert list(scenario.text) == ["-₱4", "-₱2"]  # short amounts on the bars
    assert "₱15.00" in scenario.customdata[1][0]


def test_comparison_bar_empty_says_why():
    fig = sf.comparison_bar(sf.versus_baseline(PPAS.clear(), "sector"), "sector")
    assert "fix the inputs" in fig.layout.annotations[0].text


CEILINGS = pl.DataFrame(
    {
        "name": ["hard", "soft over", "soft near", "soft ok"],
        "hard": [True, False, False, False],
        "amount": [D("10"), D("10"), D("10"), D("10")],
        "allocated": [D("10"), D("12"), D("9.5"), D("1")],
        "utilisation": [1.0, 1.2, 0.95, 0.1],
        "status": ["warning", "exceeded", "warning", "ok"],
    }
)


def test_ceiling_rows_breaches_first_with_status_colours():
    rows = sf.ceiling_rows(CEILINGS)
    assert [r["name"] for r in rows] == ["soft over", "hard", "soft near", "soft ok"]
    assert [r["row_class"] for r in rows] == ["row-bad", "row-warning", "row-warning", "row-ok"]
    assert rows[1]["status"] == "blocked at limit" and rows[1]["kind"] == "hard (blocks)"
    assert sf.ceiling_rows(CEILINGS.clear()) == []


def test_summary_tiles_tones():
    tiles = {t.key: t for t in sf.summary_tiles(D("100"), D("90"), D("10"), D("120"), CEILINGS, 3, 5, 40, 50)}
    assert tiles["unallocated"].tone == "warning" and tiles["delta"].value == "-₱30"
    assert tiles["ceilings"].value == "1 exceeded" and tiles["ceilings"].tone == "bad"
    assert tiles["needs"].tone == "warning" and tiles["needs"].detail == "baseline 5"


def test_saved_comparison_rows_side_by_side():
    baseline = sf.versus_baseline(PPAS.with_columns(allocated=pl.col("baseline")), "sector")
    scenario = sf.versus_baseline(PPAS, "sector")
    columns, rows = sf.saved_comparison_rows(baseline, [("A v1", scenario), ("Broken v2", None)], "sector")
    assert [c.header for c in columns] == ["Sector", "Baseline", "A v1", "Δ", "Broken v2", "Δ"]
    assert rows[0] == {"label": "Social", "base": "₱17", "s0": "₱15", "d0": "-₱2", "s1": "—", "d1": "—"}


# ------------------------------------------------------------------------------------------- page input parsing
@pytest.mark.parametrize(
    ("text", "value", "message"),
    [
        ("1,500,000", D("1500000"), None),
        ("₱ 12.50", D("12.50"), None),
        ("", None, None),
        ("abc", None, "is not an amount"),
        ("1e6", None, "is not an amount"),
        ("-5", None, "negative"),
        ("1.234", None, "two decimals"),
        ("nan", None, "is not an amount"),
    ],
)
def test_parse_amount(text, value, message):
    parsed, problem = page.parse_amount(text)
    assert parsed == value
    assert (problem is None) if message is None else (message in problem)


def _build(envelope="100", weights=None, bounds=(), locks=None, excluded=()):
    return page.build_spec(
        envelope,
        weights or {"needs": "0.5", "equity": "0.5"},
        list(bounds),
        locks or {},
        list(excluded),
        "total",
        False,
        "skip",
    )


def test_build_spec_from_good_inputs():
    spec, _problems = _build(
        weights={"needs": "0.25", "equity": "0.75", "policy": "0", "greedy": ""},
        bounds=[("sector", "social", "10", ""), ("area", "province:1", "", "50"), ("sector", "x", "", "")],
        locks={"a": "20", "b": ""},
        excluded=["c", "a"],
    )
    assert spec is not None
    assert [(s.strategy, s.weight) for s in spec.strategies] == [("needs", D("0.25")), ("equity", D("0.75"))]
    assert spec.bounds == (Bound("sector", "social", D("10"), None), Bound("area", "province:1", None, D("50")))
    assert spec.locked == {"a": D("20")} and spec.excluded == ("c",)  # a locked PPA is not also excluded


def test_build_spec_reports_each_bad_field_and_builds_nothing():
    spec, problems = _build(
        envelope="-1",
        weights={"needs": "0.5", "equity": "0.6"},
        bounds=[("sector", "social", "20", "10"), ("area", "province:1", "x", "")],
        locks={"a": "ten"},
    )
    assert spec is None
    assert "negative" in problems["envelope"]
    assert "sum to 1.1" in problems["weights"]
    assert "minimum is above the maximum" in problems["bounds"][("sector", "social")]
    assert "not an amount" in problems["bounds"][("area", "province:1")]
    assert "not an amount" in problems["locked"]["a"]
    _, problems = _build(weights={"needs": "a lot"})
    assert "Needs" in problems["weights"]


def test_build_spec_envelope_below_the_locked_total():
    spec, problems = _build(envelope="30", locks={"a": "20", "b": "15"})
    assert spec is None and "below the locked total" in problems["envelope"]


def test_engine_problems_are_placed_on_their_fields():
    placed = page.engine_problems(
        (
            Problem("envelope", "too small"),
            Problem("bounds", "cannot be met", key="social"),
            Problem("locked", "more than requested", ppa_id="a"),
            Problem("ceilings", "locked alone exceed", key="cap"),
        )
    )
    assert placed["envelope"] == "too small" and placed["bounds"] == {"social": "cannot be met"}
    assert placed["locked"] == {"a": "more than requested"} and placed["general"] == ["locked alone exceed"]


def test_equity_tile_compares_the_spread_with_the_baseline():
    from models.outcomes import Inequality

    tile = sf.equity_tile(Inequality(12, 0.21, 0.5), Inequality(12, 0.3456, 0.9))
    assert (tile.value, tile.tone) == ("0.210", "good")  # more even than the approved budget
    assert tile.detail == "baseline 0.346 · Williamson 0.500 (baseline 0.900)"
    assert "12 areas" in tile.definition
    worse = sf.equity_tile(Inequality(12, 0.5, 1.0), Inequality(12, 0.3, 0.9))
    assert worse.tone == "warning"
    unknown = sf.equity_tile(Inequality(0, None, None), Inequality(0, None, None))
    assert (unknown.value, unknown.tone) == ("—", None)


# ------------------------------------------------------------------------------------------ PPA grid
def _candidates() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ppa_id": ["a", "b", "c"],
            "title": ["Roads", None, "Clinics"],
            "moa": ["MPW", "MOH", None],
            "sector": ["infrastructure", "social", "social"],
            "area_name": ["Cotabato", "Maguindanao", "Cotabato"],
            "requested_cost": [Decimal("1500000.00"), Decimal("250.50"), Decimal("9.99")],
            "baseline": [Decimal("100.00"), Decimal("300.00"), Decimal("100.00")],
        },
        schema_overrides={"requested_cost": pl.Decimal(18, 2), "baseline": pl.Decimal(18, 2)},
    )


def test_grid_edits_read_from_the_store_drop_what_the_page_never_sends():
    assert sf.lock_edits(None) == sf.lock_edits("x") == {"locks": {}, "excluded": []}
    assert sf.lock_edits({"locks": ["a"], "excluded": "c"}) == {"locks": {}, "excluded": []}
    assert sf.lock_edits({"locks": {"a": 5, "b": "7", "c": "  "}, "excluded": ["d", None, "c", "d"]}) == {
        "locks": {"b": "7"},
        "excluded": ["c", "d"],
    }


def test_grid_rows_largest_baseline_first_with_the_recomputed_columns_blank():
    rows = sf.ppa_grid_rows(_candidates())
    assert [r["ppa_id"] for r in rows] == ["b", "a", "c"]  # baseline desc, then id
    b, a, c = rows
    assert (b["title"], b["moa"], b["where"]) == ("b", "MOH", "social · Maguindanao")  # no title: its id
    assert (a["requested"], a["requested_exact"], a["requested__value"]) == ("₱1.50M", "₱1,500,000.00", 1500000.0)
    assert c["moa"] == "—"
    assert {(r["lock"], r["exclude"], r["allocated"], r["allocated__value"], r["problem"]) for r in rows} == {
        ("", False, "", None, "")
    }


def test_grid_update_carries_only_what_a_recompute_changes():
    update = sf.grid_update(
        {"locks": {"c": "abc"}, "excluded": ["a"]},
        pl.DataFrame(
            {"ppa_id": ["a", "b", "c", "d"], "allocated": [Decimal("0.00"), Decimal("250.50"), Decimal("9.99"), None]},
            schema={"ppa_id": pl.String, "allocated": pl.Decimal(38, 2)},
        ),
        {"c": "Not an amount"},
    )
    assert update == {
        "locks": {"c": "abc"},
        "excluded": ["a"],
        "allocated": {"ids": ["a", "b", "c"], "texts": ["₱0", "₱251", "₱10"], "values": [0.0, 250.5, 9.99]},
        "missing": "—",
        "problems": {"c": "Not an amount"},
    }
    # inputs with problems: nothing recomputed, the Allocated column blank (None, not an empty mapping)
    assert sf.grid_update(None, None, None) == {
        "locks": {},
        "excluded": [],
        "allocated": None,
        "missing": "—",
        "problems": {},
    }


def test_the_ppa_grid_edits_only_the_lock_and_exclude_columns():
    columns = {c.get("colId", c.get("field")): c for c in page.ppa_grid().columnDefs}
    assert {k for k, c in columns.items() if c.get("editable")} == {sf.LOCK_COLUMN, sf.EXCLUDE_COLUMN}
    assert columns[sf.EXCLUDE_COLUMN]["cellDataType"] == "boolean"
    assert page.ppa_grid().getRowId == "params.data.ppa_id"


def test_grid_rows_fixed_part_is_formatted_once_per_frame_and_never_shared_between_frames():
    frame = _candidates()
    first, again = sf.ppa_grid_rows(frame), sf.ppa_grid_rows(frame)
    assert [r["requested"] for r in first] == [r["requested"] for r in again]
    first[1]["lock"] = "5"  # rows are new dicts per call: one call's rows never change another's
    assert again[1]["lock"] == ""
    renamed = frame.with_columns(pl.Series("title", ["Bridges", "Seeds", "Wells"]))
    assert [r["title"] for r in sf.ppa_grid_rows(renamed)] == ["Seeds", "Bridges", "Wells"]
    assert [r["title"] for r in sf.ppa_grid_rows(frame)] == ["b", "Roads", "Clinics"]


# ------------------------------------------------------------------------------------ the sector/area grid
CANDIDATES = PPAS.with_columns(requested_cost=pl.Series([D("20.00"), D("5.00"), D("1234567.00")]))


def test_bound_grid_rows_are_the_sectors_then_the_areas_with_their_requests():
    rows = sf.bound_grid_rows(CANDIDATES)
    assert [(r["id"], r["dim"], r["label"], r["requested__value"]) for r in rows] == [
        ("sector|economic", "Sector", fmt.sector_label("economic"), 1234567.0),
        ("sector|social", "Sector", fmt.sector_label("social"), 25.0),
        ("area|province:1", "Area", "Cotabato", 1234587.0),
        ("area|province:2", "Area", "Sulu", 5.0),
    ]
    first = rows[0]
    assert (first["requested"], first["requested_exact"]) == (fmt.peso_short(D("1234567")), "₱1,234,567.00")
    assert all((r["min"], r["max"], r["problem"]) == ("", "", "") for r in rows)
    assert sf.bound_grid_rows(CANDIDATES) is rows  # once per candidates frame
    assert sf.bound_keys(CANDIDATES) == {"sector|economic", "sector|social", "area|province:1", "area|province:2"}


@pytest.mark.parametrize(
    "data",
    [None, [], "sector|social", 7, {"sector|social": "2000"}, {"sector|social": ["1", "2"]}, {"": {"min": "1"}},
     {"moa|MOH": {"min": "1"}}, {"sector|": {"min": "1"}}, {"sector|social": {"min": "", "max": " "}},
     {"sector|social": {"min": None, "max": 5}}],
)  # fmt: skip
def test_bound_edits_drop_what_the_grid_cannot_send(data):
    assert sf.bound_edits(data) == {}


def test_bound_edits_keep_the_limits_typed_on_known_rows():
    data = {
        "sector|social": {"min": "10", "max": 3, "extra": "x"},
        "area|province:9": {"max": "5"},  # not a row of this year's grid
        "area|province:1": {"max": "1,000"},
    }
    assert sf.bound_edits(data) == {
        "sector|social": {"min": "10", "max": ""},
        "area|province:9": {"min": "", "max": "5"},
        "area|province:1": {"min": "", "max": "1,000"},
    }
    assert sf.bound_edits(data, sf.bound_keys(CANDIDATES)) == {
        "sector|social": {"min": "10", "max": ""},
        "area|province:1": {"min": "", "max": "1,000"},
    }
