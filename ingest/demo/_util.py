"""Small deterministic helpers shared by the demo generators: random streams, ids, money, dates and people."""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from ingest.demo import reference as ref

# The fixed "today" of the demo: every timestamp derives from it, never from the wall clock.
REFERENCE_DATE = np.datetime64("2026-10-31", "D")
FISCAL_YEARS: tuple[int, ...] = (2023, 2024, 2025, 2026)

Frame = dict[str, Any]
"""Columns of one table (or one chunk of it): column name -> numpy array or list, all of the same length."""


def stream(seed: int, name: str, *extra: int) -> np.random.Generator:
    """An independent random stream for one purpose, derived from the seed and a name.

    Each table (and each batch of a chunked table) draws from its own stream, so changing one table's
    generator never changes the rows of another.
    """
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, key, *extra])))


def uuid_bytes(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random version-4 UUIDs as an (n, 16) uint8 array (same bits as ``uuid.UUID(bytes=..., version=4)``)."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return raw


def uuid_hex(raw: np.ndarray) -> list[str]:
    """32-character lowercase hex strings (how Django and SQLAlchemy store UUIDs in SQLite)."""
    text = raw.tobytes().hex()
    return [text[i : i + 32] for i in range(0, len(text), 32)]


def uuids(rng: np.random.Generator, n: int) -> list[str]:
    return uuid_hex(uuid_bytes(rng, n))


def dashed(hex32: str) -> str:
    """The canonical dashed form of a 32-hex UUID (what Django's ``str(uuid)`` gives)."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def pick(rng: np.random.Generator, values: Sequence[Any], n: int, p: Sequence[float] | None = None) -> np.ndarray:
    """``n`` indices into ``values`` drawn with (unnormalised) weights ``p``."""
    if p is None:
        return rng.integers(0, len(values), size=n)
    w = np.asarray(p, dtype=float)
    return rng.choice(len(values), size=n, p=w / w.sum())


def ensure_all(
    rng: np.random.Generator,
    codes: np.ndarray,
    k: int,
    eligible: np.ndarray | None = None,
    taken: np.ndarray | None = None,
) -> np.ndarray:
    """Make every code 0..k-1 appear at least once in ``codes`` (in place) when there are enough rows.

    A missing code is written on a random eligible row, not already used to force another code, whose own
    code appears more than once (so no new gap opens): a tiny database still shows every category.
    ``taken`` (a boolean mask) is updated with the rows used.
    """
    n = len(codes)
    if eligible is None:
        eligible = np.ones(n, dtype=bool)
    if taken is None:
        taken = np.zeros(n, dtype=bool)
    for code in range(k):
        counts = np.bincount(codes, minlength=k)
        if counts[code] > 0:
            continue
        idx = np.flatnonzero(eligible & ~taken & (counts[codes] > 1))
        if len(idx) == 0:
            break
        row = int(rng.choice(idx))
        codes[row] = code
        taken[row] = True
    return codes


def split_cents(rng: np.random.Generator, totals: np.ndarray, counts: np.ndarray, shape: float = 1.5) -> np.ndarray:
    """Split each total (int64 centavos) into ``counts`` positive-weight parts that sum exactly to it.

    Parts are gamma-weighted and floored to the centavo; the remainder goes to the last part of each group
    (OBCMS's weighted rule). Returns one int64 array with the parts of group 0, then group 1, ...
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    group = np.repeat(np.arange(len(counts)), counts)
    w = rng.gamma(shape, 1.0, size=n) + 1e-9
    wsum = np.bincount(group, weights=w, minlength=len(counts))
    share = w / wsum[group]
    parts = np.floor(share * totals[group].astype(float)).astype(np.int64)
    last = np.cumsum(counts) - 1
    has = counts > 0
    sums = np.bincount(group, weights=parts.astype(float), minlength=len(counts)).astype(np.int64)
    parts[last[has]] += (totals - sums)[has]
    return parts


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Index of each group's first element in a flat array of consecutive groups."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def rank_within(group: np.ndarray) -> np.ndarray:
    """0-based position of each element inside its (consecutive) group."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate([[0], change])
    lengths = np.diff(np.concatenate([starts, [n]]))
    return np.arange(n) - np.repeat(starts, lengths)


def days(value: str) -> np.datetime64:
    return np.datetime64(value, "D")


def year_start(years: np.ndarray) -> np.ndarray:
    """1 January of each year, as datetime64[D]."""
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def stamps(dates: np.ndarray, rng: np.random.Generator, lo_hour: int = 7, hi_hour: int = 18) -> np.ndarray:
    """Office-hours timestamps (datetime64[us], UTC) on the given dates, never after the reference date's end."""
    n = len(dates)
    secs = rng.integers(lo_hour * 3600, hi_hour * 3600, size=n).astype("timedelta64[s]")
    micros = rng.integers(0, 1_000_000, size=n).astype("timedelta64[us]")
    out = dates.astype("datetime64[us]") + secs + micros
    end = (REFERENCE_DATE + 1).astype("datetime64[us]") - np.timedelta64(1, "s")
    return np.minimum(out, end)


def later_stamps(start: np.ndarray, rng: np.random.Generator, max_days: np.ndarray | float) -> np.ndarray:
    """A timestamp uniformly between ``start`` and ``start + max_days``, never after the reference date's end."""
    n = len(start)
    end = (REFERENCE_DATE + 1).astype("datetime64[us]") - np.timedelta64(1, "s")
    room = np.maximum((end - start).astype(np.int64), 0).astype(np.float64)  # microseconds left
    span = np.minimum(np.maximum(np.asarray(max_days, dtype=np.float64), 0) * 86_400e6, room)
    offset = np.floor(rng.random(n) * span).astype(np.int64).astype("timedelta64[us]")
    return start + offset


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    first = pick(rng, ref.FIRST_NAMES, n)
    last = pick(rng, ref.LAST_NAMES, n)
    return [f"{ref.FIRST_NAMES[f]} {ref.LAST_NAMES[m]}" for f, m in zip(first, last, strict=True)]


def phone_numbers(rng: np.random.Generator, n: int) -> list[str]:
    prefix = rng.integers(905, 999, size=n)
    a = rng.integers(0, 1000, size=n)
    b = rng.integers(0, 10000, size=n)
    return [f"+63 {p} {x:03d} {y:04d}" for p, x, y in zip(prefix, a, b, strict=True)]


def emails(names: Sequence[str]) -> list[str]:
    return [n.lower().replace(" ", ".").replace("'", "") + "@example.ph" for n in names]


def ip_addresses(rng: np.random.Generator, n: int) -> list[str]:
    first = np.array([112, 120, 124, 180, 203, 49, 10, 192])[rng.integers(0, 8, size=n)]
    rest = rng.integers(0, 256, size=(n, 3))
    out = [f"{f}.{r[0]}.{r[1]}.{r[2]}" for f, r in zip(first, rest, strict=True)]
    # a few IPv6 clients
    for i in np.flatnonzero(rng.random(n) < 0.03):
        out[i] = f"2001:4450:{rng.integers(0, 65536):x}::{rng.integers(1, 65536):x}"
    return out


def slug(text: str) -> str:
    """OBCMS-style upper-case slug: ``Sergio Osmeña Sr.`` -> ``SERGIO-OSMENA-SR``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = []
    for ch in plain.upper():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)
