"""Server-side latency of the dashboards' callbacks, measured from HTTP clients.

The app is served by the production server (gunicorn, 2 workers × 4 threads) on the bench home. A viewer signs in
(``POST /login``), then each page is loaded the way a browser loads it: the pages callback returns the page's
layout; the shell's filter callback fills the filter store; every callback that fires on load
(``prevent_initial_call`` false, not clientside) is called in dependency order with ``POST
/_dash-update-component``, its inputs taken from the layout and from the responses of the callbacks before it
(so the scenario recompute gets the envelope its page proposes, the work-item tree the PPA its page picks).
That recording is then replayed by 1 and by N concurrent clients (each its own signed-in session), and the
response time of every request is measured at the client. A client either pauses after each page, for a random
time (exponential, of a given mean: someone reading the page before the next click), or sends its next request as
soon as the last one is answered (``think=0``: a stress test, not a picture of people).
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from dashboards.answer_cache import HEADER as ANSWER_HEADER
from dashboards.answer_cache import SIZE_ENV as ANSWER_CACHE_ENV
from dashboards.pages import navbar_paths
from ingest.locking import die_with_parent

PAGES = navbar_paths()
PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."
SCENARIO_RECOMPUTE = "scenario-envelope.invalid"  # the first output of the page's live recompute callback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(home_dir: Path, *, workers: int = 2, log: Path | None = None, shared_answers: bool = True) -> Iterator[str]:
    """Serve the dashboards of ``home_dir`` under gunicorn (``oobc serve --production``); yields the base URL.
    ``shared_answers=False`` serves with the answer cache off (``OOBC_ANSWER_CACHE_MB=0``): every answer computed."""
    port = free_port()
    oobc = str(Path(sys.executable).with_name("oobc"))
    out = open(log or os.devnull, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [oobc, "--home", str(home_dir), "serve", "--production", "--workers", str(workers), "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **({} if shared_answers else {ANSWER_CACHE_ENV: "0"})},
        preexec_fn=die_with_parent(),  # a bench killed with kill -9 takes its server with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard server ended (exit {proc.returncode}); see {log}")
            try:
                requests.get(f"{base}/login", timeout=30)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise RuntimeError("the dashboard server did not start within 120 s") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


def sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    r = session.post(f"{base}/login", data={"username": username, "password": password}, allow_redirects=False)
    if r.status_code not in (302, 303):
        raise RuntimeError(f"sign-in as {username} failed: HTTP {r.status_code}")
    return session


# ----------------------------------------------------------------------------------------- recording
def _split_output(spec: str) -> tuple[bool, list[tuple[Any, str]]]:
    """An output spec (``a.b`` or ``..a.b...c.d..``) as (multi, [(id, property)]); ids may be JSON (patterns)."""
    multi = spec.startswith("..")
    parts = spec[2:-2].split("...") if multi else [spec]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append((json.loads(ident) if ident.startswith("{") else ident, prop))
    return multi, out


def _id_key(ident: Any) -> str:
    return json.dumps(ident, sort_keys=True) if isinstance(ident, dict) else ident


def _matches(pattern: dict, ident: Any) -> bool:
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    return all(v == ["ALL"] or v == ["MATCH"] or v == ["ALLSMALLER"] or ident[k] == v for k, v in pattern.items())


class Props:
    """What the browser would hold: every component with an id in the rendered layout, and its properties."""

    def __init__(self) -> None:
        self.components: dict[str, tuple[Any, dict]] = {}

    def walk(self, node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item)
        elif isinstance(node, dict) and "props" in node and "type" in node:
            props = node["props"]
            if "id" in props:
                self.components[_id_key(props["id"])] = (props["id"], props)
            for value in props.values():
                self.walk(value)

    def has(self, ident: Any) -> bool:
        if isinstance(ident, dict) and any(isinstance(v, list) for v in ident.values()):
            return True  # a pattern matches any number of components, none included
        return _id_key(ident) in self.components

    def matching(self, pattern: dict) -> list[Any]:
        return [ident for ident, _ in self.components.values() if _matches(pattern, ident)]

    def value(self, ident: Any, prop: str) -> Any:
        entry = self.components.get(_id_key(ident))
        return entry[1].get(prop) if entry else None

    def set(self, ident: Any, prop: str, value: Any) -> None:
        key = _id_key(ident)
        if key not in self.components:
            self.components[key] = (ident, {"id": ident})
        self.components[key][1][prop] = value
        self.walk(value)

    def arg(self, dep: dict) -> Any:
        ident = json.loads(dep["id"]) if dep["id"].startswith("{") else dep["id"]
        prop = dep["property"]
        if isinstance(ident, dict) and any(isinstance(v, list) for v in ident.values()):
            return [{"id": i, "property": prop, "value": self.value(i, prop)} for i in self.matching(ident)]
        return {"id": ident, "property": prop, "value": self.value(ident, prop)}


@dataclass
class Call:
    page: str
    name: str  # the callback's outputs
    body: dict


@dataclass
class Recording:
    calls: list[Call] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # callbacks that could not be played, with why


def _payload(cb: dict, props: Props) -> dict:
    multi, outputs = _split_output(cb["output"])
    outs = []
    for ident, prop in outputs:
        prop = prop.split("@", 1)[0]
        if isinstance(ident, dict) and any(isinstance(v, list) for v in ident.values()):
            outs.append([{"id": i, "property": prop} for i in props.matching(ident)])
        else:
            outs.append({"id": ident, "property": prop})
    inputs = [props.arg(d) for d in cb["inputs"]]
    changed = [f"{d['id']}.{d['property']}" for d in cb["inputs"]]
    return {
        "output": cb["output"],
        "outputs": outs if multi else outs[0],
        "inputs": inputs,
        "changedPropIds": changed,
        "state": [props.arg(d) for d in cb["state"]],
    }


def _apply(props: Props, response: dict) -> None:
    for key, values in (response.get("response") or {}).items():
        ident = json.loads(key) if key.startswith("{") else key
        for prop, value in values.items():
            props.set(ident, prop, value)


def _post(session: requests.Session, base: str, body: dict) -> requests.Response:
    return session.post(f"{base}/_dash-update-component", json=body, timeout=300)


def _timed_post(session: requests.Session, base: str, body: dict) -> tuple[requests.Response | None, float, bool]:
    """One callback request timed at the client: (response, seconds, sent again). The server closes a keep-alive
    connection left idle during a pause (gunicorn's keepalive, 2 s); a browser then sends the request again on a new
    one, and so does this client, timing only that attempt. The response is None when the second attempt fails too."""
    for again in (False, True):
        t0 = time.perf_counter()
        try:
            return _post(session, base, body), time.perf_counter() - t0, again
        except requests.ConnectionError:
            if again:
                return None, 0.0, True
    raise AssertionError("unreachable")


def record(session: requests.Session, base: str, pages: tuple[str, ...] = PAGES) -> Recording:
    """Load every page once, in dependency order, keeping each callback's request for replay."""
    deps = session.get(f"{base}/_dash-dependencies").json()
    shell = Props()
    shell.walk(session.get(f"{base}/_dash-layout").json())
    rec = Recording()
    pages_cb = next(c for c in deps if c["output"] == PAGES_OUTPUT)
    page_cbs = [
        c for c in deps if c is not pages_cb and not c.get("prevent_initial_call") and not c.get("clientside_function")
    ]
    for path in pages:
        props = Props()
        props.components = dict(shell.components)
        props.set("_pages_location", "pathname", path)
        props.set("_pages_location", "search", "")
        props.set("shell-url", "pathname", path)
        props.set("shell-url", "search", "")
        pending = []
        body = _payload(pages_cb, props)
        r = _post(session, base, body)
        r.raise_for_status()
        _apply(props, r.json())
        rec.calls.append(Call(path, "page layout", body))
        # as the browser does: a callback fires on load when its inputs and its outputs are in the layout
        pending = [
            c
            for c in page_cbs
            if all(props.has(_dep_id(d)) for d in c["inputs"])
            and all(props.has(i) for i, _ in _split_output(c["output"])[1])
        ]
        outputs_of = {id(c): {_id_key(i) for i, _ in _split_output(c["output"])[1]} for c in pending}
        done: set[int] = set()
        while len(done) < len(pending):
            ready = []
            for c in pending:
                if id(c) in done:
                    continue
                # it waits for callbacks not played yet whose outputs are its inputs (its own outputs aside)
                waiting = {k for o in pending if id(o) not in done and o is not c for k in outputs_of[id(o)]}
                if not any(_id_key(_dep_id(d)) in waiting for d in c["inputs"]):
                    ready.append(c)
            ready = ready[:1] or [next(c for c in pending if id(c) not in done)]  # a cycle: declaration order
            for cb in ready:
                done.add(id(cb))
                body = _payload(cb, props)
                r = _post(session, base, body)
                if r.status_code == 204:  # PreventUpdate: nothing to show for these inputs
                    rec.calls.append(Call(path, _name(cb), body))
                    continue
                if r.status_code != 200:
                    rec.skipped.append(f"{path} {_name(cb)}: HTTP {r.status_code}")
                    continue
                _apply(props, r.json())
                rec.calls.append(Call(path, _name(cb), body))
    return rec


def _dep_id(dep: dict) -> Any:
    return json.loads(dep["id"]) if dep["id"].startswith("{") else dep["id"]


def _name(cb: dict) -> str:
    _, outputs = _split_output(cb["output"])
    ident, prop = outputs[0]
    label = ident if isinstance(ident, str) else ident.get("type", "?")
    more = f" (+{len(outputs) - 1})" if len(outputs) > 1 else ""
    return f"{label}.{prop.split('@', 1)[0]}{more}"


# -------------------------------------------------------------------------------------------- replay
@dataclass
class Timings:
    clients: int
    per_call: dict[tuple[str, str], list[float]]
    errors: int
    wall_seconds: float
    reconnects: int = 0  # requests sent again on a new connection after the server closed an idle one
    shared: int = 0  # answers the server sent from its shared answers (dashboards.answer_cache), not computed

    def summary(self) -> list[dict]:
        rows = []
        for (page, name), times in self.per_call.items():
            rows.append({"page": page, "callback": name, **_stats(times)})
        return rows


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {"n": len(times), "median_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * p95, 1)}


def replay(base: str, rec: Recording, sessions: list[requests.Session], rounds: int, think: float = 0.0) -> Timings:
    """Every client plays every recorded call ``rounds`` times, pages in a shuffled order, all clients at once;
    after each page a client pauses for an exponentially distributed time of mean ``think`` seconds (capped at
    four times the mean; none when ``think`` is 0), and starts after a random delay of up to ``think`` (without
    pauses, all clients start at once). Only the requests are timed, never the pauses."""
    per_call: dict[tuple[str, str], list[float]] = {}
    lock = threading.Lock()
    errors = reconnects = shared = 0
    pages = sorted({c.page for c in rec.calls}, key=list(PAGES).index)
    by_page = {p: [c for c in rec.calls if c.page == p] for p in pages}
    start_line = threading.Barrier(len(sessions))

    def client(index: int, session: requests.Session) -> None:
        nonlocal errors, reconnects, shared
        rng = random.Random(index)
        start_line.wait()
        if think > 0:  # people do not all click at the same instant: each client arrives within one mean pause
            time.sleep(rng.uniform(0, think))
        for _ in range(rounds):
            order = pages[:]
            rng.shuffle(order)
            for page in order:
                for call in by_page[page]:
                    r, elapsed, reconnected = _timed_post(session, base, call.body)
                    with lock:
                        reconnects += reconnected
                        if r is not None and r.status_code in (200, 204):
                            per_call.setdefault((call.page, call.name), []).append(elapsed)
                            shared += r.headers.get(ANSWER_HEADER) == "shared"
                        else:
                            errors += 1
                if think > 0:
                    time.sleep(min(rng.expovariate(1 / think), 4 * think))

    threads = [threading.Thread(target=client, args=(i, s)) for i, s in enumerate(sessions)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Timings(len(sessions), per_call, errors, time.perf_counter() - t0, reconnects, shared)
