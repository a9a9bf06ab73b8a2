"""The global filter as SQL, written once: WHERE conditions for a mart's columns and a runner that binds them.

The user's selection never becomes SQL text: the conditions refer to bound list parameters (``$fiscal_years``,
``$moas``, ``$sectors``, ``$areas``), where an empty list means "all". DuckDB refuses parameters a statement does
not use, so :func:`frame` binds exactly those the statement names.

A mart takes part in a filter only through the columns it names; a page whose mart lacks a dimension (a policy
has no MOA) passes ``None`` for it and says so on screen (:func:`dashboards.components.filter_note`).

Area: the filter holds dim_geography keys of regions and provinces (``region:3``, ``province:12``). A row matches
when its region or its province is selected. PPA-keyed marts without geography columns match through the PPA's
coverage area in ``dim_ppa`` (``ppa_id=``).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import polars as pl

from dashboards.filters import UNSPECIFIED_SECTOR, Filters

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _area_keys(region: str | None, province: str | None) -> str:
    keys = []
    if region:
        keys.append(f"concat('region:', {region})")
    if province:
        keys.append(f"concat('province:', {province})")
    return f"[{', '.join(keys)}]"


def where(
    *,
    fiscal_year: str | None = "fiscal_year",
    moa: str | None = "moa_acronym",
    sector: str | None = "sector",
    region: str | None = None,
    province: str | None = None,
    ppa_id: str | None = None,
) -> str:
    """The global filter's conditions on the given columns (SQL expressions), joined by ``and``.

    ``region``/``province``: the row's own region and province ids; ``ppa_id``: match the area through the PPA's
    coverage in ``dim_ppa`` instead. Pass ``None`` for a dimension the mart does not have.
    """
    parts = []
    if fiscal_year:
        parts.append(f"(len($fiscal_years::bigint[]) = 0 or list_contains($fiscal_years::bigint[], {fiscal_year}))")
    if moa:
        parts.append(f"(len($moas::varchar[]) = 0 or list_contains($moas::varchar[], {moa}))")
    if sector:
        parts.append(
            f"(len($sectors::varchar[]) = 0 "
            f"or list_contains($sectors::varchar[], coalesce({sector}, '{UNSPECIFIED_SECTOR}')))"
        )
    if region or province:
        parts.append(f"(len($areas::varchar[]) = 0 or list_has_any($areas::varchar[], {_area_keys(region, province)}))")
    elif ppa_id:
        parts.append(
            "(len($areas::varchar[]) = 0 or "
            f"{ppa_id} in (select area_ppa.ppa_id from dim_ppa as area_ppa where list_has_any($areas::varchar[], "
            f"{_area_keys('area_ppa.coverage_region_id', 'area_ppa.coverage_province_id')})))"
        )
    return "\n  and ".join(parts) or "true"


def parameters(sql: str, filters: Filters | None = None, **extra: Any) -> dict[str, Any]:
    """The filter's and the extra values of exactly the parameters ``sql`` names."""
    offered = {**(filters.params() if filters is not None else {}), **extra}
    named = set(_PARAMETER.findall(sql))
    missing = named - offered.keys()
    if missing:
        raise ValueError(f"no value for the query parameters {sorted(missing)}")
    return {name: value for name, value in offered.items() if name in named}


def frame(con: duckdb.DuckDBPyConnection, sql: str, filters: Filters | None = None, **extra: Any) -> pl.DataFrame:
    """Run ``sql`` with the filter (and ``extra``) bound; the whole result as a polars frame."""
    return con.sql(sql, params=parameters(sql, filters, **extra)).pl()
