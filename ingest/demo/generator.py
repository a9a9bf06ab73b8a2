"""The demo database: every OBCMS table of ``ingest.obcms_schema``, filled in foreign-key order."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ingest import obcms_schema as s
from ingest.demo import ledger, needs, planning, ppas, workitems
from ingest.demo.places import build_assessments, build_communities, build_geography, build_organisations
from ingest.demo.writer import Progress, Writer


def community_count(scale: float) -> int:
    """OBC communities at a scale (capped later by the number of barangays)."""
    return max(60, round(900 * scale))


def assessment_count(scale: float) -> int:
    return max(14, round(60 * scale))


def _engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(parsed)


def generate(url: str, scale: float = 1.0, seed: int = 2025, progress: Progress | None = None) -> dict[str, int]:
    """Drop, recreate and fill every OBCMS table at ``url``; returns the row count of each table.

    ``scale`` 1 is about OOBC's real size (≈225 PPAs, 5,000 needs, 10,000 work items, 50,000 ledger rows);
    counts grow linearly with it, except geography and organisations (fixed) and communities (at most one
    per barangay). The same ``seed`` and ``scale`` always give identical tables. ``progress(table, done,
    total)`` is called as rows are written.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            writer = Writer(conn, progress)
            writer.reset_schema()
            _fill(writer, float(scale), int(seed))
            return dict(writer.counts)
    finally:
        engine.dispose()


def _fill(w: Writer, scale: float, seed: int) -> None:
    geo, geo_frames = build_geography()
    for table in (s.common_region, s.common_province, s.common_municipality, s.common_barangay):
        w.write(table, geo_frames[table.name])
    orgs, org_frame = build_organisations(geo)
    w.write(s.coordination_organization, org_frame)

    comms, comm_frame = build_communities(seed, geo, community_count(scale))
    w.write(s.communities_obc_community, comm_frame)
    assess, assess_frame = build_assessments(seed, geo, comms, assessment_count(scale))
    w.write(s.mana_assessment, assess_frame)
    w.write(s.mana_needscategory, needs.needs_category_frame())

    policy_ids, policy_status, policy_frame = planning.build_policies(seed, scale, geo)
    w.write(s.policy_tracking_policyrecommendation, policy_frame)
    indicator_ids, indicator_cats, indicator_frame = planning.build_indicators(seed)
    w.write(s.monitoring_outcomeindicator, indicator_frame)

    p = ppas.build_ppas(seed, scale, geo, orgs, comms, assess)
    items = workitems.build_work_items(seed, scale, p)
    tree_progress, roots = workitems.tree_summary(items, len(p))
    ppas.finalize(seed, p, tree_progress, roots)
    w.write(s.monitoring_monitoringentry, p.frame)

    need_info, need_frame = needs.build_needs(seed, scale, geo, comms, assess, p, orgs)
    votes = needs.build_votes(seed, scale, need_info, need_frame, comms)
    w.write(s.mana_need, need_frame)
    w.expect(s.mana_needvote, len(votes))
    for frame in needs.vote_frames(seed, votes):
        w.write(s.mana_needvote, frame)
    del votes, need_frame

    plan = ledger.plan(seed, p)
    w.expect(s.monitoring_monitoringentryfunding, plan.total)
    for frame in ledger.frames(seed, p, plan):
        w.write(s.monitoring_monitoringentryfunding, frame)

    w.write(s.monitoring_monitoringentry_communities, ppas.community_links(seed, p, comms))
    w.write(s.monitoring_monitoringentry_needs_addressed, needs.needs_addressed(seed, need_info, p))
    links = planning.build_ppa_links(seed, p, orgs, policy_ids, policy_status, indicator_ids, indicator_cats)
    for name, frame in links.items():
        w.write(s.metadata.tables[name], frame)

    w.expect(s.common_work_item, len(items))
    for frame in workitems.frames(seed, items, p, orgs):
        w.write(s.common_work_item, frame)
    del items

    goals, goal_links = planning.build_goals(seed, p, orgs)
    w.write(s.monitoring_strategicgoal, goals)
    w.write(s.monitoring_strategicgoal_linked_ppas, goal_links)
    cycles, cycle_links, scenarios, allocations = planning.build_cycles(seed, p)
    w.write(s.monitoring_annualplanningcycle, cycles)
    w.write(s.monitoring_annualplanningcycle_monitoring_entries, cycle_links)
    w.write(s.monitoring_budgetscenario, scenarios)
    w.write(s.monitoring_scenarioallocation, allocations)
    mgmt, central = planning.build_ceilings(seed, p, orgs)
    w.write(s.monitoring_ceilingmanagement, mgmt)
    w.write(s.project_central_budgetceiling, central)
