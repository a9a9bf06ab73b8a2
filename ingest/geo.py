"""Province boundary files (OBCMS's ``province_geo.json``) into ``raw.geo_provinces``.

Format (``reference/obcms_schema.md`` §8.4): one JSON object keyed by province code (HUCs are provinces of
their own, ``HUC_`` codes), each entry::

    "ZAM_DEL_NORTE": {"name": "Zamboanga del Norte", "center": [122.666667, 8.0],
                      "bounding_box": [121.7888717, 7.146825, 123.5894171, 8.9950968],
                      "geojson": {"type": "Polygon", "coordinates": [[[121.78, 7.22], ...]]}}

One row per entry, keyed by code: name, centre (longitude, latitude), bounding box, the geometry's type and
number of points, and the geometry itself as compact JSON text (``geometry_json``). Every row keeps the file
(``_file``) and the line its entry starts on (``_line``). The file says nothing about regions: the warehouse
places an entry by its name (``stg_geo__provinces``, ``dim_geography``).

Configuration: ``path`` (the JSON file) and ``max_file_mb``. Each load is a snapshot of the whole file: an entry no
longer in it is marked deleted (never dropped).

Fails the source (``SourceError``, naming the file and line): the file is missing, empty, not UTF-8, too big, not
valid JSON, not a JSON object, or an object with no entries.

Rejects an entry (``Reject`` with ``file:line``, the code and the field; the rest loads): it is not an object;
``name``, ``center``, ``bounding_box`` or ``geojson`` is missing or not of its shape (a text; two numbers; four
numbers; an object with ``type`` and ``coordinates``); a code written twice (every copy); and what the contract
(``validation.geo``) refuses: a geometry that is not a Polygon or MultiPolygon, fewer than 4 points, a box
under 0.01°, a centre or box outside the Philippines, a centre outside its box.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from ingest.raw import MergeScope, RawTable
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import Reject, TableLoad
from ingest.textfiles import read_text
from ingest.yamlfiles import Problem, Row, frame_of, key_text, store
from validation.geo import RULE_COLUMNS, check

GEO_PROVINCES = RawTable(
    "geo_provinces",
    {
        "code": pl.String,
        "name": pl.String,
        "center_longitude": pl.Float64,
        "center_latitude": pl.Float64,
        "bbox_min_longitude": pl.Float64,
        "bbox_min_latitude": pl.Float64,
        "bbox_max_longitude": pl.Float64,
        "bbox_max_latitude": pl.Float64,
        "geometry_type": pl.String,
        "point_count": pl.Int64,
        "geometry_json": pl.String,
    },
    key=("code",),
)
RAW_TABLES = (GEO_PROVINCES,)
FIELDS = ("name", "center", "bounding_box", "geojson")
BOX_COLUMNS = ("bbox_min_longitude", "bbox_min_latitude", "bbox_max_longitude", "bbox_max_latitude")
# GeoJSON geometry type -> how deep its coordinates nest down to positions
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Constant(str):
    """NaN / Infinity / -Infinity as written: JSON has no such numbers, so they are no coordinate."""


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, _Constant):
        return str(value)
    return json.dumps(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --------------------------------------------------------------------------------------- reading
def _entries(text: str, path: Path) -> list[tuple[str, Any, int]]:
    """The top-level (code, entry, line) triples in file order, duplicates included."""
    try:
        root = json.loads(text, parse_constant=_Constant)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise SourceError(f"{path}: not valid JSON: nested too deeply to read") from exc
    if not isinstance(root, dict):
        raise SourceError(
            f'{path}: expected a JSON object keyed by province code ({{"ZAM_DEL_NORTE": {{...}}, ...}}), '
            f"found {_describe(root)}"
        )
    if not root:
        raise SourceError(f"{path}: the JSON object has no provinces")
    # json.loads keeps the last of repeated keys and no positions: walk the (valid) object once more for both
    decoder = json.JSONDecoder(parse_constant=_Constant)
    out: list[tuple[str, Any, int]] = []
    i = _WHITESPACE.match(text, 0).end() + 1  # past "{"
    line, counted = 1, 0
    while True:
        i = _WHITESPACE.match(text, i).end()
        if text[i] == "}":
            break
        line += text.count("\n", counted, i)
        counted = i
        key, i = decoder.raw_decode(text, i)
        i = _WHITESPACE.match(text, i).end() + 1  # past ":"
        value, i = decoder.raw_decode(text, _WHITESPACE.match(text, i).end())
        out.append((key, value, line))
        i = _WHITESPACE.match(text, i).end()
        if text[i] == ",":
            i += 1
    return out


def _count_points(coordinates: Any, depth: int) -> int | None:
    """Positions in ``coordinates`` nested ``depth`` lists deep; None when it is not shaped so."""
    if depth == 0:
        ok = isinstance(coordinates, list) and len(coordinates) in (2, 3) and all(map(_number, coordinates))
        return 1 if ok else None
    if not isinstance(coordinates, list):
        return None
    total = 0
    for part in coordinates:
        n = _count_points(part, depth - 1)
        if n is None:
            return None
        total += n
    return total


def _read_name(row: Row, entry: dict) -> None:
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        row.problem("name", "text", _describe(name), f"name must be the province's name as text, not {_describe(name)}")
        return
    row.values["name"] = name.strip()


def _read_center(row: Row, entry: dict) -> None:
    center = entry["center"]
    if not (isinstance(center, list) and len(center) == 2 and all(map(_number, center))):
        row.problem(
            "center", "lng_lat", _describe(center), f"center must be [longitude, latitude], not {_describe(center)}"
        )
        return
    row.values["center_longitude"], row.values["center_latitude"] = float(center[0]), float(center[1])


def _read_box(row: Row, entry: dict) -> None:
    box = entry["bounding_box"]
    if not (isinstance(box, list) and len(box) == 4 and all(map(_number, box))):
        row.problem(
            "bounding_box",
            "bbox",
            _describe(box),
            f"bounding_box must be [minLng, minLat, maxLng, maxLat], not {_describe(box)}",
        )
        return
    for column, value in zip(BOX_COLUMNS, box, strict=True):
        row.values[column] = float(value)


def _read_geometry(row: Row, entry: dict) -> None:
    geometry = entry["geojson"]
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str) or "coordinates" not in geometry:
        row.problem(
            "geojson",
            "geometry",
            _describe(geometry),
            f"geojson must be a GeoJSON geometry with `type` and `coordinates`, not {_describe(geometry)}",
        )
        return
    row.values["geometry_type"] = kind
    depth = _DEPTH.get(kind)
    points = _count_points(geometry["coordinates"], depth) if depth is not None else None
    if depth is not None and points is None:
        row.problem(
            "geojson",
            "coordinates",
            kind,
            f"the coordinates of this {kind} are not nested lists of [longitude, latitude] positions",
        )
        return
    row.values["point_count"] = points
    row.values["geometry_json"] = json.dumps(geometry, separators=(",", ":"))
    if depth is None:  # not a GeoJSON geometry type: the contract rejects the type, with the value
        row.values["point_count"] = 0


def _read_entry(code: str, entry: Any, file: str, line: int) -> Row:
    values: dict[str, Any] = dict.fromkeys(GEO_PROVINCES.columns)
    values["code"] = code.strip() or None
    row = Row(values, file, line)
    if values["code"] is None:
        row.problem("code", "not_blank", code, "the province code (the entry's key) is blank")
    if not isinstance(entry, dict):
        row.problem(
            None,
            "entry_is_object",
            _describe(entry),
            f"an entry must be an object with name, center, bounding_box and geojson, not {_describe(entry)}",
        )
        return row
    missing = [f for f in FIELDS if f not in entry or entry[f] is None]
    for field in missing:
        row.problem(field, "missing", None, f"`{field}` is missing")
    for field, read in (("name", _read_name), ("center", _read_center), ("bounding_box", _read_box)):
        if field not in missing:
            read(row, entry)
    if "geojson" not in missing:
        _read_geometry(row, entry)
    return row


# ------------------------------------------------------------------------------------- checking
def _settle(rows: list[Row]) -> list[Reject]:
    """Check the rows read; afterwards ``row.rejected`` says which are not loaded. Returns the rejects."""
    candidates = [r for r in rows if not r.problems]
    if candidates:
        frame = frame_of(GEO_PROVINCES, candidates)
        for f in check(GEO_PROVINCES, frame):
            row = candidates[f.row]
            value = f.value
            if f.column is None and f.check in RULE_COLUMNS:
                value = ", ".join(f"{c}={row.values[c]}" for c in RULE_COLUMNS[f.check])
            row.problems.append(Problem(f.column, f.check, value, f.reason))
    copies: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.values["code"] is not None:
            copies[r.values["code"]].append(r)
    for code, same in copies.items():
        if len(same) > 1:
            where = ", ".join(r.location for r in same)
            for r in same:
                reason = f"the code {code} is written {len(same)} times ({where}); no copy is loaded"
                r.problems.append(Problem("code", "duplicate_key", code, reason))
    return [
        Reject(
            GEO_PROVINCES.name,
            n,
            key_text(GEO_PROVINCES, r),
            p.column,
            p.check,
            p.value,
            p.reason,
            f"{r.file}:{p.line or r.line}",
        )
        for n, r in enumerate(rows, start=1)
        for p in r.problems
    ]


def load(ctx: LoadContext) -> list[TableOutcome]:
    path = ctx.path(ctx.require("path"))
    load_record = TableLoad(source=ctx.name, table_name=GEO_PROVINCES.name)
    text = read_text(path, ctx.max_file_bytes)
    rows = [_read_entry(code, entry, path.name, line) for code, entry, line in _entries(text, path)]
    rejects = _settle(rows)
    return [store(ctx, GEO_PROVINCES, rows, rejects, load_record, MergeScope(ctx.name))]
