"""The API's endpoints, defined once: path, role, marts read, parameters, columns and SQL.

The routes (``dashboards.api``), the parameter checks (``dashboards.api.params``) and the OpenAPI description
(``dashboards.api.openapi``) are all generated from :data:`ENDPOINTS`, so the description cannot drift from what is
served. A column either names the mart column it passes through (``"fct_ppa_budget.budget_allocation"``: its type is
read from that mart's contract in ``dbt_project/models/marts/**.yml``) or declares its own type (an aggregate).

The SQL is fixed text over the marts. The global filter comes from :func:`dashboards.sql.where`, so the user's
selection only ever travels as bound parameters (``$fiscal_years``, ``$moas``, ``$sectors``, ``$areas``), and the
endpoint's own choices (``level``, ``dimension``, ``scenario_id``) are bound too; ``by`` picks one of a few fixed
statements. Every statement has a total order (its ``order_by`` ends on the grain's key), so pages never overlap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from dashboards import sql
from ingest.home import DBT_PROJECT_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"

FILTERS = ("fiscal_year", "moa", "sector", "area")


@functools.cache
def mart_contracts() -> dict[str, dict[str, dict]]:
    """mart -> column -> its contract entry (``data_type``, ``description``), from the marts' yml files."""
    contracts: dict[str, dict[str, dict]] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        with path.open(encoding="utf-8") as fh:
            document = yaml.safe_load(fh) or {}
        for model in document.get("models", []) or []:
            contracts[model["name"]] = {c["name"]: c for c in model.get("columns", [])}
    return contracts


@dataclass(frozen=True)
class Column:
    """An output column: ``source`` names the mart column (``mart.column``) whose contract gives its type and
    description, or ``data_type`` declares it (then ``description`` says what it is)."""

    name: str
    source: str | None = None
    data_type: str | None = None
    description: str = ""

    @property
    def mart(self) -> str | None:
        return self.source.split(".")[0] if self.source else None

    def contract(self) -> dict:
        if not self.source:
            return {"data_type": self.data_type, "description": self.description}
        mart, column = self.source.split(".")
        try:
            entry = mart_contracts()[mart][column]
        except KeyError:
            raise KeyError(f"API column {self.name}: {self.source} is not in the marts' contracts") from None
        return {
            "data_type": self.data_type or entry["data_type"],
            "description": self.description or " ".join(str(entry.get("description") or "").split()),
        }

    @property
    def type(self) -> str:
        return str(self.contract()["data_type"]).lower()


def col(source: str, name: str | None = None, description: str = "") -> Column:
    """A column passed through from ``mart.column`` (optionally renamed)."""
    return Column(name or source.split(".")[1], source=source, description=description)


def computed(name: str, data_type: str, description: str) -> Column:
    return Column(name, data_type=data_type, description=description)


@dataclass(frozen=True)
class Choice:
    """An endpoint-specific parameter: one value from ``values`` (or a whole number when ``integer``)."""

    name: str
    description: str
    values: tuple[str, ...] = ()
    integer: bool = False
    required: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Endpoint:
    path: str  # under /api/v1
    operation_id: str
    summary: str
    description: str
    role: str  # reader or analyst (ingest.api_tokens.ROLES)
    marts: tuple[str, ...]
    filters: tuple[str, ...]  # which of FILTERS apply
    columns: tuple[Column, ...]
    statement: Callable[[dict[str, str]], str]  # the endpoint's choices -> SQL (filter and choices bound)
    order_by: str
    choices: tuple[Choice, ...] = ()
    filter_notes: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------------------------------------- SQL
# The statements splice in only the filter conditions of dashboards.sql.where (column names written here) and
# fixed text: every value of the request is bound (hence the S608 waivers).
# PPA marts joined to dim_ppa: the area is the PPA's coverage region or province.
_PPA_FILTER = sql.where(
    fiscal_year="b.fiscal_year",
    moa="b.moa_acronym",
    sector="b.sector",
    region="p.coverage_region_id",
    province="p.coverage_province_id",
)


