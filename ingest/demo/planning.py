"""Policies, outcome indicators, strategic goals, planning cycles, scenarios, ceilings and PPA link tables.

These tables are small (they grow slowly or not at all with the scale) but they carry the vocabulary quirks
of OBCMS: strategic goals and ``project_central`` ceilings use their own sector and funding-source codes
(``peace`` rather than ``peace_security``; ``gaa``/``block_grant``... rather than ``gaab_2025``...), and
``monitoring_ceilingmanagement`` holds free text.
"""

from __future__ import annotations

import math

import numpy as np

from ingest import obcms_choices as ch
from ingest.demo import reference as ref
from ingest.demo._util import (
    FISCAL_YEARS,
    REFERENCE_DATE,
    Frame,
    days,
    ensure_all,
    later_stamps,
    pick,
    stamps,
    stream,
    uuids,
)
from ingest.demo.places import Geography, Organisations
from ingest.demo.ppas import CAT_OOBC, CAT_REQUEST, REQUEST, SECTORS, Ppas

MAX_NUMERIC_12_2 = 9_999_999_999.99


def _audit(rng: np.random.Generator, day: np.ndarray) -> dict[str, np.ndarray]:
    created = stamps(np.minimum(day, REFERENCE_DATE), rng)
    age = (REFERENCE_DATE.astype("datetime64[us]") - created).astype("timedelta64[D]").astype(np.int64)
    return {"created_at": created, "updated_at": later_stamps(created, rng, age * rng.random(len(day)))}


# -------------------------------------------------------------------------------------------- policies
def policy_count(scale: float) -> int:
    extra = int(np.clip(round(5 + 6 * math.log10(max(scale, 1e-6))), 5, 24))
    return len(ref.POLICY_SEEDS) + extra


