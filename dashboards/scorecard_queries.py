"""Questions the performance-scorecard page asks the warehouse: SQL on the scorecard marts → polars frames.

The marts: ``fct_performance_scorecard`` (one row per PPA: indicators, cost per beneficiary, cost-effectiveness rank,
earned value), ``rpt_performance_scorecard_by_moa`` (one row per MOA per fiscal year, with the previous year), plus
``dim_ppa`` (physical progress, the MOA's name, and the area match) and ``dim_organization`` (the MOA acronym of the
by-MOA mart, which keys MOAs by id only).

Global filters. PPA view: fiscal year, MOA, sector, and area through the PPA's coverage (``dim_ppa``). MOA view:
fiscal year and MOA only — the by-MOA mart sums every sector and every area of the MOA's PPAs, so the sector and
area filters cannot narrow it (the page says so).

Nothing is computed here that the marts do not hold: SPI, CPI, cost per beneficiary and the rank come from the
marts as they are. The only additions are counts (how many PPAs the rank compares, how many rows matched).
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import Filters

# Rows the page's tables show (the Dash renderer slows down sharply past ~100 table rows); the charts and the
# exports take every matching row.
PPA_LIMIT = 100
MOA_LIMIT = 100

# --------------------------------------------------------------------------------------------- PPA view
# rank_group_size counts the PPAs the mart ranked in the same sector and fiscal year, over the whole mart (before
# the filters), because that is the group the rank was taken in.
_PPA_SQL = f"""
with ranked as (
    select
        *,
        count(cost_effectiveness_rank) over (partition by sector, fiscal_year) as rank_group_size,
    from fct_performance_scorecard
)
select
    s.ppa_id,
    s.title,
    s.fiscal_year,
    s.moa_acronym,
    p.moa_name,
    s.sector,
    s.budget_allocation,
    p.progress,
    s.indicator_count,
    s.outcome_indicator_count,
    s.output_indicator_count,
    s.parsed_target_count,
    s.parsed_target_share,
    s.indicator_attainment_rate,
    s.outcome_achievement_rate,
    s.attainment_null_reason,
    s.beneficiary_count,
    s.beneficiary_count_source,
    s.cost_per_beneficiary,
    s.cost_effectiveness_rank,
    s.cost_effectiveness_rank_tied,
    s.rank_group_size,
    s.has_work_items,
    s.budget_at_completion,
    s.planned_value,
    s.earned_value,
    s.actual_cost,
    s.schedule_performance_index,
    s.cost_performance_index,
    count(*) over () as match_count,
from ranked as s
left join dim_ppa as p on p.ppa_id = s.ppa_id
where {sql.where(fiscal_year="s.fiscal_year", moa="s.moa_acronym", sector="s.sector", ppa_id="s.ppa_id")}
order by
    s.fiscal_year desc nulls last,
    s.sector nulls last,
    s.cost_effectiveness_rank nulls last,
    s.budget_allocation desc nulls last,
    s.title,
    s.ppa_id
limit $limit
"""


def ppa_scorecard(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int | None = PPA_LIMIT) -> pl.DataFrame:
    """The PPAs of the selection with their scorecard (``limit`` rows, ``None`` for all): latest year first, then
    by sector and cost-effectiveness rank. ``match_count`` = how many PPAs matched before the limit;
    ``rank_group_size`` = how many PPAs of the same sector and year hold a rank."""
    return sql.frame(con, _PPA_SQL, filters, limit=limit)


# What the two charts plot and show on hover: every PPA of the selection, only these columns (the full scorecard has
# twice as many; converting them was a third of the query's time at scale 100).
CHART_COLUMNS = (
    "ppa_id",
    "title",
    "moa_acronym",
    "sector",
    "fiscal_year",
    "budget_allocation",
    "progress",
    "cost_per_beneficiary",
    "beneficiary_count",
    "schedule_performance_index",
    "cost_performance_index",
    "planned_value",
    "earned_value",
    "actual_cost",
)
_CHART_SQL = f"select {', '.join(CHART_COLUMNS)} from ({_PPA_SQL})"


def ppa_chart_points(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Every PPA of the selection with the columns of ``CHART_COLUMNS``, in the order of :func:`ppa_scorecard`."""
    return sql.frame(con, _CHART_SQL, filters, limit=None)


_NULL_REASONS_SQL = f"""
select
    s.attainment_null_reason,
    count(*) as ppa_count,
from fct_performance_scorecard as s
where s.attainment_null_reason is not null
  and {sql.where(fiscal_year="s.fiscal_year", moa="s.moa_acronym", sector="s.sector", ppa_id="s.ppa_id")}
group by all
order by ppa_count desc, attainment_null_reason
"""


def attainment_null_reasons(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Why attainment is null for the PPAs of the selection: ``attainment_null_reason``, ``ppa_count``."""
    return sql.frame(con, _NULL_REASONS_SQL, filters)


# --------------------------------------------------------------------------------------------- MOA view
_MOA_SQL = f"""
select
    m.moa_id,
    o.acronym as moa_acronym,
    o.name as moa_name,
    m.fiscal_year,
    m.ppa_count,
    m.budget_allocation,
    m.beneficiary_count,
    m.cost_per_beneficiary,
    m.planned_value,
    m.earned_value,
    m.actual_cost,
    m.schedule_performance_index,
    m.cost_performance_index,
    m.budget_allocation_prev_year,
    m.budget_allocation_yoy_change,
    m.budget_allocation_yoy_pct,
    m.cost_per_beneficiary_prev_year,
    m.cost_per_beneficiary_yoy_change,
from rpt_performance_scorecard_by_moa as m
left join dim_organization as o on o.organization_id = m.moa_id
where {sql.where(fiscal_year="m.fiscal_year", moa="o.acronym", sector=None)}
order by m.fiscal_year desc, m.budget_allocation desc nulls last, o.acronym nulls last, m.moa_id
"""


def moa_scorecard(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row per MOA and fiscal year of the selection (fiscal year and MOA filters only), latest year first,
    largest budget first."""
    return sql.frame(con, _MOA_SQL, filters)
