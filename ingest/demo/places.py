"""Geography, organisations, OBC communities and MANA assessments.

Geography and organisations are the same for every seed and scale (they describe the real world); their
figures come from a fixed stream. Communities and assessments follow the seed and grow with the scale
(communities up to one per barangay, as ``OBCCommunity.barangay`` is unique).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest import obcms_choices as ch
from ingest.demo import reference as ref
from ingest.demo._util import (
    REFERENCE_DATE,
    Frame,
    days,
    ensure_all,
    later_stamps,
    person_names,
    phone_numbers,
    pick,
    slug,
    stamps,
    stream,
    uuids,
)

GEOGRAPHY_SEED = 20_190_121  # fixed: the day of the BOL plebiscite; geography never follows the user seed
PROXIMITY_WEIGHT = {"adjacent": 3.0, "near": 1.5, "distant": 0.5}
OBC_SHARE = {"adjacent": (2.0, 4.0), "near": (1.3, 7.0), "distant": (1.0, 12.0)}  # beta(a, b) of OBC share


def _split_int(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` summing exactly to ``total`` (remainder to the largest)."""
    share = weights / weights.sum()
    parts = np.floor(share * total).astype(np.int64)
    parts[int(np.argmax(weights))] += total - int(parts.sum())
    return parts


@dataclass
class Geography:
    """The administrative hierarchy, as parallel arrays (ids are 1-based, equal to position + 1)."""

    region_codes: list[str]
    province_region: np.ndarray
    province_names: list[str]
    province_pop: np.ndarray
    province_proximity: list[str]
    muni_province: np.ndarray
    muni_names: list[str]
    muni_pop: np.ndarray
    muni_center: np.ndarray
    brgy_muni: np.ndarray
    brgy_names: list[str]
    brgy_pop: np.ndarray

    @property
    def brgy_province(self) -> np.ndarray:
        return self.muni_province[self.brgy_muni]

    @property
    def brgy_region(self) -> np.ndarray:
        return self.province_region[self.brgy_province]