def build_policies(seed: int, scale: float, geo: Geography) -> tuple[list[str], list[str], Frame]:
    """The 11 OOBC seed recommendations plus a few later ones (every status appears)."""
    rng = stream(seed, "policies")
    n = policy_count(scale)
    seeds = ref.POLICY_SEEDS
    k = n - len(seeds)
    status = [s[5] for s in seeds]
    extra_status = pick(rng, ch.POLICY_STATUS, k)
    missing = [s for s in ch.POLICY_STATUS if s not in status]
    for j, s in enumerate(missing[:k]):
        extra_status[j] = ch.POLICY_STATUS.index(s)
    status += [ch.POLICY_STATUS[s] for s in extra_status]
    rtype = [s[9] for s in seeds] + [
        ch.POLICY_RECOMMENDATION_TYPE[t] for t in pick(rng, ch.POLICY_RECOMMENDATION_TYPE, k)
    ]
    sub_year = rng.integers(2023, 2027, size=n)
    refs = [s[0] for s in seeds]
    prefix = {"policy": "POL", "program": "PRG", "service": "SVC"}
    for j in range(k):
        refs.append(f"OOBC-{prefix[rtype[len(seeds) + j]]}-{sub_year[len(seeds) + j]}-{j + 1:04d}")
    titles = [s[1] for s in seeds] + [ref.POLICY_EXTRA_TITLES[j % len(ref.POLICY_EXTRA_TITLES)] for j in range(k)]
    category = [s[2] for s in seeds] + [ch.POLICY_CATEGORY[c] for c in pick(rng, ch.POLICY_CATEGORY, k)]
    core = [s[3] for s in seeds] + [ch.POLICY_CORE_TYPE[c] for c in pick(rng, ch.POLICY_CORE_TYPE, k)]
    scope = [s[4] for s in seeds] + [ch.POLICY_SCOPE[c] for c in pick(rng, ch.POLICY_SCOPE, k)]
    priority = [s[6] for s in seeds] + [ch.POLICY_PRIORITY[c] for c in pick(rng, ch.POLICY_PRIORITY, k)]
    importance = [s[7] for s in seeds] + [ch.POLICY_IMPORTANCE[c] for c in pick(rng, ch.POLICY_IMPORTANCE, k)]
    urgency = [s[8] for s in seeds] + [ch.POLICY_URGENCY[c] for c in pick(rng, ch.POLICY_URGENCY, k)]
    cost = np.concatenate(
        [np.array([s[10] * 1e6 for s in seeds]), np.round(rng.lognormal(np.log(30e6), 1.0, size=k), -3)]
    )
    cost[rng.random(n) < 0.08] = np.nan
    cost[: len(seeds)] = [s[10] * 1e6 for s in seeds]

    submitted = np.array([f"{y}-01-01" for y in sub_year], dtype="datetime64[D]") + rng.integers(0, 300, size=n).astype(
        "timedelta64[D]"
    )
    submitted = np.minimum(submitted, REFERENCE_DATE - 30)
    st = np.array(status)
    approved = np.isin(st, ["approved", "in_implementation", "implemented"])
    implementing = np.isin(st, ["in_implementation", "implemented"])
    nat = np.datetime64("NaT")
    approval = np.where(
        approved, np.minimum(submitted + rng.integers(30, 200, size=n).astype("timedelta64[D]"), REFERENCE_DATE), nat
    )
    impl_start = np.where(
        implementing, np.minimum(approval + rng.integers(15, 120, size=n).astype("timedelta64[D]"), REFERENCE_DATE), nat
    )
    deadline = np.where(approved, approval + rng.integers(365, 1100, size=n).astype("timedelta64[D]"), nat)
    draft = st == "draft"
    submitted = np.where(draft, nat, submitted)

    region: list[int | None] = []
    province: list[int | None] = []
    for sc in scope:
        pi = int(rng.integers(len(geo.province_names)))
        region.append(int(geo.province_region[pi]) + 1 if sc in ("regional", "provincial", "municipal") else None)
        province.append(pi + 1 if sc in ("provincial", "municipal") else None)
    sources = ("GAAB 2025", "BARMM Block Grant", "Special Development Fund", "", "Official Development Assistance")
    ids = uuids(rng, n)
    frame: Frame = {
        "id": ids,
        "title": titles,
        "reference_number": refs,
        "category": category,
        "description": [f"Recommendation: {t}." for t in titles],
        "scope": scope,
        "status": status,
        "priority": priority,
        "submission_date": submitted,
        "approval_date": approval,
        "implementation_start_date": impl_start,
        "implementation_deadline": deadline,
        "estimated_cost": cost,
        "funding_source": [sources[s] for s in pick(rng, sources, n)],
        "recommendation_type": rtype,
        "importance": importance,
        "urgency": urgency,
        "core_recommendation_type": core,
        "target_region_id": region,
        "target_province_id": province,
        **_audit(rng, np.where(np.isnat(submitted), REFERENCE_DATE - 100, submitted) - 10),
    }
    return ids, status, frame


# --------------------------------------------------------------------------------- outcome indicators
def build_indicators(seed: int) -> tuple[list[str], list[str], Frame]:
    rng = stream(seed, "indicators")
    rows = ref.OUTCOME_INDICATORS
    n = len(rows)
    ids = uuids(rng, n)
    frame: Frame = {
        "id": ids,
        "category": [r[0] for r in rows],
        "indicator_name": [r[1] for r in rows],
        "definition": [f"{r[1]} reported by the implementing office." for r in rows],
        "unit_of_measure": [r[2] for r in rows],
        "related_sdg": [r[3] for r in rows],
        "is_active": np.array([r[4] for r in rows]),
        **_audit(rng, np.full(n, days("2024-03-01"))),
    }
    return ids, [r[0] for r in rows], frame


# ------------------------------------------------------------------------------------ strategic goals
_GOALS_FOR_SECTOR = {
    "economic": (2,),
    "social": (3, 4, 5, 8),
    "infrastructure": (6,),
    "environment": (7,),
    "governance": (0, 9, 11),
    "peace_security": (1,),
}


