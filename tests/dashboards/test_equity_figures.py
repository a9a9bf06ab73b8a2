"""The equity page's readings, tiles, charts and rows on small frames: band edges, denominators, empty states."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from dashboards import equity_figures as ef
from dashboards import theme

D = Decimal


@pytest.mark.parametrize(
    ("value", "word"),
    [(0, "nearly even"), (0.1999, "nearly even"), (0.2, "mildly unequal"), (0.42, "moderately unequal"),
     (0.5, "highly unequal"), (0.93, "highly unequal"), (None, None)],
)  # fmt: skip
def test_gini_bands(value, word):
    assert ef.band(value, ef.GINI_BANDS) == word


def test_the_gini_reading_of_the_brief():
    assert ef.gini_reading(D("0.42"), "province") == "spending per person is moderately unequal across provinces"
    assert ef.gini_reading(D("0.1"), "municipality").endswith("nearly even across municipalities")
    assert ef.gini_reading(None, "region") == "not defined: nothing was spent"


@pytest.mark.parametrize(
    ("value", "word"), [(0.1, "low"), (0.25, "moderate"), (0.75, "high"), (1.0, "very high"), (4.8, "very high")]
)
def test_dispersion_bands(value, word):
    assert ef.dispersion_reading(value).startswith(f"{word} spread")


def test_theil_reading_splits_between_and_within_regions():
    assert ef.theil_reading(D("0.4"), D("0.1")) == "high inequality; 25% of it is between regions, 75% within them"
    assert ef.theil_reading(D("0.05"), None) == "low inequality"
    assert ef.theil_reading(D("0"), D("0"), n_areas=1).startswith("not meaningful")
    assert ef.theil_reading(None, None) == "not defined: nothing was spent"


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        (D("0.3"), "spending per head goes clearly to the needier areas"),
        (D("0.1"), "spending per head goes somewhat to the needier areas"),
        (D("0.049"), "spending per head is not related to need"),
        (D("-0.05"), "spending per head goes somewhat to the less needy areas"),
        (D("-0.333"), "spending per head goes clearly to the less needy areas"),
    ],
)
def test_concentration_reading(value, reading):
    assert ef.concentration_reading(value) == reading


def test_max_min_reading():
    assert ef.max_min_reading(D("3"), 0).startswith("the best-funded area gets 3.0× per head")
    assert ef.max_min_reading(None, 19) == "not defined: 19 areas with people got nothing"


def _summary(**overrides) -> dict:
    row = {
        "denominator": "total",
        "n_areas": 3,
        "n_areas_without_population": 0,
        "n_areas_zero_spending": 1,
        "mean_per_capita": D("1.3333"),
        "max_min_ratio": None,
        "coefficient_of_variation": D("0.935414"),
        "williamson_index": D("0.935414"),
        "gini_weighted": D("0.42"),
        "gini_unweighted": D("0.5"),
        "theil_t": D("0.536277"),
        "theil_t_between": D("0.362990"),
        "theil_t_within": D("0.173287"),
        "theil_l": D("0.143841"),
        "theil_l_between": D("0.143841"),
        "theil_l_within": D("0"),
        "concentration_index": D("-0.333333"),
    }
    return {**row, **overrides}


def test_index_tiles_of_one_denominator():
    tiles = {t.key: t for t in ef.index_tiles(_summary(), "province")}
    assert list(tiles) == [
        "total-max_min_ratio",
        "total-coefficient_of_variation",
        "total-williamson_index",
        "total-gini_weighted",
        "total-gini_unweighted",
        "total-theil_t",
        "total-theil_l",
        "total-concentration_index",
    ]
    assert tiles["total-gini_weighted"].value == "0.42"
    assert tiles["total-gini_weighted"].detail == "spending per person is moderately unequal across provinces"
    assert (
        tiles["total-max_min_ratio"].value == "—"
        and "1 areas with people got nothing" in tiles["total-max_min_ratio"].detail
    )
    assert "68% of it is between regions" in tiles["total-theil_t"].detail
    assert "between regions 0.363 · within 0.173" in tiles["total-theil_t"].detail
    assert "over the 2 areas with spending" in tiles["total-theil_l"].detail
    assert tiles["total-concentration_index"].detail == "spending per head goes clearly to the less needy areas"
    assert all(t.definition for t in tiles.values())


def test_index_groups_name_their_denominator():
    frame = pl.DataFrame([_summary(), _summary(denominator="obc", n_areas_without_population=2)])
    total, obc = ef.index_groups(frame, "province")
    assert total.title.endswith("denominator: total population (PSA)") and "per person" in total.title
    assert obc.title.endswith("denominator: OBC population") and "per OBC member" in obc.title
    assert "2 without a figure left out" in obc.coverage and "1 got nothing" in total.coverage
    assert ef.index_groups(frame.clear(), "province") == []


def _areas() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "geography_id": ["p1", "p2", "p3", "p4"],
            "level": ["province"] * 4,
            "area_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "region_name": ["IX", "IX", "X", "X"],
            "province_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "ppa_count": [1, 2, 0, 1],
            "spending": [D("100.00"), D("600.00"), D("0.00"), D("300.00")],
            "population_total": [100, 200, 100, None],
            "obc_population": [10, None, 5, None],
            "spending_per_capita_total": [D("1.0000"), D("3.0000"), D("0.0000"), None],
            "spending_per_capita_obc": [D("10.0000"), None, D("0.0000"), None],
            "unmet_need_cost": [D("50.00"), D("10.00"), D("40.00"), D("0.00")],
            "allocation_share": [D("0.1"), D("0.6"), D("0"), D("0.3")],
            "need_share": [D("0.5"), D("0.1"), D("0.4"), D("0")],
            "allocation_need_ratio": [D("0.2"), D("6"), D("0"), None],
            "spending_prev_year": [D("50.00"), None, D("0.00"), D("300.00")],
            "spending_yoy_change": [D("50.00"), None, D("0.00"), D("0.00")],
            "spending_yoy_pct": [D("100.0000"), None, None, D("0.0000")],
        }
    )


def test_the_per_capita_bars_name_the_denominator_and_sort_highest_first():
    total = ef.per_capita_bar(_areas(), "total", "province")
    assert "denominator: total population (PSA)" in total.layout.title.text
    assert "total population" in total.layout.xaxis.title.text
    assert list(total.data[0].y) == ["Beta", "Alpha", "Gamma"]  # Delta has no population
    assert total.data[0].customdata[0][0] == "₱600.00"
    obc = ef.per_capita_bar(_areas(), "obc", "province")
    assert "denominator: OBC population" in obc.layout.title.text and list(obc.data[0].y) == ["Alpha", "Gamma"]


def test_the_bars_keep_the_top_areas_and_say_so(monkeypatch):
    monkeypatch.setattr(ef, "BAR_LIMIT", 2)
    fig = ef.per_capita_bar(_areas(), "total", "province")
    assert list(fig.data[0].y) == ["Beta", "Alpha"] and "the top 2 of 3 provinces" in fig.layout.title.text


def test_the_bars_say_why_they_are_empty():
    no_obc = _areas().with_columns(pl.lit(None, dtype=pl.Decimal(18, 4)).alias("spending_per_capita_obc"))
    fig = ef.per_capita_bar(no_obc, "obc", "province")
    assert (
        fig.data == ()
        and "No province in the selection has a figure for the OBC population" in fig.layout.annotations[0].text
    )
    assert ef.per_capita_bar(_areas().clear(), "total", "region").layout.annotations[0].text == "No areas match"


def test_the_share_scatter_draws_the_45_degree_line_and_colours_each_side():
    fig = ef.share_scatter(_areas(), "province")
    line, dots = fig.data
    assert list(line.x) == list(line.y)  # the 45° line
    assert list(dots.x) == [0.5, 0.1, 0.4, 0.0] and list(dots.y) == [0.1, 0.6, 0.0, 0.3]
    assert list(dots.marker.color) == [theme.WARNING, theme.BLUE, theme.WARNING, theme.BLUE]
    assert list(dots.text) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert dots.customdata[1][1] == "10.00%" and dots.customdata[1][3] == "₱600.00"
    assert "above the dashed line an area gets more than its need share" in fig.layout.title.text


def test_the_share_scatter_labels_only_the_farthest_areas(monkeypatch):
    monkeypatch.setattr(ef, "LABEL_LIMIT", 2)
    dots = ef.share_scatter(_areas(), "province").data[1]
    assert list(dots.text) == ["Alpha", "Beta", "", ""]  # gaps 0.4 and 0.5 are the largest


def test_the_share_scatter_without_need():
    fig = ef.share_scatter(_areas().with_columns(pl.lit(None).alias("need_share")), "region")
    assert fig.layout.annotations[0].text == "No unmet need is recorded for these areas"


def test_area_rows():
    rows = ef.area_rows(_areas())
    assert rows[0]["per_capita_total"] == "₱1.00" and rows[0]["per_capita_obc"] == "₱10.00"
    assert rows[0]["yoy"] == "+100.0%" and rows[0]["need_share"] == "50.0%" and rows[0]["ratio"] == "0.20"
    assert rows[3]["per_capita_total"] == "—" and rows[3]["ratio"] == "—" and rows[3]["yoy"] == "0.0%"
    assert rows[1]["spending"] == "₱600.00" and rows[1]["population_total"] == "200"
