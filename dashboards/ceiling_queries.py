"""Questions the ceiling monitor asks the published warehouse: SQL on the ceiling marts → polars frames.

The marts (dbt_project/models/marts/budget/_budget__models.yml): ``fct_ceiling_monitor`` (one row per ceiling,
checked against its PPAs), ``fct_ceiling_ppas`` (ceiling × PPA under it, with the PPAs that push it over) and
``rpt_ceiling_vocabulary_unmapped`` (stated sectors and funding sources that map to nothing).

Global filters: a ceiling has a fiscal year and a (mapped) sector but no MOA and no area, so the fiscal year and the
sector filter the ceilings (a ceiling stating no sector, or one that does not map, counts as "unspecified"); the MOA
and the area filter only the PPA list, through each PPA's MOA and coverage area in ``dim_ppa``. The vocabulary report
is about OBCMS's ceiling tables as a whole and takes no filter.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import AREA, FISCAL_YEAR, MOA, SECTOR, Filters

# which global filters each part of the page uses (for components.filter_note)
CEILING_FILTERS = (FISCAL_YEAR, SECTOR)
PPA_FILTERS = (FISCAL_YEAR, SECTOR, MOA, AREA)

_CEILINGS_SQL = f"""
select
    ceiling_id,
    source_table,
    ceiling_name,
    fiscal_year,
    sector_stated,
    sector_mapped,
    sector_match,
    funding_source_stated,
    funding_source_mapped,
    funding_source_match,
    ceiling_amount,
    allocated_amount,
    remaining_amount,
    utilization,
    warning_threshold,
    is_threshold_default,
    status,
    enforcement_level,
    is_active,
    ppa_count,
    ppas_beyond_ceiling_count,
from fct_ceiling_monitor
where {sql.where(fiscal_year="fiscal_year", moa=None, sector="sector_mapped")}
order by utilization desc nulls last, status = 'unmapped', fiscal_year desc, ceiling_amount desc, ceiling_id
"""


def ceilings(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Every ceiling of the selected fiscal years and (mapped) sectors, highest utilization first; ceilings without
    a utilization (unmapped, or a zero ceiling) last."""
    return sql.frame(con, _CEILINGS_SQL, filters)


_SUMMARY_SQL = f"""
select
    count(*)::bigint as ceiling_count,
    count(*) filter (where status = 'exceeded')::bigint as exceeded_count,
    count(*) filter (where status = 'warning')::bigint as warning_count,
    count(*) filter (where status = 'ok')::bigint as ok_count,
    count(*) filter (where status = 'unmapped')::bigint as unmapped_count,
    count(*) filter (where enforcement_level = 'hard' and status = 'exceeded')::bigint as hard_exceeded_count,
    coalesce(sum(remaining_amount) filter (where status in ('ok', 'warning')), 0)::decimal(18, 2) as headroom,
    coalesce(-sum(remaining_amount) filter (where status = 'exceeded'), 0)::decimal(18, 2) as overrun,
    coalesce(sum(ceiling_amount) filter (where status = 'unmapped'), 0)::decimal(18, 2) as unmapped_amount,
from fct_ceiling_monitor
where {sql.where(fiscal_year="fiscal_year", moa=None, sector="sector_mapped")}
"""


def summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row: ceilings by status, the headroom left under the ceilings not exceeded (Σ remaining), the overrun of
    the exceeded ones (Σ −remaining) and the amount of the unmapped ceilings (checked against no PPA)."""
    return sql.frame(con, _SUMMARY_SQL, filters)


_PPAS_SQL = f"""
select
    cp.ceiling_id,
    cp.ppa_id,
    ppa.title,
    ppa.moa_acronym,
    ppa.moa_name,
    cp.fiscal_year,
    cp.sector,
    cp.funding_source,
    cp.budget_allocation,
    cp.budget_rank,
    cp.running_allocated_amount,
    cp.ceiling_amount,
    cp.is_beyond_ceiling,
from fct_ceiling_ppas as cp
left join dim_ppa as ppa on ppa.ppa_id = cp.ppa_id
where ($ceiling_id::varchar is null or cp.ceiling_id = $ceiling_id::varchar)
  and cp.ceiling_id in (
      select ceiling_id from fct_ceiling_monitor
      where {sql.where(fiscal_year="fiscal_year", moa=None, sector="sector_mapped")}
  )
  and {sql.where(fiscal_year=None, moa="ppa.moa_acronym", sector=None, ppa_id="cp.ppa_id")}
order by cp.ceiling_id, cp.budget_rank
"""


def ceiling_ppas(con: duckdb.DuckDBPyConnection, filters: Filters, ceiling_id: str | None) -> pl.DataFrame:
    """The PPAs under ``ceiling_id`` (None: under every ceiling of the selection), largest first, with the running
    total and whether each pushes the ceiling over; the MOA and area filters narrow the list (the flags and the
    running total stay those of the whole ceiling)."""
    return sql.frame(con, _PPAS_SQL, filters, ceiling_id=ceiling_id)


_UNMAPPED_SQL = """
select
    vocabulary,
    stated_value_key,
    stated_value_example,
    ceiling_count,
    ceiling_ids,
    source_tables,
    first_fiscal_year,
    last_fiscal_year,
    ceiling_amount,
from rpt_ceiling_vocabulary_unmapped
order by ceiling_amount desc nulls last, vocabulary, stated_value_key
"""


def unmapped_vocabulary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Sector and funding-source values the ceilings state that map to no PPA value, largest amount first."""
    return con.sql(_UNMAPPED_SQL).pl()
