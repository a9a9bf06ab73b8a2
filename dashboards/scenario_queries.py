"""What the scenario builder reads from the marts: the candidate PPAs of a planning year, their baseline, the year's
ceilings and the needs the PPAs address. One definition for the live page and the refresh (fct_scenario_allocations
imports this module), so a saved scenario is recomputed at refresh exactly as the planner saw it.

Candidates (one row per PPA of the fiscal year in dim_ppa; the engine's columns, see models/allocation.py):
- ``requested_cost`` = ``baseline`` = fct_ppa_budget.budget_allocation (the approved budget, null as 0);
- ``sector`` = dim_ppa.sector ('unspecified' when blank), ``moa`` = the MOA acronym (else its name),
  ``area_id`` = the PPA's coverage area (dim_ppa.geography_id, 'unplaced' when none), ``funding_source``;
- ``unmet_need_score`` = Σ over sectors of rpt_gap_by_area.priority_weighted_unmet_need of the PPA's coverage area
  (the need sectors are a different vocabulary from PPA sectors, so all of the area's needs count);
- ``population_total`` / ``population_obc`` = dim_geography population_total / obc_population of that area;
- ``performance_score`` = fct_performance_scorecard.beneficiary_count (no source holds indicator actuals, so the
  attainment rates are null; the beneficiaries a PPA reaches are what is known);
- ``policy_priority`` = fct_bdp_alignment.policy_points (20 when the PPA implements a policy recommendation; the
  marts hold no PPA × policy priority), ``estimated_cost`` = dim_ppa.estimated_total_amount;
- ``linked_needs`` = needs of fct_need_gap whose funding PPAs include it, ``covered_areas`` = coverage areas the
  warehouse records (1 or 0), ``linked_goals`` = fct_bdp_alignment.bdp_goal_count;
- ``beneficiaries`` = fct_ppa_budget.beneficiaries (for projected beneficiaries).

Ceilings: the active, mapped ceilings of the year in fct_ceiling_monitor, each covering exactly its PPAs in
fct_ceiling_ppas (the warehouse's vocabulary mapping), hard or soft as its enforcement level says.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal

import cachetools
import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import UNSPECIFIED_SECTOR, Filters
from ingest.warehouse import file_identity
from models.allocation import Ceiling, ScenarioOutcome, ScenarioSpec, evaluate
from models.outcomes import Inequality, needs_covered, per_capita_inequality, projected_beneficiaries

UNPLACED_AREA = "unplaced"

FISCAL_YEARS_SQL = """
select distinct fiscal_year from dim_ppa where fiscal_year is not null order by fiscal_year desc
"""

CANDIDATES_SQL = f"""
with

ppas as (
    select * from dim_ppa where fiscal_year = $fiscal_year
),

area_needs as (
    select geography_id, sum(priority_weighted_unmet_need) as unmet_need_score
    from rpt_gap_by_area
    group by geography_id
),

need_links as (
    select trim(link.ppa_id) as ppa_id, count(distinct need.need_id) as linked_needs
    from fct_need_gap as need,
        unnest(string_split(need.funding_ppa_ids, ',')) as link(ppa_id)
    where need.funding_ppa_ids is not null
    group by 1
)

select
    ppas.ppa_id,
    ppas.title,
    coalesce(budget.budget_allocation, 0)::decimal(18, 2) as requested_cost,
    coalesce(budget.budget_allocation, 0)::decimal(18, 2) as baseline,
    coalesce(nullif(ppas.sector, ''), '{UNSPECIFIED_SECTOR}') as sector,
    coalesce(ppas.geography_id, '{UNPLACED_AREA}') as area_id,
    coalesce(geo.municipality_name, geo.province_name, geo.region_name, 'Not placed') as area_name,
    coalesce(ppas.moa_acronym, ppas.moa_name, 'No MOA') as moa,
    ppas.funding_source,
    ppas.category,
    coalesce(area_needs.unmet_need_score, 0)::double as unmet_need_score,
    geo.population_total::double as population_total,
    geo.obc_population::double as population_obc,
    coalesce(score.beneficiary_count, 0)::double as performance_score,
    coalesce(align.policy_points, 0)::double as policy_priority,
    ppas.estimated_total_amount::double as estimated_cost,
    coalesce(need_links.linked_needs, 0)::double as linked_needs,
    case when ppas.geography_id is null then 0 else 1 end::double as covered_areas,
    coalesce(align.bdp_goal_count, 0)::double as linked_goals,
    budget.beneficiaries