def build_goals(seed: int, p: Ppas, orgs: Organisations) -> tuple[Frame, Frame]:
    """BDP 2023–2028 goals plus OOBC's own, and their PPA tags (about 18 % of PPAs untagged)."""
    rng = stream(seed, "goals")
    goals = ref.STRATEGIC_GOALS
    n = len(goals)
    bdp = np.array([g[3] != "" for g in goals])
    status = pick(rng, ch.STRATEGIC_GOAL_STATUS, n, [0.05, 0.2, 0.6, 0.05, 0.05, 0.05])
    ensure_all(rng, status, len(ch.STRATEGIC_GOAL_STATUS))
    start = np.where(bdp, 2023, rng.integers(2024, 2026, size=n))
    target = np.where(bdp, 2028, start + rng.integers(2, 4, size=n))
    progress = np.where(np.array(ch.STRATEGIC_GOAL_STATUS)[status] == "achieved", 100, rng.integers(5, 80, size=n))
    ids = uuids(rng, n)
    goal_frame: Frame = {
        "id": ids,
        "title": [g[0] for g in goals],
        "description": [f"{g[0]}." for g in goals],
        "goal_statement": [f"By {t}, {g[0][0].lower()}{g[0][1:]}." for g, t in zip(goals, target, strict=True)],
        "sector": [g[1] for g in goals],
        "priority_level": [g[2] for g in goals],
        "aligns_with_rdp": bdp,
        "rdp_reference": [g[3] for g in goals],
        "start_year": start,
        "target_year": target,
        "estimated_total_budget": np.round(rng.lognormal(np.log(5e9), 1.0, size=n), -6),
        "lead_agency_id": [orgs.ids[orgs.index(g[4])] for g in goals],
        "status": [ch.STRATEGIC_GOAL_STATUS[s] for s in status],
        "progress_percentage": progress,
        **_audit(rng, np.full(n, days("2023-06-15"))),
    }
    non_bdp = np.flatnonzero(~bdp)
    left: list[int] = []
    right: list[int] = []
    for i in range(len(p)):
        if rng.random() >= 0.82:
            continue
        sector = SECTORS[p.sector[i]] if p.sector[i] >= 0 else "governance"
        chosen: set[int] = set()
        if rng.random() < 0.05:
            chosen.add(int(rng.choice(non_bdp)))
        else:
            pool = _GOALS_FOR_SECTOR[sector]
            chosen.add(int(pool[int(rng.integers(len(pool)))]))
            for _ in range(int(pick(rng, (0, 1, 2), 1, [0.7, 0.25, 0.05])[0])):
                chosen.add(int(rng.integers(n)))
        for g in sorted(chosen):
            left.append(g)
            right.append(i)
    links: Frame = {"strategicgoal_id": [ids[g] for g in left], "monitoringentry_id": [p.ids[i] for i in right]}
    return goal_frame, links


# -------------------------------------------------------------------------- planning cycles, scenarios
_CYCLE_STATUS = {2023: "archived", 2024: "completed", 2025: "monitoring", 2026: "execution"}
_SCENARIOS = {
    2023: (("baseline", "archived"), ("conservative", "archived")),
    2024: (("baseline", "implemented"), ("optimistic", "draft"), ("needs_based", "archived")),
    2025: (
        ("baseline", "implemented"),
        ("needs_based", "approved"),
        ("equity_focused", "under_review"),
        ("custom", "draft"),
    ),
    2026: (
        ("baseline", "approved"),
        ("optimistic", "under_review"),
        ("conservative", "draft"),
        ("equity_focused", "draft"),
    ),
}
_SCENARIO_FACTOR = {
    "baseline": (1.0, 1.0),
    "optimistic": (1.0, 1.15),
    "conservative": (0.8, 0.95),
    "needs_based": (0.7, 1.3),
    "equity_focused": (0.8, 1.2),
    "custom": (0.5, 1.1),
}
_WEIGHTS = {
    "baseline": (0.40, 0.30, 0.30),
    "optimistic": (0.40, 0.30, 0.30),
    "conservative": (0.35, 0.35, 0.30),
    "needs_based": (0.60, 0.20, 0.20),
    "equity_focused": (0.20, 0.60, 0.20),
    "custom": (0.30, 0.30, 0.40),
}


