"""Questions the data-quality page asks the published warehouse: SQL on the data-quality marts → polars frames.

Every function takes an open DuckDB connection (``ingest.warehouse.read_only``); the SQL text is fixed and the
user's choices (a source, a table) travel only as bound parameters, where null means "all". The global filters
(fiscal year, MOA, sector) do not apply to data quality.

The marts: ``rpt_data_quality_runs``, ``rpt_data_quality_rejects``, ``rpt_source_freshness``, ``rpt_deleted_rows``,
``rpt_unknown_organizations``, ``rpt_geography_unmatched``, ``rpt_population_consistency`` and
``fct_duplicate_ppa_pairs`` (with ``dim_ppa`` and ``dim_geography`` for the pairs' MOAs, budgets and shared
municipality). Any of them may be empty (a warehouse without file sources, a fresh home); every function then
returns an empty frame with its columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl

RUNS_LIMIT = 200
REJECTS_LIMIT = 500
UNMATCHED_LIMIT = 500

# --------------------------------------------------------------------------------------------- runs
_RUNS_SQL = """
select
    run_id,
    command,
    refresh_status,
    run_started_at,
    source_name,
    table_name,
    status,
    rows_read,
    rows_loaded,
    rows_rejected,
    rows_inserted,
    rows_updated,
    rows_unchanged,
    rows_deleted,
    seconds,
    accounted,
    is_failed,
    coalesce(error_message, refresh_error) as error,
from rpt_data_quality_runs
order by run_started_at desc nulls last, run_id desc, is_failed desc, source_name, table_name
limit $limit
"""


def runs(con: duckdb.DuckDBPyConnection, limit: int = RUNS_LIMIT) -> pl.DataFrame:
    """The latest ``limit`` table loads (and refreshes that loaded nothing), newest refresh first, failures first."""
    return con.sql(_RUNS_SQL, params={"limit": limit}).pl()


# ------------------------------------------------------------------------------------------ rejects
_REJECT_TABLES_SQL = """
select source_name, table_name, count(*)::bigint as reject_count,
from rpt_data_quality_rejects
group by all
order by source_name, table_name
"""

_REJECTS_SQL = """
select
    reject_id,
    run_id,
    run_started_at,
    source_name,
    table_name,
    location,
    source_row_number,
    row_key,
    column_name,
    check_name,
    failure_value,
    reason,
    count(*) over ()::bigint as match_count,
from rpt_data_quality_rejects
where ($source::varchar is null or source_name = $source::varchar)
  and ($table::varchar is null or table_name = $table::varchar)
order by run_started_at desc nulls last, run_id desc, reject_id
limit $limit
"""


def reject_tables(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Sources and tables that have rejects: ``source_name``, ``table_name``, ``reject_count``."""
    return con.sql(_REJECT_TABLES_SQL).pl()


def rejects(
    con: duckdb.DuckDBPyConnection,
    source: str | None = None,
    table: str | None = None,
    limit: int = REJECTS_LIMIT,
) -> pl.DataFrame:
    """Rejected values of one source and table (None: all), newest run first; ``match_count`` counts them all."""
    return con.sql(_REJECTS_SQL, params={"source": source, "table": table, "limit": limit}).pl()


# ---------------------------------------------------------------------------------------- freshness
# The status rule of rpt_source_freshness, applied at the time of viewing rather than at the build: a warehouse that
# has not been refreshed for days must not keep calling its sources fresh. The thresholds come from the mart.
_FRESHNESS_SQL = """
with aged as (
    select
        *,
        date_diff('second', last_loaded_at, $now::timestamp) / 3600.0 as age_hours_now,
    from rpt_source_freshness
)
select
    source_name,
    table_count,
    tables_with_rows,
    rows_live,
    rows_deleted,
    last_loaded_at,
    newest_updated_at,
    checked_at,
    warn_after_hours,
    error_after_hours,
    round(age_hours_now, 1) as age_hours,
    case
        when last_loaded_at is null then 'not_loaded'
        when age_hours_now >= error_after_hours then 'error'
        when age_hours_now >= warn_after_hours then 'stale'
        else 'fresh'
    end as status,
from aged
order by source_name
"""


