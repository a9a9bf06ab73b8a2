"""The real OBCMS rollup baseline: Django's ORM and django-mptt, one ``get_descendants().aggregate()`` per node.

A tiny demo OBCMS source (no dbt), its work items copied into the bench's MPTT table; the Django baseline must read
that table as OBCMS's model would and give the same figures as the raw per-node SQL, node by node.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.bench import mptt, obcms_django
from ingest.bench.report import ROLLUP_RATIO, information, targets
from ingest.demo.generator import generate

pytestmark = pytest.mark.skipif(bool(obcms_django.missing()), reason="Django and django-mptt are dev dependencies")


@pytest.fixture(scope="module")
def dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    base = tmp_path_factory.mktemp("obcms_django")
    source = base / "obcms.sqlite3"
    generate(f"sqlite:///{source}", scale=0.02, seed=3)
    db = base / "mptt.sqlite3"
    n = mptt.build_mptt_db(source, db)
    return source, db, n


def test_django_gives_the_raw_per_node_figures(dbs) -> None:
    """Every node's descendant count (with itself) and rolled-up expenditure, through Django + django-mptt, equal
    the plain SQL the bench's raw baseline runs: the ids (32-character hex) read back as OBCMS's UUIDs."""
    _, db, n = dbs
    theirs = obcms_django.figures(db, include_self=True)
    raw = mptt.mptt_figures(db, include_self=True)
    assert len(theirs) == len(raw) == n > 100
    assert theirs == raw
    assert sum(spent for _, spent in theirs.values()) > Decimal(0)
    assert any(count > 1 for count, _ in theirs.values()) and any(count == 1 for count, _ in theirs.values())


def test_descendants_only_leaves_out_the_node_itself(dbs) -> None:
    _, db, _ = dbs
    with_self = obcms_django.figures(db, include_self=True)
    without = obcms_django.figures(db, include_self=False)
    assert without == mptt.mptt_figures(db, include_self=False)
    assert set(without) == set(with_self)
    assert all(without[k][0] == with_self[k][0] - 1 for k in with_self)
    # a leaf has no descendants: django-mptt answers without a query, with nothing to sum
    assert any(count == 0 and spent == 0 for count, spent in without.values())


@pytest.mark.parametrize("include_self", [True, False])
def test_every_node_is_timed_unless_sampled(dbs, include_self: bool) -> None:
    _, db, n = dbs
    every = mptt.django_per_node_rollups(db, include_self=include_self)
    assert (every.nodes, every.timed, every.include_self) == (n, n, include_self)
    assert every.seconds > 0 and not every.sampled and every.estimated_seconds == every.seconds
    some = mptt.django_per_node_rollups(db, include_self=include_self, sample=50, seed=4)
    assert (some.nodes, some.timed, some.include_self) == (n, 50, include_self)
    assert some.sampled and some.estimated_seconds == pytest.approx(some.seconds * n / 50)
    # a sample as large as the table times every node
    assert mptt.django_per_node_rollups(db, include_self=include_self, sample=n + 1).timed == n


def test_django_stays_in_its_own_process(dbs) -> None:
    """The bench process never imports Django: the baseline runs it in a child."""
    _, db, n = dbs
    code = (
        "import json, sys; from pathlib import Path; from ingest.bench import mptt, obcms_django; "
        f"r = mptt.django_per_node_rollups(Path({str(db)!r}), include_self=True, sample=5); "
        "print(json.dumps([r.nodes, r.timed, 'django' in sys.modules, 'mptt' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [n, 5, False, False]


def test_failures_are_runtime_errors_with_the_child_s_stderr(dbs, tmp_path: Path, monkeypatch) -> None:
    source, _, _ = dbs
    # the demo source itself has no work_item table: Django's error comes back
    with pytest.raises(RuntimeError, match="no such table: work_item"):
        mptt.django_per_node_rollups(source, include_self=True)
    with pytest.raises(RuntimeError, match="no such database"):
        mptt.django_per_node_rollups(tmp_path / "absent.sqlite3", include_self=True)
    monkeypatch.setattr(obcms_django, "missing", lambda: ["django-mptt"])
    with pytest.raises(RuntimeError, match=r"needs django-mptt \(pip install"):
        mptt.django_per_node_rollups(source, include_self=True)


def _result(rollup: dict) -> dict:
    return {
        "full_refresh": {"seconds": 10.0, "peak_rss_mb": 500.0},
        "raw_floor": {"refresh_ratio": 2.0},
        "scenario_engine": {"median_ms": 20.0},
        "incremental_refresh": {"seconds": 2.0},
        "rollup": rollup,
    }


def _entry(ratio: float, extrapolated: bool = False) -> dict:
    return {"seconds": ratio / 10, "timed_nodes": 5_000, "extrapolated": extrapolated, "ratio": ratio}


def test_the_rollup_target_is_against_django_when_measured() -> None:
    above, below = ROLLUP_RATIO * 9, ROLLUP_RATIO * 0.6
    both = _result({"obcms_include_self": _entry(below), "obcms_django_include_self": _entry(above, True)})
    (row,) = [r for r in targets(both) if r["measure"].startswith("rollup")]
    assert "Django ORM + django-mptt" in row["measure"] and "extrapolated from 5,000 nodes" in row["measure"]
    assert row["value"] == above and row["met"] is True
    (info,) = information(both)
    assert "raw sqlite3" in info["measure"] and info["value"] == below and info["met"] is None
    # without Django (not installed): the raw per-node query is the target, and nothing more is printed
    raw_only = _result({"obcms_include_self": _entry(below)})
    (row,) = [r for r in targets(raw_only) if r["measure"].startswith("rollup")]
    assert "raw sqlite3, no ORM" in row["measure"] and row["value"] == below and row["met"] is False
    assert information(raw_only) == []
