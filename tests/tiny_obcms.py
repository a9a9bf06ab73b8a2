"""A tiny, hand-written OBCMS database with known values, for ingest tests on SQLite and PostgreSQL.

Every figure here is chosen so tests can state expectations by hand: three budgeted PPAs totalling
₱1,750,000.50, one OBC request, PII in every PII column (which must never reach the warehouse).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from ingest import obcms_schema as s

T0 = dt.datetime(2025, 1, 15, 8, 30, tzinfo=dt.UTC)
T1 = dt.datetime(2025, 6, 30, 16, 0, 5, 123456, tzinfo=dt.UTC)
A = {"created_at": T0, "updated_at": T1}

OCM = "0b6f1c1e-1d2a-4d55-9a51-000000000001"
MOH = "0b6f1c1e-1d2a-4d55-9a51-000000000002"
OOBC = "0b6f1c1e-1d2a-4d55-9a51-000000000003"
PPA_MOH_25 = "7a1e0000-0000-4000-8000-000000000001"
PPA_OOBC_25 = "7a1e0000-0000-4000-8000-000000000002"
PPA_MOH_26 = "7a1e0000-0000-4000-8000-000000000003"
REQUEST = "7a1e0000-0000-4000-8000-000000000004"
ASSESSMENT = "a55e0000-0000-4000-8000-000000000001"
POLICY = "9011c700-0000-4000-8000-000000000001"
ROOT = "3011c700-0000-4000-8000-0000000000a1"
CHILD = "3011c700-0000-4000-8000-0000000000a2"
GOAL = "60a10000-0000-4000-8000-000000000001"
CYCLE = "c1c10000-0000-4000-8000-000000000001"
SCENARIO = "5ce00000-0000-4000-8000-000000000001"
INDICATOR = "1d1c0000-0000-4000-8000-000000000001"

PII_VALUES = ("Juan Dela Cruz", "juan@example.ph", "0917-555-0101", "Datu Ampatuan", "203.0.113.9", "Focal Maria")

BUDGET_TOTAL = Decimal("1750000.50")


def _ppa(id_: str, title: str, moa: str, fy: int | None, sector: str, budget: str, **extra) -> dict:
    row = {
        "id": id_,
        "title": title,
        "category": "moa_ppa",
        "summary": "",
        "status": "ongoing",
        "request_status": "",
        "priority": "high",
        "progress": 40,
        "approval_status": "approved",
        "request_source": "",
        "requester_name": "",
        "requester_position": "",
        "requester_affiliation": "",
        "requester_contact_number": "",
        "requester_alternate_contact_number": "",
        "requester_email": "",
        "is_disaster_related": False,
        "lead_organization_id": moa,
        "implementing_moa_id": moa,
        "oobc_unit": "",
        "coverage_region_id": 1,
        "coverage_province_id": 1,
        "coverage_municipality_id": 1,
        "plan_year": fy,
        "fiscal_year": fy,
        "sector": sector,
        "appropriation_class": "mooe",
        "funding_source": "gaab_2025",
        "funding_source_other": "",
        "program_code": "",
        "plan_reference": "",
        "budget_ceiling": Decimal(budget) * 2,
        "budget_allocation": Decimal(budget),
        "budget_obc_allocation": Decimal(budget) / 2,
        "budget_currency": "PHP",
        "budget_distribution_policy": "",
        "goal_alignment": ["BDP", "SDG 4"],
        "moral_governance_pillar": "",
        "compliance_gad": True,
        "compliance_ccet": False,
        "benefits_indigenous_peoples": False,
        "supports_peace_agenda": True,
        "supports_sdg": True,
        "total_slots": 100,
        "obc_slots": 40,
        "cost_effectiveness_rating": "",
        "outcome_framework": {"outcomes": [{"indicator": "Enrolment", "target": "80%"}]},
        "start_date": dt.date(fy or 2025, 1, 1),
        "target_end_date": dt.date(fy or 2025, 12, 31),
        "enable_workitem_tracking": False,
        "auto_sync_progress": True,
        "auto_sync_status": True,
        **A,
    }
    row.update(extra)
    return row


def rows() -> dict[sa.Table, list[dict]]:
    return {
        s.common_region: [
            {
                "id": 1,
                "code": "IX",
                "name": "Zamboanga Peninsula",
                "description": "",
                "is_active": True,
                "center_coordinates": [122.0, 7.8],
                **A,
            }
        ],
        s.common_province: [
            {
                "id": 1,
                "region_id": 1,
                "code": "IX-ZAMBOANGA-DEL-SUR",
                "name": "Zamboanga del Sur",
                "capital": "Pagadian City",
                "is_active": True,
                "population_total": 1000,
                **A,
            }
        ],
        s.common_municipality: [
            {
                "id": 1,
                "province_id": 1,
                "code": "IX-ZAMBOANGA-DEL-SUR-PAGADIAN",
                "name": "Pagadian City",
                "municipality_type": "component_city",
                "is_active": True,
                "population_total": 600,
                **A,
            }
        ],
        s.common_barangay: [
            {
                "id": 1,
                "municipality_id": 1,
                "code": "IX-ZDS-PAG-BALANGASAN",
                "name": "Balangasan",
                "is_urban": True,
                "is_active": True,
                "population_total": 400,
                **A,
            },
            {
                "id": 2,
                "municipality_id": 1,
                "code": "IX-ZDS-PAG-TUBURAN",
                "name": "Tuburan",
                "is_urban": False,
                "is_active": True,
                "population_total": 200,
                **A,
            },
        ],
        s.coordination_organization: [
            {
                "id": OCM,
                "name": "Office of the Chief Minister",
                "acronym": "OCM",
                "organization_type": "bmoa",
                "focal_person": "Focal Maria",
                "email": "juan@example.ph",
                "phone": "0917-555-0101",
                **A,
            },
            {"id": MOH, "name": "Ministry of Health", "acronym": "MOH", "organization_type": "bmoa", **A},
            {
                "id": OOBC,
                "name": "Office for Other Bangsamoro Communities",
                "acronym": "OOBC",
                "organization_type": "bmoa",
                "description": "Attached to the Office of the Chief Minister",
                **A,
            },
        ],
        s.communities_obc_community: [
            {
                "id": 1,
                "barangay_id": 1,
                "obc_id": "OBC-IX-0001",
                "name": "Balangasan OBC",
                "settlement_type": "purok",
                "estimated_obc_population": 150,
                "total_barangay_population": 400,
                "households": 30,
                "primary_ethnolinguistic_group": "maguindanaon",
                "community_leader": "Datu Ampatuan",
                "contact_number": "0917-555-0101",
                "is_deleted": False,
                **A,
            },
        ],
        s.mana_assessment: [
            {
                "id": ASSESSMENT,
                "title": "Pagadian MANA 2024",
                "assessment_level": "city_municipal",
                "primary_methodology": "workshop",
                "region_id": 1,
                "province_id": 1,
                "municipality_id": 1,
                "status": "completed",
                "priority": "high",
                "planned_end_date": dt.date(2024, 6, 30),
                "progress_percentage": 100,
                **A,
            }
        ],
        s.mana_needscategory: [
            {"id": 1, "name": "Health facilities", "sector": "health", "weight_factor": Decimal("1.50")}
        ],
        s.monitoring_monitoringentry: [
            _ppa(PPA_MOH_25, "Barangay Health Stations", MOH, 2025, "social", "1000000.50"),
            _ppa(PPA_OOBC_25, "OBC Leadership Summit", OOBC, 2025, "governance", "250000.00"),
            _ppa(PPA_MOH_26, "Medical Missions", MOH, 2026, "", "500000.00", status="planning", progress=0),
            _ppa(
                REQUEST,
                "Request: water system",
                OOBC,
                None,
                "infrastructure",
                "0",
                category="obc_request",
                request_status="submitted",
                request_source="community_user",
                requester_name="Juan Dela Cruz",
                requester_email="juan@example.ph",
                requester_contact_number="0917-555-0101",
                submitted_by_community_id=1,
                submitted_to_organization_id=OOBC,
                budget_allocation=None,
                budget_ceiling=None,
                budget_obc_allocation=None,
                estimated_total_amount=Decimal("75000.00"),
            ),
        ],
        s.mana_need: [
            {
                "id": 1,
                "title": "No health station",
                "category_id": 1,
                "assessment_id": ASSESSMENT,
                "community_id": 1,
                "affected_population": 1200,
                "urgency_level": "immediate",
                "impact_severity": 5,
                "feasibility": "high",
                "estimated_cost": Decimal("900000.00"),
                "status": "prioritized",
                "priority_score": Decimal("4.50"),
                "community_votes": 3,
                "linked_ppa_id": PPA_MOH_25,
                **A,
            }
        ],
        s.mana_needvote: [
            {
                "id": "0f0f0000-0000-4000-8000-000000000001",
                "need_id": 1,
                "user_id": 7,
                "vote_weight": 3,
                "voter_community_id": 1,
                "voted_at": T1,
                "ip_address": "203.0.113.9",
            }
        ],
        s.policy_tracking_policyrecommendation: [
            {
                "id": POLICY,
                "title": "Madrasah teacher support",
                "reference_number": "OOBC-REC-001",
                "category": "social_development",
                "scope": "regional",
                "status": "approved",
                "priority": "high",
                "estimated_cost": Decimal("2000000.00"),
                "recommendation_type": "program",
                "importance": "high",
                "urgency": "high",
                "core_recommendation_type": "madaris_support",
                **A,
            }
        ],
        s.monitoring_monitoringentryfunding: [
            {
                "id": "f0000000-0000-4000-8000-000000000001",
                "entry_id": PPA_MOH_25,
                "tranche_type": "allocation",
                "amount": Decimal("1000000.50"),
                "scheduled_date": dt.date(2025, 2, 1),
                **A,
            },
            {
                "id": "f0000000-0000-4000-8000-000000000002",
                "entry_id": PPA_MOH_25,
                "tranche_type": "obligation",
                "amount": Decimal("600000.00"),
                "scheduled_date": dt.date(2025, 4, 1),
                **A,
            },
            {
                "id": "f0000000-0000-4000-8000-000000000003",
                "entry_id": PPA_MOH_25,
                "tranche_type": "disbursement",
                "amount": Decimal("450000.25"),
                "scheduled_date": dt.date(2025, 5, 1),
                **A,
            },
            {
                "id": "f0000000-0000-4000-8000-000000000004",
                "entry_id": PPA_MOH_25,
                "tranche_type": "adjustment",
                "amount": Decimal("-50000.00"),
                "scheduled_date": dt.date(2025, 6, 1),
                **A,
            },
        ],
        s.monitoring_outcomeindicator: [
            {"id": INDICATOR, "category": "health", "indicator_name": "Facility-based deliveries", **A}
        ],
        s.monitoring_monitoringentry_communities: [{"id": 1, "monitoringentry_id": PPA_MOH_25, "obccommunity_id": 1}],
        s.monitoring_monitoringentry_needs_addressed: [{"id": 1, "monitoringentry_id": PPA_MOH_25, "need_id": 1}],
        s.monitoring_monitoringentry_implementing_policies: [
            {"id": 1, "monitoringentry_id": PPA_OOBC_25, "policyrecommendation_id": POLICY}
        ],
        s.monitoring_monitoringentry_supporting_organizations: [
            {"id": 1, "monitoringentry_id": PPA_OOBC_25, "organization_id": OCM}
        ],
        s.monitoring_monitoringentry_standard_outcome_indicators: [
            {"id": 1, "monitoringentry_id": PPA_MOH_25, "outcomeindicator_id": INDICATOR}
        ],
        s.monitoring_monitoringentry_related_ppas: [
            {"id": 1, "from_monitoringentry_id": REQUEST, "to_monitoringentry_id": PPA_OOBC_25}
        ],
        s.common_work_item: [
            {
                "id": ROOT,
                "work_type": "project",
                "title": "Barangay Health Stations",
                "parent_id": None,
                "tree_id": 1,
                "lft": 1,
                "rght": 4,
                "level": 0,
                "status": "in_progress",
                "progress": 50,
                "related_ppa_id": PPA_MOH_25,
                "ppa_category": "moa_ppa",
                "implementing_moa_id": MOH,
                "allocated_budget": Decimal("1000000.50"),
                "actual_expenditure": None,
                "project_data": {"monitoring_entry_id": PPA_MOH_25, "fiscal_year": 2025},
                **A,
            },
            {
                "id": CHILD,
                "work_type": "activity",
                "title": "Construction",
                "parent_id": ROOT,
                "tree_id": 1,
                "lft": 2,
                "rght": 3,
                "level": 1,
                "status": "completed",
                "progress": 100,
                "related_ppa_id": PPA_MOH_25,
                "allocated_budget": Decimal("1000000.50"),
                "actual_expenditure": Decimal("450000.25"),
                **A,
            },
        ],
        s.monitoring_strategicgoal: [
            {
                "id": GOAL,
                "title": "BDP Goal 3: Health",
                "sector": "health",
                "priority_level": "high",
                "aligns_with_rdp": True,
                "rdp_reference": "BDP 2023-2028 Goal 3",
                "start_year": 2023,
                "target_year": 2028,
                "status": "active",
                **A,
            }
        ],
        s.monitoring_strategicgoal_linked_ppas: [{"id": 1, "strategicgoal_id": GOAL, "monitoringentry_id": PPA_MOH_25}],
        s.monitoring_annualplanningcycle: [
            {
                "id": CYCLE,
                "fiscal_year": 2025,
                "cycle_name": "FY 2025",
                "total_budget_envelope": Decimal("5000000.00"),
                "status": "execution",
                **A,
            }
        ],
        s.monitoring_annualplanningcycle_monitoring_entries: [
            {"id": 1, "annualplanningcycle_id": CYCLE, "monitoringentry_id": PPA_MOH_25}
        ],
        s.monitoring_budgetscenario: [
            {
                "id": SCENARIO,
                "name": "Baseline 2025",
                "scenario_type": "baseline",
                "total_budget": Decimal("5000000.00"),
                "is_baseline": True,
                "planning_cycle_id": CYCLE,
                "status": "approved",
                "weight_needs_coverage": Decimal("0.40"),
                "weight_equity": Decimal("0.30"),
                "weight_strategic_alignment": Decimal("0.30"),
                **A,
            }
        ],
        s.monitoring_scenarioallocation: [
            {
                "id": "5ca00000-0000-4000-8000-000000000001",
                "scenario_id": SCENARIO,
                "ppa_id": PPA_MOH_25,
                "allocated_amount": Decimal("1000000.50"),
                "status": "proposed",
                **A,
            }
        ],
        s.monitoring_ceilingmanagement: [
            {
                "id": "ce110000-0000-4000-8000-000000000001",
                "fiscal_year": 2025,
                "funding_source": "GAAB 2025",
                "ceiling_amount": Decimal("3000000.00"),
                **A,
            }
        ],
        s.project_central_budgetceiling: [
            {
                "id": "ce110000-0000-4000-8000-000000000002",
                "name": "Social 2025",
                "fiscal_year": 2025,
                "sector": "social",
                "funding_source": "gaa",
                "ceiling_amount": Decimal("1200000.00"),
                "enforcement_level": "hard",
                **A,
            }
        ],
    }


def create(url: str) -> str:
    """Create the OBCMS tables at ``url`` and fill them with the tiny dataset; returns ``url``."""
    engine = sa.create_engine(url)
    s.metadata.drop_all(engine)
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in s.metadata.sorted_tables:
            data = rows().get(table)
            for row in data or []:  # one by one: rows leave different optional columns out
                conn.execute(table.insert().values(**row))
    engine.dispose()
    return url
