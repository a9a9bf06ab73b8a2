"""Questions the equity page asks the warehouse: SQL on the equity marts → polars frames.

The marts: ``fct_equity`` (one row per area — region, province, municipality — per fiscal year: spending, both
populations, per-capita spending on both denominators, need and allocation shares) and ``rpt_equity_summary`` (one
row per fiscal year, level and denominator: the inequality indices of metrics.md §3), plus ``dim_geography`` for the
areas' names.

Global filters: the page shows ONE fiscal year (:func:`shown_year` picks it from the selection); the area filter
narrows the per-area rows through the mart's own ``region_id``/``province_id``. MOA and sector do not apply: the
equity mart is by area only. The indices are the mart's, computed over every area of the level, so the area filter
does not narrow them either (the page says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import Filters

LEVELS = ("region", "province", "municipality")
DEFAULT_LEVEL = "province"

_YEARS_SQL = "select distinct fiscal_year from fct_equity order by fiscal_year desc"


def equity_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The fiscal years the equity mart has, latest first."""
    return [row[0] for row in con.sql(_YEARS_SQL).fetchall()]


@dataclass(frozen=True)
class ShownYear:
    fiscal_year: int | None  # None: the mart has no year the selection can show
    note: str  # how the year was chosen, for the page


def shown_year(filters: Filters, available: Sequence[int]) -> ShownYear:
    """The one fiscal year the page shows: the selected year; of several selected, the latest the mart has; with
    none selected, the latest the mart has."""
    years = sorted(set(available), reverse=True)
    selected = sorted(set(filters.fiscal_years), reverse=True)
    if not years:
        return ShownYear(None, "No fiscal year has spending placed in an area yet.")
    if not selected:
        return ShownYear(years[0], f"Showing FY {years[0]}, the latest year (no fiscal year is selected).")
    present = [y for y in selected if y in years]
    if not present:
        chosen = ", ".join(str(y) for y in sorted(selected))
        return ShownYear(None, f"No spending is placed in an area in FY {chosen}.")
    if len(selected) == 1:
        return ShownYear(present[0], f"Showing FY {present[0]}.")
    return ShownYear(
        present[0], f"Showing FY {present[0]}, the latest of the selected years (the indices are per year)."
    )


# ------------------------------------------------------------------------------------------------ areas
_AREAS_SQL = f"""
select
    e.geography_id,
    e.fiscal_year,
    e.level,
    case e.level
        when 'region' then coalesce(g.region_name, g.region_code, e.geography_id)
        when 'province' then coalesce(g.province_name, e.geography_id)
        else coalesce(g.municipality_name, e.geography_id)
    end as area_name,
    g.region_code,
    g.region_name,
    g.province_name,
    e.ppa_count,
    e.spending,
    e.population_total,
    e.obc_population,
    e.spending_per_capita_total,
    e.spending_per_capita_obc,
    e.unmet_need_cost,
    e.high_priority_unfunded_count,
    e.allocation_share,
    e.need_share,
    e.allocation_need_ratio,
    e.spending_prev_year,
    e.spending_yoy_change,
    e.spending_yoy_pct,
from fct_equity as e
left join dim_geography as g on g.geography_id = e.geography_id
where e.level = $level
  and e.fiscal_year = $fiscal_year
  and {sql.where(fiscal_year=None, moa=None, sector=None, region="e.region_id", province="e.province_id")}
order by e.spending_per_capita_total desc nulls last, e.spending desc, area_name, e.geography_id
"""


def areas(con: duckdb.DuckDBPyConnection, filters: Filters, fiscal_year: int | None, level: str) -> pl.DataFrame:
    """The areas of ``level`` in ``fiscal_year`` (area filter applied), highest spending per person first."""
    return sql.frame(con, _AREAS_SQL, filters, level=level, fiscal_year=fiscal_year)


# ---------------------------------------------------------------------------------------------- indices
_INDICES_SQL = """
select
    fiscal_year,
    level,
    denominator,
    n_areas,
    n_areas_without_population,
    n_areas_zero_spending,
    total_spending,
    total_population,
    mean_per_capita,
    max_min_ratio,
    coefficient_of_variation,
    williamson_index,
    gini_weighted,
    gini_unweighted,
    theil_t,
    theil_t_between,
    theil_t_within,
    theil_l,
    theil_l_between,
    theil_l_within,
    concentration_index,
    gini_weighted_prev_year,
    gini_weighted_yoy_change,
from rpt_equity_summary
where fiscal_year = $fiscal_year and level = $level
order by denominator = 'obc', denominator
"""


def indices(con: duckdb.DuckDBPyConnection, fiscal_year: int | None, level: str) -> pl.DataFrame:
    """The inequality indices of ``level`` in ``fiscal_year``: one row per denominator, 'total' first. Over every
    area of the level (the global filters do not narrow them)."""
    return sql.frame(con, _INDICES_SQL, fiscal_year=fiscal_year, level=level)
