"""``common_work_item``: one MPTT tree per tracked PPA (plus a few stand-alone OOBC activities).

Trees are generated level by level for all PPAs at once with numpy, then renumbered in pre-order so that
``tree_id``/``lft``/``rght``/``level`` form a correct nested set (django-mptt's layout) and every parent is
written before its children. Work types follow OBCMS's allowed-children rules (``obcms_schema.md`` §3):
project → sub_project/activity/task, sub_project → activity/sub_activity/task, activity →
sub_activity/task/subtask, sub_activity → task/subtask, task → subtask, subtask → subtask; at most 5 levels.

Budgets flow down: a root project carries its PPA's ``budget_allocation``; children split their parent's
amount exactly for most parents, while about 6 % of parents are under-allocated, 5 % over-allocated and 3 %
leave their children unbudgeted. Only leaves carry ``actual_expenditure`` (some over budget, some zero).
Statuses are drawn on leaves (consistent with the PPA's status and fiscal year) and rolled up; progress of
a parent is OBCMS's ``floor(completed children / children × 100)``. About 2 % of non-root items have no
``related_ppa`` (items added by hand); their PPA is found through ``tree_id`` and the root.

Tree 1 is the worked example of ``metrics.md`` §2.
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
    dashed,
    later_stamps,
    split_cents,
    stamps,
    stream,
    uuid_bytes,
    uuid_hex,
    year_start,
)
from ingest.demo.places import Organisations
from ingest.demo.ppas import STATUS, Ppas

PROJECT, SUB_PROJECT, ACTIVITY, SUB_ACTIVITY, TASK, SUBTASK = range(6)
NOT_STARTED, IN_PROGRESS, AT_RISK, BLOCKED, COMPLETED, CANCELLED = range(6)
MAX_LEVEL = 4
CHUNK_NODES = 50_000

# per parent type: probability of having children, base count, Poisson mean (× tree size factor),
# and the distribution of the children's types (PROJECT .. SUBTASK)
_HAS_CHILDREN = np.array([1.0, 0.95, 0.9, 0.8, 0.35, 0.1])
_BASE = np.array([2, 2, 1, 1, 1, 1])
_LAMBDA = np.array([2.4, 1.6, 2.2, 1.5, 1.2, 0.8])
_SCALED = np.array([1.0, 1.0, 1.0, 0.6, 0.3, 0.0])  # how much the size factor applies
_CHILD_TYPES = np.array(
    [
        [0, 0.10, 0.85, 0.0, 0.05, 0.0],  # project (sub_project share is raised for big PPAs)
        [0, 0.0, 0.75, 0.05, 0.20, 0.0],  # sub_project
        [0, 0.0, 0.0, 0.25, 0.65, 0.10],  # activity
        [0, 0.0, 0.0, 0.0, 0.70, 0.30],  # sub_activity
        [0, 0.0, 0.0, 0.0, 0.0, 1.0],  # task
        [0, 0.0, 0.0, 0.0, 0.0, 1.0],  # subtask
    ]
)
SIZE_MULTIPLIER = 1.0  # calibrated so that scale 1 gives about 10,000 work items

# leaf status distribution (NOT_STARTED .. CANCELLED) by PPA status; "ongoing" depends on the fiscal year
_LEAF_STATUS = {
    "planning": (0.95, 0.05, 0, 0, 0, 0),
    "completed": (0, 0, 0, 0, 0.98, 0.02),
    "on_hold": (0.2, 0.2, 0.05, 0.35, 0.2, 0.0),
    "cancelled": (0.1, 0, 0, 0, 0.2, 0.7),
}
_ONGOING_DONE = {2023: 0.75, 2024: 0.6, 2025: 0.42, 2026: 0.15}
_PPA_TO_WORK_PRIORITY = np.array([0, 1, 2, 3])  # low, medium, high, urgent map onto the same names

# allocation modes of a parent for its children
OK, UNDER, OVER, NONE = range(4)


@dataclass
class WorkItems:
    """Numeric columns of every work item, in pre-order (tree_id, lft)."""

    tree: np.ndarray  # 1-based tree_id
    parent: np.ndarray  # row of the parent, -1 for roots
    level: np.ndarray
    wtype: np.ndarray
    lft: np.ndarray
    rght: np.ndarray
    ppa: np.ndarray  # PPA row of the tree, -1 for stand-alone trees
    budget: np.ndarray  # int64 centavos, -1 = NULL
    actual: np.ndarray  # int64 centavos, -1 = NULL
    status: np.ndarray
    progress: np.ndarray
    auto: np.ndarray
    start: np.ndarray
    due: np.ndarray
    completed_at: np.ndarray
    created: np.ndarray
    updated: np.ndarray
    priority: np.ndarray
    related_missing: np.ndarray
    alloc_mode: np.ndarray
    uid: np.ndarray  # (n, 16) uint8

    def __len__(self) -> int:
        return len(self.tree)


def _structure(
    rng: np.random.Generator, size_factor: np.ndarray, root_type: np.ndarray, sub_project_share: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Random trees, one per entry of ``size_factor``: arrays tree, parent, level, type (level order)."""
    t = len(size_factor)
    tree = [np.arange(t)]
    parent = [np.full(t, -1)]
    level = [np.zeros(t, dtype=np.int64)]
    wtype = [root_type.astype(np.int64)]
    offset = 0
    cur = np.arange(t)
    for lvl in range(MAX_LEVEL):
        ctype = wtype[-1]
        ctree = tree[-1]
        k = len(cur)
        has = rng.random(k) < _HAS_CHILDREN[ctype]
        lam = _LAMBDA[ctype] * (1 + _SCALED[ctype] * (size_factor[ctree] - 1))
        count = np.where(has, _BASE[ctype] + rng.poisson(np.maximum(lam, 0.05)), 0)
        count = np.minimum(count, 14)
        rows = offset + np.arange(k)
        n_new = int(count.sum())
        if n_new == 0:
            break
        p_rows = np.repeat(rows, count)
        p_type = np.repeat(ctype, count)
        probs = _CHILD_TYPES[p_type].copy()
        is_proj = p_type == PROJECT
        sp = np.repeat(sub_project_share[ctree], count)
        probs[is_proj, SUB_PROJECT] = sp[is_proj]
        probs[is_proj, ACTIVITY] = 0.95 - sp[is_proj]
        cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
        u = rng.random(n_new)
        child_type = np.minimum((u[:, None] > cum).sum(axis=1), SUBTASK)
        offset += k
        tree.append(np.repeat(ctree, count))
        parent.append(p_rows)
        level.append(np.full(n_new, lvl + 1))
        wtype.append(child_type)
        cur = np.arange(n_new)
    return (np.concatenate(tree), np.concatenate(parent), np.concatenate(level), np.concatenate(wtype))


