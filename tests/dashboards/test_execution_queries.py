"""The budget execution page's queries on a small hand-made warehouse, against hand-computed figures.

PPAs: P1 (FY 2025, MOH, social, Zamboanga Sibugay in Region IX), P2 (FY 2025, MOH, economic, Region X; obligated more
than its allotment), P3 (FY 2025, MPW, no sector, no area, no money), P4 (FY 2024, MPW, social, Region IX, an OOBC PPA).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from dashboards import execution_queries as eq
from dashboards.filters import Filters

D = Decimal

# ppa, title, category, fy, moa, sector, region, province, budget, allotment, obligations, disbursements
PPAS = [
    ("p1", "Health posts", "moa_ppa", 2025, "MOH", "social", 9, 72, "1000.00", "800.00", "600.00", "300.00"),
    ("p2", "Farm roads", "moa_ppa", 2025, "MOH", "economic", 10, 80, "500.00", "500.00", "550.00", "100.00"),
    ("p3", "Unfunded", "moa_ppa", 2025, "MPW", None, None, None, "0.00", "0.00", "0.00", "0.00"),
    ("p4", "Bridges", "oobc_ppa", 2024, "MPW", "social", 9, None, "200.00", "200.00", "200.00", "200.00"),
]
# ppa -> (fy, months elapsed, {month: planned}, {month: actual}, forecast)
MONTHLY = {
    "p1": (2025, 6, {1: "600.00", 7: "200.00"}, {m: "50.00" for m in range(1, 7)}, "600.00"),
    "p2": (2025, 6, {1: "500.00"}, {3: "100.00"}, "200.00"),
    "p4": (2024, 12, {1: "200.00"}, {12: "200.00"}, "200.00"),
}


def _pct(numerator: str, denominator: str) -> Decimal | None:
    return None if D(denominator) == 0 else round(100 * D(numerator) / D(denominator), 4)


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute(
        "create table dim_ppa (ppa_id varchar, moa_name varchar, status varchar, coverage_region_id integer, "
        "coverage_province_id integer)"
    )
    c.execute(
        """create table fct_ppa_budget (ppa_id varchar, title varchar, category varchar, fiscal_year integer,
        moa_acronym varchar, sector varchar, budget_allocation decimal(18,2), allotment decimal(18,2),
        obligations decimal(18,2), disbursements decimal(18,2), adjustments decimal(18,2),
        unobligated_allotment decimal(18,2), unpaid_obligations decimal(18,2),
        obligation_rate_vs_allotment decimal(18,4), disbursement_rate_vs_obligations decimal(18,4),
        disbursement_rate_vs_budget decimal(18,4), work_item_root_count integer,
        allocated_to_work_items decimal(18,2), unallocated decimal(18,2), allocation_pct decimal(18,4),
        work_item_actual_expenditure decimal(18,2), progress_own integer, progress_from_work_items integer,
        is_over_obligated boolean, is_over_disbursed boolean)"""
    )
    for ppa, title, category, fy, moa, sector, region, province, budget, allot, obl, disb in PPAS:
        c.execute("insert into dim_ppa values (?, ?, 'ongoing', ?, ?)", [ppa, f"Ministry {moa}", region, province])
        c.execute(
            "insert into fct_ppa_budget values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 1, ?, 0, 100, 0, 10, "
            "20, ?, false)",
            [ppa, title, category, fy, moa, sector, D(budget), D(allot), D(obl), D(disb), D(allot) - D(obl),
             D(obl) - D(disb), _pct(obl, allot), _pct(disb, obl), _pct(disb, budget), D(budget),
             D(obl) > D(allot)],
        )  # fmt: skip
    c.execute(
        """create table fct_budget_execution_monthly (ppa_id varchar, moa_acronym varchar, sector varchar,
        fiscal_year integer, month_number integer, month_start_date date, quarter_label varchar,
        quarter_number integer, planned_amount decimal(18,2), actual_amount decimal(18,2),
        obligated_amount decimal(18,2), slippage_amount decimal(18,2), cumulative_planned_amount decimal(18,2),
        cumulative_actual_amount decimal(18,2), cumulative_obligated_amount decimal(18,2),
        cumulative_slippage_amount decimal(18,2), as_of_date date, months_elapsed integer, is_elapsed_month boolean,
        actual_to_date_amount decimal(18,2), year_end_forecast_amount decimal(18,2))"""
    )
    by_id = {p[0]: p for p in PPAS}
    for ppa, (fy, elapsed, planned, actual, forecast) in MONTHLY.items():
        _, _, _, _, moa, sector, *_ = by_id[ppa]
        to_date = sum((D(v) for m, v in actual.items() if m <= elapsed), D(0))
        cum_p = cum_a = D(0)
        for month in range(1, 13):
            p, a = D(planned.get(month, "0")), D(actual.get(month, "0"))
            cum_p, cum_a = cum_p + p, cum_a + a
            c.execute(
                "insert into fct_budget_execution_monthly values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?, "
                "?, ?, ?, ?)",
                [ppa, moa, sector, fy, month, date(fy, month, 1), f"Q{(month + 2) // 3}", (month + 2) // 3, p, a,
                 p - a, cum_p, cum_a, cum_p - cum_a, date(fy, 6, 15), elapsed, month <= elapsed, to_date,
                 D(forecast)],
            )  # fmt: skip
    c.execute(
        """create table fct_budget_credibility as select * from (values
            (2024, 1, 200.00, 200.00, 200.00, 200.00, 1.0, 1.0, null, 0.0, null, 0.0, null, 1),
            (2025, 3, 1500.00, 1500.00, 400.00, 1150.00, 0.266667, 0.766667, 'D', 0.1, 'C', 0.2, 'D', 2)
        ) as t(fiscal_year, ppa_count, original_budget_amount, adjusted_budget_amount, actual_amount,
               obligated_amount, pi1_outturn, pi1_obligation_outturn, pi1_score, pi2_moa_variance, pi2_moa_score,
               pi2_sector_variance, pi2_sector_score, score_window_year_count)"""
    )
    c.execute(
        """create table fct_work_item_rollup as select * from (values
            ('r', null, 'r', 0, 'R', 'project', 'R', 'in_progress', 2, 1000.00, null, 1100.00, 'over_allocated',
             0.00, 1100.00, 50.00, 1050.00, 95.45, 'under_budget', 10, 0, date '2025-06-15', 50.0,
             1100.00, 10.00, 5.00, 50.00, -5.00, -45.00, 0.5, 0.1, 11000.00, 'p1'),
            ('b', 'r', 'r', 1, 'R > B', 'activity', 'B', 'in_progress', 1, 600.00, null, 400.00, 'under_allocated',
             200.00, 600.00, 50.00, 550.00, 91.67, 'under_budget', 0, 0, date '2025-06-15', 50.0,
             600.00, 5.00, 5.00, 50.00, 0.00, -45.00, 1.0, 0.1, 6000.00, 'p1'),
            ('a', 'r', 'r', 1, 'R > A', 'activity', 'A', 'completed', 0, 500.00, 0.00, null, 'leaf',
             500.00, 500.00, 0.00, 500.00, 100.00, 'no_expenditure', 100, 100, date '2025-06-15', 50.0,
             500.00, 5.00, 0.00, 0.00, -5.00, 0.00, 0.0, null, null, 'p1'),
            ('c', 'b', 'r', 2, 'R > B > C', 'task', 'C', 'in_progress', 0, 400.00, 50.00, null, 'leaf',
             400.00, 400.00, 50.00, 350.00, 87.50, 'under_budget', 0, 0, date '2025-06-15', 50.0,
             400.00, 0.00, 5.00, 50.00, 5.00, -45.00, null, 0.1, 4000.00, 'p1'),
            ('x', null, 'x', 0, 'X', 'project', 'X', 'in_progress', 0, 5.00, null, null, 'leaf',
             5.00, 5.00, 0.00, 5.00, 100.00, 'no_expenditure', 0, 0, date '2025-06-15', null,
             5.00, null, 0.00, 0.00, null, 0.00, null, null, null, 'p2')
        ) as t(work_item_id, parent_work_item_id, root_work_item_id, depth, path, work_type, title, status,
               child_count, allocated_budget, actual_expenditure, children_allocated_sum, allocation_consistency,
               retained_allocation, rolled_up_allocated_budget, rolled_up_actual_expenditure, variance, variance_pct,
               variance_status, progress, progress_calculated, status_date, planned_pct_complete, bac, pv, ev, ac, sv,
               cv, spi, cpi, eac, ppa_id)"""
    )
    c.execute(
        """create table fct_funding_ledger as select * from (values
            ('f2', 'p1', 2, date '2025-02-01', 'obligation', 600.00, 600.00, 800.00, 600.00, 0.00, 0.00, null, ''),
            ('f1', 'p1', 1, date '2025-01-05', 'allocation', 800.00, 800.00, 800.00, 0.00, 0.00, 0.00, null, ''),
            ('f3', 'p1', 3, null, 'disbursement', 300.00, 300.00, 800.00, 600.00, 300.00, 0.00, null, 'late'),
            ('g1', 'p2', 1, date '2025-01-01', 'allocation', 500.00, 500.00, 500.00, 0.00, 0.00, 0.00, null, '')
        ) as t(funding_flow_id, ppa_id, entry_sequence, scheduled_date, tranche_type, amount, running_type_amount,
               running_allotment, running_obligations, running_disbursements, running_adjustments, funding_source,
               remarks)"""
    )
    yield c
    c.close()


# ------------------------------------------------------------------------------------------------ funnel
def test_funnel_by_moa_rates_are_ratios_of_sums(con):
    frame = eq.funnel(con, Filters(fiscal_years=(2025,)), "moa")
    assert frame["moa_acronym"].to_list() == ["MOH", "MPW"]  # largest approved budget first
    moh = frame.row(0, named=True)
    assert (moh["ppa_count"], moh["budget_allocation"], moh["allotment"], moh["obligations"], moh["disbursements"]) == (
        2, D("1500.00"), D("1300.00"), D("1150.00"), D("400.00"))  # fmt: skip
    # Σ/Σ: 1,150 / 1,300 = 0.884615 (the average of the PPAs' 75 % and 110 % would be 92.5 %)
    assert moh["obligation_rate_vs_allotment"] == pytest.approx(1150 / 1300)
    assert moh["allotment_release_rate"] == pytest.approx(1300 / 1500)
    assert moh["obligation_rate_vs_budget"] == pytest.approx(1150 / 1500)
    assert moh["disbursement_rate_vs_obligations"] == pytest.approx(400 / 1150)
    assert moh["disbursement_rate_vs_budget"] == pytest.approx(400 / 1500)
    assert moh["unobligated_allotment"] == D("150.00") and moh["unpaid_obligations"] == D("750.00")
    mpw = frame.row(1, named=True)
    assert mpw["budget_allocation"] == D("0.00")
    assert all(mpw[c] is None for c in eq.RATE_COLUMNS)  # nothing budgeted, released or obligated: no rate


def test_funnel_by_sector_counts_a_blank_sector_as_unspecified(con):
    frame = eq.funnel(con, Filters(), "sector")
    got = {r["sector"]: (r["ppa_count"], r["budget_allocation"]) for r in frame.iter_rows(named=True)}
    assert got == {"social": (2, D("1200.00")), "economic": (1, D("500.00")), "unspecified": (1, D("0.00"))}
    assert frame["sector"].to_list()[0] == "social"


@pytest.mark.parametrize(
    ("filters", "budget", "count"),
    [
        (Filters(), D("1700.00"), 4),
        (Filters(fiscal_years=(2024,)), D("200.00"), 1),
        (Filters(moas=("MPW",)), D("200.00"), 2),
        (Filters(sectors=("unspecified",)), D("0.00"), 1),
        (Filters(sectors=("social",), fiscal_years=(2025,)), D("1000.00"), 1),
        (Filters(areas=("province:72",)), D("1000.00"), 1),
        (Filters(areas=("region:9",)), D("1200.00"), 2),
        (Filters(fiscal_years=(1999,)), D("0.00"), 0),
        (Filters(moas=("x' or 1=1 --",)), D("0.00"), 0),
        (Filters(sectors=("social'); drop table fct_ppa_budget; --",)), D("0.00"), 0),
    ],
)
def test_funnel_total_applies_every_global_filter(con, filters, budget, count):
    total = eq.funnel_total(con, filters).row(0, named=True)
    assert (total["budget_allocation"], total["ppa_count"]) == (budget, count)
    assert con.execute("select count(*) from fct_ppa_budget").fetchall() == [(4,)]


def test_funnel_empty_selection_and_unknown_grouping(con):
    assert eq.funnel(con, Filters(fiscal_years=(1999,)), "moa").height == 0
    total = eq.funnel_total(con, Filters(fiscal_years=(1999,))).row(0, named=True)
    assert total["obligation_rate_vs_allotment"] is None
    with pytest.raises(ValueError, match="unknown grouping"):
        eq.funnel(con, Filters(), "moa_acronym; drop table x")


# ----------------------------------------------------------------------------------------------- monthly
def test_monthly_years_follow_the_filters(con):
    assert eq.monthly_years(con, Filters()) == [2024, 2025]
    assert eq.monthly_years(con, Filters(moas=("MOH",))) == [2025]
    assert eq.monthly_years(con, Filters(areas=("region:10",))) == [2025]
    assert eq.monthly_years(con, Filters(moas=("nobody",))) == []


def test_monthly_sums_the_ppas_by_month(con):
    frame = eq.monthly(con, Filters(), 2025)
    assert frame["month_number"].to_list() == list(range(1, 13))
    jan, jun, dec = frame.row(0, named=True), frame.row(5, named=True), frame.row(11, named=True)
    assert (jan["planned_amount"], jan["actual_amount"]) == (D("1100.00"), D("50.00"))
    # June: planned 600 + 500 to date, disbursed 6 × 50 + 100 = 400
    assert (jun["cumulative_planned_amount"], jun["cumulative_actual_amount"], jun["cumulative_slippage_amount"]) == (
        D("1100.00"), D("400.00"), D("700.00"))  # fmt: skip
    assert jun["is_elapsed_month"] and not frame.row(6, named=True)["is_elapsed_month"]
    assert dec["cumulative_planned_amount"] == D("1300.00")
    # the sector filter keeps only P2
    economic = eq.monthly(con, Filters(sectors=("economic",)), 2025)
    assert economic["cumulative_actual_amount"].to_list()[-1] == D("100.00")
    assert eq.monthly(con, Filters(areas=("province:72",)), 2025)["planned_amount"][0] == D("600.00")
    assert eq.monthly(con, Filters(), 1999).height == 0


def test_year_summary_reads_the_forecast_once_per_ppa(con):
    row = eq.year_summary(con, Filters(), 2025).row(0, named=True)
    assert row == {
        "ppa_count": 2,
        "as_of_date": date(2025, 6, 15),
        "months_elapsed": 6,
        "planned_amount": D("1300.00"),
        "actual_to_date_amount": D("400.00"),
        "year_end_forecast_amount": D("800.00"),  # 600 + 200, not 12 × each
        "forecast_ppa_count": 2,
    }
    empty = eq.year_summary(con, Filters(moas=("MPW",)), 2025).row(0, named=True)
    assert empty["ppa_count"] == 0 and empty["year_end_forecast_amount"] is None


def test_quarterly(con):
    frame = eq.quarterly(con, Filters(), 2025)
    assert frame["quarter_label"].to_list() == ["Q1", "Q2", "Q3", "Q4"]
    q1, q3 = frame.row(0, named=True), frame.row(2, named=True)
    # Q1: planned 1,100; actual 3 × 50 + 100 = 250; cumulative slippage at March 850
    assert (q1["planned_amount"], q1["actual_amount"], q1["slippage_amount"], q1["cumulative_slippage_amount"]) == (
        D("1100.00"), D("250.00"), D("850.00"), D("850.00"))  # fmt: skip
    assert q1["actual_vs_planned_rate"] == pytest.approx(250 / 1100)
    assert q1["has_elapsed_month"] and not q3["has_elapsed_month"]
    assert q3["planned_amount"] == D("200.00") and q3["actual_vs_planned_rate"] == 0
    assert frame.row(3, named=True)["actual_vs_planned_rate"] is None  # nothing planned in Q4


# ------------------------------------------------------------------------------------------- credibility
def test_credibility_uses_only_the_fiscal_year_filter(con):
    assert eq.credibility(con, Filters())["fiscal_year"].to_list() == [2024, 2025]
    assert eq.credibility(con, Filters(fiscal_years=(2025,)))["pi1_score"].to_list() == ["D"]
    assert eq.credibility(con, Filters(moas=("nobody",), sectors=("none",))).height == 2
    assert eq.credibility(con, Filters(fiscal_years=(1999,))).height == 0


# ---------------------------------------------------------------------------------------------- PPA lists
def test_ppa_options_latest_year_first(con):
    assert eq.ppa_options(con, Filters())["ppa_id"].to_list() == ["p2", "p1", "p3", "p4"]
    assert eq.ppa_options(con, Filters(areas=("region:9",)))["ppa_id"].to_list() == ["p1", "p4"]


def test_watchlist_by_slippage_to_date(con):
    frame = eq.ppa_watchlist(con, Filters(), "slippage")
    # P2: 500 planned − 100 disbursed to June = 400; P1: 600 − 300 = 300; P4 is on plan (0): not listed
    assert frame["ppa_id"].to_list() == ["p2", "p1"]
    assert frame["slippage_to_date_amount"].to_list() == [D("400.00"), D("300.00")]
    assert frame["match_count"].to_list() == [2, 2]
    assert eq.ppa_watchlist(con, Filters(), "slippage", limit=1)["match_count"].to_list() == [2]


def test_watchlist_by_lowest_disbursement_rate(con):
    frame = eq.ppa_watchlist(con, Filters(), "disbursement")
    # 100 / 550 = 18 %, 300 / 600 = 50 %, 200 / 200 = 100 %; P3 has no obligations
    assert frame["ppa_id"].to_list() == ["p2", "p1", "p4"]
    assert frame["disbursement_rate_vs_obligations"][0] == pytest.approx(100 / 550, abs=1e-6)
    assert eq.ppa_watchlist(con, Filters(moas=("MPW",)), "disbursement")["ppa_id"].to_list() == ["p4"]
    with pytest.raises(ValueError, match="unknown ranking"):
        eq.ppa_watchlist(con, Filters(), "1; drop table x")


# ------------------------------------------------------------------------------------------------ one PPA
def test_one_ppa(con):
    row = eq.ppa(con, "p2").row(0, named=True)
    assert row["moa_name"] == "Ministry MOH" and row["is_over_obligated"] is True
    assert row["obligation_rate_vs_allotment"] == pytest.approx(1.1)
    assert eq.ppa(con, "nope' or '1'='1").height == 0


def test_work_item_tree_and_inconsistent_nodes(con):
    tree = eq.work_item_tree(con, "p1")
    assert tree["work_item_id"].to_list() == ["r", "a", "b", "c"]  # by depth, then path
    assert eq.work_item_tree(con, "p2")["work_item_id"].to_list() == ["x"]
    nodes = eq.inconsistent_nodes(con, "p1")
    assert nodes["work_item_id"].to_list() == ["r", "b"]  # the error (over-allocated) first
    assert nodes["children_minus_own"].to_list() == [D("100.00"), D("-200.00")]
    assert eq.inconsistent_nodes(con, "p2").height == 0
    assert eq.work_item_tree(con, "unknown").height == 0


def test_ledger_in_entry_order(con):
    frame = eq.ledger(con, "p1")
    assert frame["funding_flow_id"].to_list() == ["f1", "f2", "f3"]
    assert frame["running_disbursements"].to_list()[-1] == D("300.00")
    assert eq.ledger(con, "p3").height == 0


# ------------------------------------------------------------------------------------------------- MFBM
def test_mfbm_ppas_are_the_moa_ppas_of_one_year(con):
    assert eq.mfbm_years(con) == [2025]  # P4 is an OOBC PPA
    frame = eq.mfbm_ppas(con, Filters(), 2025)
    assert frame["ppa_id"].to_list() == ["p2", "p1", "p3"]  # by MOA, then title
    assert frame["utilization_pct"].to_list() == [D("20.0000"), D("30.0000"), None]
    # the fiscal-year filter does not narrow it (the year is the report's own); the others do
    assert eq.mfbm_ppas(con, Filters(fiscal_years=(2024,)), 2025).height == 3
    assert eq.mfbm_ppas(con, Filters(sectors=("social",)), 2025)["ppa_id"].to_list() == ["p1"]
    assert eq.mfbm_ppas(con, Filters(areas=("region:10",)), 2025)["ppa_id"].to_list() == ["p2"]
    assert eq.mfbm_ppas(con, Filters(moas=("x' --",)), 2025).height == 0
    assert eq.mfbm_ppas(con, Filters(), 2024).height == 0
