"""The gap-analysis figures on small frames: tiles, the tile-free bubble map, table rows and notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboards import gap_figures as gf
from dashboards import theme


def _areas(**overrides) -> pl.DataFrame:
    data = {
        "geography_id": ["province:10", "province:20", "province:30"],
        "area_name": ["Zamboanga Sibugay", "Sultan Kudarat", "Sarangani"],
        "province_name": ["Zamboanga Sibugay", "Sultan Kudarat", "Sarangani"],
        "region_name": ["Zamboanga Peninsula", "SOCCSKSARGEN", "SOCCSKSARGEN"],
        "region_code": ["IX", "XII", "XII"],
        "center_longitude": [122.6, 124.4, 125.2],
        "center_latitude": [7.7, 6.6, 5.9],
        "population_total": [1000, 0, 500],
        "needs_count": [3, 2, 1],
        "cost_unknown_count": [0, 1, 0],
        "unmet_cost": [Decimal("4000.00"), Decimal("1000.50"), Decimal("250.00")],
        "affected_population": [120, 305, 9],
        "unmet_per_capita": [4.0, None, 0.5],
    }
    data.update(overrides)
    return pl.DataFrame(data, schema_overrides={"unmet_cost": pl.Decimal(18, 2)})


REGIONS = pl.DataFrame(
    {
        "geography_id": ["region:1", "region:2", "region:3"],
        "region_id": [1, 2, 3],
        "region_code": ["IX", "XII", "XI"],
        "region_name": ["Zamboanga Peninsula", "SOCCSKSARGEN", "Davao Region"],
        "center_longitude": [122.5, 124.8, 125.8],
        "center_latitude": [7.5, 6.5, 7.0],
    }
)


def _bubbles(fig):
    return [t for t in fig.data if t.mode == "markers"]


def test_headline_tiles():
    frame = pl.DataFrame(
        {
            "unfunded_count": [4],
            "unfunded_unmet_cost": [Decimal("1120.25")],
            "unfunded_cost_unknown": [1],
            "unfunded_affected_population": [412],
            "high_priority_count": [6],
            "funded_count": [2],
            "funded_share": [2 / 6],
        }
    )
    tiles = {t.key: t for t in gf.headline_tiles(frame, Decimal("4.0"))}
    assert list(tiles) == ["unfunded_count", "unmet_cost", "affected_population", "funded_share"]
    assert tiles["unfunded_count"].value == "4"
    assert "above 4.0" in tiles["unfunded_count"].detail
    assert tiles["unmet_cost"].value == "₱1.12K"
    assert tiles["unmet_cost"].detail == "₱1,120.25 · 1 without a cost estimate"
    assert tiles["affected_population"].value == "412"
    assert tiles["funded_share"].value == "33.3%"
    assert tiles["funded_share"].detail == "2 of 6 funded"


def test_headline_tiles_of_nothing_say_so():
    frame = pl.DataFrame(
        {
            "unfunded_count": [0],
            "unfunded_unmet_cost": [None],
            "unfunded_cost_unknown": [0],
            "unfunded_affected_population": [0],
            "high_priority_count": [0],
            "funded_count": [0],
            "funded_share": [None],
        }
    )
    tiles = {t.key: t for t in gf.headline_tiles(frame, Decimal("3.5"))}
    assert tiles["unmet_cost"].value == "—" and tiles["funded_share"].value == "—"
    assert "above 3.5" in tiles["unfunded_count"].detail


def test_the_map_is_a_plain_scatter_with_equal_axes():
    fig = gf.area_map(_areas(), REGIONS, "province")
    assert {t.type for t in fig.data} == {"scatter"}  # no geo/mapbox trace: nothing to download
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.xaxis.showgrid and fig.layout.yaxis.showgrid
    assert all(t.endswith("°E") for t in fig.layout.xaxis.ticktext)
    assert all(t.endswith("°N") for t in fig.layout.yaxis.ticktext)
    assert "Unfunded high-priority needs" in fig.layout.title.text and "province" in fig.layout.title.text
    labels = [t for t in fig.data if t.mode == "text"]
    # only the regions of the areas drawn are labelled
    assert len(labels) == 1 and list(labels[0].text) == ["Region IX", "Region XII"]


def test_bubble_area_follows_the_unmet_cost_and_colour_the_per_capita_need():
    coloured, grey = _bubbles(gf.area_map(_areas(), REGIONS, "province"))
    # coloured: Zamboanga Sibugay (4,000) and Sarangani (250), the first twice as wide: 16× the cost = 4× the width
    assert list(coloured.x) == [122.6, 125.2]
    assert coloured.marker.size[0] == gf.MAX_BUBBLE_PX
    assert coloured.marker.size[1] == pytest.approx(gf.MAX_BUBBLE_PX / 4)
    assert list(coloured.marker.color) == [4.0, 0.5]
    assert coloured.marker.colorscale[-1][1] == theme.BAD  # the severity scale
    # Sultan Kudarat has no population: a grey bubble, named so in the legend
    assert list(grey.x) == [124.4] and grey.marker.color == theme.NEUTRAL
    assert "no population" in grey.name.lower()
    hover = grey.customdata[0]
    assert hover[0] == "province:20"  # the key a click hands to the table
    assert hover[1] == "Sultan Kudarat"
    assert hover[3] == "₱1,000.50 (1 without a cost estimate)"
    assert hover[4] == "no population"
    assert coloured.customdata[0][4] == "₱4.00 per person"
    assert coloured.customdata[0][5] == "3"  # needs


def test_colour_by_unmet_cost_and_a_selected_bubble():
    fig = gf.area_map(_areas(), REGIONS, "province", colour_by="unmet_cost", selected="province:30")
    (bubbles,) = _bubbles(fig)  # every area has an unmet cost: one coloured trace
    assert list(bubbles.marker.color) == [4000.0, 1000.5, 250.0]
    assert bubbles.marker.colorscale[-1][1] == theme.NAVY  # the amount scale
    assert list(bubbles.marker.line.color) == ["white", "white", theme.NAVY]
    assert list(bubbles.marker.line.width) == [1, 1, 3]


def test_an_unknown_cost_is_the_smallest_bubble_and_grey_when_colouring_by_cost():
    frame = _areas(unmet_cost=[Decimal("10.00"), None, Decimal("0.00")])
    coloured, grey = _bubbles(gf.area_map(frame, REGIONS, "municipality", colour_by="unmet_cost"))
    assert coloured.marker.size[0] == gf.MAX_BUBBLE_PX
    assert coloured.marker.size[1] == gf.MIN_BUBBLE_PX  # ₱0 still shows, smallest
    assert grey.marker.size[0] == gf.MIN_BUBBLE_PX
    assert grey.customdata[0][3] == "unknown (1 without a cost estimate)"
    assert "municipality" in gf.area_map(frame, REGIONS, "municipality").layout.title.text


def test_the_map_says_why_it_is_empty():
    empty = gf.area_map(_areas().head(0), REGIONS, "province")
    assert empty.data == () and "No unfunded high-priority needs" in empty.layout.annotations[0].text
    funded_too = gf.area_map(_areas().head(0), REGIONS, "province", include_funded=True)
    assert "funded too" in funded_too.layout.annotations[0].text
    nowhere = gf.area_map(_areas(center_longitude=[None, None, None]), REGIONS, "province")
    assert "map position" in nowhere.layout.annotations[0].text


def test_areas_without_a_centre_are_listed_not_dropped():
    frame = _areas(center_longitude=[122.6, None, 125.2], center_latitude=[7.7, 6.6, None])
    fig = gf.area_map(frame, REGIONS, "province")
    assert sum(len(t.x) for t in _bubbles(fig)) == 1
    note = gf.no_position_note(frame)
    assert note == ("2 areas have no map position: Sultan Kudarat (₱1,000.50, 2 needs); Sarangani (₱250.00, 1 needs).")
    assert gf.no_position_note(_areas()) is None


def test_unplaced_note():
    frame = pl.DataFrame({"without_province": [0], "without_municipality": [3]})
    assert gf.unplaced_note(frame, "province") is None
    assert gf.unplaced_note(frame, "municipality").startswith("3 of the selected needs have no municipality")


def _needs() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "need_id": [1, 2, 3],
            "title": ["Clinic", "Classrooms", None],
            "region_name": ["Zamboanga Peninsula", "Zamboanga Peninsula", None],
            "province_name": ["Zamboanga Sibugay", "Zamboanga Sibugay", None],
            "municipality_name": ["Ipil", "Ipil", None],
            "barangay_name": ["Poblacion", "Poblacion", None],
            "geography_id": ["municipality:100", "municipality:100", None],
            "sector": ["health", "social_development", None],
            "category_name": ["Primary care", "Livelihood", None],
            "urgency_level": ["immediate", "short_term", None],
            "priority_score": [Decimal("5.00"), Decimal("4.25"), None],
            "is_high_priority": [True, True, False],
            "is_funded": [False, True, True],
            "funded_via": [None, "needs_addressed", "both"],
            "funding_ppa_ids": [None, "p1", "p2, p3"],
            "estimated_cost": [Decimal("1234567.89"), Decimal("800.00"), None],
            "funding_amount": [Decimal("0.00"), Decimal("300.00"), Decimal("50.00")],
            "unmet_cost": [Decimal("1234567.89"), Decimal("500.00"), None],
            "coverage_ratio": [Decimal("0"), Decimal("0.375"), Decimal("1")],
            "affected_population": [12000, 50, None],
            "status": ["validated", "planned", "identified"],
            "matching_count": [40, 40, 40],
        }
    )


def test_need_rows_are_exact_and_carry_their_funding_status():
    rows = gf.need_rows(_needs())
    first, second, third = rows
    assert first["title"] == "Clinic" and first["area"] == "Ipil, Zamboanga Sibugay"
    assert first["area_full"] == "Poblacion · Ipil · Zamboanga Sibugay · Zamboanga Peninsula"
    assert (first["sector"], first["urgency"], first["priority"]) == ("Health", "Immediate", "5.00")
    assert first["unmet"] == "₱1,234,567.89" and first["people"] == "12,000"
    assert (first["status_key"], first["status"], first["status_badge"]) == ("unfunded", "Unfunded", "danger")
    assert second["sector"] == "Social development"
    assert (second["status_key"], second["status_badge"]) == ("partially_funded", "warning")
    assert second["status_detail"] == "Partly funded via needs addressed (PPA p1)"
    assert (third["status_key"], third["status_badge"]) == ("funded", "success")
    assert (third["title"], third["area"], third["priority"], third["unmet"]) == ("—", "Not placed", "—", "—")
    assert gf.shown_of(_needs()) == "Showing 3 of 40 needs"
    assert gf.shown_of(_needs().head(0)) == "Showing 0 of 0 needs"


def test_alert_rows():
    frame = pl.DataFrame(
        {
            "assessment_id": ["a1"],
            "title": ["Ipil MANA"],
            "assessment_level": ["city_municipal"],
            "actual_end_date": [date(2024, 5, 1)],
            "region_name": ["Zamboanga Peninsula"],
            "province_name": ["Zamboanga Sibugay"],
            "municipality_name": [None],
            "high_priority_needs_count": [4],
            "high_priority_unfunded_count": [3],
            "unfunded_share": [Decimal("0.75")],
            "high_priority_unfunded_cost": [Decimal("900.5")],
        }
    )
    (row,) = gf.alert_rows(frame)
    assert row["level"] == "City municipal"
    assert row["area"] == "Zamboanga Sibugay, Zamboanga Peninsula"
    assert (row["completed"], row["unfunded"], row["share"], row["cost"]) == (
        "2024-05-01",
        "3 of 4",
        "75.0%",
        "₱900.50",
    )
    assert gf.alert_rows(frame.head(0)) == []


@pytest.mark.parametrize(
    ("value", "population", "expected"),
    [(12.345, 100, "₱12.35 per person"), (None, 100, "unknown (no cost estimate)"), (None, 0, "no population")],
)
def test_per_capita_text(value, population, expected):
    assert gf.per_capita_text(value, population) == expected


@pytest.mark.parametrize(("value", "expected"), [("4", "4.0"), ("4.0", "4.0"), ("3.50", "3.5"), ("4.25", "4.25")])
def test_threshold_text(value, expected):
    assert gf.threshold_text(Decimal(value)) == expected
