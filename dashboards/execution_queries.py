"""Questions the budget execution page asks the published warehouse: SQL on the execution and budget marts → polars.

The marts: ``fct_ppa_budget`` (the allotment → obligation → disbursement chain per PPA),
``fct_budget_execution_monthly`` (planned vs actual per budgeted PPA and month, with the year-end forecast),
``fct_budget_credibility`` (PEFA PI-1 and PI-2 per fiscal year), ``fct_work_item_rollup`` (a PPA's work-item tree)
and ``fct_funding_ledger`` (a PPA's funding entries), with ``dim_ppa`` for MOA names and the area filter.

Every function takes an open DuckDB connection (``ingest.warehouse.read_only``); the SQL text is fixed and the user's
choices (filters, a PPA, a year) travel only as bound parameters. Rates are ratios of sums (Σ numerator /
Σ denominator, as fractions), never averages of the PPAs' rates; a rate whose denominator sums to 0 is null. Money
stays DECIMAL.

Global filters: fiscal year, MOA, sector and area apply to the funnel, the monthly view, the PPA list and the MFBM
report; only the fiscal year applies to budget credibility (a PEFA score is about a whole year's budget).
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, UNSPECIFIED_SECTOR, Filters

FILTERS_USED = (FISCAL_YEAR, MOA, SECTOR, AREA)
CREDIBILITY_FILTERS = (FISCAL_YEAR,)
WATCHLIST_LIMIT = 15
PPA_OPTIONS_LIMIT = 5_000

# the funnel's groupings: toggle value -> (SQL expression of the group, label of the group column)
GROUPINGS = {
    "moa": "coalesce(budget.moa_acronym, 'No MOA')",
    "sector": f"coalesce(budget.sector, '{UNSPECIFIED_SECTOR}')",
}
RANKINGS = ("slippage", "disbursement")

_PPA_WHERE = sql.where(
    fiscal_year="budget.fiscal_year", moa="budget.moa_acronym", sector="budget.sector", ppa_id="budget.ppa_id"
)
_MONTHLY_WHERE = sql.where(
    fiscal_year="monthly.fiscal_year", moa="monthly.moa_acronym", sector="monthly.sector", ppa_id="monthly.ppa_id"
)
_CREDIBILITY_WHERE = sql.where(fiscal_year="fiscal_year", moa=None, sector=None)

# Σ numerator / Σ denominator as a fraction; null when the denominator sums to 0
_RATES = """
    cast(sum(allotment) as double) / nullif(cast(sum(budget_allocation) as double), 0) as allotment_release_rate,
    cast(sum(obligations) as double) / nullif(cast(sum(allotment) as double), 0) as obligation_rate_vs_allotment,
    cast(sum(obligations) as double) / nullif(cast(sum(budget_allocation) as double), 0) as obligation_rate_vs_budget,
    cast(sum(disbursements) as double) / nullif(cast(sum(obligations) as double), 0)
        as disbursement_rate_vs_obligations,
    cast(sum(disbursements) as double) / nullif(cast(sum(budget_allocation) as double), 0)
        as disbursement_rate_vs_budget,
"""
RATE_COLUMNS = (
    "allotment_release_rate",
    "obligation_rate_vs_allotment",
    "obligation_rate_vs_budget",
    "disbursement_rate_vs_obligations",
    "disbursement_rate_vs_budget",
)


# --------------------------------------------------------------------------------------------- funnel
def _funnel_sql(group: str) -> str:
    return f"""
select
    {group} as group_key,
    count(*)::bigint as ppa_count,
    sum(budget_allocation) as budget_allocation,
    sum(allotment) as allotment,
    sum(obligations) as obligations,
    sum(disbursements) as disbursements,
    sum(unobligated_allotment) as unobligated_allotment,
    sum(unpaid_obligations) as unpaid_obligations,
    {_RATES}
