"""Questions the dashboards ask the published warehouse: SQL on the marts → polars frames.

Every function takes an open DuckDB connection (``ingest.warehouse.read_only``) and a :class:`Filters`. The SQL
text is fixed; the user's selection travels only as bound list parameters (``$fiscal_years``, ``$moas``,
``$sectors``), where an empty list means "all". Amounts are summed in SQL and come back as exact ``Decimal``
columns; only the figures convert them to floats, for plotting.

Rates are ratios of the summed amounts of the selection (never an average of per-row rates):
obligation rate = Σ obligations / Σ allocations, disbursement rate = Σ disbursements / Σ obligations, both
``NULL`` when the denominator is zero.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import Filters
from ingest.home import Home
from ingest.warehouse import published_at, published_path

TOP_MOAS = 15
TOP_PPAS = 20

# ------------------------------------------------------------------------------------------- options
_FISCAL_YEARS_SQL = """
select fiscal_year from rpt_executive_summary where fiscal_year is not null
union
select fiscal_year from dim_ppa where fiscal_year is not null
order by fiscal_year desc
"""

_MOAS_SQL = """
with named as (
    select moa_acronym, moa_name from rpt_executive_summary
    union all
    select moa_acronym, moa_name from dim_ppa
)
select moa_acronym, max(moa_name) as moa_name
from named
where moa_acronym is not null
group by moa_acronym
order by moa_acronym
"""

_SECTORS_SQL = """
with sectors as (
    select coalesce(sector, 'unspecified') as sector from rpt_executive_summary
    union
    select coalesce(sector, 'unspecified') as sector from dim_ppa
)
select sector from sectors
order by sector = 'unspecified', sector
"""


_AREAS_SQL = """
select geography_id, level, region_code, region_name, province_name
from dim_geography
where level in ('region', 'province')
order by region_code nulls last, region_name, level = 'province', province_name
"""


def areas(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Regions, each followed by its provinces: ``geography_id``, ``level``, ``region_code``, ``region_name``,
    ``province_name``."""
    return con.sql(_AREAS_SQL).pl()


