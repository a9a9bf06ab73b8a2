"""A deterministic, realistic, OBCMS-shaped demo database.

``generate(url, scale=1.0, seed=2025, progress=None)`` drops and recreates every table of
``ingest.obcms_schema.metadata`` at a SQLAlchemy URL (SQLite by default, PostgreSQL too) and fills it with
data shaped like OOBC's: the real BARMM organisations and Region IX–XII geography, OBC communities, MANA
needs with votes, PPAs of every category with their funding ledger and work-item trees, policies, strategic
goals, planning cycles, scenarios and ceilings. Same seed and scale, same bytes; no wall clock is read
(every date derives from ``REFERENCE_DATE``, 2026-10-31: nothing is recorded after it, though planned dates
such as due dates and milestones may lie beyond it).

Modules: ``reference`` (fixed lists), ``places`` (geography, organisations, communities, assessments),
``ppas``, ``workitems``, ``ledger``, ``needs``, ``planning`` (policies, goals, cycles, scenarios, ceilings,
PPA link tables), ``writer`` (chunked, dialect-aware inserts) and ``generator`` (the order of it all).

Known shapes later stages can rely on:

* The worked example of ``metrics.md`` §2 is the OOBC PPA titled ``WORKED_EXAMPLE_TITLE`` (budget
  ₱5,000,000.00, fiscal year 2025) and its work-item tree is ``tree_id`` ``WORKED_EXAMPLE_TREE_ID`` (1).
* PII columns (``requester_*``, ``community_leader``, ``contact_number``, ``focal_person``, ``email``,
  ``phone``, ``ip_address``) are filled, so tests can prove the warehouse drops them.
* Deliberate data-quality findings: over-obligated and over-disbursed PPAs, negative adjustments, under- and
  over-allocated work-item parents, leaves spent over budget, PPAs without fiscal year/sector/dates (as the
  YAML importer leaves them), needs on the drag-and-drop priority scale, soft-deleted communities, and
  work items without ``related_ppa`` below a PPA's root.
"""

from __future__ import annotations

import datetime as dt

from ingest.demo import _util
from ingest.demo.generator import generate
from ingest.demo.ppas import WORKED_EXAMPLE_BUDGET, WORKED_EXAMPLE_TITLE

REFERENCE_DATE: dt.date = _util.REFERENCE_DATE.astype(dt.date)
"""The demo's "today": no timestamp, ledger date or completion is later; planned dates may be."""

WORKED_EXAMPLE_TREE_ID = 1
"""``common_work_item.tree_id`` of the worked example's tree."""

__all__ = ["REFERENCE_DATE", "WORKED_EXAMPLE_BUDGET", "WORKED_EXAMPLE_TITLE", "WORKED_EXAMPLE_TREE_ID", "generate"]