def build_geography() -> tuple[Geography, dict[str, Frame]]:
    """Regions IX–XII, their 24 province/HUC units, 282 cities/municipalities and ~3,000 barangays."""
    rng = np.random.Generator(np.random.PCG64(GEOGRAPHY_SEED))
    created = stamps(np.full(1, days("2025-09-22")), rng)[0]
    region_codes = [r[0] for r in ref.REGIONS]

    prov_region = np.array([region_codes.index(p.region) for p in ref.PROVINCES])
    prov_pop = np.array([p.population for p in ref.PROVINCES], dtype=np.int64)
    prov_codes = [f"{p.region}-{slug(p.name)}" for p in ref.PROVINCES]

    muni_province: list[int] = []
    muni_names: list[str] = []
    muni_types: list[str] = []
    muni_pop: list[int] = []
    muni_codes: list[str] = []
    centers: list[tuple[float, float]] = []
    for pi, p in enumerate(ref.PROVINCES):
        k = len(p.municipalities)
        is_city = np.array(["City" in m for m in p.municipalities])
        w = rng.lognormal(0.0, 0.45, size=k) * np.where(is_city, 2.5, 1.0)
        w[[i for i, m in enumerate(p.municipalities) if m == p.capital]] *= 1.8
        pops = _split_int(rng, p.population, w) if k > 1 else np.array([p.population])
        for mi, name in enumerate(p.municipalities):
            if p.is_huc:
                mtype = "component_city" if name == "City of Isabela" else "independent_city"
            elif is_city[mi]:
                mtype = "component_city" if p.region in ("IX", "X") else "city"
            else:
                mtype = "municipality"
            muni_province.append(pi)
            muni_names.append(name)
            muni_types.append(mtype)
            muni_pop.append(int(pops[mi]))
            muni_codes.append(f"{prov_codes[pi]}-{slug(name)}"[:64])
            jitter = (0.0, 0.0) if p.is_huc else tuple(rng.normal(0.0, 0.22, size=2))
            centers.append((round(p.center[0] + jitter[0], 5), round(p.center[1] + jitter[1], 5)))

    muni_pop_arr = np.array(muni_pop, dtype=np.int64)
    brgy_muni: list[int] = []
    brgy_names: list[str] = []
    brgy_pop: list[int] = []
    brgy_codes: list[str] = []
    brgy_urban: list[bool] = []
    seen_codes: set[str] = set()
    pool = np.array(ref.BARANGAY_NAMES)
    for mi, pop in enumerate(muni_pop):
        n = int(np.clip(round(np.sqrt(pop) / 21.0), 4, 60))
        others = list(rng.choice(pool, size=n - 1, replace=False))
        names = ["Poblacion", *others]
        w = rng.lognormal(0.0, 0.6, size=n)
        w[0] *= 2.5
        pops = _split_int(rng, pop, w)
        urban_p = 0.6 if muni_types[mi] != "municipality" else 0.12
        for bi, name in enumerate(names):
            code = f"{muni_codes[mi]}-{slug(name)}"[:64]
            suffix = 2
            while code in seen_codes:
                code = f"{muni_codes[mi]}-{slug(name)}"[: 64 - len(str(suffix)) - 1] + f"-{suffix}"
                suffix += 1
            seen_codes.add(code)
            brgy_muni.append(mi)
            brgy_names.append(name)
            brgy_pop.append(int(pops[bi]))
            brgy_codes.append(code)
            brgy_urban.append(bi == 0 or bool(rng.random() < urban_p))

    geo = Geography(
        region_codes=region_codes,
        province_region=prov_region,
        province_names=[p.name for p in ref.PROVINCES],
        province_pop=prov_pop,
        province_proximity=[p.proximity for p in ref.PROVINCES],
        muni_province=np.array(muni_province),
        muni_names=muni_names,
        muni_pop=muni_pop_arr,
        muni_center=np.array(centers),
        brgy_muni=np.array(brgy_muni),
        brgy_names=brgy_names,
        brgy_pop=np.array(brgy_pop, dtype=np.int64),
    )

    def audit(n: int) -> dict[str, np.ndarray]:
        c = np.full(n, created)
        upd = later_stamps(c, rng, np.where(rng.random(n) < 0.2, 300, 0))
        return {"created_at": c, "updated_at": upd}

    frames: dict[str, Frame] = {
        "common_region": {
            "id": np.arange(1, len(ref.REGIONS) + 1),
            "code": region_codes,
            "name": [r[1] for r in ref.REGIONS],
            "description": [f"Region {r[0]} – {r[1]}" for r in ref.REGIONS],
            "is_active": np.ones(len(ref.REGIONS), dtype=bool),
            "center_coordinates": [list(r[2]) for r in ref.REGIONS],
            **audit(len(ref.REGIONS)),
        },
        "common_province": {
            "id": np.arange(1, len(ref.PROVINCES) + 1),
            "region_id": prov_region + 1,
            "code": prov_codes,
            "name": [p.name for p in ref.PROVINCES],
            "capital": [p.capital for p in ref.PROVINCES],
            "is_active": np.ones(len(ref.PROVINCES), dtype=bool),
            "population_total": prov_pop,
            "center_coordinates": [list(p.center) for p in ref.PROVINCES],
            **audit(len(ref.PROVINCES)),
        },
        "common_municipality": {
            "id": np.arange(1, len(muni_names) + 1),
            "province_id": np.array(muni_province) + 1,
            "code": muni_codes,
            "name": muni_names,
            "municipality_type": muni_types,
            "is_active": np.ones(len(muni_names), dtype=bool),
            "population_total": muni_pop_arr,
            "center_coordinates": [list(c) for c in centers],
            **audit(len(muni_names)),
        },
        "common_barangay": {
            "id": np.arange(1, len(brgy_names) + 1),
            "municipality_id": np.array(brgy_muni) + 1,
            "code": brgy_codes,
            "name": brgy_names,
            "is_urban": np.array(brgy_urban),
            "is_active": np.ones(len(brgy_names), dtype=bool),
            "population_total": geo.brgy_pop,
            **audit(len(brgy_names)),
        },
    }
    return geo, frames


# ------------------------------------------------------------------------------------------ organisations
@dataclass
class Organisations:
    ids: list[str]
    acronyms: list[str]
    ppa_weight: np.ndarray
    median_budget: np.ndarray  # pesos
    sector: list[str]
    is_barmm: np.ndarray

    def index(self, acronym: str) -> int:
        return self.acronyms.index(acronym)


