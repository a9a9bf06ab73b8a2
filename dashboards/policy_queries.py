"""Questions the policy–budget page asks the published warehouse: SQL on the policy marts → polars frames.

The marts: ``fct_policy_budget`` (one row per policy recommendation: its implementing PPAs, their budget, the
estimated cost and the funding gap, all years) and ``fct_policy_moa_budget`` (policy × MOA × fiscal year: the PPAs of
each cell, ``ppa_ids``, and their budget; its cells add up to ``fct_policy_budget.implementing_budget``).

Global filters: the matrix and the PPA lists take the fiscal year and the MOA from the cell, and the sector and the
area from each PPA (``dim_ppa``, through the cell's ``ppa_ids``), so a cell under a sector filter sums only its PPAs
of that sector. A policy itself has no year, MOA, sector or area: the policy table and the funding-gap chart show each
policy's whole figures (all its PPAs, every year), with the budget of the PPAs in the selection beside them.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, Filters

MATRIX_FILTERS = (FISCAL_YEAR, MOA, SECTOR, AREA)
NO_MOA = ""  # the cell key of PPAs without a MOA (moa_id null in the mart)

# The PPAs of the matrix's cells in the selection: one row per policy × PPA, with the cell it belongs to.
_SELECTED_PPAS = f"""
cell_ppas as (
    select
        cell.policy_recommendation_id,
        coalesce(cell.moa_id, '{NO_MOA}') as moa_key,
        cell.moa_acronym,
        cell.moa_name,
        cell.fiscal_year,
        unnest(cell.ppa_ids) as ppa_id,
    from fct_policy_moa_budget as cell
    where {sql.where(fiscal_year="cell.fiscal_year", moa="cell.moa_acronym", sector=None)}
),
selected as (
    select cell_ppas.*, ppa.title, ppa.sector, ppa.status, ppa.progress, ppa.budget_allocation,
        ppa.region_name, ppa.province_name,
    from cell_ppas
    inner join dim_ppa as ppa on ppa.ppa_id = cell_ppas.ppa_id
    where {sql.where(fiscal_year=None, moa=None, sector="ppa.sector", ppa_id="cell_ppas.ppa_id")}
)
"""

_MATRIX_SQL = f"""
with {_SELECTED_PPAS}
select
    selected.policy_recommendation_id,
    policy.reference_number,
    policy.title as policy_title,
    selected.moa_key,
    min(selected.moa_acronym) as moa_acronym,
    min(selected.moa_name) as moa_name,
    count(*)::bigint as ppa_count,
    sum(coalesce(selected.budget_allocation, 0))::decimal(18, 2) as budget,
from selected
inner join fct_policy_budget as policy on policy.policy_recommendation_id = selected.policy_recommendation_id
group by all
order by policy.reference_number, selected.policy_recommendation_id, moa_acronym nulls last, selected.moa_key
"""


def matrix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """The matrix in long form: one row per policy × MOA with PPAs in the selection, their count and budget (summed
    over the selected fiscal years). ``moa_key`` is the MOA's id, ``NO_MOA`` for PPAs without one."""
    return sql.frame(con, _MATRIX_SQL, filters)


_CELL_PPAS_SQL = f"""
with {_SELECTED_PPAS}
select
    selected.policy_recommendation_id,
    policy.reference_number,
    policy.title as policy_title,
    selected.moa_key,
    selected.moa_acronym,
    selected.moa_name,
    selected.fiscal_year,
    selected.ppa_id,
    selected.title,
    selected.sector,
    selected.status,
    selected.progress,
    selected.budget_allocation,
from selected
inner join fct_policy_budget as policy on policy.policy_recommendation_id = selected.policy_recommendation_id
where ($policy_id::varchar is null or selected.policy_recommendation_id = $policy_id::varchar)
  and ($moa_key::varchar is null or selected.moa_key = $moa_key::varchar)
order by policy.reference_number, selected.policy_recommendation_id, selected.budget_allocation desc nulls last,
    selected.ppa_id
"""


def cell_ppas(
    con: duckdb.DuckDBPyConnection, filters: Filters, policy_id: str | None, moa_key: str | None
) -> pl.DataFrame:
    """The PPAs behind one cell (``policy_id`` × ``moa_key``; None for either: all), largest budget first."""
    return sql.frame(con, _CELL_PPAS_SQL, filters, policy_id=policy_id, moa_key=moa_key)


_POLICIES_SQL = f"""
with {_SELECTED_PPAS},
in_selection as (
    select policy_recommendation_id, count(*)::bigint as selection_ppa_count,
        sum(coalesce(budget_allocation, 0))::decimal(18, 2) as selection_budget,
    from selected
    group by policy_recommendation_id
)
select
    policy.policy_recommendation_id,
    policy.reference_number,
    policy.title,
    policy.status,
    policy.priority,
    policy.priority_category,
    policy.implementing_ppa_count,
    policy.implementing_budget,
    policy.average_progress,
    policy.estimated_cost,
    policy.funding_gap,
    coalesce(in_selection.selection_ppa_count, 0)::bigint as selection_ppa_count,
    coalesce(in_selection.selection_budget, 0)::decimal(18, 2) as selection_budget,
from fct_policy_budget as policy
left join in_selection on in_selection.policy_recommendation_id = policy.policy_recommendation_id
order by policy.funding_gap desc nulls last, policy.reference_number, policy.policy_recommendation_id
"""


def policies(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Every policy recommendation with its whole figures (fct_policy_budget), largest funding gap first, and the
    count and budget of its implementing PPAs in the selection."""
    return sql.frame(con, _POLICIES_SQL, filters)
