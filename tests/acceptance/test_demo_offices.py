"""The demo source names the real BARMM offices: checked against OBCMS's published organisation list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.acceptance


def _norm(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("'", ""))
    return " ".join(w for w in name.split() if w not in {"the", "of", "and"})


def _published_offices() -> dict[str, str]:
    doc = yaml.safe_load((SHARED_DATA / "barmm_ministries.yaml").read_text(encoding="utf-8"))
    offices: dict[str, str] = {}
    for ministry in doc["ministries"]:
        offices[ministry["acronym"]] = ministry["name"]
        for agency in ministry.get("attached_agencies") or []:
            offices[agency["acronym"]] = agency["name"]
    for entity in doc.get("other_entities") or []:
        offices[entity["acronym"]] = entity["name"]
    return offices


def test_the_published_list_has_43_offices() -> None:
    assert len(_published_offices()) == 43


def test_demo_has_every_barmm_office_by_name_and_acronym(tmp_path: Path) -> None:
    from ingest.demo import generate

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    generate(url, scale=0.02, seed=1)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select acronym, name from coordination_organization where organization_type = 'bmoa'")
        ).all()
    engine.dispose()
    demo = {acronym: name for acronym, name in rows}
    published = _published_offices()
    missing = sorted(set(published) - set(demo))
    assert not missing, f"offices missing from the demo: {missing}"
    misnamed = {a: (demo[a], published[a]) for a in published if _norm(demo[a]) != _norm(published[a])}
    assert not misnamed, f"demo names differ from the published list: {misnamed}"
