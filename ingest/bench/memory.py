"""Peak memory of a process tree, sampled with psutil (the refresh and the dbt it starts)."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and every descendant, in bytes (processes that just ended count as 0)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


@dataclass
class Measured:
    seconds: float
    peak_rss: int
    returncode: int
    output: str


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None, interval: float = 0.05) -> Measured:
    """Run ``cmd`` to completion, sampling the RSS of its process tree every ``interval`` seconds.

    The peak is the largest sum seen across the tree at one instant (the refresh process plus its dbt)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = proc.communicate()
    finally:
        done.set()
        sampler.join()
    return Measured(time.perf_counter() - start, peak, proc.returncode, output)
