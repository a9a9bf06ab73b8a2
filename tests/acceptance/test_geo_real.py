"""OBCMS's published province_geo.json through the geo source: 22 outlines load, the two known bad ones are reported.

The file (obcms_schema.md §8.4) has 24 entries; HUC_ILIGAN_CITY is a 3-point LineString placed in Luzon and
COTABATO a 5-point ~40 m square at Kidapawan instead of the province outline. Expectations are computed here from
the file with plain ``json`` (names, centres), not from the loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest import geo
from ingest.sources import LoadContext
from tests.conftest import SHARED_DATA
from validation.geo import BOX_TOO_SMALL

pytestmark = pytest.mark.acceptance

GEO_FILE = SHARED_DATA / "province_geo.json"
BAD = {"HUC_ILIGAN_CITY", "COTABATO"}


@pytest.fixture(scope="module")
def loaded() -> tuple[duckdb.DuckDBPyConnection, object]:
    if not GEO_FILE.exists():
        pytest.fail(f"{GEO_FILE} is missing")
    con = duckdb.connect()
    ctx = LoadContext(
        con=con, run_id="acceptance", source={"name": "geo", "kind": "geo", "path": str(GEO_FILE)}, base_dir=Path(".")
    )
    (outcome,) = geo.load(ctx)
    return con, outcome


def test_22_provinces_load_and_the_two_bad_geometries_are_rejected(loaded):
    con, outcome = loaded
    entries = json.loads(GEO_FILE.read_text(encoding="utf-8"))
    assert len(entries) == 24
    assert (outcome.load.rows_read, outcome.load.rows_loaded, outcome.load.rows_rejected) == (24, 22, 2)
    assert {r.row_key for r in outcome.rejects} == BAD
    codes = [r[0] for r in con.execute("SELECT code FROM raw.geo_provinces ORDER BY code").fetchall()]
    assert codes == sorted(set(entries) - BAD)
    for code, name, lng, lat in con.execute(
        "SELECT code, name, center_longitude, center_latitude FROM raw.geo_provinces"
    ).fetchall():
        assert (name, [lng, lat]) == (entries[code]["name"], entries[code]["center"])
    types = dict(con.execute("SELECT geometry_type, count(*) FROM raw.geo_provinces GROUP BY 1").fetchall())
    assert types == {"Polygon": 21, "MultiPolygon": 1}  # Davao City is the MultiPolygon


def test_each_reject_says_why_and_where(loaded):
    _, outcome = loaded
    by_code: dict[str, list] = {}
    for r in outcome.rejects:
        by_code.setdefault(r.row_key, []).append(r)
    iligan = {r.column_name: r for r in by_code["HUC_ILIGAN_CITY"]}
    assert iligan["geometry_type"].failure_value == "LineString"
    assert "Polygon or MultiPolygon" in iligan["geometry_type"].reason
    assert iligan["point_count"].failure_value == "3"
    cotabato = by_code["COTABATO"]
    assert [r.check_name for r in cotabato] == [BOX_TOO_SMALL]
    assert "placeholder" in cotabato[0].reason
    lines = GEO_FILE.read_text(encoding="utf-8").splitlines()
    for code, rejects in by_code.items():
        (line,) = {int(r.location.rsplit(":", 1)[1]) for r in rejects}
        assert rejects[0].location.startswith("province_geo.json:")
        assert lines[line - 1].strip().startswith(f'"{code}"')
