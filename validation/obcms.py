"""Pandera contracts for the OBCMS tables, at the ingest boundary.

Each contract is derived from the table's SQLAlchemy definition in ``ingest.obcms_schema`` (column types and
nullability: what the OBCMS database itself guarantees) plus the rules below (choice lists, ranges and the
check constraints OBCMS declares). A row that breaks any of them is not loaded; it goes to the rejects table
with the column, the check and the value. Key uniqueness is checked after loading, across all batches
(see ``ingest.obcms``).

The contracts are strict: an extra column in the frame is an error, because the frame is built from the
registry and anything else means the registry and the contract disagree.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from ingest import obcms_choices as ch
from ingest.obcms_schema import SOURCE_BY_NAME, SourceTable
from ingest.warehouse import polars_type

BLANK = ("",)

# (table, column) -> allowed values. Blank is listed where the Django field is blank=True.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("common_municipality", "municipality_type"): ch.MUNICIPALITY_TYPE,
    ("coordination_organization", "organization_type"): ch.ORGANIZATION_TYPE,
    ("coordination_organization", "partnership_level"): ch.PARTNERSHIP_LEVEL,
    ("coordination_organization", "partnership_status"): ch.PARTNERSHIP_STATUS,
    ("communities_obc_community", "settlement_type"): ch.SETTLEMENT_TYPE + BLANK,
    ("communities_obc_community", "proximity_to_barmm"): ch.PROXIMITY_TO_BARMM + BLANK,
    ("communities_obc_community", "primary_ethnolinguistic_group"): ch.ETHNOLINGUISTIC_GROUP + BLANK,
    ("communities_obc_community", "estimated_poverty_incidence"): ch.POVERTY_INCIDENCE + BLANK,
    ("mana_assessment", "assessment_level"): ch.ASSESSMENT_LEVEL,
    ("mana_assessment", "primary_methodology"): ch.ASSESSMENT_METHODOLOGY,
    ("mana_assessment", "status"): ch.ASSESSMENT_STATUS,
    ("mana_assessment", "priority"): ch.ASSESSMENT_PRIORITY,
    ("mana_needscategory", "sector"): ch.NEEDS_CATEGORY_SECTOR,
    ("monitoring_monitoringentry", "category"): ch.PPA_CATEGORY,
    ("monitoring_monitoringentry", "status"): ch.PPA_STATUS,
    ("monitoring_monitoringentry", "request_status"): ch.PPA_REQUEST_STATUS + BLANK,
    ("monitoring_monitoringentry", "priority"): ch.PPA_PRIORITY,
    ("monitoring_monitoringentry", "approval_status"): ch.PPA_APPROVAL_STATUS,
    ("monitoring_monitoringentry", "request_source"): ch.PPA_REQUEST_SOURCE + BLANK,
    ("monitoring_monitoringentry", "sector"): ch.PPA_SECTOR + BLANK,
    ("monitoring_monitoringentry", "appropriation_class"): ch.APPROPRIATION_CLASS + BLANK,
    ("monitoring_monitoringentry", "funding_source"): ch.FUNDING_SOURCE + BLANK,
    ("monitoring_monitoringentry", "budget_distribution_policy"): ch.BUDGET_DISTRIBUTION_POLICY + BLANK,
    ("monitoring_monitoringentry", "cost_effectiveness_rating"): ch.COST_EFFECTIVENESS_RATING + BLANK,
    ("monitoring_monitoringentryfunding", "tranche_type"): ch.TRANCHE_TYPE,
    ("monitoring_monitoringentryfunding", "funding_source"): ch.FUNDING_SOURCE + BLANK,
    ("mana_need", "urgency_level"): ch.NEED_URGENCY,
    ("mana_need", "feasibility"): ch.NEED_FEASIBILITY,
    ("mana_need", "status"): ch.NEED_STATUS,
    ("mana_need", "submission_type"): ch.NEED_SUBMISSION_TYPE,
    ("policy_tracking_policyrecommendation", "category"): ch.POLICY_CATEGORY,
    ("policy_tracking_policyrecommendation", "scope"): ch.POLICY_SCOPE,
    ("policy_tracking_policyrecommendation", "status"): ch.POLICY_STATUS,
    ("policy_tracking_policyrecommendation", "priority"): ch.POLICY_PRIORITY,
    ("policy_tracking_policyrecommendation", "recommendation_type"): ch.POLICY_RECOMMENDATION_TYPE,
    ("policy_tracking_policyrecommendation", "importance"): ch.POLICY_IMPORTANCE,
    ("policy_tracking_policyrecommendation", "urgency"): ch.POLICY_URGENCY,
    ("policy_tracking_policyrecommendation", "core_recommendation_type"): ch.POLICY_CORE_TYPE,
    ("monitoring_outcomeindicator", "category"): ch.OUTCOME_INDICATOR_CATEGORY,
    ("common_work_item", "work_type"): ch.WORK_TYPE,
    ("common_work_item", "status"): ch.WORK_STATUS,
    ("common_work_item", "priority"): ch.WORK_PRIORITY,
    ("monitoring_strategicgoal", "sector"): ch.STRATEGIC_GOAL_SECTOR,
    ("monitoring_strategicgoal", "priority_level"): ch.STRATEGIC_GOAL_PRIORITY,
    ("monitoring_strategicgoal", "status"): ch.STRATEGIC_GOAL_STATUS,
    ("monitoring_annualplanningcycle", "status"): ch.PLANNING_CYCLE_STATUS,
    ("monitoring_budgetscenario", "scenario_type"): ch.SCENARIO_TYPE,
    ("monitoring_budgetscenario", "status"): ch.SCENARIO_STATUS,
    ("monitoring_scenarioallocation", "status"): ch.SCENARIO_ALLOCATION_STATUS,
    ("project_central_budgetceiling", "sector"): ch.CEILING_SECTOR + BLANK,
    ("project_central_budgetceiling", "funding_source"): ch.CEILING_FUNDING_SOURCE + BLANK,
    ("project_central_budgetceiling", "enforcement_level"): ch.CEILING_ENFORCEMENT,
}

# Money that can never be negative. Ledger amounts (monitoring_monitoringentryfunding.amount) are not listed:
# OBCMS does not constrain their sign and adjustments are legitimately negative.
NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "monitoring_monitoringentry": (
        "budget_ceiling",
        "budget_allocation",
        "budget_obc_allocation",
        "estimated_total_amount",
        "cost_per_beneficiary",
        "total_slots",
        "obc_slots",
        "beneficiary_individuals_total",
        "beneficiary_organizations_total",
    ),
    "common_work_item": ("allocated_budget", "actual_expenditure"),
    "mana_need": ("estimated_cost", "affected_population", "affected_households", "community_votes"),
    "common_province": ("population_total",),
    "common_municipality": ("population_total",),
    "common_barangay": ("population_total",),
    "communities_obc_community": ("estimated_obc_population", "total_barangay_population", "households", "families"),
    "policy_tracking_policyrecommendation": ("estimated_cost",),
    "monitoring_ceilingmanagement": ("ceiling_amount",),
    "project_central_budgetceiling": ("ceiling_amount",),
    "monitoring_annualplanningcycle": ("total_budget_envelope",),
    "monitoring_budgetscenario": ("total_budget",),
    "monitoring_scenarioallocation": ("allocated_amount",),
}

RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("monitoring_monitoringentry", "progress"): (0, 100),
    ("monitoring_monitoringentry", "fiscal_year"): (2000, 2100),
    ("monitoring_monitoringentry", "plan_year"): (2000, 2100),
    ("common_work_item", "progress"): (0, 100),
    ("common_work_item", "level"): (0, 10),
    ("mana_need", "impact_severity"): (1, 5),
    ("mana_needvote", "vote_weight"): (1, 5),
    ("mana_needscategory", "weight_factor"): (0, 9.99),
    ("mana_assessment", "progress_percentage"): (0, 100),
    ("monitoring_strategicgoal", "progress_percentage"): (0, 100),
    ("monitoring_strategicgoal", "start_year"): (2000, 2100),
    ("monitoring_strategicgoal", "target_year"): (2000, 2100),
    ("monitoring_annualplanningcycle", "fiscal_year"): (2000, 2100),
    ("monitoring_ceilingmanagement", "fiscal_year"): (2000, 2100),
    ("monitoring_ceilingmanagement", "threshold_warning"): (0, 1),
    ("project_central_budgetceiling", "fiscal_year"): (2000, 2100),
}


def _pair_rule(name: str, expr: pl.Expr, description: str) -> tuple[str, pl.Expr, str]:
    """A row-wise rule between columns; rows where ``expr`` is false are rejected (null means 'not applicable')."""
    return name, expr, description


_c = pl.col
# OBCMS's own database check constraints (obcms_schema.md §1.1), each applied only when both values are present.
ROW_RULES: dict[str, tuple[tuple[str, pl.Expr, str], ...]] = {
    "monitoring_monitoringentry": (
        _pair_rule(
            "allocation_within_ceiling",
            _c("budget_allocation") <= _c("budget_ceiling"),
            "budget_allocation exceeds budget_ceiling",
        ),
        _pair_rule(
            "obc_allocation_within_allocation",
            _c("budget_obc_allocation") <= _c("budget_allocation"),
            "budget_obc_allocation exceeds budget_allocation",
        ),
        _pair_rule("obc_slots_within_total", _c("obc_slots") <= _c("total_slots"), "obc_slots exceeds total_slots"),
        _pair_rule("end_after_start", _c("target_end_date") >= _c("start_date"), "target_end_date before start_date"),
    ),
    "common_work_item": (_pair_rule("nested_set_order", _c("lft") < _c("rght"), "MPTT lft is not below rght"),),
    "monitoring_strategicgoal": (
        _pair_rule("target_after_start", _c("target_year") >= _c("start_year"), "target_year before start_year"),
    ),
}


def _row_check(name: str, expr: pl.Expr, description: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(expr.fill_null(True).alias("ok"))

    return pa.Check(check, name=name, error=description)


def _column(src: SourceTable, col) -> pa.Column:
    table = src.name
    checks: list[pa.Check] = []
    if (table, col.name) in CHOICES:
        checks.append(pa.Check.isin(list(CHOICES[table, col.name])))
    if col.name in NON_NEGATIVE.get(table, ()):
        checks.append(pa.Check.ge(0))
    if (table, col.name) in RANGES:
        lo, hi = RANGES[table, col.name]
        checks.append(pa.Check.in_range(lo, hi))
    nullable = bool(col.nullable) and not col.primary_key
    return pa.Column(polars_type(col), checks=checks, nullable=nullable, coerce=False)


@cache
def contract(table: str) -> pa.DataFrameSchema:
    """The pandera contract for one OBCMS table, as loaded (PII columns excluded)."""
    src = SOURCE_BY_NAME[table]
    columns = {str(c.name): _column(src, c) for c in src.columns}
    checks = [_row_check(*rule) for rule in ROW_RULES.get(table, ())]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, name=table)


def contracted_tables() -> list[str]:
    return list(SOURCE_BY_NAME)
