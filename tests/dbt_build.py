"""The one way the dbt tests run dbt: a subprocess on the project, against a given warehouse file.

``run_dbt(warehouse, tmp, *select)`` runs ``dbt build`` (or ``command="test"``, ...) on ``dbt_project`` with
``OOBC_WAREHOUSE_PATH`` pointing at ``warehouse``, no usage tracking, and its target and log directories under
``tmp`` (never inside the project). It returns what dbt printed and its ``run_results.json``; unless
``check=False`` (a test that expects dbt to fail), a non-zero exit raises with dbt's output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
DBT_PROJECT = CHECKOUT / "dbt_project"


def dbt_command() -> list[str]:
    """The venv's dbt executable, or the module when there is no script next to this Python."""
    exe = Path(sys.executable).with_name("dbt")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "dbt.cli.main"]


class DbtFailed(AssertionError):
    """dbt exited non-zero; the message is the end of its output."""


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    stdout: str
    stderr: str
    # run_results.json of the run, or None when dbt wrote none (it failed before running anything)
    run_results: dict | None

    @property
    def output(self) -> str:
        return self.stdout[-20000:] + self.stderr[-5000:]

    def statuses(self) -> dict[str, str]:
        """Status by node name (a model, a test, a unit test) of this run's results."""
        return {r["unique_id"].split(".")[2]: r["status"] for r in (self.run_results or {}).get("results", [])}


def run_dbt(
    warehouse: Path,
    tmp: Path,
    *select: str,
    command: str = "build",
    exclude: tuple[str, ...] | list[str] = (),
    dbt_vars: dict | None = None,
    indirect_selection: str | None = "cautious",
    target_path: Path | None = None,
    check: bool = True,
) -> DbtRun:
    """Run ``dbt <command>`` for ``select`` (every node when empty) on ``warehouse``.

    Unit tests need their parents built, so select ``+model``. ``indirect_selection`` "cautious" keeps tests
    whose parents are not all selected out of the run. Target and logs go to ``target_path`` (default
    ``tmp/target``) and ``tmp/logs``.
    """
    target = target_path or tmp / "target"
    args = [*dbt_command(), command]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    args += ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    args += ["--target-path", str(target), "--log-path", str(tmp / "logs")]
    results_file = target / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read a former run's results (a copied target directory)
    env = {**os.environ, "OOBC_WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(args, cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=900, check=False)
    run_results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else None
    run = DbtRun(completed.returncode, completed.stdout, completed.stderr, run_results)
    if check and run.returncode != 0:
        raise DbtFailed(f"dbt {command} failed (exit {run.returncode}):\n{run.output}")
    return run