def build_cycles(seed: int, p: Ppas) -> tuple[Frame, Frame, Frame, Frame]:
    """Planning cycles 2023–2026 with their PPAs, budget scenarios (one baseline each) and allocations."""
    rng = stream(seed, "cycles")
    years = np.array(FISCAL_YEARS)
    n = len(years)
    budgeted = (p.category != CAT_REQUEST) & p.has_budget
    sums = np.array([p.budget[budgeted & (p.fiscal_year == y)].sum() / 100.0 for y in years])
    envelope = np.round(np.maximum(sums, 1e6) * rng.uniform(1.05, 1.2, size=n), -3)
    allocated = np.round(sums * rng.uniform(0.9, 1.0, size=n), 2)
    cycle_ids = uuids(rng, n)

    def on(month_day: str, offset: int) -> np.ndarray:
        return np.array([f"{y + offset}-{month_day}" for y in years], dtype="datetime64[D]")

    cycles: Frame = {
        "id": cycle_ids,
        "fiscal_year": years,
        "cycle_name": [f"FY {y} Annual Planning and Budgeting Cycle" for y in years],
        "planning_start_date": on("01-15", -1),
        "planning_end_date": on("06-30", -1),
        "budget_submission_date": on("07-15", -1),
        "budget_approval_date": on("12-20", -1),
        "execution_start_date": on("01-01", 0),
        "execution_end_date": on("12-31", 0),
        "total_budget_envelope": envelope,
        "allocated_budget": allocated,
        "status": [_CYCLE_STATUS[int(y)] for y in years],
        "notes": ["" if y != 2025 else "Fiscal year of the GAAB 2025 PPA import" for y in years],
        **_audit(rng, on("01-15", -1)),
    }
    left: list[int] = []
    right: list[int] = []
    for c, y in enumerate(years.tolist()):
        for i in np.flatnonzero((p.fiscal_year == y) & (rng.random(len(p)) < 0.92)).tolist():
            left.append(c)
            right.append(i)
    cycle_links: Frame = {
        "annualplanningcycle_id": [cycle_ids[c] for c in left],
        "monitoringentry_id": [p.ids[i] for i in right],
    }

    sc_rows: list[tuple[int, str, str]] = []
    for c, y in enumerate(years.tolist()):
        for kind, status in _SCENARIOS[y]:
            sc_rows.append((c, kind, status))
    m = len(sc_rows)
    sc_ids = uuids(rng, m)
    alloc_scn: list[int] = []
    alloc_ppa: list[int] = []
    alloc_amt: list[float] = []
    alloc_rank: list[int] = []
    totals = np.zeros(m)
    for s, (c, kind, _) in enumerate(sc_rows):
        rows = np.flatnonzero(budgeted & (p.fiscal_year == years[c]))
        if kind != "baseline":
            rows = rows[rng.random(len(rows)) < 0.85]
        lo, hi = _SCENARIO_FACTOR[kind]
        amounts = np.round(p.budget[rows] / 100.0 * rng.uniform(lo, hi, size=len(rows)), 2)
        order = np.argsort(-amounts, kind="stable")
        rank = np.empty(len(rows), dtype=np.int64)
        rank[order] = np.arange(1, len(rows) + 1)
        alloc_scn += [s] * len(rows)
        alloc_ppa += rows.tolist()
        alloc_amt += amounts.tolist()
        alloc_rank += rank.tolist()
        totals[s] = amounts.sum()
    kinds = [k for _, k, _ in sc_rows]
    statuses = [st for _, _, st in sc_rows]
    envelope_of = envelope[[c for c, _, _ in sc_rows]]
    factor = np.array([_SCENARIO_FACTOR[k][1] for k in kinds])
    scenarios: Frame = {
        "id": sc_ids,
        "name": [f"FY {years[c]} {k.replace('_', ' ').title()} Scenario" for c, k, _ in sc_rows],
        "description": [
            f"{k.replace('_', ' ').capitalize()} allocation of the FY {years[c]} envelope." for c, k, _ in sc_rows
        ],
        "scenario_type": kinds,
        "total_budget": np.round(envelope_of * factor, 2),
        # OBCMS recomputes this on save (which fails as written): drafts keep the initial 0
        "allocated_budget": np.where(np.array(statuses) == "draft", 0.0, np.round(totals, 2)),
        "is_baseline": np.array([k == "baseline" for k in kinds]),
        "planning_cycle_id": [cycle_ids[c] for c, _, _ in sc_rows],
        "status": statuses,
        "weight_needs_coverage": np.array([_WEIGHTS[k][0] for k in kinds]),
        "weight_equity": np.array([_WEIGHTS[k][1] for k in kinds]),
        "weight_strategic_alignment": np.array([_WEIGHTS[k][2] for k in kinds]),
        "optimization_score": np.where(np.array(kinds) == "baseline", np.nan, np.round(rng.uniform(40, 90, size=m), 2)),
        "notes": [""] * m,
        **_audit(rng, np.array([f"{years[c] - 1}-08-01" for c, _, _ in sc_rows], dtype="datetime64[D]")),
    }
    a = len(alloc_scn)
    a_status = pick(rng, ch.SCENARIO_ALLOCATION_STATUS, a, [0.35, 0.4, 0.1, 0.15])
    ensure_all(rng, a_status, len(ch.SCENARIO_ALLOCATION_STATUS))
    rationale = (
        "Continuing PPA with good utilisation",
        "Addresses high-priority community needs",
        "Aligned with BDP goal",
        "Reduced pending liquidation of prior releases",
        "",
    )
    allocations: Frame = {
        "id": uuids(rng, a),
        "scenario_id": [sc_ids[s] for s in alloc_scn],
        "ppa_id": [p.ids[i] for i in alloc_ppa],
        "allocated_amount": np.array(alloc_amt),
        "priority_rank": np.array(alloc_rank, dtype=np.int64),
        "status": [ch.SCENARIO_ALLOCATION_STATUS[s] for s in a_status],
        "allocation_rationale": [rationale[int(r)] for r in pick(rng, rationale, a)],
        **_audit(rng, np.array([f"{years[sc_rows[s][0]] - 1}-08-15" for s in alloc_scn], dtype="datetime64[D]")),
    }
    return cycles, cycle_links, scenarios, allocations


