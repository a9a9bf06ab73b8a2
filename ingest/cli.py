"""``oobc``: the one command line of the OOBC planning and budgeting warehouse.

Every command is a few lines over a service function; options fall back to environment variables
(``OOBC_HOME``, ``OOBC_HOST``, ``OOBC_PORT``).
"""

from __future__ import annotations

import csv
import sys
from contextlib import contextmanager

import click
import duckdb
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.home import ConfigError, Home, serve_settings
from ingest.warehouse import NoWarehouseError, published_path, read_only

err = Console(stderr=True, soft_wrap=True)

# Errors a user can act on: printed as one clear line, exit status 1, no traceback.
USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, NoWarehouseError)


def _user_errors() -> tuple[type[Exception], ...]:
    from ingest.locking import RefreshLockedError
    from ingest.pipeline import BuildError
    from ingest.sources import SourceError

    return (*USER_ERRORS, SourceError, BuildError, RefreshLockedError)


@contextmanager
def _progress_bars():
    """Per-table progress bars on the terminal; callers get ``update(name, done, total)``."""
    with Progress(
        TextColumn("{task.description:<52}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    ) as bars:
        tasks: dict[str, int] = {}

        def update(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bars.add_task(name, total=max(total, 1))
            bars.update(tasks[name], completed=done, total=max(total, 1))

        yield update


def _say(line: str) -> None:
    err.print(line, markup=False, highlight=False)


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except _user_errors() as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)


def _report(result) -> None:
    rejected = result.rows_rejected
    loaded = sum(o.load.rows_loaded for o in result.loads)
    err.print(
        f"[green]published[/] {result.warehouse.name}: {loaded:,} rows loaded, {rejected:,} rejected "
        f"(run {result.run_id}; rejected rows are listed by `oobc sql` in meta.rejects)"
    )
    for step in result.steps:
        err.print(f"  {step['step']:<32} {step['seconds']:>8.2f}s  {step['status']}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    envvar="OOBC_HOME",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory holding everything this instance keeps [env OOBC_HOME; default .oobc in the checkout].",
)
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """OOBC planning and budgeting analytics warehouse."""
    ctx.obj = Home.resolve(home)


@main.command()
@click.option(
    "--scale",
    type=click.FloatRange(min=0.01),
    default=1.0,
    show_default=True,
    help="Size: 1 is about OOBC's real size; 100 is about 20k PPAs and 1M work items.",
)
@click.option("--seed", type=int, default=2025, show_default=True, help="Random seed; same seed, same data.")
@click.option(
    "--refresh/--no-refresh",
    default=True,
    show_default=True,
    help="Run a full refresh (ingest, build, publish) after generating.",
)
@click.pass_obj
def demo(home: Home, scale: float, seed: int, refresh: bool) -> None:
    """Generate the OBCMS-shaped demo database (SQLite) and refresh the warehouse from it."""
    from ingest.demo import generate
    from ingest.pipeline import refresh as run_refresh

    home.ensure()
    err.print(f"generating demo OBCMS database at {home.demo_db} (scale {scale}, seed {seed})")
    tmp = home.demo_db.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with _progress_bars() as update:
        counts = generate(f"sqlite:///{tmp}", scale=scale, seed=seed, progress=update)
    tmp.replace(home.demo_db)
    err.print(f"demo source: {sum(counts.values()):,} rows in {len(counts)} tables")
    if not home.config_file.exists():
        home.write_default_config(home.demo_url)
        err.print(f"wrote {home.config_file}")
    if refresh:
        with _progress_bars() as update:
            # a regenerated source is a different database: read it in full
            _report(_run(run_refresh, home, command="demo", full=True, say=_say, progress=update))
    from ingest.users import demo_users_file, ensure_demo_users

    made = ensure_demo_users(home)
    if made:
        err.print(f"demo users (sign in at /login; also in {demo_users_file(home)}, readable by you only):")
        for name, role, password in made:
            err.print(f"  {name:<10} {role:<9} {password}", markup=False, highlight=False)
    else:
        err.print(f"demo users: already there; their passwords are in {demo_users_file(home)}")


@main.group()
def ingest() -> None:
    """Load one source into a new warehouse, rebuild and publish it."""


def _ingest(home: Home, source: dict, command: str) -> None:
    from ingest.pipeline import refresh as run_refresh

    with _progress_bars() as update:
        result = _run(run_refresh, home, sources=[source], command=command, say=_say, progress=update)
    _report(result)


@ingest.command("obcms")
@click.argument("url")
@click.option("--name", default="obcms", show_default=True, help="Source name recorded with every load.")
@click.option("--full", is_flag=True, help="Read every row, not only those updated since the last load.")
@click.pass_obj
def ingest_obcms_cmd(home: Home, url: str, name: str, full: bool) -> None:
    """Read the OBCMS database at URL (a SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...)."""
    _ingest(home, {"name": name, "kind": "obcms", "url": url, "incremental": not full}, "ingest obcms")


@ingest.command("ppa-yaml")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, resolve_path=True))
@click.option(
    "--fiscal-year",
    type=click.IntRange(2000, 2100),
    required=True,
    help="Fiscal year the budgets are for (the files do not say); recorded with the load.",
)
@click.option("--name", default=None, help="Source name [default: ppa-yaml-FISCAL_YEAR].")
@click.pass_obj
def ingest_ppa_yaml_cmd(home: Home, folder: str, fiscal_year: int, name: str | None) -> None:
    """Read OBCMS's MOA PPA YAML files in FOLDER (moa, acronym, ppas with budgets and indicators)."""
    source = {"name": name or f"ppa-yaml-{fiscal_year}", "kind": "ppa_yaml", "path": folder, "fiscal_year": fiscal_year}
    _ingest(home, source, "ingest ppa-yaml")


