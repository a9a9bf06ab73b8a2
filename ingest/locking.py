"""One refresh at a time per home, across processes: an OS file lock on ``$OOBC_HOME/refresh.lock``.

Every command that builds and publishes a warehouse (``oobc refresh``, ``demo``, ``ingest …``, ``build`` and the
scheduled refreshes of ``oobc schedule``) takes this lock for the whole refresh. The lock is an ``flock`` held by the
process (``filelock``): the kernel releases it when the process ends, however it ends, so a refresh killed with
``kill -9`` never leaves a stale lock behind; the file itself stays and is harmless.

A command run by hand does not wait: when another refresh holds the lock it refuses at once with a one-line error
naming that refresh. ``oobc schedule`` waits for the lock up to ``lock_wait_minutes`` (see ``ingest.schedule``).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ingest.home import Home
from ingest.state import utcnow


class RefreshLockedError(Exception):
    """Another refresh of the same home is running."""


def lock_path(home: Home) -> Path:
    return home.root / "refresh.lock"


def holder_path(home: Home) -> Path:
    """Who holds the lock (pid, command, run): informative only, the lock itself is the ``flock``."""
    return home.root / "refresh.lock.json"


def _holder_text(home: Home) -> str:
    try:
        holder = json.loads(holder_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another refresh"
    return (
        f"`oobc {holder.get('command', 'refresh')}` (run {holder.get('run_id', '?')}, pid {holder.get('pid', '?')}, "
        f"started {holder.get('started_at', '?')} UTC)"
    )


@contextmanager
def refresh_lock(
    home: Home, wait_seconds: float = 0.0, *, command: str = "refresh", run_id: str = ""
) -> Iterator[None]:
    """Hold the home's refresh lock; wait up to ``wait_seconds`` for it, else raise ``RefreshLockedError``."""
    home.ensure()
    lock = FileLock(lock_path(home), preserve_lock_file=True)
    try:
        lock.acquire(timeout=max(wait_seconds, 0.0))  # 0: one attempt, no waiting
    except Timeout:
        waited = f" after waiting {wait_seconds:g}s" if wait_seconds > 0 else ""
        raise RefreshLockedError(
            f"{_holder_text(home)} is already refreshing {home.root}{waited}; try again when it has finished"
        ) from None
    try:
        holder_path(home).write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "command": command,
                    "run_id": run_id,
                    "started_at": utcnow().isoformat(timespec="seconds"),
                }
            ),
            encoding="utf-8",
        )
        yield
    finally:
        holder_path(home).unlink(missing_ok=True)
        lock.release()


# ------------------------------------------------------------------------------ child processes
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` for subprocesses of a refresh (dbt): on Linux the child is killed when the refresh process
    dies, so a refresh killed with ``kill -9`` leaves no orphan still writing its build or dbt's target folder."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def _preexec() -> None:  # runs in the child between fork and exec
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return _preexec
