"""Scheduled refreshes: ``oobc schedule`` runs ``refresh`` on a cron expression from ``oobc.toml``.

The scheduling is APScheduler's (a ``BlockingScheduler`` with a ``CronTrigger``): one job, at most one instance of
it at a time, missed occurrences coalesced into one. Each occurrence runs the ordinary refresh, which takes the
home's refresh lock (``ingest.locking``): a scheduled refresh waits up to ``lock_wait_minutes`` for a refresh
started by hand to finish. A failed attempt is retried ``retries`` times, ``retry_delay_minutes`` apart; when the
last one fails too, the ``on_failure`` command (run by the shell) is told about it in environment variables:

    OOBC_RUN_ID     the run id of the last failed attempt (its record is in meta.refreshes / refresh_run)
    OOBC_ERROR      that attempt's error
    OOBC_ATTEMPTS   how many attempts were made
    OOBC_HOME       the home that was refreshed

Every attempt's outcome, step durations, rows and errors are recorded by the pipeline in the state database.

    [schedule]
    cron = "30 2 * * *"            # minute hour day month day-of-week (here: 02:30 every day)
    timezone = "Asia/Manila"        # the default
    retries = 2                     # attempts after the first failure (default 2)
    retry_delay_minutes = 10        # default 10
    lock_wait_minutes = 60          # wait this long for a running refresh (default 60)
    full = false                    # true: `refresh --full` every time
    on_failure = "mail -s 'OOBC refresh failed' data-team@example.org <<< \\"$OOBC_ERROR\\""
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from ingest.home import ConfigError, Home
from ingest.state import StateStore, refresh_run

COMMAND = "schedule"  # the command recorded with every scheduled refresh
HOOK_TIMEOUT_SECONDS = 300

Say = Callable[[str], None]
Progress = Callable[[str, int, int], None]

_KNOWN = {"cron", "timezone", "retries", "retry_delay_minutes", "lock_wait_minutes", "full", "on_failure"}


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str
    timezone: str = "Asia/Manila"
    retries: int = 2
    retry_delay_minutes: float = 10
    lock_wait_minutes: float = 60
    full: bool = False
    on_failure: str | None = None

    @property
    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron, self.timezone)


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _cron_days(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday, 1 = Monday; names too) as APScheduler's list of day names.

    APScheduler 3 counts 0 as Monday (its ``from_crontab`` keeps that for compatibility), so ``1-5`` would mean
    Tuesday to Saturday there: the field is expanded to the days a crontab means and passed by name.
    """

    def day(token: str) -> int:
        token = token.strip().lower()[:3]
        if token in _DAY_NAMES:
            return _DAY_NAMES.index(token)
        if token.isdigit() and 0 <= int(token) <= 7:
            return int(token)
        raise ValueError(f"{token!r} is not a day of the week (0-7 or sun-sat)")

    days: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"step {step_text!r} in {field!r}")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            first, last = (day(t) for t in base.split("-", 1))
            if first > last:
                raise ValueError(f"range {base!r} goes backwards")
        else:
            first = day(base)
            last = 6 if step_text else first
        days.update(d % 7 for d in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def cron_trigger(expr: str, timezone: str) -> CronTrigger:
    """A trigger for a standard five-field crontab expression (minute hour day-of-month month day-of-week)."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"it has {len(fields)} fields, not 5 (minute hour day-of-month month day-of-week)")
    minute, hour, day, month, day_of_week = fields
    if day != "*" and day_of_week != "*":
        # crontab runs when either matches, APScheduler when both do: refuse rather than guess
        raise ValueError("restrict the day of the month or the day of the week, not both")
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_cron_days(day_of_week),
        timezone=ZoneInfo(timezone),
    )


def load_schedule(home: Home) -> ScheduleConfig:
    """The ``[schedule]`` table of ``oobc.toml``, checked: a mistake is a one-line ``ConfigError``."""
    table = home.settings("schedule")
    where = f"{home.config_file}: [schedule]"
    if not table:
        raise ConfigError(f'{where} is missing: add one with at least `cron = "30 2 * * *"` (see README, Scheduling)')
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise ConfigError(f"{where} has unknown settings {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN))})")
    cron = table.get("cron")
    if not isinstance(cron, str) or not cron.strip():
        raise ConfigError(f'{where} needs `cron`, a cron expression such as "30 2 * * *"')
    tz = table.get("timezone", ScheduleConfig.timezone)
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where} timezone {tz!r} is not a known time zone (e.g. Asia/Manila)") from None

    def number(key: str, default: float, kind: type = float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where} {key} must be a number >= 0, not {value!r}")
        if kind is int and value != int(value):
            raise ConfigError(f"{where} {key} must be a whole number, not {value!r}")
        return kind(value)

    full = table.get("full", False)
    if not isinstance(full, bool):
        raise ConfigError(f"{where} full must be true or false, not {full!r}")
    on_failure = table.get("on_failure")
    if on_failure is not None and (not isinstance(on_failure, str) or not on_failure.strip()):
        raise ConfigError(f"{where} on_failure must be a shell command")
    config = ScheduleConfig(
        cron=cron.strip(),
        timezone=str(tz),
        retries=int(number("retries", ScheduleConfig.retries, int)),
        retry_delay_minutes=number("retry_delay_minutes", ScheduleConfig.retry_delay_minutes),
        lock_wait_minutes=number("lock_wait_minutes", ScheduleConfig.lock_wait_minutes),
        full=full,
        on_failure=on_failure,
    )
    try:
        config.trigger  # noqa: B018 (parse the expression now, not at the first occurrence)
    except ValueError as exc:
        raise ConfigError(f"{where} cron {cron!r} is not a valid cron expression: {exc}") from None
    return config


def next_run_times(config: ScheduleConfig, count: int = 5, now: dt.datetime | None = None) -> list[dt.datetime]:
    """The next ``count`` occurrences after ``now`` (aware, in the schedule's time zone)."""
    trigger = config.trigger
    moment = now or dt.datetime.now(ZoneInfo(config.timezone))
    times: list[dt.datetime] = []
    previous = None
    while len(times) < count:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        times.append(fire)
        previous = fire
        moment = fire + dt.timedelta(microseconds=1)
    return times


# ------------------------------------------------------------------------------------------- one run
@dataclass
class ScheduledOutcome:
    succeeded: bool
    attempts: int
    run_id: str | None  # the last attempt's
    error: str | None  # the last attempt's, when it failed
    notified: bool = False


def _last_run(home: Home, since: dt.datetime) -> tuple[str | None, str | None]:
    """The run id and error of the newest scheduled refresh started at or after ``since``."""
    state = StateStore(home.state_url)
    with state.engine.connect() as conn:
        row = conn.execute(
            sa.select(refresh_run.c.run_id, refresh_run.c.error)
            .where(refresh_run.c.command == COMMAND, refresh_run.c.started_at >= since)
            .order_by(refresh_run.c.started_at.desc(), refresh_run.c.run_id.desc())
            .limit(1)
        ).first()
    return (row[0], row[1]) if row else (None, None)


def notify_failure(home: Home, config: ScheduleConfig, outcome: ScheduledOutcome, say: Say) -> bool:
    """Run the ``on_failure`` hook; its own failure is reported, never raised (the refresh failure is the news)."""
    if not config.on_failure:
        return False
    env = {
        **os.environ,
        "OOBC_RUN_ID": outcome.run_id or "",
        "OOBC_ERROR": outcome.error or "",
        "OOBC_ATTEMPTS": str(outcome.attempts),
        "OOBC_HOME": str(home.root),
    }
    try:
        done = subprocess.run(
            config.on_failure,
            shell=True,
            env=env,
            cwd=home.root,
            timeout=HOOK_TIMEOUT_SECONDS,
            capture_output=True,
            text=True,
        )
    except subprocess.TimeoutExpired:
        say(f"on_failure hook did not finish within {HOOK_TIMEOUT_SECONDS}s")
        return False
    if done.returncode != 0:
        say(f"on_failure hook failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}")
        return False
    say("on_failure hook run")
    return True


def run_scheduled_refresh(
    home: Home,
    config: ScheduleConfig,
    *,
    say: Say,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ScheduledOutcome:
    """One scheduled occurrence: refresh, retried per ``config``; notify when every attempt failed."""
    from ingest.pipeline import refresh

    attempts = 1 + config.retries
    outcome = ScheduledOutcome(succeeded=False, attempts=0, run_id=None, error=None)
    for attempt in range(1, attempts + 1):
        outcome.attempts = attempt
        started = _state_now()
        say(f"scheduled refresh, attempt {attempt} of {attempts}")
        try:
            result = refresh(
                home,
                command=COMMAND,
                full=config.full,
                say=say,
                progress=progress,
                lock_wait=config.lock_wait_minutes * 60,
            )
        except Exception as exc:
            run_id, error = _last_run(home, started)
            outcome.run_id = run_id
            outcome.error = error or f"{type(exc).__name__}: {exc}"
            say(f"attempt {attempt} failed (run {run_id}): {outcome.error.splitlines()[0]}")
            if attempt < attempts:
                say(f"retrying in {config.retry_delay_minutes:g} min")
                sleep(config.retry_delay_minutes * 60)
            continue
        outcome.succeeded, outcome.run_id, outcome.error = True, result.run_id, None
        say(f"scheduled refresh {result.run_id} published {result.warehouse.name}")
        return outcome
    outcome.notified = notify_failure(home, config, outcome, say)
    return outcome


def _state_now() -> dt.datetime:
    from ingest.state import utcnow

    # the state database keeps naive UTC at second precision on some backends: start a second early
    return utcnow().replace(microsecond=0) - dt.timedelta(seconds=1)


# --------------------------------------------------------------------------------------- the scheduler
def serve_schedule(home: Home, config: ScheduleConfig, job: Callable[[], object], say: Say) -> None:
    """Run ``job`` at every occurrence until interrupted (Ctrl+C, SIGTERM)."""
    if not logging.getLogger().handlers:  # APScheduler reports skipped and missed occurrences through logging
        logging.basicConfig(format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    scheduler = BlockingScheduler(timezone=ZoneInfo(config.timezone))
    scheduler.add_job(
        job,
        config.trigger,
        id="refresh",
        name=f"oobc refresh of {home.root}",
        max_instances=1,  # an occurrence due while a refresh runs is skipped, never run alongside
        coalesce=True,  # occurrences missed (machine asleep) run once, not once each
        misfire_grace_time=3600,
    )

    def stop(signum: int, frame: object) -> None:  # SIGTERM (systemd, docker stop): let a running refresh finish
        if scheduler.running:
            scheduler.shutdown(wait=True)  # start() then returns
        else:
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    times = ", ".join(t.isoformat(timespec="minutes") for t in next_run_times(config, 3))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        say(f"scheduling refreshes of {home.root} at `{config.cron}` ({config.timezone}); next: {times}")
        scheduler.start()
    say("scheduler stopped")
