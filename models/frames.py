"""Work done once per polars frame and kept while the frame lives.

The scenario page recomputes on the same cached candidates (``dashboards.scenario_queries.year_inputs``) at every
edit: what depends on the frame alone (its rows checked and parsed, the page's grids) is made once.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

import polars as pl

T = TypeVar("T")


def once_per_frame(make: Callable[[pl.DataFrame], T]) -> Callable[[pl.DataFrame], T]:
    """``make(frame)`` made once per frame and kept while the frame lives. Keyed by the frame's id and checked
    through a weak reference, so a new frame with a recycled id is never mistaken for the old one. What it returns
    is shared by every later call: never change it."""
    kept: dict[int, tuple[weakref.ref, T]] = {}

    @functools.wraps(make)
    def once(frame: pl.DataFrame) -> T:
        hit = kept.get(id(frame))
        if hit is not None and hit[0]() is frame:
            return hit[1]
        made = make(frame)
        key = id(frame)
        kept[key] = (weakref.ref(frame, lambda _gone: kept.pop(key, None)), made)
        return made

    once.kept = kept  # type: ignore[attr-defined]
    return once
