"""`oobc schedule`: the cron schedule of oobc.toml, one refresh at a time (the refresh lock), retries, the hook.

A scheduled refresh that succeeds is exercised end to end in tests/test_publishing.py, where `oobc schedule --once`
is the refresh that follows one killed with SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from ingest.cli import main
from ingest.home import Home
from ingest.locking import RefreshLockedError, refresh_lock
from ingest.schedule import ScheduleConfig, load_schedule, next_run_times, run_scheduled_refresh
from ingest.state import StateStore, refresh_run

MANILA = ZoneInfo("Asia/Manila")
UNREACHABLE = 'url = "sqlite:////nonexistent/oobc-test/obcms.sqlite3"'
HOOK = 'printf "%s\\n%s\\n%s" "$OOBC_RUN_ID" "$OOBC_ATTEMPTS" "$OOBC_ERROR" > hook.txt'


def _configure(home: Home, schedule: str, source: str = UNREACHABLE) -> None:
    home.config_file.write_text(f'[[sources]]\nname = "obcms"\nkind = "obcms"\n{source}\n\n[schedule]\n{schedule}\n')


def _runs(home: Home) -> list[tuple]:
    state = StateStore(home.state_url)
    try:
        with state.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    refresh_run.c.run_id, refresh_run.c.command, refresh_run.c.status, refresh_run.c.error
                ).order_by(refresh_run.c.started_at, refresh_run.c.run_id)
            ).all()
    finally:
        state.engine.dispose()
    return [tuple(r) for r in rows]


def _oobc(home: Home, *args: str, **kwargs) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("oobc")
    return subprocess.Popen(
        [str(exe), "--home", str(home.root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# ------------------------------------------------------------------------------------------- the cron
def test_days_of_the_week_mean_what_they_mean_in_a_crontab() -> None:
    friday_3am = dt.datetime(2025, 11, 21, 3, 0, tzinfo=MANILA)
    weekdays = next_run_times(ScheduleConfig(cron="30 2 * * 1-5"), 5, now=friday_3am)
    assert weekdays == [dt.datetime(2025, 11, d, 2, 30, tzinfo=MANILA) for d in (24, 25, 26, 27, 28)]  # Mon–Fri
    for sunday in ("0 6 * * 0", "0 6 * * 7", "0 6 * * sun"):
        (first,) = next_run_times(ScheduleConfig(cron=sunday), 1, now=friday_3am)
        assert first == dt.datetime(2025, 11, 23, 6, 0, tzinfo=MANILA)
    weekend = next_run_times(ScheduleConfig(cron="15 */12 * * sat,sun"), 4, now=friday_3am)
    assert [(t.day, t.hour) for t in weekend] == [(22, 0), (22, 12), (23, 0), (23, 12)]


def test_the_time_zone_is_the_schedules() -> None:
    utc_midnight = dt.datetime(2025, 11, 21, 0, 0, tzinfo=dt.UTC)
    (manila,) = next_run_times(ScheduleConfig(cron="0 2 * * *"), 1, now=utc_midnight)
    (utc,) = next_run_times(ScheduleConfig(cron="0 2 * * *", timezone="UTC"), 1, now=utc_midnight)
    assert manila == dt.datetime(2025, 11, 22, 2, 0, tzinfo=MANILA)  # 02:00 Manila on the 21st had passed
    assert utc == dt.datetime(2025, 11, 21, 2, 0, tzinfo=dt.UTC)


def test_dry_run_prints_the_next_five_times(home: Home) -> None:
    _configure(home, 'cron = "30 2 * * 1-5"')
    result = CliRunner().invoke(main, ["--home", str(home.root), "schedule", "--dry-run"])
    assert result.exit_code == 0, result.output
    times = [dt.datetime.fromisoformat(line) for line in result.stdout.splitlines()]
    assert len(times) == 5
    assert times == sorted(times) and len(set(times)) == 5
    assert all(t.utcoffset() == dt.timedelta(hours=8) and (t.hour, t.minute) == (2, 30) for t in times)
    assert all(t.weekday() < 5 for t in times)
    assert times[0] > dt.datetime.now(MANILA)
    assert not _runs(home)  # nothing ran


@pytest.mark.parametrize(
    ("schedule", "complaint"),
    [
        ("", "[schedule] is missing"),
        ('cron = "61 * * * *"', "not a valid cron expression"),
        ('cron = "* * * *"', "4 fields"),
        ('cron = "0 0 1 * 1"', "not both"),
        ('cron = "0 0 * * 9"', "not a day of the week"),
        ('cron = "0 3 * * *"\ntimezone = "Mars/Olympus"', "not a known time zone"),
        ('cron = "0 3 * * *"\nretries = -1', "retries must be a number >= 0"),
        ('cron = "0 3 * * *"\nretries = 1.5', "retries must be a whole number"),
        ('cron = "0 3 * * *"\nevery = "day"', "unknown settings every"),
    ],
)
def test_a_bad_schedule_is_a_one_line_error(home: Home, schedule: str, complaint: str) -> None:
    _configure(home, schedule)
    if not schedule:
        home.config_file.write_text(home.config_file.read_text().replace("[schedule]", ""))
    result = CliRunner().invoke(main, ["--home", str(home.root), "schedule", "--once"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and complaint in lines[0]
    assert not _runs(home)


def test_the_configuration_is_read(home: Home) -> None:
    _configure(
        home,
        'cron = "0 3 * * *"\nretries = 4\nretry_delay_minutes = 2.5\nlock_wait_minutes = 0\nfull = true\n'
        'on_failure = "true"\ntimezone = "UTC"',
    )
    assert load_schedule(home) == ScheduleConfig(
        cron="0 3 * * *",
        timezone="UTC",
        retries=4,
        retry_delay_minutes=2.5,
        lock_wait_minutes=0,
        full=True,
        on_failure="true",
    )


# ------------------------------------------------------------------------------- retries and the hook
def test_a_failing_refresh_is_retried_then_the_hook_is_told(home: Home) -> None:
    _configure(home, f"cron = \"0 3 * * *\"\nretries = 2\nretry_delay_minutes = 0\non_failure = '{HOOK}'")
    result = CliRunner().invoke(main, ["--home", str(home.root), "schedule", "--once"])
    assert result.exit_code == 1
    runs = _runs(home)
    assert [(command, status) for _, command, status, _ in runs] == [("schedule", "failed")] * 3
    assert all("cannot connect to the OBCMS database" in error for *_, error in runs)
    last_run, *_, last_error = runs[-1]
    assert (home.root / "hook.txt").read_text().split("\n", 2) == [last_run, "3", last_error]
    assert "attempt 3 of 3" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: scheduled refresh failed after 3 attempt(s)")


def test_retries_wait_the_configured_delay(home: Home) -> None:
    _configure(home, 'cron = "0 3 * * *"')
    slept: list[float] = []
    config = ScheduleConfig(cron="0 3 * * *", retries=2, retry_delay_minutes=1.5)
    outcome = run_scheduled_refresh(home, config, say=lambda _: None, sleep=slept.append)
    assert not outcome.succeeded and outcome.attempts == 3 and not outcome.notified  # no hook configured
    assert slept == [90.0, 90.0]  # between attempts, not after the last
    assert len(_runs(home)) == 3


def test_a_failing_hook_is_reported_not_raised(home: Home) -> None:
    _configure(home, 'cron = "0 3 * * *"')
    config = ScheduleConfig(cron="0 3 * * *", retries=0, on_failure="echo hook broke >&2; exit 3")
    said: list[str] = []
    outcome = run_scheduled_refresh(home, config, say=said.append)
    assert not outcome.succeeded and not outcome.notified
    assert "on_failure hook failed (exit 3): hook broke" in said


# ------------------------------------------------------------------------------------------- the lock
@pytest.mark.parametrize("command", [["refresh"], ["build"], ["ingest", "obcms", "sqlite:////x/y.sqlite3"]])
def test_a_second_refresh_by_hand_is_refused_in_one_line(home: Home, command: list[str]) -> None:
    _configure(home, 'cron = "0 3 * * *"')
    with refresh_lock(home, command="schedule", run_id="R-1"):
        result = CliRunner().invoke(main, ["--home", str(home.root), *command])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: `oobc schedule` (run R-1, pid ")
    assert "is already refreshing" in line and "try again when it has finished" in line
    ((_, _, status, error),) = _runs(home)
    assert status == "failed" and error.startswith("refused: `oobc schedule` (run R-1")


def _holder(home: Home, seconds: float) -> subprocess.Popen:
    """Another process holding the home's refresh lock for ``seconds``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from ingest.home import Home; from ingest.locking import refresh_lock\n"
            "with refresh_lock(Home.resolve(sys.argv[1]), command='refresh', run_id='R-9'):\n"
            "    print('locked', flush=True); time.sleep(float(sys.argv[2]))",
            str(home.root),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_the_lock_is_held_across_processes_and_dies_with_its_holder(home: Home) -> None:
    with _holder(home, 120) as holder:
        try:
            assert holder.stdout.readline().strip() == "locked"
            with (
                pytest.raises(RefreshLockedError, match=rf"run R-9, pid {holder.pid}.*after waiting 0.3s"),
                refresh_lock(home, wait_seconds=0.3),
            ):
                pass
            os.kill(holder.pid, signal.SIGKILL)  # no chance to clean up: the kernel releases the lock
            holder.wait(10)
            with refresh_lock(home, wait_seconds=5):
                pass
        finally:
            holder.kill()


