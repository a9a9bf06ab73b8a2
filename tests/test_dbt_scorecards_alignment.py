"""The performance scorecard, BDP alignment, policy budget and duplicate-pair marts through `dbt build`.

A small warehouse is built by hand: three organisations, four OBCMS PPAs of FY 2025 with communities, a coverage
municipality, outcome frameworks, standard outcome indicators, BDP goal tags (one PPA on two goals, one on a goal
not aligned with the BDP), policy links and a work-item tree. ``dbt build`` runs on these marts and everything
upstream of them, with their tests, and the marts are checked against figures computed by hand below.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.obcms_schema import SOURCE_BY_NAME
from tests.dbt_build import run_dbt
from tests.raw_tables import create_every_table, insert_row
from tests.test_dbt_project import (
    CREATED,
    LOADED_AT,
    MAFAR,
    OOBC,
    RAW_ROWS,
    _ppa,
    _query,
)

pytestmark = pytest.mark.dbt

D = Decimal
MARTS = [
    "fct_performance_scorecard",
    "rpt_performance_scorecard_by_moa",
    "fct_bdp_alignment",
    "rpt_bdp_alignment_by_goal",
    "fct_policy_budget",
    "fct_duplicate_ppa_pairs",
]
SINGULAR = [
    "assert_scorecard_budget_reconciles_with_staging",
    "assert_alignment_by_goal_budget_reconciles_with_dim_ppa",
    "assert_alignment_policy_budget_reconciles_with_staging",
]
SELECTION = " ".join(["+" + m for m in MARTS] + ["dim_organization", *SINGULAR])

PA = "a0000000-0000-4000-8000-00000000000a"  # MAFAR "Feeding program": 1,000.01, two BDP goals, a policy
PB = "b0000000-0000-4000-8000-00000000000b"  # OOBC "Feeding programme": 500.00, one BDP goal, a policy
PC = "c0000000-0000-4000-8000-00000000000c"  # MAFAR "Road repair": 300.00, untagged, total_slots 0
PD = "d0000000-0000-4000-8000-00000000000d"  # OOBC "Feeding program" in 2024 dates: 100.01, non-BDP goal only
G1 = "10000000-0000-4000-8000-000000000001"  # BDP goal
G2 = "20000000-0000-4000-8000-000000000002"  # BDP goal
G3 = "30000000-0000-4000-8000-000000000003"  # not aligned with the BDP
POL1 = "90000000-0000-4000-8000-000000000001"  # importance high, urgency high → A; PA + PB
POL2 = "90000000-0000-4000-8000-000000000002"  # high, low → B; no PPA
POL3 = "90000000-0000-4000-8000-000000000003"  # low, low → C; no PPA, no estimated cost
IND = "80000000-0000-4000-8000-000000000001"

FRAMEWORK_PA = {
    "outcomes": [{"indicator": "Children fed", "target": "80%"}, {"indicator": "Satisfaction", "target": "tbd"}],
    "outputs": [{"indicator": "Meals", "target": 5}],
}


def _rows() -> dict[str, list[dict]]:
    ppas = [
        _ppa(id=PA, title="Feeding program", category="moa_ppa", implementing_moa_id=MAFAR, lead_organization_id=MAFAR,
             fiscal_year=2025, sector="social", budget_allocation=D("1000.01"), beneficiary_individuals_total=4,
             total_slots=10, obc_slots=5, supports_sdg=True, moral_governance_pillar="Integrity", progress=40,
             coverage_region_id=1, coverage_province_id=10, coverage_municipality_id=100,
             start_date=date(2025, 1, 1), target_end_date=date(2025, 6, 30),
             outcome_framework=json.dumps(FRAMEWORK_PA)),
        _ppa(id=PB, title="Feeding programme", category="oobc_ppa", lead_organization_id=OOBC, fiscal_year=2025,
             sector="social", budget_allocation=D("500.00"), total_slots=2, obc_slots=1, progress=10,
             start_date=date(2025, 6, 1), target_end_date=date(2025, 12, 31)),
        _ppa(id=PC, title="Road repair", category="moa_ppa", implementing_moa_id=MAFAR, fiscal_year=2025,
             sector="social", budget_allocation=D("300.00"), total_slots=0, obc_slots=0,
             start_date=date(2025, 3, 1), target_end_date=date(2025, 9, 30)),
        _ppa(id=PD, title="Feeding program", category="oobc_ppa", lead_organization_id=OOBC, fiscal_year=2025,
             sector="social", budget_allocation=D("100.01"), coverage_region_id=1, coverage_province_id=10,
             coverage_municipality_id=100, start_date=date(2024, 1, 1), target_end_date=date(2024, 12, 31)),
    ]  # fmt: skip
    communities = [
        {"id": 501, "barangay_id": 1000, "name": "Community one"},
        {"id": 502, "barangay_id": 1000, "name": "Community two"},
    ]
    return {
        **{t: RAW_ROWS[t] for t in ("common_region", "common_province", "common_municipality", "common_barangay")},
        "coordination_organization": RAW_ROWS["coordination_organization"],
        "monitoring_monitoringentry": ppas,
        "communities_obc_community": communities,
        "monitoring_monitoringentry_communities": [
            {"id": 1, "monitoringentry_id": PA, "obccommunity_id": 501},
            {"id": 2, "monitoringentry_id": PA, "obccommunity_id": 502},
            {"id": 3, "monitoringentry_id": PB, "obccommunity_id": 501},
            {"id": 4, "monitoringentry_id": PC, "obccommunity_id": 501},
        ],
        "monitoring_outcomeindicator": [{"id": IND, "category": "health", "indicator_name": "Stunting rate"}],
        "monitoring_monitoringentry_standard_outcome_indicators": [
            {"id": 1, "monitoringentry_id": PA, "outcomeindicator_id": IND},
        ],
        "policy_tracking_policyrecommendation": [
            {
                "id": POL1,
                "title": "School feeding",
                "status": "approved",
                "importance": "high",
                "urgency": "high",
                "estimated_cost": D("2000.00"),
            },
            {
                "id": POL2,
                "title": "Roads",
                "status": "draft",
                "importance": "high",
                "urgency": "low",
                "estimated_cost": D("100.00"),
            },
            {
                "id": POL3,
                "title": "Culture",
                "status": "draft",
                "importance": "low",
                "urgency": "low",
                "estimated_cost": None,
            },
        ],
        "monitoring_monitoringentry_implementing_policies": [
            {"id": 1, "monitoringentry_id": PA, "policyrecommendation_id": POL1},
            {"id": 2, "monitoringentry_id": PB, "policyrecommendation_id": POL1},
        ],
        "monitoring_strategicgoal": [
            {"id": G1, "title": "Human development", "aligns_with_rdp": True},
            {"id": G2, "title": "Food security", "aligns_with_rdp": True},
            {"id": G3, "title": "Office goal", "aligns_with_rdp": False},
        ],
        "monitoring_strategicgoal_linked_ppas": [
            {"id": 1, "strategicgoal_id": G2, "monitoringentry_id": PA},
            {"id": 2, "strategicgoal_id": G1, "monitoringentry_id": PA},
            {"id": 3, "strategicgoal_id": G1, "monitoringentry_id": PB},
            {"id": 4, "strategicgoal_id": G3, "monitoringentry_id": PD},
        ],
        "common_work_item": [
            {
                "id": "e0000000-0000-4000-8000-000000000000",
                "parent_id": None,
                "tree_id": 1,
                "lft": 1,
                "rght": 6,
                "level": 0,
                "work_type": "project",
                "title": "PA",
                "status": "in_progress",
                "related_ppa_id": PA,
                "allocated_budget": D("1000.01"),
                # spending is recorded where it happens (the activities); the auto-created root carries none
                "actual_expenditure": None,
            },
            {
                "id": "e0000000-0000-4000-8000-000000000001",
                "parent_id": "e0000000-0000-4000-8000-000000000000",
                "tree_id": 1,
                "lft": 2,
                "rght": 3,
                "level": 1,
                "work_type": "activity",
                "title": "Cook",
                "status": "completed",
                "progress": 100,
                "allocated_budget": D("600.01"),
                "actual_expenditure": D("650.00"),
                "start_date": date(2025, 1, 1),
                "due_date": date(2025, 3, 31),
            },
            {
                "id": "e0000000-0000-4000-8000-000000000002",
                "parent_id": "e0000000-0000-4000-8000-000000000000",
                "tree_id": 1,
                "lft": 4,
                "rght": 5,
                "level": 1,
                "work_type": "activity",
                "title": "Serve",
                "status": "in_progress",
                "progress": 50,
                "allocated_budget": D("400.00"),
                "actual_expenditure": D("100.00"),
                "start_date": date(2025, 1, 1),
                "due_date": date(2025, 12, 31),
            },
        ],
    }


def _create_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        create_every_table(con)
        for table, rows in _rows().items():
            audit = {"created_at", "updated_at"} & {c.name for c in SOURCE_BY_NAME[table].columns}
            for row in rows:
                row = {
                    **dict.fromkeys(audit, CREATED),
                    **row,
                    "_run_id": "run-1",
                    "_source": "obcms",
                    "_loaded_at": LOADED_AT,
                }
                insert_row(con, table, row)
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("scorecards")
    path = tmp / "warehouse.duckdb"
    _create_warehouse(path)
    # an explicit status date for earned value; the rollup's own unit tests (which check the date's
    # default) run in tests/test_dbt_execution.py
    run = run_dbt(path, tmp, *SELECTION.split(), dbt_vars={"status_date": "2025-06-30"},
                  exclude=["fct_work_item_rollup,test_type:unit"], check=False)  # fmt: skip
    return path, {"returncode": run.returncode, "stdout": run.stdout, "results": run.run_results}


def test_build_passes_every_model_and_test(warehouse):
    _, run = warehouse
    bad = {r["unique_id"]: r["status"] for r in run["results"]["results"] if r["status"] not in ("success", "pass")}
    assert not bad, run["stdout"][-4000:]
    ran = {r["unique_id"].split(".")[-1] for r in run["results"]["results"]}
    assert set(MARTS) | set(SINGULAR) <= ran


def test_scorecard(warehouse):
    path, _ = warehouse
    rows = {
        r[0]: r[1:]
        for r in _query(
            path,
            "select ppa_id, indicator_count, outcome_indicator_count, parsed_target_count, parsed_target_share,"
            " outcome_achievement_rate, attainment_null_reason, beneficiary_count, beneficiary_count_source,"
            " cost_per_beneficiary, cost_effectiveness_rank, cost_effectiveness_rank_tied, planned_value,"
            " earned_value, actual_cost, schedule_performance_index, cost_performance_index"
            " from marts.fct_performance_scorecard",
        )
    }
    # PA: 3 indicators (2 outcome; '80%' and 5 parse, 'tbd' does not). 1,000.01 / 4 individuals = 250.00 (rounded
    # from 250.0025); PB: 500.00 / 2 slots = 250.00 → tied at rank 1. PC: 0 slots → null. PD: no count → null.
    # Earned value of PA as of 2025-06-30: PV = 600.01 + 400.00 × 180/364 = 797.81; EV = 600.01 + 200.00 = 800.01;
    # AC = 650 + 100 = 750.00; SPI = 800.01 / 797.81 = 1.0028; CPI = 800.01 / 750 = 1.0667.
    assert rows[PA] == (
        3, 2, 2, D("0.6667"), None, "no_actuals_in_any_source", 4, "beneficiary_individuals_total",
        D("250.00"), 1, True, D("797.81"), D("800.01"), D("750.00"), D("1.0028"), D("1.0667"),
    )  # fmt: skip
    assert rows[PB][6:10] == (2, "total_slots", D("250.00"), 1)
    assert rows[PB][10] is True and rows[PB][11:] == (None, None, None, None, None)
    assert rows[PC][6:10] == (None, None, None, None)
    assert rows[PD][6:10] == (None, None, None, None)
    by_moa = _query(
        path, "select moa_id, budget_allocation from marts.rpt_performance_scorecard_by_moa order by moa_id"
    )
    assert sorted(by_moa) == sorted([(MAFAR, D("1300.01")), (OOBC, D("600.01"))])


def test_bdp_alignment(warehouse):
    path, _ = warehouse
    rows = {
        r[0]: r[1:]
        for r in _query(
            path,
            "select ppa_id, outcome_indicators_points, sdg_points, moral_governance_points, obc_share_points,"
            " policy_points, bpda_score, bpda_remark, bdp_goal_count, bdp_goal_titles from marts.fct_bdp_alignment",
        )
    }
    # PA: 25 + 15 + 20 + 20 × 5/10 + 20 = 90; PB: 20 × 1/2 + 20 = 30; PC: slots 0 → 0; PD: 0.
    assert rows[PA] == (25, 15, 20, 10, 20, 90, "Strong BDP alignment", 2, "Human development; Food security")
    assert rows[PB] == (0, 0, 0, 10, 20, 30, "Needs alignment review", 1, "Human development")
    assert rows[PC][5:8] == (0, "Needs alignment review", 0)
    assert rows[PD][5:9] == (0, "Needs alignment review", 0, None)

    by_goal = {
        (r[0], r[1]): r[2:]
        for r in _query(
            path,
            "select goal_key, moa_id, ppa_count, aligned_budget, share_of_moa_budget_pct"
            " from marts.rpt_bdp_alignment_by_goal",
        )
    }
    # PA's 1,000.01 split over G1 and G2: 500.00 each, the centavo left over to G1 (the smaller id).
    # MAFAR = 1,300.01: G1 500.01, G2 500.00, untagged 300.00 (PC). OOBC = 600.01: G1 500.00, untagged 100.01
    # (PD's goal is not a BDP goal).
    assert by_goal == {
        (G1, MAFAR): (1, D("500.01"), D("38.4620")),
        (G2, MAFAR): (1, D("500.00"), D("38.4612")),
        ("untagged", MAFAR): (1, D("300.00"), D("23.0767")),
        (G1, OOBC): (1, D("500.00"), D("83.3319")),
        ("untagged", OOBC): (1, D("100.01"), D("16.6681")),
    }
    assert sum(v[1] for v in by_goal.values()) == D("1900.02")


def test_policy_budget(warehouse):
    path, _ = warehouse
    rows = {
        r[0]: r[1:]
        for r in _query(
            path,
            "select policy_recommendation_id, priority_category, implementing_ppa_count, implementing_budget,"
            " average_progress, estimated_cost, funding_gap from marts.fct_policy_budget",
        )
    }
    # POL1: PA + PB = 1,500.01 against 2,000.00 → gap 499.99; progress (40 + 10) / 2 = 25.
    assert rows == {
        POL1: ("A", 2, D("1500.01"), D("25.00"), D("2000.00"), D("499.99")),
        POL2: ("B", 0, D("0.00"), None, D("100.00"), D("100.00")),
        POL3: ("C", 0, D("0.00"), None, None, None),
    }


def test_duplicate_pairs(warehouse):
    path, _ = warehouse
    rows = _query(
        path,
        "select ppa_id_a, ppa_id_b, shared_community_count, same_municipality, overlap_days, title_similarity,"
        " similarity_rank from marts.fct_duplicate_ppa_pairs order by similarity_rank",
    )
    # PA–PB: community 501, June 2025 (30 days). PB–PC: community 501, 2025-06-01..2025-09-30 (122 days).
    # PA–PC: same MOA; PA–PD: same municipality but PD ran in 2024; PB–PD, PC–PD: nothing shared.
    assert rows == [
        (PA, PB, 1, False, 30, D("0.9765"), 1),
        (PB, PC, 1, False, 122, D("0.6076"), 2),
    ]
