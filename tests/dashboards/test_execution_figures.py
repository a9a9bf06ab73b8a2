"""The budget execution page's figures and table rows on small frames: values, colours by status, empty states."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from dashboards import execution_figures as ef
from dashboards import theme

D = Decimal


def _total(**overrides) -> pl.DataFrame:
    row = {
        "ppa_count": 3,
        "budget_allocation": D("1500.00"),
        "allotment": D("1300.00"),
        "obligations": D("1150.00"),
        "disbursements": D("400.00"),
        "allotment_release_rate": 1300 / 1500,
        "obligation_rate_vs_allotment": 1150 / 1300,
        "obligation_rate_vs_budget": 1150 / 1500,
        "disbursement_rate_vs_obligations": 400 / 1150,
        "disbursement_rate_vs_budget": 400 / 1500,
        **overrides,
    }
    return pl.DataFrame([row])


def _groups() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {**_total().row(0, named=True), "moa_acronym": "MOH", "ppa_count": 2},
            {
                **_total(
                    budget_allocation=D("0.00"), allotment=D("0.00"), obligations=D("0.00"), disbursements=D("0.00")
                ).row(0, named=True),
                "moa_acronym": None,
                "ppa_count": 1,
                "allotment_release_rate": None,
                "obligation_rate_vs_allotment": None,
            },
        ]
    )


def test_funnel_figure_stages_amounts_and_rates():
    fig = ef.funnel_figure(_total())
    trace = fig.data[0]
    assert list(trace.y) == ["Approved budget", "Allotment released", "Obligations", "Disbursements"]
    assert trace.customdata[0][0] == "₱1,500.00"
    assert "88.5% of allotment" in trace.text[2] and "76.7% of budget" in trace.text[2]
    assert "34.8% of obligations" in trace.text[3]


def test_funnel_figure_empty_says_why():
    fig = ef.funnel_figure(_total(ppa_count=0, budget_allocation=D(0), allotment=D(0), obligations=D(0),
                                  disbursements=D(0)))  # fmt: skip
    assert fig.layout.annotations[0].text == ef.NO_PPAS
    assert not fig.data


def test_funnel_bars_and_rows():
    fig = ef.funnel_bars(_groups(), "moa")
    assert [t.name for t in fig.data] == ["Approved budget", "Allotment released", "Obligations", "Disbursements"]
    assert list(fig.data[0].y) == ["MOH", "No MOA"]
    rows = ef.funnel_rows(_groups(), "moa", _total())
    assert [r["group"] for r in rows] == ["MOH", "No MOA", "All in the selection"]
    assert rows[0]["obligation_allotment"] == "88.5%"
    assert rows[1]["obligation_allotment"] == "—"  # undefined rate
    assert rows[2]["row_class"] == "exec-total-row"
    over = ef.funnel_rows(_groups().with_columns(pl.lit(D("2000.00")).alias("obligations")), "moa")
    assert over[0]["obligation_allotment"].endswith("⚠")  # obligations above allotment are flagged
    sectors = ef.funnel_rows(pl.DataFrame([{**_total().row(0, named=True), "sector": "peace_security"}]), "sector")
    assert sectors[0]["group"] == "Peace and security"
    assert ef.funnel_bars(_groups().head(0), "sector").layout.annotations[0].text == ef.NO_PPAS


def _monthly(elapsed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    planned = [D(100 * m) for m in range(1, 13)]
    actual = [D(60 * min(m, elapsed)) for m in range(1, 13)]
    monthly = pl.DataFrame(
        {
            "month_number": list(range(1, 13)),
            "cumulative_planned_amount": planned,
            "cumulative_actual_amount": actual,
        }
    )
    summary = pl.DataFrame(
        [
            {
                "as_of_date": date(2025, elapsed or 1, 15),
                "months_elapsed": elapsed,
                "planned_amount": D(1200),
                "actual_to_date_amount": D(60 * elapsed),
                "year_end_forecast_amount": D(720) if elapsed else None,
            }
        ]
    )
    return monthly, summary


def test_monthly_figure_shades_slippage_and_dots_the_forecast():
    monthly, summary = _monthly(6)
    fig = ef.monthly_figure(monthly, summary, 2025)
    names = [t.name for t in fig.data]
    assert names[0].startswith("Planned")
    actual = next(t for t in fig.data if t.name and t.name.startswith("Actual"))
    assert actual.fill == "tonexty" and list(actual.x) == [1, 2, 3, 4, 5, 6]  # only the elapsed months
    assert actual.customdata[5][1] == "₱240.00"  # June: 600 planned − 360 disbursed
    forecast = next(t for t in fig.data if t.name and "forecast" in t.name)
    assert forecast.line.dash == "dot" and list(forecast.x) == [6, 12]
    assert forecast.customdata[1][0] == "₱720.00"
    assert any(s.type == "line" and s.x0 == 6 for s in fig.layout.shapes)  # the as-of month
    assert "as of 15 Jun 2025" in [a.text for a in fig.layout.annotations]


def test_monthly_figure_closed_and_not_begun_years():
    closed = ef.monthly_figure(*_monthly(12), 2024)
    assert not any(t.name and "forecast" in t.name for t in closed.data)
    future = ef.monthly_figure(*_monthly(0), 2027)
    assert len(future.data) == 1  # the plan only
    assert any("not begun" in a.text for a in future.layout.annotations)
    empty = ef.monthly_figure(pl.DataFrame(), pl.DataFrame(), None)
    assert "No budgeted PPAs" in empty.layout.annotations[0].text


def test_quarter_rows_mark_future_and_behind():
    frame = pl.DataFrame(
        [
            {"quarter_label": "Q1", "planned_amount": D(100), "actual_amount": D(40), "obligated_amount": D(50),
             "slippage_amount": D(60), "actual_vs_planned_rate": 0.4, "cumulative_slippage_amount": D(60),
             "has_elapsed_month": True},
            {"quarter_label": "Q2", "planned_amount": D(0), "actual_amount": D(0), "obligated_amount": D(0),
             "slippage_amount": D(0), "actual_vs_planned_rate": None, "cumulative_slippage_amount": D(60),
             "has_elapsed_month": False},
        ]
    )  # fmt: skip
    rows = ef.quarter_rows(frame)
    assert rows[0]["row_class"] == "exec-behind" and rows[0]["rate"] == "40.0%"
    assert rows[1]["row_class"] == "exec-future" and rows[1]["quarter"] == "Q2 (ahead)"
    assert rows[1]["rate"] == "—"


def _credibility() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"fiscal_year": 2024, "original_budget_amount": D(1000), "actual_amount": D(980),
             "pi1_outturn": D("0.98"), "pi1_score": "A", "pi2_moa_variance": D("0.03"), "pi2_moa_score": "A",
             "pi2_sector_variance": D("0.12"), "pi2_sector_score": "C", "score_window_year_count": 2},
            {"fiscal_year": 2025, "original_budget_amount": D(1000), "actual_amount": D(700),
             "pi1_outturn": D("0.70"), "pi1_score": None, "pi2_moa_variance": None, "pi2_moa_score": None,
             "pi2_sector_variance": None, "pi2_sector_score": None, "score_window_year_count": 1},
        ]
    )  # fmt: skip


def test_credibility_colours_by_score_and_reads_plainly():
    fig = ef.credibility_figure(_credibility())
    bars = fig.data[0]
    assert list(bars.marker.color) == [theme.GOOD, theme.NEUTRAL]
    assert list(bars.y) == [98.0, 70.0]
    rows = ef.credibility_rows(_credibility())
    assert rows[0]["pi1"] == "A" and rows[0]["pi2_sector"] == "C (12.0%)"
    assert "close to plan" in rows[0]["reading"]
    assert "30.0 points under plan" in rows[1]["reading"] and "Not scored" in rows[1]["reading"]
    assert rows[1]["row_class"] == "exec-score-none"
    pi2 = ef.pi2_figure(_credibility())
    assert [t.name for t in pi2.data] == ["Over MOAs", "Over sectors"]
    assert "No fiscal year" in ef.credibility_figure(_credibility().head(0)).layout.annotations[0].text


def _tree() -> pl.DataFrame:
    base = {
        "child_count": 0, "actual_expenditure": None, "children_allocated_sum": None, "progress": 0,
        "progress_calculated": 0, "ev": D(0), "pv": D(0), "ac": D(0), "spi": None, "cpi": None, "depth": 1,
        "allocated_budget": D(0), "allocation_consistency": "leaf", "variance": D(0), "variance_pct": D(0),
        "work_type": "task", "rolled_up_actual_expenditure": D(0),
    }  # fmt: skip
    rows = [
        {**base, "work_item_id": "r", "parent_work_item_id": None, "title": "Root", "retained_allocation": D(0),
         "rolled_up_allocated_budget": D(900), "variance_status": "under_budget", "depth": 0,
         "allocation_consistency": "ok", "children_allocated_sum": D(900)},
        {**base, "work_item_id": "a", "parent_work_item_id": "r", "title": "A", "retained_allocation": D(600),
         "rolled_up_allocated_budget": D(600), "variance_status": "over_budget", "variance_pct": D("-12.50")},
        {**base, "work_item_id": "b", "parent_work_item_id": "r", "title": "B", "retained_allocation": D(300),
         "rolled_up_allocated_budget": D(300), "variance_status": "no_expenditure", "spi": D("0.8123")},
    ]  # fmt: skip
    return pl.DataFrame(rows)


def test_tree_figure_sizes_by_retained_allocation_and_colours_by_status():
    fig = ef.tree_figure(_tree())
    icicle = fig.data[0]
    assert icicle.type == "icicle" and icicle.branchvalues == "remainder"
    assert list(icicle.values) == [0.0, 600.0, 300.0]  # the root adds nothing on top of its children
    assert list(icicle.marker.colors) == [theme.BLUE, theme.BAD, theme.NEUTRAL]
    assert icicle.customdata[1][4] == "-12.50%" and icicle.customdata[0][1] == "₱900.00"
    assert icicle.customdata[2][12] == "0.81"


def test_tree_figure_with_several_roots_and_empty_states():
    two = pl.concat([_tree(), _tree().head(1).with_columns(pl.lit("s").alias("work_item_id"))])
    fig = ef.tree_figure(two)
    assert fig.data[0].ids[0] == "all-trees" and list(fig.data[0].parents).count("") == 1
    assert "no work items" in ef.tree_figure(_tree().head(0)).layout.annotations[0].text
    unbudgeted = _tree().with_columns(pl.lit(D(0)).alias("rolled_up_allocated_budget"))
    assert "allocated budget" in ef.tree_figure(unbudgeted).layout.annotations[0].text


def test_inconsistent_and_ledger_rows():
    nodes = pl.DataFrame(
        [
            {"path": "R", "title": "R", "allocation_consistency": "over_allocated", "allocated_budget": D(100),
             "children_allocated_sum": D(120), "children_minus_own": D(20)},
            {"path": "R > B", "title": "B", "allocation_consistency": "under_allocated", "allocated_budget": D(100),
             "children_allocated_sum": D(80), "children_minus_own": D(-20)},
        ]
    )  # fmt: skip
    rows = ef.inconsistent_rows(nodes)
    assert [r["row_class"] for r in rows] == ["exec-bad", "exec-warn"]
    assert rows[0]["consistency"] == "Over-allocated (error)" and rows[1]["difference"] == "-₱20.00"
    ledger = pl.DataFrame(
        [
            {"entry_sequence": 1, "scheduled_date": date(2025, 1, 2), "tranche_type": "allocation",
             "amount": D(100), "running_allotment": D(100), "running_obligations": D(0),
             "running_disbursements": D(0), "remarks": None},
            {"entry_sequence": 2, "scheduled_date": None, "tranche_type": "obligation", "amount": D(150),
             "running_allotment": D(100), "running_obligations": D(150), "running_disbursements": D(0),
             "remarks": "late"},
        ]
    )  # fmt: skip
    entries = ef.ledger_rows(ledger)
    assert entries[0]["type"] == "Allotment" and entries[0]["date"] == "2025-01-02"
    assert entries[1]["date"] == "undated" and "exec-warn" in entries[1]["row_class"]  # obligated above allotment
    assert "exec-warn" not in entries[0]["row_class"]


def test_ppa_options_and_watchlist_rows():
    frame = pl.DataFrame(
        [{"ppa_id": "p1", "title": "Roads", "moa_acronym": None, "fiscal_year": 2025, "budget_allocation": D(1)}]
    )
    assert ef.ppa_options(frame) == [{"label": "FY 2025 · No MOA · Roads", "value": "p1"}]
    watch = pl.DataFrame(
        [{"ppa_id": "p1", "title": "Roads", "moa_acronym": "MPW", "fiscal_year": 2025, "budget_allocation": D(10),
          "planned_to_date_amount": D(8), "actual_to_date_amount": D(3), "slippage_to_date_amount": D(5),
          "disbursement_rate_vs_obligations": 0.25, "obligation_rate_vs_allotment": None}]
    )  # fmt: skip
    (row,) = ef.watchlist_rows(watch)
    assert row["slippage"] == "₱5.00" and row["disbursement"] == "25.0%" and row["obligation"] == "—"
    assert row["slippage_tip"] == "planned to date ₱8.00, disbursed to date ₱3.00"