from fct_ppa_budget as budget
where {_PPA_WHERE}
group by all
order by sum(budget_allocation) desc, group_key
"""


_FUNNEL_SQL = {key: _funnel_sql(expression) for key, expression in GROUPINGS.items()}

_FUNNEL_TOTAL_SQL = f"""
select
    count(*)::bigint as ppa_count,
    coalesce(sum(budget_allocation), 0)::decimal(18, 2) as budget_allocation,
    coalesce(sum(allotment), 0)::decimal(18, 2) as allotment,
    coalesce(sum(obligations), 0)::decimal(18, 2) as obligations,
    coalesce(sum(disbursements), 0)::decimal(18, 2) as disbursements,
    {_RATES}
from fct_ppa_budget as budget
where {_PPA_WHERE}
"""


def funnel(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "moa") -> pl.DataFrame:
    """The execution chain per MOA (``by="moa"``) or sector (``by="sector"``), largest approved budget first, with the
    five rates as ratios of the group's sums. An unknown ``by`` is refused."""
    if by not in _FUNNEL_SQL:
        raise ValueError(f"unknown grouping {by!r}; expected one of {sorted(_FUNNEL_SQL)}")
    frame = sql.frame(con, _FUNNEL_SQL[by], filters)
    return frame.rename({"group_key": "moa_acronym" if by == "moa" else "sector"})


def funnel_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row: the selection's approved budget, allotment, obligations, disbursements and rates."""
    return sql.frame(con, _FUNNEL_TOTAL_SQL, filters)


# -------------------------------------------------------------------------------------------- monthly
_MONTHLY_YEARS_SQL = f"""
select distinct monthly.fiscal_year
from fct_budget_execution_monthly as monthly
where {_MONTHLY_WHERE}
order by 1
"""

_MONTHLY_SQL = f"""
select
    monthly.month_number,
    min(monthly.month_start_date) as month_start_date,
    min(monthly.quarter_label) as quarter_label,
    sum(monthly.planned_amount) as planned_amount,
    sum(monthly.actual_amount) as actual_amount,
    sum(monthly.obligated_amount) as obligated_amount,
    sum(monthly.slippage_amount) as slippage_amount,
    sum(monthly.cumulative_planned_amount) as cumulative_planned_amount,
    sum(monthly.cumulative_actual_amount) as cumulative_actual_amount,
    sum(monthly.cumulative_obligated_amount) as cumulative_obligated_amount,
    sum(monthly.cumulative_slippage_amount) as cumulative_slippage_amount,
    bool_or(monthly.is_elapsed_month) as is_elapsed_month,
from fct_budget_execution_monthly as monthly
where {_MONTHLY_WHERE}
  and monthly.fiscal_year = $year
group by monthly.month_number
order by monthly.month_number
"""

# the forecast and "to date" columns are PPA-year values repeated on the 12 rows: read them on December's
_YEAR_SUMMARY_SQL = f"""
select
    count(*)::bigint as ppa_count,
    max(monthly.as_of_date) as as_of_date,
    max(monthly.months_elapsed) as months_elapsed,
    sum(monthly.cumulative_planned_amount) as planned_amount,
    sum(monthly.actual_to_date_amount) as actual_to_date_amount,
    sum(monthly.year_end_forecast_amount) as year_end_forecast_amount,
    count(monthly.year_end_forecast_amount)::bigint as forecast_ppa_count,
from fct_budget_execution_monthly as monthly
where {_MONTHLY_WHERE}
  and monthly.fiscal_year = $year
  and monthly.month_number = 12
"""

