"""OBCMS choice lists (Django ``choices=``), as they are in the OBCMS code.

Used by the demo generator to produce realistic rows and by the pandera contracts to reject values that
OBCMS itself would not store. Blank (``""``) is allowed wherever the Django field is ``blank=True``; the
contracts say so explicitly.
"""

from __future__ import annotations

PPA_CATEGORY = ("moa_ppa", "oobc_ppa", "obc_request")
PPA_STATUS = ("planning", "ongoing", "completed", "on_hold", "cancelled")
PPA_REQUEST_STATUS = (
    "submitted",
    "under_review",
    "clarification",
    "endorsed",
    "approved",
    "in_progress",
    "completed",
    "deferred",
    "declined",
)
PPA_PRIORITY = ("low", "medium", "high", "urgent")
PPA_APPROVAL_STATUS = (
    "draft",
    "technical_review",
    "budget_review",
    "stakeholder_consultation",
    "executive_approval",
    "approved",
    "enacted",
    "rejected",
)
PPA_REQUEST_SOURCE = ("community_user", "oobc_staff", "moa_focal", "lgu_focal", "nga_focal")
PPA_SECTOR = ("economic", "social", "infrastructure", "environment", "governance", "peace_security")
APPROPRIATION_CLASS = ("ps", "mooe", "co")
FUNDING_SOURCE = (
    "gaab_2025",
    "supplemental_budget",
    "sdf",
    "tdif",
    "allocation_for_mp",
    "national_program",
    "local_program",
    "oda",
    "other_sources",
)
BUDGET_DISTRIBUTION_POLICY = ("equal", "weighted", "manual")
COST_EFFECTIVENESS_RATING = ("very_high", "high", "moderate", "low")
TRANCHE_TYPE = ("allocation", "obligation", "disbursement", "adjustment")

WORK_TYPE = ("project", "sub_project", "activity", "sub_activity", "task", "subtask")
WORK_STATUS = ("not_started", "in_progress", "at_risk", "blocked", "completed", "cancelled")
WORK_PRIORITY = ("low", "medium", "high", "urgent", "critical")

ORGANIZATION_TYPE = (
    "bmoa",
    "lgu",
    "nga",
    "ingo",
    "ngo",
    "cso",
    "academic",
    "religious",
    "private",
    "media",
    "donor",
    "tribal",
    "other",
)
PARTNERSHIP_LEVEL = ("implementing", "funding", "technical", "coordinating", "beneficiary", "observer", "other")
PARTNERSHIP_STATUS = ("active", "inactive", "suspended", "terminated")

MUNICIPALITY_TYPE = ("municipality", "city", "component_city", "independent_city")
SETTLEMENT_TYPE = ("village", "subdivision", "sitio", "purok", "compound", "dispersed")
PROXIMITY_TO_BARMM = ("adjacent", "near", "distant")
ETHNOLINGUISTIC_GROUP = (
    "badjao",
    "iranun",
    "jama_mapun",
    "kagan_kalagan",
    "kolibugan",
    "maguindanaon",
    "meranaw",
    "molbog",
    "palawani",
    "sama",
    "sangil",
    "tausug",
    "yakan",
    "other",
)
POVERTY_INCIDENCE = ("unknown", "very_low", "low", "moderate", "high", "very_high", "extremely_high")

ASSESSMENT_LEVEL = ("regional", "provincial", "city_municipal", "barangay", "community")
ASSESSMENT_METHODOLOGY = ("desk_review", "survey", "kii", "workshop", "participatory", "observation", "mixed", "other")
ASSESSMENT_STATUS = ("planning", "preparation", "data_collection", "analysis", "reporting", "completed", "cancelled")
ASSESSMENT_PRIORITY = ("low", "medium", "high", "critical")

NEEDS_CATEGORY_SECTOR = (
    "education",
    "economic_development",
    "social_development",
    "cultural_development",
    "infrastructure",
    "health",
    "governance",
    "environment",
    "security",
)
NEED_URGENCY = ("immediate", "short_term", "medium_term", "long_term")
NEED_FEASIBILITY = ("very_low", "low", "medium", "high", "very_high")
NEED_STATUS = ("identified", "validated", "prioritized", "planned", "in_progress", "completed", "deferred", "rejected")
NEED_SUBMISSION_TYPE = ("assessment_driven", "community_submitted")

POLICY_CATEGORY = (
    "economic_development",
    "social_development",
    "cultural_development",
    "promotion_of_welfare",
    "rehabilitation_development",
    "protection_of_rights",
    "comprehensive",
)
POLICY_SCOPE = ("national", "regional", "provincial", "municipal", "barangay", "community")
POLICY_STATUS = (
    "draft",
    "under_review",
    "needs_revision",
    "submitted",
    "under_consideration",
    "approved",
    "in_implementation",
    "implemented",
    "rejected",
    "withdrawn",
    "on_hold",
    "expired",
)
POLICY_PRIORITY = ("low", "medium", "high", "urgent", "critical")
POLICY_RECOMMENDATION_TYPE = ("policy", "program", "service")
POLICY_IMPORTANCE = ("high", "low")
POLICY_URGENCY = ("high", "low")
POLICY_CORE_TYPE = (
    "scholarships",
    "madaris_support",
    "halal_enterprise",
    "social_services",
    "cultural_development",
    "women_youth",
    "tourism",
    "infrastructure",
    "governance_participation",
    "institutional_partnerships",
    "other",
)

OUTCOME_INDICATOR_CATEGORY = (
    "education",
    "health",
    "livelihood",
    "governance",
    "infrastructure",
    "social_protection",
    "environment",
    "peace_security",
    "other",
)

STRATEGIC_GOAL_SECTOR = (
    "education",
    "health",
    "livelihood",
    "infrastructure",
    "governance",
    "social_protection",
    "cultural",
    "peace",
    "environment",
)
STRATEGIC_GOAL_PRIORITY = ("critical", "high", "medium", "low")
STRATEGIC_GOAL_STATUS = ("draft", "approved", "active", "achieved", "revised", "discontinued")
PLANNING_CYCLE_STATUS = (
    "planning",
    "budget_preparation",
    "budget_approval",
    "execution",
    "monitoring",
    "completed",
    "archived",
)
SCENARIO_TYPE = ("baseline", "optimistic", "conservative", "needs_based", "equity_focused", "custom")
SCENARIO_STATUS = ("draft", "under_review", "approved", "implemented", "archived")
SCENARIO_ALLOCATION_STATUS = ("proposed", "approved", "rejected", "pending_review")

# project_central.BudgetCeiling uses its own (older) vocabularies; the marts map them to the PPA ones.
CEILING_SECTOR = (
    "economic",
    "social",
    "infrastructure",
    "education",
    "health",
    "environment",
    "governance",
    "peace",
    "cultural",
)
CEILING_FUNDING_SOURCE = ("gaa", "block_grant", "lgu", "donor", "internal", "others")
CEILING_ENFORCEMENT = ("soft", "hard")