def _ppas(_: dict[str, str]) -> str:
    return f"""
select
    b.ppa_id, b.title, b.category, b.ppa_source, b.fiscal_year, b.moa_acronym, p.moa_name, b.sector,
    p.funding_source, p.appropriation_class, p.status, p.progress, b.geography_id, p.region_name, p.province_name,
    p.municipality_name, b.budget_allocation, b.allotment, b.obligations, b.disbursements, b.adjustments,
    b.allotment_release_rate, b.obligation_rate_vs_allotment, b.obligation_rate_vs_budget,
    b.disbursement_rate_vs_obligations, b.disbursement_rate_vs_budget, b.unobligated_allotment,
    b.unpaid_obligations, b.beneficiaries, b.cost_per_beneficiary
from fct_ppa_budget as b
inner join dim_ppa as p using (ppa_id)
where {_PPA_FILTER}
"""  # noqa: S608


_ANNUAL_AMOUNTS = """
    sum(ppa_count)::bigint as ppa_count,
    sum(budget_allocation) as budget_allocation,
    sum(budget_obc_allocation) as budget_obc_allocation,
    sum(allocations) as allocations,
    sum(obligations) as obligations,
    sum(disbursements) as disbursements
"""


def _annual(choices: dict[str, str]) -> str:
    by = choices["by"]
    if by == "moa":
        return f"""
select fiscal_year, moa_acronym as key, max(moa_name) as label, {_ANNUAL_AMOUNTS}
from rpt_executive_summary
where {sql.where(region="region_id", province="province_id")}
group by fiscal_year, moa_acronym
"""  # noqa: S608
    if by == "sector":
        return f"""
select fiscal_year, coalesce(sector, 'unspecified') as key, coalesce(sector, 'unspecified') as label,
    {_ANNUAL_AMOUNTS}
from rpt_executive_summary
where {sql.where(region="region_id", province="province_id")}
group by fiscal_year, coalesce(sector, 'unspecified')
"""  # noqa: S608
    # by funding source: rpt_executive_summary has no funding source, so the same sums come from the PPA marts
    # (every PPA with a fiscal year, as the executive summary counts them)
    return f"""
select
    b.fiscal_year,
    coalesce(p.funding_source, 'unspecified') as key,
    coalesce(p.funding_source, 'unspecified') as label,
    count(*)::bigint as ppa_count,
    sum(b.budget_allocation) as budget_allocation,
    sum(coalesce(p.budget_obc_allocation, 0)) as budget_obc_allocation,
    sum(b.allotment) as allocations,
    sum(b.obligations) as obligations,
    sum(b.disbursements) as disbursements
from fct_ppa_budget as b
inner join dim_ppa as p using (ppa_id)
where b.fiscal_year is not null
  and {_PPA_FILTER}
group by b.fiscal_year, coalesce(p.funding_source, 'unspecified')
"""  # noqa: S608


def _ceilings(_: dict[str, str]) -> str:
    return f"""
select
    ceiling_id, source_table, ceiling_name, fiscal_year, sector_stated, sector_mapped, funding_source_stated,
    funding_source_mapped, ceiling_amount, allocated_amount, remaining_amount, utilization, warning_threshold,
    status, enforcement_level, is_active, ppa_count
from fct_ceiling_monitor
where {sql.where(moa=None, sector="sector_mapped")}
"""  # noqa: S608


_LEVEL = "(len($level::varchar) = 0 or {column} = $level)"


def _needs_gap(_: dict[str, str]) -> str:
    return f"""
select
    n.geography_id, n.level, g.region_name, g.province_name, g.municipality_name, n.sector, n.needs_count,
    n.funded_needs_count, n.need_coverage, n.high_priority_needs_count, n.high_priority_unfunded_count,
    n.high_priority_unfunded_cost, n.high_priority_unfunded_affected_population, n.affected_population,
    n.estimated_cost, n.funding_amount, n.unmet_cost, n.priority_weighted_unmet_need
from rpt_gap_by_area as n
left join dim_geography as g using (geography_id)
where {sql.where(fiscal_year=None, moa=None, sector="n.sector", region="g.region_id", province="g.province_id")}
  and {_LEVEL.format(column="n.level")}
"""  # noqa: S608