def build_organisations(geo: Geography) -> tuple[Organisations, Frame]:
    """The 43 organisations of OBCMS's BARMM master list, BAGO, and a few non-BARMM partners."""
    rng = np.random.Generator(np.random.PCG64(GEOGRAPHY_SEED + 1))
    orgs = ref.ORGANISATIONS
    n = len(orgs)
    ids = uuids(rng, n)
    focal = person_names(rng, n)
    level = {
        "lgu": "coordinating",
        "nga": "coordinating",
        "ngo": "technical",
        "donor": "funding",
        "academic": "technical",
    }
    region_of_partner = {"CGZ": "IX", "PGLDN": "X"}
    annual = np.round(rng.lognormal(np.log(900e6), 1.0, size=n), -3)
    created = stamps(np.full(n, days("2025-09-22")), rng)
    frame: Frame = {
        "id": ids,
        "name": [o.name for o in orgs],
        "acronym": [o.acronym for o in orgs],
        "organization_type": [o.organization_type for o in orgs],
        "description": [o.description for o in orgs],
        "mandate": [f"Mandate of the {o.name} as provided by law." if o.group != "partner" else "" for o in orgs],
        "partnership_level": [level.get(o.organization_type, "implementing") for o in orgs],
        "partnership_status": ["inactive" if o.acronym == "MSU" else "active" for o in orgs],
        "region_id": [
            geo.region_codes.index(region_of_partner[o.acronym]) + 1 if o.acronym in region_of_partner else None
            for o in orgs
        ],
        "annual_budget": np.where([o.group == "partner" for o in orgs], np.nan, annual),
        "focal_person": focal,
        "email": [f"{o.acronym.lower()}.focal@example.ph" for o in orgs],
        "phone": phone_numbers(rng, n),
        "is_active": np.array([o.acronym != "MSU" for o in orgs]),
        "is_priority": np.array([o.acronym in ("OOBC", "MBHTE", "MOH", "MSSD", "MPW", "MILG") for o in orgs]),
        "notes": ["" for _ in orgs],
        "created_at": created,
        "updated_at": later_stamps(created, rng, 200),
    }
    info = Organisations(
        ids=ids,
        acronyms=[o.acronym for o in orgs],
        ppa_weight=np.array([o.ppa_weight for o in orgs], dtype=float),
        median_budget=np.array([o.median_budget_m * 1e6 for o in orgs]),
        sector=[o.sector for o in orgs],
        is_barmm=np.array([o.organization_type == "bmoa" for o in orgs]),
    )
    return info, frame


# -------------------------------------------------------------------------------------------- communities
@dataclass
class Communities:
    """OBC communities (ids 1-based = position + 1) with their place in the hierarchy."""

    barangay: np.ndarray
    municipality: np.ndarray
    province: np.ndarray
    region: np.ndarray
    obc_population: np.ndarray
    deleted: np.ndarray

    def __len__(self) -> int:
        return len(self.barangay)