from ppas
left join fct_ppa_budget as budget on budget.ppa_id = ppas.ppa_id
left join dim_geography as geo on geo.geography_id = ppas.geography_id
left join area_needs on area_needs.geography_id = ppas.geography_id
left join fct_performance_scorecard as score on score.ppa_id = ppas.ppa_id
left join fct_bdp_alignment as align on align.ppa_id = ppas.ppa_id
left join need_links on need_links.ppa_id = ppas.ppa_id
order by ppas.ppa_id
"""

CEILINGS_SQL = """
select
    monitor.ceiling_id,
    monitor.source_table,
    coalesce(monitor.ceiling_name,
        concat_ws(' · ', monitor.sector_stated, monitor.funding_source_stated), 'all PPAs') as ceiling_label,
    monitor.ceiling_amount,
    monitor.enforcement_level,
    monitor.warning_threshold::double as warning_threshold,
    list_sort(list(members.ppa_id) filter (where members.ppa_id is not null)) as ppa_ids
from fct_ceiling_monitor as monitor
left join fct_ceiling_ppas as members
    on members.ceiling_id = monitor.ceiling_id and members.source_table = monitor.source_table
where monitor.fiscal_year = $fiscal_year
    and monitor.is_active
    and monitor.status <> 'unmapped'
group by all
order by monitor.source_table, monitor.ceiling_id
"""

NEED_LINKS_SQL = """
select distinct need.need_id, trim(link.ppa_id) as ppa_id
from fct_need_gap as need,
    unnest(string_split(need.funding_ppa_ids, ',')) as link(ppa_id)
where need.funding_ppa_ids is not null
    and trim(link.ppa_id) in (select ppa_id from dim_ppa where fiscal_year = $fiscal_year)
order by 1, 2
"""

SAVED_COMPARISON_SQL = """
select * from fct_scenario_comparison where fiscal_year = $fiscal_year
order by scenario_id, dimension, key
"""


def fiscal_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Fiscal years that have PPAs, newest first."""
    return [int(y) for y in sql.frame(con, FISCAL_YEARS_SQL)["fiscal_year"].to_list()]