def _equity(_: dict[str, str]) -> str:
    return f"""
select
    e.geography_id, e.fiscal_year, e.level, g.region_name, g.province_name, g.municipality_name, e.ppa_count,
    e.spending, e.population_total, e.obc_population, e.spending_per_capita_total, e.spending_per_capita_obc,
    e.unmet_need_cost, e.high_priority_unfunded_count, e.allocation_share, e.need_share, e.allocation_need_ratio,
    e.spending_prev_year, e.spending_yoy_change, e.spending_yoy_pct
from fct_equity as e
left join dim_geography as g using (geography_id)
where {sql.where(fiscal_year="e.fiscal_year", moa=None, sector=None, region="e.region_id", province="e.province_id")}
  and {_LEVEL.format(column="e.level")}
"""  # noqa: S608


def _equity_summary(_: dict[str, str]) -> str:
    return f"""
select
    fiscal_year, level, denominator, n_areas, n_areas_without_population, n_areas_zero_spending, total_spending,
    total_population, mean_per_capita, max_min_ratio, coefficient_of_variation, williamson_index, gini_weighted,
    gini_unweighted, theil_t, theil_t_between, theil_t_within, theil_l, theil_l_between, theil_l_within,
    concentration_index
from rpt_equity_summary
where {sql.where(moa=None, sector=None)}
  and {_LEVEL.format(column="level")}
"""  # noqa: S608


def _policies(_: dict[str, str]) -> str:
    return """
select
    policy_recommendation_id, reference_number, title, status, priority, importance, urgency, priority_category,
    implementing_ppa_count, implementing_budget, average_progress, estimated_cost, funding_gap
from fct_policy_budget
"""


def _policy_budget(_: dict[str, str]) -> str:
    return f"""
select
    m.policy_recommendation_id, p.reference_number, p.title, m.moa_acronym, m.moa_name, m.fiscal_year,
    m.implementing_ppa_count, m.implementing_budget, m.ppa_ids
from fct_policy_moa_budget as m
left join fct_policy_budget as p using (policy_recommendation_id)
where {sql.where(fiscal_year="m.fiscal_year", moa="m.moa_acronym", sector=None)}
"""  # noqa: S608


def _scenarios(_: dict[str, str]) -> str:
    return f"""
select
    scenario_id, version, scenario_name, fiscal_year, scenario_status, dimension, key, key_label, ppa_count,
    funded_ppa_count, allocated_amount, baseline_amount, delta_vs_baseline, allocated_share, baseline_share,
    population_total, allocated_per_capita, projected_beneficiaries, is_valid, problems, envelope, unallocated,
    hard_ceilings_at_limit, soft_ceilings_exceeded, soft_ceilings_warning, needs_covered
from fct_scenario_comparison
where {sql.where(moa=None, sector=None)}
  and (len($dimension::varchar) = 0 or dimension = $dimension)
  and ($scenario_id::bigint is null or scenario_id = $scenario_id::bigint)
"""  # noqa: S608


def _areas(_: dict[str, str]) -> str:
    return """
select geography_id, level, region_id, region_code, region_name, province_id, province_name, population_total,
    obc_population, obc_community_count
from dim_geography
where level in ('region', 'province')
"""


def _freshness(_: dict[str, str]) -> str:
    return """
select source_name, table_count, tables_with_rows, rows_live, rows_deleted, last_loaded_at, newest_updated_at,
    checked_at, age_hours, status
from rpt_source_freshness
"""


# ------------------------------------------------------------------------------------------ columns
def _from(mart: str, names: str, prefix_map: dict[str, str] | None = None) -> tuple[Column, ...]:
    """Columns passed through: each name from ``mart`` unless ``prefix_map`` names another mart for it."""
    chosen = prefix_map or {}
    return tuple(col(f"{chosen.get(n, mart)}.{n}") for n in names.split())


