"""Shared answers: a callback that reads only its inputs and the published warehouse answers the same request the
same way until the next publish, so each server process keeps those answers (the JSON it sent) and sends them again.

Executives and planners open the same default views (every page's first answers are the same for everybody), and a
chart of 22,500 PPAs costs 100–200 ms to draw at scale 100; sent again it costs a dictionary lookup. What may be
shared is declared, never guessed: a callback is shared only when its function is marked with :func:`shared` (a
callback that reads the state database, the signed-in user or the clock is not). The key is the published file
(its resolved path, size and modification time: a refresh or a publish changes it, and the process forgets every
answer at once) with the callback's outputs, inputs, states and which inputs changed (``dash.ctx.triggered``).

Requests are checked first: the sign-in guard (:mod:`dashboards.auth`) runs before the cache, so an answer is sent
only to a signed-in user allowed that callback. Answers are kept in a least-recently-used cache of at most
``OOBC_ANSWER_CACHE_MB`` megabytes per process (default 128; 0 turns the cache off). Responses carry
``X-OOBC-Answer: shared`` when sent from the cache, ``computed`` when computed (and kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import cachetools
import dash
from flask import Response, g, make_response, request

from dashboards.auth import CALLBACK_PATH
from ingest.home import Home
from ingest.warehouse import published_identity

SHARED_ATTR = "_oobc_shared_answer"
HEADER = "X-OOBC-Answer"
SIZE_ENV = "OOBC_ANSWER_CACHE_MB"
DEFAULT_MB = 128

F = TypeVar("F", bound=Callable[..., Any])


def shared(function: F) -> F:
    """Mark a callback function whose answer depends only on its inputs and the published warehouse."""
    setattr(function, SHARED_ATTR, True)  # Dash's own wrapper copies it (functools.wraps)
    return function


def shared_callbacks(app: dash.Dash) -> frozenset[str]:
    """The output keys (as the browser posts them) of the callbacks marked :func:`shared`."""
    return frozenset(key for key, spec in app.callback_map.items() if getattr(spec.get("callback"), SHARED_ATTR, False))


def capacity_bytes() -> int:
    """``OOBC_ANSWER_CACHE_MB`` in bytes (default 128 MB); 0 turns the cache off."""
    raw = os.environ.get(SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_MB * 2**20
    try:
        megabytes = float(raw)
    except ValueError:
        raise ValueError(f"{SIZE_ENV} must be a number of megabytes (0 turns the cache off), not {raw!r}") from None
    if megabytes < 0:
        raise ValueError(f"{SIZE_ENV} must be a number of megabytes >= 0, not {raw!r}")
    return int(megabytes * 2**20)


class Answers:
    """The answers kept by one process: least recently used first out, at most ``capacity`` bytes of JSON."""

    def __init__(self, capacity: int) -> None:
        self._lock = threading.Lock()
        self._cache: cachetools.LRUCache[str, bytes] = cachetools.LRUCache(maxsize=max(capacity, 1), getsizeof=len)
        self._published: tuple[str, int, int] | None = None
        self.hits = 0
        self.misses = 0

    def published(self, home: Home) -> tuple[str, int, int] | None:
        """The published file as (path, size, modification time); every answer is forgotten when it changes."""
        identity = published_identity(home)
        if identity is None:
            return None
        with self._lock:
            if identity != self._published:
                self._cache.clear()
                self._published = identity
        return identity

    def get(self, key: str) -> bytes | None:
        with self._lock:
            answer = self._cache.get(key)
            if answer is None:
                self.misses += 1
            else:
                self.hits += 1
            return answer

    def put(self, key: str, published: tuple[str, int, int], answer: bytes) -> None:
        if len(answer) > self._cache.maxsize:
            return  # larger than the whole cache: never kept
        with self._lock:
            if published == self._published:  # not an answer computed on a file published over since
                self._cache[key] = answer

    def __len__(self) -> int:
        return len(self._cache)


def request_key(body: dict[str, Any], published: tuple[str, int, int]) -> str:
    """The key of a callback request: the published file, the output, the inputs, the states, what changed."""
    parts = [
        published,
        body.get("output"),
        body.get("outputs"),
        body.get("inputs"),
        body.get("state"),
        sorted(str(p) for p in body.get("changedPropIds") or []),
    ]
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def install(app: dash.Dash, home: Home) -> Answers | None:
    """Send shared callbacks' answers again from this process's cache; install after the sign-in guard."""
    capacity = capacity_bytes()
    if capacity == 0:
        return None
    answers = Answers(capacity)
    server = app.server
    keys: frozenset[str] | None = None

    def before() -> Response | None:
        nonlocal keys
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        if keys is None:
            keys = shared_callbacks(app)
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str) or body["output"] not in keys:
            return None
        published = answers.published(home)
        if published is None:
            return None
        key = request_key(body, published)
        answer = answers.get(key)
        if answer is None:
            g.oobc_answer = (key, published)
            return None
        response = make_response(answer, 200)
        response.mimetype = "application/json"
        response.headers[HEADER] = "shared"
        return response

    def after(response: Response) -> Response:
        pending = g.pop("oobc_answer", None)
        if pending is not None and response.status_code == 200 and not response.direct_passthrough:
            answers.put(pending[0], pending[1], response.get_data())
            response.headers[HEADER] = "computed"
        return response

    server.before_request(before)
    server.after_request(after)
    app.answer_cache = answers  # for the tests and the bench
    return answers
