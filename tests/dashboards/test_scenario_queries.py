"""The scenario builder's queries on a small hand-made warehouse: candidates, baseline, ceilings, need links."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pytest

from dashboards import scenario_queries as q
from dashboards.filters import Filters
from models.allocation import Ceiling, ScenarioSpec, StrategyWeight
from models.outcomes import Inequality, needs_covered, per_capita_inequality, projected_beneficiaries

D = Decimal


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table dim_ppa as select * from (values
            ('p1', 'School', 2026, 'social', 'province:1', 'MOH', 'Ministry of Health', 'gaab', 1000.00, 'moa_ppa'),
            ('p2', 'Road', 2026, 'infrastructure', 'municipality:5', 'MPW', 'Public Works', 'gaab', null, 'moa_ppa'),
            ('p3', 'Clinic', 2026, '', null, null, 'Some Office', 'oda', 50.00, 'obc_request'),
            ('p4', 'Old road', 2025, 'infrastructure', 'province:1', 'MPW', 'Public Works', 'gaab', 10.00, 'moa_ppa'),
            ('p5', 'Undated', null, 'social', 'province:1', 'MOH', 'Ministry of Health', 'gaab', 5.00, 'moa_ppa')
        ) as t(ppa_id, title, fiscal_year, sector, geography_id, moa_acronym, moa_name, funding_source,
               estimated_total_amount, category);
        create table fct_ppa_budget as select ppa_id, budget_allocation::decimal(18, 2) as budget_allocation,
            beneficiaries from (values
            ('p1', 600.00, 100), ('p2', 400.00, null), ('p3', 0.00, 7), ('p4', 99.00, 1), ('p5', 1.00, 1)
        ) as t(ppa_id, budget_allocation, beneficiaries);
        create table dim_geography as select * from (values
            ('province:1', null, 'Cotabato', 'Region XII', 1000, 200),
            ('municipality:5', 'Kidapawan', 'Cotabato', 'Region XII', 300, null)
        ) as t(geography_id, municipality_name, province_name, region_name, population_total, obc_population);
        create table rpt_gap_by_area as select * from (values
            ('province:1', 'health', 2.5), ('province:1', 'education', 1.5), ('municipality:5', 'health', 1.0)
        ) as t(geography_id, sector, priority_weighted_unmet_need);
        create table fct_performance_scorecard as select * from (values
            ('p1', 100), ('p2', null)
        ) as t(ppa_id, beneficiary_count);
        create table fct_bdp_alignment as select * from (values
            ('p1', 20.0, 2), ('p2', 0.0, 0)
        ) as t(ppa_id, policy_points, bdp_goal_count);
        create table fct_need_gap as select * from (values
            (1, 'p1, p2'), (2, 'p1'), (3, null), (4, 'p4')
        ) as t(need_id, funding_ppa_ids);
        create table fct_ceiling_monitor as select * from (values
            ('c1', 'project_central_budgetceiling', 'Health cap', 2026, 'social', null, 500.00, 'hard', 0.9, true,
             'ok'),
            ('c2', 'monitoring_ceilingmanagement', null, 2026, null, 'gaab', 2000.00, 'soft', 0.8, true, 'ok'),
            ('c3', 'project_central_budgetceiling', 'Old', 2026, 'social', null, 1.00, 'hard', 0.9, false, 'ok'),
            ('c4', 'project_central_budgetceiling', 'Unmapped', 2026, 'x', null, 1.00, 'hard', 0.9, true,
             'unmapped'),
            ('c5', 'project_central_budgetceiling', 'Last year', 2025, null, null, 1.00, 'hard', 0.9, true, 'ok'),
            ('c6', 'project_central_budgetceiling', 'Empty', 2026, 'economic', null, 9.00, 'soft', 0.9, true, 'ok')
        ) as t(ceiling_id, source_table, ceiling_name, fiscal_year, sector_stated, funding_source_stated,
               ceiling_amount, enforcement_level, warning_threshold, is_active, status);
        create table fct_ceiling_ppas as select * from (values
            ('c1', 'project_central_budgetceiling', 'p1'),
            ('c2', 'monitoring_ceilingmanagement', 'p1'),
            ('c2', 'monitoring_ceilingmanagement', 'p2'),
            ('c3', 'project_central_budgetceiling', 'p1')
        ) as t(ceiling_id, source_table, ppa_id);
        """
    )
    yield connection
    connection.close()


