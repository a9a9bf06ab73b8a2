"""``oobc bench``: the performance benchmark."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click


def _floats(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of numbers") from None
    if not values or any(v <= 0 for v in values):
        raise click.BadParameter("scales must be positive numbers, e.g. 1,10,100")
    return values


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not values or any(v < 1 for v in values):
        raise click.BadParameter("client counts must be whole numbers from 1, e.g. 1,20")
    return values


@click.command()
@click.option("--scales", default="1,10,100", show_default=True, help="Demo scales to measure, comma-separated.")
@click.option("--clients", default="1,20", show_default=True, help="Concurrent dashboard clients, comma-separated.")
@click.option(
    "--home-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for the bench homes (one per scale) [default: a new temporary directory]. Never the home of a "
    "running instance: its demo source is regenerated.",
)
@click.option("--seed", type=int, default=2025, show_default=True, help="Demo seed.")
@click.option("--skip-latency", is_flag=True, help="Do not serve the dashboards nor measure callback latency.")
@click.option(
    "--reuse-source",
    is_flag=True,
    help="Keep a demo source already generated under --home-dir with the same scale and seed (its generation time "
    "is the one recorded then).",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Server worker processes.")
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Requests per callback at each client count (at least; every client plays whole rounds).",
)
@click.option(
    "--think",
    type=click.FloatRange(min=0),
    default=3.0,
    show_default=True,
    help="Mean pause in seconds after each page for concurrent clients (people read a page before the next "
    "click); the largest client count is also replayed without pauses. 0: never pause.",
)
@click.option(
    "--answers",
    type=click.Choice(["both", "shared", "computed"]),
    default="both",
    show_default=True,
    help="Callback latency as served, with the server's shared answers (shared), with every answer computed "
    "(computed: the answer cache off, what a selection nobody asked for since the last publish costs), or both.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the results as JSON to this file.",
)
def bench(
    scales: str,
    clients: str,
    home_dir: Path | None,
    seed: int,
    skip_latency: bool,
    reuse_source: bool,
    workers: int,
    samples: int,
    think: float,
    answers: str,
    output: Path | None,
) -> None:
    """Measure ingest, build and dashboard latency at several scales, against the targets.

    For each scale: generate the demo source; a full refresh (time per step, peak memory of the refresh and its
    dbt, warehouse size); the same source loaded straight into DuckDB (the floor); the work-item rollup against
    OBCMS's one-query-per-node MPTT way; the scenario engine at 20k PPAs; a refresh after a small source change;
    and, unless --skip-latency, every page's callbacks replayed over HTTP by 1 and by N concurrent signed-in
    clients. Prints a table per scale with the targets met or missed; --output writes everything as JSON.
    """
    from rich.console import Console

    from ingest.bench import Options, run
    from ingest.bench.report import print_scale, targets
    from ingest.cli import _run, _say

    opts = Options(
        scales=_floats(scales),
        clients=_ints(clients),
        home_dir=home_dir or Path(tempfile.mkdtemp(prefix="oobc-bench-")),
        seed=seed,
        skip_latency=skip_latency,
        reuse_source=reuse_source,
        workers=workers,
        samples=samples,
        think=think,
        answers=answers,
    )
    console = Console(width=160)
    _say(f"bench homes under {opts.home_dir}")

    def done(result: dict) -> None:
        result["targets"] = targets(result)
        print_scale(console, result)
        if output:  # after every scale: a long run interrupted keeps what it measured
            output.write_text(json.dumps(partial, indent=2, default=str))

    from ingest.bench.run import machine

    partial: dict = {"machine": machine(), "options": {"scales": opts.scales, "clients": opts.clients}}

    def on_scale(result: dict) -> None:
        partial.setdefault("scales", []).append(result)
        done(result)

    report = _run(run, opts, _say, on_scale)
    report["scales"] = partial.get("scales", report["scales"])
    if output:
        output.write_text(json.dumps(report, indent=2, default=str))
        _say(f"wrote {output}")
