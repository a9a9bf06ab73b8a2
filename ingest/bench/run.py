"""The benchmark, scale by scale: generate, refresh (full and after a small change), baselines, latency."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ingest.bench import floor, latency, mptt
from ingest.bench.memory import run_measured
from ingest.bench.report import LATENCY_COMPUTED, LATENCY_SERVED
from ingest.home import Home
from ingest.state import StateStore, refresh_run
from ingest.warehouse import published_path

Say = Callable[[str], None]
BENCH_USER = ("bench-viewer", "bench-viewer-password")
SOURCE_MARK = "bench-source.json"  # beside the demo source: the scale and seed it was generated with
MPTT_FULL_UP_TO = 200_000  # work items: above this the per-node way is timed on a sample and extrapolated
MPTT_SAMPLE = 20_000
# the same, through Django's ORM and django-mptt (ingest.bench.obcms_django): about 1 ms a node, so sampled sooner
DJANGO_FULL_UP_TO = 20_000
DJANGO_SAMPLE = 5_000
SCENARIO_PPAS = 20_000
CHANGED_LEDGER_ROWS = 100
CHANGED_WORK_ITEMS = 50


@dataclass
class Options:
    scales: list[float]
    clients: list[int]
    home_dir: Path
    seed: int = 2025
    skip_latency: bool = False
    reuse_source: bool = False
    workers: int = 2
    samples: int = 20  # requests per callback and client count (at least)
    think: float = 3.0  # mean pause (s) after each page for concurrent clients; 0: none (a stress test)
    answers: str = "both"  # "shared": as served (answer cache on); "computed": cache off; "both": one then the other


def _oobc() -> str:
    return str(Path(sys.executable).with_name("oobc"))


def _env() -> dict[str, str]:
    return {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}


def _scale_dir(base: Path, scale: float) -> Path:
    return base / f"scale-{scale:g}"


# ------------------------------------------------------------------------------------------ pieces
def generate(home: Home, scale: float, seed: int, reuse: bool) -> dict[str, Any]:
    mark = home.source_dir / SOURCE_MARK
    want = {"scale": scale, "seed": seed}
    if reuse and home.demo_db.exists() and mark.exists():
        saved = json.loads(mark.read_text())
        if {k: saved.get(k) for k in want} == want:
            if not home.config_file.exists():
                home.write_default_config(home.demo_url)
            return {**saved, "reused": True}
    cmd = [_oobc(), "--home", str(home.root), "demo", "--scale", f"{scale:g}", "--seed", str(seed), "--no-refresh"]
    m = run_measured(cmd, env=_env())
    if m.returncode != 0:
        raise RuntimeError(f"demo generation failed:\n{m.output[-2000:]}")
    rows = _source_rows(home.demo_db)
    result = {**want, "seconds": round(m.seconds, 2), "peak_rss_mb": _mb(m.peak_rss), "rows": rows}
    result["source_mb"] = _mb(home.demo_db.stat().st_size)
    mark.write_text(json.dumps(result))
    return {**result, "reused": False}


def _source_rows(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
    finally:
        con.close()


def _mb(n: int) -> float:
    return round(n / 2**20, 1)


def refresh(home: Home, *, full: bool) -> dict[str, Any]:
    """``oobc refresh [--full]`` as its own process; time, peak RSS of it and its dbt, steps, dbt's slowest nodes."""
    cmd = [_oobc(), "--home", str(home.root), "refresh", *(["--full"] if full else [])]
    m = run_measured(cmd, env=_env())
    if m.returncode != 0:
        raise RuntimeError(f"refresh failed:\n{m.output[-3000:]}")
    state = StateStore(home.state_url)
    with state.engine.connect() as conn:
        row = conn.execute(
            sa.select(refresh_run.c.steps)
            .where(refresh_run.c.status == "succeeded")
            .order_by(refresh_run.c.started_at.desc())
            .limit(1)
        ).one()
    state.engine.dispose()
    steps = {s["step"]: s["seconds"] for s in json.loads(row[0])}
    warehouse = published_path(home)
    return {
        "seconds": round(m.seconds, 2),
        "peak_rss_mb": _mb(m.peak_rss),
        "steps": steps,
        "warehouse_mb": _mb(warehouse.stat().st_size),
        "slowest_dbt_nodes": _slowest_nodes(home),
        "dbt_nodes": _dbt_nodes(home),
    }