def build_communities(seed: int, geo: Geography, n: int) -> tuple[Communities, Frame]:
    """``n`` OBC communities in distinct barangays, denser near BARMM."""
    rng = stream(seed, "communities")
    nb = len(geo.brgy_names)
    n = min(n, nb)
    prox = np.array([PROXIMITY_WEIGHT[geo.province_proximity[p]] for p in geo.brgy_province])
    w = prox * np.power(geo.brgy_pop.astype(float) + 1, 0.3)
    keys = np.log(w) - np.log(-np.log(rng.random(nb)))
    chosen = np.sort(np.argsort(-keys)[:n])

    muni = geo.brgy_muni[chosen]
    prov = geo.muni_province[muni]
    region = geo.province_region[prov]
    total = geo.brgy_pop[chosen]
    proximity = [geo.province_proximity[p] for p in prov]
    a = np.array([OBC_SHARE[x][0] for x in proximity])
    b = np.array([OBC_SHARE[x][1] for x in proximity])
    share = rng.beta(a, b)
    in_sulu = np.array([geo.province_names[p] == "Sulu" for p in prov])  # a Tausug-majority province
    share[in_sulu] = rng.uniform(0.6, 0.95, size=int(in_sulu.sum()))
    obc_pop = np.clip(np.round(share * total), 10, np.maximum(total - 1, 10)).astype(np.int64)
    obc_pop = np.minimum(obc_pop, np.maximum(total - 1, 1))

    groups = list(ch.ETHNOLINGUISTIC_GROUP)
    ethnic = np.empty(n, dtype=np.int64)
    for i, p in enumerate(prov):
        mix = ref.PROVINCES[p].ethnic_mix
        ethnic[i] = groups.index(mix[pick(rng, mix, 1, [m[1] for m in mix])[0]][0])
    ensure_all(rng, ethnic, len(groups))

    poverty = pick(rng, ch.POVERTY_INCIDENCE, n, [0.1, 0.05, 0.15, 0.25, 0.22, 0.15, 0.08])
    ensure_all(rng, poverty, len(ch.POVERTY_INCIDENCE))
    settlement = pick(rng, ch.SETTLEMENT_TYPE, n, [0.45, 0.08, 0.2, 0.17, 0.05, 0.05])
    ensure_all(rng, settlement, len(ch.SETTLEMENT_TYPE))
    settlement_text = [ch.SETTLEMENT_TYPE[s] for s in settlement]
    prox_text = [x if rng.random() > 0.04 else "" for x in proximity]

    households = np.maximum(1, np.round(obc_pop / rng.uniform(4.4, 5.6, size=n))).astype(np.int64)
    families = np.round(households * rng.uniform(1.0, 1.25, size=n)).astype(np.int64)
    women = np.round(obc_pop * rng.uniform(0.46, 0.54, size=n))
    pwd = np.round(obc_pop * rng.uniform(0.005, 0.03, size=n))
    youth = np.round(obc_pop * rng.uniform(0.25, 0.35, size=n))
    for arr, p_null in ((women, 0.1), (pwd, 0.25), (youth, 0.15)):
        arr[rng.random(n) < p_null] = np.nan

    deleted = rng.random(n) < 0.03
    lat = geo.muni_center[muni, 1] + rng.normal(0, 0.05, size=n)
    lng = geo.muni_center[muni, 0] + rng.normal(0, 0.05, size=n)
    no_gps = rng.random(n) < 0.12
    lat[no_gps] = np.nan
    lng[no_gps] = np.nan

    created = stamps(REFERENCE_DATE - rng.integers(300, 1100, size=n).astype("timedelta64[D]"), rng)
    updated = later_stamps(created, rng, 900)
    deleted_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    deleted_at[deleted] = later_stamps(updated[deleted], rng, 60)
    updated = np.where(deleted, deleted_at, updated)

    naming = rng.random(n)
    names = []
    for i in range(n):
        brgy = geo.brgy_names[chosen[i]]
        group = groups[ethnic[i]].replace("_", " ").title()
        if naming[i] < 0.5:
            names.append(f"{brgy} Bangsamoro Community")
        elif naming[i] < 0.85:
            names.append(f"{group} Community of {brgy}, {geo.muni_names[muni[i]]}")
        else:
            names.append(f"Sitio {ref.BARANGAY_NAMES[int(rng.integers(len(ref.BARANGAY_NAMES)))]}, {brgy}")

    frame: Frame = {
        "id": np.arange(1, n + 1),
        "barangay_id": chosen + 1,
        "obc_id": [f"OBC-{geo.region_codes[r]}-{i + 1:05d}" for i, r in enumerate(region)],
        "name": names,
        "settlement_type": settlement_text,
        "latitude": np.round(lat, 6),
        "longitude": np.round(lng, 6),
        "proximity_to_barmm": prox_text,
        "estimated_obc_population": obc_pop,
        "total_barangay_population": total,
        "households": households,
        "families": families,
        "primary_ethnolinguistic_group": [groups[e] for e in ethnic],
        "estimated_poverty_incidence": [ch.POVERTY_INCIDENCE[p] for p in poverty],
        "women_count": women,
        "pwd_count": pwd,
        "youth_15_30": youth,
        "community_leader": person_names(rng, n),
        "contact_number": phone_numbers(rng, n),
        "is_active": ~deleted | (rng.random(n) < 0.1),
        "is_deleted": deleted,
        "deleted_at": deleted_at,
        "created_at": created,
        "updated_at": updated,
    }
    info = Communities(
        barangay=chosen, municipality=muni, province=prov, region=region, obc_population=obc_pop, deleted=deleted
    )
    return info, frame


# -------------------------------------------------------------------------------------------- assessments
@dataclass
class Assessments:
    ids: list[str]
    province: np.ndarray  # -1 when the assessment is regional
    region: np.ndarray
    end_date: np.ndarray
    status: list[str]