_QUARTERLY_SQL = f"""
select
    monthly.quarter_number,
    min(monthly.quarter_label) as quarter_label,
    sum(monthly.planned_amount) as planned_amount,
    sum(monthly.actual_amount) as actual_amount,
    sum(monthly.obligated_amount) as obligated_amount,
    sum(monthly.slippage_amount) as slippage_amount,
    sum(case when monthly.month_number = 3 * monthly.quarter_number then monthly.cumulative_planned_amount end)
        as cumulative_planned_amount,
    sum(case when monthly.month_number = 3 * monthly.quarter_number then monthly.cumulative_actual_amount end)
        as cumulative_actual_amount,
    sum(case when monthly.month_number = 3 * monthly.quarter_number then monthly.cumulative_slippage_amount end)
        as cumulative_slippage_amount,
    cast(sum(monthly.actual_amount) as double) / nullif(cast(sum(monthly.planned_amount) as double), 0)
        as actual_vs_planned_rate,
    bool_or(monthly.is_elapsed_month) as has_elapsed_month,
from fct_budget_execution_monthly as monthly
where {_MONTHLY_WHERE}
  and monthly.fiscal_year = $year
group by monthly.quarter_number
order by monthly.quarter_number
"""


def monthly_years(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[int]:
    """Fiscal years with budgeted PPAs in the selection (the monthly view shows one at a time)."""
    return [int(y) for y in sql.frame(con, _MONTHLY_YEARS_SQL, filters)["fiscal_year"].to_list()]


def monthly(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pl.DataFrame:
    """Planned, actual and obligated per month of fiscal ``year``, and cumulative, summed over the selection."""
    return sql.frame(con, _MONTHLY_SQL, filters, year=year)


def year_summary(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pl.DataFrame:
    """One row for ``year``: the as-of date and months elapsed, Σ planned, Σ actual to date and Σ year-end forecast
    of the selection's PPAs (``forecast_ppa_count`` of them have a forecast; none before the year begins)."""
    return sql.frame(con, _YEAR_SUMMARY_SQL, filters, year=year)


def quarterly(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pl.DataFrame:
    """Planned, actual, obligated and slippage per quarter of ``year``; cumulative amounts at each quarter's end;
    actual ÷ planned of the quarter as a ratio of sums."""
    return sql.frame(con, _QUARTERLY_SQL, filters, year=year)


# ---------------------------------------------------------------------------------------- credibility
_CREDIBILITY_SQL = f"""
select
    fiscal_year,
    ppa_count,
    original_budget_amount,
    adjusted_budget_amount,
    actual_amount,
    obligated_amount,
    pi1_outturn,
    pi1_obligation_outturn,
    pi1_score,
    pi2_moa_variance,
    pi2_moa_score,
    pi2_sector_variance,
    pi2_sector_score,
    score_window_year_count,
from fct_budget_credibility
where {_CREDIBILITY_WHERE}
order by fiscal_year
"""


def credibility(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """PEFA PI-1 and PI-2 per fiscal year of the selection (only the fiscal-year filter applies)."""
    return sql.frame(con, _CREDIBILITY_SQL, filters)


# ------------------------------------------------------------------------------------------ PPA lists
_PPA_OPTIONS_SQL = f"""
select budget.ppa_id, budget.title, budget.moa_acronym, budget.fiscal_year, budget.budget_allocation,
from fct_ppa_budget as budget
where {_PPA_WHERE}
order by budget.fiscal_year desc nulls last, budget.moa_acronym nulls last, budget.title, budget.ppa_id
limit $limit
"""

# slippage to date = Σ (planned − actual) over the elapsed months of the PPA's fiscal year
_WATCHLIST_SQL = f"""
with to_date as (
    select
        monthly.ppa_id,
        sum(case when monthly.is_elapsed_month then monthly.planned_amount else 0 end) as planned_to_date_amount,
        sum(case when monthly.is_elapsed_month then monthly.actual_amount else 0 end) as actual_to_date_amount,
        sum(case when monthly.is_elapsed_month then monthly.slippage_amount else 0 end) as slippage_to_date_amount,
    from fct_budget_execution_monthly as monthly
    group by monthly.ppa_id
)
select
    budget.ppa_id,
    budget.title,
    budget.moa_acronym,
    budget.sector,
    budget.fiscal_year,
    budget.budget_allocation,
    budget.allotment,
    budget.obligations,
    budget.disbursements,
    to_date.planned_to_date_amount,
    to_date.actual_to_date_amount,
    to_date.slippage_to_date_amount,
    budget.disbursement_rate_vs_obligations / 100 as disbursement_rate_vs_obligations,
    budget.obligation_rate_vs_allotment / 100 as obligation_rate_vs_allotment,
    count(*) over ()::bigint as match_count,
from fct_ppa_budget as budget
left join to_date on to_date.ppa_id = budget.ppa_id
where {_PPA_WHERE}
  and (
      ($rank = 'slippage' and coalesce(to_date.slippage_to_date_amount, 0) > 0)
      or ($rank = 'disbursement' and budget.obligations <> 0)
  )
order by
    case when $rank = 'slippage' then to_date.slippage_to_date_amount end desc nulls last,
    case when $rank = 'disbursement' then budget.disbursement_rate_vs_obligations end asc nulls last,
    budget.budget_allocation desc,
    budget.ppa_id
limit $limit
"""


def ppa_options(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = PPA_OPTIONS_LIMIT) -> pl.DataFrame:
    """The selection's PPAs for the drill-down chooser: latest fiscal year first, then MOA and title."""
    return sql.frame(con, _PPA_OPTIONS_SQL, filters, limit=limit)


def ppa_watchlist(
    con: duckdb.DuckDBPyConnection, filters: Filters, rank: str = "slippage", limit: int = WATCHLIST_LIMIT
) -> pl.DataFrame:
    """The PPAs most behind: by slippage to date (``rank="slippage"``: only PPAs behind their release schedule), or by
    the lowest disbursement rate against obligations (``rank="disbursement"``: only PPAs with obligations).
    ``match_count`` counts every PPA that qualifies."""
    if rank not in RANKINGS:
        raise ValueError(f"unknown ranking {rank!r}; expected one of {RANKINGS}")
    return sql.frame(con, _WATCHLIST_SQL, filters, rank=rank, limit=limit)


# ------------------------------------------------------------------------------------------- one PPA
_PPA_SQL = """
select
    budget.ppa_id, budget.title, budget.category, budget.fiscal_year, budget.moa_acronym, ppa.moa_name, budget.sector,
    budget.budget_allocation, budget.allotment, budget.obligations, budget.disbursements, budget.adjustments,
    budget.obligation_rate_vs_allotment / 100 as obligation_rate_vs_allotment,
    budget.disbursement_rate_vs_obligations / 100 as disbursement_rate_vs_obligations,
    budget.work_item_root_count, budget.allocated_to_work_items, budget.unallocated,
    budget.allocation_pct / 100 as allocation_pct, budget.work_item_actual_expenditure,
    budget.progress_own, budget.progress_from_work_items, budget.is_over_obligated, budget.is_over_disbursed,
from fct_ppa_budget as budget
left join dim_ppa as ppa on ppa.ppa_id = budget.ppa_id
where budget.ppa_id = $ppa
"""

_TREE_SQL = """
select
    work_item_id, parent_work_item_id, root_work_item_id, depth, path, work_type, title, status,
    child_count, allocated_budget, actual_expenditure, children_allocated_sum, allocation_consistency,
    retained_allocation, rolled_up_allocated_budget, rolled_up_actual_expenditure, variance, variance_pct,
    variance_status, progress, progress_calculated, status_date, planned_pct_complete,
    bac, pv, ev, ac, sv, cv, spi, cpi, eac,
from fct_work_item_rollup
where ppa_id = $ppa
order by root_work_item_id, depth, path, work_item_id
"""

# an error first (children allocated more than the parent), then the parent with money left over, then unbudgeted
_INCONSISTENT_SQL = """
select
    work_item_id, depth, path, work_type, title, allocation_consistency, allocated_budget, children_allocated_sum,
    coalesce(children_allocated_sum, 0) - coalesce(allocated_budget, 0) as children_minus_own,
from fct_work_item_rollup
where ppa_id = $ppa
  and allocation_consistency in ('over_allocated', 'under_allocated', 'none_allocated')
order by
    case allocation_consistency when 'over_allocated' then 1 when 'under_allocated' then 2 else 3 end,
    depth, path, work_item_id
"""

_LEDGER_SQL = """
select
    entry_sequence, scheduled_date, tranche_type, amount, running_type_amount,
    running_allotment, running_obligations, running_disbursements, running_adjustments,
    funding_source, remarks, funding_flow_id,
from fct_funding_ledger
where ppa_id = $ppa
order by entry_sequence
"""


def ppa(con: duckdb.DuckDBPyConnection, ppa_id: str) -> pl.DataFrame:
    """The PPA's execution chain and work-item allocation (one row; none for an unknown id). Rates as fractions."""
    return sql.frame(con, _PPA_SQL, ppa=ppa_id)


def work_item_tree(con: duckdb.DuckDBPyConnection, ppa_id: str) -> pl.DataFrame:
    """Every work item of the PPA's trees, roots first, with its own and rolled-up money, variance and earned value."""
    return sql.frame(con, _TREE_SQL, ppa=ppa_id)


def inconsistent_nodes(con: duckdb.DuckDBPyConnection, ppa_id: str) -> pl.DataFrame:
    """The PPA's work items whose children's allocations do not add up to their own: over-allocated first."""
    return sql.frame(con, _INCONSISTENT_SQL, ppa=ppa_id)


def ledger(con: duckdb.DuckDBPyConnection, ppa_id: str) -> pl.DataFrame:
    """The PPA's funding entries in order, with their running totals."""
    return sql.frame(con, _LEDGER_SQL, ppa=ppa_id)


# ------------------------------------------------------------------------------------------ MFBM report
_MFBM_YEARS_SQL = """
select distinct fiscal_year from fct_ppa_budget where category = 'moa_ppa' and fiscal_year is not null order by 1
"""

_MFBM_SQL = f"""
select
    budget.ppa_id,
    budget.title,
    budget.moa_acronym,
    ppa.moa_name,
    budget.sector,
    budget.fiscal_year,
    ppa.status,
    budget.budget_allocation,
    budget.allotment,
    budget.obligations,
    budget.disbursements,
    budget.unobligated_allotment,
    budget.unpaid_obligations,
    budget.obligation_rate_vs_allotment,
    budget.disbursement_rate_vs_obligations,
    budget.disbursement_rate_vs_budget as utilization_pct,
    budget.progress_own as progress,
from fct_ppa_budget as budget
left join dim_ppa as ppa on ppa.ppa_id = budget.ppa_id
where budget.category = 'moa_ppa'
  and budget.fiscal_year = $year
  and {sql.where(fiscal_year=None, moa="budget.moa_acronym", sector="budget.sector", ppa_id="budget.ppa_id")}
order by budget.moa_acronym nulls last, budget.title, budget.ppa_id
"""


def mfbm_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Fiscal years that have MOA PPAs (the MFBM report's category)."""
    return [int(r[0]) for r in con.sql(_MFBM_YEARS_SQL).fetchall()]


def mfbm_ppas(con: duckdb.DuckDBPyConnection, filters: Filters, year: int) -> pl.DataFrame:
    """The MOA PPAs (category moa_ppa) of fiscal ``year`` in the MOA, sector and area selection, by MOA and title.
    Rates are the mart's percentages (× 100), as OBCMS's report shows them; ``utilization_pct`` is OBCMS's
    budget_utilization_rate (disbursements / approved budget × 100)."""
    return sql.frame(con, _MFBM_SQL, filters, year=year)
