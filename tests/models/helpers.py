"""Small candidate frames for the allocation tests."""

from decimal import Decimal

import polars as pl


def candidates(rows: list[dict]) -> pl.DataFrame:
    """Fill the columns a test did not care about with neutral values."""
    defaults = {
        "sector": "health",
        "area_id": "A",
        "moa": "MOH",
        "funding_source": "gaab",
        "unmet_need_score": 1.0,
        "population_total": 1000.0,
        "population_obc": 100.0,
        "performance_score": 1.0,
        "policy_priority": 1.0,
        "estimated_cost": None,
        "linked_needs": 0,
        "covered_areas": 0,
        "linked_goals": 0,
    }
    full = [{**defaults, **row} for row in rows]
    for row in full:
        row["requested_cost"] = Decimal(str(row["requested_cost"]))
    return pl.DataFrame(full, schema_overrides={"requested_cost": pl.Decimal(18, 2), "estimated_cost": pl.Float64})


def amounts(allocation) -> dict[str, Decimal]:
    return allocation.amounts()


D = Decimal