def _nested_set(tree: np.ndarray, parent: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, ...]:
    """MPTT lft/rght for trees stored in level order, then everything renumbered in pre-order."""
    n = len(tree)
    size = np.ones(n, dtype=np.int64)
    for lvl in range(int(level.max()), 0, -1):
        idx = np.flatnonzero(level == lvl)
        size += np.bincount(parent[idx], weights=size[idx], minlength=n).astype(np.int64)
    lft = np.zeros(n, dtype=np.int64)
    lft[level == 0] = 1
    for lvl in range(1, int(level.max()) + 1):
        idx = np.flatnonzero(level == lvl)  # grouped by parent, siblings in order
        par = parent[idx]
        width = 2 * size[idx]
        excl = np.cumsum(width) - width
        first = np.concatenate([[True], par[1:] != par[:-1]])
        base = np.maximum.accumulate(np.where(first, excl, 0))
        lft[idx] = lft[par] + 1 + (excl - base)
    rght = lft + 2 * size - 1
    order = np.lexsort((lft, tree))
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    new_parent = np.where(parent[order] >= 0, inv[np.maximum(parent[order], 0)], -1)
    return order, new_parent, lft[order], rght[order]


def _example_tree() -> tuple[np.ndarray, ...]:
    """The worked example (metrics.md §2): 5,000,000 → 1.5M / 2.0M / 1.5M → 300K, 1.2M | 500K, 1.5M | 200K, 1.3M."""
    parent = np.array([-1, 0, 1, 1, 0, 4, 4, 0, 7, 7])
    level = np.array([0, 1, 2, 2, 1, 2, 2, 1, 2, 2])
    wtype = np.array([PROJECT, ACTIVITY, TASK, TASK, ACTIVITY, TASK, TASK, ACTIVITY, TASK, TASK])
    lft = np.array([1, 2, 3, 5, 8, 9, 11, 14, 15, 17])
    rght = np.array([20, 7, 4, 6, 13, 10, 12, 19, 16, 18])
    pesos = np.array(
        [5_000_000, 1_500_000, 300_000, 1_200_000, 2_000_000, 500_000, 1_500_000, 1_500_000, 200_000, 1_300_000]
    )
    return parent, level, wtype, lft, rght, pesos * 100


