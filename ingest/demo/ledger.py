"""``monitoring_monitoringentryfunding``: the flat funding ledger of each PPA.

Per funded PPA: allocation tranches (usually quarterly releases) summing to about the budget (exactly for
most, under for some, over for a few), many obligations and disbursements spread over the fiscal year,
and now and then an adjustment (often negative). Execution falls with the fiscal year: 2023 is nearly
closed, 2026 is under way at the reference date (2026-10-31). About 4 % of funded PPAs are over-obligated
and 3 % over-disbursed: data-quality findings the warehouse must show, not hide.

The plan (how many rows of each kind per PPA) is drawn first for all PPAs, so the total is known before
any row is written; the rows themselves are made per batch of PPAs, each batch from its own stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ingest import obcms_choices as ch
from ingest.demo import reference as ref
from ingest.demo._util import (
    REFERENCE_DATE,
    Frame,
    group_starts,
    later_stamps,
    rank_within,
    split_cents,
    stamps,
    stream,
    uuids,
    year_start,
)
from ingest.demo.ppas import APPROVAL, STATUS, Ppas

BATCH_PPAS = 200
ROWS_PER_LOG_BUDGET = 58.0  # calibrated so that scale 1 gives about 50,000 ledger rows

# (low, high) obligation share of allocations and disbursement share of obligations, for ongoing PPAs
_ONGOING_EXECUTION = {
    2023: ((0.8, 0.98), (0.85, 0.98)),
    2024: ((0.7, 0.95), (0.75, 0.95)),
    2025: ((0.45, 0.85), (0.5, 0.85)),
    2026: ((0.1, 0.5), (0.2, 0.6)),
}
ALLOCATION, OBLIGATION, DISBURSEMENT, ADJUSTMENT = range(4)


@dataclass
class LedgerPlan:
    """How many ledger rows of each kind each PPA gets, and the totals they add up to (centavos)."""

    alloc_total: np.ndarray
    oblig_total: np.ndarray
    disb_total: np.ndarray
    n_alloc: np.ndarray
    n_oblig: np.ndarray
    n_disb: np.ndarray
    n_adj: np.ndarray
    adj_negative: np.ndarray  # whether a PPA's first adjustment is a reduction

    @property
    def rows(self) -> np.ndarray:
        return self.n_alloc + self.n_oblig + self.n_disb + self.n_adj

    @property
    def total(self) -> int:
        return int(self.rows.sum())


def plan(seed: int, p: Ppas) -> LedgerPlan:
    rng = stream(seed, "ledger-plan")
    n = len(p)
    st, fy = p.status, p.fiscal_year
    approved = np.isin(p.approval, [APPROVAL["approved"], APPROVAL["enacted"]])
    running = np.isin(st, [STATUS["ongoing"], STATUS["completed"], STATUS["on_hold"]])
    funded = p.has_budget & (fy > 0) & (approved | running)
    budget = np.maximum(p.budget, 0)

    u = rng.random(n)
    factor = np.where(
        u < 0.8,
        1.0,
        np.where(u < 0.9, rng.uniform(0.7, 0.98, size=n), np.where(u < 0.97, rng.uniform(1.01, 1.15, size=n), 1.0)),
    )
    alloc_total = np.where(funded, np.round(budget * factor / 100) * 100, 0).astype(np.int64)

    ob = np.zeros(n)
    db = np.zeros(n)
    comp = st == STATUS["completed"]
    ob[comp], db[comp] = rng.uniform(0.9, 1.0, size=int(comp.sum())), rng.uniform(0.9, 1.0, size=int(comp.sum()))
    for year, ((olo, ohi), (dlo, dhi)) in _ONGOING_EXECUTION.items():
        rows = (st == STATUS["ongoing"]) & (fy == year)
        k = int(rows.sum())
        ob[rows], db[rows] = rng.uniform(olo, ohi, size=k), rng.uniform(dlo, dhi, size=k)
    for code, (o_rng, d_rng) in (
        (STATUS["on_hold"], ((0.2, 0.6), (0.3, 0.7))),
        (STATUS["cancelled"], ((0.0, 0.3), (0.5, 1.0))),
        (STATUS["planning"], ((0.0, 0.1), (0.0, 0.5))),
    ):
        rows = st == code
        k = int(rows.sum())
        ob[rows], db[rows] = rng.uniform(*o_rng, size=k), rng.uniform(*d_rng, size=k)
    ob[(st == STATUS["planning"]) & (rng.random(n) < 0.6)] = 0.0

    executing = funded & (ob > 0.05)
    over_ob = executing & (rng.random(n) < 0.04)
    over_db = executing & (rng.random(n) < 0.03)
    for mask in (over_ob, over_db):
        if not mask.any() and executing.any():
            mask[int(rng.choice(np.flatnonzero(executing)))] = True
    ob[over_ob] = rng.uniform(1.03, 1.25, size=int(over_ob.sum()))
    db[over_db] = rng.uniform(1.02, 1.15, size=int(over_db.sum()))

    oblig_total = np.round(alloc_total * ob / 100).astype(np.int64) * 100
    disb_total = np.round(oblig_total * db / 100).astype(np.int64) * 100

    log_size = np.log10(budget / 1e7 + 1.0) + 0.3
    intensity = ROWS_PER_LOG_BUDGET * log_size * rng.lognormal(0, 0.35, size=n)
    n_alloc = np.where(funded, rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.2, 0.1, 0.4]), 0)
    n_oblig = np.where(oblig_total > 0, np.maximum(1, np.round(intensity * np.minimum(ob, 1.0))), 0).astype(np.int64)
    n_disb = np.where(disb_total > 0, np.maximum(1, np.round(1.3 * intensity * np.minimum(ob * db, 1.0))), 0).astype(
        np.int64
    )
    n_adj = np.where(funded & (rng.random(n) < 0.06), rng.integers(1, 3, size=n), 0)
    if funded.any() and not n_adj.any():
        n_adj[int(rng.choice(np.flatnonzero(funded)))] = 1
    adj_negative = rng.random(n) < 0.7
    if n_adj.any() and not (adj_negative & (n_adj > 0)).any():
        adj_negative[int(np.flatnonzero(n_adj > 0)[0])] = True
    return LedgerPlan(
        alloc_total=alloc_total,
        oblig_total=oblig_total,
        disb_total=disb_total,
        n_alloc=n_alloc.astype(np.int64),
        n_oblig=n_oblig,
        n_disb=n_disb,
        n_adj=n_adj.astype(np.int64),
        adj_negative=adj_negative,
    )


def _batch(seed: int, batch: int, rows: np.ndarray, p: Ppas, lp: LedgerPlan) -> Frame:
    rng = stream(seed, "ledger", batch)
    fy = p.fiscal_year[rows]
    fy_start = year_start(fy)
    fy_end = year_start(fy + 1) - np.timedelta64(1, "D")
    window_end = np.minimum(fy_end, REFERENCE_DATE)
    cancelled = p.status[rows] == STATUS["cancelled"]
    window_end = np.where(cancelled, np.minimum(window_end, fy_start + np.timedelta64(200, "D")), window_end)

    kinds: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    amounts: list[np.ndarray] = []
    dates: list[np.ndarray] = []

    # allocations: releases spread over the year (quarterly when four)
    na = lp.n_alloc[rows]
    owner = np.repeat(np.arange(len(rows)), na)
    j = rank_within(owner)
    step = (365 // np.maximum(na, 1))[owner]
    d = fy_start[owner] + (j * step + rng.integers(5, 30, size=len(owner))).astype("timedelta64[D]")
    kinds.append(np.full(len(owner), ALLOCATION))
    owners.append(owner)
    amounts.append(split_cents(rng, lp.alloc_total[rows], na, shape=8.0))
    dates.append(np.minimum(d, REFERENCE_DATE))
    first_alloc = fy_start + np.timedelta64(5, "D")

    # obligations: between the first release and the end of the window, front-loaded a little
    no = lp.n_oblig[rows]
    owner_o = np.repeat(np.arange(len(rows)), no)
    span = np.maximum((window_end - first_alloc).astype(np.int64), 1)
    d_o = first_alloc[owner_o] + np.floor(rng.random(len(owner_o)) ** 1.15 * span[owner_o]).astype("timedelta64[D]")
    kinds.append(np.full(len(owner_o), OBLIGATION))
    owners.append(owner_o)
    amounts.append(split_cents(rng, lp.oblig_total[rows], no, shape=0.8))
    dates.append(d_o)

    # disbursements: each follows some obligation of the same PPA by a few weeks
    nd = lp.n_disb[rows]
    owner_d = np.repeat(np.arange(len(rows)), nd)
    o_start = group_starts(no)
    pick_o = o_start[owner_d] + np.floor(rng.random(len(owner_d)) * np.maximum(no[owner_d], 1)).astype(np.int64)
    base = d_o[np.minimum(pick_o, max(len(d_o) - 1, 0))] if len(d_o) else fy_start[owner_d]
    cap = np.minimum(fy_end + np.timedelta64(120, "D"), REFERENCE_DATE)
    d_d = np.minimum(base + rng.integers(3, 75, size=len(owner_d)).astype("timedelta64[D]"), cap[owner_d])
    kinds.append(np.full(len(owner_d), DISBURSEMENT))
    owners.append(owner_d)
    amounts.append(split_cents(rng, lp.disb_total[rows], nd, shape=0.8))
    dates.append(d_d)

    # adjustments: realignments, mostly negative
    nj = lp.n_adj[rows]
    owner_j = np.repeat(np.arange(len(rows)), nj)
    size = np.maximum(p.budget[rows][owner_j], 0) * rng.uniform(0.01, 0.1, size=len(owner_j))
    first = rank_within(owner_j) == 0
    negative = np.where(first, lp.adj_negative[rows][owner_j], rng.random(len(owner_j)) < 0.5)
    sign = np.where(negative, -1, 1)
    kinds.append(np.full(len(owner_j), ADJUSTMENT))
    owners.append(owner_j)
    amounts.append((np.round(size / 100) * 100 * sign).astype(np.int64))
    span_j = np.maximum((window_end - fy_start).astype(np.int64), 1)[owner_j]
    dates.append(fy_start[owner_j] + np.floor(rng.random(len(owner_j)) * span_j).astype("timedelta64[D]"))

    kind = np.concatenate(kinds)
    own = np.concatenate(owners)
    amount = np.concatenate(amounts)
    date = np.concatenate(dates).astype("datetime64[D]")
    order = np.lexsort((date, kind, own))
    kind, own, amount, date = kind[order], own[order], amount[order], date[order]
    m = len(kind)
    ppa_rows = rows[own]

    fs = ch.FUNDING_SOURCE
    src = p.funding[ppa_rows].copy()
    override = (src >= 0) & (rng.random(m) < 0.03)
    src[override] = rng.integers(0, len(fs), size=int(override.sum()))
    other = [ref.FUNDING_SOURCE_OTHER[int(h) % len(ref.FUNDING_SOURCE_OTHER)] for h in rng.integers(0, 1 << 20, size=m)]
    fy_row = fy[own]
    serial = rng.integers(1, 99_999, size=m)
    month = date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    remarks = []
    for k, y, mo, s, a in zip(
        kind.tolist(), fy_row.tolist(), month.tolist(), serial.tolist(), amount.tolist(), strict=True
    ):
        if k == ALLOCATION:
            remarks.append(f"Allotment release SARO-BARMM-{y}-{s:05d}")
        elif k == OBLIGATION:
            remarks.append(f"ORS-{y}-{mo:02d}-{s:05d}" if s % 7 else "")
        elif k == DISBURSEMENT:
            remarks.append(f"DV-{y}-{mo:02d}-{s:05d}" if s % 5 else "")
        else:
            remarks.append("Realignment per MFBM memorandum" if a < 0 else "Augmentation from savings")
    created = stamps(np.minimum(date + rng.integers(0, 4, size=m).astype("timedelta64[D]"), REFERENCE_DATE), rng)
    updated = np.where(rng.random(m) < 0.1, later_stamps(created, rng, 60), created)
    return {
        "id": uuids(rng, m),
        "entry_id": [p.ids[r] for r in ppa_rows.tolist()],
        "tranche_type": [ch.TRANCHE_TYPE[k] for k in kind.tolist()],
        "amount": amount / 100.0,
        "funding_source": [fs[v] if v >= 0 else "" for v in src.tolist()],
        "funding_source_other": [
            o if v == fs.index("other_sources") else "" for o, v in zip(other, src.tolist(), strict=True)
        ],
        "scheduled_date": date,
        "remarks": remarks,
        "created_at": created,
        "updated_at": updated,
    }


def frames(seed: int, p: Ppas, lp: LedgerPlan) -> Iterator[Frame]:
    """The ledger rows, one frame per batch of ``BATCH_PPAS`` PPAs (only PPAs with rows)."""
    with_rows = np.flatnonzero(lp.rows > 0)
    for b, lo in enumerate(range(0, len(with_rows), BATCH_PPAS)):
        yield _batch(seed, b, with_rows[lo : lo + BATCH_PPAS], p, lp)
