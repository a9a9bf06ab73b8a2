"""The demo OBCMS database: deterministic, complete at any scale, consistent, and shaped like OBCMS's."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest import obcms_choices as ch
from ingest import obcms_schema as s
from ingest.demo import WORKED_EXAMPLE_BUDGET, WORKED_EXAMPLE_TITLE, generate

SMALL = 0.05


def _generate(directory: Path, name: str, scale: float, seed: int = 7) -> tuple[Path, dict[str, int]]:
    path = directory / f"{name}.sqlite3"
    counts = generate(f"sqlite:///{path}", scale=scale, seed=seed)
    return path, counts


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    return _generate(tmp_path_factory.mktemp("demo"), "small", SMALL)


@pytest.fixture(scope="module")
def db(small: tuple[Path, dict[str, int]]) -> sqlite3.Connection:
    return sqlite3.connect(small[0])


def _dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as con:
        return {
            t.name: con.execute(f'SELECT * FROM "{t.name}" ORDER BY rowid').fetchall() for t in s.metadata.sorted_tables
        }


def _values(db: sqlite3.Connection, table: str, column: str) -> set:
    return {r[0] for r in db.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')}


def _one(db: sqlite3.Connection, sql: str):
    return db.execute(sql).fetchone()[0]


# ----------------------------------------------------------------------------------------- determinism
def test_same_seed_same_tables_and_other_seed_differs(tmp_path: Path, small: tuple[Path, dict[str, int]]) -> None:
    again, counts = _generate(tmp_path, "again", SMALL)
    assert counts == small[1]
    assert _dump(again) == _dump(small[0])
    other, _ = _generate(tmp_path, "other", SMALL, seed=8)
    first, second = _dump(small[0]), _dump(other)
    assert first["common_barangay"] == second["common_barangay"]  # the real world does not follow the seed
    for table in ("monitoring_monitoringentry", "mana_need", "common_work_item", "monitoring_monitoringentryfunding"):
        assert first[table] != second[table]


def test_progress_is_reported_and_counts_match_the_tables(tmp_path: Path) -> None:
    seen: dict[str, tuple[int, int]] = {}

    def progress(table: str, done: int, total: int) -> None:
        assert 0 <= done <= total
        seen[table] = (done, total)

    path = tmp_path / "progress.sqlite3"
    counts = generate(f"sqlite:///{path}", scale=0.02, seed=3, progress=progress)
    assert set(counts) == {t.name for t in s.metadata.sorted_tables}
    with sqlite3.connect(path) as con:
        for table, n in counts.items():
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == n
            assert seen[table] == (n, n)


def test_generating_again_replaces_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite3"
    generate(f"sqlite:///{path}", scale=0.05, seed=1)
    counts = generate(f"sqlite:///{path}", scale=0.02, seed=1)
    with sqlite3.connect(path) as con:
        assert (
            con.execute("SELECT count(*) FROM monitoring_monitoringentry").fetchone()[0]
            == counts["monitoring_monitoringentry"]
        )


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(f"sqlite:///{tmp_path / 'x.sqlite3'}", scale=0)
    with pytest.raises(ValueError, match="seed"):
        generate(f"sqlite:///{tmp_path / 'x.sqlite3'}", seed=-1)


# ------------------------------------------------------------------------------------------------ size
def test_every_table_is_filled_at_a_tiny_scale(small: tuple[Path, dict[str, int]]) -> None:
    empty = [t for t, n in small[1].items() if n == 0]
    assert not empty


def test_counts_grow_linearly_with_the_scale(tmp_path: Path) -> None:
    _, a = _generate(tmp_path, "a", 0.2)
    _, b = _generate(tmp_path, "b", 0.4)
    for table in (
        "monitoring_monitoringentry",
        "mana_need",
        "mana_needvote",
        "common_work_item",
        "monitoring_monitoringentryfunding",
        "communities_obc_community",
    ):
        assert 1.6 < b[table] / a[table] < 2.5, (table, a[table], b[table])
    for table in (
        "common_region",
        "common_province",
        "common_municipality",
        "common_barangay",
        "coordination_organization",
        "mana_needscategory",
        "monitoring_outcomeindicator",
    ):
        assert a[table] == b[table]


def test_scale_one_is_about_oobcs_real_size(tmp_path: Path) -> None:
    path, c = _generate(tmp_path, "one", 1.0, seed=2025)
    assert 200 <= c["monitoring_monitoringentry"] <= 250
    assert 4_500 <= c["mana_need"] <= 5_500
    assert 8_000 <= c["common_work_item"] <= 12_500
    assert 40_000 <= c["monitoring_monitoringentryfunding"] <= 60_000
    assert c["common_region"] == 4
    assert c["common_province"] == 24
    assert c["common_municipality"] == 282
    assert 2_700 <= c["common_barangay"] <= 3_400
    assert c["coordination_organization"] >= 44
    with sqlite3.connect(path) as con:
        # the needs backlog has a tail of high-priority needs (score > 4.0), across the provinces, mostly unfunded
        high = _high_priority_needs(con)
        assert 0.04 <= len(high) / c["mana_need"] <= 0.07, len(high)
        assert len({province for province, _ in high}) >= 18
        assert sum(1 for _, funded in high if not funded) >= 0.7 * len(high)
        # ceilings against what they cover: mostly ok, some near the limit, a minority exceeded, a few unmapped
        states = _ceiling_states(con)
        checked = sum(n for state, n in states.items() if state != "unmapped")
        assert states["exceeded"] <= 0.25 * checked
        assert states["exceeded"] >= 3 and states["warning"] >= 3 and states["unmapped"] >= 2
        assert states["ok"] > checked / 2, states


# ------------------------------------------------------------------ priority tail and ceiling states
_URGENCY_W = dict(zip(ch.NEED_URGENCY, (4, 3, 2, 1), strict=True))
_FEASIBILITY_W = dict(zip(ch.NEED_FEASIBILITY, ("0.25", "0.5", "1", "1.5", "2"), strict=True))


def _high_priority_needs(con: sqlite3.Connection) -> list[tuple[int, bool]]:
    """(province id, funded) of every need whose OBCMS priority score, recomputed, is above 4.0."""
    rows = con.execute("""SELECT n.urgency_level, n.impact_severity, n.feasibility, n.affected_population,
                                 c.weight_factor, m.province_id,
                                 n.linked_ppa_id IS NOT NULL
                                 OR EXISTS (SELECT 1 FROM monitoring_monitoringentry_needs_addressed a
                                            WHERE a.need_id = n.id)
                          FROM mana_need n
                          JOIN mana_needscategory c ON c.id = n.category_id
                          JOIN communities_obc_community oc ON oc.id = n.community_id
                          JOIN common_barangay b ON b.id = oc.barangay_id
                          JOIN common_municipality m ON m.id = b.municipality_id""").fetchall()
    out = []
    for u, sev, f, pop, w, province, funded in rows:
        raw = Decimal(_URGENCY_W[u]) + Decimal(sev) * 2 / 5 + Decimal(_FEASIBILITY_W[f]) + min(Decimal(pop) / 1000, 2)
        score = (raw / 4 * Decimal(str(w))).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        if score > 4:
            out.append((province, bool(funded)))
    return out


# What a ceiling's stated sector / funding source covers among PPAs (the warehouse's mapping, restated);
# None: the warehouse cannot map it.
_CEILING_SECTORS = {
    "education": "social",
    "health": "social",
    "social": "social",
    "social services": "social",
    "peace": "peace_security",
    "cultural": None,
}
_CEILING_SOURCES = {
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


def _ceiling_states(con: sqlite3.Connection) -> dict[str, int]:
    """ok / warning / exceeded / unmapped counts of both ceiling tables against the budget of the PPAs they cover."""
    ppas = con.execute("""SELECT fiscal_year, sector, funding_source, budget_allocation FROM monitoring_monitoringentry
                          WHERE category != 'obc_request' AND fiscal_year IS NOT NULL
                          AND budget_allocation IS NOT NULL""").fetchall()
    ceilings = [
        (y, sec, fund, amount, 0.9)
        for y, sec, fund, amount in con.execute(
            "SELECT fiscal_year, sector, funding_source, ceiling_amount FROM project_central_budgetceiling"
        )
    ]
    ceilings += con.execute("""SELECT fiscal_year, sector, funding_source, ceiling_amount, threshold_warning
                               FROM monitoring_ceilingmanagement""").fetchall()
    states: dict[str, int] = defaultdict(int)
    for y, sec, fund, amount, threshold in ceilings:
        sector = _CEILING_SECTORS.get(sec.lower(), sec.lower()) if sec else ""
        sources = ("gaab_2025",) if fund.lower().startswith("gaab") else _CEILING_SOURCES.get(fund.lower(), ())
        if sector is None or sources is None:
            states["unmapped"] += 1
            continue
        allocated = sum(
            Decimal(str(b))
            for fy, s_, f_, b in ppas
            if fy == y and (not sector or s_ == sector) and (not fund or f_ in sources)
        )
        ceiling = Decimal(str(amount))
        states[
            "exceeded" if allocated > ceiling else "warning" if allocated >= ceiling * Decimal(str(threshold)) else "ok"
        ] += 1
    return states


def test_high_priority_needs_are_a_small_tail_at_a_small_scale(tmp_path: Path) -> None:
    path, counts = _generate(tmp_path, "tenth", 0.1)
    with sqlite3.connect(path) as con:
        high = _high_priority_needs(con)
    assert 0.03 <= len(high) / counts["mana_need"] <= 0.08, len(high)
    assert len({province for province, _ in high}) >= 6
    assert sum(1 for _, funded in high if not funded) > len(high) / 2


# -------------------------------------------------------------------------------------------- coverage
@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("monitoring_monitoringentry", "category", set(ch.PPA_CATEGORY)),
        ("monitoring_monitoringentry", "status", set(ch.PPA_STATUS)),
        ("monitoring_monitoringentry", "approval_status", set(ch.PPA_APPROVAL_STATUS)),
        ("monitoring_monitoringentry", "priority", set(ch.PPA_PRIORITY)),
        ("monitoring_monitoringentry", "sector", {*ch.PPA_SECTOR, ""}),
        ("monitoring_monitoringentry", "funding_source", {*ch.FUNDING_SOURCE, ""}),
        ("monitoring_monitoringentry", "appropriation_class", {*ch.APPROPRIATION_CLASS, ""}),
        ("monitoring_monitoringentry", "request_status", {*ch.PPA_REQUEST_STATUS, ""}),
        ("monitoring_monitoringentry", "request_source", {*ch.PPA_REQUEST_SOURCE, ""}),
        ("monitoring_monitoringentry", "fiscal_year", {2023, 2024, 2025, 2026, None}),
        ("monitoring_monitoringentryfunding", "tranche_type", set(ch.TRANCHE_TYPE)),
        ("common_work_item", "work_type", set(ch.WORK_TYPE)),
        ("common_work_item", "status", set(ch.WORK_STATUS)),
        ("mana_need", "status", set(ch.NEED_STATUS)),
        ("mana_need", "urgency_level", set(ch.NEED_URGENCY)),
        ("mana_need", "feasibility", set(ch.NEED_FEASIBILITY)),
        ("mana_need", "impact_severity", {1, 2, 3, 4, 5}),
        ("mana_need", "submission_type", set(ch.NEED_SUBMISSION_TYPE)),
        ("mana_needscategory", "sector", set(ch.NEEDS_CATEGORY_SECTOR)),
        ("mana_assessment", "status", set(ch.ASSESSMENT_STATUS)),
        ("mana_assessment", "assessment_level", set(ch.ASSESSMENT_LEVEL)),
        ("communities_obc_community", "primary_ethnolinguistic_group", set(ch.ETHNOLINGUISTIC_GROUP)),
        ("communities_obc_community", "estimated_poverty_incidence", set(ch.POVERTY_INCIDENCE)),
        ("communities_obc_community", "is_deleted", {0, 1}),
        ("common_municipality", "municipality_type", set(ch.MUNICIPALITY_TYPE)),
        ("policy_tracking_policyrecommendation", "status", set(ch.POLICY_STATUS)),
        ("monitoring_strategicgoal", "status", set(ch.STRATEGIC_GOAL_STATUS)),
        ("monitoring_budgetscenario", "scenario_type", set(ch.SCENARIO_TYPE)),
        ("monitoring_budgetscenario", "status", set(ch.SCENARIO_STATUS)),
        ("monitoring_scenarioallocation", "status", set(ch.SCENARIO_ALLOCATION_STATUS)),
        ("project_central_budgetceiling", "enforcement_level", set(ch.CEILING_ENFORCEMENT)),
    ],
)
def test_every_value_appears_and_nothing_else(db: sqlite3.Connection, table: str, column: str, expected: set) -> None:
    assert _values(db, table, column) == expected


def test_choice_columns_hold_only_obcms_values(db: sqlite3.Connection) -> None:
    from validation.obcms import CHOICES

    for (table, column), allowed in CHOICES.items():
        assert _values(db, table, column) <= set(allowed), (table, column)


def test_organisations_are_the_barmm_master_list_plus_partners(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT acronym, organization_type, description FROM coordination_organization").fetchall()
    bmoa = {a for a, t, _ in rows if t == "bmoa"}
    assert len(bmoa) == 44  # 43 of the master list and BAGO
    assert {"OCM", "MBHTE", "MOH", "MPW", "OOBC", "BPDA", "WALI", "CAAB", "BAGO"} <= bmoa
    attached = {a for a, _, d in rows if d == "Attached to the Office of the Chief Minister"}
    assert attached == {
        "BPDA",
        "BBOI",
        "BIO",
        "BICTO",
        "OSC",
        "OOBC",
        "BPA",
        "DAB",
        "BDI",
        "CSEA",
        "BWC",
        "BYC",
        "BCPCH",
        "BSC",
    }
    assert {t for _, t, _ in rows} >= {"bmoa", "lgu", "nga", "ngo", "donor"}


def test_big_three_dominate_moa_budgets(tmp_path: Path) -> None:
    path, _ = _generate(tmp_path, "budgets", 0.5, seed=11)
    with sqlite3.connect(path) as con:
        rows = con.execute("""
            SELECT o.acronym, SUM(m.budget_allocation) FROM monitoring_monitoringentry m
            JOIN coordination_organization o ON o.id = m.implementing_moa_id
            WHERE m.category = 'moa_ppa' GROUP BY o.acronym""").fetchall()
    total = sum(v for _, v in rows)
    top3 = sum(v for a, v in rows if a in ("MBHTE", "MPW", "MOH"))
    assert top3 / total > 0.5


# ---------------------------------------------------------------------------------------- consistency
def test_obcms_check_constraints_hold(db: sqlite3.Connection) -> None:
    t = "monitoring_monitoringentry"
    assert _one(db, f"SELECT count(*) FROM {t} WHERE progress < 0 OR progress > 100") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE target_end_date < start_date") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE budget_allocation > budget_ceiling") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE budget_obc_allocation > budget_allocation") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE obc_slots > total_slots") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE budget_allocation = budget_ceiling") > 0
    assert _one(db, "SELECT count(*) FROM common_work_item WHERE progress < 0 OR progress > 100") == 0


def test_ppa_shapes(db: sqlite3.Connection) -> None:
    t = "monitoring_monitoringentry"
    # MOA PPAs name their ministry; requests name the community that submitted them
    assert _one(db, f"SELECT count(*) FROM {t} WHERE category='moa_ppa' AND implementing_moa_id IS NULL") == 0
    assert (
        _one(
            db,
            f"SELECT count(*) FROM {t} WHERE category='obc_request' AND submitted_by_community_id IS NULL "
            "OR category='obc_request' AND submitted_to_organization_id IS NULL",
        )
        == 0
    )
    assert _one(db, f"SELECT count(*) FROM {t} WHERE category='obc_request' AND request_status=''") == 0
    assert _one(db, f"SELECT count(*) FROM {t} WHERE category!='obc_request' AND request_status!=''") == 0
    # completed PPAs are at 100 %, planning ones have barely started
    assert _one(db, f"SELECT count(*) FROM {t} WHERE status='completed' AND progress < 50") == 0
    assert _one(db, f"SELECT max(progress) FROM {t} WHERE status='planning'") <= 20
    # coverage follows the hierarchy
    assert (
        _one(
            db,
            f"""SELECT count(*) FROM {t} m JOIN common_province p ON p.id = m.coverage_province_id
                        WHERE p.region_id != m.coverage_region_id""",
        )
        == 0
    )
    assert (
        _one(
            db,
            f"""SELECT count(*) FROM {t} m JOIN common_municipality x ON x.id = m.coverage_municipality_id
                        WHERE x.province_id != m.coverage_province_id""",
        )
        == 0
    )
    frameworks = [
        json.loads(v) for (v,) in db.execute(f"SELECT outcome_framework FROM {t} WHERE outcome_framework IS NOT NULL")
    ]
    assert all({"outcomes", "outputs"} <= set(f) for f in frameworks)
    targets = {type(x["target"]) for f in frameworks for x in f["outcomes"] + f["outputs"]}
    assert {str, int} <= targets


def test_geography_populations_add_up(db: sqlite3.Connection) -> None:
    assert (
        _one(
            db,
            """SELECT count(*) FROM common_province p WHERE p.population_total !=
                       (SELECT sum(population_total) FROM common_municipality m WHERE m.province_id = p.id)""",
        )
        == 0
    )
    assert (
        _one(
            db,
            """SELECT count(*) FROM common_municipality m WHERE m.population_total !=
                       (SELECT sum(population_total) FROM common_barangay b WHERE b.municipality_id = m.id)""",
        )
        == 0
    )
    assert 15_000_000 < _one(db, "SELECT sum(population_total) FROM common_province") < 25_000_000
    assert _values(db, "common_region", "code") == {"IX", "X", "XI", "XII"}
    assert "IX-ZAMBOANGA-DEL-NORTE-DIPOLOG-CITY" in _values(db, "common_municipality", "code")
    sulu = db.execute(
        "SELECT r.code FROM common_province p JOIN common_region r ON r.id = p.region_id WHERE p.name = 'Sulu'"
    ).fetchone()
    assert sulu == ("IX",)
    assert _one(db, "SELECT count(*) FROM common_barangay WHERE name = 'Poblacion'") == 282


def test_communities_fit_their_barangays(db: sqlite3.Connection) -> None:
    assert (
        _one(
            db,
            """SELECT count(*) FROM communities_obc_community c JOIN common_barangay b ON b.id = c.barangay_id
                       WHERE c.total_barangay_population != b.population_total
                          OR c.estimated_obc_population >= c.total_barangay_population""",
        )
        == 0
    )
    assert _one(db, "SELECT count(*) - count(DISTINCT barangay_id) FROM communities_obc_community") == 0
    assert _one(db, "SELECT count(*) FROM communities_obc_community WHERE is_deleted AND deleted_at IS NULL") == 0


def test_pii_columns_are_filled(db: sqlite3.Connection) -> None:
    for src in s.SOURCE_TABLES:
        for column in src.pii:
            filled = _one(db, f'SELECT count(*) FROM "{src.name}" WHERE "{column}" IS NOT NULL AND "{column}" != ""')
            assert filled > 0, (src.name, column)


def test_needs_scores_votes_and_links(db: sqlite3.Connection) -> None:
    urgency = dict(zip(ch.NEED_URGENCY, (4, 3, 2, 1), strict=True))
    feasibility = dict(zip(ch.NEED_FEASIBILITY, ("0.25", "0.5", "1", "1.5", "2"), strict=True))
    rows = db.execute("""SELECT n.urgency_level, n.impact_severity, n.feasibility, n.affected_population,
                                c.weight_factor, n.priority_score
                         FROM mana_need n JOIN mana_needscategory c ON c.id = n.category_id
                         WHERE n.priority_score < 100""").fetchall()
    assert rows
    for u, sev, f, pop, w, score in rows:
        raw = Decimal(urgency[u]) + Decimal(sev) * 2 / 5 + Decimal(feasibility[f]) + min(Decimal(pop) / 1000, 2)
        expected = (raw / 4 * Decimal(str(w))).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert Decimal(str(score)).quantize(Decimal("0.01")) == expected
    assert _one(db, "SELECT count(*) FROM mana_need WHERE priority_score > 900") > 0  # drag-and-drop scale
    assert (
        _one(
            db,
            """SELECT count(*) FROM mana_need n WHERE n.community_votes !=
                       (SELECT coalesce(sum(vote_weight), 0) FROM mana_needvote v WHERE v.need_id = n.id)""",
        )
        == 0
    )
    assert _one(db, "SELECT count(*) FROM mana_needvote WHERE vote_weight NOT BETWEEN 1 AND 5") == 0
    linked = {r for r in db.execute("SELECT linked_ppa_id, id FROM mana_need WHERE linked_ppa_id IS NOT NULL")}
    m2m = set(db.execute("SELECT monitoringentry_id, need_id FROM monitoring_monitoringentry_needs_addressed"))
    assert linked & m2m and linked - m2m and m2m - linked  # two links that overlap only partly


def test_ledger_shows_execution_and_its_findings(db: sqlite3.Connection) -> None:
    per_ppa = db.execute("""
        SELECT m.id, m.budget_allocation,
               sum(CASE WHEN f.tranche_type='allocation' THEN f.amount END),
               sum(CASE WHEN f.tranche_type='obligation' THEN f.amount END),
               sum(CASE WHEN f.tranche_type='disbursement' THEN f.amount END)
        FROM monitoring_monitoringentry m JOIN monitoring_monitoringentryfunding f ON f.entry_id = m.id
        GROUP BY m.id""").fetchall()
    exact = sum(1 for _, b, a, _, _ in per_ppa if a is not None and abs(a - b) < 0.005)
    assert exact / len(per_ppa) > 0.5
    assert any((o or 0) > (a or 0) + 0.005 for _, _, a, o, _ in per_ppa)  # over-obligated
    assert any((d or 0) > (o or 0) + 0.005 for _, _, _, o, d in per_ppa)  # over-disbursed
    assert (
        _one(
            db, "SELECT count(*) FROM monitoring_monitoringentryfunding WHERE tranche_type='adjustment' AND amount < 0"
        )
        > 0
    )
    assert _one(db, "SELECT max(scheduled_date) FROM monitoring_monitoringentryfunding") <= "2026-10-31"
    assert _one(db, "SELECT max(updated_at) FROM monitoring_monitoringentry") < "2026-11-01"


# ---------------------------------------------------------------------------------------- work items
ALLOWED_CHILDREN = {
    "project": {"sub_project", "activity", "sub_activity", "task", "subtask"},
    "sub_project": {"sub_project", "activity", "sub_activity", "task", "subtask"},
    "activity": {"sub_activity", "task", "subtask"},
    "sub_activity": {"task", "subtask"},
    "task": {"subtask"},
    "subtask": {"subtask"},
}


def test_work_items_form_correct_nested_sets(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT id, parent_id, tree_id, lft, rght, level, work_type FROM common_work_item").fetchall()
    by_id = {r[0]: r for r in rows}
    trees: dict[int, list[tuple]] = defaultdict(list)
    for r in rows:
        trees[r[2]].append(r)
    assert sorted(trees) == list(range(1, len(trees) + 1))
    for nodes in trees.values():
        bounds = sorted(b for n in nodes for b in (n[3], n[4]))
        assert bounds == list(range(1, 2 * len(nodes) + 1))
        roots = [n for n in nodes if n[1] is None]
        assert len(roots) == 1 and roots[0][3] == 1 and roots[0][5] == 0
        stack: list[tuple] = []
        for node in sorted(nodes, key=lambda n: n[3]):
            while stack and stack[-1][4] < node[3]:
                stack.pop()
            expected_parent = stack[-1][0] if stack else None
            assert node[1] == expected_parent
            assert node[5] == len(stack)
            if stack:
                assert node[6] in ALLOWED_CHILDREN[by_id[node[1]][6]]
            stack.append(node)
    assert max(r[5] for r in rows) <= 4


def test_roots_carry_their_ppa(db: sqlite3.Connection) -> None:
    roots = db.execute("""
        SELECT w.id, w.allocated_budget, w.auto_calculate_progress, w.project_data, m.id, m.budget_allocation,
               m.execution_project_id, m.fiscal_year
        FROM common_work_item w JOIN monitoring_monitoringentry m ON m.id = w.related_ppa_id
        WHERE w.parent_id IS NULL""").fetchall()
    assert roots
    for wid, alloc, auto, data, mid, budget, execution, fy in roots:
        assert alloc == budget and auto == 1 and execution == wid
        meta = json.loads(data)
        assert meta["monitoring_entry_id"].replace("-", "") == mid and meta["fiscal_year"] == fy
    assert (
        _one(
            db,
            """SELECT count(*) FROM monitoring_monitoringentry m WHERE execution_project_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM common_work_item w WHERE w.id = m.execution_project_id)""",
        )
        == 0
    )
    assert _one(db, "SELECT count(*) FROM common_work_item WHERE parent_id IS NULL AND related_ppa_id IS NULL") > 0


def test_children_budgets_mostly_add_up_to_their_parent(db: sqlite3.Connection) -> None:
    rows = db.execute("""
        SELECT p.allocated_budget, sum(c.allocated_budget), count(c.allocated_budget)
        FROM common_work_item p JOIN common_work_item c ON c.parent_id = p.id
        WHERE p.allocated_budget IS NOT NULL GROUP BY p.id""").fetchall()
    ok = sum(1 for b, total, n in rows if n and abs(b - total) <= 0.01)
    under = sum(1 for b, total, n in rows if n and total < b - 0.01)
    over = sum(1 for b, total, n in rows if n and total > b + 0.01)
    none = sum(1 for _, _, n in rows if n == 0)
    assert ok / len(rows) > 0.7
    assert under and over and none
    assert (
        _one(
            db,
            "SELECT count(*) FROM common_work_item w WHERE actual_expenditure IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM common_work_item c WHERE c.parent_id = w.id)",
        )
        == 0
    )
    assert _one(db, "SELECT count(*) FROM common_work_item WHERE actual_expenditure > allocated_budget") > 0
    assert _one(db, "SELECT count(*) FROM common_work_item WHERE actual_expenditure = 0") > 0


def test_parent_progress_is_obcms_rollup(db: sqlite3.Connection) -> None:
    rows = db.execute("""
        SELECT p.progress, sum(c.status = 'completed'), count(*)
        FROM common_work_item p JOIN common_work_item c ON c.parent_id = p.id
        WHERE p.auto_calculate_progress GROUP BY p.id""").fetchall()
    assert all(progress == done * 100 // n for progress, done, n in rows)


def test_worked_example_tree(db: sqlite3.Connection) -> None:
    ppa_id, budget = db.execute(
        "SELECT id, budget_allocation FROM monitoring_monitoringentry WHERE title = ?", (WORKED_EXAMPLE_TITLE,)
    ).fetchone()
    assert budget == WORKED_EXAMPLE_BUDGET
    root = db.execute(
        "SELECT id, allocated_budget, tree_id FROM common_work_item WHERE related_ppa_id = ? AND parent_id IS NULL",
        (ppa_id,),
    ).fetchone()
    assert root[1:] == (5_000_000, 1)
    activities = db.execute(
        "SELECT id, allocated_budget FROM common_work_item WHERE parent_id = ? ORDER BY lft", (root[0],)
    ).fetchall()
    assert [a[1] for a in activities] == [1_500_000, 2_000_000, 1_500_000]
    tasks = [
        [
            t
            for (t,) in db.execute(
                "SELECT allocated_budget FROM common_work_item WHERE parent_id = ? ORDER BY lft", (a[0],)
            )
        ]
        for a in activities
    ]
    assert tasks == [[300_000, 1_200_000], [500_000, 1_500_000], [200_000, 1_300_000]]
    assert all(sum(t) == a[1] for t, a in zip(tasks, activities, strict=True))
    assert sum(sum(t) for t in tasks) == 5_000_000


# ------------------------------------------------------------------------------------ read back typed
def test_values_read_back_through_sqlalchemy_as_django_stores_them(small: tuple[Path, dict[str, int]]) -> None:
    engine = sa.create_engine(f"sqlite:///{small[0]}")
    try:
        with engine.connect() as conn:
            ppa = (
                conn.execute(
                    sa.select(s.monitoring_monitoringentry).where(
                        s.monitoring_monitoringentry.c.title == WORKED_EXAMPLE_TITLE
                    )
                )
                .mappings()
                .one()
            )
            flow = conn.execute(sa.select(s.monitoring_monitoringentryfunding).limit(1)).mappings().one()
    finally:
        engine.dispose()
    assert ppa["budget_allocation"] == Decimal("5000000.00")
    assert isinstance(ppa["start_date"], dt.date) and isinstance(ppa["created_at"], dt.datetime)
    assert len(ppa["id"]) == 36 and ppa["id"].count("-") == 4
    assert isinstance(ppa["outcome_framework"], dict)
    assert isinstance(flow["amount"], Decimal) and flow["amount"].as_tuple().exponent == -2
    with sqlite3.connect(small[0]) as con:
        raw_id, raw_created = con.execute("SELECT id, created_at FROM monitoring_monitoringentry LIMIT 1").fetchone()
    assert len(raw_id) == 32 and raw_id == raw_id.lower()
    assert dt.datetime.strptime(raw_created, "%Y-%m-%d %H:%M:%S.%f")


@pytest.mark.postgres
def test_postgresql_gets_the_same_rows(pg_server, small: tuple[Path, dict[str, int]]) -> None:
    url = pg_server.create_database("demo_small")
    counts = generate(url, scale=SMALL, seed=7)
    assert counts == small[1]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.sum(s.monitoring_monitoringentry.c.budget_allocation))).scalar()
            json_nulls = conn.execute(sa.text("SELECT count(*) FROM common_work_item WHERE project_data IS NULL"))
            json_nulls = json_nulls.scalar()
    finally:
        engine.dispose()
    with sqlite3.connect(small[0]) as con:
        expected = Decimal(
            str(con.execute("SELECT sum(budget_allocation) FROM monitoring_monitoringentry").fetchone()[0])
        ).quantize(Decimal("0.01"))
        expected_nulls = con.execute("SELECT count(*) FROM common_work_item WHERE project_data IS NULL").fetchone()[0]
    assert total == expected
    assert json_nulls == expected_nulls
