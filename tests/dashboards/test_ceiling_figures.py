"""The ceiling monitor's chart, tiles and rows, made from small hand-made frames."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from dashboards import ceiling_figures as cf
from dashboards import theme

D = Decimal

CEILING_SCHEMA = {
    "ceiling_id": pl.String,
    "source_table": pl.String,
    "ceiling_name": pl.String,
    "fiscal_year": pl.Int32,
    "sector_stated": pl.String,
    "sector_mapped": pl.String,
    "sector_match": pl.String,
    "funding_source_stated": pl.String,
    "funding_source_mapped": pl.String,
    "funding_source_match": pl.String,
    "ceiling_amount": pl.Decimal(18, 2),
    "allocated_amount": pl.Decimal(18, 2),
    "remaining_amount": pl.Decimal(18, 2),
    "utilization": pl.Decimal(18, 6),
    "warning_threshold": pl.Decimal(5, 4),
    "is_threshold_default": pl.Boolean,
    "status": pl.String,
    "enforcement_level": pl.String,
    "is_active": pl.Boolean,
    "ppa_count": pl.Int32,
    "ppas_beyond_ceiling_count": pl.Int32,
}
PC = "project_central_budgetceiling"
MC = "monitoring_ceilingmanagement"


def _ceilings() -> pl.DataFrame:
    rows = [
        ("c1", PC, "Social 2025", 2025, "education", "social", "broader", None, None, "not_stated",
         D("100.00"), D("120.00"), D("-20.00"), D("1.2"), D("0.9"), True, "exceeded", "hard", True, 2, 1),
        ("c2", MC, None, 2025, None, None, "not_stated", "GAA 2025", "gaa,gaab_2025", "exact",
         D("200.00"), D("190.00"), D("10.00"), D("0.95"), D("0.85"), False, "warning", "soft", True, 1, 0),
        ("c3", PC, "Zero", 2024, None, None, "not_stated", None, None, "not_stated",
         D("0.00"), D("5.00"), D("-5.00"), None, D("0.9"), True, "exceeded", "soft", True, 1, 1),
        ("c4", PC, "Culture", 2025, "cultural", None, "unmapped", None, None, "not_stated",
         D("30.00"), None, None, None, D("0.9"), True, "unmapped", "hard", True, 0, 0),
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=CEILING_SCHEMA, orient="row")


def test_bullet_chart_colours_patterns_and_labels():
    fig = cf.bullet_chart(_ceilings())
    bars, thresholds = fig.data
    assert list(bars.marker.color) == [theme.BAD, theme.WARNING, theme.BAD, theme.NEUTRAL]
    assert list(bars.marker.pattern.shape) == ["", "/", "/", ""]  # hard solid, soft hatched
    # utilization as drawn: the zero ceiling (no ratio, exceeded) at the cap, the unmapped one at 0
    assert list(bars.x) == [1.2, 0.95, cf.MAX_SHOWN, 0.0]
    assert list(bars.text) == [
        "HARD · 120.0% · ₱20 over",
        "soft · 95.0% · ₱10 left",
        "soft · ceiling ₱0 · ₱5 over",
        "HARD · unmapped: not checked",
    ]
    assert [c[0] for c in bars.customdata] == ["c1", "c2", "c3", "c4"]
    # exact pesos in the hover: ceiling, allocated, headroom
    assert list(bars.customdata[0][4:7]) == ["₱100.00", "₱120.00", "-₱20.00"]
    assert list(bars.customdata[1][1:2]) == ["Monitoring ceiling FY 2025: GAA 2025"]
    # the warning threshold of every mapped ceiling; none for the unmapped one
    assert list(thresholds.x) == [0.9, 0.85, 0.9]
    assert [c[0] for c in thresholds.customdata] == ["c1", "c2", "c3"]
    assert fig.layout.shapes[0].x0 == 1.0  # the ceiling line at 100 %


def test_bullet_chart_empty_says_why():
    fig = cf.bullet_chart(_ceilings().head(0))
    assert fig.data == ()
    assert fig.layout.annotations[0].text == cf.NO_CEILINGS


def test_a_click_on_a_bar_or_its_marker_selects_the_ceiling():
    assert cf.clicked_ceiling({"points": [{"curveNumber": 1, "customdata": ["c2"]}]}) == "c2"
    assert cf.clicked_ceiling({"points": [{"curveNumber": 0, "customdata": ["c1", "Social 2025"]}]}) == "c1"
    assert cf.clicked_ceiling({"points": [{"curveNumber": 0}]}) is None
    assert cf.clicked_ceiling(None) is None


def test_summary_tiles():
    frame = pl.DataFrame(
        {
            "ceiling_count": [5],
            "exceeded_count": [2],
            "warning_count": [1],
            "ok_count": [1],
            "unmapped_count": [1],
            "hard_exceeded_count": [1],
            "headroom": [D("1234567.89")],
            "overrun": [D("25.00")],
            "unmapped_amount": [D("30.00")],
        }
    )
    tiles = {t.key: t for t in cf.summary_tiles(frame)}
    assert list(tiles) == ["exceeded", "warning", "headroom", "unmapped"]
    assert (tiles["exceeded"].value, tiles["exceeded"].detail) == ("2", "1 hard; ₱25.00 over")
    assert (tiles["warning"].value, tiles["warning"].detail) == ("1", "of 5 ceilings")
    assert (tiles["headroom"].value, tiles["headroom"].detail) == ("₱1.23M", "₱1,234,567.89")
    assert (tiles["unmapped"].value, tiles["unmapped"].detail) == ("1", "₱30.00 not checked")


def test_ceiling_rows():
    rows = cf.ceiling_rows(_ceilings(), selected="c2")
    first, second, _, unmapped = rows
    assert first["name"] == "Social 2025"
    assert first["sector"] == "education → Social (broader)"
    assert first["funding_source"] == "Any"
    assert (first["ceiling"], first["allocated"], first["remaining"], first["utilization"]) == (
        "₱100.00",
        "₱120.00",
        "-₱20.00",
        "120.0%",
    )
    assert first["status"].children == "Exceeded" and "bg-danger" in first["status"].className
    assert (first["enforcement"], first["ppas"], first["beyond"], first["row_class"]) == ("Hard", "2", "1", "")
    assert first["threshold"] == "Warning at 90% (default)"
    assert second["funding_source"] == "GAA 2025 → gaa, gaab_2025"
    assert second["row_class"] == "row-selected"
    assert second["status"].className.startswith("badge bg-warning")
    assert unmapped["sector"] == "cultural → no match"
    assert (unmapped["allocated"], unmapped["utilization"]) == ("—", "—")
    assert unmapped["status"].className.startswith("badge bg-secondary")
    assert cf.ceiling_options(_ceilings())[0] == {"label": "Social 2025 (FY 2025) — Exceeded", "value": "c1"}


def _ppas() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ceiling_id": ["c1", "c1"],
            "ppa_id": ["p1", "p2"],
            "title": ["School feeding", None],
            "moa_acronym": ["MOH", "MPW"],
            "moa_name": ["Ministry of Health", "Ministry of Public Works"],
            "fiscal_year": [2025, 2025],
            "sector": ["social", "social"],
            "funding_source": ["gaa", None],
            "budget_allocation": [D("80.00"), D("40.00")],
            "budget_rank": [1, 2],
            "running_allocated_amount": [D("80.00"), D("120.00")],
            "ceiling_amount": [D("100.00"), D("100.00")],
            "is_beyond_ceiling": [False, True],
        }
    )


def test_ppa_rows_highlight_those_beyond_the_ceiling():
    rows = cf.ppa_rows(_ppas())
    assert [r["row_class"] for r in rows] == ["", cf.BEYOND_ROW]
    assert rows[1]["title"] == "p2"  # no title: the id
    assert (rows[1]["budget"], rows[1]["running"], rows[1]["beyond"]) == ("₱40.00", "₱120.00", "Over the ceiling")
    ceiling = _ceilings().row(0, named=True)
    assert cf.ppa_caption(_ppas(), ceiling) == (
        "Social 2025: ceiling ₱100.00, 2 PPAs shown (₱120.00); 1 push it over (highlighted)."
    )


def test_ppa_empty_states_say_why():
    ceilings = _ceilings()
    assert "Choose a ceiling" in cf.ppa_empty_message(None)
    assert "matches no PPA value" in cf.ppa_empty_message(ceilings.row(3, named=True))
    no_ppas = ceilings.row(1, named=True) | {"ppa_count": 0}
    assert "No PPA falls under this ceiling" in cf.ppa_empty_message(no_ppas)
    assert "MOA or area" in cf.ppa_empty_message(ceilings.row(0, named=True))


def test_unmapped_rows():
    frame = pl.DataFrame(
        {
            "vocabulary": ["sector", "funding_source"],
            "stated_value_key": ["cultural", "internal"],
            "stated_value_example": ["Cultural", None],
            "ceiling_count": [4, 1],
            "ceiling_ids": ["a,b,c,d", "e"],
            "source_tables": [PC, PC],
            "first_fiscal_year": [2023, 2025],
            "last_fiscal_year": [2026, 2025],
            "ceiling_amount": [D("5335000.00"), D("5.00")],
        }
    )
    rows = cf.unmapped_rows(frame)
    assert [(r["vocabulary"], r["value"], r["ceilings"], r["years"], r["amount"]) for r in rows] == [
        ("Sector", "Cultural", "4", "2023–2026", "₱5,335,000.00"),
        ("Funding source", "internal", "1", "2025", "₱5.00"),
    ]