def test_a_scheduled_refresh_waits_for_the_lock(home: Home) -> None:
    with _holder(home, 1.5) as holder:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with refresh_lock(home, wait_seconds=30):
            waited = time.monotonic() - started
        assert holder.wait(10) == 0
    assert 0.5 < waited < 20


def test_a_scheduled_refresh_that_cannot_get_the_lock_fails_and_notifies(home: Home) -> None:
    _configure(home, 'cron = "0 3 * * *"')
    config = ScheduleConfig(cron="0 3 * * *", retries=0, lock_wait_minutes=0.01, on_failure=HOOK)
    with refresh_lock(home, command="refresh", run_id="R-2"):
        outcome = run_scheduled_refresh(home, config, say=lambda _: None)
    assert not outcome.succeeded and outcome.notified
    ((run_id, command, status, error),) = _runs(home)
    assert (command, status) == ("schedule", "failed")
    assert error.startswith("refused: `oobc refresh` (run R-2") and "after waiting 0.6s" in error
    assert (home.root / "hook.txt").read_text().split("\n", 2) == [run_id, "1", error]


# ----------------------------------------------------------------------------------- the scheduler
def test_the_scheduler_runs_until_sigterm(home: Home) -> None:
    _configure(home, 'cron = "0 3 1 1 *"')  # 1 January, 03:00: never during the test
    with _oobc(home, "schedule") as proc:
        try:
            deadline = time.monotonic() + 30
            first = proc.stderr.readline()
            while "scheduling refreshes" not in first and time.monotonic() < deadline:
                first = proc.stderr.readline()
            assert "at `0 3 1 1 *` (Asia/Manila); next: " in first
            assert "-01-01T03:00+08:00" in first
            proc.send_signal(signal.SIGTERM)
            rest = proc.stderr.read()
            assert proc.wait(30) == 0, rest
            assert "scheduler stopped" in rest
        finally:
            proc.kill()
    assert not _runs(home)