# fixed leaf statuses, progress and expenditure (pesos) of the worked example's six tasks
_EXAMPLE_LEAVES = {
    2: (COMPLETED, 100, 295_000),
    3: (COMPLETED, 100, 1_180_000),
    5: (COMPLETED, 100, 510_000),
    6: (IN_PROGRESS, 40, 600_000),
    8: (NOT_STARTED, 0, 0),
    9: (NOT_STARTED, 0, -1),
}
_EXAMPLE_DATES = {
    0: ("2025-02-01", "2025-12-15"),
    1: ("2025-02-01", "2025-05-31"),
    2: ("2025-02-01", "2025-03-15"),
    3: ("2025-03-01", "2025-05-31"),
    4: ("2025-05-01", "2025-09-30"),
    5: ("2025-05-01", "2025-06-30"),
    6: ("2025-06-01", "2025-09-30"),
    7: ("2025-09-01", "2025-12-15"),
    8: ("2025-09-01", "2025-10-15"),
    9: ("2025-10-01", "2025-12-15"),
}


def standalone_count(scale: float) -> int:
    return max(2, round(6 * scale))


def build_work_items(seed: int, scale: float, p: Ppas) -> WorkItems:
    """Every work item's numeric columns; strings and ids are made per chunk by ``frames``."""
    rng = stream(seed, "work-items")
    tracked = np.flatnonzero(p.tracked)
    tracked = tracked[tracked != p.example]
    n_alone = standalone_count(scale)
    budget_pesos = np.where(p.budget[tracked] >= 0, p.budget[tracked] / 100.0, 1e6)
    sf = np.clip(0.6 + 0.35 * np.log10(np.maximum(budget_pesos, 1e5) / 1e6), 0.5, 3.0) * SIZE_MULTIPLIER
    sf = np.concatenate([sf, np.full(n_alone, 0.4)])
    sp_share = np.concatenate([np.where(budget_pesos > 5e7, 0.25, 0.05), np.zeros(n_alone)])
    root_type = np.concatenate([np.full(len(tracked), PROJECT), np.full(n_alone, ACTIVITY)])
    tree_l, parent_l, level_l, type_l = _structure(rng, sf, root_type, sp_share)
    order, parent, lft, rght = _nested_set(tree_l, parent_l, level_l)
    tree_idx = tree_l[order]
    level = level_l[order]
    wtype = type_l[order]

    # prepend the worked example as tree 1
    e_parent, e_level, e_type, e_lft, e_rght, e_budget = _example_tree()
    ne = len(e_parent)
    tree = np.concatenate([np.ones(ne, dtype=np.int64), tree_idx + 2])
    parent = np.concatenate([e_parent, np.where(parent >= 0, parent + ne, -1)])
    level = np.concatenate([e_level, level])
    wtype = np.concatenate([e_type, wtype])
    lft = np.concatenate([e_lft, lft])
    rght = np.concatenate([e_rght, rght])
    ppa_of_tree = np.concatenate([[p.example], tracked, np.full(n_alone, -1)])
    ppa = ppa_of_tree[tree - 1]
    n = len(tree)
    is_example = tree == 1
    is_root = parent < 0
    n_children = np.bincount(parent[~is_root], minlength=n)
    leaf = n_children == 0

    # ------------------------------------------------------------------ budgets (top-down)
    alloc_mode = np.array([OK, UNDER, OVER, NONE])[
        np.searchsorted(np.cumsum([0.86, 0.06, 0.05, 0.03]), rng.random(n), side="right").clip(0, 3)
    ]
    alloc_mode[is_example] = OK
    budget = np.full(n, -1, dtype=np.int64)
    budget[is_root] = np.where(ppa[is_root] >= 0, p.budget[np.maximum(ppa[is_root], 0)], -1)
    for lvl in range(1, int(level.max()) + 1):
        idx = np.flatnonzero((level == lvl) & ~is_example)
        if len(idx) == 0:
            continue
        par = parent[idx]
        first = np.concatenate([[True], par[1:] != par[:-1]])
        starts = np.flatnonzero(first)
        counts = np.diff(np.concatenate([starts, [len(idx)]]))
        gpar = par[starts]
        mode = alloc_mode[gpar]
        factor = np.where(
            mode == UNDER,
            rng.uniform(0.6, 0.97, size=len(gpar)),
            np.where(mode == OVER, rng.uniform(1.03, 1.3, size=len(gpar)), 1.0),
        )
        pb = budget[gpar]
        totals = np.where(pb > 0, np.round(pb * factor), 0).astype(np.int64)
        parts = split_cents(rng, totals, counts, shape=2.0)
        valid = np.repeat((pb >= 0) & (mode != NONE), counts)
        budget[idx] = np.where(valid, parts, -1)
    budget[is_example] = e_budget

    # ------------------------------------------------------------------ dates (top-down)
    ppa_start = np.where(ppa >= 0, p.start[np.maximum(ppa, 0)], np.datetime64("NaT"))
    ppa_end = np.where(ppa >= 0, p.end[np.maximum(ppa, 0)], np.datetime64("NaT"))
    fy = np.where(ppa >= 0, p.fiscal_year[np.maximum(ppa, 0)], 2026)
    fy = np.where(fy > 0, fy, 2025)
    default_start = year_start(fy)
    start = np.where(np.isnat(ppa_start), default_start, ppa_start)
    due = np.where(np.isnat(ppa_end), default_start + np.timedelta64(364, "D"), ppa_end)
    due = np.maximum(due, start)
    alone = ppa < 0
    start = np.where(alone & is_root, REFERENCE_DATE - rng.integers(20, 200, size=n).astype("timedelta64[D]"), start)
    due = np.where(alone & is_root, start + rng.integers(30, 120, size=n).astype("timedelta64[D]"), due)
    for lvl in range(1, int(level.max()) + 1):
        idx = np.flatnonzero(level == lvl)
        par = parent[idx]
        span = (due[par] - start[par]).astype(np.int64)
        s = start[par] + np.floor(rng.uniform(0, 0.6, size=len(idx)) * span).astype("timedelta64[D]")
        left = (due[par] - s).astype(np.int64)
        d = s + np.maximum(1, np.floor(rng.uniform(0.25, 1.0, size=len(idx)) * left)).astype("timedelta64[D]")
        slip = rng.random(len(idx)) < 0.05
        d = np.where(slip, d + rng.integers(1, 60, size=len(idx)).astype("timedelta64[D]"), d)
        start[idx], due[idx] = s, d
    for row, (s, d) in _EXAMPLE_DATES.items():
        start[row], due[row] = np.datetime64(s), np.datetime64(d)

    # ------------------------------------------------------------------ statuses (leaves, then up)
    ppa_status = np.where(ppa >= 0, p.status[np.maximum(ppa, 0)], STATUS["ongoing"])
    status = np.full(n, -1, dtype=np.int64)
    u = rng.random(n)
    names = {v: k for k, v in STATUS.items()}
    for code, name in names.items():
        rows = leaf & (ppa_status == code)
        if name == "ongoing":
            done = np.full(int(rows.sum()), 0.4)
            for year, share in _ONGOING_DONE.items():
                done[fy[rows] == year] = share
            rest = np.array([0.3, 0.45, 0.1, 0.05, 0.0, 0.1])
            cum = np.cumsum(np.column_stack([rest[:4] * (1 - done)[:, None], done, rest[5] * (1 - done)]), axis=1)
            status[rows] = np.minimum((u[rows, None] > cum).sum(axis=1), CANCELLED)
        else:
            cum = np.cumsum(_LEAF_STATUS[name])
            status[rows] = np.minimum(np.searchsorted(cum, u[rows], side="right"), CANCELLED)
    future = leaf & (start > REFERENCE_DATE) & ~np.isin(status, [CANCELLED, COMPLETED])
    status[future] = NOT_STARTED

    progress = np.zeros(n, dtype=np.int64)
    lo = np.array([0, 10, 5, 0, 100, 0])
    hi = np.array([0, 90, 70, 60, 100, 50])
    progress[leaf] = lo[status[leaf]] + np.floor(rng.random(int(leaf.sum())) * (hi - lo + 1)[status[leaf]]).astype(
        np.int64
    )
    auto = is_root | (rng.random(n) < 0.95)
    for row, (st, pr, _) in _EXAMPLE_LEAVES.items():
        status[row], progress[row] = st, pr
    auto[is_example] = True

    for lvl in range(int(level.max()), 0, -1):
        idx = np.flatnonzero(level == lvl)
        par = parent[idx]
        ups, inv = np.unique(par, return_inverse=True)
        cnt = np.zeros((len(ups), 6), dtype=np.int64)
        np.add.at(cnt, (inv, status[idx]), 1)
        total = cnt.sum(axis=1)
        st = np.full(len(ups), IN_PROGRESS)
        st[cnt[:, AT_RISK] > 0] = AT_RISK
        st[cnt[:, BLOCKED] > 0] = BLOCKED
        st[cnt[:, NOT_STARTED] == total] = NOT_STARTED
        st[cnt[:, CANCELLED] == total] = CANCELLED
        st[(cnt[:, COMPLETED] + cnt[:, CANCELLED] == total) & (cnt[:, COMPLETED] > 0)] = COMPLETED
        status[ups] = st
        computed = (cnt[:, COMPLETED] * 100) // total
        manual = lo[st] + np.floor(rng.random(len(ups)) * (hi - lo + 1)[st]).astype(np.int64)
        progress[ups] = np.where(auto[ups], computed, manual)

    # ------------------------------------------------------------------ expenditure (leaves only)
    actual = np.full(n, -1, dtype=np.int64)
    b = np.where(budget >= 0, budget, (rng.lognormal(np.log(150_000), 1.0, size=n) * 100).astype(np.int64))
    ratio = np.select(
        [status == COMPLETED, np.isin(status, [IN_PROGRESS, AT_RISK]), status == BLOCKED, status == CANCELLED],
        [
            np.where(rng.random(n) < 0.08, rng.uniform(1.01, 1.3, size=n), rng.uniform(0.8, 1.0, size=n)),
            progress / 100.0 * rng.uniform(0.7, 1.2, size=n),
            rng.uniform(0.0, 0.5, size=n),
            np.where(rng.random(n) < 0.6, 0.0, rng.uniform(0.0, 0.2, size=n)),
        ],
        default=0.0,
    )
    spent = np.round(b * ratio / 100.0).astype(np.int64) * 100
    not_started = status == NOT_STARTED
    actual[leaf] = np.where(not_started[leaf] & (rng.random(int(leaf.sum())) < 0.5), -1, spent[leaf])
    actual[leaf & (budget < 0) & (rng.random(n) < 0.5)] = -1
    for row, (_, _, pesos) in _EXAMPLE_LEAVES.items():
        actual[row] = pesos * 100 if pesos >= 0 else -1

    # ------------------------------------------------------------------ timestamps and the rest
    done = status == COMPLETED
    completed_day = np.minimum(due + rng.integers(-20, 30, size=n).astype("timedelta64[D]"), REFERENCE_DATE)
    completed_day = np.maximum(completed_day, start)
    completed_at = np.where(done, stamps(np.minimum(completed_day, REFERENCE_DATE), rng), np.datetime64("NaT", "us"))
    root_created = np.where(ppa >= 0, p.created[np.maximum(ppa, 0)], stamps(start - np.timedelta64(7, "D"), rng))
    base = np.maximum(
        root_created.astype("datetime64[D]"),
        np.minimum(start, REFERENCE_DATE) - rng.integers(0, 30, size=n).astype("timedelta64[D]"),
    )
    created = np.where(
        is_root,
        root_created + rng.integers(0, 3, size=n).astype("timedelta64[h]"),
        stamps(np.minimum(base, REFERENCE_DATE), rng),
    )
    created = np.maximum(created, root_created)
    created = np.minimum(created, (REFERENCE_DATE + 1).astype("datetime64[us]") - np.timedelta64(1, "s"))
    last_change = np.where(done, np.maximum(completed_at, created), created)
    age = (REFERENCE_DATE.astype("datetime64[us]") - last_change).astype("timedelta64[D]").astype(np.int64)
    updated = later_stamps(last_change, rng, np.where(done, np.minimum(age, 3), age * rng.random(n)))

    priority = rng.choice(len(ch.WORK_PRIORITY), size=n, p=[0.15, 0.45, 0.25, 0.1, 0.05])
    root_ppa = is_root & (ppa >= 0)
    priority[root_ppa] = _PPA_TO_WORK_PRIORITY[p.priority[ppa[root_ppa]]]
    related_missing = ~is_root & (ppa >= 0) & ~is_example & (rng.random(n) < 0.02)

    return WorkItems(
        tree=tree,
        parent=parent,
        level=level,
        wtype=wtype,
        lft=lft,
        rght=rght,
        ppa=ppa,
        budget=budget,
        actual=actual,
        status=status,
        progress=progress,
        auto=auto,
        start=start,
        due=due,
        completed_at=completed_at,
        created=created,
        updated=updated,
        priority=priority,
        related_missing=related_missing,
        alloc_mode=alloc_mode,
        uid=uuid_bytes(rng, n),
    )


