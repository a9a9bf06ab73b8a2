"""Questions the gap-analysis page asks: where are the unfunded high-priority community needs?

Reads ``fct_need_gap`` (one row per need), ``dim_geography`` (names, population and map centres of the areas) and
``rpt_assessment_alerts``. The page's own controls travel in a :class:`NeedSelection`: a priority threshold (a need
is high priority when ``priority_score > threshold``; the mart's ``is_high_priority`` uses its dbt var, default 4.0),
urgency levels, the needs' own sectors, whether funded needs are shown too, and an area picked on the map. Every
value is a bound parameter; the sort order is picked by key from the fixed :data:`SORTS` (the key never becomes SQL).

Global filters: the needs carry no fiscal year and no MOA, so only the sector (``ppa_sector``: the need category's
sector in the PPA vocabulary, mapped by the mart) and the area (the community's region and province) apply. The
page's own "need sector" control selects the categories' sectors themselves (health, education…).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import polars as pl

from dashboards import sql
from dashboards.filters import Filters

# the mart's default (dbt var need_high_priority_threshold): the seeds' gap-analysis threshold
DEFAULT_THRESHOLD = Decimal("4.0")
MAX_THRESHOLD = Decimal("10")  # the OBCMS formula cannot exceed 10 with category weights ≤ 2
URGENCY_ORDER = ("immediate", "short_term", "medium_term", "long_term")
LEVELS = ("province", "municipality")
TOP_NEEDS = 50

# the global filter on fct_need_gap: no fiscal year, no MOA
_GLOBAL = sql.where(fiscal_year=None, moa=None, sector="ppa_sector", region="region_id", province="province_id")

# the page's own controls (threshold always; funded needs only when asked)
_PAGE = """
    (len($need_sectors::varchar[]) = 0 or list_contains($need_sectors::varchar[], sector))
    and (len($urgencies::varchar[]) = 0 or list_contains($urgencies::varchar[], urgency_level))
    and priority_score > $threshold::decimal(6, 2)
"""
_SELECTED = f"""
{_GLOBAL}
  and {_PAGE}
  and ($include_funded or not is_funded)
"""


def _threshold(value: Any) -> Decimal:
    """A usable threshold from the page's number input: the default when empty or not a number, clamped to 0–10."""
    if value is None or value == "":
        return DEFAULT_THRESHOLD
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return DEFAULT_THRESHOLD
    if not number.is_finite():
        return DEFAULT_THRESHOLD
    return min(max(number, Decimal(0)), MAX_THRESHOLD)


def _texts(values: Any) -> tuple[str, ...]:
    if values is None or values == "":
        return ()
    if not isinstance(values, list | tuple):
        values = [values]  # one value, or a tampered request's number or mapping: text that matches nothing
    return tuple(dict.fromkeys(str(v) for v in values if v is not None and str(v) != ""))


@dataclass(frozen=True)
class NeedSelection:
    """The page's controls: which needs count, and the area picked on the map (a dim_geography key or None)."""

    threshold: Decimal = DEFAULT_THRESHOLD
    urgencies: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    include_funded: bool = False
    area: str | None = None

    @classmethod
    def of(
        cls,
        threshold: Any = None,
        urgencies: Any = None,
        sectors: Any = None,
        include_funded: Any = False,
        area: Any = None,
    ) -> NeedSelection:
        """From the page's control values (a number input, dropdown values, a checklist value, the store)."""
        return cls(
            _threshold(threshold), _texts(urgencies), _texts(sectors), bool(include_funded), str(area) if area else None
        )

    def params(self) -> dict[str, Any]:
        return {
            "threshold": str(self.threshold),
            "urgencies": list(self.urgencies),
            "need_sectors": list(self.sectors),
            "include_funded": self.include_funded,
            "area": self.area,
        }


def _frame(con: duckdb.DuckDBPyConnection, query: str, filters: Filters, selection: NeedSelection, **extra: Any):
    return sql.frame(con, query, filters, **selection.params(), **extra)


# ------------------------------------------------------------------------------------------- options
_SECTOR_OPTIONS_SQL = """
select sector, count(*)::bigint as needs_count
from fct_need_gap
where sector is not null
group by sector
order by sector
"""

_URGENCY_OPTIONS_SQL = """
select urgency_level, count(*)::bigint as needs_count
from fct_need_gap
where urgency_level is not null
group by urgency_level
order by case urgency_level when 'immediate' then 1 when 'short_term' then 2 when 'medium_term' then 3
    when 'long_term' then 4 else 5 end, urgency_level
"""


