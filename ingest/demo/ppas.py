"""PPAs (``monitoring_monitoringentry``): MOA PPAs, OOBC PPAs and OBC requests, and their community links.

Every choice value of the PPA table appears (the rarest ones are forced onto a compatible row when a small
scale would miss them), blanks appear where OBCMS allows them, and the database check constraints of
``obcms_schema.md`` §1.1 hold on every row. A few rows look like the YAML importer left them (no fiscal year,
no sector, no dates, ``gaab_2025`` funding), as real OBCMS data does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingest import obcms_choices as ch
from ingest.demo import reference as ref
from ingest.demo._util import (
    FISCAL_YEARS,
    REFERENCE_DATE,
    Frame,
    days,
    emails,
    ensure_all,
    later_stamps,
    person_names,
    phone_numbers,
    pick,
    stamps,
    stream,
    uuids,
    year_start,
)
from ingest.demo.places import Assessments, Communities, Geography, Organisations

CAT_MOA, CAT_OOBC, CAT_REQUEST = 0, 1, 2
STATUS = {s: i for i, s in enumerate(ch.PPA_STATUS)}
APPROVAL = {s: i for i, s in enumerate(ch.PPA_APPROVAL_STATUS)}
REQUEST = {s: i for i, s in enumerate(ch.PPA_REQUEST_STATUS)}
SECTORS = ch.PPA_SECTOR
BLANK = -1

# The worked example of metrics.md §2 (also the tree built for it in workitems.py).
WORKED_EXAMPLE_TITLE = "Community-Driven Development Training for OBC Leaders (worked example)"
WORKED_EXAMPLE_BUDGET = 5_000_000

# status probabilities per fiscal year: planning, ongoing, completed, on_hold, cancelled
_STATUS_BY_FY = {
    2023: (0.02, 0.12, 0.72, 0.06, 0.08),
    2024: (0.04, 0.30, 0.55, 0.06, 0.05),
    2025: (0.13, 0.55, 0.20, 0.08, 0.04),
    2026: (0.45, 0.45, 0.02, 0.05, 0.03),
}
# approval probabilities (in PPA_APPROVAL_STATUS order) for a planning PPA
_PLANNING_APPROVAL = (0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.0, 0.0)


@dataclass
class Ppas:
    """The PPA rows as parallel arrays, plus the frame written to the table."""

    ids: list[str]
    category: np.ndarray
    org: np.ndarray  # implementing organisation index, -1 when none
    fiscal_year: np.ndarray  # 0 when NULL
    status: np.ndarray
    approval: np.ndarray
    request_status: np.ndarray  # -1 when blank
    priority: np.ndarray
    sector: np.ndarray  # -1 when blank
    funding: np.ndarray  # -1 when blank
    budget: np.ndarray  # int64 centavos, -1 when NULL
    start: np.ndarray
    end: np.ndarray
    region: np.ndarray  # coverage, -1 when NULL
    province: np.ndarray
    community: np.ndarray  # anchor community (submitted_by for requests)
    created: np.ndarray
    tracked: np.ndarray  # has a work-item tree
    auto_progress: np.ndarray
    example: int  # row of the worked example
    frame: Frame = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def has_budget(self) -> np.ndarray:
        return self.budget >= 0


def counts_for(scale: float) -> tuple[int, int, int]:
    """MOA PPAs, OOBC PPAs and OBC requests at a scale (never fewer than needed to show every category)."""
    return max(24, round(180 * scale)), max(4, round(18 * scale)), max(10, round(27 * scale))


def _force(rng: np.random.Generator, codes: np.ndarray, code: int, eligible: np.ndarray, taken: np.ndarray) -> None:
    """Put ``code`` on one eligible, untaken row if no row has it yet.

    Only rows whose own code is held by another row too are used, so forcing never removes a value.
    """
    if (codes == code).any():
        return
    values, counts = np.unique(codes, return_counts=True)
    shared = np.isin(codes, values[counts > 1])
    idx = np.flatnonzero(eligible & ~taken & shared)
    if len(idx):
        row = int(rng.choice(idx))
        codes[row] = code
        taken[row] = True


def build_ppas(
    seed: int,
    scale: float,
    geo: Geography,
    orgs: Organisations,
    comms: Communities,
    assess: Assessments,
) -> Ppas:
    rng = stream(seed, "ppas")
    n_moa, n_oobc, n_req = counts_for(scale)
    cat = rng.permutation(np.repeat([CAT_MOA, CAT_OOBC, CAT_REQUEST], [n_moa, n_oobc, n_req]))
    n = len(cat)
    is_m, is_o, is_r = cat == CAT_MOA, cat == CAT_OOBC, cat == CAT_REQUEST
    example = int(np.flatnonzero(is_o)[0])

    # ---------------------------------------------------------------- organisations
    oobc = orgs.index(ref.OOBC_ACRONYM)
    org = np.full(n, -1)
    org[is_m] = pick(rng, orgs.acronyms, int(is_m.sum()), orgs.ppa_weight)
    org[is_o] = oobc

    # ---------------------------------------------------------------- years and statuses
    imported = is_m & (rng.random(n) < 0.025)
    if not imported.any():
        imported[int(rng.choice(np.flatnonzero(is_m)))] = True
    fixed = imported.copy()  # rows whose values no coverage rule may change
    fixed[example] = True
    fy = np.array(FISCAL_YEARS)[pick(rng, FISCAL_YEARS, n, [0.2, 0.25, 0.33, 0.22])]
    fy[imported] = 0
    status = np.zeros(n, dtype=np.int64)
    for year, p in _STATUS_BY_FY.items():
        rows = (fy == year) & ~is_r
        status[rows] = pick(rng, ch.PPA_STATUS, int(rows.sum()), p)
    status[imported] = STATUS["planning"]

    req = np.full(n, BLANK)
    req[is_r] = pick(rng, ch.PPA_REQUEST_STATUS, int(is_r.sum()), [15, 12, 6, 10, 14, 15, 12, 8, 8])
    sub = req[is_r]
    ensure_all(rng, sub, len(ch.PPA_REQUEST_STATUS))
    req[is_r] = sub
    req_status_map = {
        "submitted": "planning",
        "under_review": "planning",
        "clarification": "planning",
        "endorsed": "planning",
        "approved": "planning",
        "in_progress": "ongoing",
        "completed": "completed",
        "deferred": "on_hold",
        "declined": "cancelled",
    }
    for name, code in REQUEST.items():
        status[is_r & (req == code)] = STATUS[req_status_map[name]]
    status[is_r & (req == REQUEST["approved"]) & (rng.random(n) < 0.5)] = STATUS["ongoing"]
    # requests are recent: they are made for the coming fiscal year
    fy[is_r] = np.where(
        req[is_r] <= REQUEST["approved"],
        rng.choice([2025, 2026], size=int(is_r.sum())),
        rng.choice([2023, 2024, 2025], size=int(is_r.sum())),
    )
    status[example] = STATUS["ongoing"]
    fy[example] = 2025
    # every status on PPAs proper, and enough planning PPAs to show every pre-approval stage
    taken = fixed.copy()
    for code in range(len(ch.PPA_STATUS)):
        _force(rng, status, code, ~is_r & (fy > 0), taken)
    stages = 6  # draft .. approved
    while int((~is_r & ~fixed & (status == STATUS["planning"])).sum()) < stages:
        values, counts = np.unique(status[~is_r], return_counts=True)
        spare = ~is_r & ~taken & np.isin(status, values[counts > 1]) & (status != STATUS["planning"])
        if not spare.any():
            break
        row = int(rng.choice(np.flatnonzero(spare)))
        status[row] = STATUS["planning"]
        taken[row] = True

    approval = np.zeros(n, dtype=np.int64)
    st = status
    planning = st == STATUS["planning"]
    approval[planning] = pick(rng, ch.PPA_APPROVAL_STATUS, int(planning.sum()), _PLANNING_APPROVAL)
    running = np.isin(st, [STATUS["ongoing"], STATUS["completed"], STATUS["on_hold"]])
    approval[running] = np.where(rng.random(int(running.sum())) < 0.45, APPROVAL["approved"], APPROVAL["enacted"])
    cancelled = st == STATUS["cancelled"]
    approval[cancelled] = np.array([APPROVAL["rejected"], APPROVAL["approved"], APPROVAL["enacted"]])[
        pick(rng, range(3), int(cancelled.sum()), [0.5, 0.3, 0.2])
    ]
    # requests follow their own flow
    rq = {v: k for k, v in REQUEST.items()}
    for i in np.flatnonzero(is_r):
        name = rq[int(req[i])]
        if name in ("submitted", "under_review", "clarification"):
            approval[i] = APPROVAL["draft"]
        elif name == "endorsed":
            approval[i] = APPROVAL["technical_review"] if rng.random() < 0.6 else APPROVAL["budget_review"]
        elif name in ("approved", "in_progress", "completed"):
            approval[i] = APPROVAL["approved"]
        elif name == "deferred":
            approval[i] = APPROVAL["stakeholder_consultation"]
        else:
            approval[i] = APPROVAL["rejected"]
    approval[imported] = APPROVAL["draft"]
    approval[example] = APPROVAL["enacted"]
    taken = fixed.copy()
    for code in range(stages):  # pre-approval stages live on planning PPAs
        _force(rng, approval, code, planning & ~is_r, taken)
    _force(rng, approval, APPROVAL["enacted"], running & ~is_r, taken)
    _force(rng, approval, APPROVAL["rejected"], cancelled, taken)
    taken = fixed

    priority = pick(rng, ch.PPA_PRIORITY, n, [0.15, 0.45, 0.3, 0.1])
    ensure_all(rng, priority, len(ch.PPA_PRIORITY))

    # ---------------------------------------------------------------- sector and funding
    sector = np.full(n, BLANK)
    org_sector = np.array([SECTORS.index(orgs.sector[o]) if o >= 0 else 0 for o in org])
    sector[is_m] = org_sector[is_m]
    sector[is_o] = pick(rng, SECTORS, int(is_o.sum()), [0.25, 0.45, 0.1, 0.03, 0.12, 0.05])
    sector[is_r] = pick(rng, SECTORS, int(is_r.sum()), [0.35, 0.25, 0.3, 0.05, 0.0, 0.05])
    swap = ~imported & (rng.random(n) < 0.17)
    sector[swap] = rng.integers(0, len(SECTORS), size=int(swap.sum()))
    sector[~imported & (rng.random(n) < 0.03)] = BLANK
    sector[imported] = BLANK
    sector[example] = SECTORS.index("social")
    sec7 = sector + 1  # 0 = blank, for the coverage check
    ensure_all(rng, sec7, len(SECTORS) + 1, eligible=~taken, taken=taken.copy())
    sector = sec7 - 1

    funding = np.full(n, BLANK)
    fs = ch.FUNDING_SOURCE
    funding[is_m] = pick(rng, fs, int(is_m.sum()), [0.72, 0.05, 0.06, 0.05, 0.04, 0.03, 0.01, 0.02, 0.02])
    funding[is_o] = pick(rng, fs, int(is_o.sum()), [0.7, 0.05, 0.15, 0.02, 0.02, 0.02, 0.0, 0.02, 0.02])
    funding[is_r] = pick(rng, fs, int(is_r.sum()), [0.2, 0.05, 0.1, 0.05, 0.1, 0.15, 0.15, 0.1, 0.1])
    funding[~imported & (rng.random(n) < 0.03)] = BLANK
    funding[imported] = fs.index("gaab_2025")
    funding[example] = fs.index("gaab_2025")
    f10 = funding + 1
    ensure_all(rng, f10, len(fs) + 1, eligible=~taken, taken=taken.copy())
    funding = f10 - 1
    funding_other = ["" for _ in range(n)]
    for i in np.flatnonzero(funding == fs.index("other_sources")):
        funding_other[i] = ref.FUNDING_SOURCE_OTHER[int(rng.integers(len(ref.FUNDING_SOURCE_OTHER)))]

    approp = pick(rng, ch.APPROPRIATION_CLASS, n, [0.15, 0.5, 0.3])
    approp = np.where(sector == SECTORS.index("infrastructure"), np.where(rng.random(n) < 0.8, 2, approp), approp)
    approp = np.where(rng.random(n) < 0.05, BLANK, approp)
    approp[imported] = BLANK
    a4 = approp + 1
    ensure_all(rng, a4, 4, eligible=~taken, taken=taken.copy())
    approp = a4 - 1

    # ---------------------------------------------------------------- money (int64 centavos, -1 = NULL)
    median = np.where(org >= 0, orgs.median_budget[np.maximum(org, 0)], 7e6)
    sigma = np.where(is_o, 0.8, 0.95)
    pesos = np.clip(rng.lognormal(np.log(median), sigma), 300_000, 28e9)
    pesos[is_o] = np.clip(pesos[is_o], 300_000, 80e6)
    whole = rng.random(n) < 0.75
    cents = np.where(whole, np.round(pesos, -3) * 100, np.round(pesos * 100)).astype(np.int64)
    estimated = np.full(n, -1, dtype=np.int64)
    estimated[is_r] = (
        np.round(np.clip(rng.lognormal(np.log(2.5e6), 1.0, size=int(is_r.sum())), 50_000, 60e6), -2) * 100
    ).astype(np.int64)
    funded_req = is_r & np.isin(req, [REQUEST["approved"], REQUEST["in_progress"], REQUEST["completed"]])
    cents[is_r] = -1
    cents[funded_req] = (
        (estimated[funded_req] * rng.uniform(0.5, 1.0, size=int(funded_req.sum()))).astype(np.int64) // 100 * 100
    )
    no_budget = ~is_r & ~taken & (st == STATUS["planning"]) & (rng.random(n) < 0.12)
    cents[no_budget] = -1
    cents[example] = WORKED_EXAMPLE_BUDGET * 100
    has = cents >= 0

    u = rng.random(n)
    ceiling = np.full(n, -1, dtype=np.int64)
    raised = has & (u < 0.75)
    ceiling[raised] = (
        -(-(cents[raised] * rng.uniform(1.0, 1.3, size=int(raised.sum()))).astype(np.int64) // 100_000) * 100_000
    )
    ceiling[raised] = np.maximum(ceiling[raised], cents[raised])
    same = has & (u >= 0.75) & (u < 0.87)
    ceiling[same] = cents[same]

    obc = np.full(n, -1, dtype=np.int64)
    share = np.where(
        is_o, np.where(rng.random(n) < 0.85, 1.0, rng.uniform(0.6, 1.0, size=n)), rng.uniform(0.02, 0.45, size=n)
    )
    share = np.where(is_r, 1.0, share)
    with_obc = has & (is_o | is_r | (rng.random(n) < 0.65))
    obc[with_obc] = np.floor(cents[with_obc] * share[with_obc]).astype(np.int64)

    # ---------------------------------------------------------------- dates
    start = year_start(np.maximum(fy, 2000)) + rng.integers(-60, 150, size=n).astype("timedelta64[D]")
    end = start + rng.integers(60, 540, size=n).astype("timedelta64[D]")
    no_dates = imported | (~taken & (rng.random(n) < 0.06))
    nat = np.datetime64("NaT")
    start = np.where(no_dates, nat, start)
    end = np.where(no_dates | (rng.random(n) < 0.03), nat, end)
    start[example], end[example] = days("2025-02-01"), days("2025-12-15")
    completed = st == STATUS["completed"]
    # a completed PPA has ended by the reference date
    late = completed & (end > REFERENCE_DATE)
    end = np.where(late, REFERENCE_DATE - rng.integers(0, 60, size=n).astype("timedelta64[D]"), end)
    start = np.where(late, np.minimum(start, end - rng.integers(30, 200, size=n).astype("timedelta64[D]")), start)
    actual_end = np.where(
        completed & ~np.isnat(end), end + rng.integers(-30, 120, size=n).astype("timedelta64[D]"), nat
    )
    actual_end = np.where(~np.isnat(actual_end), np.minimum(np.maximum(actual_end, start), REFERENCE_DATE), nat)
    open_ = np.isin(st, [STATUS["planning"], STATUS["ongoing"]]) & (rng.random(n) < 0.7)
    milestone = np.where(open_, REFERENCE_DATE + rng.integers(-45, 150, size=n).astype("timedelta64[D]"), nat)
    last_update = np.where(
        ~np.isnat(start) & (rng.random(n) < 0.85),
        np.minimum(start + rng.integers(0, 400, size=n).astype("timedelta64[D]"), REFERENCE_DATE),
        nat,
    )

    # ---------------------------------------------------------------- coverage and communities
    anchor = rng.integers(0, len(comms), size=n)
    level = np.where(
        is_m,
        pick(rng, range(5), n, [0.1, 0.15, 0.35, 0.35, 0.05]),
        np.where(
            is_o, pick(rng, range(5), n, [0.0, 0.05, 0.3, 0.5, 0.15]), pick(rng, range(5), n, [0.0, 0.0, 0.1, 0.5, 0.4])
        ),
    )
    level[imported] = 0
    level[example] = 2
    cov_region = np.where(level >= 1, comms.region[anchor], -1)
    cov_prov = np.where(level >= 2, comms.province[anchor], -1)
    cov_muni = np.where(level >= 3, comms.municipality[anchor], -1)
    cov_brgy = np.where(level >= 4, comms.barangay[anchor], -1)

    # ---------------------------------------------------------------- work-item tracking
    tracking = ~is_r & has & (rng.random(n) < 0.88)
    tracking[example] = True
    tracked = tracking & (approval != APPROVAL["draft"]) & (fy > 0)
    auto_progress = rng.random(n) < 0.9
    auto_progress[example] = True
    auto_status = rng.random(n) < 0.85

    # ---------------------------------------------------------------- audit stamps
    created_day = np.where(
        fy > 0,
        year_start(np.maximum(fy, 2000) - 1) + rng.integers(150, 420, size=n).astype("timedelta64[D]"),
        days("2025-10-06"),
    )
    created_day = np.minimum(created_day, np.where(np.isnat(start), REFERENCE_DATE, start + 10))
    created_day = np.minimum(created_day, REFERENCE_DATE)
    created = stamps(created_day, rng)
    age = (REFERENCE_DATE.astype("datetime64[us]") - created).astype("timedelta64[D]").astype(np.int64)
    updated = later_stamps(created, rng, age * np.sqrt(rng.random(n)))

    ids = uuids(rng, n)
    ppas = Ppas(
        ids=ids,
        category=cat,
        org=org,
        fiscal_year=fy,
        status=status,
        approval=approval,
        request_status=req,
        priority=priority,
        sector=sector,
        funding=funding,
        budget=cents,
        start=start,
        end=end,
        region=cov_region,
        province=cov_prov,
        community=anchor,
        created=created,
        tracked=tracked,
        auto_progress=auto_progress,
        example=example,
    )

    ppas.frame = _frame(
        rng,
        ppas,
        geo,
        orgs,
        comms,
        assess,
        {
            "imported": imported,
            "funding_other": funding_other,
            "approp": approp,
            "ceiling": ceiling,
            "obc": obc,
            "estimated": estimated,
            "actual_end": actual_end,
            "milestone": milestone,
            "last_update": last_update,
            "cov_muni": cov_muni,
            "cov_brgy": cov_brgy,
            "tracking": tracking,
            "auto_status": auto_status,
            "updated": updated,
            "funded_req": funded_req,
        },
    )
    return ppas


def _title(rng: np.random.Generator, cat: int, sector: int, org: str, place: str, fy: int) -> str:
    if cat == CAT_REQUEST:
        return f"{ref.REQUEST_TITLES[int(rng.integers(len(ref.REQUEST_TITLES)))]} – {place}"
    if cat != CAT_OOBC and org in ref.ORG_PPA_TITLES and rng.random() < 0.85:
        pool = ref.ORG_PPA_TITLES[org]
    else:
        pool = ref.PPA_TITLES[SECTORS[sector] if sector >= 0 else "governance"]
    base = pool[int(rng.integers(len(pool)))]
    r = rng.random()
    if cat == CAT_OOBC or r < 0.35:
        return f"{base} for OBCs in {place}"
    if r < 0.45:
        return f"{base} – Phase {['II', 'III', 'IV'][int(rng.integers(3))]}"
    if r < 0.6 and fy:
        return f"{base} (FY {fy})"
    return base


def _framework(rng: np.random.Generator, sector: int) -> dict:
    key = SECTORS[sector] if sector >= 0 else "governance"
    outcomes = [
        {
            "indicator": ref.OUTCOME_TEMPLATES[key][int(rng.integers(len(ref.OUTCOME_TEMPLATES[key])))],
            "target": ref.MESSY_TARGETS[int(rng.integers(len(ref.MESSY_TARGETS)))],
        }
        for _ in range(int(rng.integers(1, 4)))
    ]
    outputs = [
        {
            "indicator": ref.OUTPUT_TEMPLATES[key][int(rng.integers(len(ref.OUTPUT_TEMPLATES[key])))],
            "target": ref.MESSY_TARGETS[int(rng.integers(len(ref.MESSY_TARGETS)))],
        }
        for _ in range(int(rng.integers(1, 6)))
    ]
    return {"outcomes": outcomes, "outputs": outputs}


def _frame(
    rng: np.random.Generator,
    p: Ppas,
    geo: Geography,
    orgs: Organisations,
    comms: Communities,
    assess: Assessments,
    x: dict,
) -> Frame:
    n = len(p)
    cat, st = p.category, p.status
    is_r, is_o = cat == CAT_REQUEST, cat == CAT_OOBC
    imported = x["imported"]
    has = p.has_budget

    places = []
    for i in range(n):
        c = p.community[i]
        if is_r[i]:
            places.append(f"{geo.brgy_names[comms.barangay[c]]}, {geo.muni_names[comms.municipality[c]]}")
        elif p.province[i] >= 0:
            places.append(geo.province_names[p.province[i]])
        else:
            places.append(f"Region {geo.region_codes[comms.region[c]]}")
    titles = [
        _title(
            rng,
            int(cat[i]),
            int(p.sector[i]),
            orgs.acronyms[p.org[i]] if p.org[i] >= 0 else "",
            places[i],
            int(p.fiscal_year[i]),
        )
        for i in range(n)
    ]
    titles[p.example] = WORKED_EXAMPLE_TITLE
    summaries = [
        ""
        if imported[i] or rng.random() < 0.15
        else f"{titles[i]}. Implemented by {orgs.acronyms[p.org[i]] if p.org[i] >= 0 else 'the requesting community'}"
        f" for Bangsamoro communities in {places[i]}."
        for i in range(n)
    ]

    # requests: requester and routing
    n_r = int(is_r.sum())
    requester = ["" for _ in range(n)]
    position = ["" for _ in range(n)]
    affiliation = ["" for _ in range(n)]
    contact = ["" for _ in range(n)]
    alt_contact = ["" for _ in range(n)]
    email = ["" for _ in range(n)]
    source = ["" for _ in range(n)]
    src_codes = pick(rng, ch.PPA_REQUEST_SOURCE, n_r, [0.45, 0.2, 0.15, 0.12, 0.08])
    ensure_all(rng, src_codes, len(ch.PPA_REQUEST_SOURCE))
    names = person_names(rng, n_r)
    phones = phone_numbers(rng, n_r)
    phones2 = phone_numbers(rng, n_r)
    mails = emails(names)
    for j, i in enumerate(np.flatnonzero(is_r)):
        requester[i], contact[i], email[i] = names[j], phones[j], mails[j]
        position[i] = ref.POSITIONS[int(rng.integers(len(ref.POSITIONS)))]
        affiliation[i] = f"{geo.brgy_names[comms.barangay[p.community[i]]]} OBC Association"
        alt_contact[i] = phones2[j] if rng.random() < 0.4 else ""
        source[i] = ch.PPA_REQUEST_SOURCE[src_codes[j]]

    oobc = orgs.index(ref.OOBC_ACRONYM)
    moa_pool = np.flatnonzero(orgs.ppa_weight > 0)
    submitted_to: list[str | None] = [None] * n
    implementing: list[str | None] = [orgs.ids[o] if o >= 0 else None for o in p.org]
    lead: list[str | None] = list(implementing)
    for i in np.flatnonzero(is_r):
        target = oobc if rng.random() < 0.7 else int(rng.choice(moa_pool))
        submitted_to[i] = orgs.ids[target]
        lead[i] = orgs.ids[oobc] if rng.random() < 0.5 else None
        if x["funded_req"][i] and rng.random() < 0.6:
            moa = target if target != oobc else int(rng.choice(moa_pool))
            implementing[i] = orgs.ids[moa]
            p.org[i] = moa
    submitted_by = [int(p.community[i]) + 1 if is_r[i] else None for i in range(n)]

    # related assessment: one in the same province when there is one
    by_prov: dict[int, np.ndarray] = {}
    for k in range(len(geo.province_names)):
        by_prov[k] = np.flatnonzero(assess.province == k)
    related: list[str | None] = [None] * n
    for i in np.flatnonzero(~imported & (rng.random(n) < 0.25)):
        pool = by_prov.get(int(p.province[i]), np.zeros(0, dtype=np.int64))
        if len(pool):
            related[i] = assess.ids[int(rng.choice(pool))]

    # alignment, compliance, beneficiaries
    goal_alignment: list[object] = []
    for i in range(n):
        r = rng.random()
        if imported[i] or r < 0.1:
            goal_alignment.append(None)
        elif r < 0.25:
            goal_alignment.append([])
        else:
            k = int(rng.integers(1, 4))
            tags = rng.choice(len(ref.GOAL_ALIGNMENT_TAGS), size=k, replace=False)
            goal_alignment.append([ref.GOAL_ALIGNMENT_TAGS[t] for t in sorted(tags)])
    pillar = [
        ref.MORAL_GOVERNANCE_PILLARS[int(rng.integers(len(ref.MORAL_GOVERNANCE_PILLARS)))]
        if not imported[i] and rng.random() < 0.35
        else ""
        for i in range(n)
    ]
    shares = (
        ("compliance_gad", 0.4),
        ("compliance_ccet", 0.2),
        ("benefits_indigenous_peoples", 0.15),
        ("supports_peace_agenda", 0.35),
        ("supports_sdg", 0.5),
    )
    flags = {name: (~imported & (rng.random(n) < prob)) for name, prob in shares}

    budget_pesos = np.where(has, p.budget / 100.0, np.nan)
    slots_on = ~imported & (rng.random(n) < 0.7)
    total_slots = np.where(
        slots_on,
        np.clip(
            np.round(np.nan_to_num(budget_pesos, nan=2e6) / rng.lognormal(np.log(25_000), 0.8, size=n)), 10, 250_000
        ),
        np.nan,
    )
    obc_slots = np.where(
        slots_on & (rng.random(n) < 0.9), np.floor(total_slots * rng.uniform(0.05, 1.0, size=n)), np.nan
    )
    individuals = np.where(
        slots_on & (rng.random(n) < 0.8), np.round(total_slots * rng.uniform(0.8, 1.6, size=n)), np.nan
    )
    organisations = np.where(~imported & (rng.random(n) < 0.4), rng.integers(1, 60, size=n), np.nan)
    cpb_on = slots_on & has & (rng.random(n) < 0.35)
    cost_per_ben = np.where(
        cpb_on, np.round(budget_pesos / np.maximum(total_slots, 1) * rng.uniform(0.8, 1.2, size=n), 2), np.nan
    )
    rating = pick(rng, ("", *ch.COST_EFFECTIVENESS_RATING), n, [0.5, 0.1, 0.15, 0.15, 0.1])

    framework = [
        None if (is_r[i] and rng.random() < 0.9) or rng.random() < 0.1 else _framework(rng, int(p.sector[i]))
        for i in range(n)
    ]
    framework[p.example] = {
        "outcomes": [{"indicator": "OBC leaders applying community-driven development", "target": "80%"}],
        "outputs": [
            {"indicator": "Leaders trained", "target": 120},
            {"indicator": "Community action plans prepared", "target": "24 (1 per barangay)"},
        ],
    }

    program_code = [
        f"{orgs.acronyms[p.org[i]]}-{p.fiscal_year[i]}-{i % 1000:03d}"
        if p.org[i] >= 0 and p.fiscal_year[i] and rng.random() < 0.6
        else ""
        for i in range(n)
    ]
    plan_ref = [
        ("BDP 2023-2028" if rng.random() < 0.6 else f"AIP {p.fiscal_year[i]}")
        if p.fiscal_year[i] and rng.random() < 0.55
        else ""
        for i in range(n)
    ]
    policy = np.where(x["tracking"], pick(rng, ch.BUDGET_DISTRIBUTION_POLICY, n, [0.4, 0.25, 0.35]), -1)
    unit = [
        ref.OOBC_UNITS[int(rng.integers(len(ref.OOBC_UNITS)))] if is_o[i] or (is_r[i] and rng.random() < 0.5) else ""
        for i in range(n)
    ]

    def ids_of(arr: np.ndarray) -> list[int | None]:
        return [int(v) + 1 if v >= 0 else None for v in arr]

    return {
        "id": p.ids,
        "title": titles,
        "category": [ch.PPA_CATEGORY[c] for c in cat],
        "summary": summaries,
        "status": [ch.PPA_STATUS[s] for s in st],
        "request_status": [ch.PPA_REQUEST_STATUS[r] if r >= 0 else "" for r in p.request_status],
        "priority": [ch.PPA_PRIORITY[v] for v in p.priority],
        "progress": np.zeros(n, dtype=np.int64),  # set by finalize()
        "approval_status": [ch.PPA_APPROVAL_STATUS[a] for a in p.approval],
        "last_status_update": x["last_update"],
        "request_source": source,
        "requester_name": requester,
        "requester_position": position,
        "requester_affiliation": affiliation,
        "requester_contact_number": contact,
        "requester_alternate_contact_number": alt_contact,
        "requester_email": email,
        "is_disaster_related": is_r & (rng.random(n) < 0.12),
        "estimated_total_amount": np.where(x["estimated"] >= 0, x["estimated"] / 100.0, np.nan),
        "lead_organization_id": lead,
        "implementing_moa_id": implementing,
        "submitted_to_organization_id": submitted_to,
        "submitted_by_community_id": submitted_by,
        "oobc_unit": unit,
        "coverage_region_id": ids_of(p.region),
        "coverage_province_id": ids_of(p.province),
        "coverage_municipality_id": ids_of(x["cov_muni"]),
        "coverage_barangay_id": ids_of(x["cov_brgy"]),
        "related_assessment_id": related,
        "plan_year": np.where(
            p.fiscal_year == 0,
            np.nan,
            np.where(
                (rng.random(n) < 0.2) & (p.fiscal_year > FISCAL_YEARS[0]),
                p.fiscal_year - 1,
                np.where(rng.random(n) < 0.05, np.nan, p.fiscal_year),
            ),
        ),
        "fiscal_year": np.where(p.fiscal_year == 0, np.nan, p.fiscal_year),
        "sector": [SECTORS[s] if s >= 0 else "" for s in p.sector],
        "appropriation_class": [ch.APPROPRIATION_CLASS[a] if a >= 0 else "" for a in x["approp"]],
        "funding_source": [ch.FUNDING_SOURCE[f] if f >= 0 else "" for f in p.funding],
        "funding_source_other": x["funding_other"],
        "program_code": program_code,
        "plan_reference": plan_ref,
        "budget_ceiling": np.where(x["ceiling"] >= 0, x["ceiling"] / 100.0, np.nan),
        "budget_allocation": budget_pesos,
        "budget_obc_allocation": np.where(x["obc"] >= 0, x["obc"] / 100.0, np.nan),
        "budget_currency": ["PHP"] * n,
        "budget_distribution_policy": [ch.BUDGET_DISTRIBUTION_POLICY[v] if v >= 0 else "" for v in policy],
        "goal_alignment": goal_alignment,
        "moral_governance_pillar": pillar,
        **flags,
        "total_slots": total_slots,
        "obc_slots": obc_slots,
        "beneficiary_individuals_total": individuals,
        "beneficiary_organizations_total": organisations.astype(float),
        "cost_per_beneficiary": cost_per_ben,
        "cost_effectiveness_rating": [("", *ch.COST_EFFECTIVENESS_RATING)[r] for r in rating],
        "outcome_framework": framework,
        "start_date": p.start,
        "target_end_date": p.end,
        "actual_end_date": x["actual_end"],
        "next_milestone_date": x["milestone"],
        "execution_project_id": [None] * n,  # set by finalize()
        "enable_workitem_tracking": x["tracking"],
        "auto_sync_progress": p.auto_progress,
        "auto_sync_status": x["auto_status"],
        "created_at": p.created,
        "updated_at": x["updated"],
    }


def status_progress(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    """Progress consistent with a PPA status, for PPAs whose progress is not synced from work items."""
    lo = np.array([0, 5, 100, 10, 0])[status]
    hi = np.array([10, 95, 100, 80, 60])[status]
    prog = lo + np.floor(rng.random(len(status)) * (hi - lo + 1)).astype(np.int64)
    prog[status == STATUS["planning"]] = np.where(
        rng.random(int((status == STATUS["planning"]).sum())) < 0.8, 0, prog[status == STATUS["planning"]]
    )
    return np.minimum(prog, 100)


def finalize(seed: int, p: Ppas, tree_progress: np.ndarray, root_ids: list[str | None]) -> None:
    """Fill progress (synced from the work-item tree where tracking and auto-sync are on) and the root links."""
    rng = stream(seed, "ppas-progress")
    prog = status_progress(rng, p.status)
    synced = p.tracked & p.auto_progress & (tree_progress >= 0)
    prog[synced] = tree_progress[synced]
    p.frame["progress"] = prog
    p.frame["execution_project_id"] = root_ids


def community_links(seed: int, p: Ppas, comms: Communities) -> Frame:
    """``monitoring_monitoringentry_communities``: benefiting communities, mostly in the PPA's province."""
    rng = stream(seed, "ppa-communities")
    by_prov = {k: np.flatnonzero(comms.province == k) for k in np.unique(comms.province)}
    by_region = {k: np.flatnonzero(comms.region == k) for k in np.unique(comms.region)}
    left: list[int] = []
    right: list[int] = []
    for i in range(len(p)):
        cat = p.category[i]
        if cat == CAT_REQUEST:
            k = 1 + int(rng.poisson(0.4))
        elif cat == CAT_OOBC:
            k = int(rng.integers(1, 9))
        else:
            k = 0 if rng.random() < 0.45 else int(rng.integers(1, 13))
        if k == 0:
            continue
        if p.province[i] >= 0:
            pool = by_prov[int(p.province[i])]
        elif p.region[i] >= 0:
            pool = by_region[int(p.region[i])]
        else:
            pool = np.arange(len(comms))
        chosen = set(rng.choice(pool, size=min(k, len(pool)), replace=False).tolist())
        if cat == CAT_REQUEST:
            chosen.add(int(p.community[i]))
        for c in sorted(chosen):
            left.append(i)
            right.append(c)
    return {"monitoringentry_id": [p.ids[i] for i in left], "obccommunity_id": np.array(right, dtype=np.int64) + 1}