# ------------------------------------------------------------------------------------------ ceilings
_PPA_TO_CEILING_SOURCE = {
    "gaab_2025": "gaa",
    "supplemental_budget": "gaa",
    "sdf": "block_grant",
    "tdif": "block_grant",
    "allocation_for_mp": "block_grant",
    "national_program": "others",
    "local_program": "lgu",
    "oda": "donor",
    "other_sources": "others",
}
_CEILING_COMBOS = (
    ("", "block_grant"),
    ("", "gaa"),
    ("education", ""),
    ("health", ""),
    ("infrastructure", "block_grant"),
    ("social", "gaa"),
    ("peace", "block_grant"),
    ("economic", "donor"),
    ("environment", "others"),
    ("governance", "internal"),
    ("cultural", "lgu"),
    ("infrastructure", "gaa"),
)


def _ceiling_sector(p: Ppas, orgs: Organisations) -> list[str]:
    out = []
    for i in range(len(p)):
        s = SECTORS[p.sector[i]] if p.sector[i] >= 0 else ""
        acr = orgs.acronyms[p.org[i]] if p.org[i] >= 0 else ""
        if s == "social":
            s = {"MBHTE": "education", "MOH": "health", "BCPCH": "cultural"}.get(acr, "social")
        elif s == "peace_security":
            s = "peace"
        out.append(s)
    return out