def test_planning_year_is_the_newest_with_ppas_unless_the_filter_picks_one(con):
    assert q.fiscal_years(con) == [2026, 2025]
    assert q.planning_year(con) == 2026
    assert q.planning_year(con, Filters(fiscal_years=(2025,))) == 2025
    assert q.planning_year(con, Filters(fiscal_years=(2025, 2026))) == 2026
    assert q.planning_year(con, Filters(fiscal_years=(1999,))) == 2026  # a year without PPAs: the newest


def test_planning_year_of_an_empty_warehouse(con):
    con.execute("delete from dim_ppa")
    assert q.planning_year(con) is None
    assert q.candidates(con, 2026).is_empty()


def test_candidates_map_the_marts_to_the_engine_columns(con):
    frame = q.candidates(con, 2026)
    assert frame["ppa_id"].to_list() == ["p1", "p2", "p3"]  # the year's PPAs only
    rows = {r["ppa_id"]: r for r in frame.iter_rows(named=True)}
    assert rows["p1"]["requested_cost"] == rows["p1"]["baseline"] == D("600.00")
    assert rows["p1"]["unmet_need_score"] == pytest.approx(4.0)  # 2.5 + 1.5 over the area's need sectors
    assert (rows["p1"]["population_total"], rows["p1"]["population_obc"]) == (1000, 200)
    assert (rows["p1"]["performance_score"], rows["p1"]["policy_priority"]) == (100, 20)
    assert (rows["p1"]["linked_needs"], rows["p1"]["covered_areas"], rows["p1"]["linked_goals"]) == (2, 1, 2)
    assert rows["p1"]["moa"] == "MOH" and rows["p1"]["area_name"] == "Cotabato"
    assert rows["p2"]["area_name"] == "Kidapawan" and rows["p2"]["linked_needs"] == 1
    assert rows["p2"]["unmet_need_score"] == pytest.approx(1.0)
    # blanks: a blank sector, no area, no MOA acronym, no scorecard row
    p3 = rows["p3"]
    assert (p3["sector"], p3["area_id"], p3["area_name"], p3["moa"]) == (
        "unspecified",
        "unplaced",
        "Not placed",
        "Some Office",
    )
    assert (p3["unmet_need_score"], p3["performance_score"], p3["population_total"]) == (0, 0, None)
    assert p3["requested_cost"] == D("0.00") and p3["beneficiaries"] == 7


def test_ceilings_are_the_years_active_mapped_ones_over_their_ppas(con):
    ceilings = {c.name.split(" [")[0]: c for c in q.ceilings(con, 2026)}
    assert set(ceilings) == {"Health cap", "gaab", "Empty"}  # not inactive, unmapped or of another year
    assert ceilings["Health cap"] == Ceiling(
        name=ceilings["Health cap"].name,
        amount=D("500.00"),
        hard=True,
        warning_threshold=0.9,
        ppa_ids=frozenset({"p1"}),
    )
    assert ceilings["gaab"].hard is False and ceilings["gaab"].ppa_ids == frozenset({"p1", "p2"})
    assert ceilings["gaab"].warning_threshold == pytest.approx(0.8)
    assert ceilings["Empty"].ppa_ids == frozenset()


def test_need_links_of_the_years_ppas(con):
    links = q.need_links(con, 2026)
    assert links.rows() == [(1, "p1"), (1, "p2"), (2, "p1")]
    assert q.need_links(con, 2025).rows() == [(4, "p4")]
    assert q.need_links(con, 2030).is_empty()