def need_sectors(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The sectors of the need categories: ``sector``, ``needs_count``."""
    return con.sql(_SECTOR_OPTIONS_SQL).pl()


def urgency_levels(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The urgency levels the needs carry, most urgent first: ``urgency_level``, ``needs_count``."""
    return con.sql(_URGENCY_OPTIONS_SQL).pl()


# ------------------------------------------------------------------------------------------ headline
_HEADLINE_SQL = f"""
select
    count(*) filter (where not is_funded)::bigint as unfunded_count,
    sum(unmet_cost) filter (where not is_funded) as unfunded_unmet_cost,
    count(*) filter (where not is_funded and unmet_cost is null)::bigint as unfunded_cost_unknown,
    coalesce(sum(affected_population) filter (where not is_funded), 0)::bigint as unfunded_affected_population,
    count(*)::bigint as high_priority_count,
    count(*) filter (where is_funded)::bigint as funded_count,
    count(*) filter (where is_funded)::decimal(18, 6) / nullif(count(*), 0) as funded_share,
from fct_need_gap
where {_GLOBAL}
  and {_PAGE}
"""


def headline(con: duckdb.DuckDBPyConnection, filters: Filters, selection: NeedSelection) -> pl.DataFrame:
    """One row over the high-priority needs of the selection (funded or not; the map's area pick does not apply):
    ``unfunded_count``, ``unfunded_unmet_cost`` (null when no unfunded need has a cost), ``unfunded_cost_unknown``
    (unfunded needs without an estimated cost), ``unfunded_affected_population``, ``high_priority_count``,
    ``funded_count`` and ``funded_share`` = funded / high-priority (null when there is none)."""
    return _frame(con, _HEADLINE_SQL, filters, selection)


# ------------------------------------------------------------------------------------------- areas
def _areas_sql(level: str) -> str:
    key = "('province:' || province_id)" if level == "province" else "geography_id"
    return f"""
with selected as (
    select {key} as area_key, *
    from fct_need_gap
    where {_SELECTED}
),
by_area as (
    select
        area_key,
        count(*)::bigint as needs_count,
        count(*) filter (where unmet_cost is null)::bigint as cost_unknown_count,
        sum(unmet_cost) as unmet_cost,
        coalesce(sum(affected_population), 0)::bigint as affected_population,
    from selected
    where area_key is not null
    group by area_key
)
select
    by_area.area_key as geography_id,
    coalesce(geo.{level}_name, by_area.area_key) as area_name,
    geo.province_name,
    geo.region_name,
    geo.region_code,
    geo.center_longitude,
    geo.center_latitude,
    geo.population_total,
    by_area.needs_count,
    by_area.cost_unknown_count,
    by_area.unmet_cost,
    by_area.affected_population,
    by_area.unmet_cost / nullif(geo.population_total, 0) as unmet_per_capita,
from by_area
left join dim_geography as geo
    on geo.geography_id = by_area.area_key
order by by_area.unmet_cost desc nulls last, area_name, by_area.area_key
"""


_AREAS_SQL = {level: _areas_sql(level) for level in LEVELS}


def areas(
    con: duckdb.DuckDBPyConnection, filters: Filters, selection: NeedSelection, level: str = "province"
) -> pl.DataFrame:
    """The selected needs by province or municipality (the map's bubbles; the area pick does not apply), largest
    unmet cost first: ``geography_id``, ``area_name``, ``province_name``, ``region_name``, ``region_code``,
    ``center_longitude``/``center_latitude`` (null: no map position), ``population_total``, ``needs_count``,
    ``cost_unknown_count``, ``unmet_cost`` (null when no need has a cost), ``affected_population`` and
    ``unmet_per_capita`` = Σ unmet cost / population (null without a population)."""
    if level not in _AREAS_SQL:
        raise ValueError(f"unknown map level {level!r}: one of {', '.join(LEVELS)}")
    return _frame(con, _AREAS_SQL[level], filters, selection)


_UNPLACED_SQL = f"""
select
    count(*) filter (where province_id is null)::bigint as without_province,
    count(*) filter (where geography_id is null)::bigint as without_municipality,
from fct_need_gap
where {_SELECTED}
"""


def unplaced(con: duckdb.DuckDBPyConnection, filters: Filters, selection: NeedSelection) -> pl.DataFrame:
    """How many selected needs no bubble can hold: ``without_province``, ``without_municipality`` (communities
    not placed in OBCMS; they can still match no area filter, so these count only without one)."""
    return _frame(con, _UNPLACED_SQL, filters, selection)


_REGIONS_SQL = """
select geography_id, region_id, region_code, region_name, center_longitude, center_latitude
from dim_geography
where level = 'region' and center_longitude is not null and center_latitude is not null
order by region_code nulls last, region_name
"""


def regions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Regions with a map position, for the map's labels: ``geography_id``, ``region_id``, ``region_code``,
    ``region_name``, ``center_longitude``, ``center_latitude``."""
    return con.sql(_REGIONS_SQL).pl()


# ------------------------------------------------------------------------------------------- needs
# key -> (label, ORDER BY expression); the key chooses among these fixed texts and never becomes SQL itself
SORTS: dict[str, tuple[str, str]] = {
    "unmet_cost": ("Unmet cost", "unmet_cost"),
    "priority_score": ("Priority score", "priority_score"),
    "affected_population": ("Affected population", "affected_population"),
    "estimated_cost": ("Estimated cost", "estimated_cost"),
    "urgency": (
        "Urgency",
        "case urgency_level when 'immediate' then 4 when 'short_term' then 3 when 'medium_term' then 2 "
        "when 'long_term' then 1 end",
    ),
    "area": ("Area", "nullif(concat_ws(' ', region_name, province_name, municipality_name), '')"),
    "sector": ("Sector", "sector"),
}
DEFAULT_SORT = "unmet_cost"
_NEED_COLUMNS = """
    need_id, title, region_name, province_name, municipality_name, barangay_name, geography_id,
    sector, category_name, urgency_level, priority_score, is_high_priority, is_funded, funded_via,
    funding_ppa_ids, estimated_cost, funding_amount, unmet_cost, coverage_ratio, affected_population, status
"""


def _needs_sql(sort: str, descending: bool) -> str:
    expression = SORTS[sort][1]
    direction = "desc" if descending else "asc"
    return f"""
select {_NEED_COLUMNS}, count(*) over ()::bigint as matching_count,
from fct_need_gap
where {_SELECTED}
  and ($area::varchar is null or geography_id = $area::varchar or ('province:' || province_id) = $area::varchar)
order by {expression} {direction} nulls last, need_id
limit $limit
"""


_NEEDS_SQL = {(key, descending): _needs_sql(key, descending) for key in SORTS for descending in (True, False)}


def needs(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    selection: NeedSelection,
    sort: str | None = DEFAULT_SORT,
    descending: bool = True,
    limit: int | None = TOP_NEEDS,
) -> pl.DataFrame:
    """The selected needs (the map's area pick applied) in the chosen order, the first ``limit`` (None: all), with
    ``matching_count``, how many match in all. An unknown sort key sorts by unmet cost."""
    query = _NEEDS_SQL[(sort if isinstance(sort, str) and sort in SORTS else DEFAULT_SORT, bool(descending))]
    return _frame(con, query, filters, selection, limit=limit)


# ------------------------------------------------------------------------------------------ alerts
_ALERTS_SQL = f"""
select
    alerts.assessment_id,
    alerts.title,
    alerts.assessment_level,
    alerts.actual_end_date,
    region.region_name,
    province.province_name,
    municipality.municipality_name,
    alerts.high_priority_needs_count,
    alerts.high_priority_unfunded_count,
    alerts.unfunded_share,
    alerts.high_priority_unfunded_cost,
from rpt_assessment_alerts as alerts
left join dim_geography as region on region.geography_id = 'region:' || alerts.region_id
left join dim_geography as province on province.geography_id = 'province:' || alerts.province_id
left join dim_geography as municipality on municipality.geography_id = 'municipality:' || alerts.municipality_id
where {sql.where(fiscal_year=None, moa=None, sector=None, region="alerts.region_id", province="alerts.province_id")}
order by alerts.unfunded_share desc, alerts.high_priority_unfunded_cost desc, alerts.actual_end_date desc nulls last,
    alerts.assessment_id
"""


def alerts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    """Completed assessments with more than half their high-priority needs unfunded (at the mart's threshold), in the
    filter's area, worst first."""
    return sql.frame(con, _ALERTS_SQL, filters)


_AREA_NAME_SQL = """
select coalesce(municipality_name, province_name, region_name) as area_name, level, province_name, region_name
from dim_geography
where geography_id = $geography_id::varchar
"""


def area_name(con: duckdb.DuckDBPyConnection, geography_id: str | None) -> str | None:
    """ "Isulan (Sultan Kudarat)" / "Sultan Kudarat (SOCCSKSARGEN)" for a dim_geography key; None when unknown."""
    if not geography_id:
        return None
    rows = sql.frame(con, _AREA_NAME_SQL, geography_id=geography_id).rows(named=True)
    if not rows:
        return None
    row = rows[0]
    parent = row["province_name"] if row["level"] == "municipality" else row["region_name"]
    return f"{row['area_name']} ({parent})" if parent and row["level"] != "region" else row["area_name"]
