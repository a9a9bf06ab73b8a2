"""Province boundary files (province_geo.json format) into raw.geo_provinces: rows, rejects, file-level failures."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest import geo
from ingest.sources import KINDS, LoadContext, SourceError, TableOutcome, loader
from validation.geo import BOX_TOO_SMALL, CENTER_IN_BOX

SQUARE = [[[124.0, 6.0], [125.0, 6.0], [125.0, 7.0], [124.0, 7.0], [124.0, 6.0]]]


def entry(name: str = "Sultan Kudarat", center=(124.5, 6.5), box=(124.0, 6.0, 125.0, 7.0), geometry=None) -> dict:
    return {
        "name": name,
        "center": list(center),
        "bounding_box": list(box),
        "geojson": geometry if geometry is not None else {"type": "Polygon", "coordinates": SQUARE},
    }


GOOD = {
    "SULTAN_KUDARAT": entry(),
    "HUC_DAVAO_CITY": entry(
        "Davao City",
        center=(125.5, 7.2),
        box=(125.2, 6.9, 125.7, 7.6),
        geometry={"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]},
    ),
}


class Run:
    """Loads a boundary file into one in-memory warehouse, as a refresh would."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.path = tmp_path / "province_geo.json"
        self.con = duckdb.connect()
        self.runs = 0

    def __call__(self, content: dict | str | bytes | None = None) -> TableOutcome:
        if isinstance(content, bytes):
            self.path.write_bytes(content)
        elif isinstance(content, str):
            self.path.write_text(content, encoding="utf-8")
        elif content is not None:
            self.path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        self.runs += 1
        ctx = LoadContext(
            con=self.con,
            run_id=f"r{self.runs}",
            source={"name": "geo", "kind": "geo", "path": self.path.name},
            base_dir=self.tmp_path,
        )
        (outcome,) = geo.load(ctx)
        return outcome

    def rows(self, columns: str = "code", where: str = "_deleted_at IS NULL") -> list[tuple]:
        return self.con.execute(f"SELECT {columns} FROM raw.geo_provinces WHERE {where} ORDER BY ALL").fetchall()


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path)


def _rejects(outcome: TableOutcome) -> list[tuple]:
    return [(r.row_key, r.column_name, r.check_name) for r in outcome.rejects]


def test_the_kind_is_registered():
    assert KINDS["geo"] == "ingest.geo"
    assert loader("geo") is geo.load


def test_a_good_file_loads_every_entry_with_its_line_and_geometry(run: Run):
    outcome = run(GOOD)
    assert (outcome.load.rows_read, outcome.load.rows_loaded, outcome.load.rows_rejected) == (2, 2, 0)
    assert outcome.rejects == []
    rows = run.rows(
        "code, name, center_longitude, center_latitude, bbox_min_longitude, bbox_max_latitude, geometry_type, "
        "point_count, _file, _line"
    )
    # json.dumps(indent=2): the first key is on line 2; an entry with a 5-point ring spans 40 lines
    assert rows == [
        ("HUC_DAVAO_CITY", "Davao City", 125.5, 7.2, 125.2, 7.6, "MultiPolygon", 10, "province_geo.json", 42),
        ("SULTAN_KUDARAT", "Sultan Kudarat", 124.5, 6.5, 124.0, 7.0, "Polygon", 5, "province_geo.json", 2),
    ]
    (geometry,) = run.con.execute(
        "SELECT geometry_json FROM raw.geo_provinces WHERE code = 'SULTAN_KUDARAT'"
    ).fetchone()
    assert json.loads(geometry) == {"type": "Polygon", "coordinates": SQUARE}


def test_loading_again_changes_nothing_and_a_dropped_entry_is_marked_deleted(run: Run):
    run(GOOD)
    again = run(GOOD)
    assert (again.load.rows_unchanged, again.load.rows_inserted, again.load.rows_updated) == (2, 0, 0)
    later = run({"SULTAN_KUDARAT": GOOD["SULTAN_KUDARAT"]})
    assert later.load.rows_deleted == 1
    assert run.rows() == [("SULTAN_KUDARAT",)]
    assert run.rows(where="_deleted_at IS NOT NULL") == [("HUC_DAVAO_CITY",)]


