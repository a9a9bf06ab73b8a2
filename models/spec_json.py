"""A :class:`~models.allocation.ScenarioSpec` as JSON and back: how saved scenarios keep their inputs.

The state database stores each saved version's spec with :func:`spec_to_json`; the scenario page and the refresh
(``fct_scenario_allocations``) rebuild it with :func:`spec_from_json`, so a saved scenario is recomputed from
exactly what the planner set. Amounts are written as strings (exact Decimal text, never floats). ``votes`` (a frame
read from the warehouse at run time) is not part of a saved spec.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from models.allocation import Bound, Ceiling, ScenarioSpec, StrategyWeight


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    return str(value)


def spec_to_dict(spec: ScenarioSpec) -> dict[str, Any]:
    """Every field of ``spec`` (but ``votes``) as plain JSON-able values."""
    return {
        "envelope": _text(spec.envelope),
        "strategies": [{"strategy": s.strategy, "weight": _text(s.weight)} for s in spec.strategies],
        "ceilings": [
            {
                "name": c.name,
                "amount": _text(c.amount),
                "hard": bool(c.hard),
                "sector": c.sector,
                "funding_source": c.funding_source,
                "warning_threshold": c.warning_threshold,
                "ppa_ids": None if c.ppa_ids is None else sorted(str(p) for p in c.ppa_ids),
            }
            for c in spec.ceilings
        ],
        "bounds": [
            {"dimension": b.dimension, "key": b.key, "minimum": _text(b.minimum), "maximum": _text(b.maximum)}
            for b in spec.bounds
        ],
        "locked": {str(k): _text(v) for k, v in sorted(spec.locked.items())},
        "excluded": sorted(str(e) for e in spec.excluded),
        "whole_ppa": bool(spec.whole_ppa),
        "on_no_fit": spec.on_no_fit,
        "greedy_score": spec.greedy_score,
        "equity_population": spec.equity_population,
        "equity_mode": spec.equity_mode,
        "obcms_weights": [_text(w) for w in spec.obcms_weights],
        "manual_amounts": {str(k): _text(v) for k, v in sorted(spec.manual_amounts.items())},
        "hard_ceiling_excess": spec.hard_ceiling_excess,
    }


def spec_from_dict(data: dict[str, Any]) -> ScenarioSpec:
    """The spec :func:`spec_to_dict` wrote (missing optional fields take the spec's defaults)."""
    defaults = ScenarioSpec(envelope=0)
    return ScenarioSpec(
        envelope=data["envelope"],
        strategies=tuple(StrategyWeight(s["strategy"], s.get("weight", 1)) for s in data.get("strategies", ())),
        ceilings=tuple(
            Ceiling(
                name=c["name"],
                amount=c["amount"],
                hard=bool(c.get("hard", True)),
                sector=c.get("sector"),
                funding_source=c.get("funding_source"),
                warning_threshold=c.get("warning_threshold", 0.90),
                ppa_ids=None if c.get("ppa_ids") is None else frozenset(c["ppa_ids"]),
            )
            for c in data.get("ceilings", ())
        ),
        bounds=tuple(
            Bound(b["dimension"], b["key"], b.get("minimum"), b.get("maximum")) for b in data.get("bounds", ())
        ),
        locked=dict(data.get("locked", {})),
        excluded=tuple(data.get("excluded", ())),
        whole_ppa=bool(data.get("whole_ppa", defaults.whole_ppa)),
        on_no_fit=data.get("on_no_fit", defaults.on_no_fit),
        greedy_score=data.get("greedy_score", defaults.greedy_score),
        equity_population=data.get("equity_population", defaults.equity_population),
        equity_mode=data.get("equity_mode", defaults.equity_mode),
        obcms_weights=tuple(data.get("obcms_weights", defaults.obcms_weights)),
        manual_amounts=dict(data.get("manual_amounts", {})),
        hard_ceiling_excess=data.get("hard_ceiling_excess", defaults.hard_ceiling_excess),
    )


def spec_to_json(spec: ScenarioSpec) -> str:
    return json.dumps(spec_to_dict(spec), sort_keys=True, default=lambda v: str(v) if isinstance(v, Decimal) else v)


def spec_from_json(text: str) -> ScenarioSpec:
    return spec_from_dict(json.loads(text))
