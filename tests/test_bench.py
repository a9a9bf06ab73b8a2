"""`oobc bench` end to end at a tiny scale, the fairness of its rollup baseline, and incremental = full.

One bench run (scale 0.02, 1 and 2 clients) is shared by the module: it generates the demo source, refreshes in
full, measures the floor, the rollup baseline and the scenario engine, changes the source a little, refreshes
incrementally and replays every page's callbacks over HTTP. The tests then read its JSON and its homes.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingest.bench import mptt
from ingest.bench.report import targets
from ingest.bench.run import small_change
from ingest.cli import main
from ingest.home import Home
from ingest.pipeline import refresh
from ingest.warehouse import close_readers, published_path

pytestmark = pytest.mark.dbt
SCALE = 0.02


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, str]:
    base = tmp_path_factory.mktemp("bench")
    output = base / "bench.json"
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "--scales",
            f"{SCALE}",
            "--clients",
            "1,2",
            "--samples",
            "2",
            "--think",
            "0.05",
            "--home-dir",
            str(base / "homes"),
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(output.read_text()), base / "homes" / f"scale-{SCALE:g}", result.output


def test_every_section_has_numbers(bench) -> None:
    report, _, printed = bench
    assert report["machine"]["cpus"] >= 1
    (scale,) = report["scales"]
    assert scale["scale"] == SCALE
    assert scale["source"]["rows"]["common_work_item"] > 0
    full, inc = scale["full_refresh"], scale["incremental_refresh"]
    for run in (full, inc):
        assert run["seconds"] > 0 and run["peak_rss_mb"] > 50 and run["warehouse_mb"] > 0
        assert {"dbt build", "publish"} <= set(run["steps"]) and all(v >= 0 for v in run["steps"].values())
    assert any(step.startswith("ingest ") for step in full["steps"])
    assert "copy published warehouse" in inc["steps"] and "copy published warehouse" not in full["steps"]
    assert inc["changed_rows"] == {"monitoring_monitoringentryfunding": 100, "common_work_item": 50}
    # the incremental refresh builds only what the changed ledger and work items reach (and the run history)
    assert 0 < inc["dbt_nodes"]["model"] < full["dbt_nodes"]["model"]
    assert 0 < inc["dbt_nodes"]["test"] < full["dbt_nodes"]["test"]
    assert scale["raw_floor"]["seconds"] > 0 and scale["raw_floor"]["refresh_ratio"] > 1
    assert scale["raw_floor"]["rows"] == sum(scale["source"]["rows"].values())
    rollup = scale["rollup"]
    assert rollup["work_items"] == scale["source"]["rows"]["common_work_item"] == rollup["ours_rows"]
    assert rollup["ours_seconds"] > 0
    for key in (
        "obcms_include_self",
        "obcms_descendants_only",
        "obcms_django_include_self",  # the real OBCMS way: Django ORM + django-mptt (a dev dependency)
        "obcms_django_descendants_only",
    ):
        assert rollup[key]["seconds"] > 0 and rollup[key]["ratio"] > 0 and rollup[key]["extrapolated"] is False
        assert rollup[key]["timed_nodes"] == rollup["work_items"]
    assert "obcms_django_skipped" not in rollup
    engine = scale["scenario_engine"]
    assert engine["ppas"] >= 20_000 and engine["allocated"] and engine["median_ms"] > 0
    # latency as served (the shared answers on) and with every answer computed (the answer cache off)
    assert scale["latency"]["shared_answers"] is True and scale["latency_computed"]["shared_answers"] is False
    for latency in (scale["latency"], scale["latency_computed"]):
        assert set(latency["by_clients"]) == {"1", "2"} and not latency["skipped"]
        pages = {c["page"] for c in latency["by_clients"]["1"]["callbacks"]}
        assert {"/", "/gaps", "/ceilings", "/execution", "/scenarios", "/data-quality"} <= pages
        # concurrent clients pause after each page; one client never does; the largest count is replayed again
        assert latency["think_seconds"] == 0.05
        assert latency["by_clients"]["2"]["think_seconds"] == 0.05
        assert latency["by_clients"]["1"]["think_seconds"] == 0
        assert set(latency["no_pause"]) == {"2"} and latency["no_pause"]["2"]["think_seconds"] == 0
        for n, run in [*latency["by_clients"].items(), *latency["no_pause"].items()]:
            assert run["errors"] == 0
            names = {c["callback"] for c in run["callbacks"]}
            assert any(name.startswith("scenario-envelope.invalid") for name in names), n  # the live recompute
            assert all(c["n"] >= 2 and 0 < c["median_ms"] <= c["p95_ms"] for c in run["callbacks"])
            # the replays repeat the recorded requests: as served, some answers are shared (how many depends on
            # which of the two workers answers, each computing an answer once); cache off, none
            if latency["shared_answers"]:
                assert 0 < run["shared"] < run["requests"], n
            else:
                assert run["shared"] == 0, n
    rows = targets(scale)
    assert all(r["met"] in (True, False) for r in rows)  # every target measured
    for title in ("Refresh, scale", "Baselines, scale", "Callback latency", "Targets, scale", "every answer computed"):
        assert title in printed


def test_the_mptt_baseline_computes_our_rollup_figures(bench, tmp_path: Path) -> None:
    """The OBCMS per-node way and fct_work_item_rollup agree node by node on the same tree (so the ratio compares
    like with like): descendants + self, and rolled-up actual expenditure."""
    _, home_dir, _ = bench
    home = Home(home_dir)
    db = tmp_path / "mptt.sqlite3"
    n = mptt.build_mptt_db(home.demo_db, db)
    theirs = mptt.mptt_figures(db, include_self=True)
    ours = mptt.our_figures(home)
    assert len(theirs) == len(ours) == n > 100
    assert theirs == ours
    assert sum(spent for _, spent in ours.values()) > Decimal(0)
    # without include_self OBCMS counts one node fewer and leaves out the node's own spending
    without = mptt.mptt_figures(db, include_self=False)
    assert all(without[k][0] == theirs[k][0] - 1 for k in theirs)


def _marts(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'marts' "
                    "and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            # what differs between any two refreshes by design: which run loaded a row, and when
            kept = [c for c in cols if not (c.endswith("run_id") or c.endswith("loaded_at") or c in RUN_COLUMNS)]
            if table in RUN_HISTORY or not kept:
                continue
            select = ", ".join(f'"{c}"' for c in kept)
            out[table] = con.execute(f"select {select} from marts.{table} order by all").fetchall()
        return out
    finally:
        con.close()


RUN_HISTORY = {"rpt_data_quality_runs", "rpt_source_freshness"}  # list the refreshes themselves
RUN_COLUMNS = {"refreshed_at", "last_refresh_at", "last_loaded_at", "as_of"}


def test_incremental_refresh_gives_the_marts_of_a_full_refresh(bench, tmp_path: Path) -> None:
    """After another small change in the bench's source, an incremental refresh (reading only what changed since
    its high-water marks) and a full refresh of the same source build the same marts."""
    _, home_dir, _ = bench
    home = Home(home_dir)
    before = _marts(published_path(home))
    # what a model removed from the project leaves in the published warehouse (the next build starts from a copy)
    close_readers()
    con = duckdb.connect(str(published_path(home)))
    try:
        con.execute("CREATE VIEW intermediate.int_left_behind AS SELECT 1 AS x")
        con.execute("CREATE TABLE marts.fct_left_behind AS SELECT 1 AS x")
    finally:
        con.close()
    changed = small_change(home.demo_db)
    result = refresh(home, command="refresh")
    con = duckdb.connect(str(published_path(home)), read_only=True)
    try:
        left = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name LIKE '%left_behind'"
        ).fetchall()
        kept = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('raw', 'meta')"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert left == [] and kept > 10  # dropped; the refresh's own raw and meta tables are not dbt's to drop
    ledger = next(o.load for o in result.loads if o.load.table_name == "monitoring_monitoringentryfunding")
    assert (
        changed["monitoring_monitoringentryfunding"]
        <= ledger.rows_read
        <= 2 * changed["monitoring_monitoringentryfunding"]
    )  # this change and the previous one (inside the look-back window), not the whole table
    assert ledger.rows_updated == changed["monitoring_monitoringentryfunding"]
    incremental = _marts(published_path(home))
    close_readers()
    copy = tmp_path / "home"
    shutil.copytree(home_dir, copy, symlinks=True)
    other = Home(copy)
    other.current_link.unlink()
    other.current_link.symlink_to(other.builds_dir / published_path(home).name)
    refresh(other, command="refresh", full=True)
    full = _marts(published_path(other))
    assert published_path(other).parent == other.builds_dir
    assert set(incremental) == set(full) and len(full) > 20
    for table in full:
        assert incremental[table] == full[table], table
    assert incremental != before  # the change shows in the marts