def fiscal_years(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Fiscal years present in the marts, latest first: ``fiscal_year``."""
    return con.sql(_FISCAL_YEARS_SQL).pl()


def moas(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """MOAs present in the marts by acronym: ``moa_acronym``, ``moa_name``."""
    return con.sql(_MOAS_SQL).pl()


def sectors(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Sector codes present in the marts, ``unspecified`` last: ``sector``."""
    return con.sql(_SECTORS_SQL).pl()


# ------------------------------------------------------------------------------ executive summary
# rpt_executive_summary's grain is fiscal year × MOA × sector × coverage region × coverage province.
_SUMMARY_FILTER = sql.where(region="region_id", province="province_id")
_HEADLINE_SQL = f"""
select
    coalesce(sum(budget_allocation), 0) as budget_allocation,
    coalesce(sum(ppa_count), 0)::bigint as ppa_count,
    coalesce(sum(allocations), 0) as allocations,
    coalesce(sum(obligations), 0) as obligations,
    coalesce(sum(disbursements), 0) as disbursements,
    sum(obligations) / nullif(sum(allocations), 0) as obligation_rate,
    sum(disbursements) / nullif(sum(obligations), 0) as disbursement_rate,
from rpt_executive_summary
where {_SUMMARY_FILTER}
"""

_BY_SECTOR_SQL = f"""
select
    coalesce(sector, 'unspecified') as sector,
    sum(ppa_count)::bigint as ppa_count,
    sum(budget_allocation) as budget_allocation,
    sum(allocations) as allocations,
    sum(obligations) as obligations,
    sum(disbursements) as disbursements,
from rpt_executive_summary
where {_SUMMARY_FILTER}
group by all
order by budget_allocation desc nulls last, sector
"""

_BY_MOA_SQL = f"""
with by_moa as (
    select
        moa_acronym,
        max(moa_name) as moa_name,
        sum(ppa_count)::bigint as ppa_count,
        sum(budget_allocation) as budget_allocation,
        sum(allocations) as allocations,
        sum(obligations) as obligations,
        sum(disbursements) as disbursements,
    from rpt_executive_summary
    where {_SUMMARY_FILTER}
    group by moa_acronym
)
select *, count(*) over ()::bigint as moa_count,
from by_moa
order by budget_allocation desc nulls last, moa_acronym nulls last
limit $limit
"""

_BY_YEAR_SQL = f"""
select
    fiscal_year,
    sum(ppa_count)::bigint as ppa_count,
    sum(budget_allocation) as budget_allocation,
    sum(allocations) as allocations,
    sum(obligations) as obligations,
    sum(disbursements) as disbursements,
from rpt_executive_summary
where {_SUMMARY_FILTER}
group by fiscal_year
order by fiscal_year nulls last
"""


def headline(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row: ``budget_allocation`` (approved budget), ``ppa_count``, ``allocations``, ``obligations``,
    ``disbursements`` (0 when nothing matches), ``obligation_rate`` and ``disbursement_rate`` (null when undefined).
    """
    return sql.frame(con, _HEADLINE_SQL, filters)


def budget_by_sector(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row per sector, largest approved budget first."""
    return sql.frame(con, _BY_SECTOR_SQL, filters)


def budget_by_moa(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = TOP_MOAS) -> pl.DataFrame:
    """The ``limit`` MOAs with the largest approved budget (ties by acronym); ``moa_count`` counts them all."""
    return sql.frame(con, _BY_MOA_SQL, filters, limit=limit)


def budget_by_year(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row per fiscal year in order; PPAs without a fiscal year come last (``fiscal_year`` null)."""
    return sql.frame(con, _BY_YEAR_SQL, filters)


# ------------------------------------------------------------------------------------------- PPAs
_TOP_PPAS_SQL = f"""
select
    ppa_id,
    title,
    moa_acronym,
    moa_name,
    sector,
    fiscal_year,
    budget_allocation,
    progress,
    status,
from dim_ppa
where {sql.where(region="coverage_region_id", province="coverage_province_id")}
order by budget_allocation desc nulls last, ppa_id
limit $limit
"""


def top_ppas(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = TOP_PPAS) -> pl.DataFrame:
    """The ``limit`` PPAs with the largest approved budget (ties by id)."""
    return sql.frame(con, _TOP_PPAS_SQL, filters, limit=limit)


# ------------------------------------------------------------------------------------- comparisons
def previous_year(filters: Filters) -> Filters | None:
    """The same selection one fiscal year earlier, when exactly one fiscal year is selected (else None: a total
    over several years, or over all, has no single year before it)."""
    if len(filters.fiscal_years) != 1:
        return None
    return Filters((filters.fiscal_years[0] - 1,), filters.moas, filters.sectors, filters.areas)


# ------------------------------------------------------------------------------------------ alerts
# What the overview flags, each read from the mart of the page it links to. Ceilings follow fiscal year and sector
# (the ceiling's sector mapped to the PPA vocabulary); needs follow sector (their category's, mapped to the PPA
# vocabulary) and area (they have no fiscal year or MOA); budget credibility is whole-government per fiscal year.
_CEILING_ALERTS_SQL = f"""
select
    count(*) filter (where status = 'exceeded')::bigint as ceilings_exceeded,
    count(*) filter (where status = 'warning')::bigint as ceilings_warning,
    count(*)::bigint as ceilings,
from fct_ceiling_monitor
where {sql.where(moa=None, sector="sector_mapped")}
"""

_NEED_ALERTS_SQL = f"""
select
    count(*) filter (where is_high_priority and not is_funded)::bigint as unfunded_high_priority,
    coalesce(sum(unmet_cost) filter (where is_high_priority and not is_funded), 0) as unfunded_high_priority_cost,
    count(*) filter (where is_high_priority)::bigint as high_priority,
from fct_need_gap
where {sql.where(fiscal_year=None, moa=None, sector="ppa_sector", region="region_id", province="province_id")}
"""

# The latest fiscal year of the selection (or of the mart) that has a PI-1 score.
_CREDIBILITY_SQL = f"""
select fiscal_year, pi1_outturn, pi1_score, pi2_moa_variance, pi2_moa_score
from fct_budget_credibility
where {sql.where(moa=None, sector=None)}
  and pi1_score is not null
order by fiscal_year desc
limit 1
"""


def ceiling_alerts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row: ``ceilings_exceeded``, ``ceilings_warning``, ``ceilings``."""
    return sql.frame(con, _CEILING_ALERTS_SQL, filters)


def need_alerts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """One row: ``unfunded_high_priority`` (count), ``unfunded_high_priority_cost``, ``high_priority``."""
    return sql.frame(con, _NEED_ALERTS_SQL, filters)


def credibility(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """The PEFA PI-1/PI-2 row of the latest scored fiscal year in the selection (no row when none is scored)."""
    return sql.frame(con, _CREDIBILITY_SQL, filters)


# ------------------------------------------------------------------------------------------ freshness
def data_as_of(home: Home) -> datetime | None:
    """When the published warehouse file was written (UTC), or None when nothing is published."""
    path = published_path(home, missing_ok=True)
    if path is None or not path.exists():
        return None
    return published_at(path)
