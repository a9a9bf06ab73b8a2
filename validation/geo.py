"""Pandera contract for province boundary files (``raw.geo_provinces``, OBCMS's ``province_geo.json``).

A province (or HUC) row is kept only when it can be drawn where it belongs:

* its geometry is a ``Polygon`` or ``MultiPolygon`` (an outline; a ``LineString`` or a point is not one);
* the geometry has at least 4 points (a closed ring) and its bounding box is at least ``MIN_BOX_DEGREES``
  wide and high (about 1 km: a province is never smaller; a 40 m square is a placeholder, not an outline);
* the centre and the bounding box lie in the Philippines (``LONGITUDE_RANGE``, ``LATITUDE_RANGE``);
* the box is ordered (min < max) and the centre lies inside it.

Each failure names the field (or, for a rule on several fields, the rule) and the value; the loader adds the
file, the line and the province code. Rows are validated with ``lazy=True`` so every failure is reported.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ingest.raw import RawTable
from validation.failures import Failure, failures
from validation.ppa_yaml import build_contract

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
LONGITUDE_RANGE = (116.0, 127.0)  # degrees east: the Philippines, with its seas
LATITUDE_RANGE = (4.0, 21.5)  # degrees north
MIN_BOX_DEGREES = 0.01
MIN_POINTS = 4

REQUIRED = (
    "code",
    "name",
    "center_longitude",
    "center_latitude",
    "bbox_min_longitude",
    "bbox_min_latitude",
    "bbox_max_longitude",
    "bbox_max_latitude",
    "geometry_type",
    "point_count",
    "geometry_json",
)
_LNG = ("center_longitude", "bbox_min_longitude", "bbox_max_longitude")
_LAT = ("center_latitude", "bbox_min_latitude", "bbox_max_latitude")
CHECKS: dict[str, tuple[pa.Check, ...]] = {
    "geometry_type": (pa.Check.isin(list(GEOMETRY_TYPES)),),
    "point_count": (pa.Check.ge(MIN_POINTS),),
    **{c: (pa.Check.in_range(*LONGITUDE_RANGE),) for c in _LNG},
    **{c: (pa.Check.in_range(*LATITUDE_RANGE),) for c in _LAT},
}
ORDERED_BOX = "the bounding box must be [minLng, minLat, maxLng, maxLat] with min < max"
CENTER_IN_BOX = "the centre must lie inside the bounding box"
BOX_TOO_SMALL = (
    f"the bounding box must be at least {MIN_BOX_DEGREES}° wide and high; "
    "a smaller one is a placeholder, not a province outline"
)
ROW_RULES: tuple[tuple[pl.Expr, str], ...] = (
    (
        (pl.col("bbox_min_longitude") < pl.col("bbox_max_longitude"))
        & (pl.col("bbox_min_latitude") < pl.col("bbox_max_latitude")),
        ORDERED_BOX,
    ),
    (
        pl.col("center_longitude").is_between(pl.col("bbox_min_longitude"), pl.col("bbox_max_longitude"))
        & pl.col("center_latitude").is_between(pl.col("bbox_min_latitude"), pl.col("bbox_max_latitude")),
        CENTER_IN_BOX,
    ),
    (
        ((pl.col("bbox_max_longitude") - pl.col("bbox_min_longitude")) >= MIN_BOX_DEGREES)
        & ((pl.col("bbox_max_latitude") - pl.col("bbox_min_latitude")) >= MIN_BOX_DEGREES),
        BOX_TOO_SMALL,
    ),
)
# the fields each row rule reads, for the reject's value
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    ORDERED_BOX: ("bbox_min_longitude", "bbox_min_latitude", "bbox_max_longitude", "bbox_max_latitude"),
    CENTER_IN_BOX: (
        "center_longitude",
        "center_latitude",
        "bbox_min_longitude",
        "bbox_min_latitude",
        "bbox_max_longitude",
        "bbox_max_latitude",
    ),
    BOX_TOO_SMALL: ("bbox_min_longitude", "bbox_min_latitude", "bbox_max_longitude", "bbox_max_latitude"),
}

_CONTRACTS: dict[str, pa.DataFrameSchema] = {}


def contract(table: RawTable) -> pa.DataFrameSchema:
    if table.name not in _CONTRACTS:
        _CONTRACTS[table.name] = build_contract(table, REQUIRED, CHECKS, ROW_RULES)
    return _CONTRACTS[table.name]


def explain(check: str, column: str | None, value: str | None) -> str:
    """A reason a person can act on, for one failure of the contract."""
    if column is None:
        return check  # row rules carry their description as the check name
    if check.startswith("isin"):
        return f"{column} must be Polygon or MultiPolygon (a province outline), not {value!r}"
    if column == "point_count":
        return f"the geometry has {value} points; an outline needs at least {MIN_POINTS}"
    if check.startswith("in_range"):
        lo, hi = LONGITUDE_RANGE if column in _LNG else LATITUDE_RANGE
        axis = "longitude" if column in _LNG else "latitude"
        return f"{column} {value} is outside the Philippines ({axis} {lo:g} to {hi:g})"
    if check == "not_nullable":
        return f"{column} is required but empty"
    if check.startswith("str_length"):
        return f"{column} is required but blank"
    return f"{column} failed {check}: {value}"


def check(table: RawTable, frame: pl.DataFrame) -> list[Failure]:
    """Every failure of ``frame`` (rows of ``table``) against its contract, with readable reasons."""
    return failures(contract(table), frame, explain=explain)