_MONEY_SUM = "decimal(38,2)"
_ANNUAL_COLUMNS = (
    col("rpt_executive_summary.fiscal_year"),
    computed(
        "key",
        "varchar",
        "The group: MOA acronym ('UNASSIGNED' for PPAs without one), sector or funding "
        "source code ('unspecified' when blank), as `by` says.",
    ),
    computed("label", "varchar", "What to show for the key: the MOA's name; the sector or funding source code."),
    computed("ppa_count", "bigint", "PPAs in the group (every category, with a fiscal year)."),
    computed("budget_allocation", _MONEY_SUM, "Σ approved budget (PHP)."),
    computed("budget_obc_allocation", _MONEY_SUM, "Σ OBC-specific share of the budget (PHP)."),
    computed("allocations", _MONEY_SUM, "Σ allocation tranches of the funding ledger, the released allotment (PHP)."),
    computed("obligations", _MONEY_SUM, "Σ obligation tranches (PHP)."),
    computed("disbursements", _MONEY_SUM, "Σ disbursement tranches (PHP)."),
)

_GEO_COLUMNS = ("region_name", "province_name", "municipality_name")
_DIM_PPA_NAMES = dict.fromkeys(
    ("moa_name", "funding_source", "appropriation_class", "status", "progress", *_GEO_COLUMNS), "dim_ppa"
)
_GEO_NAMES = dict.fromkeys(_GEO_COLUMNS, "dim_geography")

