"""MANA needs categories, community needs, their votes, and the PPA ↔ need links.

Priority scores use OBCMS's formula (``obcms_schema.md`` §4.3), computed exactly in integers and rounded
half-up to the centavo; about 2 % of needs carry the drag-and-drop scale (1000 − rank) instead, and about
5 % none, as in real data. ``community_votes`` is the sum of the vote weights of each need's votes. A need
is linked to a PPA through ``Need.linked_ppa`` and/or the ``needs_addressed`` M2M, which overlap only partly.
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
    days,
    ensure_all,
    ip_addresses,
    later_stamps,
    pick,
    stamps,
    stream,
    uuids,
    year_start,
)
from ingest.demo.places import Assessments, Communities, Geography, Organisations
from ingest.demo.ppas import CAT_REQUEST, STATUS, Ppas

NEED_STATUS = {s: i for i, s in enumerate(ch.NEED_STATUS)}
URGENCY_W = np.array([4000, 3000, 2000, 1000])  # immediate .. long_term, × 1000
FEASIBILITY_W = np.array([250, 500, 1000, 1500, 2000])  # very_low .. very_high, × 1000
VOTE_CHUNK = 50_000
# The acute minority of needs (see _make_acute): its share, its categories with their weights, and the
# share of its needs left without a linked PPA.
ACUTE_SHARE = 0.08
ACUTE_CATEGORIES = (
    ("Health Services", 0.3),
    ("Water, Sanitation and Hygiene", 0.3),
    ("Access to Education", 0.2),
    ("Livelihood and Employment", 0.1),
    ("Environment and Disaster Resilience", 0.1),
)
ACUTE_UNLINKED = 0.6
_COMMENTS = (
    "Very urgent for our barangay",
    "Our children need this",
    "Please prioritise",
    "Affects the whole sitio",
    "We have waited for years",
)


def needs_category_frame() -> Frame:
    cats = ref.NEEDS_CATEGORIES
    return {
        "id": np.arange(1, len(cats) + 1),
        "name": [c[0] for c in cats],
        "sector": [c[1] for c in cats],
        "description": [f"Needs related to {c[0].lower()}." for c in cats],
        "weight_factor": np.array([c[2] for c in cats]),
        "is_active": np.array([c[3] for c in cats]),
    }


def priority_scores(
    urgency: np.ndarray, severity: np.ndarray, feasibility: np.ndarray, population: np.ndarray, weight_pct: np.ndarray
) -> np.ndarray:
    """OBCMS's priority score in centi-points (int), rounded half-up.

    (urgency_w + severity/5×2 + feasibility_w + min(population/1000, 2)) / 4 × weight, with every term
    scaled by 1000 so the arithmetic is exact.
    """
    s = URGENCY_W[urgency] + 400 * severity + FEASIBILITY_W[feasibility] + np.minimum(population, 2000)
    return (s * weight_pct + 2000) // 4000


def _make_acute(
    seed: int,
    n: int,
    category: np.ndarray,
    urgency: np.ndarray,
    severity: np.ndarray,
    feasibility: np.ndarray,
    population: np.ndarray,
) -> np.ndarray:
    """Mark about ``ACUTE_SHARE`` of the needs acute and redraw their attributes (in place); returns the mask.

    Independent draws give almost no need above the high-priority threshold (score > 4.0): that takes an
    immediate, severe, feasible need affecting 1,000+ people in a heavily weighted category, all at once.
    Real backlogs have such needs (a health station without water, a flooded school), so an acute minority
    draws those attributes together. Only the heavily weighted categories (health, WASH, education) can
    reach 4.0, so other acute needs stay below it. A stream of its own leaves every other draw unchanged.
    """
    rng = stream(seed, "needs-acute")
    acute = rng.random(n) < ACUTE_SHARE
    k = int(acute.sum())
    names = [c[0] for c in ref.NEEDS_CATEGORIES]
    cats = [names.index(c) for c, _ in ACUTE_CATEGORIES]
    category[acute] = np.array(cats)[pick(rng, cats, k, [w for _, w in ACUTE_CATEGORIES])]
    urgency[acute] = pick(rng, ch.NEED_URGENCY, k, [0.8, 0.2, 0, 0])
    severity[acute] = 4 + pick(rng, range(2), k, [0.4, 0.6])
    feasibility[acute] = pick(rng, ch.NEED_FEASIBILITY, k, [0, 0, 0.15, 0.5, 0.35])
    population[acute] = np.maximum(population[acute], rng.integers(1_200, 8_001, size=k))
    # a tiny database still shows every value: restore any the redraw took away, on a non-acute row
    for codes, size in (
        (category, len(ref.NEEDS_CATEGORIES)),
        (urgency, len(ch.NEED_URGENCY)),
        (feasibility, len(ch.NEED_FEASIBILITY)),
    ):
        ensure_all(rng, codes, size, eligible=~acute)
    ens = severity - 1
    ensure_all(rng, ens, 5, eligible=~acute)
    severity[:] = ens + 1
    return acute


@dataclass
class Needs:
    community: np.ndarray
    province: np.ndarray
    linked_ppa: np.ndarray  # PPA row, -1 when none
    created: np.ndarray
    candidates_by_province: dict[int, np.ndarray]

    def __len__(self) -> int:
        return len(self.community)


@dataclass
class Votes:
    need: np.ndarray
    user: np.ndarray
    weight: np.ndarray
    community: np.ndarray  # -1 when NULL
    voted_at: np.ndarray

    def __len__(self) -> int:
        return len(self.need)


def count_for(scale: float) -> int:
    return max(150, round(5000 * scale))


def build_needs(
    seed: int, scale: float, geo: Geography, comms: Communities, assess: Assessments, p: Ppas, orgs: Organisations
) -> tuple[Needs, Frame]:
    rng = stream(seed, "needs")
    n = count_for(scale)
    w = np.sqrt(comms.obc_population.astype(float)) * np.where(comms.deleted, 0.1, 1.0)
    community = rng.choice(len(comms), size=n, p=w / w.sum())
    prov = comms.province[community]
    cats = ref.NEEDS_CATEGORIES
    category = pick(rng, cats, n, [10, 6, 14, 5, 9, 3, 12, 8, 12, 4, 7, 5, 1])
    ensure_all(rng, category, len(cats))
    urgency = pick(rng, ch.NEED_URGENCY, n, [0.2, 0.35, 0.3, 0.15])
    ensure_all(rng, urgency, len(ch.NEED_URGENCY))
    severity = 1 + pick(rng, range(5), n, [0.08, 0.17, 0.3, 0.28, 0.17])
    ens = severity - 1
    ensure_all(rng, ens, 5)
    severity = ens + 1
    feasibility = pick(rng, ch.NEED_FEASIBILITY, n, [0.05, 0.15, 0.35, 0.3, 0.15])
    ensure_all(rng, feasibility, len(ch.NEED_FEASIBILITY))

    submitted = rng.random(n) < 0.35
    submitted[0] = True
    submitted[1] = False
    population = np.maximum(5, np.round(comms.obc_population[community] * rng.uniform(0.05, 1.0, size=n)))
    inflated = rng.random(n) < 0.03
    population[inflated] = rng.integers(30_000, 70_001, size=int(inflated.sum()))
    population = population.astype(np.int64)
    acute = _make_acute(seed, n, category, urgency, severity, feasibility, population)
    households = np.where(rng.random(n) < 0.8, np.round(population / rng.uniform(4.5, 5.5, size=n)), np.nan)
    cost = np.where(
        rng.random(n) < 0.92, np.round(np.clip(rng.lognormal(np.log(1.5e6), 1.2, size=n), 20_000, 200e6), -3), np.nan
    )

    # assessments of the community's province (assessment-driven needs)
    by_prov = {k: np.flatnonzero(assess.province == k) for k in range(len(geo.province_names))}
    assessment: list[str | None] = [None] * n
    a_end = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    for k, pool in by_prov.items():
        rows = np.flatnonzero(~submitted & (prov == k))
        if len(pool) == 0 or len(rows) == 0:
            continue
        chosen = pool[rng.integers(0, len(pool), size=len(rows))]
        use = rng.random(len(rows)) < 0.85
        for r, a, u in zip(rows.tolist(), chosen.tolist(), use.tolist(), strict=True):
            if u:
                assessment[r] = assess.ids[a]
                a_end[r] = assess.end_date[a]
    day = days("2022-03-01") + rng.integers(0, (REFERENCE_DATE - days("2022-03-01")).astype(int) - 5, size=n).astype(
        "timedelta64[D]"
    )
    day = np.where(np.isnat(a_end), day, np.minimum(a_end, REFERENCE_DATE))
    submission_date = np.where(submitted | (~np.isnat(a_end) & (rng.random(n) < 0.3)), day, np.datetime64("NaT"))

    # links to PPAs: candidates are budgeted MOA/OOBC PPAs covering the need's province (or its region)
    cand = (p.category != CAT_REQUEST) & p.has_budget & (p.fiscal_year > 0)
    cand_prov = {k: np.flatnonzero(cand & (p.province == k)) for k in range(len(geo.province_names))}
    cand_region = {k: np.flatnonzero(cand & (p.region == k)) for k in range(len(geo.region_codes))}
    cand_all = np.flatnonzero(cand)
    linked = np.full(n, -1)
    want = rng.random(n) < 0.22
    for i in np.flatnonzero(want):
        pool = cand_prov.get(int(prov[i]), cand_all)
        if len(pool) == 0 or rng.random() < 0.2:
            pool = cand_region.get(int(comms.region[community[i]]), cand_all)
        if len(pool) == 0:
            pool = cand_all
        if len(pool):
            linked[i] = int(pool[int(rng.integers(len(pool)))])

    # acute needs are the backlog: most of them are not (yet) addressed by any PPA
    linked[acute & (stream(seed, "needs-acute-links").random(n) < ACUTE_UNLINKED)] = -1

    status = np.full(n, NEED_STATUS["identified"])
    is_linked = linked >= 0
    ppa_st = p.status[np.maximum(linked, 0)]
    r = rng.random(n)
    linked_status = np.select(
        [ppa_st == STATUS["completed"], ppa_st == STATUS["ongoing"], ppa_st == STATUS["planning"]],
        [
            np.where(r < 0.7, NEED_STATUS["completed"], NEED_STATUS["in_progress"]),
            np.where(r < 0.6, NEED_STATUS["in_progress"], NEED_STATUS["planned"]),
            np.full(n, NEED_STATUS["planned"]),
        ],
        default=np.where(r < 0.6, NEED_STATUS["planned"], NEED_STATUS["deferred"]),
    )
    relabel = rng.random(n) < 0.15
    linked_status = np.where(
        relabel, np.where(rng.random(n) < 0.6, NEED_STATUS["validated"], NEED_STATUS["prioritized"]), linked_status
    )
    status[is_linked] = linked_status[is_linked]
    unlinked_codes = np.array(
        [NEED_STATUS[s] for s in ("identified", "validated", "prioritized", "deferred", "rejected", "planned")]
    )
    status[~is_linked] = unlinked_codes[
        pick(rng, unlinked_codes, int((~is_linked).sum()), [0.35, 0.25, 0.2, 0.1, 0.05, 0.05])
    ]
    ensure_all(rng, status, len(ch.NEED_STATUS))

    # forwarded to a MOA (unfunded needs being pushed for inclusion)
    moa_pool = np.flatnonzero(orgs.ppa_weight > 0)
    forward = (
        ~is_linked
        & np.isin(status, [NEED_STATUS["validated"], NEED_STATUS["prioritized"], NEED_STATUS["identified"]])
        & (rng.random(n) < 0.12)
    )
    if not forward.any() and (~is_linked).any():
        forward[int(np.flatnonzero(~is_linked)[0])] = True
    forwarded_to = [orgs.ids[int(rng.choice(moa_pool))] if f else None for f in forward.tolist()]
    forwarded_date = np.where(
        forward,
        np.minimum(day + rng.integers(10, 200, size=n).astype("timedelta64[D]"), REFERENCE_DATE),
        np.datetime64("NaT"),
    )
    link_fy = p.fiscal_year[np.maximum(linked, 0)]
    inclusion = np.where(
        is_linked & (rng.random(n) < 0.7),
        year_start(np.where(link_fy > 0, link_fy, 2025)) + rng.integers(0, 120, size=n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    inclusion = np.minimum(inclusion, REFERENCE_DATE)

    # priority scores: OBCMS formula, a drag-and-drop minority, a few unscored
    weight_pct = np.round(np.array([c[2] for c in cats]) * 100).astype(np.int64)[category]
    score = priority_scores(urgency, severity, feasibility, population, weight_pct).astype(float) / 100.0
    dragged = rng.random(n) < 0.02
    dragged[int(rng.integers(n))] = True
    rank = np.full(n, np.nan)
    for c in np.unique(community[dragged]):
        rows = np.flatnonzero(dragged & (community == c))
        rank[rows] = np.arange(1, len(rows) + 1) + rng.integers(0, 3)
    score = np.where(dragged, 1000 - rank, score)
    unscored = ~dragged & (rng.random(n) < 0.05)
    score[unscored] = np.nan
    validated = np.where(status == NEED_STATUS["identified"], False, rng.random(n) < 0.9)

    created = stamps(day, rng)
    age = (REFERENCE_DATE.astype("datetime64[us]") - created).astype("timedelta64[D]").astype(np.int64)
    updated = later_stamps(created, rng, age * rng.random(n))

    titles = []
    choice = rng.integers(0, 1 << 20, size=n)
    for i in range(n):
        sector = cats[category[i]][1]
        pool = ref.NEED_TITLES[sector]
        t = pool[choice[i] % len(pool)]
        if choice[i] % 3 == 0:
            t = f"{t} in {geo.brgy_names[comms.barangay[community[i]]]}"
        titles.append(t)

    frame: Frame = {
        "id": np.arange(1, n + 1),
        "title": titles,
        "description": ["" if c % 4 else "Raised during community consultation." for c in choice.tolist()],
        "category_id": category + 1,
        "assessment_id": assessment,
        "community_id": community + 1,
        "affected_population": population,
        "affected_households": households,
        "urgency_level": [ch.NEED_URGENCY[u] for u in urgency],
        "impact_severity": severity,
        "feasibility": [ch.NEED_FEASIBILITY[f] for f in feasibility],
        "estimated_cost": cost,
        "status": [ch.NEED_STATUS[s] for s in status],
        "priority_score": score,
        "priority_rank": rank,
        "submission_type": ["community_submitted" if s else "assessment_driven" for s in submitted.tolist()],
        "submission_date": submission_date,
        "community_votes": np.zeros(n, dtype=np.int64),  # set once votes exist
        "forwarded_to_mao_id": forwarded_to,
        "forwarded_date": forwarded_date,
        "linked_ppa_id": [p.ids[k] if k >= 0 else None for k in linked.tolist()],
        "budget_inclusion_date": inclusion,
        "is_validated": validated,
        "created_at": created,
        "updated_at": updated,
    }
    info = Needs(
        community=community, province=prov, linked_ppa=linked, created=created, candidates_by_province=cand_prov
    )
    return info, frame


def _next_prime(k: int) -> int:
    def prime(x: int) -> bool:
        return x > 1 and all(x % d for d in range(2, int(x**0.5) + 1))

    while not prime(k):
        k += 1
    return k


def build_votes(seed: int, scale: float, needs: Needs, frame: Frame, comms: Communities) -> Votes:
    """Votes of community members: distinct users per need, weights 1–5. Sets ``community_votes``."""
    rng = stream(seed, "votes")
    n = len(needs)
    submitted = np.array([s == "community_submitted" for s in frame["submission_type"]])
    counts = np.minimum(rng.poisson(np.where(submitted, 3.5, 0.9)), 40)
    users = _next_prime(max(97, int(600 * scale) + 50))
    need = np.repeat(np.arange(n), counts)
    j = np.arange(len(need)) - np.repeat(np.cumsum(counts) - counts, counts)
    start = rng.integers(0, users, size=n)
    stride = rng.integers(1, users, size=n)
    user = (start[need] + j * stride[need]) % users + 1
    weight = 1 + pick(rng, range(5), len(need), [0.4, 0.25, 0.15, 0.1, 0.1])
    own = needs.community[need]
    same_prov = {k: np.flatnonzero(comms.province == k) for k in np.unique(comms.province)}
    other = np.array(
        [
            same_prov[int(comms.province[c])][int(h) % len(same_prov[int(comms.province[c])])]
            for c, h in zip(own.tolist(), rng.integers(0, 1 << 30, size=len(need)).tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    r = rng.random(len(need))
    voter = np.where(r < 0.7, own, np.where(r < 0.9, other, -1))
    created = needs.created[need]
    age = (REFERENCE_DATE.astype("datetime64[us]") - created).astype("timedelta64[D]").astype(np.int64)
    voted = later_stamps(created, rng, np.minimum(age, 300))
    frame["community_votes"] = np.bincount(need, weights=weight, minlength=n).astype(np.int64)
    return Votes(need=need, user=user, weight=weight, community=voter, voted_at=voted)


def vote_frames(seed: int, v: Votes) -> Iterator[Frame]:
    for b, lo in enumerate(range(0, len(v), VOTE_CHUNK)):
        rng = stream(seed, "vote-text", b)
        hi = min(len(v), lo + VOTE_CHUNK)
        m = hi - lo
        ips = ip_addresses(rng, m)
        no_ip = rng.random(m) < 0.05
        comment = rng.integers(0, 1 << 20, size=m)
        yield {
            "id": uuids(rng, m),
            "need_id": v.need[lo:hi] + 1,
            "user_id": v.user[lo:hi],
            "vote_weight": v.weight[lo:hi],
            "comment": [_COMMENTS[c % len(_COMMENTS)] if c % 7 == 0 else "" for c in comment.tolist()],
            "voter_community_id": np.where(v.community[lo:hi] >= 0, v.community[lo:hi] + 1, np.nan),
            "voted_at": v.voted_at[lo:hi],
            "ip_address": [None if x else ip for ip, x in zip(ips, no_ip.tolist(), strict=True)],
        }


def needs_addressed(seed: int, needs: Needs, p: Ppas) -> Frame:
    """``monitoring_monitoringentry_needs_addressed``: partly the same pairs as ``linked_ppa``, partly others."""
    rng = stream(seed, "needs-addressed")
    n = len(needs)
    linked = needs.linked_ppa
    overlap = (linked >= 0) & (rng.random(n) < 0.6)
    pairs_ppa = [linked[overlap]]
    pairs_need = [np.flatnonzero(overlap)]
    extra = np.flatnonzero(rng.random(n) < 0.08)
    cand_all = np.concatenate(list(needs.candidates_by_province.values()))
    if len(cand_all):
        for i in extra.tolist():
            pool = needs.candidates_by_province.get(int(needs.province[i]), np.zeros(0, dtype=np.int64))
            pool = pool if len(pool) else cand_all
            k = 1 + int(rng.random() < 0.3)
            chosen = pool[rng.integers(0, len(pool), size=k)]
            pairs_ppa.append(chosen)
            pairs_need.append(np.full(k, i))
    ppa = np.concatenate(pairs_ppa).astype(np.int64)
    need = np.concatenate(pairs_need).astype(np.int64)
    code = np.unique(ppa * (n + 1) + need)
    ppa, need = code // (n + 1), code % (n + 1)
    return {"monitoringentry_id": [p.ids[k] for k in ppa.tolist()], "need_id": need + 1}
