"""The scorecard page's rows and charts on small frames: signal thresholds, tie marks, empty states, scales."""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl
import pytest

from dashboards import scorecard_figures as sf
from dashboards import theme

D = Decimal


_FIELD = re.compile(r"%\{([a-z]+)(?:\[(\d+)\])?(?::([^}]*))?\}")


def _browser_hover(trace, i: int) -> str:
    """Dot ``i``'s hover as plotly.js fills the trace's hovertemplate (the fields these charts use; numbers with a
    d3 format spec, which Python's format reads alike for these finite, non-negative numbers; the layout's
    separators are "." and ",", d3's own)."""

    def field(match: re.Match) -> str:
        name, index, spec = match.groups()
        value = getattr(trace, name)[i]
        if index is not None:
            value = value[int(index)]
        if spec:
            return format(float(value), spec)
        return f"{value:g}" if isinstance(value, float) else str(value)  # (unchanged: the progress, %{y})

    return _FIELD.sub(field, trace.hovertemplate).removesuffix("<extra></extra>")


def _ppas(rows: list[dict]) -> pl.DataFrame:
    base = {
        "ppa_id": "p",
        "title": "A PPA",
        "fiscal_year": 2025,
        "moa_acronym": "MOH",
        "moa_name": "Ministry of Health",
        "sector": "social",
        "budget_allocation": D("1000.00"),
        "progress": 50,
        "indicator_count": 3,
        "parsed_target_count": 2,
        "indicator_attainment_rate": None,
        "outcome_achievement_rate": None,
        "attainment_null_reason": "no_actuals_in_any_source",
        "beneficiary_count": 4,
        "beneficiary_count_source": "beneficiary_individuals_total",
        "cost_per_beneficiary": D("250.00"),
        "cost_effectiveness_rank": 1,
        "cost_effectiveness_rank_tied": False,
        "rank_group_size": 3,
        "has_work_items": True,
        "planned_value": D("100.00"),
        "earned_value": D("90.00"),
        "actual_cost": D("80.00"),
        "schedule_performance_index": D("0.9000"),
        "cost_performance_index": D("1.1250"),
    }
    schema = {
        "budget_allocation": pl.Decimal(14, 2),
        "cost_per_beneficiary": pl.Decimal(14, 2),
        "planned_value": pl.Decimal(18, 2),
        "earned_value": pl.Decimal(18, 2),
        "actual_cost": pl.Decimal(18, 2),
        "schedule_performance_index": pl.Decimal(12, 4),
        "cost_performance_index": pl.Decimal(12, 4),
        "indicator_attainment_rate": pl.Decimal(9, 4),
        "outcome_achievement_rate": pl.Decimal(9, 4),
        "sector": pl.String,
        "progress": pl.Int64,
    }
    return pl.DataFrame([{**base, **r} for r in rows], schema_overrides=schema)


@pytest.mark.parametrize(
    ("value", "signal"),
    [
        (D("0.8999"), "bad"),
        (D("0.9"), "warning"),
        (D("0.9999"), "warning"),
        (D("1.0"), "good"),
        (1.7, "good"),
        (D("0"), "bad"),
        (None, None),
    ],
)
def test_index_thresholds(value, signal):
    assert sf.index_signal(value) == signal


def test_the_worse_signal_wins_in_the_quadrant():
    assert sf.quadrant_signal(D("1.2"), D("0.5")) == "bad"
    assert sf.quadrant_signal(D("0.95"), D("1.2")) == "warning"
    assert sf.quadrant_signal(D("1.2"), None) == "good"
    assert sf.quadrant_signal(None, None) is None


def test_rank_text_marks_ties():
    assert sf.rank_text(1, True, 5) == "1= of 5"
    assert sf.rank_text(3, False, 5) == "3 of 5"
    assert sf.rank_text(None, None, 0) == "—"