def _dbt_nodes(home: Home) -> dict[str, int]:
    """How many models and tests dbt ran (an incremental refresh runs only what its changes reach)."""
    path = home.dbt_dir / "target" / "run_results.json"
    if not path.exists():
        return {}
    counts: dict[str, int] = {}
    for r in json.loads(path.read_text())["results"]:
        kind = r["unique_id"].split(".", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _slowest_nodes(home: Home, n: int = 8) -> list[dict[str, Any]]:
    path = home.dbt_dir / "target" / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text())["results"]
    top = sorted(results, key=lambda r: -r["execution_time"])[:n]
    return [{"node": r["unique_id"].split(".", 1)[1][:90], "seconds": round(r["execution_time"], 2)} for r in top]


def small_change(db: Path) -> dict[str, int]:
    """A day's worth of edits in the source: ledger amounts corrected and leaf expenditures recorded, stamped after
    everything already there (so an incremental read picks them up)."""
    con = sqlite3.connect(db)
    try:
        newest = max(
            con.execute(f"SELECT max(updated_at) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("monitoring_monitoringentryfunding", "common_work_item")
        )
        stamp = (dt.datetime.fromisoformat(newest) + dt.timedelta(minutes=1)).isoformat(" ", "microseconds")
        ledger = con.execute(
            "UPDATE monitoring_monitoringentryfunding SET amount = amount + 1, updated_at = ? WHERE id IN "
            "(SELECT id FROM monitoring_monitoringentryfunding ORDER BY id LIMIT ?)",
            [stamp, CHANGED_LEDGER_ROWS],
        ).rowcount
        items = con.execute(
            "UPDATE common_work_item SET actual_expenditure = coalesce(actual_expenditure, 0) + 1, updated_at = ? "
            "WHERE id IN (SELECT id FROM common_work_item WHERE rght = lft + 1 ORDER BY id LIMIT ?)",
            [stamp, CHANGED_WORK_ITEMS],
        ).rowcount
        con.commit()
        return {"monitoring_monitoringentryfunding": ledger, "common_work_item": items}
    finally:
        con.close()


def rollup_baseline(home: Home, work_dir: Path) -> dict[str, Any]:
    from ingest.bench import obcms_django  # imports no Django: it runs Django in a child process

    db = work_dir / "obcms_mptt.sqlite3"
    n = mptt.build_mptt_db(home.demo_db, db)
    sample = None if n <= MPTT_FULL_UP_TO else MPTT_SAMPLE
    django_sample = None if n <= DJANGO_FULL_UP_TO else DJANGO_SAMPLE
    ours, rows = mptt.our_rollup_seconds(home)
    out: dict[str, Any] = {"work_items": n, "ours_seconds": round(ours, 4), "ours_rows": rows}

    def entry(per_node: mptt.PerNode) -> dict[str, Any]:
        return {
            "seconds": round(per_node.estimated_seconds, 3),
            "timed_nodes": per_node.timed,
            "extrapolated": per_node.sampled,
            "ratio": round(per_node.estimated_seconds / ours, 1) if ours else None,
        }

    # the per-node query through the plain sqlite3 driver (no ORM), then the real OBCMS way: Django + django-mptt
    for include_self in (True, False):
        suffix = "include_self" if include_self else "descendants_only"
        out[f"obcms_{suffix}"] = entry(mptt.per_node_rollups(db, include_self=include_self, sample=sample))
    absent = obcms_django.missing()
    if absent:
        out["obcms_django_skipped"] = f"{' and '.join(absent)} not installed (pip install -e '.[dev]')"
    else:
        for include_self in (True, False):
            suffix = "include_self" if include_self else "descendants_only"
            per_node = mptt.django_per_node_rollups(db, include_self=include_self, sample=django_sample)
            out[f"obcms_django_{suffix}"] = entry(per_node)
    db.unlink(missing_ok=True)
    return out


def raw_floor(home: Home, work_dir: Path, refresh_seconds: float) -> dict[str, Any]:
    dest = work_dir / "floor.duckdb"
    seconds, rows = floor.raw_load_seconds(home.demo_db, dest)
    dest.unlink(missing_ok=True)
    return {"seconds": round(seconds, 2), "rows": rows, "refresh_ratio": round(refresh_seconds / seconds, 1)}


def scenario_engine(home: Home, target_ppas: int = SCENARIO_PPAS) -> dict[str, Any]:
    """The allocation engine on every fiscal year's candidate PPAs at once, repeated (fresh ids) up to
    ``target_ppas``, with the ceilings of the newest year and the page's default mix (needs 0.5, equity 0.5)."""
    import polars as pl

    from dashboards import scenario_queries as q
    from ingest.warehouse import read_only
    from models.allocation import ScenarioSpec, StrategyWeight, evaluate

    with read_only(home) as con:
        years = q.fiscal_years(con)
        frames = [q.candidates(con, y) for y in years]
        year_ceilings = q.ceilings(con, years[-1]) if years else ()
    frame = pl.concat([f for f in frames if f.height], how="vertical_relaxed")
    natural = frame.height
    copies = [frame]
    i = 1
    while sum(f.height for f in copies) < target_ppas:
        copies.append(frame.with_columns(pl.col("ppa_id").cast(pl.String) + f"~{i}"))
        i += 1
    big = pl.concat(copies, how="vertical_relaxed").head(max(target_ppas, natural))
    baseline = big["baseline"].cast(pl.Float64).fill_null(0).sum() if "baseline" in big.columns else 0
    envelope = round(max(float(baseline), 1_000_000.0), 2)
    spec = ScenarioSpec(
        envelope=envelope,
        strategies=(StrategyWeight("needs", "0.5"), StrategyWeight("equity", "0.5")),
        ceilings=tuple(year_ceilings),
    )
    times = []
    outcome = None
    for _ in range(5):
        t0 = time.perf_counter()
        outcome = evaluate(big, spec)
        times.append(time.perf_counter() - t0)
    ok = outcome is not None and outcome.allocation is not None
    return {
        "ppas": big.height,
        "natural_ppas": natural,
        "median_ms": round(1000 * statistics.median(times), 1),
        "best_ms": round(1000 * min(times), 1),
        "allocated": ok,
        "errors": [] if ok or outcome is None else [str(e) for e in outcome.errors][:3],
    }


def callback_latency(
    home: Home,
    clients: list[int],
    samples: int,
    workers: int,
    log: Path,
    think: float = 0.0,
    shared_answers: bool = True,
) -> dict[str, Any]:
    """Every page's callbacks replayed by each number of ``clients``. Concurrent clients pause ``think`` seconds
    (mean) after each page, as people reading a page do; one client never waits (alone, a pause changes
    nothing). With ``think`` > 0 the largest client count is also replayed without pauses (``no_pause``).
    ``shared_answers=False``: the server's answer cache is off, so every answer is computed (what a selection
    nobody asked for since the last publish costs); with it on, repeated requests are sent from it, and each run
    counts how many were (``shared``)."""
    from ingest.users import UserError, add_user

    with contextlib.suppress(UserError):  # already there from an earlier run on this home
        add_user(home, *BENCH_USER, "viewer")
    out: dict[str, Any] = {
        "server": f"gunicorn, {workers} workers (oobc serve --production)"
        + ("" if shared_answers else ", answer cache off (OOBC_ANSWER_CACHE_MB=0)"),
        "shared_answers": shared_answers,
        "think_seconds": think,
        "by_clients": {},
    }
    with latency.serving(home.root, workers=workers, log=log, shared_answers=shared_answers) as base:
        recorder = latency.sign_in(base, *BENCH_USER)
        rec = latency.record(recorder, base)
        out["callbacks_recorded"] = len(rec.calls)
        out["skipped"] = rec.skipped
        runs = [(n, think if n > 1 else 0.0) for n in clients]
        if think > 0 and max(clients) > 1:
            runs.append((max(clients), 0.0))
        for n, pause in runs:
            sessions = [latency.sign_in(base, *BENCH_USER) for _ in range(n)]
            rounds = max(1, math.ceil(samples / n))
            latency.replay(base, rec, sessions[:1], 1)  # warm up: every worker has opened the warehouse
            timings = latency.replay(base, rec, sessions, rounds, think=pause)
            everything = [t for times in timings.per_call.values() for t in times]
            section = "no_pause" if n > 1 and pause == 0 and think > 0 else "by_clients"
            out.setdefault(section, {})[str(n)] = {
                "rounds": rounds,
                "think_seconds": pause,
                "requests": len(everything),
                "errors": timings.errors,
                "reconnects": timings.reconnects,
                "shared": timings.shared,
                "wall_seconds": round(timings.wall_seconds, 1),
                "overall": latency._stats(everything) if everything else {},
                "callbacks": timings.summary(),
            }
    return out


# --------------------------------------------------------------------------------------------- all
# --answers: which latency runs, each (result key, answer cache on); LATENCY_SERVED is the one the targets read
LATENCY_RUNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "shared": ((LATENCY_SERVED, True),),
    "computed": ((LATENCY_SERVED, False),),
    "both": ((LATENCY_COMPUTED, False), (LATENCY_SERVED, True)),
}