# ----------------------------------------------------------------------------------------- registry
LEVEL = Choice("level", "Only areas of this level.", ("region", "province", "municipality"))

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        path="/ppas",
        operation_id="listPpas",
        summary="PPAs with their budget execution",
        description="One row per PPA (programme, project, activity): approved budget, allotment, obligations, "
        "disbursements, execution rates (percent, 4 decimals; null when the denominator is 0) and cost per "
        "beneficiary, from fct_ppa_budget, with names and coverage area from dim_ppa. Ordered by ppa_id.",
        role="reader",
        marts=("fct_ppa_budget", "dim_ppa"),
        filters=FILTERS,
        columns=_from(
            "fct_ppa_budget",
            "ppa_id title category ppa_source fiscal_year moa_acronym moa_name sector funding_source "
            "appropriation_class status progress geography_id region_name province_name municipality_name "
            "budget_allocation allotment obligations disbursements adjustments allotment_release_rate "
            "obligation_rate_vs_allotment obligation_rate_vs_budget disbursement_rate_vs_obligations "
            "disbursement_rate_vs_budget unobligated_allotment unpaid_obligations beneficiaries cost_per_beneficiary",
            _DIM_PPA_NAMES,
        ),
        statement=_ppas,
        order_by="ppa_id",
    ),
    Endpoint(
        path="/budget/annual",
        operation_id="annualBudget",
        summary="Annual budget and execution by MOA, sector or funding source",
        description="One row per fiscal year and group (`by`): PPA count, approved budget, OBC share, allocations, "
        "obligations and disbursements. By MOA and by sector these are sums of rpt_executive_summary (the figures "
        "of the dashboards' overview); by funding source, sums of fct_ppa_budget over the PPAs with a fiscal year. "
        "Rates are not repeated: divide the amounts (obligations / allocations, disbursements / obligations). "
        "Ordered by fiscal year, then key.",
        role="reader",
        marts=("rpt_executive_summary", "fct_ppa_budget", "dim_ppa"),
        filters=FILTERS,
        columns=_ANNUAL_COLUMNS,
        statement=_annual,
        order_by="fiscal_year, key",
        choices=(Choice("by", "How to group each fiscal year.", ("moa", "sector", "funding_source"), required=True),),
    ),
    Endpoint(
        path="/ceilings",
        operation_id="listCeilings",
        summary="Budget ceilings against their allocations",
        description="One row per budget ceiling (fct_ceiling_monitor): the ceiling, what the PPAs under it are "
        "allocated, the remaining headroom, utilization (a fraction), status (ok, warning, exceeded, unmapped) and "
        "enforcement (hard or soft). `sector` matches the PPA sector the ceiling maps to ('unspecified': ceilings "
        "for any sector). Ceilings have no MOA and no area. Ordered by fiscal year, source table, ceiling id.",
        role="reader",
        marts=("fct_ceiling_monitor",),
        filters=("fiscal_year", "sector"),
        columns=_from(
            "fct_ceiling_monitor",
            "ceiling_id source_table ceiling_name fiscal_year sector_stated sector_mapped funding_source_stated "
            "funding_source_mapped ceiling_amount allocated_amount remaining_amount utilization warning_threshold "
            "status enforcement_level is_active ppa_count",
        ),
        statement=_ceilings,
        order_by="fiscal_year, source_table, ceiling_id",
    ),
    Endpoint(
        path="/needs-gap",
        operation_id="needsGapByArea",
        summary="Community needs gap by area and sector",
        description="One row per area (region, province, municipality) and need sector (rpt_gap_by_area): needs, "
        "funded needs, coverage, high-priority unfunded needs and their cost, unmet cost. Needs carry no fiscal "
        "year and no MOA. `sector` is the need category's sector ('unassigned' without a category). Ordered by "
        "geography_id, sector.",
        role="analyst",
        marts=("rpt_gap_by_area", "dim_geography"),
        filters=("sector", "area"),
        columns=_from(
            "rpt_gap_by_area",
            "geography_id level region_name province_name municipality_name sector needs_count funded_needs_count "
            "need_coverage high_priority_needs_count high_priority_unfunded_count high_priority_unfunded_cost "
            "high_priority_unfunded_affected_population affected_population estimated_cost funding_amount "
            "unmet_cost priority_weighted_unmet_need",
            _GEO_NAMES,
        ),
        statement=_needs_gap,
        order_by="geography_id, sector",
        choices=(LEVEL,),
    ),
    Endpoint(
        path="/equity",
        operation_id="equityByArea",
        summary="Spending equity by area",
        description="One row per area and fiscal year (fct_equity): PPA spending in the area, populations, spending "
        "per person (total and OBC population), unmet need, allocation share vs need share, year-over-year change. "
        "Ordered by fiscal year, geography_id.",
        role="analyst",
        marts=("fct_equity", "dim_geography"),
        filters=("fiscal_year", "area"),
        columns=_from(
            "fct_equity",
            "geography_id fiscal_year level region_name province_name municipality_name ppa_count spending "
            "population_total obc_population spending_per_capita_total spending_per_capita_obc unmet_need_cost "
            "high_priority_unfunded_count allocation_share need_share allocation_need_ratio spending_prev_year "
            "spending_yoy_change spending_yoy_pct",
            _GEO_NAMES,
        ),
        statement=_equity,
        order_by="fiscal_year, geography_id",
        choices=(LEVEL,),
    ),
    Endpoint(
        path="/equity/summary",
        operation_id="equitySummary",
        summary="Equity indices (Gini, Williamson, Theil, concentration)",
        description="One row per fiscal year, area level and population denominator (rpt_equity_summary): how evenly "
        "spending per person is spread over the areas. Ordered by fiscal year, level, denominator.",
        role="analyst",
        marts=("rpt_equity_summary",),
        filters=("fiscal_year",),
        columns=_from(
            "rpt_equity_summary",
            "fiscal_year level denominator n_areas n_areas_without_population n_areas_zero_spending total_spending "
            "total_population mean_per_capita max_min_ratio coefficient_of_variation williamson_index gini_weighted "
            "gini_unweighted theil_t theil_t_between theil_t_within theil_l theil_l_between theil_l_within "
            "concentration_index",
        ),
        statement=_equity_summary,
        order_by="fiscal_year, level, denominator",
        choices=(LEVEL,),
    ),
    Endpoint(
        path="/policies",
        operation_id="listPolicies",
        summary="Policy implementation status",
        description="One row per policy recommendation (fct_policy_budget): status, priority, the PPAs implementing "
        "it, their budget and average progress, estimated cost and funding gap. Policies carry no fiscal year, MOA "
        "or area (see /policies/budget). Ordered by policy_recommendation_id.",
        role="reader",
        marts=("fct_policy_budget",),
        filters=(),
        columns=_from(
            "fct_policy_budget",
            "policy_recommendation_id reference_number title status priority importance urgency priority_category "
            "implementing_ppa_count implementing_budget average_progress estimated_cost funding_gap",
        ),
        statement=_policies,
        order_by="policy_recommendation_id",
    ),
    Endpoint(
        path="/policies/budget",
        operation_id="policyBudgetByMoa",
        summary="Policy budget by MOA and fiscal year",
        description="One row per policy × MOA × fiscal year (fct_policy_moa_budget): the implementing PPAs of that "
        "MOA and year, their count, total budget and ids. Ordered by policy, fiscal year, MOA.",
        role="reader",
        marts=("fct_policy_moa_budget", "fct_policy_budget"),
        filters=("fiscal_year", "moa"),
        columns=_from(
            "fct_policy_moa_budget",
            "policy_recommendation_id reference_number title moa_acronym moa_name fiscal_year "
            "implementing_ppa_count implementing_budget ppa_ids",
            {"reference_number": "fct_policy_budget", "title": "fct_policy_budget"},
        ),
        statement=_policy_budget,
        order_by="policy_recommendation_id, fiscal_year nulls last, moa_acronym nulls last",
    ),
    Endpoint(
        path="/scenarios/comparison",
        operation_id="scenarioComparison",
        summary="Saved budget scenarios against the baseline",
        description="Every saved scenario (its latest version, recomputed at the last refresh) against the approved "
        "budget (fct_scenario_comparison): one row per scenario × dimension (sector, area, moa) × key, plus one "
        "'total' row per scenario with its totals. Drafts included. Ordered by scenario, dimension, key.",
        role="analyst",
        marts=("fct_scenario_comparison",),
        filters=("fiscal_year",),
        columns=_from(
            "fct_scenario_comparison",
            "scenario_id version scenario_name fiscal_year scenario_status dimension key key_label ppa_count "
            "funded_ppa_count allocated_amount baseline_amount delta_vs_baseline allocated_share baseline_share "
            "population_total allocated_per_capita projected_beneficiaries is_valid problems envelope unallocated "
            "hard_ceilings_at_limit soft_ceilings_exceeded soft_ceilings_warning needs_covered",
        ),
        statement=_scenarios,
        order_by="scenario_id, version, dimension, key",
        choices=(
            Choice("dimension", "Only rows of this dimension.", ("sector", "area", "moa", "total")),
            Choice("scenario_id", "Only this saved scenario.", integer=True),
        ),
    ),
    Endpoint(
        path="/areas",
        operation_id="listAreas",
        summary="Areas (regions and provinces) and their filter keys",
        description="The regions and provinces (dim_geography) with the key the `area` filter takes "
        "(geography_id: region:<id> or province:<id>) and their populations. Ordered by geography_id.",
        role="reader",
        marts=("dim_geography",),
        filters=(),
        columns=_from(
            "dim_geography",
            "geography_id level region_id region_code region_name province_id province_name population_total "
            "obc_population obc_community_count",
        ),
        statement=_areas,
        order_by="geography_id",
    ),
    Endpoint(
        path="/freshness",
        operation_id="freshness",
        summary="When the data was published and loaded",
        description="The envelope's published_at and warehouse say which published warehouse answered and when it "
        "was published; the rows say, per source (rpt_source_freshness), when it was last loaded and how fresh "
        "it is. Ordered by source.",
        role="reader",
        marts=("rpt_source_freshness",),
        filters=(),
        columns=_from(
            "rpt_source_freshness",
            "source_name table_count tables_with_rows rows_live rows_deleted last_loaded_at newest_updated_at "
            "checked_at age_hours status",
        ),
        statement=_freshness,
        order_by="source_name",
    ),
)

BY_PATH = {e.path: e for e in ENDPOINTS}


def marts_read() -> set[str]:
    """Every mart some endpoint reads."""
    return {m for e in ENDPOINTS for m in e.marts}
