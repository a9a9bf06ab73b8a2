"""The `oobc` command line: help everywhere, OOBC_HOME, ingest → build → publish, `oobc sql`, failures."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ingest.cli import main
from ingest.home import DEFAULT_HOME, Home
from tests import tiny_obcms


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            found += _commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def oobc(home: Home, *args: str) -> subprocess.CompletedProcess:
    """Run the installed `oobc` executable, as a user would."""
    exe = Path(sys.executable).with_name("oobc")
    return subprocess.run([str(exe), "--home", str(home.root), *args], capture_output=True, text=True, timeout=600)


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "oobc")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    # every command says what it does
    assert len(result.output.split("\n\n")[1].strip()) > 10


def test_home_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OOBC_HOME", raising=False)
    assert Home.resolve().root == DEFAULT_HOME.resolve()
    monkeypatch.setenv("OOBC_HOME", str(tmp_path / "from-env"))
    assert Home.resolve().root == tmp_path / "from-env"
    assert Home.resolve(tmp_path / "explicit").root == tmp_path / "explicit"


def test_sql_without_a_warehouse_says_what_to_do(home: Home) -> None:
    result = oobc(home, "sql", "select 1")
    assert result.returncode == 1
    assert "no warehouse has been published" in result.stderr
    assert "oobc demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_refresh_without_configuration_says_what_to_do(home: Home) -> None:
    result = oobc(home, "refresh")
    assert result.returncode == 1
    assert "no configuration" in result.stderr and "oobc demo" in result.stderr


@pytest.mark.dbt
def test_ingest_build_publish_and_query(tmp_path: Path, tiny_sqlite: str) -> None:
    home = Home(tmp_path / "h1").ensure()
    result = oobc(home, "ingest", "obcms", tiny_sqlite)
    assert result.returncode == 0, result.stderr
    assert "published" in result.stderr
    assert home.current_link.is_symlink()

    out = oobc(home, "sql", "select sum(budget_allocation) as total from dim_ppa where category = 'moa_ppa'")
    assert out.returncode == 0, out.stderr
    assert _csv(out.stdout) == [{"total": str(tiny_obcms.BUDGET_TOTAL)}]

    # raw and meta resolve too, and the run was recorded with counts that add up
    runs = _csv(oobc(home, "sql", "select table_name, rows_read, rows_loaded, rows_rejected from meta.runs").stdout)
    assert len(runs) == 29
    assert all(int(r["rows_read"]) == int(r["rows_loaded"]) + int(r["rows_rejected"]) for r in runs)

    # read-only: nothing can change the published warehouse
    write = oobc(home, "sql", "create table marts.hack as select 1")
    assert write.returncode != 0
    assert "read-only" in write.stderr.lower()
    bad = oobc(home, "sql", "select * from no_such_table")
    assert bad.returncode != 0 and "no_such_table" in bad.stderr and "Traceback" not in bad.stderr

    # a failed ingest (source lost a table) exits non-zero and leaves the published warehouse serving
    published = home.current_link.resolve()
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(Path(tiny_sqlite.removeprefix("sqlite:///")).read_bytes())
    import sqlite3

    db = sqlite3.connect(broken)
    db.execute("drop table mana_need")
    db.close()
    failed = oobc(home, "ingest", "obcms", f"sqlite:///{broken}")
    assert failed.returncode == 1
    assert "table mana_need is missing" in failed.stderr and "Traceback" not in failed.stderr
    assert home.current_link.resolve() == published
    still = oobc(home, "sql", "select count(*) as n from dim_ppa")
    assert _csv(still.stdout) == [{"n": "4"}]
    from ingest.state import StateStore, refresh_run

    with StateStore(home.state_url).engine.connect() as conn:
        statuses = [r.status for r in conn.execute(refresh_run.select().order_by(refresh_run.c.started_at))]
    assert statuses == ["succeeded", "failed"]
    # each run leaves its log under OOBC_HOME/logs
    logs = sorted(home.logs_dir.glob("ingest-obcms-*.log"), key=lambda p: p.stat().st_mtime)
    assert len(logs) == 2
    assert "published" in logs[0].read_text() and "dbt build" in logs[0].read_text()
    assert "table mana_need is missing" in logs[1].read_text()


@pytest.mark.dbt
def test_two_homes_never_collide(tmp_path: Path, tiny_sqlite: str) -> None:
    a, b = Home(tmp_path / "a").ensure(), Home(tmp_path / "b").ensure()
    assert oobc(a, "ingest", "obcms", tiny_sqlite).returncode == 0
    assert oobc(b, "sql", "select 1").returncode == 1  # b has nothing published
    assert a.current_link.resolve().parent == a.builds_dir
    assert not any(b.builds_dir.iterdir())


def test_module_runs_as_a_script(home: Home) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "OOBC_HOME": str(home.root)},
    )
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.dbt
def test_a_bad_file_fails_the_source_and_leaves_the_published_warehouse(tmp_path: Path, tiny_sqlite: str) -> None:
    home = Home(tmp_path / "h").ensure()
    assert oobc(home, "ingest", "obcms", tiny_sqlite).returncode == 0
    published = home.current_link.resolve()

    folder = tmp_path / "ppa"
    folder.mkdir()
    (folder / "moh.yaml").write_text(
        'moa: "Ministry of Health"\nacronym: "MOH"\nppas:\n  - title: "Clinics"\n   bad: [\n'
    )
    result = oobc(home, "ingest", "ppa-yaml", str(folder), "--fiscal-year", "2025")
    assert result.returncode == 1
    assert "moh.yaml: line" in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert home.current_link.resolve() == published

    # fixed, the same command loads it, with the fiscal year recorded on the PPA
    (folder / "moh.yaml").write_text(
        'moa: "Ministry of Health"\nacronym: "MOH"\nppas:\n  - title: "Clinics"\n    approved_budget: 1250000.25\n'
    )
    assert oobc(home, "ingest", "ppa-yaml", str(folder), "--fiscal-year", "2025").returncode == 0
    rows = _csv(
        oobc(
            home,
            "sql",
            "select title, fiscal_year, budget_allocation, ppa_source from dim_ppa where ppa_source = 'ppa_yaml'",
        ).stdout
    )
    assert rows == [
        {"title": "Clinics", "fiscal_year": "2025", "budget_allocation": "1250000.25", "ppa_source": "ppa_yaml"}
    ]
    # the OBCMS source loaded earlier is still there
    assert _csv(oobc(home, "sql", "select count(*) as n from dim_ppa where ppa_source = 'obcms'").stdout) == [
        {"n": "4"}
    ]