def run_scale(opts: Options, scale: float, say: Say) -> dict[str, Any]:
    home = Home(_scale_dir(opts.home_dir, scale)).ensure()
    work = home.root / "bench-work"
    work.mkdir(exist_ok=True)
    result: dict[str, Any] = {"scale": scale}
    say(f"[scale {scale:g}] generating the demo source")
    result["source"] = generate(home, scale, opts.seed, opts.reuse_source)
    say(f"[scale {scale:g}] full refresh")
    result["full_refresh"] = refresh(home, full=True)
    say(f"[scale {scale:g}] raw-load floor")
    result["raw_floor"] = raw_floor(home, work, result["full_refresh"]["seconds"])
    say(f"[scale {scale:g}] work-item rollup against the OBCMS way")
    result["rollup"] = rollup_baseline(home, work)
    say(f"[scale {scale:g}] scenario engine")
    result["scenario_engine"] = scenario_engine(home)
    say(f"[scale {scale:g}] a small change in the source, then an incremental refresh")
    changed = small_change(home.demo_db)
    result["incremental_refresh"] = {"changed_rows": changed, **refresh(home, full=False)}
    if not opts.skip_latency:
        for key, shared_answers in LATENCY_RUNS[opts.answers]:
            how = "as served (shared answers on)" if shared_answers else "every answer computed (cache off)"
            say(f"[scale {scale:g}] callback latency, {how}, with {', '.join(map(str, opts.clients))} clients")
            result[key] = callback_latency(
                home, opts.clients, opts.samples, opts.workers, work / "server.log", opts.think, shared_answers
            )
    return result


def machine() -> dict[str, Any]:
    import platform

    import psutil

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def run(opts: Options, say: Say, on_scale: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    opts.home_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "options": {"scales": opts.scales, "clients": opts.clients, "seed": opts.seed, "workers": opts.workers},
        "scales": [],
    }
    for scale in opts.scales:
        result = run_scale(opts, scale, say)
        report["scales"].append(result)
        if on_scale:
            on_scale(result)
    report["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return report