def build_assessments(seed: int, geo: Geography, comms: Communities, n: int) -> tuple[Assessments, Frame]:
    """MANA assessments anchored on communities, at every level, in every status."""
    rng = stream(seed, "assessments")
    anchor = rng.integers(0, len(comms), size=n)
    level = pick(rng, ch.ASSESSMENT_LEVEL, n, [0.05, 0.25, 0.4, 0.15, 0.15])
    ensure_all(rng, level, len(ch.ASSESSMENT_LEVEL))
    status = pick(rng, ch.ASSESSMENT_STATUS, n, [0.06, 0.06, 0.1, 0.1, 0.08, 0.52, 0.08])
    ensure_all(rng, status, len(ch.ASSESSMENT_STATUS))
    method = pick(rng, ch.ASSESSMENT_METHODOLOGY, n, [0.08, 0.2, 0.12, 0.15, 0.2, 0.05, 0.17, 0.03])
    ensure_all(rng, method, len(ch.ASSESSMENT_METHODOLOGY))
    priority = pick(rng, ch.ASSESSMENT_PRIORITY, n, [0.15, 0.45, 0.3, 0.1])

    reg = comms.region[anchor]
    prov = comms.province[anchor]
    muni = comms.municipality[anchor]
    brgy = comms.barangay[anchor]
    lv = level
    f_prov = np.where(lv >= 1, prov + 1, 0)
    f_muni = np.where(lv >= 2, muni + 1, 0)
    f_brgy = np.where(lv >= 3, brgy + 1, 0)
    f_comm = np.where(lv >= 4, anchor + 1, 0)

    start = days("2022-01-10") + rng.integers(0, 1720, size=n).astype("timedelta64[D]")
    end = start + rng.integers(20, 180, size=n).astype("timedelta64[D]")
    st = np.array([ch.ASSESSMENT_STATUS[s] for s in status])
    # completed and cancelled assessments lie in the past; open ones are recent
    open_ = ~np.isin(st, ["completed", "cancelled"])
    shift = np.maximum(0, (end - (REFERENCE_DATE - 10)).astype(np.int64))
    done_shift = np.where(~open_, shift, 0).astype("timedelta64[D]")
    start, end = start - done_shift, end - done_shift
    recent = open_ & (rng.random(n) < 0.8)
    start = np.where(recent, REFERENCE_DATE - rng.integers(10, 200, size=n).astype("timedelta64[D]"), start)
    end = np.where(recent, start + rng.integers(30, 200, size=n).astype("timedelta64[D]"), end)

    started = st != "planning"
    actual_start = np.where(
        started, start + rng.integers(-5, 20, size=n).astype("timedelta64[D]"), np.datetime64("NaT")
    )
    actual_start = np.minimum(actual_start, REFERENCE_DATE)
    actual_end = np.where(
        st == "completed", end + rng.integers(-10, 45, size=n).astype("timedelta64[D]"), np.datetime64("NaT")
    )
    actual_end = np.where(
        st == "completed", np.minimum(np.maximum(actual_end, actual_start), REFERENCE_DATE), actual_end
    )
    progress_by = {
        "planning": (0, 5),
        "preparation": (5, 20),
        "data_collection": (20, 60),
        "analysis": (50, 80),
        "reporting": (75, 95),
        "completed": (100, 100),
        "cancelled": (0, 60),
    }
    lo = np.array([progress_by[s][0] for s in st])
    hi = np.array([progress_by[s][1] for s in st])
    progress = (lo + rng.random(n) * (hi - lo)).astype(np.int64)
    est = np.round(rng.lognormal(np.log(350_000), 0.8, size=n), -2)
    actual = np.where(st == "completed", np.round(est * rng.uniform(0.7, 1.15, size=n), 2), np.nan)

    titles = []
    for i in range(n):
        year = int(str(start[i])[:4])
        if lv[i] == 0:
            place = f"Region {geo.region_codes[reg[i]]}"
        elif lv[i] == 1:
            place = geo.province_names[prov[i]]
        else:
            place = f"{geo.muni_names[muni[i]]}, {geo.province_names[prov[i]]}"
            if lv[i] >= 3:
                place = f"{geo.brgy_names[brgy[i]]}, {place}"
        titles.append(f"Mapping and Needs Assessment of OBCs in {place} ({year})")

    created = stamps(start - rng.integers(5, 60, size=n).astype("timedelta64[D]"), rng)
    ids = uuids(rng, n)
    frame: Frame = {
        "id": ids,
        "title": titles,
        "assessment_level": [ch.ASSESSMENT_LEVEL[v] for v in lv],
        "primary_methodology": [ch.ASSESSMENT_METHODOLOGY[m] for m in method],
        "region_id": reg + 1,
        "province_id": [int(v) if v else None for v in f_prov],
        "municipality_id": [int(v) if v else None for v in f_muni],
        "barangay_id": [int(v) if v else None for v in f_brgy],
        "community_id": [int(v) if v else None for v in f_comm],
        "status": st.tolist(),
        "priority": [ch.ASSESSMENT_PRIORITY[p] for p in priority],
        "planned_start_date": start,
        "planned_end_date": end,
        "actual_start_date": actual_start,
        "actual_end_date": actual_end,
        "estimated_budget": est,
        "actual_budget": actual,
        "progress_percentage": progress,
        "created_at": created,
        "updated_at": later_stamps(created, rng, 400),
    }
    info = Assessments(ids=ids, province=np.where(lv >= 1, prov, -1), region=reg, end_date=end, status=st.tolist())
    return info, frame