def tree_summary(w: WorkItems, n_ppas: int) -> tuple[np.ndarray, list[str | None]]:
    """Per PPA row: progress synced from its tree (-1 without a tree) and the root's id (``execution_project``)."""
    progress = np.full(n_ppas, -1, dtype=np.int64)
    roots: list[str | None] = [None] * n_ppas
    nonroot = (w.parent >= 0) & (w.ppa >= 0)
    desc = np.bincount(w.tree[nonroot], minlength=int(w.tree.max()) + 1)
    comp = np.bincount(w.tree[nonroot], weights=(w.status[nonroot] == COMPLETED), minlength=len(desc))
    root_rows = np.flatnonzero((w.parent < 0) & (w.ppa >= 0))
    hexes = uuid_hex(w.uid[root_rows])
    for r, h in zip(root_rows, hexes, strict=True):
        t = w.tree[r]
        pr = int(comp[t] * 100 // desc[t]) if desc[t] else int(w.progress[r])
        progress[w.ppa[r]] = pr
        roots[w.ppa[r]] = h
    return progress, roots


def _titles(
    rng: np.random.Generator, wtype: np.ndarray, is_root: np.ndarray, tree_titles: list[str], tree: np.ndarray
) -> list[str]:
    """Roots take their tree's title (the PPA's); other items get phrases fitting their work type."""
    acts, tasks, subs = ref.WORK_ACTIVITIES, ref.WORK_TASKS, ref.SUB_PROJECT_TITLES
    pick_ = rng.integers(0, 1 << 30, size=len(wtype)).tolist()
    out: list[str] = []
    for t, root, a, tr in zip(wtype.tolist(), is_root.tolist(), pick_, tree.tolist(), strict=True):
        if root:
            out.append(tree_titles[tr - 1])
        elif t == SUB_PROJECT:
            out.append(subs[a % len(subs)])
        elif t == ACTIVITY:
            out.append(acts[a % len(acts)])
        elif t == SUB_ACTIVITY:
            out.append(f"{acts[a % len(acts)]} – batch {1 + a % 4}")
        elif t == TASK:
            out.append(tasks[a % len(tasks)])
        else:
            out.append(f"{tasks[a % len(tasks)]} (part {1 + a % 3})")
    return out


def frames(seed: int, w: WorkItems, p: Ppas, orgs: Organisations) -> Iterator[Frame]:
    """The ``common_work_item`` rows, in pre-order, as frames of at most ``CHUNK_NODES`` rows."""
    rng = stream(seed, "work-item-text")
    n = len(w)
    oobc = orgs.ids[orgs.index(ref.OOBC_ACRONYM)]
    n_trees = int(w.tree.max())
    tree_title = [""] * n_trees
    tree_ppa_id: list[str | None] = [None] * n_trees
    tree_cat = [""] * n_trees
    tree_moa: list[str | None] = [oobc] * n_trees
    alone_titles = ref.STANDALONE_PROJECTS
    for r in np.flatnonzero(w.parent < 0):
        t = int(w.tree[r]) - 1
        k = int(w.ppa[r])
        if k >= 0:
            tree_title[t] = p.frame["title"][k]
            tree_ppa_id[t] = p.ids[k]
            tree_cat[t] = p.frame["category"][k]
            tree_moa[t] = p.frame["implementing_moa_id"][k]
        else:
            tree_title[t] = f"{alone_titles[t % len(alone_titles)]} {int(str(w.start[r])[:4])}"
    templates = ("program", "project", "activity", "infrastructure")

    for lo in range(0, n, CHUNK_NODES):
        hi = min(n, lo + CHUNK_NODES)
        sl = slice(lo, hi)
        tree = w.tree[sl]
        ids = uuid_hex(w.uid[sl])
        par = w.parent[sl]
        parent_ids = uuid_hex(w.uid[np.maximum(par, 0)])
        parent_ids = [None if q < 0 else h for q, h in zip(par.tolist(), parent_ids, strict=True)]
        is_root = par < 0
        project_data: list[object] = [None] * (hi - lo)
        for j in np.flatnonzero(is_root & (w.ppa[sl] >= 0)):
            k = int(w.ppa[lo + j])
            project_data[j] = {
                "monitoring_entry_id": dashed(p.ids[k]),
                "structure_template": templates[int(rng.integers(len(templates)))],
                "budget_allocation": f"{p.budget[k] / 100:.2f}" if p.budget[k] >= 0 else None,
                "fiscal_year": int(p.fiscal_year[k]) if p.fiscal_year[k] else None,
                "workflow_stage": "execution",
            }
        related = [
            None if miss else tree_ppa_id[t - 1]
            for t, miss in zip(tree.tolist(), w.related_missing[sl].tolist(), strict=True)
        ]
        notes = np.where(
            w.alloc_mode[sl] == OVER,
            "Children exceed this allocation; realignment requested",
            np.where(
                (w.alloc_mode[sl] == UNDER) & (rng.random(hi - lo) < 0.5), "Balance reserved for contingencies", ""
            ),
        )
        yield {
            "id": ids,
            "work_type": [ch.WORK_TYPE[t] for t in w.wtype[sl].tolist()],
            "title": _titles(rng, w.wtype[sl], is_root, tree_title, tree),
            "description": [""] * (hi - lo),
            "parent_id": parent_ids,
            "tree_id": tree,
            "lft": w.lft[sl],
            "rght": w.rght[sl],
            "level": w.level[sl],
            "status": [ch.WORK_STATUS[s] for s in w.status[sl].tolist()],
            "priority": [ch.WORK_PRIORITY[q] for q in w.priority[sl].tolist()],
            "start_date": w.start[sl],
            "due_date": w.due[sl],
            "completed_at": w.completed_at[sl],
            "progress": w.progress[sl],
            "auto_calculate_progress": w.auto[sl],
            "related_ppa_id": related,
            "ppa_category": [tree_cat[t - 1] for t in tree.tolist()],
            "implementing_moa_id": [tree_moa[t - 1] for t in tree.tolist()],
            "allocated_budget": np.where(w.budget[sl] >= 0, w.budget[sl] / 100.0, np.nan),
            "actual_expenditure": np.where(w.actual[sl] >= 0, w.actual[sl] / 100.0, np.nan),
            "budget_notes": notes.tolist(),
            "project_data": project_data,
            "created_at": w.created[sl],
            "updated_at": w.updated[sl],
        }
