"""Figures and display rows made from the queries' frames on the tiny warehouse."""

from __future__ import annotations

import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import figures, queries
from dashboards import formatting as fmt
from dashboards.filters import Filters

CHECKOUT = Path(__file__).resolve().parents[2]


def _figure(fig: go.Figure) -> dict:
    """The figure as the browser receives it."""
    return fig.to_plotly_json()


def test_sector_bar(con):
    fig = figures.sector_bar(queries.budget_by_sector(con, Filters()))
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["Infrastructure", "Social", "Economic", "Unspecified"]
    assert list(bar.x) == pytest.approx([12.0, 9.5000005, 0.7, 0.25])  # ₱ millions
    assert list(bar.text) == ["₱12.0M", "₱9.50M", "₱700K", "₱250K"]
    assert [c[0] for c in bar.customdata] == ["₱12,000,000.00", "₱9,500,000.50", "₱700,000.00", "₱250,000.00"]
    assert [c[1] for c in bar.customdata] == ["2", "4", "1", "1"]
    assert fig.layout.xaxis.title.text == "Approved budget (₱ millions)"
    assert fig.layout.title.text == figures.SECTOR_TITLE
    assert fig.layout.yaxis.autorange == "reversed"  # largest at the top


def test_moa_bar_top_n(con):
    fig = figures.moa_bar(queries.budget_by_moa(con, Filters(), limit=2))
    (bar,) = fig.data
    assert list(bar.y) == ["MPW", "MBHTE"]
    assert list(bar.x) == pytest.approx([12.0, 5.0])
    assert fig.layout.title.text == "Approved budget by MOA: top 2 of 4"
    assert bar.customdata[0][0] == "Ministry of Public Works"
    assert bar.customdata[0][1] == "₱12,000,000.00"


def test_moa_bar_all_shown(con):
    fig = figures.moa_bar(queries.budget_by_moa(con, Filters(fiscal_years=(2024,))))
    assert fig.layout.title.text == figures.MOA_TITLE
    assert list(fig.data[0].y) == ["MBHTE", "MOH"]
    assert list(fig.data[0].text) == ["₱5.00M", "₱3.00M"]


def test_year_trend(con):
    fig = figures.year_trend(queries.budget_by_year(con, Filters()))
    assert [t.name for t in fig.data] == ["Approved budget", "Obligations", "Disbursements"]
    for trace in fig.data:
        assert list(trace.x) == ["2024", "2025", "No FY"]
    budget, obligations, disbursements = fig.data
    assert list(budget.y) == pytest.approx([8.0, 14.2000005, 0.25])
    assert list(obligations.y) == pytest.approx([7.4, 6.25000025, 0.0])
    assert list(disbursements.y) == pytest.approx([5.2, 3.0, 0.0])
    assert [c[0] for c in obligations.customdata] == ["₱7,400,000.00", "₱6,250,000.25", "₱0.00"]
    assert fig.layout.yaxis.title.text == "Amount (₱ millions)"
    assert fig.layout.barmode == "group"


@pytest.mark.parametrize(
    ("make", "query", "title"),
    [
        (figures.sector_bar, queries.budget_by_sector, figures.SECTOR_TITLE),
        (figures.moa_bar, queries.budget_by_moa, figures.MOA_TITLE),
        (figures.year_trend, queries.budget_by_year, figures.TREND_TITLE),
    ],
)
def test_empty_selection_says_so(con, make, query, title):
    fig = make(query(con, Filters(fiscal_years=(1999,))))
    assert fig.data == ()
    assert fig.layout.title.text == title
    assert fig.layout.annotations[0].text == "No PPAs match these filters"


def test_figures_serialise(con):
    """The figures go through plotly's JSON encoder (no Decimal left in them)."""
    for fig in (
        figures.sector_bar(queries.budget_by_sector(con, Filters())),
        figures.moa_bar(queries.budget_by_moa(con, Filters())),
        figures.year_trend(queries.budget_by_year(con, Filters())),
    ):
        assert fig.to_json()


# ------------------------------------------------------------------------------------ headline tiles
def test_headline_tiles(con):
    tiles = {t.key: t for t in figures.headline_tiles(queries.headline(con, Filters()))}
    assert (tiles["budget"].value, tiles["budget"].detail) == ("₱22.5M", "₱22,450,000.50")
    assert tiles["ppas"].value == "8"
    assert (tiles["allocations"].value, tiles["allocations"].detail) == ("₱19.0M", "₱19,000,000.00")
    assert (tiles["obligations"].value, tiles["obligations"].detail) == ("₱13.7M", "₱13,650,000.25")
    assert (tiles["disbursements"].value, tiles["disbursements"].detail) == ("₱8.20M", "₱8,200,000.00")
    assert tiles["obligation_rate"].value == "71.8%"
    assert tiles["obligation_rate"].detail == "obligations ÷ allocations"
    assert tiles["disbursement_rate"].value == "60.1%"
    assert tiles["disbursement_rate"].detail == "disbursements ÷ obligations"
    assert "— when nothing is allocated" in tiles["obligation_rate"].definition
    assert [t.label for t in tiles.values()] == [
        "Approved budget",
        "PPAs",
        "Allocations",
        "Obligations",
        "Disbursements",
        "Obligation rate",
        "Disbursement rate",
    ]