def planning_year(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> int | None:
    """The year a scenario plans: the newest year of the global filter that has PPAs, else the newest with PPAs."""
    years = fiscal_years(con)
    chosen = [y for y in (filters.fiscal_years if filters else ()) if y in years]
    if chosen:
        return max(chosen)
    return years[0] if years else None


def candidates(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """The engine's candidate frame for ``fiscal_year`` (with title, area_name, baseline, beneficiaries)."""
    return sql.frame(con, CANDIDATES_SQL, fiscal_year=int(fiscal_year))


def ceilings(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> tuple[Ceiling, ...]:
    """The year's active, mapped ceilings as engine ceilings over their PPAs (name = label + short id, unique)."""
    frame = sql.frame(con, CEILINGS_SQL, fiscal_year=int(fiscal_year))
    result = []
    for row in frame.iter_rows(named=True):
        result.append(
            Ceiling(
                name=f"{row['ceiling_label']} [{str(row['ceiling_id'])[:8]}]",
                amount=Decimal(row["ceiling_amount"]),
                hard=row["enforcement_level"] == "hard",
                warning_threshold=float(row["warning_threshold"] or 0.90),
                ppa_ids=frozenset(row["ppa_ids"] or ()),
            )
        )
    return tuple(result)


def need_links(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """need_id × ppa_id: the needs (fct_need_gap) the year's PPAs fund."""
    return sql.frame(con, NEED_LINKS_SQL, fiscal_year=int(fiscal_year))


def with_ceilings(spec: ScenarioSpec, year_ceilings: tuple[Ceiling, ...]) -> ScenarioSpec:
    """The planner's spec with the warehouse's ceilings of the year (saved specs keep no ceilings of their own)."""
    return replace(spec, ceilings=tuple(year_ceilings))


def saved_comparison(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """fct_scenario_comparison rows of the year (saved scenarios as of the last refresh)."""
    return sql.frame(con, SAVED_COMPARISON_SQL, fiscal_year=int(fiscal_year))


# ------------------------------------------------------------------------------------------- saved scenarios
@dataclass(frozen=True, eq=False)
class YearInputs:
    """What the engine reads from the warehouse for one planning year."""

    candidates: pl.DataFrame
    ceilings: tuple[Ceiling, ...]
    need_links: pl.DataFrame

    @functools.cached_property
    def baseline(self) -> Baseline:
        """What the approved budget buys (every PPA at its baseline): every recompute of the year is compared
        with it, so it is worked out once per year's inputs (they are kept; the frames are never modified)."""
        at_baseline = self.candidates.with_columns(allocated=pl.col("baseline"))
        return Baseline(
            total=self.candidates["baseline"].sum() if self.candidates.height else Decimal(0),
            needs_covered=needs_covered(self.need_links, at_baseline),
            beneficiaries=int(projected_beneficiaries(at_baseline).sum()) if self.candidates.height else 0,
            inequality=per_capita_inequality(self.candidates, amount="baseline"),
        )


@dataclass(frozen=True)
class Baseline:
    """The approved budget's total, needs covered, projected beneficiaries and spread per person across areas."""

    total: Decimal
    needs_covered: int
    beneficiaries: int
    inequality: Inequality


_YEAR_CACHE_SIZE = 8
_YEAR_CACHE: cachetools.LRUCache[tuple, YearInputs] = cachetools.LRUCache(maxsize=_YEAR_CACHE_SIZE)
_YEAR_CACHE_LOCK = threading.Lock()
_DATABASE_SQL = "select path, readonly from duckdb_databases() where database_name = current_database()"


def _published_file(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """(path, size, modified) of the file ``con`` reads when it is opened read-only (a published build, never
    written again); None otherwise (a build being written: nothing may be cached)."""
    rows = con.execute(_DATABASE_SQL).fetchall()
    if not rows or not rows[0][1] or not rows[0][0]:
        return None
    return file_identity(rows[0][0])


def year_inputs(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> YearInputs:
    """The year's candidates, ceilings and need links. Every edit on the scenario page recomputes on the same year
    of the same published file, so they are kept per (file, year) — a few recent ones per process: ~0.3 s of
    queries per edit at scale 100. A new publish is a new file, so a new key; frames are never modified."""
    file = _published_file(con)
    key = None if file is None else (*file, int(fiscal_year))
    if key is not None:
        with _YEAR_CACHE_LOCK:
            hit = _YEAR_CACHE.get(key)
        if hit is not None:
            return hit
    inputs = YearInputs(candidates(con, fiscal_year), ceilings(con, fiscal_year), need_links(con, fiscal_year))
    if key is not None:
        with _YEAR_CACHE_LOCK:
            _YEAR_CACHE[key] = inputs
    return inputs


def evaluate_spec(con: duckdb.DuckDBPyConnection, spec: ScenarioSpec, fiscal_year: int) -> ScenarioResult:
    """Run the engine on the year's candidates with the year's ceilings: what the page shows and what the refresh
    stores for a saved scenario (``fct_scenario_allocations`` / ``fct_scenario_runs``)."""
    return evaluate_year(year_inputs(con, fiscal_year), spec)


def evaluate_year(inputs: YearInputs, spec: ScenarioSpec) -> ScenarioResult:
    """:func:`evaluate_spec` on a year's inputs already read."""
    return ScenarioResult(inputs, evaluate(inputs.candidates, with_ceilings(spec, inputs.ceilings)))


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    inputs: YearInputs
    outcome: ScenarioOutcome

    @property
    def candidates(self) -> pl.DataFrame:
        return self.inputs.candidates

    @property
    def need_links(self) -> pl.DataFrame:
        return self.inputs.need_links

    @property
    def baseline(self) -> Baseline:
        return self.inputs.baseline

    def ppas(self) -> pl.DataFrame:
        """One row per candidate: the engine's row joined with title, area name, baseline, beneficiaries and the
        projected beneficiaries (models.outcomes); empty when the spec has errors."""
        allocation = self.outcome.allocation
        if allocation is None:
            return pl.DataFrame()
        extra = self.candidates.select("ppa_id", "title", "area_name", "baseline", "beneficiaries", "category")
        frame = allocation.ppas.join(extra, on="ppa_id", how="left")
        return frame.with_columns(projected_beneficiaries(frame))

    def needs_covered(self) -> int | None:
        allocation = self.outcome.allocation
        return None if allocation is None else needs_covered(self.need_links, allocation.ppas)

    def inequality(self) -> tuple[Inequality, Inequality] | None:
        """Spending per person across areas (models.outcomes.per_capita_inequality): the scenario's and the
        baseline's; None when the spec has errors."""
        allocation = self.outcome.allocation
        if allocation is None:
            return None
        amounts = allocation.ppas.select("ppa_id", pl.col("allocated").alias("scenario_allocated"))
        candidates = self.candidates.join(amounts, on="ppa_id", how="left")
        return (
            per_capita_inequality(candidates, amount="scenario_allocated"),
            self.baseline.inequality,
        )


def latest_saved_versions(scenarios: pl.DataFrame, versions: pl.DataFrame) -> pl.DataFrame:
    """Every saved scenario (stg_meta__scenarios) joined with its current version (stg_meta__scenario_versions:
    spec_json, saved_by, saved_at), by id: what the dbt Python models recompute."""
    return scenarios.join(
        versions.select("scenario_id", "version", "spec_json", "saved_by", "saved_at"),
        left_on=["scenario_id", "current_version"],
        right_on=["scenario_id", "version"],
        how="inner",
    ).sort("scenario_id")


@contextmanager
def marts_search_path(con: duckdb.DuckDBPyConnection, database: str, schema: str) -> Iterator[None]:
    """Inside a dbt Python model: resolve the marts by bare name (as the page does), then restore the path."""
    before = con.sql("select current_setting('search_path')").fetchall()[0][0]
    con.execute(f"SET search_path = '{database}.{schema}'")
    try:
        yield
    finally:
        con.execute(f"SET search_path = '{before}'")