@ingest.command("population")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, resolve_path=True))
@click.option(
    "--region",
    type=click.Choice(["IX", "X", "XI", "XII"]),
    default=None,
    help="Region of every file [default: from each file name, e.g. region_xii_population_raw.txt].",
)
@click.option("--name", default="population", show_default=True, help="Source name recorded with every load.")
@click.pass_obj
def ingest_population_cmd(home: Home, files: tuple[str, ...], region: str | None, name: str) -> None:
    """Read PSA population hierarchy FILES (tab depth = province, municipality, barangay; name<TAB>population)."""
    source = {"name": name, "kind": "population", "paths": list(files)}
    if region:
        source["region"] = region
    _ingest(home, source, "ingest population")


@ingest.command("organizations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, resolve_path=True))
@click.option("--name", default="organizations", show_default=True, help="Source name recorded with every load.")
@click.pass_obj
def ingest_organizations_cmd(home: Home, path: str, name: str) -> None:
    """Read the BARMM organisation list (barmm_ministries.yaml: ministries, attached agencies, other entities)."""
    _ingest(home, {"name": name, "kind": "organizations", "path": path}, "ingest organizations")


@ingest.command("geo")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, resolve_path=True))
@click.option("--name", default="geo", show_default=True, help="Source name recorded with every load.")
@click.pass_obj
def ingest_geo_cmd(home: Home, path: str, name: str) -> None:
    """Read a province boundary file in OBCMS's province_geo.json format (code -> name, center, box, geojson)."""
    _ingest(home, {"name": name, "kind": "geo", "path": path}, "ingest geo")


@ingest.command("files")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, resolve_path=True))
@click.option("--name", default="files", show_default=True, help="Source name recorded with every load.")
@click.pass_obj
def ingest_files_cmd(home: Home, folder: str, name: str) -> None:
    """Read CSV, XLSX or Parquet files in FOLDER named after OBCMS raw tables (e.g. mana_need.xlsx)."""
    _ingest(home, {"name": name, "kind": "files", "path": folder}, "ingest files")


@main.command()
@click.pass_obj
def build(home: Home) -> None:
    """Run `dbt build` (models and tests) on a copy of the published warehouse and publish it."""
    from ingest.pipeline import refresh as run_refresh

    _report(_run(run_refresh, home, sources=[], command="build", say=_say))


@main.command()
@click.option(
    "--full",
    is_flag=True,
    help="Start from an empty warehouse and read everything, instead of loading only what changed.",
)
@click.pass_obj
def refresh(home: Home, full: bool) -> None:
    """Ingest every configured source, build with dbt and publish atomically."""
    from ingest.pipeline import refresh as run_refresh

    with _progress_bars() as update:
        _report(_run(run_refresh, home, full=full, say=_say, progress=update))