def test_headline_tiles_division_by_zero(con):
    tiles = {t.key: t for t in figures.headline_tiles(queries.headline(con, Filters(moas=("MAFAR",))))}
    assert tiles["budget"].value == "₱700K"
    assert tiles["allocations"].value == "₱0"
    assert tiles["obligation_rate"].value == "—"
    assert tiles["disbursement_rate"].value == "—"


# ------------------------------------------------------------------------------------------- tables
def test_ppa_rows(con):
    rows = figures.ppa_rows(queries.top_ppas(con, Filters()))
    assert rows[0] == {
        "ppa_id": "5",
        "title": "Farm-to-market road, Zamboanga Sibugay",
        "moa": "MPW",
        "moa_name": "Ministry of Public Works",
        "sector": "Infrastructure",
        "fiscal_year": "2025",
        "budget": "₱8,000,000.00",
        "progress": "50%",
        "status": "Ongoing",
    }
    women = next(r for r in rows if r["ppa_id"] == "4")
    assert women["budget"] == "₱1,500,000.50"
    last = rows[-1]
    assert (last["sector"], last["fiscal_year"], last["status"]) == ("Unspecified", "No FY", "Planning")
    assert {c.key for c in figures.PPA_COLUMNS} <= set(rows[0])


def test_figures_queries_and_formatting_never_import_dash():
    code = (
        "import sys\n"
        "import dashboards.figures, dashboards.queries, dashboards.formatting, dashboards.filters\n"
        "assert not [m for m in sys.modules if m == 'dash' or m.startswith('dash.')], 'dash was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=CHECKOUT, check=True)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (Decimal("110.00"), Decimal("100.00"), "▲ 10.0% vs FY2024"),
        (Decimal("90.00"), Decimal("100.00"), "▼ 10.0% vs FY2024"),
        (Decimal("100.00"), Decimal("100.00"), "= 0.0% vs FY2024"),
        (Decimal("5.00"), Decimal("0.00"), "new vs FY2024"),
        (Decimal("0.00"), Decimal("0.00"), ""),
        (None, Decimal("1.00"), ""),
        (Decimal("-50.00"), Decimal("-100.00"), "▲ 50.0% vs FY2024"),  # a smaller deficit is a rise
    ],
)
def test_change_vs_the_year_before(current, previous, expected):
    assert figures.change_vs(current, previous, 2024) == expected


def test_alert_tiles_colour_what_needs_attention():
    ceilings = pl.DataFrame({"ceilings_exceeded": [0], "ceilings_warning": [2], "ceilings": [5]})
    needs = pl.DataFrame(
        {"unfunded_high_priority": [0], "unfunded_high_priority_cost": [Decimal("0.00")], "high_priority": [4]}
    )
    credibility = pl.DataFrame(
        {"fiscal_year": [2024], "pi1_outturn": [Decimal("0.97")], "pi1_score": ["A"]},
    )
    tiles = {t.key: t for t in figures.alert_tiles(ceilings, needs, credibility, {"credibility": "/execution"})}
    assert tiles["ceilings_exceeded"].tone == "warning"  # none over, two near
    assert tiles["unfunded_needs"].tone == "good"
    assert (tiles["credibility"].value, tiles["credibility"].tone) == ("PI-1 A", "good")
    assert tiles["credibility"].detail == "spent 97.0% of the original budget"
    assert tiles["credibility"].href == "/execution"
    assert tiles["ceilings_exceeded"].href is None


def _leaves(tree: dict, prefix: tuple = ()) -> dict[tuple, object]:
    out: dict[tuple, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_leaves(value, (*prefix, key)))
        else:
            out[(*prefix, key)] = value
    return out


def _effective(fig: go.Figure) -> dict[tuple, object]:
    """What the browser draws with: the template's layout, overridden by the figure's own (plotly.js's rule)."""
    own = fig.layout.to_plotly_json()
    template = own.pop("template", {})
    merged = _leaves(template.get("layout", {}))
    merged.update(_leaves(own))
    # plotly.js applies the template's ``xaxis`` / ``yaxis`` to every axis of the figure
    return merged