def test_ppa_rows_show_attainment_as_a_dash_and_colour_spi_and_cpi():
    frame = _ppas(
        [
            {},
            {"ppa_id": "q", "schedule_performance_index": D("0.5"), "cost_performance_index": None, "rank_group_size": 3,
             "cost_effectiveness_rank_tied": True, "beneficiary_count_source": "total_slots"},
        ]
    )  # fmt: skip
    first, second = sf.ppa_rows(frame)
    assert first["attainment"] == first["outcome"] == "—"
    assert "no source holds indicator actuals" in first["attainment_detail"]
    assert first["cost_per_beneficiary"] == "₱250.00" and first["budget"] == "₱1,000.00"
    assert (first["spi"], first["cpi"]) == ("0.90", "1.13")
    assert first["cell_classes"] == {"spi": "cell-warning", "cpi": "cell-good"}
    assert first["rank"] == "1 of 3"
    assert second["cell_classes"] == {"spi": "cell-bad"} and second["cpi"] == "—"
    assert second["rank"] == "1= of 3" and second["rank_detail"].startswith("Tied")
    assert second["beneficiary_detail"].startswith("planned slots")


def test_moa_rows():
    frame = pl.DataFrame(
        {
            "moa_id": ["m", "n"],
            "moa_acronym": ["MOH", None],
            "moa_name": ["Ministry of Health", None],
            "fiscal_year": [2025, 2025],
            "ppa_count": [2, 1],
            "budget_allocation": [D("200.00"), D("0.00")],
            "beneficiary_count": [3, 0],
            "cost_per_beneficiary": [D("50.00"), None],
            "planned_value": [D("10"), D("0")],
            "earned_value": [D("5"), D("0")],
            "actual_cost": [D("4"), D("0")],
            "schedule_performance_index": [D("0.5"), None],
            "cost_performance_index": [D("1.25"), None],
            "budget_allocation_prev_year": [D("100.00"), None],
            "budget_allocation_yoy_change": [D("100.00"), None],
            "budget_allocation_yoy_pct": [D("100.00"), None],
            "cost_per_beneficiary_prev_year": [D("50.00"), None],
        }
    )
    first, second = sf.moa_rows(frame)
    assert first["budget_yoy"] == "+100.0%" and first["budget_prev"] == "Previous year: ₱100.00"
    assert first["cell_classes"] == {"spi": "cell-bad", "cpi": "cell-good"}
    assert first["attainment"] == "—"
    assert second["moa"] == "n" and second["budget_yoy"] == "—" and second["cell_classes"] == {}


def test_the_attainment_note_names_the_reason_once():
    reasons = pl.DataFrame({"attainment_null_reason": ["no_actuals_in_any_source"], "ppa_count": [38]})
    note = sf.attainment_note(reasons)
    assert note.startswith("Indicator attainment and outcome achievement read —")
    assert "no source holds indicator actuals" in note and "(38 PPAs)" in note
    assert sf.attainment_note(reasons.clear()) is None


def test_the_scatter_colours_by_sector_sizes_by_budget_and_hovers_exact_pesos():
    frame = _ppas(
        [
            {"ppa_id": "a", "budget_allocation": D("4000000.00"), "cost_per_beneficiary": D("1000.00")},
            {"ppa_id": "b", "budget_allocation": D("1000000.00"), "cost_per_beneficiary": D("1234.56"),
             "sector": "economic"},
            {"ppa_id": "c", "cost_per_beneficiary": None},
        ]
    )  # fmt: skip
    fig = sf.cost_results_scatter(frame)
    names = [t.name for t in fig.data]
    assert names == ["Economic", "Social"]
    economic, social = fig.data
    assert economic.marker.color == sf.SECTOR_COLOURS["economic"] != social.marker.color
    assert social.marker.size[0] == pytest.approx(40) and economic.marker.size[0] == pytest.approx(24)
    # each dot carries its title, MOA · FY and two numbers; the template words and formats them
    assert economic.hovertemplate == social.hovertemplate == sf.SCATTER_HOVER
    assert economic.customdata.dtype == "float64" and economic.customdata.shape == (1, 2)
    assert _browser_hover(economic, 0) == (
        "<b>A PPA</b><br>MOH · FY 2025<br>Cost per beneficiary: ₱1,234.56<br>Approved budget: ₱1,000,000.00"
        f"<br>Beneficiaries: {economic.customdata[0][1]:,.0f}<br>Progress: {economic.y[0]:g}%"
    )
    assert economic.type == social.type == "scatter"  # few dots: SVG
    assert fig.layout.xaxis.type == "linear"
    assert "; 1 without a cost per beneficiary" in fig.layout.title.text
    assert "progress" in fig.layout.yaxis.title.text.lower()