# What a ceiling's stated sector and funding source cover, in the PPA vocabularies, read the way the
# warehouse reads them (int_budget_ceilings_mapped, int_budget_ceiling_funding_codes). None: unmapped.
_CEILING_SECTOR_COVERS: dict[str, str | None] = {
    "education": "social",
    "health": "social",
    "social": "social",
    "social services": "social",
    "peace": "peace_security",
    "infrastructure": "infrastructure",
    "economic": "economic",
    "environment": "environment",
    "governance": "governance",
    "cultural": None,
}
_CEILING_SOURCE_COVERS: dict[str, tuple[str, ...] | None] = {
    "gaa": ("gaab_2025", "supplemental_budget"),
    "block_grant": ("gaab_2025",),
    "barmm block grant": ("gaab_2025",),
    "special development fund": ("sdf",),
    "supplemental budget": ("supplemental_budget",),
    "official development assistance": ("oda",),
    "donor": ("oda",),
    "lgu": ("local_program",),
    "others": ("other_sources",),
    "internal": None,
}
# How the PPAs under a ceiling compare with it: ok (well under the warning threshold), warning (95–99 %
# used, at or above every threshold OBCMS stores) or exceeded, with the ceiling / allocated ratios drawn.
_CEILING_STATES = (("ok", 0.65, 1.2, 1.6), ("warning", 0.2, 1.01, 1.045), ("exceeded", 0.15, 0.8, 0.97))


def _covered_budget(
    budget: np.ndarray, year: np.ndarray, sector: np.ndarray, source: np.ndarray, y: int, sec: str, fund: str
) -> float | None:
    """Σ budget of the PPAs of fiscal year ``y`` a ceiling on (``sec``, ``fund``) covers; None when unmapped."""
    mask = year == y
    if sec:
        covered = _CEILING_SECTOR_COVERS.get(sec.lower())
        if covered is None:
            return None
        mask &= sector == covered
    if fund:
        key = fund.lower()
        codes = ("gaab_2025",) if key.startswith("gaab") else _CEILING_SOURCE_COVERS.get(key)
        if codes is None:
            return None
        mask &= np.isin(source, codes)
    return float(budget[mask].sum())


def _ceiling_amounts(rng: np.random.Generator, covered: list[float | None]) -> np.ndarray:
    """Ceilings set against what they cover: mostly comfortable, some nearly used up, a minority exceeded."""
    n = len(covered)
    state = pick(rng, _CEILING_STATES, n, [c[1] for c in _CEILING_STATES])
    lo = np.array([_CEILING_STATES[k][2] for k in state])
    hi = np.array([_CEILING_STATES[k][3] for k in state])
    ratio = lo + (hi - lo) * rng.random(n)
    base = np.array([c if c is not None else 0.0 for c in covered])
    # too little under it to be near the ceiling: a round amount with room to spare
    small = base < 1e6
    ratio = np.where(small, rng.uniform(1.2, 1.6, size=n), ratio)
    return np.round(np.maximum(base, np.where(small, 1e6, 0.0)) * ratio, -3)


