"""Needs, gap analysis and spending equity through `dbt build`, against hand-computed marts.

A small OBCMS warehouse is built by hand: two regions, two provinces, three municipalities with a barangay and
an OBC community each, needs on both priority scales and with both funding links, assessments, and PPAs
covering a municipality, a province, a region and nothing. ``dbt build`` runs in a subprocess on the needs and
equity marts, everything upstream of them and the tests whose every parent is among them; the marts are then
checked against the figures worked out below, and the equity indices against a plain-Python implementation
of the formulas of metrics.md §3. A second test tampers with a copy of the built warehouse and checks that the
reconciliation tests catch it.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.obcms_schema import SOURCE_BY_NAME
from tests.dbt_build import run_dbt
from tests.raw_tables import create_every_table, insert_row
from tests.test_dbt_project import _ppa

pytestmark = pytest.mark.dbt

D = Decimal
LOADED_AT = datetime(2025, 10, 1, 8, 0, 0)
CREATED = datetime(2025, 1, 15, 9, 30, 0)
SELECTION = "+fct_need_gap+ +fct_equity+ +rpt_equity_summary +rpt_assessment_alerts +rpt_gap_by_area"

PA = "5e0c0000-0000-4000-8000-00000000000a"  # Isulan (municipality 100), FY 2025, 1,000.00, funds n1 and n2
PB = "5e0c0000-0000-4000-8000-00000000000b"  # Sultan Kudarat (province 10), FY 2025, 300.00, funds n3
PC = "5e0c0000-0000-4000-8000-00000000000c"  # region XI (2), FY 2025, 100.01, funds n4 and n5
PD = "5e0c0000-0000-4000-8000-00000000000d"  # Davao City (municipality 200), FY 2024, 200.00
PE = "5e0c0000-0000-4000-8000-00000000000e"  # no coverage area, FY 2025, 999.00: in no area
A1 = "a55e0000-0000-4000-8000-000000000001"  # completed: n1, n2 (both funded)
A2 = "a55e0000-0000-4000-8000-000000000002"  # analysis: n4, n5, n6, n8
A3 = "a55e0000-0000-4000-8000-000000000003"  # completed: n7 (high priority, unfunded) → alert


def _need(need_id, category, community, urgency, severity, feasibility, population, cost, **extra) -> dict:
    return {
        "id": need_id,
        "title": f"Need {need_id}",
        "description": "",
        "category_id": category,
        "community_id": community,
        "urgency_level": urgency,
        "impact_severity": severity,
        "feasibility": feasibility,
        "affected_population": population,
        "estimated_cost": cost,
        "status": "validated",
        "submission_type": "assessment_driven",
        "community_votes": 0,
        "is_validated": True,
        **extra,
    }


def _assessment(assessment_id: str, status: str, municipality: int) -> dict:
    return {
        "id": assessment_id,
        "title": f"MANA {assessment_id[-1]}",
        "assessment_level": "city_municipal",
        "primary_methodology": "workshop",
        "status": status,
        "priority": "high",
        "planned_end_date": date(2025, 6, 30),
        "progress_percentage": 100 if status == "completed" else 50,
        "municipality_id": municipality,
    }


RAW_ROWS: dict[str, list[dict]] = {
    "common_region": [
        {"id": 1, "code": "XII", "name": "SOCCSKSARGEN", "description": "", "is_active": True},
        {"id": 2, "code": "XI", "name": "Davao Region", "description": "", "is_active": True},
    ],
    "common_province": [
        {"id": 10, "region_id": 1, "code": "SK", "name": "Sultan Kudarat", "capital": "", "is_active": True,
         "population_total": 1000},
        {"id": 20, "region_id": 2, "code": "DC", "name": "Davao City", "capital": "", "is_active": True,
         "population_total": 1000},
    ],
    "common_municipality": [
        {"id": 100, "province_id": 10, "code": "SK-ISU", "name": "Isulan", "municipality_type": "municipality",
         "is_active": True, "population_total": 400},
        {"id": 101, "province_id": 10, "code": "SK-TAC", "name": "Tacurong City", "municipality_type": "city",
         "is_active": True, "population_total": 600},
        {"id": 200, "province_id": 20, "code": "DC-DC", "name": "Davao City", "municipality_type": "city",
         "is_active": True, "population_total": 1000},
    ],
    "common_barangay": [
        {"id": 1000, "municipality_id": 100, "code": "B1", "name": "Kalawag I", "is_urban": False, "is_active": True},
        {"id": 1010, "municipality_id": 101, "code": "B2", "name": "Poblacion", "is_urban": True, "is_active": True},
        {"id": 2000, "municipality_id": 200, "code": "B3", "name": "Bunawan", "is_urban": True, "is_active": True},
    ],
    "communities_obc_community": [
        {"id": community, "barangay_id": barangay, "obc_id": f"OBC-{community}", "name": f"Community {community}",
         "settlement_type": "village", "proximity_to_barmm": "near", "primary_ethnolinguistic_group": "maguindanaon",
         "estimated_poverty_incidence": "high", "is_active": True, "is_deleted": False,
         "estimated_obc_population": obc}
        for community, barangay, obc in ((1, 1000, 100), (2, 1010, 300), (3, 2000, 250))
    ],
    "mana_needscategory": [
        {"id": 1, "name": "Primary health care", "sector": "health", "description": "", "weight_factor": D("2.00"),
         "is_active": True},
        {"id": 2, "name": "Classrooms", "sector": "education", "description": "", "weight_factor": D("1.00"),
         "is_active": True},
    ],
    "mana_assessment": [_assessment(A1, "completed", 100), _assessment(A2, "analysis", 200),
                        _assessment(A3, "completed", 100)],
    "mana_need": [
        # (4 + 2 + 2 + 2)/4 × 2 = 5.00; 800 cost; PA's 1,000 split by the weighted rule (needs 1 and 2 both have
        # a cost): floor(1,000 × 800/1,200) = 666.66 (PA, both links) → unmet 133.34, weighted 5 × 0.166675
        _need(1, 1, 1, "immediate", 5, "very_high", 3000, D("800.00"), assessment_id=A1, linked_ppa_id=PA,
              priority_score=D("5.00")),
        # (4 + 2 + 1.5 + 2)/4 × 2 = 4.75; 400 cost, 1,000 − 666.66 = 333.34 funded (PA, M2M, last in text order)
        # → unmet 66.66, weighted 4.75 × (1 − 0.83335) = 0.7915875 → 0.791588
        _need(2, 1, 1, "immediate", 5, "high", 2000, D("400.00"), assessment_id=A1, priority_score=D("4.75")),
        # (3 + 1.2 + 1 + 0.5)/4 × 1 = 1.425 → 1.43; stored 997 = 1000 − rank 3; 1,000 cost, 300 funded (PB)
        _need(3, 2, 2, "short_term", 3, "medium", 500, D("1000.00"), priority_score=D("997.00"), priority_rank=3),
        # (4 + 1.6 + 1.5 + 1)/4 × 2 = 4.05; 100 cost, 50.01 funded (PC 100.01 / 2, remainder to the first need)
        _need(4, 1, 3, "immediate", 4, "high", 1000, D("100.00"), assessment_id=A2, linked_ppa_id=PC,
              priority_score=D("4.05")),
        # 5.00; no cost, 50.00 funded (PC, M2M) → covered
        _need(5, 1, 3, "immediate", 5, "very_high", 2500, None, assessment_id=A2),
        # (2 + 2 + 2 + 2)/4 × 2 = 4.00: not above the 4.0 threshold; unfunded, 60 cost
        _need(6, 1, 3, "medium_term", 5, "very_high", 3000, D("60.00"), assessment_id=A2),
        # 5.00; unfunded, 200 cost, 5,000 people
        _need(7, 1, 1, "immediate", 5, "very_high", 5000, D("200.00"), assessment_id=A3),
        # 5.00; unfunded with a 0 cost → not covered, weighted unmet 5
        _need(8, 1, 3, "immediate", 5, "very_high", 3000, D("0.00"), assessment_id=A2),
    ],
    "monitoring_monitoringentry_needs_addressed": [
        {"id": 1, "monitoringentry_id": PA, "need_id": 1},
        {"id": 2, "monitoringentry_id": PA, "need_id": 2},
        {"id": 3, "monitoringentry_id": PB, "need_id": 3},
        {"id": 5, "monitoringentry_id": PC, "need_id": 5},
    ],
    "monitoring_monitoringentry": [
        _ppa(id=PA, title="Clinic", category="oobc_ppa", fiscal_year=2025, budget_allocation=D("1000.00"),
             coverage_region_id=1, coverage_province_id=10, coverage_municipality_id=100),
        _ppa(id=PB, title="Classrooms", category="oobc_ppa", fiscal_year=2025, budget_allocation=D("300.00"),
             coverage_region_id=1, coverage_province_id=10),
        _ppa(id=PC, title="Medical missions", category="oobc_ppa", fiscal_year=2025, budget_allocation=D("100.01"),
             coverage_region_id=2),
        _ppa(id=PD, title="Water system", category="oobc_ppa", fiscal_year=2024, budget_allocation=D("200.00"),
             coverage_region_id=2, coverage_province_id=20, coverage_municipality_id=200),
        _ppa(id=PE, title="Central office", category="oobc_ppa", fiscal_year=2025, budget_allocation=D("999.00")),
    ],
}  # fmt: skip


def _create_raw_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        create_every_table(con)
        for table, rows in RAW_ROWS.items():
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


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict, Path]:
    tmp = tmp_path_factory.mktemp("dbt_needs_equity")
    warehouse = tmp / "warehouse.duckdb"
    _create_raw_warehouse(warehouse)
    # the saved-scenario marts descend from fct_need_gap but also need marts this selection leaves out
    run = run_dbt(warehouse, tmp, *SELECTION.split(), exclude=("path:models/marts/scenarios",))
    return warehouse, run.run_results, tmp


def test_the_build_passes_every_test_and_unit_test(built) -> None:
    _, run_results, _ = built
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    # exposures (the dashboard pages downstream) are selected too and have nothing to run
    failed = {k: v for k, v in statuses.items() if v not in ("success", "pass") and not k.startswith("exposure.")}
    assert failed == {}
    names = {uid.split(".")[2] for uid in statuses}
    for model in ("fct_need_gap", "rpt_gap_by_area", "rpt_assessment_alerts", "fct_equity", "rpt_equity_summary"):
        assert model in names
    for test in (
        "assert_needs_funding_reconciles_with_ppas",
        "assert_needs_gap_by_area_reconciles_with_needs",
        "assert_needs_stored_formula_scores_match",
        "assert_equity_spending_reconciles_with_dim_ppa",
    ):
        assert test in names


def test_need_scores_funding_and_unmet_need(built) -> None:
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        """
        select need_id, geography_id, sector, stored_score_scale, priority_score, is_high_priority, funded_via,
            funding_ppa_ids, funding_amount, unmet_cost, priority_weighted_unmet_need
        from marts.fct_need_gap order by need_id
        """,
    )
    assert rows == [
        (1, "municipality:100", "health", "obcms_formula", D("5.00"), True, "both", PA, D("666.66"), D("133.34"),
         D("0.833375")),
        (2, "municipality:100", "health", "obcms_formula", D("4.75"), True, "needs_addressed", PA, D("333.34"),
         D("66.66"), D("0.791588")),
        (3, "municipality:101", "education", "rank_board", D("1.43"), False, "needs_addressed", PB, D("300.00"),
         D("700.00"), D("1.001000")),
        (4, "municipality:200", "health", "obcms_formula", D("4.05"), True, "linked_ppa", PC, D("50.01"),
         D("49.99"), D("2.024595")),
        (5, "municipality:200", "health", "missing", D("5.00"), True, "needs_addressed", PC, D("50.00"), None,
         D("0.000000")),
        (6, "municipality:200", "health", "missing", D("4.00"), False, None, None, D("0.00"), D("60.00"),
         D("4.000000")),
        (7, "municipality:100", "health", "missing", D("5.00"), True, None, None, D("0.00"), D("200.00"),
         D("5.000000")),
        (8, "municipality:200", "health", "missing", D("5.00"), True, None, None, D("0.00"), D("0.00"),
         D("5.000000")),
    ]  # fmt: skip
    # every centavo of the three funding PPAs, once: 1,000.00 + 300.00 + 100.01
    assert _query(warehouse, "select sum(funding_amount) from marts.fct_need_gap") == [(D("1400.01"),)]


def test_gap_by_area_and_sector(built) -> None:
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        """
        select geography_id, sector, needs_count, funded_needs_count, need_coverage, high_priority_needs_count,
            high_priority_unfunded_count, high_priority_unfunded_cost, high_priority_unfunded_affected_population,
            affected_population, estimated_cost, funding_amount, unmet_cost, priority_weighted_unmet_need
        from marts.rpt_gap_by_area order by level, geography_id, sector
        """,
    )
    # n1, n2, n7: unmet 133.34 + 66.66 + 200; weighted 0.833375 + 0.791588 + 5
    isulan = (3, 2, D("0.666667"), 3, 1, D("200.00"), 5000, 10000, D("1400.00"), D("1000.00"), D("400.00"),
              D("6.624963"))  # fmt: skip
    tacurong = (1, 1, D("1.000000"), 0, 0, D("0.00"), 0, 500, D("1000.00"), D("300.00"), D("700.00"), D("1.001000"))
    # n4, n5, n6, n8: 1,000 + 2,500 + 3,000 + 3,000 people; cost 100 + 60 + 0; unmet 49.99 + 60 + 0
    davao = (4, 2, D("0.500000"), 3, 1, D("0.00"), 3000, 9500, D("160.00"), D("100.01"), D("109.99"),
             D("11.024595"))  # fmt: skip
    assert rows == [
        ("municipality:100", "health", *isulan),
        ("municipality:101", "education", *tacurong),
        ("municipality:200", "health", *davao),
        ("province:10", "education", *tacurong),
        ("province:10", "health", *isulan),
        ("province:20", "health", *davao),
        ("region:1", "education", *tacurong),
        ("region:1", "health", *isulan),
        ("region:2", "health", *davao),
    ]


def test_assessment_alerts(built) -> None:
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        """
        select assessment_id, high_priority_needs_count, high_priority_unfunded_count, high_priority_unfunded_cost,
            unfunded_share
        from marts.rpt_assessment_alerts
        """,
    )
    # A1 (completed) has all its high-priority needs funded; A2 is not completed
    assert rows == [(A3, 1, 1, D("200.00"), D("1.000000"))]


def test_equity_spending_by_area_and_year(built) -> None:
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        """
        select geography_id, fiscal_year, ppa_count, spending, population_total, obc_population,
            spending_per_capita_total, spending_per_capita_obc, unmet_need_cost, spending_prev_year,
            spending_yoy_change, spending_yoy_pct
        from marts.fct_equity order by fiscal_year, level, geography_id
        """,
    )
    # PA counts in Isulan, Sultan Kudarat and XII; PB in Sultan Kudarat and XII only; PC in XI; PD (2024) in
    # Davao City, its province and XI; PE has no area. OBC populations: 100, 300, 250 by municipality.
    assert rows == [
        ("municipality:100", 2024, 0, D("0.00"), 400, 100, D("0.0000"), D("0.0000"), D("400.00"), None, None, None),
        ("municipality:101", 2024, 0, D("0.00"), 600, 300, D("0.0000"), D("0.0000"), D("700.00"), None, None, None),
        ("municipality:200", 2024, 1, D("200.00"), 1000, 250, D("0.2000"), D("0.8000"), D("109.99"), None, None,
         None),
        ("province:10", 2024, 0, D("0.00"), 1000, 400, D("0.0000"), D("0.0000"), D("1100.00"), None, None, None),
        ("province:20", 2024, 1, D("200.00"), 1000, 250, D("0.2000"), D("0.8000"), D("109.99"), None, None, None),
        ("region:1", 2024, 0, D("0.00"), 1000, 400, D("0.0000"), D("0.0000"), D("1100.00"), None, None, None),
        ("region:2", 2024, 1, D("200.00"), 1000, 250, D("0.2000"), D("0.8000"), D("109.99"), None, None, None),
        ("municipality:100", 2025, 1, D("1000.00"), 400, 100, D("2.5000"), D("10.0000"), D("400.00"), D("0.00"),
         D("1000.00"), None),
        ("municipality:101", 2025, 0, D("0.00"), 600, 300, D("0.0000"), D("0.0000"), D("700.00"), D("0.00"),
         D("0.00"), None),
        ("municipality:200", 2025, 0, D("0.00"), 1000, 250, D("0.0000"), D("0.0000"), D("109.99"), D("200.00"),
         D("-200.00"), D("-100.0000")),
        ("province:10", 2025, 2, D("1300.00"), 1000, 400, D("1.3000"), D("3.2500"), D("1100.00"), D("0.00"),
         D("1300.00"), None),
        ("province:20", 2025, 0, D("0.00"), 1000, 250, D("0.0000"), D("0.0000"), D("109.99"), D("200.00"),
         D("-200.00"), D("-100.0000")),
        ("region:1", 2025, 2, D("1300.00"), 1000, 400, D("1.3000"), D("3.2500"), D("1100.00"), D("0.00"),
         D("1300.00"), None),
        ("region:2", 2025, 1, D("100.01"), 1000, 250, D("0.1000"), D("0.4000"), D("109.99"), D("200.00"),
         D("-99.99"), D("-49.9950")),
    ]  # fmt: skip
    # municipality level 2025: Isulan has all the spending and 400 of the 1,209.99 unmet need
    (ratio,) = _query(
        warehouse,
        "select allocation_need_ratio from marts.fct_equity where geography_id = 'municipality:100' "
        "and fiscal_year = 2025",
    )[0]
    assert float(ratio) == pytest.approx(1209.99 / 400, abs=1e-6)


# ------------------------------------------------------------------ the indices, written out in plain Python
def _indices(areas: list[tuple[str, int, float, float, float]], decompose: bool) -> dict:
    """metrics.md §3 over (area, region, spending, population, unmet need), for areas with a population."""
    areas = [a for a in areas if a[3] > 0]
    n = len(areas)
    s_total, p_total = sum(a[2] for a in areas), sum(a[3] for a in areas)
    y = {a[0]: a[2] / a[3] for a in areas}
    pi = {a[0]: a[3] / p_total for a in areas}
    mean = s_total / p_total
    out: dict = {"n_areas": n}
    if mean == 0:
        return out
    mean_u = sum(y.values()) / n
    out["coefficient_of_variation"] = math.sqrt(sum((v - mean_u) ** 2 for v in y.values()) / n) / mean_u
    out["williamson_index"] = math.sqrt(sum(pi[r] * (y[r] - mean) ** 2 for r in y)) / mean
    out["gini_weighted"] = sum(pi[r] * pi[k] * abs(y[r] - y[k]) for r in y for k in y) / (2 * mean)
    out["gini_unweighted"] = sum(abs(y[r] - y[k]) for r in y for k in y) / (2 * n * n * mean_u)
    out["theil_t"] = sum(pi[r] * y[r] / mean * math.log(y[r] / mean) for r in y if y[r] > 0)
    positive = [a for a in areas if a[2] > 0]
    p_pos = sum(a[3] for a in positive)
    mean_pos = s_total / p_pos
    out["theil_l"] = sum(a[3] / p_pos * math.log(mean_pos / y[a[0]]) for a in positive)
    if decompose:
        regions = {a[1] for a in areas}
        s_g = {g: sum(a[2] for a in areas if a[1] == g) for g in regions}
        p_g = {g: sum(a[3] for a in areas if a[1] == g) for g in regions}
        out["theil_t_between"] = sum(
            s_g[g] / s_total * math.log((s_g[g] / p_g[g]) / mean) for g in regions if s_g[g] > 0
        )
        pp_g = {g: sum(a[3] for a in positive if a[1] == g) for g in regions}
        out["theil_l_between"] = sum(
            pp_g[g] / p_pos * math.log(mean_pos / (s_g[g] / pp_g[g])) for g in regions if pp_g[g] > 0
        )
    need = {a[0]: a[4] / a[3] for a in areas}
    rank = {r: sum(pi[k] for k in y if need[k] < need[r]) + sum(pi[k] for k in y if need[k] == need[r]) / 2 for r in y}
    out["concentration_index"] = 2 * sum(pi[r] * (y[r] - mean) * (rank[r] - 0.5) for r in y) / mean
    return out


def test_equity_indices_match_the_formulas(built) -> None:
    warehouse, _, _ = built
    areas = _query(
        warehouse,
        """
        select fiscal_year, level, geography_id, region_id, spending, population_total, obc_population,
            unmet_need_cost
        from marts.fct_equity
        """,
    )
    columns = [
        "n_areas", "coefficient_of_variation", "williamson_index", "gini_weighted", "gini_unweighted", "theil_t",
        "theil_l", "theil_t_between", "theil_l_between", "concentration_index",
    ]  # fmt: skip
    summary = _query(
        warehouse, f"select fiscal_year, level, denominator, {', '.join(columns)} from marts.rpt_equity_summary"
    )
    assert len(summary) == 2 * 3 * 2  # 2 years × 3 levels × 2 denominators
    for fiscal_year, level, denominator, *values in summary:
        group = [
            (g, region, float(s), float(pt if denominator == "total" else po or 0), float(need))
            for fy, lv, g, region, s, pt, po, need in areas
            if fy == fiscal_year and lv == level
        ]
        expected = _indices(group, decompose=level != "region")
        for name, value in zip(columns, values, strict=True):
            if name in expected:
                assert float(value) == pytest.approx(expected[name], abs=2e-6), (fiscal_year, level, denominator, name)
            else:
                assert value is None, (fiscal_year, level, denominator, name)


def test_equity_summary_by_hand_for_the_regions_in_2025(built) -> None:
    warehouse, _, _ = built
    rows = _query(
        warehouse,
        """
        select n_areas, total_spending, total_population, max_min_ratio, gini_weighted, concentration_index
        from marts.rpt_equity_summary where fiscal_year = 2025 and level = 'region' and denominator = 'total'
        """,
    )
    # y = 1.3 and 0.10001, π = ½ each, ȳ = 1,400.01 / 2,000 = 0.700005: Gini = ½ · 1.19999 / (2 · 0.700005);
    # XII's need per head (1.1) is above XI's (0.10999) → R = ¾ for XII, ¼ for XI:
    # C = 2 (½ (0.599995)(¼) + ½ (−0.599995)(−¼)) / 0.700005
    assert rows == [
        (2, D("1400.01"), 2000, D("12.998700"), D("0.428565"), D("0.428565")),
    ]


def test_reconciliation_tests_catch_a_tampered_mart(built, tmp_path) -> None:
    warehouse, _, tmp = built
    copy = tmp_path / "tampered.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("update marts.fct_need_gap set funding_amount = funding_amount + 0.01 where need_id = 1")
        con.execute(
            "update marts.fct_equity set spending = spending - 0.01 "
            "where geography_id = 'region:2' and fiscal_year = 2025"
        )
    finally:
        con.close()
    shutil.copytree(tmp / "target", tmp_path / "target")
    result = run_dbt(
        copy,
        tmp_path,
        "assert_needs_funding_reconciles_with_ppas assert_equity_spending_reconciles_with_dim_ppa",
        command="test",
        check=False,
    )
    assert result.returncode != 0
    statuses = result.statuses()
    assert statuses == {
        "assert_needs_funding_reconciles_with_ppas": "fail",
        "assert_equity_spending_reconciles_with_dim_ppa": "fail",
    }