def test_the_scatter_uses_a_log_axis_when_costs_spread_widely():
    frame = _ppas([{"cost_per_beneficiary": D("10.00")}, {"ppa_id": "b", "cost_per_beneficiary": D("500.00")}])
    fig = sf.cost_results_scatter(frame)
    assert fig.layout.xaxis.type == "log" and "log scale" in fig.layout.xaxis.title.text


def test_the_scatter_says_why_it_is_empty():
    fig = sf.cost_results_scatter(_ppas([{"cost_per_beneficiary": None}]))
    assert fig.data == () and "No PPA in the selection has a beneficiary count" in fig.layout.annotations[0].text


def test_the_quadrant_chart_colours_dots_and_labels_the_quadrants():
    frame = _ppas(
        [
            {"ppa_id": "a", "schedule_performance_index": D("1.1"), "cost_performance_index": D("1.2")},
            {"ppa_id": "b", "schedule_performance_index": D("0.95"), "cost_performance_index": D("1.0")},
            {"ppa_id": "c", "schedule_performance_index": D("0.5"), "cost_performance_index": D("1.3")},
            {"ppa_id": "d", "schedule_performance_index": None},
        ]
    )
    fig = sf.quadrant_chart(frame, "ppa")
    (dots,) = fig.data
    assert sf.signal_colours(dots.marker) == [theme.GOOD, theme.WARNING, theme.BAD]
    assert dots.hovertemplate == sf.QUADRANT_HOVER and dots.customdata.dtype == "float64"
    assert _browser_hover(dots, 0).startswith("<b>A PPA</b><br>SPI 1.10 · CPI 1.20 (on track)<br>PV ₱")
    assert "SPI 0.95 · CPI 1.00 (slightly off)" in _browser_hover(dots, 1)
    labels = {a.text for a in fig.layout.annotations}
    assert {"Behind schedule · over cost", "Ahead of schedule · under cost"} <= labels
    assert "1 PPA without both indices not shown" in fig.layout.title.text
    assert [s.x0 for s in fig.layout.shapes if s.x0 == s.x1] == [1]  # the SPI = 1 line


def test_the_quadrant_chart_by_moa_and_its_empty_state():
    frame = pl.DataFrame(
        {
            "moa_id": ["m"],
            "moa_acronym": ["MOH"],
            "fiscal_year": [2025],
            "planned_value": [D("10")],
            "earned_value": [D("5")],
            "actual_cost": [D("4")],
            "schedule_performance_index": [D("0.5")],
            "cost_performance_index": [D("1.25")],
        }
    )
    fig = sf.quadrant_chart(frame, "moa")
    assert fig.data[0].hovertext[0].startswith("<b>MOH 2025</b><br>SPI 0.50 · CPI 1.25 (off track)")
    assert "PV ₱10.00<br>EV ₱5.00<br>AC ₱4.00" in fig.data[0].hovertext[0]
    empty = sf.quadrant_chart(frame.with_columns(pl.lit(None).alias("cost_performance_index")), "moa")
    assert "No MOA in the selection has both an SPI and a CPI" in empty.layout.annotations[0].text


def test_the_stepped_scale_draws_each_signal_in_its_own_colour():
    """The quadrant's dots carry a number per signal; the scale maps each number to exactly its signal's colour:
    plotly reads value v at (v - cmin) / (cmax - cmin), which falls inside band v of the scale."""
    scale, low, high = sf._SIGNAL_SCALE, -0.5, len(sf._SIGNAL_ORDER) - 0.5
    for code, signal in enumerate(sf._SIGNAL_ORDER):
        at = (code - low) / (high - low)
        bands = [colour for (start, colour), (end, _) in zip(scale[::2], scale[1::2], strict=True) if start < at < end]
        assert bands == [sf.SIGNAL_COLOURS[signal]]


