"""Safe publishing: a refresh killed with SIGKILL mid-build leaves the last good warehouse serving and the next
refresh succeeds; readers see one published file per connection; old builds are cleaned up, N kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from ingest.home import ConfigError, Home
from ingest.state import StateStore, refresh_run
from ingest.warehouse import cleanup_builds, keep_builds, new_build_path, publish, published_path, read_only
from tests.dashboards.tiny_warehouse import TOTAL_PPAS, build_tiny_warehouse


def _build(home: Home, value: int, done: bool = True) -> Path:
    path = new_build_path(home)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.answer as select ? as value", [value])
    con.close()
    if done:
        path.with_suffix(".duckdb.done").touch()
    return path


def _runs(home: Home) -> list[dict]:
    state = StateStore(home.state_url)
    try:
        with state.engine.connect() as conn:
            rows = conn.execute(sa.select(refresh_run).order_by(refresh_run.c.started_at)).all()
    finally:
        state.engine.dispose()
    return [dict(r._mapping) for r in rows]


def _oobc(home: Home, *args: str) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("oobc")
    return subprocess.Popen(
        [str(exe), "--home", str(home.root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found |= {child, *_children(child)}
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


# ------------------------------------------------------------------------------- kill -9 mid-build
@pytest.mark.dbt
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_refresh_killed_mid_build_leaves_the_last_good_warehouse_and_the_next_one_succeeds(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    generated = subprocess.run(
        [
            str(Path(sys.executable).with_name("oobc")),
            "--home",
            str(home.root),
            "demo",
            "--scale",
            "0.1",
            "--seed",
            "7",
            "--no-refresh",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    with home.config_file.open("a") as fh:
        fh.write('\n[schedule]\ncron = "30 2 * * *"\nretries = 0\n\n[warehouse]\nkeep_builds = 1\n')
    # the last good warehouse: a small hand-made one, so that only the killed and the next refresh run dbt
    last_good = publish(home, build_tiny_warehouse(new_build_path(home)))
    last_good.with_suffix(".duckdb.done").touch()
    before = last_good.read_bytes()

    with _oobc(home, "refresh", "--full") as killed:
        try:
            log = None
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                logs = list(home.logs_dir.glob("refresh-*.log"))
                if logs and " START " in logs[0].read_text():  # dbt is building models
                    log = logs[0]
                    break
                assert killed.poll() is None, killed.stderr.read()
                time.sleep(0.1)
            assert log is not None, "dbt build never started"
            dbt = _children(killed.pid)
            assert dbt, "the refresh runs dbt as a child process"
            os.kill(killed.pid, signal.SIGKILL)
            assert killed.wait(10) == -signal.SIGKILL
        finally:
            killed.kill()

    # the dbt child died with its refresh: nothing keeps writing the half-built file or dbt's target folder
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in dbt) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in dbt)
    # the last good warehouse still serves, unchanged and readable
    assert published_path(home) == last_good
    assert last_good.read_bytes() == before
    with read_only(home) as con:
        assert con.execute("select count(*) from dim_ppa").fetchall() == [(TOTAL_PPAS,)]
    (running,) = _runs(home)
    assert running["status"] == "running"  # what a killed refresh leaves
    half_built = [p for p in home.builds_dir.glob("warehouse-*.duckdb") if p != last_good]
    assert len(half_built) == 1 and not half_built[0].with_suffix(".duckdb.done").exists()

    # the next refresh (here the scheduler's) recovers and succeeds
    with _oobc(home, "schedule", "--once") as nxt:
        _, err = nxt.communicate(timeout=600)
    assert nxt.returncode == 0, err
    killed_run, scheduled = _runs(home)
    assert killed_run["run_id"] == running["run_id"]
    assert killed_run["status"] == "failed" and killed_run["finished_at"] is not None
    assert killed_run["error"].startswith("abandoned:") and scheduled["run_id"] in killed_run["error"]
    assert (scheduled["command"], scheduled["status"]) == ("schedule", "succeeded")
    assert "marked failed (abandoned)" in err and f"removed old or unfinished build {half_built[0].name}" in err
    published = published_path(home)
    assert published == Path(scheduled["warehouse_file"]).resolve() != last_good
    with read_only(home) as con:
        (row,) = con.execute("select count(*) from dim_ppa").fetchall()
        assert row[0] > 0
        assert con.execute("select status from meta.refreshes where run_id = ?", [running["run_id"]]).fetchall() == [
            ("failed",)
        ]
    # keep_builds = 1: the published file and one before it; the half-built one is gone
    assert set(home.builds_dir.glob("warehouse-*.duckdb")) == {published, last_good}
    assert not list(home.builds_dir.glob("*.wal"))
    assert not home.root.joinpath("refresh.lock.json").exists()


# ------------------------------------------------------------------------------------------ readers
def test_readers_keep_their_file_and_new_connections_see_the_new_one(home: Home) -> None:
    home.config_file.write_text("[warehouse]\nkeep_builds = 0\n")
    publish(home, _build(home, 1))
    with read_only(home) as old_reader:
        old_file = published_path(home)
        publish(home, _build(home, 2))
        assert not old_file.exists()  # cleaned up (keep_builds = 0) while still open: fine on POSIX
        for _ in range(3):  # the open reader keeps a consistent view of the file it opened
            assert old_reader.execute("select value, count(*) from answer group by 1").fetchall() == [(1, 1)]
        with read_only(home) as new_reader:
            assert new_reader.execute("select value from answer").fetchall() == [(2,)]
        publish(home, _build(home, 3))
        with read_only(home) as newest:  # the link is resolved at every connection, never cached
            assert newest.execute("select value from answer").fetchall() == [(3,)]
        assert old_reader.execute("select value from answer").fetchall() == [(1,)]


def test_a_reader_in_another_process_sees_each_publish_without_restarting(home: Home) -> None:
    publish(home, _build(home, 1))
    code = (
        "import sys\nfrom ingest.home import Home\nfrom ingest.warehouse import read_only\nhome = Home.resolve(sys.argv[1])\n"
        "for line in sys.stdin:\n"
        "    with read_only(home) as con:\n"
        "        print(con.execute('select value from answer').fetchall()[0][0], flush=True)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(home.root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as reader:
        seen = []
        for value in (1, 2, 3):
            if value > 1:
                publish(home, _build(home, value))
            reader.stdin.write("read\n")
            reader.stdin.flush()
            seen.append(int(reader.stdout.readline()))
        reader.stdin.close()
        assert reader.wait(10) == 0
    assert seen == [1, 2, 3]


# ---------------------------------------------------------------------------------------- clean-up
def test_cleanup_keeps_the_published_file_and_n_others(home: Home) -> None:
    home.config_file.write_text("[warehouse]\nkeep_builds = 2\n")
    builds = []
    for i in range(6):
        builds.append(_build(home, i))
        past = time.time() - 100 + i  # oldest first
        os.utime(builds[-1], (past, past))
        publish(home, builds[-1])
        remaining = set(home.builds_dir.glob("warehouse-*.duckdb"))
        assert remaining == set(builds[-3:])  # the published one and the two before it
    publish(home, builds[3])  # back to an older one; then two newer builds appear
    newer = [_build(home, 10), _build(home, 11)]
    assert set(cleanup_builds(home)) == {builds[4], builds[5]}
    assert set(home.builds_dir.glob("warehouse-*.duckdb")) == {builds[3], *newer}  # the published one stays
    assert not [p for p in home.builds_dir.iterdir() if p.suffix == ".done" and not p.with_suffix("").exists()]


def test_unfinished_builds_are_left_to_their_refresh_unless_it_is_gone(home: Home) -> None:
    publish(home, _build(home, 1))
    in_progress = _build(home, 2, done=False)
    in_progress.with_suffix(".duckdb.wal").write_bytes(b"")
    publish(home, _build(home, 3), keep=0)
    assert in_progress.exists()  # young and unfinished: maybe a refresh still writing it
    removed = cleanup_builds(home, keep=0, unfinished_too=True)  # under the refresh lock: nobody is writing
    assert removed == [in_progress]
    assert not in_progress.exists() and not in_progress.with_suffix(".duckdb.wal").exists()
    assert published_path(home).exists()


def test_keep_builds_is_checked(home: Home) -> None:
    assert keep_builds(home) == 3
    home.config_file.write_text("[warehouse]\nkeep_builds = -1\n")
    with pytest.raises(ConfigError, match="keep_builds must be a whole number >= 0"):
        keep_builds(home)
