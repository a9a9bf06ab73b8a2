"""Questions the BDP alignment page asks the published warehouse: SQL on the alignment marts → polars frames.

Reads ``marts.fct_ppa_bdp_goal`` (each PPA's budget by BDP goal, with the untagged bucket),
``marts.fct_bdp_alignment`` (the BPDA score and its components per OBCMS PPA), ``marts.rpt_bdp_reviews`` (the
reviews saved on the page, after a refresh), ``marts.dim_ppa`` (the PPAs, their MOA and coverage) and
``marts.rpt_bdp_alignment_by_goal`` (the BDP goals a reviewer can pick).

Global filters: fiscal year, MOA (by acronym, as the shell offers them), sector and area (the PPA's coverage) apply
to every question. User input travels as bound parameters only.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import Filters

SCORES_LIMIT = 100
ALL_ROWS = 1_000_000
UNTAGGED_GOAL = "untagged"  # goal_key of the untagged bucket (fct_ppa_bdp_goal, rpt_bdp_alignment_by_goal)

# ------------------------------------------------------------------------------------- budget by goal
# the PPAs of the selection with their goal (a multi-goal PPA once per goal, its budget split among them)
_PPA_GOALS_CTE = f"""
ppa_goals as (
    select
        goal.goal_key,
        goal.goal_title,
        goal.is_untagged,
        goal.moa_acronym,
        ppa.moa_name,
        goal.ppa_id,
        goal.title,
        goal.budget_share as aligned_budget,
    from fct_ppa_bdp_goal as goal
    left join dim_ppa as ppa
        on goal.ppa_id = ppa.ppa_id
    where {
    sql.where(
        fiscal_year="goal.fiscal_year",
        moa="goal.moa_acronym",
        sector="goal.sector",
        region="goal.region_id",
        province="goal.province_id",
    )
}
)"""

_BY_GOAL_SQL = f"""
with {_PPA_GOALS_CTE}
select
    *,
    sum(aligned_budget) over (partition by goal_key) as goal_budget,
    sum(aligned_budget) over (partition by goal_key, moa_acronym) as moa_budget,
from ppa_goals
order by is_untagged, goal_budget desc, goal_key, moa_budget desc, moa_acronym nulls last, aligned_budget desc, ppa_id
"""


def budget_by_goal(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Approved budget aligned with each BDP goal, by MOA and PPA (``fct_ppa_bdp_goal``), the untagged bucket
    last: ``goal_key``, ``goal_title``, ``is_untagged``, ``moa_acronym``, ``moa_name``, ``ppa_id``, ``title``,
    ``aligned_budget`` (the PPA's share), ``goal_budget`` and ``moa_budget`` (the goal's and the goal × MOA's
    totals in the selection). A multi-goal PPA has a row per goal; the mart splits its budget among them, so the
    amounts add up to the selection's budget. Every global filter applies."""
    return sql.frame(con, _BY_GOAL_SQL, filters)


# The treemap's rows, folded in SQL: under each goal × MOA the $per_box largest PPAs (ties by PPA id), then one
# row of the others (ppa_id null, others_count = how many, aligned_budget = their exact sum). At scale 100 that is
# ~4,400 rows instead of ~26,000 for Python to draw.
_BY_GOAL_FOLDED_SQL = f"""
with {_PPA_GOALS_CTE},
ranked as (
    select
        *,
        sum(aligned_budget) over (partition by goal_key) as goal_budget,
        sum(aligned_budget) over (partition by goal_key, moa_acronym) as moa_budget,
        count(*) over (partition by goal_key, moa_acronym) as moa_ppa_count,
        row_number() over box as box_rank,
        first_value(moa_name) over box as box_moa_name,
    from ppa_goals
    window box as (
        partition by goal_key, moa_acronym
        order by coalesce(aligned_budget, 0) desc, aligned_budget is null, ppa_id
    )
)
select
    goal_key, goal_title, is_untagged, moa_acronym, moa_name, ppa_id, title, aligned_budget, goal_budget, moa_budget,
    moa_ppa_count, null::bigint as others_count,
from ranked
where box_rank <= $per_box
union all
select
    goal_key,
    any_value(goal_title),
    any_value(is_untagged),
    moa_acronym,
    any_value(box_moa_name),
    null,
    null,
    sum(aligned_budget),
    any_value(goal_budget),
    any_value(moa_budget),
    any_value(moa_ppa_count),
    count(*),
from ranked
where box_rank > $per_box
group by goal_key, moa_acronym
order by
    others_count is not null, is_untagged, goal_budget desc, goal_key, moa_budget desc, moa_acronym nulls last,
    aligned_budget desc, ppa_id
"""