def test_the_shared_template_draws_exactly_what_the_per_figure_settings_drew():
    """base_layout no longer passes template="plotly_white" and the look to each figure (plotly validated and
    copied the whole template every time); the registered default template carries them. The result in the
    browser is the same, key by key."""
    import plotly.io as pio

    def before(fig: go.Figure, title: str, height: int) -> go.Figure:  # base_layout as it was
        fig.update_layout(
            template="plotly_white",
            title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15, "color": figures.INK, "weight": 600}},
            font={"family": figures.FONT, "size": 12, "color": figures.INK},
            height=height,
            margin={"l": 8, "r": 16, "t": 48, "b": 8},
            separators=".,",
            hoverlabel={"font": {"family": figures.FONT}},
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
        fig.update_xaxes(gridcolor=figures.GRID, zeroline=False, automargin=True)
        fig.update_yaxes(gridcolor=figures.GRID, zeroline=False, automargin=True)
        return fig

    assert pio.templates.default == figures.TEMPLATE
    old = _effective(before(go.Figure(go.Bar(x=[1], y=[2])), "T", 300))
    new = _effective(figures.base_layout(go.Figure(go.Bar(x=[1], y=[2])), "T", 300))
    assert new == old
    # a later per-figure change still wins over the template, as before
    fig = figures.base_layout(go.Figure(), "T", 300)
    fig.update_layout(margin={"r": 56})
    assert _effective(fig)[("margin", "r")] == 56 and _effective(fig)[("margin", "l")] == 8


def test_base_layout_restores_the_look_on_a_figure_made_with_another_template():
    fig = figures.base_layout(go.Figure(layout={"template": "plotly_dark"}), "T", 200)
    assert fig.layout.template.layout.separators == ".," and fig.layout.template.layout.paper_bgcolor == "white"


@pytest.mark.parametrize(
    "values",
    [
        [Decimal("1234567.89"), Decimal("-0.50"), Decimal("0"), None, Decimal("-1234.5"), Decimal("999.99"),
         Decimal("123456.00"), Decimal("-0.00"), Decimal("9999999999999999.99"), Decimal("100"), Decimal("1000")],
    ],
)  # fmt: skip
def test_peso_exact_list_is_peso_exact_of_each_value(values):
    from dashboards import formatting as fmt

    series = pl.Series(values, dtype=pl.Decimal(18, 2))
    assert figures.peso_exact_list(series) == [fmt.peso_exact(v) for v in series.to_list()]
    # other columns go value by value (floats round half-up from their repr, a third place rounds)
    floats = pl.Series([1.005, -2.5, None])
    assert figures.peso_exact_list(floats) == [fmt.peso_exact(v) for v in floats.to_list()]
    three = pl.Series([Decimal("1.005")], dtype=pl.Decimal(10, 3))
    assert figures.peso_exact_list(three) == ["₱1.01"]


def _amounts_around_every_rounding_edge() -> list[Decimal | None]:
    """Amounts one centavo either side of each place where peso_short changes unit or places: 10, 100 and 1000 of
    every unit, less half of each rounding step (₱999.50 → ₱1.00K, ₱9.995K → ₱10.00K…), both signs; random
    amounts of every magnitude; zero, a null, the largest amount done at once and one past it."""
    rng = random.Random(7)
    amounts: list[Decimal | None] = [None, Decimal("0"), Decimal("-0.49"), Decimal("-0.50"), Decimal("-0.01")]
    for size, _suffix in fmt.UNITS:
        centavos = int(size) * 100
        for times in (10, 100, 1000):
            for half in {centavos // 2, centavos // 20, centavos // 200}:
                for nudge in (-1, 0, 1):
                    edge = Decimal(times * centavos - half + nudge) / 100
                    amounts += [edge, -edge]
    for digits in range(1, 17):
        amounts += [Decimal(rng.randint(-(10**digits), 10**digits)) / 100 for _ in range(200)]
    return [*amounts, Decimal("99999999999999.99"), Decimal("-99999999999999.50"), Decimal(10) ** 14, Decimal(10) ** 20]


def test_peso_short_list_is_peso_short_of_each_value():
    amounts = _amounts_around_every_rounding_edge()
    series = pl.Series(amounts, dtype=pl.Decimal(38, 2))
    expected = [fmt.peso_short(v) for v in series.to_list()]
    assert figures.peso_short_list(series) == expected  # some amounts past ₱10^14: value by value
    below = [i for i, v in enumerate(amounts) if v is None or abs(v) < Decimal(10) ** 14]
    assert len(below) > 3000
    at_once = pl.Series([amounts[i] for i in below], dtype=pl.Decimal(38, 2))  # all below ₱10^14: done by polars
    assert figures.peso_short_list(at_once) == [expected[i] for i in below]
    assert expected[:5] == ["—", "₱0", "₱0", "-₱1", "₱0"]
    assert figures.peso_short_list(pl.Series([1.5, None])) == ["₱2", "—"]  # not money: value by value
    assert figures.peso_short_list(pl.Series([], dtype=pl.Decimal(38, 2))) == []
    assert figures.peso_exact_list(series) == [fmt.peso_exact(v) for v in series.to_list()]