def build_ceilings(seed: int, p: Ppas, orgs: Organisations) -> tuple[Frame, Frame]:
    """``monitoring_ceilingmanagement`` (free text) and ``project_central_budgetceiling`` (own vocabularies).

    Each ceiling amount is set against the budget of the PPAs it covers (as the warehouse maps it), so the
    ceiling monitor shows ceilings comfortably under, near and over their limit; the unmappable ones
    (``internal`` money, the ``cultural`` sector) stay unmapped.
    """
    rng = stream(seed, "ceilings")
    budget = np.where(p.has_budget & (p.category != CAT_REQUEST), p.budget / 100.0, 0.0)
    fs = [ch.FUNDING_SOURCE[f] if f >= 0 else "" for f in p.funding]
    psector = np.array([SECTORS[k] if k >= 0 else "" for k in p.sector])
    psource = np.array(fs)
    csector = np.array(_ceiling_sector(p, orgs))
    csource = np.array([_PPA_TO_CEILING_SOURCE.get(f, "") for f in fs])

    # monitoring_ceilingmanagement: funding source (and sometimes sector) as typed by a user
    rows: list[tuple[int, str, str, float]] = []
    for y in FISCAL_YEARS:
        in_year = p.fiscal_year == y
        total = float(budget[in_year].sum())
        sources = [("BARMM Block Grant", 0.25), (f"GAAB {y}", 0.75), ("Special Development Fund", 0.06)]
        if y in (2024, 2025):
            sources.append(("Supplemental Budget", 0.04))
        if y == 2025:
            sources.append(("Official Development Assistance", 0.02))
        for name, share in sources:
            rows.append((y, name, "", total * share))
        social = float(budget[in_year & np.isin(csector, ["social", "education", "health"])].sum())
        infra = float(budget[in_year & (csector == "infrastructure")].sum())
        rows.append((y, f"GAAB {y}", "Social Services", social))
        rows.append((y, "BARMM Block Grant", "infrastructure", infra * 0.3))
    n = len(rows)
    actual = np.array([r[3] for r in rows])
    covered = [_covered_budget(budget, p.fiscal_year, psector, psource, y, sec, f) for y, f, sec, _ in rows]
    ceiling = _ceiling_amounts(rng, covered)
    # OBCMS's own stored allocation (stale, recomputed by the warehouse)
    allocated = np.where(rng.random(n) < 0.15, 0.0, np.round(actual * rng.uniform(0.95, 1.1, size=n), 2))
    threshold = np.array([0.9, 0.85, 0.95])[pick(rng, range(3), n, [0.8, 0.1, 0.1])]
    mgmt: Frame = {
        "id": uuids(rng, n),
        "fiscal_year": np.array([r[0] for r in rows]),
        "funding_source": [r[1] for r in rows],
        "sector": [r[2] for r in rows],
        "ceiling_amount": ceiling,
        "allocated_amount": allocated,
        "remaining_ceiling": np.round(ceiling - allocated, 2),
        "threshold_warning": threshold,
        "is_exceeded": allocated > ceiling,
        "notes": ["" for _ in rows],
        **_audit(rng, np.array([f"{r[0] - 1}-10-01" for r in rows], dtype="datetime64[D]")),
    }

    # project_central_budgetceiling: (fiscal year, sector, funding source) unique, legacy codes
    crow: list[tuple[int, str, str, float]] = []
    for y in FISCAL_YEARS:
        in_year = p.fiscal_year == y
        for sector, source in _CEILING_COMBOS:
            mask = in_year.copy()
            if sector:
                mask &= csector == sector
            if source:
                mask &= csource == source
            crow.append((y, sector, source, float(budget[mask].sum())))
    m = len(crow)
    actual = np.array([r[3] for r in crow])
    covered = [_covered_budget(budget, p.fiscal_year, psector, psource, y, sec, f) for y, sec, f, _ in crow]
    ceiling = np.minimum(_ceiling_amounts(rng, covered), MAX_NUMERIC_12_2)
    allocated = np.minimum(np.where(rng.random(m) < 0.2, 0.0, np.round(actual, 2)), MAX_NUMERIC_12_2)
    label = {"": "All sectors"}
    central: Frame = {
        "id": uuids(rng, m),
        "name": [
            f"FY {y} {label.get(s, s.title())} – {f.replace('_', ' ') if f else 'all sources'}" for y, s, f, _ in crow
        ],
        "fiscal_year": np.array([r[0] for r in crow]),
        "sector": [r[1] for r in crow],
        "funding_source": [r[2] for r in crow],
        "ceiling_amount": ceiling,
        "allocated_amount": allocated,
        "is_active": np.array([r[0] != 2023 for r in crow]),
        "enforcement_level": [ch.CEILING_ENFORCEMENT[e] for e in pick(rng, ch.CEILING_ENFORCEMENT, m, [0.7, 0.3])],
        **_audit(rng, np.array([f"{r[0] - 1}-11-01" for r in crow], dtype="datetime64[D]")),
    }
    return mgmt, central


# ----------------------------------------------------------------------------------- PPA link tables
_INDICATORS_FOR_SECTOR = {
    "economic": ("livelihood",),
    "social": ("education", "health", "social_protection"),
    "infrastructure": ("infrastructure",),
    "environment": ("environment",),
    "governance": ("governance",),
    "peace_security": ("peace_security",),
}