def budget_by_goal_folded(con: duckdb.DuckDBPyConnection, filters: Filters, per_box: int) -> pl.DataFrame:
    """:func:`budget_by_goal` folded for the treemap: under each goal × MOA its ``per_box`` largest PPAs (by
    aligned budget, ties by PPA id), then one row of the others, ``ppa_id`` and ``title`` null, ``others_count``
    how many (null on a PPA's row) and ``aligned_budget`` their exact sum. ``moa_ppa_count``: the goal × MOA's
    PPAs. Every goal × MOA's rows add up to its ``moa_budget``, to the centavo."""
    return sql.frame(con, _BY_GOAL_FOLDED_SQL, filters, per_box=per_box)


# --------------------------------------------------------------------------------------------- scores
_SCORES_SQL = f"""
select
    score.ppa_id,
    score.title,
    ppa.moa_acronym,
    ppa.moa_name,
    score.sector,
    score.fiscal_year,
    score.budget_allocation,
    score.outcome_indicators_points,
    score.sdg_points,
    score.moral_governance_points,
    score.obc_share_points,
    score.policy_points,
    score.bpda_score,
    score.bpda_remark,
    score.bdp_goal_count,
    score.bdp_goal_titles,
    count(*) over ()::bigint as match_count,
from fct_bdp_alignment as score
inner join dim_ppa as ppa
    on score.ppa_id = ppa.ppa_id
where {sql.where(fiscal_year="score.fiscal_year", moa="ppa.moa_acronym", sector="score.sector", ppa_id="score.ppa_id")}
order by score.bpda_score, score.budget_allocation desc nulls last, score.title, score.ppa_id
limit $limit
"""


def scores(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = SCORES_LIMIT) -> pl.DataFrame:
    """The BPDA score and its five components per OBCMS PPA, weakest first (then largest budget);
    ``match_count`` counts every PPA of the selection."""
    return sql.frame(con, _SCORES_SQL, filters, limit=limit)


# ------------------------------------------------------------------------------------------- untagged
_UNTAGGED_SQL = f"""
select
    ppa.ppa_id,
    ppa.title,
    ppa.moa_acronym,
    ppa.moa_name,
    ppa.sector,
    ppa.fiscal_year,
    ppa.budget_allocation,
    ppa.ppa_source,
    score.bpda_score,
    score.bpda_remark,
from dim_ppa as ppa
left join fct_bdp_alignment as score
    on ppa.ppa_id = score.ppa_id
where coalesce(score.bdp_goal_count, 0) = 0
  and {sql.where(fiscal_year="ppa.fiscal_year", moa="ppa.moa_acronym", sector="ppa.sector", ppa_id="ppa.ppa_id")}
order by ppa.budget_allocation desc nulls last, ppa.title, ppa.ppa_id
"""