@main.command()
@click.option("--once", is_flag=True, help="Run one scheduled refresh now (with its retries and hook) and exit.")
@click.option("--dry-run", is_flag=True, help="Print the next 5 run times and exit.")
@click.pass_obj
def schedule(home: Home, once: bool, dry_run: bool) -> None:
    """Refresh on the cron schedule of oobc.toml's [schedule] table, one refresh at a time.

    A failed refresh is retried (retries, retry_delay_minutes), then the on_failure command is run with
    OOBC_RUN_ID and OOBC_ERROR set. Runs until stopped (Ctrl+C or SIGTERM, which lets a running refresh finish).
    """
    from ingest.schedule import load_schedule, next_run_times, run_scheduled_refresh, serve_schedule

    config = _run(load_schedule, home)
    if dry_run:
        for moment in next_run_times(config, 5):
            click.echo(moment.isoformat(timespec="minutes"))
        return

    def job() -> bool:
        with _progress_bars() as update:
            outcome = run_scheduled_refresh(home, config, say=_say, progress=update)
        if outcome.succeeded:
            err.print(f"[green]scheduled refresh {outcome.run_id} succeeded[/]")
        else:
            err.print(
                f"[bold red]error:[/] scheduled refresh failed after {outcome.attempts} attempt(s) "
                f"(run {outcome.run_id}): {escape((outcome.error or '-').splitlines()[0])}",
                highlight=False,
            )
        return outcome.succeeded

    if once:
        sys.exit(0 if job() else 1)
    serve_schedule(home, config, job, _say)


@main.command()
@click.option("--host", envvar="OOBC_HOST", default=None, help="Interface to listen on [default 127.0.0.1].")
@click.option("--port", envvar="OOBC_PORT", type=int, default=None, help="Port to listen on [default 8050].")
@click.option("--debug", is_flag=True, help="Dash debug mode (reloader and error pages); never in production.")
@click.option(
    "--production",
    is_flag=True,
    help="Serve under gunicorn with several worker processes (a production WSGI server).",
)
@click.option(
    "--workers",
    envvar="OOBC_WORKERS",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes with --production [env OOBC_WORKERS; default 4].",
)
@click.pass_obj
def serve(home: Home, host: str | None, port: int | None, debug: bool, production: bool, workers: int | None) -> None:
    """Serve the dashboards on http://HOST:PORT.

    Settings: option, else environment variable (OOBC_HOST, OOBC_PORT, OOBC_WORKERS), else oobc.toml's [serve]
    table (host, port, workers, threads, timeout), else the default.
    """
    settings = _run(serve_settings, home, host=host, port=port, workers=workers)
    _run(published_path, home)  # fail early and clearly if nothing has been published
    if production:
        if debug:
            raise click.UsageError("--debug is for development, not with --production")
        from dashboards.wsgi import run_production

        err.print(
            f"serving the OOBC dashboards on http://{settings.host}:{settings.port}/ with gunicorn, "
            f"{settings.workers} worker processes (Ctrl+C to stop)"
        )
        run_production(home, settings)
        return
    from dashboards.app import run

    err.print(f"serving the OOBC dashboards on http://{settings.host}:{settings.port}/ (Ctrl+C to stop)")
    run(home, host=settings.host, port=settings.port, debug=debug)


@main.command()
@click.argument("query")
@click.pass_obj
def sql(home: Home, query: str) -> None:
    """Run a read-only QUERY on the published warehouse and print CSV with a header row.

    Marts resolve by bare name: oobc sql "select fiscal_year, sum(budget_allocation) from dim_ppa group by 1"
    """

    def run_query() -> None:
        with read_only(home) as con:
            try:
                cur = con.execute(query)
            except duckdb.Error as exc:
                raise click.ClickException(f"query failed: {exc}") from exc
            if cur.description is None:
                return
            out = csv.writer(sys.stdout, lineterminator="\n")
            out.writerow([d[0] for d in cur.description])
            while rows := cur.fetchmany(10_000):
                out.writerows(rows)

    _run(run_query)


# Command groups kept in their own modules (they import the helpers above, so they come last).
from ingest.cli_bench import bench  # noqa: E402
from ingest.cli_tokens import tokens  # noqa: E402
from ingest.cli_users import users  # noqa: E402

main.add_command(users)
main.add_command(tokens)
main.add_command(bench)


if __name__ == "__main__":  # pragma: no cover
    main()