def test_many_dots_draw_with_webgl_and_the_same_hover():
    n = sf.WEBGL_FROM
    frame = _ppas(
        [
            {"ppa_id": f"p{i}", "cost_per_beneficiary": D(f"{100 + i}.50"), "schedule_performance_index": D("0.95"),
             "cost_performance_index": D("1.1")}
            for i in range(n)
        ]
    )  # fmt: skip
    scatter = sf.cost_results_scatter(frame)
    quadrant = sf.quadrant_chart(frame, "ppa")
    assert {t.type for t in scatter.data} == {"scattergl"} and quadrant.data[0].type == "scattergl"
    assert sum(len(t.x) for t in scatter.data) == n == len(quadrant.data[0].x)
    assert "Cost per beneficiary: ₱100.50<br>" in _browser_hover(scatter.data[0], 0)
    assert "Cost per beneficiary: ₱1,099.50<br>" in _browser_hover(scatter.data[0], n - 1)
    assert sf.signal_colours(quadrant.data[0].marker) == [theme.WARNING] * n


@pytest.mark.parametrize("scale", [2, 4, 6])
def test_index_texts_and_signals_of_a_column_are_those_of_each_value(scale):
    values = ["0.8999", "0.9", "0.9999", "1", "0.005", "0.0049", "-0.005", "-0.004", "12.345", "-1.235", "0"]
    series = pl.Series([D(v).quantize(D(1).scaleb(-scale)) for v in values] + [None], dtype=pl.Decimal(18, scale))
    texts, signals = sf.index_texts_and_signals(series)
    assert texts == [sf.index_text(v) for v in series.to_list()]
    assert signals == [sf.index_signal(v) for v in series.to_list()]
    floats = pl.Series([0.895, 1.0, None])
    assert sf.index_texts_and_signals(floats) == (
        [sf.index_text(v) for v in floats.to_list()],
        [sf.index_signal(v) for v in floats.to_list()],
    )


def test_compact_hovers_show_what_the_per_dot_texts_showed():
    """Filled in as the browser fills the templates, the compact hovers read exactly as the per-dot texts (the path a
    selection with a missing amount still takes): every peso to the centavo, SPI and CPI rounded half up."""
    rows = [
        {"ppa_id": "a", "title": "Roads", "budget_allocation": D("12345678.91"), "cost_per_beneficiary": D("1234.05"),
         "beneficiary_count": 10004, "schedule_performance_index": D("0.8950"),
         "cost_performance_index": D("1.0050"), "planned_value": D("98765432.10"), "earned_value": D("0.01"),
         "actual_cost": D("1000000.00")},
        {"ppa_id": "b", "title": "Seeds", "moa_acronym": None, "fiscal_year": None, "budget_allocation": D("0.07"),
         "cost_per_beneficiary": D("0.07"), "beneficiary_count": 1, "schedule_performance_index": D("1.2349"),
         "cost_performance_index": D("0.0050")},
    ]  # fmt: skip
    frame = _ppas(rows)
    # the same frame with one amount of a third PPA missing: every dot keeps its own text
    with_gap = pl.concat([frame, _ppas([{"ppa_id": "c", "budget_allocation": None, "planned_value": None}])])
    negative = pl.concat([frame, _ppas([{"ppa_id": "c", "budget_allocation": D("-1.00"), "actual_cost": D("-1.00")}])])
    for chart in (sf.cost_results_scatter, sf.quadrant_chart):
        assert all(t.customdata is None for t in chart(negative).data)
        compact = [t for t in chart(frame).data]
        texts = [t for t in chart(with_gap).data]
        assert all(t.customdata is not None for t in compact) and all(t.customdata is None for t in texts)
        shown = sorted(_browser_hover(t, i) for t in compact for i in range(len(t.x)))
        expected = sorted(
            _browser_hover(t, i) for t in texts for i in range(len(t.x)) if "<b>A PPA</b>" not in t.hovertext[i]
        )
        assert shown == expected and len(shown) == 2
    assert "SPI 0.90 · CPI 1.01 (off track)<br>PV ₱98,765,432.10<br>EV ₱0.01<br>AC ₱1,000,000.00" in shown[0]
