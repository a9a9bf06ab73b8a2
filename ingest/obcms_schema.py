"""The OBCMS operational tables the warehouse reads, with their real names and columns.

This module is the single contract between the OBCMS database and the warehouse:

* the demo generator creates exactly these tables (``metadata.create_all``) in SQLite or PostgreSQL;
* the OBCMS ingest selects exactly these columns (minus the PII ones) from a real OBCMS database;
* the pandera contracts in ``validation/`` and the dbt sources in ``dbt_project/`` cover the same set
  of tables (tests check that the three agree).

Names follow Django's defaults and the overrides listed in ``obcms_schema.md`` (``common_work_item``,
``communities_obc_community``...). Types follow what Django creates: UUID keys (``CHAR(32)`` on SQLite,
``uuid`` on PostgreSQL), ``BigAutoField`` keys, ``DecimalField(14,2)`` money on PPAs and work items,
``(15,2)`` on needs, policies, scenarios and ceilings, JSON fields as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

metadata = sa.MetaData()

MONEY = sa.Numeric(14, 2)
MONEY15 = sa.Numeric(15, 2)


def _uuid_pk() -> sa.Column:
    return sa.Column("id", sa.Uuid(as_uuid=False), primary_key=True)


def _big_pk() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True)


def _fk_big(name: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(target), nullable=nullable)


def _fk_uuid(name: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Uuid(as_uuid=False), sa.ForeignKey(target), nullable=nullable)


def _audit() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _m2m(
    table: str, left: str, left_target: str, right: str, right_target: str, uuid_left: bool, uuid_right: bool
) -> sa.Table:
    left_col = _fk_uuid(left, left_target, False) if uuid_left else _fk_big(left, left_target, False)
    right_col = _fk_uuid(right, right_target, False) if uuid_right else _fk_big(right, right_target, False)
    return sa.Table(
        table,
        metadata,
        _big_pk(),
        left_col,
        right_col,
        sa.UniqueConstraint(left, right),
    )


# --------------------------------------------------------------------------------------- geography
common_region = sa.Table(
    "common_region",
    metadata,
    _big_pk(),
    sa.Column("code", sa.String(10), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("center_coordinates", sa.JSON),
    *_audit(),
)

common_province = sa.Table(
    "common_province",
    metadata,
    _big_pk(),
    _fk_big("region_id", "common_region.id", False),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("capital", sa.String(100), nullable=False, default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("population_total", sa.Integer),
    sa.Column("center_coordinates", sa.JSON),
    *_audit(),
)

common_municipality = sa.Table(
    "common_municipality",
    metadata,
    _big_pk(),
    _fk_big("province_id", "common_province.id", False),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("municipality_type", sa.String(20), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("population_total", sa.Integer),
    sa.Column("center_coordinates", sa.JSON),
    *_audit(),
)

common_barangay = sa.Table(
    "common_barangay",
    metadata,
    _big_pk(),
    _fk_big("municipality_id", "common_municipality.id", False),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("is_urban", sa.Boolean, nullable=False, default=False),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("population_total", sa.Integer),
    *_audit(),
)

# ------------------------------------------------------------------------------------ organisations
coordination_organization = sa.Table(
    "coordination_organization",
    metadata,
    _uuid_pk(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("acronym", sa.String(50), nullable=False, default=""),
    sa.Column("organization_type", sa.String(20), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("mandate", sa.Text, nullable=False, default=""),
    sa.Column("partnership_level", sa.String(20), nullable=False, default="implementing"),
    sa.Column("partnership_status", sa.String(20), nullable=False, default="active"),
    _fk_big("region_id", "common_region.id"),
    sa.Column("annual_budget", MONEY15),
    sa.Column("focal_person", sa.String(255), nullable=False, default=""),
    sa.Column("email", sa.String(254), nullable=False, default=""),
    sa.Column("phone", sa.String(50), nullable=False, default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_priority", sa.Boolean, nullable=False, default=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    *_audit(),
)

# -------------------------------------------------------------------------------------- communities
communities_obc_community = sa.Table(
    "communities_obc_community",
    metadata,
    _big_pk(),
    _fk_big("barangay_id", "common_barangay.id", False),
    sa.Column("obc_id", sa.String(50), nullable=False, default=""),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("settlement_type", sa.String(20), nullable=False, default="village"),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("proximity_to_barmm", sa.String(20), nullable=False, default=""),
    sa.Column("estimated_obc_population", sa.Integer),
    sa.Column("total_barangay_population", sa.Integer),
    sa.Column("households", sa.Integer),
    sa.Column("families", sa.Integer),
    sa.Column("primary_ethnolinguistic_group", sa.String(30), nullable=False, default=""),
    sa.Column("estimated_poverty_incidence", sa.String(20), nullable=False, default="unknown"),
    sa.Column("women_count", sa.Integer),
    sa.Column("pwd_count", sa.Integer),
    sa.Column("youth_15_30", sa.Integer),
    sa.Column("community_leader", sa.String(255), nullable=False, default=""),
    sa.Column("contact_number", sa.String(50), nullable=False, default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    *_audit(),
)

# --------------------------------------------------------------------------------------------- MANA
mana_assessment = sa.Table(
    "mana_assessment",
    metadata,
    _uuid_pk(),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("assessment_level", sa.String(20), nullable=False),
    sa.Column("primary_methodology", sa.String(20), nullable=False),
    _fk_big("region_id", "common_region.id"),
    _fk_big("province_id", "common_province.id"),
    _fk_big("municipality_id", "common_municipality.id"),
    _fk_big("barangay_id", "common_barangay.id"),
    _fk_big("community_id", "communities_obc_community.id"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("planned_start_date", sa.Date),
    sa.Column("planned_end_date", sa.Date, nullable=False),
    sa.Column("actual_start_date", sa.Date),
    sa.Column("actual_end_date", sa.Date),
    sa.Column("estimated_budget", sa.Numeric(12, 2)),
    sa.Column("actual_budget", sa.Numeric(12, 2)),
    sa.Column("progress_percentage", sa.Integer, nullable=False, default=0),
    *_audit(),
)

mana_needscategory = sa.Table(
    "mana_needscategory",
    metadata,
    _big_pk(),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("sector", sa.String(30), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("weight_factor", sa.Numeric(3, 2), nullable=False, default=1),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
)

# monitoring_monitoringentry is declared before mana_need because Need.linked_ppa points to it.
monitoring_monitoringentry = sa.Table(
    "monitoring_monitoringentry",
    metadata,
    _uuid_pk(),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="planning"),
    sa.Column("request_status", sa.String(20), nullable=False, default=""),
    sa.Column("priority", sa.String(10), nullable=False, default="medium"),
    sa.Column("progress", sa.Integer, nullable=False, default=0),
    sa.Column("approval_status", sa.String(30), nullable=False, default="draft"),
    sa.Column("last_status_update", sa.Date),
    sa.Column("request_source", sa.String(32), nullable=False, default=""),
    sa.Column("requester_name", sa.String(255), nullable=False, default=""),
    sa.Column("requester_position", sa.String(255), nullable=False, default=""),
    sa.Column("requester_affiliation", sa.String(255), nullable=False, default=""),
    sa.Column("requester_contact_number", sa.String(50), nullable=False, default=""),
    sa.Column("requester_alternate_contact_number", sa.String(50), nullable=False, default=""),
    sa.Column("requester_email", sa.String(254), nullable=False, default=""),
    sa.Column("is_disaster_related", sa.Boolean, nullable=False, default=False),
    sa.Column("estimated_total_amount", MONEY),
    _fk_uuid("lead_organization_id", "coordination_organization.id"),
    _fk_uuid("implementing_moa_id", "coordination_organization.id"),
    _fk_uuid("submitted_to_organization_id", "coordination_organization.id"),
    _fk_big("submitted_by_community_id", "communities_obc_community.id"),
    sa.Column("oobc_unit", sa.String(255), nullable=False, default=""),
    _fk_big("coverage_region_id", "common_region.id"),
    _fk_big("coverage_province_id", "common_province.id"),
    _fk_big("coverage_municipality_id", "common_municipality.id"),
    _fk_big("coverage_barangay_id", "common_barangay.id"),
    _fk_uuid("related_assessment_id", "mana_assessment.id"),
    sa.Column("plan_year", sa.Integer),
    sa.Column("fiscal_year", sa.Integer),
    sa.Column("sector", sa.String(32), nullable=False, default=""),
    sa.Column("appropriation_class", sa.String(8), nullable=False, default=""),
    sa.Column("funding_source", sa.String(32), nullable=False, default=""),
    sa.Column("funding_source_other", sa.String(255), nullable=False, default=""),
    sa.Column("program_code", sa.String(100), nullable=False, default=""),
    sa.Column("plan_reference", sa.String(255), nullable=False, default=""),
    sa.Column("budget_ceiling", MONEY),
    sa.Column("budget_allocation", MONEY),
    sa.Column("budget_obc_allocation", MONEY),
    sa.Column("budget_currency", sa.String(10), nullable=False, default="PHP"),
    sa.Column("budget_distribution_policy", sa.String(20), nullable=False, default=""),
    sa.Column("goal_alignment", sa.JSON),
    sa.Column("moral_governance_pillar", sa.String(100), nullable=False, default=""),
    sa.Column("compliance_gad", sa.Boolean, nullable=False, default=False),
    sa.Column("compliance_ccet", sa.Boolean, nullable=False, default=False),
    sa.Column("benefits_indigenous_peoples", sa.Boolean, nullable=False, default=False),
    sa.Column("supports_peace_agenda", sa.Boolean, nullable=False, default=False),
    sa.Column("supports_sdg", sa.Boolean, nullable=False, default=False),
    sa.Column("total_slots", sa.Integer),
    sa.Column("obc_slots", sa.Integer),
    sa.Column("beneficiary_individuals_total", sa.Integer),
    sa.Column("beneficiary_organizations_total", sa.Integer),
    sa.Column("cost_per_beneficiary", MONEY),
    sa.Column("cost_effectiveness_rating", sa.String(12), nullable=False, default=""),
    sa.Column("outcome_framework", sa.JSON),
    sa.Column("start_date", sa.Date),
    sa.Column("target_end_date", sa.Date),
    sa.Column("actual_end_date", sa.Date),
    sa.Column("next_milestone_date", sa.Date),
    sa.Column("execution_project_id", sa.Uuid(as_uuid=False)),
    sa.Column("enable_workitem_tracking", sa.Boolean, nullable=False, default=False),
    sa.Column("auto_sync_progress", sa.Boolean, nullable=False, default=True),
    sa.Column("auto_sync_status", sa.Boolean, nullable=False, default=True),
    *_audit(),
    sa.CheckConstraint("progress >= 0 AND progress <= 100", name="monitoring_entry_progress_range"),
)

mana_need = sa.Table(
    "mana_need",
    metadata,
    _big_pk(),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    _fk_big("category_id", "mana_needscategory.id", False),
    _fk_uuid("assessment_id", "mana_assessment.id"),
    _fk_big("community_id", "communities_obc_community.id", False),
    sa.Column("affected_population", sa.Integer, nullable=False),
    sa.Column("affected_households", sa.Integer),
    sa.Column("urgency_level", sa.String(20), nullable=False),
    sa.Column("impact_severity", sa.Integer, nullable=False),
    sa.Column("feasibility", sa.String(20), nullable=False),
    sa.Column("estimated_cost", MONEY15),
    sa.Column("status", sa.String(20), nullable=False, default="identified"),
    sa.Column("priority_score", sa.Numeric(5, 2)),
    sa.Column("priority_rank", sa.Integer),
    sa.Column("submission_type", sa.String(30), nullable=False, default="assessment_driven"),
    sa.Column("submission_date", sa.Date),
    sa.Column("community_votes", sa.Integer, nullable=False, default=0),
    _fk_uuid("forwarded_to_mao_id", "coordination_organization.id"),
    sa.Column("forwarded_date", sa.Date),
    _fk_uuid("linked_ppa_id", "monitoring_monitoringentry.id"),
    sa.Column("budget_inclusion_date", sa.Date),
    sa.Column("is_validated", sa.Boolean, nullable=False, default=False),
    *_audit(),
)

mana_needvote = sa.Table(
    "mana_needvote",
    metadata,
    _uuid_pk(),
    _fk_big("need_id", "mana_need.id", False),
    sa.Column("user_id", sa.BigInteger, nullable=False),
    sa.Column("vote_weight", sa.Integer, nullable=False, default=1),
    sa.Column("comment", sa.Text, nullable=False, default=""),
    _fk_big("voter_community_id", "communities_obc_community.id"),
    sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ip_address", sa.String(45)),
    sa.UniqueConstraint("need_id", "user_id"),
)

# --------------------------------------------------------------------------------------- policies
policy_tracking_policyrecommendation = sa.Table(
    "policy_tracking_policyrecommendation",
    metadata,
    _uuid_pk(),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("reference_number", sa.String(50), nullable=False, unique=True),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("submission_date", sa.Date),
    sa.Column("approval_date", sa.Date),
    sa.Column("implementation_start_date", sa.Date),
    sa.Column("implementation_deadline", sa.Date),
    sa.Column("estimated_cost", MONEY15),
    sa.Column("funding_source", sa.String(255), nullable=False, default=""),
    sa.Column("recommendation_type", sa.String(20), nullable=False),
    sa.Column("importance", sa.String(10), nullable=False),
    sa.Column("urgency", sa.String(10), nullable=False),
    sa.Column("core_recommendation_type", sa.String(40), nullable=False, default="other"),
    _fk_big("target_region_id", "common_region.id"),
    _fk_big("target_province_id", "common_province.id"),
    *_audit(),
)

# ------------------------------------------------------------------------------- PPA funding & links
monitoring_monitoringentryfunding = sa.Table(
    "monitoring_monitoringentryfunding",
    metadata,
    _uuid_pk(),
    _fk_uuid("entry_id", "monitoring_monitoringentry.id", False),
    sa.Column("tranche_type", sa.String(20), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("funding_source", sa.String(32), nullable=False, default=""),
    sa.Column("funding_source_other", sa.String(255), nullable=False, default=""),
    sa.Column("scheduled_date", sa.Date),
    sa.Column("remarks", sa.Text, nullable=False, default=""),
    *_audit(),
)

monitoring_outcomeindicator = sa.Table(
    "monitoring_outcomeindicator",
    metadata,
    _uuid_pk(),
    sa.Column("category", sa.String(30), nullable=False),
    sa.Column("indicator_name", sa.String(255), nullable=False),
    sa.Column("definition", sa.Text, nullable=False, default=""),
    sa.Column("unit_of_measure", sa.String(100), nullable=False, default=""),
    sa.Column("related_sdg", sa.String(50), nullable=False, default=""),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    *_audit(),
)

_ME = "monitoring_monitoringentry.id"
monitoring_monitoringentry_communities = _m2m(
    "monitoring_monitoringentry_communities",
    "monitoringentry_id",
    _ME,
    "obccommunity_id",
    "communities_obc_community.id",
    True,
    False,
)
monitoring_monitoringentry_needs_addressed = _m2m(
    "monitoring_monitoringentry_needs_addressed",
    "monitoringentry_id",
    _ME,
    "need_id",
    "mana_need.id",
    True,
    False,
)
monitoring_monitoringentry_implementing_policies = _m2m(
    "monitoring_monitoringentry_implementing_policies",
    "monitoringentry_id",
    _ME,
    "policyrecommendation_id",
    "policy_tracking_policyrecommendation.id",
    True,
    True,
)
monitoring_monitoringentry_supporting_organizations = _m2m(
    "monitoring_monitoringentry_supporting_organizations",
    "monitoringentry_id",
    _ME,
    "organization_id",
    "coordination_organization.id",
    True,
    True,
)
monitoring_monitoringentry_standard_outcome_indicators = _m2m(
    "monitoring_monitoringentry_standard_outcome_indicators",
    "monitoringentry_id",
    _ME,
    "outcomeindicator_id",
    "monitoring_outcomeindicator.id",
    True,
    True,
)
monitoring_monitoringentry_related_ppas = _m2m(
    "monitoring_monitoringentry_related_ppas",
    "from_monitoringentry_id",
    _ME,
    "to_monitoringentry_id",
    _ME,
    True,
    True,
)

# --------------------------------------------------------------------------------------- work items
common_work_item = sa.Table(
    "common_work_item",
    metadata,
    _uuid_pk(),
    sa.Column("work_type", sa.String(20), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    _fk_uuid("parent_id", "common_work_item.id"),
    sa.Column("tree_id", sa.Integer, nullable=False),
    sa.Column("lft", sa.Integer, nullable=False),
    sa.Column("rght", sa.Integer, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="not_started"),
    sa.Column("priority", sa.String(10), nullable=False, default="medium"),
    sa.Column("start_date", sa.Date),
    sa.Column("due_date", sa.Date),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    sa.Column("progress", sa.Integer, nullable=False, default=0),
    sa.Column("auto_calculate_progress", sa.Boolean, nullable=False, default=True),
    _fk_uuid("related_ppa_id", _ME),
    sa.Column("ppa_category", sa.String(20), nullable=False, default=""),
    _fk_uuid("implementing_moa_id", "coordination_organization.id"),
    sa.Column("allocated_budget", MONEY),
    sa.Column("actual_expenditure", MONEY),
    sa.Column("budget_notes", sa.Text, nullable=False, default=""),
    sa.Column("project_data", sa.JSON),
    *_audit(),
    sa.Index("common_work_item_tree_idx", "tree_id", "lft", "rght"),
)

# ------------------------------------------------------------------- strategy, planning, scenarios
monitoring_strategicgoal = sa.Table(
    "monitoring_strategicgoal",
    metadata,
    _uuid_pk(),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("goal_statement", sa.Text, nullable=False, default=""),
    sa.Column("sector", sa.String(30), nullable=False),
    sa.Column("priority_level", sa.String(10), nullable=False),
    sa.Column("aligns_with_rdp", sa.Boolean, nullable=False, default=False),
    sa.Column("rdp_reference", sa.String(255), nullable=False, default=""),
    sa.Column("start_year", sa.Integer, nullable=False),
    sa.Column("target_year", sa.Integer, nullable=False),
    sa.Column("estimated_total_budget", MONEY15),
    _fk_uuid("lead_agency_id", "coordination_organization.id"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("progress_percentage", sa.Integer, nullable=False, default=0),
    *_audit(),
)
monitoring_strategicgoal_linked_ppas = _m2m(
    "monitoring_strategicgoal_linked_ppas",
    "strategicgoal_id",
    "monitoring_strategicgoal.id",
    "monitoringentry_id",
    _ME,
    True,
    True,
)

monitoring_annualplanningcycle = sa.Table(
    "monitoring_annualplanningcycle",
    metadata,
    _uuid_pk(),
    sa.Column("fiscal_year", sa.Integer, nullable=False, unique=True),
    sa.Column("cycle_name", sa.String(255), nullable=False),
    sa.Column("planning_start_date", sa.Date),
    sa.Column("planning_end_date", sa.Date),
    sa.Column("budget_submission_date", sa.Date),
    sa.Column("budget_approval_date", sa.Date),
    sa.Column("execution_start_date", sa.Date),
    sa.Column("execution_end_date", sa.Date),
    sa.Column("total_budget_envelope", MONEY15, nullable=False),
    sa.Column("allocated_budget", MONEY15, nullable=False, default=0),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    *_audit(),
)
monitoring_annualplanningcycle_monitoring_entries = _m2m(
    "monitoring_annualplanningcycle_monitoring_entries",
    "annualplanningcycle_id",
    "monitoring_annualplanningcycle.id",
    "monitoringentry_id",
    _ME,
    True,
    True,
)

monitoring_budgetscenario = sa.Table(
    "monitoring_budgetscenario",
    metadata,
    _uuid_pk(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("scenario_type", sa.String(20), nullable=False),
    sa.Column("total_budget", MONEY15, nullable=False),
    sa.Column("allocated_budget", MONEY15, nullable=False, default=0),
    sa.Column("is_baseline", sa.Boolean, nullable=False, default=False),
    _fk_uuid("planning_cycle_id", "monitoring_annualplanningcycle.id"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("weight_needs_coverage", sa.Numeric(3, 2), nullable=False),
    sa.Column("weight_equity", sa.Numeric(3, 2), nullable=False),
    sa.Column("weight_strategic_alignment", sa.Numeric(3, 2), nullable=False),
    sa.Column("optimization_score", sa.Numeric(6, 2)),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    *_audit(),
)

monitoring_scenarioallocation = sa.Table(
    "monitoring_scenarioallocation",
    metadata,
    _uuid_pk(),
    _fk_uuid("scenario_id", "monitoring_budgetscenario.id", False),
    _fk_uuid("ppa_id", _ME, False),
    sa.Column("allocated_amount", MONEY15, nullable=False),
    sa.Column("priority_rank", sa.Integer),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("allocation_rationale", sa.Text, nullable=False, default=""),
    *_audit(),
    sa.UniqueConstraint("scenario_id", "ppa_id"),
)

monitoring_ceilingmanagement = sa.Table(
    "monitoring_ceilingmanagement",
    metadata,
    _uuid_pk(),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("funding_source", sa.String(50), nullable=False),
    sa.Column("sector", sa.String(50), nullable=False, default=""),
    sa.Column("ceiling_amount", MONEY15, nullable=False),
    sa.Column("allocated_amount", MONEY15, nullable=False, default=0),
    sa.Column("remaining_ceiling", MONEY15, nullable=False, default=0),
    sa.Column("threshold_warning", sa.Numeric(3, 2), nullable=False, default=0.9),
    sa.Column("is_exceeded", sa.Boolean, nullable=False, default=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    *_audit(),
)

project_central_budgetceiling = sa.Table(
    "project_central_budgetceiling",
    metadata,
    _uuid_pk(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("sector", sa.String(30), nullable=False, default=""),
    sa.Column("funding_source", sa.String(30), nullable=False, default=""),
    sa.Column("ceiling_amount", sa.Numeric(12, 2), nullable=False),
    sa.Column("allocated_amount", sa.Numeric(12, 2), nullable=False, default=0),
    sa.Column("is_active", sa.Boolean, nullable=False, default=True),
    sa.Column("enforcement_level", sa.String(10), nullable=False, default="soft"),
    *_audit(),
    sa.UniqueConstraint("fiscal_year", "sector", "funding_source"),
)


# ------------------------------------------------------------------------------------ the registry
@dataclass(frozen=True)
class SourceTable:
    """How the warehouse reads one OBCMS table."""

    table: sa.Table
    key: tuple[str, ...] = ("id",)
    pii: frozenset[str] = field(default_factory=frozenset)
    soft_delete: str | None = None  # boolean column; rows with it true are loaded but flagged

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def updated_at(self) -> str | None:
        return "updated_at" if "updated_at" in self.table.c else None

    @property
    def columns(self) -> list[sa.Column]:
        """The columns the warehouse loads: every column except PII."""
        return [c for c in self.table.c if c.name not in self.pii]


def _src(table: sa.Table, **kwargs) -> SourceTable:
    return SourceTable(table, **kwargs)


SOURCE_TABLES: tuple[SourceTable, ...] = (
    _src(common_region),
    _src(common_province),
    _src(common_municipality),
    _src(common_barangay),
    _src(coordination_organization, pii=frozenset({"focal_person", "email", "phone"})),
    _src(communities_obc_community, pii=frozenset({"community_leader", "contact_number"}), soft_delete="is_deleted"),
    _src(mana_assessment),
    _src(mana_needscategory),
    _src(
        monitoring_monitoringentry,
        pii=frozenset(
            {
                "requester_name",
                "requester_position",
                "requester_affiliation",
                "requester_contact_number",
                "requester_alternate_contact_number",
                "requester_email",
            }
        ),
    ),
    _src(mana_need),
    _src(mana_needvote, pii=frozenset({"ip_address"})),
    _src(policy_tracking_policyrecommendation),
    _src(monitoring_monitoringentryfunding),
    _src(monitoring_outcomeindicator),
    _src(monitoring_monitoringentry_communities),
    _src(monitoring_monitoringentry_needs_addressed),
    _src(monitoring_monitoringentry_implementing_policies),
    _src(monitoring_monitoringentry_supporting_organizations),
    _src(monitoring_monitoringentry_standard_outcome_indicators),
    _src(monitoring_monitoringentry_related_ppas),
    _src(common_work_item),
    _src(monitoring_strategicgoal),
    _src(monitoring_strategicgoal_linked_ppas),
    _src(monitoring_annualplanningcycle),
    _src(monitoring_annualplanningcycle_monitoring_entries),
    _src(monitoring_budgetscenario),
    _src(monitoring_scenarioallocation),
    _src(monitoring_ceilingmanagement),
    _src(project_central_budgetceiling),
)

SOURCE_BY_NAME: dict[str, SourceTable] = {s.name: s for s in SOURCE_TABLES}

PII_COLUMNS: frozenset[str] = frozenset(c for s in SOURCE_TABLES for c in s.pii)
