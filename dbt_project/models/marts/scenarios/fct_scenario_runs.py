"""fct_scenario_runs: one row per saved scenario (its latest version) with the engine's totals for it.

Envelope, locked, allocated and unallocated amounts, ceilings (hard ones that bind, soft ones warned or exceeded),
needs covered, projected beneficiaries and the spread of spending per person across areas against the baseline's
(population-weighted Gini and Williamson; models.outcomes), or, when the spec no longer fits the data, is_valid =
false with the problems (the same messages the page shows). Computed with the same engine and inputs as
fct_scenario_allocations (dashboards.scenario_queries.evaluate_spec).
"""

import polars as pl

from dashboards.scenario_queries import evaluate_spec, latest_saved_versions, marts_search_path
from models.spec_json import spec_from_json

SCHEMA = {
    "scenario_id": pl.Int64,
    "version": pl.Int32,
    "scenario_name": pl.String,
    "description": pl.String,
    "owner": pl.String,
    "fiscal_year": pl.Int32,
    "scenario_status": pl.String,
    "saved_by": pl.String,
    "saved_at": pl.Datetime("us"),
    "strategies": pl.String,
    "is_valid": pl.Boolean,
    "problems": pl.String,
    "envelope": pl.Decimal(18, 2),
    "locked_total": pl.Decimal(18, 2),
    "allocated_total": pl.Decimal(18, 2),
    "unallocated": pl.Decimal(18, 2),
    "baseline_total": pl.Decimal(18, 2),
    "hard_ceilings_at_limit": pl.Int32,
    "soft_ceilings_exceeded": pl.Int32,
    "soft_ceilings_warning": pl.Int32,
    "needs_covered": pl.Int32,
    "projected_beneficiaries": pl.Int64,
    "gini_per_capita": pl.Float64,
    "baseline_gini_per_capita": pl.Float64,
    "williamson_per_capita": pl.Float64,
    "baseline_williamson_per_capita": pl.Float64,
    "warnings": pl.String,
}


def _problems(problems) -> str:
    return "; ".join(
        f"{p.field}{f' [{p.ppa_id or p.key}]' if (p.ppa_id or p.key) else ''}: {p.message}" for p in problems
    )


def model(dbt, session):
    dbt.config(materialized="table", contract={"enforced": False})
    # dbt reads a Python model's refs from its source, so each mart evaluate_spec reads is named here (dbt then
    # builds them first)
    dbt.ref("dim_ppa")
    dbt.ref("fct_ppa_budget")
    dbt.ref("dim_geography")
    dbt.ref("rpt_gap_by_area")
    dbt.ref("fct_performance_scorecard")
    dbt.ref("fct_bdp_alignment")
    dbt.ref("fct_need_gap")
    dbt.ref("fct_ceiling_monitor")
    dbt.ref("fct_ceiling_ppas")
    latest = latest_saved_versions(dbt.ref("stg_meta__scenarios").pl(), dbt.ref("stg_meta__scenario_versions").pl())
    rows = []
    with marts_search_path(session, dbt.this.database, dbt.this.schema):
        for row in latest.iter_rows(named=True):
            spec = spec_from_json(row["spec_json"])
            result = evaluate_spec(session, spec, row["fiscal_year"])
            allocation = result.outcome.allocation
            record = {
                "scenario_id": row["scenario_id"],
                "version": row["current_version"],
                "scenario_name": row["scenario_name"],
                "description": row["description"],
                "owner": row["owner"],
                "fiscal_year": row["fiscal_year"],
                "scenario_status": row["status"],
                "saved_by": row["saved_by"],
                "saved_at": row["saved_at"],
                "strategies": ", ".join(f"{s.strategy} {s.weight}" for s in spec.strategies),
                "is_valid": allocation is not None,
                "problems": _problems(result.outcome.errors) or None,
                "envelope": None,
                "baseline_total": result.candidates["baseline"].sum() if result.candidates.height else 0,
            }
            if allocation is not None:
                ceilings = allocation.ceilings
                ppas = result.ppas()
                scenario_spread, baseline_spread = result.inequality()
                record.update(
                    envelope=allocation.envelope,
                    locked_total=allocation.locked_total,
                    allocated_total=allocation.allocated_total,
                    unallocated=allocation.unallocated,
                    hard_ceilings_at_limit=ceilings.filter(
                        pl.col("hard") & (pl.col("allocated") >= pl.col("amount"))
                    ).height,
                    soft_ceilings_exceeded=ceilings.filter(~pl.col("hard") & (pl.col("status") == "exceeded")).height,
                    soft_ceilings_warning=ceilings.filter(~pl.col("hard") & (pl.col("status") == "warning")).height,
                    needs_covered=result.needs_covered(),
                    projected_beneficiaries=int(ppas["projected_beneficiaries"].sum()),
                    gini_per_capita=scenario_spread.gini,
                    baseline_gini_per_capita=baseline_spread.gini,
                    williamson_per_capita=scenario_spread.williamson,
                    baseline_williamson_per_capita=baseline_spread.williamson,
                    warnings=_problems(allocation.warnings) or None,
                )
            rows.append(record)
    frame = pl.DataFrame(rows, schema=SCHEMA) if rows else pl.DataFrame(schema=SCHEMA)
    return frame.to_arrow()
