"""Saved scenarios go from the state database into the warehouse with the next refresh and are recomputed there by
the same engine (fct_scenario_allocations, fct_scenario_runs: dbt Python models; fct_scenario_comparison: SQL).

Its own small demo home (scale 0.1), never the shared ``demo_home``: the test saves scenarios and refreshes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dashboards import scenario_queries as q
from ingest import scenarios
from ingest.home import Home
from ingest.warehouse import read_only
from models.allocation import Bound, ScenarioSpec, StrategyWeight

pytestmark = pytest.mark.dbt  # a whole refresh: ingest and dbt build


def _demo_home(root: Path) -> Home:
    from ingest.demo import generate

    home = Home(root / "home").ensure()
    generate(home.demo_url, scale=0.1, seed=7)
    home.write_default_config(home.demo_url)
    return home


def test_saved_scenarios_are_computed_at_refresh_with_the_engine(tmp_path):
    from ingest.pipeline import refresh

    home = _demo_home(tmp_path)
    year = 2024
    first = ScenarioSpec(envelope="1000", strategies=(StrategyWeight("needs", 1),))
    mixed = ScenarioSpec(
        envelope="400000000",
        strategies=(StrategyWeight("needs", "0.5"), StrategyWeight("equity", "0.5")),
        bounds=(Bound("sector", "economic", minimum="5000000"),),
    )
    saved = scenarios.save(home.state_url, first, name="Mix", fiscal_year=year, owner="Ana")
    # a second version: the refresh computes the latest one
    scenarios.save(home.state_url, mixed, name="Mix", fiscal_year=year, owner="Ana", scenario_id=saved["scenario_id"])
    broken = scenarios.save(
        home.state_url,
        ScenarioSpec(envelope="10", locked={"no-such-ppa": "5"}),
        name="Broken",
        fiscal_year=year,
        owner="Ben",
    )

    refresh(home, command="test")

    with read_only(home) as con:
        assert con.execute("select count(*) from meta.scenario_versions").fetchall() == [(3,)]
        live = q.evaluate_spec(con, mixed, year)  # what the page computes on the same warehouse
        assert live.outcome.allocation is not None
        expected = live.outcome.allocation.amounts()
        stored = dict(
            con.execute(
                "select ppa_id, allocated_amount from fct_scenario_allocations where scenario_id = ?",
                [saved["scenario_id"]],
            ).fetchall()
        )
        assert stored == expected
        assert sum(stored.values()) == Decimal("400000000.00")  # the envelope, spent to the centavo
        baseline = con.execute(
            "select coalesce(sum(budget_allocation), 0) from dim_ppa where fiscal_year = ?", [year]
        ).fetchall()[0][0]
        rows = con.execute(
            """
            select dimension, sum(allocated_amount), sum(baseline_amount), sum(delta_vs_baseline),
                count(*), max(version)
            from fct_scenario_comparison where scenario_id = ? group by dimension order by dimension
            """,
            [saved["scenario_id"]],
        ).fetchall()
        # every breakdown adds up to the same totals; the baseline is the year's approved budget
        assert {r[0] for r in rows} == {"area", "moa", "sector", "total"}
        for _dimension, allocated, base, delta, _count, version in rows:
            assert (allocated, base, delta) == (Decimal("400000000.00"), baseline, Decimal("400000000.00") - baseline)
            assert version == 2
        economic = con.execute(
            "select allocated_amount from fct_scenario_comparison where scenario_id = ? and dimension = 'sector' "
            "and key = 'economic'",
            [saved["scenario_id"]],
        ).fetchall()[0][0]
        assert economic >= Decimal("5000000")  # the minimum holds
        total = con.execute(
            """
            select is_valid, envelope, unallocated, needs_covered, projected_beneficiaries, soft_ceilings_exceeded,
                gini_per_capita, baseline_gini_per_capita
            from fct_scenario_comparison where scenario_id = ? and dimension = 'total'
            """,
            [saved["scenario_id"]],
        ).fetchall()[0]
        assert total[:3] == (True, Decimal("400000000.00"), Decimal("0.00"))
        assert total[3] == live.needs_covered()
        assert total[4] == live.ppas()["projected_beneficiaries"].sum()
        soft_exceeded = live.outcome.allocation.ceilings.filter(
            ~live.outcome.allocation.ceilings["hard"] & (live.outcome.allocation.ceilings["status"] == "exceeded")
        ).height
        assert total[5] == soft_exceeded
        scenario_spread, baseline_spread = live.inequality()
        assert total[6] == pytest.approx(scenario_spread.gini) and total[7] == pytest.approx(baseline_spread.gini)
        assert 0 <= total[6] <= 1 and total[6] != total[7]
        # a scenario whose spec no longer fits the data: one total row saying why, no allocations
        invalid = con.execute(
            "select is_valid, problems from fct_scenario_comparison where scenario_id = ?", [broken["scenario_id"]]
        ).fetchall()
        assert len(invalid) == 1 and invalid[0][0] is False and "no-such-ppa" in invalid[0][1]
        assert con.execute(
            "select count(*) from fct_scenario_allocations where scenario_id = ?", [broken["scenario_id"]]
        ).fetchall() == [(0,)]