def test_evaluate_spec_uses_the_warehouse_ceilings_and_scores(con):
    # needs: p1 (score 4) and p2 (score 1) share 500 ∝ 4:1, but the hard 'Health cap' holds p1 at 500 anyway
    spec = ScenarioSpec(envelope="500", strategies=(StrategyWeight("needs", 1),))
    result = q.evaluate_spec(con, spec, 2026)
    assert result.outcome.errors == ()
    assert result.outcome.allocation.amounts() == {"p1": D("400.00"), "p2": D("100.00"), "p3": D("0.00")}
    assert result.needs_covered() == 2
    ppas = result.ppas()
    assert dict(zip(ppas["ppa_id"], ppas["projected_beneficiaries"], strict=True)) == {"p1": 66, "p2": 0, "p3": 0}
    # a bigger envelope: p1 stops at the hard ceiling (500 < its 600), the rest goes to p2
    result = q.evaluate_spec(con, ScenarioSpec(envelope="1000", strategies=(StrategyWeight("needs", 1),)), 2026)
    amounts = result.outcome.allocation.amounts()
    assert amounts["p1"] == D("500.00") and amounts["p2"] == D("400.00")
    assert result.outcome.allocation.unallocated == D("100.00")


def test_evaluate_spec_returns_problems_not_exceptions(con):
    result = q.evaluate_spec(con, ScenarioSpec(envelope="10", locked={"p9": "1"}), 2026)
    assert result.outcome.allocation is None and result.ppas().is_empty() and result.needs_covered() is None
    assert [p.field for p in result.outcome.errors] == ["locked"]


def test_saved_comparison_binds_the_year(con):
    con.execute(
        "create table fct_scenario_comparison as select * from (values (1, 2026, 'total', 'total'), "
        "(2, 2025, 'total', 'total')) as t(scenario_id, fiscal_year, dimension, key)"
    )
    assert q.saved_comparison(con, 2026)["scenario_id"].to_list() == [1]


def test_year_inputs_are_kept_per_published_file_and_year(con, tmp_path):
    """Every edit on the page recomputes on the same year of the same published file: its inputs are read once.
    A build open for writing (the refresh) is never cached; another file is another key."""
    path = tmp_path / "build.duckdb"
    con.execute(f"attach '{path}' as build; copy from database memory to build; detach build")
    assert q.year_inputs(con, 2026) is not q.year_inputs(con, 2026)  # in memory, writable: read each time
    writable = duckdb.connect(str(path))
    try:
        assert q.year_inputs(writable, 2026) is not q.year_inputs(writable, 2026)
    finally:
        writable.close()
    reader = duckdb.connect(str(path), read_only=True)
    try:
        first = q.year_inputs(reader, 2026)
        assert q.year_inputs(reader, 2026) is first
        assert q.year_inputs(reader.cursor(), 2026) is first  # another cursor on the same file
        assert q.year_inputs(reader, 2025) is not first
        assert first.candidates.equals(q.candidates(con, 2026))
        assert first.ceilings == q.ceilings(con, 2026) and first.need_links.equals(q.need_links(con, 2026))
        spec = ScenarioSpec(envelope=Decimal("500"), strategies=(StrategyWeight("needs", 1),))
        assert q.evaluate_spec(reader, spec, 2026).outcome.allocation.amounts() == (
            q.evaluate_spec(con, spec, 2026).outcome.allocation.amounts()
        )
    finally:
        reader.close()
    other = tmp_path / "next.duckdb"
    con.execute(f"attach '{other}' as nxt; copy from database memory to nxt; detach nxt")
    with duckdb.connect(str(other), read_only=True) as again:
        assert q.year_inputs(again, 2026) is not first


def test_the_baseline_is_worked_out_once_per_year_inputs(con):
    """What the approved budget buys: every PPA at its baseline. The page compares each recompute with it."""
    inputs = q.year_inputs(con, 2026)
    at_baseline = inputs.candidates.with_columns(allocated=pl.col("baseline"))
    baseline = inputs.baseline
    assert baseline.total == inputs.candidates["baseline"].sum() > 0
    assert baseline.needs_covered == needs_covered(inputs.need_links, at_baseline) > 0
    assert baseline.beneficiaries == projected_beneficiaries(at_baseline).sum()
    assert baseline.inequality == per_capita_inequality(inputs.candidates, amount="baseline")
    assert inputs.baseline is baseline  # kept with the inputs
    spec = ScenarioSpec(envelope=Decimal("500"), strategies=(StrategyWeight("needs", 1),))
    result = q.evaluate_spec(con, spec, 2026)
    assert result.baseline == baseline and result.inequality()[1] == baseline.inequality
    empty = q.year_inputs(con, 2030)
    assert empty.candidates.is_empty() and empty.baseline == q.Baseline(Decimal(0), 0, 0, Inequality(0, None, None))