def build_ppa_links(
    seed: int,
    p: Ppas,
    orgs: Organisations,
    policy_ids: list[str],
    policy_status: list[str],
    indicator_ids: list[str],
    indicator_cats: list[str],
) -> dict[str, Frame]:
    """Policies implemented, supporting organisations, standard indicators and request → PPA links."""
    rng = stream(seed, "ppa-links")
    n = len(p)
    active = [i for i, s in enumerate(policy_status) if s in ("approved", "in_implementation", "implemented")]
    other = [i for i, s in enumerate(policy_status) if s in ("submitted", "under_consideration")]
    pol_l: list[int] = []
    pol_r: list[int] = []
    for i in range(n):
        prob = 0.5 if p.category[i] == CAT_OOBC else (0.05 if p.category[i] == CAT_REQUEST else 0.1)
        if rng.random() >= prob:
            continue
        pool = active if rng.random() < 0.9 or not other else other
        for j in sorted(set(rng.choice(pool, size=int(rng.integers(1, 3))).tolist())):
            pol_l.append(i)
            pol_r.append(j)

    sup_l: list[int] = []
    sup_r: list[int] = []
    for i in range(n):
        if rng.random() >= 0.3:
            continue
        chosen = set(rng.choice(len(orgs.ids), size=int(rng.integers(1, 4)), replace=False).tolist())
        chosen.discard(int(p.org[i]))
        for j in sorted(chosen):
            sup_l.append(i)
            sup_r.append(j)

    ind_l: list[int] = []
    ind_r: list[int] = []
    by_cat = {c: [j for j, x in enumerate(indicator_cats) if x == c] for c in set(indicator_cats)}
    for i in range(n):
        if p.category[i] == CAT_REQUEST or rng.random() >= 0.35:
            continue
        cats = _INDICATORS_FOR_SECTOR[SECTORS[p.sector[i]]] if p.sector[i] >= 0 else ("other",)
        pool = [j for c in cats for j in by_cat.get(c, [])] or list(range(len(indicator_ids)))
        for j in sorted(set(rng.choice(pool, size=int(rng.integers(1, 4))).tolist())):
            ind_l.append(i)
            ind_r.append(j)

    rel_l: list[int] = []
    rel_r: list[int] = []
    linkable = (p.category != CAT_REQUEST) & p.has_budget
    endorsed = np.isin(
        p.request_status, [REQUEST["endorsed"], REQUEST["approved"], REQUEST["in_progress"], REQUEST["completed"]]
    )
    for i in np.flatnonzero((p.category == CAT_REQUEST) & endorsed).tolist():
        pool = np.flatnonzero(linkable & (p.province == p.province[i])) if p.province[i] >= 0 else np.zeros(0)
        if len(pool) == 0:
            pool = np.flatnonzero(linkable & (p.region == p.region[i]))
        if len(pool) == 0:
            pool = np.flatnonzero(linkable)
        for j in sorted(set(rng.choice(pool, size=int(rng.integers(1, 3))).tolist())):
            rel_l.append(i)
            rel_r.append(int(j))
    return {
        "monitoring_monitoringentry_implementing_policies": {
            "monitoringentry_id": [p.ids[i] for i in pol_l],
            "policyrecommendation_id": [policy_ids[j] for j in pol_r],
        },
        "monitoring_monitoringentry_supporting_organizations": {
            "monitoringentry_id": [p.ids[i] for i in sup_l],
            "organization_id": [orgs.ids[j] for j in sup_r],
        },
        "monitoring_monitoringentry_standard_outcome_indicators": {
            "monitoringentry_id": [p.ids[i] for i in ind_l],
            "outcomeindicator_id": [indicator_ids[j] for j in ind_r],
        },
        "monitoring_monitoringentry_related_ppas": {
            "from_monitoringentry_id": [p.ids[i] for i in rel_l],
            "to_monitoringentry_id": [p.ids[j] for j in rel_r],
        },
    }
