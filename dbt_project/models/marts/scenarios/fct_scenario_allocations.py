"""fct_scenario_allocations: every saved scenario's latest version, allocated PPA by PPA by the allocation engine.

The same definition the scenario page runs live (models.allocation via dashboards.scenario_queries.evaluate_spec):
the scenario's fiscal-year candidates and ceilings are read from the marts of this build, so a saved scenario is
recomputed on the current data at every refresh. A scenario whose spec no longer fits the data (e.g. a locked PPA
that disappeared) has no rows here; fct_scenario_runs says why.
"""

import polars as pl

from dashboards.scenario_queries import evaluate_spec, latest_saved_versions, marts_search_path
from models.spec_json import spec_from_json

SCHEMA = {
    "scenario_id": pl.Int64,
    "version": pl.Int32,
    "scenario_name": pl.String,
    "fiscal_year": pl.Int32,
    "scenario_status": pl.String,
    "ppa_id": pl.String,
    "title": pl.String,
    "sector": pl.String,
    "area_id": pl.String,
    "area_name": pl.String,
    "moa": pl.String,
    "requested_cost": pl.Decimal(18, 2),
    "baseline_amount": pl.Decimal(18, 2),
    "allocated_amount": pl.Decimal(18, 2),
    "delta_vs_baseline": pl.Decimal(18, 2),
    "allocation_status": pl.String,
    "beneficiaries": pl.Int64,
    "projected_beneficiaries": pl.Int64,
}


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
    frames = []
    with marts_search_path(session, dbt.this.database, dbt.this.schema):
        for row in latest.iter_rows(named=True):
            result = evaluate_spec(session, spec_from_json(row["spec_json"]), row["fiscal_year"])
            ppas = result.ppas()
            if ppas.is_empty():
                continue
            frames.append(
                ppas.select(
                    pl.lit(row["scenario_id"]).alias("scenario_id"),
                    pl.lit(row["current_version"]).alias("version"),
                    pl.lit(row["scenario_name"]).alias("scenario_name"),
                    pl.lit(row["fiscal_year"]).alias("fiscal_year"),
                    pl.lit(row["status"]).alias("scenario_status"),
                    "ppa_id",
                    "title",
                    "sector",
                    "area_id",
                    "area_name",
                    "moa",
                    pl.col("requested_cost"),
                    pl.col("baseline").alias("baseline_amount"),
                    pl.col("allocated").alias("allocated_amount"),
                    (pl.col("allocated") - pl.col("baseline")).alias("delta_vs_baseline"),
                    pl.col("status").alias("allocation_status"),
                    "beneficiaries",
                    "projected_beneficiaries",
                ).cast(SCHEMA)
            )
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=SCHEMA)
    return frame.to_arrow()