def untagged(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """PPAs tagged to no BDP goal (every PPA of dim_ppa, as the untagged bucket of the budget by goal), largest
    budget first; ``bpda_score`` is null for PPAs of the MOA files alone (not scored)."""
    return sql.frame(con, _UNTAGGED_SQL, filters)


# -------------------------------------------------------------------------------------------- choices
_GOALS_SQL = """
select goal_key as strategic_goal_id, any_value(goal_title) as goal_title,
from rpt_bdp_alignment_by_goal
where not is_untagged
group by goal_key
order by goal_title, strategic_goal_id
"""

_PPA_CHOICES_SQL = f"""
select ppa.ppa_id, ppa.title, ppa.moa_acronym, ppa.fiscal_year, coalesce(score.bdp_goal_count, 0) as bdp_goal_count,
from dim_ppa as ppa
left join fct_bdp_alignment as score
    on ppa.ppa_id = score.ppa_id
where {sql.where(fiscal_year="ppa.fiscal_year", moa="ppa.moa_acronym", sector="ppa.sector", ppa_id="ppa.ppa_id")}
order by ppa.title, ppa.fiscal_year, ppa.ppa_id
"""

_PPA_SQL = """
select ppa_id, title, moa_acronym, fiscal_year from dim_ppa where ppa_id = $ppa_id
"""

# The review form's PPA dropdown searches as the reviewer types (22,500 PPAs at scale 100 were 3.2 MB of options):
# at most $limit PPAs of the selection whose title, MOA acronym or MOA name contains the text, plus the chosen PPA
# (whatever the filters) so the dropdown keeps showing what a save would review.
PPA_SEARCH_LIMIT = 50
SEARCH_MAX = 200  # characters of the typed text used
_PPA_SEARCH_COLUMNS = """
    ppa.ppa_id, ppa.title, ppa.moa_acronym, ppa.fiscal_year, coalesce(score.bdp_goal_count, 0) as bdp_goal_count,
from dim_ppa as ppa
left join fct_bdp_alignment as score
    on ppa.ppa_id = score.ppa_id
"""
_PPA_SEARCH_SQL = f"""
with matches as (
    select {_PPA_SEARCH_COLUMNS}
    where (
        ppa.title ilike $pattern escape '\\'
        or ppa.moa_acronym ilike $pattern escape '\\'
        or ppa.moa_name ilike $pattern escape '\\'
    )
      and {sql.where(fiscal_year="ppa.fiscal_year", moa="ppa.moa_acronym", sector="ppa.sector", ppa_id="ppa.ppa_id")}
    order by ppa.title, ppa.fiscal_year, ppa.ppa_id
    limit $limit
),
chosen as (
    select {_PPA_SEARCH_COLUMNS}
    where ppa.ppa_id = $chosen and ppa.ppa_id not in (select ppa_id from matches)
)
select * from (select * from matches union all select * from chosen)
order by title, fiscal_year, ppa_id
"""


def goals(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The BDP goals the warehouse knows (those with at least one PPA): ``strategic_goal_id``, ``goal_title``."""
    return con.sql(_GOALS_SQL).pl()


def ppa_choices(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """The PPAs of the selection a reviewer can review, by title."""
    return sql.frame(con, _PPA_CHOICES_SQL, filters)


def like_pattern(text: str) -> str:
    """An ILIKE pattern (escape character ``\\``) matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` taken
    literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def ppa_search(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    text: str = "",
    chosen: str | None = None,
    limit: int = PPA_SEARCH_LIMIT,
) -> pl.DataFrame:
    """The review form's PPA choices: the first ``limit`` PPAs of the selection (by title) whose title, MOA
    acronym or MOA name contains ``text`` (any case; blank: every PPA), and the PPA ``chosen`` (when the warehouse
    has it, whatever the filters), by title. Columns as :func:`ppa_choices`."""
    pattern = like_pattern(text.strip()[:SEARCH_MAX])
    return sql.frame(con, _PPA_SEARCH_SQL, filters, pattern=pattern, chosen=chosen, limit=limit)


def ppa(con: duckdb.DuckDBPyConnection, ppa_id: str) -> pl.DataFrame:
    """The PPA ``ppa_id`` (no row when the warehouse does not have it)."""
    return con.sql(_PPA_SQL, params={"ppa_id": ppa_id}).pl()


# -------------------------------------------------------------------------------------------- reviews
_REVIEWS_SQL = f"""
select
    review_id,
    created_at,
    reviewer,
    ppa_id,
    ppa_title,
    moa_acronym,
    fiscal_year,
    strategic_goal_id,
    goal_title,
    note,
from rpt_bdp_reviews
where {sql.where(fiscal_year="fiscal_year", moa="moa_acronym", sector="sector", ppa_id="ppa_id")}
order by created_at desc, review_id desc
"""

_REVIEW_KEYS_SQL = "select review_id, created_at from rpt_bdp_reviews"

_PPA_LABELS_SQL = f"""
select ppa_id, title as ppa_title, moa_acronym, fiscal_year,
from dim_ppa
where list_contains($ppa_ids::varchar[], ppa_id)
  and {sql.where(fiscal_year="fiscal_year", moa="moa_acronym", sector="sector", ppa_id="ppa_id")}
"""


def reviews(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """The reviews in the warehouse (saved before the last refresh) on PPAs of the selection, newest first."""
    return sql.frame(con, _REVIEWS_SQL, filters)


def review_keys(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    """(id, saved at) of every review the warehouse has, whatever the filters: the state database's others are
    pending a refresh. The time as well as the id, so a state database started afresh is not mistaken for the old
    one."""
    return {(review_id, created_at) for review_id, created_at in con.execute(_REVIEW_KEYS_SQL).fetchall()}


def ppa_labels(con: duckdb.DuckDBPyConnection, filters: Filters, ppa_ids: list[str]) -> pl.DataFrame:
    """Title, MOA and fiscal year of the PPAs ``ppa_ids`` that are in the selection."""
    return sql.frame(con, _PPA_LABELS_SQL, filters, ppa_ids=list(ppa_ids))