def freshness(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> pl.DataFrame:
    """One row per source with its age and status at ``now`` (UTC; default: the current time)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return con.sql(_FRESHNESS_SQL, params={"now": moment}).pl()


# ---------------------------------------------------------------------------------------- findings
_DELETED_SQL = """
select source_name, table_name, rows_deleted, rows_live, first_deleted_at, last_deleted_at, loaded_by,
from rpt_deleted_rows
order by last_deleted_at desc nulls last, source_name, table_name
"""

_UNKNOWN_ORGANIZATIONS_SQL = """
select moa_acronym, moa_name, ppa_count, approved_budget, first_fiscal_year, last_fiscal_year, file_count,
    source_files, locations,
from rpt_unknown_organizations
order by approved_budget desc, moa_acronym
"""

_UNMATCHED_SQL = """
select source, level, region_code, parent_name, name, normalized_name, source_file, source_line, candidates,
    best_candidate, best_similarity, count(*) over ()::bigint as match_count,
from rpt_geography_unmatched
order by source, level, region_code, parent_name nulls first, name
limit $limit
"""

_POPULATION_SQL = """
select level, region_code, province_name, municipality_name, stated_population, sum_of_children, difference,
    children_count, children_without_population, status, source_file, source_line,
from rpt_population_consistency
where status <> 'consistent'
order by status, abs(difference) desc, region_code, province_name, municipality_name nulls first
"""


def deleted_rows(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Tables with rows their source no longer has, most recent deletion first."""
    return con.sql(_DELETED_SQL).pl()


def unknown_organizations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """MOAs the PPA files name that no organisation list knows, largest budget first."""
    return con.sql(_UNKNOWN_ORGANIZATIONS_SQL).pl()


def geography_unmatched(con: duckdb.DuckDBPyConnection, limit: int = UNMATCHED_LIMIT) -> pl.DataFrame:
    """Place names with no partner on the other side (PSA ↔ OBCMS), with their closest candidates."""
    return con.sql(_UNMATCHED_SQL, params={"limit": limit}).pl()


def population_findings(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """PSA areas whose children do not add up to them (or have none loaded), largest difference first."""
    return con.sql(_POPULATION_SQL).pl()


# ------------------------------------------------------------------------------------ duplicate PPAs
DUPLICATES_LIMIT = 200

_DUPLICATES_SQL = """
select
    pair.similarity_rank,
    pair.title_similarity,
    pair.ppa_id_a,
    pair.title_a,
    ppa_a.moa_acronym as moa_a,
    ppa_a.moa_name as moa_name_a,
    ppa_a.fiscal_year as fiscal_year_a,
    ppa_a.budget_allocation as budget_a,
    pair.ppa_id_b,
    pair.title_b,
    ppa_b.moa_acronym as moa_b,
    ppa_b.moa_name as moa_name_b,
    ppa_b.fiscal_year as fiscal_year_b,
    ppa_b.budget_allocation as budget_b,
    pair.sector,
    pair.shared_community_count,
    pair.same_municipality,
    pair.shared_municipality_id,
    place.municipality_name as shared_municipality,
    place.province_name as shared_province,
    pair.overlap_days,
    count(*) over ()::bigint as match_count,
from fct_duplicate_ppa_pairs as pair
left join dim_ppa as ppa_a
    on pair.ppa_id_a = ppa_a.ppa_id
left join dim_ppa as ppa_b
    on pair.ppa_id_b = ppa_b.ppa_id
left join dim_geography as place
    on place.level = 'municipality' and place.municipality_id = pair.shared_municipality_id
order by pair.similarity_rank
limit $limit
"""


def duplicate_pairs(con: duckdb.DuckDBPyConnection, limit: int = DUPLICATES_LIMIT) -> pl.DataFrame:
    """Possible duplicate PPAs (pairs across MOAs serving the same OBC community or municipality, same sector,
    overlapping dates), most similar titles first, with both PPAs' MOAs and budgets and the shared place;
    ``match_count`` counts every pair."""
    return con.sql(_DUPLICATES_SQL, params={"limit": limit}).pl()