@pytest.mark.parametrize(
    ("bad", "expected", "reason_part"),
    [
        # centre outside its own box (both in the Philippines)
        (entry(center=(125.5, 6.5)), {(None, CENTER_IN_BOX)}, "inside"),
        # a point in Borneo: centre and box outside the Philippines
        (
            entry(center=(114.5, 3.0), box=(114.0, 2.5, 115.0, 3.5)),
            {
                ("center_longitude", "in_range(116.0, 127.0)"),
                ("center_latitude", "in_range(4.0, 21.5)"),
                ("bbox_min_longitude", "in_range(116.0, 127.0)"),
                ("bbox_max_longitude", "in_range(116.0, 127.0)"),
                ("bbox_min_latitude", "in_range(4.0, 21.5)"),
                ("bbox_max_latitude", "in_range(4.0, 21.5)"),
            },
            "outside the Philippines",
        ),
        # HUC_ILIGAN_CITY's defect: a 3-point LineString with a hair-thin box
        (
            entry(
                center=(121.0313472, 14.3284364),
                box=(121.031286, 14.3284053, 121.031408, 14.3284682),
                geometry={
                    "type": "LineString",
                    "coordinates": [[121.031286, 14.3284053], [121.0313, 14.3284], [121.031408, 14.3284682]],
                },
            ),
            {
                ("geometry_type", "isin(['Polygon', 'MultiPolygon'])"),
                ("point_count", "greater_than_or_equal_to(4)"),
                (None, BOX_TOO_SMALL),
            },
            "LineString",
        ),
        # COTABATO's defect: a 5-point ~40 m square
        (
            entry(
                center=(125.0899339, 7.0083021),
                box=(125.0897327, 7.0081141, 125.090135, 7.0084899),
                geometry={
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [125.0897327, 7.0081141],
                            [125.090135, 7.0081141],
                            [125.090135, 7.0084899],
                            [125.0897327, 7.0084899],
                            [125.0897327, 7.0081141],
                        ]
                    ],
                },
            ),
            {(None, BOX_TOO_SMALL)},
            "placeholder",
        ),
        # a triangle that is not closed: too few points for a ring
        (
            entry(geometry={"type": "Polygon", "coordinates": [[[124.0, 6.0], [125.0, 6.0], [125.0, 7.0]]]}),
            {("point_count", "greater_than_or_equal_to(4)")},
            "at least 4",
        ),
        # a box written max-first
        (entry(box=(125.0, 7.0, 124.0, 6.0)), None, "min < max"),
    ],
    ids=["centre_outside_box", "outside_philippines", "linestring", "tiny_square", "three_points", "box_reversed"],
)
def test_each_bad_entry_is_rejected_with_its_reason_and_the_rest_loads(run: Run, bad, expected, reason_part):
    outcome = run({**GOOD, "BAD_ONE": bad})
    assert (outcome.load.rows_read, outcome.load.rows_loaded, outcome.load.rows_rejected) == (3, 2, 1)
    assert run.rows() == [("HUC_DAVAO_CITY",), ("SULTAN_KUDARAT",)]
    assert {r.row_key for r in outcome.rejects} == {"BAD_ONE"}
    if expected is not None:
        assert {(r.column_name, r.check_name) for r in outcome.rejects} == expected
    assert any(reason_part in r.reason for r in outcome.rejects), [r.reason for r in outcome.rejects]
    # the entry's line: "BAD_ONE" is the third key (json.dumps(indent=2))
    assert all(r.location.startswith("province_geo.json:") for r in outcome.rejects)
    assert {int(r.location.rsplit(":", 1)[1]) for r in outcome.rejects} == {
        run.path.read_text().splitlines().index('  "BAD_ONE": {') + 1
    }


@pytest.mark.parametrize(
    ("bad", "column", "check"),
    [
        ("not an object", None, "entry_is_object"),
        (
            {
                "center": [124.5, 6.5],
                "bounding_box": [124, 6, 125, 7],
                "geojson": {"type": "Polygon", "coordinates": SQUARE},
            },
            "name",
            "missing",
        ),
        ({**entry(), "center": None}, "center", "missing"),
        ({**entry(), "center": [124.5]}, "center", "lng_lat"),
        ({**entry(), "center": ["124.5", 6.5]}, "center", "lng_lat"),
        ({**entry(), "bounding_box": [124, 6, 125]}, "bounding_box", "bbox"),
        ({**entry(), "name": 12}, "name", "text"),
        ({**entry(), "geojson": {"type": "Polygon"}}, "geojson", "geometry"),
        ({**entry(), "geojson": {"type": "Polygon", "coordinates": [[124.0, 6.0]]}}, "geojson", "coordinates"),
    ],
    ids=[
        "not_object",
        "no_name",
        "null_center",
        "short_center",
        "text_center",
        "short_box",
        "name_number",
        "no_coordinates",
        "flat_coordinates",
    ],
)
def test_entries_of_the_wrong_shape_are_rejected_naming_the_field(run: Run, bad, column, check):
    outcome = run({"BAD_ONE": bad, **GOOD})
    assert (outcome.load.rows_loaded, outcome.load.rows_rejected) == (2, 1)
    assert _rejects(outcome) == [("BAD_ONE", column, check)]
    assert outcome.rejects[0].location == "province_geo.json:2"


def test_nan_is_no_coordinate(run: Run):
    content = json.dumps({**GOOD, "BAD_ONE": entry()}).replace("[124.5, 6.5]", "[NaN, 6.5]", 1)
    outcome = run(content)
    assert ("SULTAN_KUDARAT", "center", "lng_lat") in _rejects(outcome)


def test_a_code_written_twice_loads_no_copy(run: Run):
    body = json.dumps(GOOD["SULTAN_KUDARAT"])
    outcome = run(
        '{\n"SK": ' + body + ',\n"SK": ' + body + ',\n"HUC_DAVAO_CITY": ' + json.dumps(GOOD["HUC_DAVAO_CITY"]) + "\n}"
    )
    assert run.rows() == [("HUC_DAVAO_CITY",)]
    assert _rejects(outcome) == [("SK", "code", "duplicate_key"), ("SK", "code", "duplicate_key")]
    assert [r.location for r in outcome.rejects] == ["province_geo.json:2", "province_geo.json:3"]
    assert (outcome.load.rows_read, outcome.load.rows_loaded, outcome.load.rows_rejected) == (3, 1, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"SK": {"name": "Sultan Kudarat",\n  "center": [124.5, 6.5,]}}',
            "line 2, column 25: not valid JSON: Expecting value",
        ),
        ("[1, 2]", "expected a JSON object keyed by province code"),
        ('"SK"', "expected a JSON object keyed by province code"),
        ("{}", "has no provinces"),
        ("   \n", "has no content"),
        (b'{"SK": "\xff"}', "not UTF-8"),
    ],
    ids=["malformed", "a_list", "a_string", "empty_object", "blank", "not_utf8"],
)
def test_a_file_that_cannot_be_read_fails_the_source(run: Run, content, message):
    with pytest.raises(SourceError, match=message) as err:
        run(content)
    assert "province_geo.json" in str(err.value)


def test_a_missing_file_fails_the_source(run: Run):
    with pytest.raises(SourceError):
        run()
