"""The OBCMS way of rolling up work items, for real: Django's ORM and django-mptt, one query per node, in SQLite.

OBCMS's ``common.WorkItem`` is a django-mptt ``MPTTModel``; a view gets a node's rolled-up figures with
``node.get_descendants(include_self=...).aggregate(Sum(...))``. This module does exactly that, through Django
5.2 and django-mptt 0.20, on the table ``mptt.build_mptt_db`` writes (shaped like OBCMS's: UUID ids stored as
32-character hex, as Django stores a ``UUIDField`` in SQLite; the MPTT columns and their indexes).

It runs in its own process (``django.setup()`` configures process-wide state that must not reach the bench or a
test): ``python -m ingest.bench.obcms_django DB --include-self|--descendants-only [--sample N --seed S]`` prints
one JSON line, ``{"nodes", "timed", "seconds", "include_self"}`` (``seconds`` covers the per-node loop only, not
loading the nodes); with ``--figures`` it prints every node's ``[count, spent]`` instead, for checking fairness.
``run`` starts that process from the bench; importing this module does not import Django.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

MODULE = "ingest.bench.obcms_django"
APP_LABEL = "obcms_bench"
NEEDED = ("django", "mptt")  # import names of Django and django-mptt


def missing() -> list[str]:
    """The packages this baseline needs that are not installed (pip names)."""
    names = {"django": "Django", "mptt": "django-mptt"}
    return [names[m] for m in NEEDED if importlib.util.find_spec(m) is None]


def run(db: Path, *args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run this module on ``db`` in a fresh interpreter with ``args``; its JSON answer.

    Raises RuntimeError (with the end of the child's stderr) when Django or django-mptt is missing or the child
    fails."""
    if absent := missing():
        raise RuntimeError(
            f"the Django baseline needs {' and '.join(absent)} (pip install -e '.[dev]' installs the pinned versions)"
        )
    cmd = [sys.executable, "-m", MODULE, str(db), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the Django baseline failed (exit {proc.returncode}) on {db}:\n{tail}")
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"the Django baseline printed nothing on {db}:\n{proc.stderr.strip()[-2000:]}")
    return json.loads(lines[-1])


def figures(db: Path, *, include_self: bool = True) -> dict[str, tuple[int, Decimal]]:
    """Every node's (count, summed actual expenditure) from ``get_descendants(include_self=...).aggregate``,
    keyed by the id as stored (32-character hex), as ``mptt.mptt_figures`` gives them."""
    flag = "--include-self" if include_self else "--descendants-only"
    answer = run(db, flag, "--figures")
    return {k: (count, Decimal(spent)) for k, (count, spent) in answer["figures"].items()}


# --- in the child process -----------------------------------------------------------------------------------


def _setup(db: Path) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,  # as in production: DEBUG keeps every query's SQL in memory
        INSTALLED_APPS=["mptt", f"{MODULE}.ObcmsBenchConfig"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db)}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()


@cache
def _app_config() -> type:
    from django.apps import AppConfig

    class Config(AppConfig):
        name = "ingest.bench"  # a real package (Django imports it); it has no models module
        label = APP_LABEL
        default_auto_field = "django.db.models.BigAutoField"

    return Config


def __getattr__(name: str) -> Any:
    # INSTALLED_APPS names ObcmsBenchConfig here; built on demand so that importing this module needs no Django
    if name == "ObcmsBenchConfig":
        return _app_config()
    raise AttributeError(name)


@cache
def work_item_model() -> type:
    """``WorkItem(MPTTModel)`` on the table ``mptt.build_mptt_db`` writes (the columns of OBCMS's that matter)."""
    import uuid

    from django.db import models
    from mptt.models import MPTTModel, TreeForeignKey

    class WorkItem(MPTTModel):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # as OBCMS's
        parent = TreeForeignKey(
            "self", null=True, blank=True, db_column="parent_id", on_delete=models.CASCADE, related_name="children"
        )
        allocated_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
        actual_expenditure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

        class MPTTMeta:  # django-mptt's defaults, spelled out: the columns are lft, rght, tree_id, level
            left_attr = "lft"
            right_attr = "rght"
            tree_id_attr = "tree_id"
            level_attr = "level"

        class Meta:
            app_label = APP_LABEL
            db_table = "work_item"
            managed = False

    return WorkItem


def _nodes(sample: int | None, seed: int) -> tuple[int, list[Any]]:
    """(how many nodes, the nodes to time): all of them as an OBCMS view loads them, or a random sample (drawn
    with ``random.Random(seed).sample`` from the ids in tree order, as ``mptt.per_node_rollups`` draws)."""
    model = work_item_model()
    ids = list(model.objects.values_list("id", flat=True))  # the tree manager's order: tree_id, lft
    if sample is None or sample >= len(ids):
        return len(ids), list(model.objects.all())
    chosen = random.Random(seed).sample(ids, sample)
    nodes: list[Any] = []
    for start in range(0, len(chosen), 500):  # well under SQLite's limit on query parameters
        nodes.extend(model.objects.filter(pk__in=chosen[start : start + 500]))
    return len(ids), nodes


def _aggregate(node: Any, include_self: bool) -> dict[str, Any]:
    from django.db.models import Count, Sum

    return node.get_descendants(include_self=include_self).aggregate(
        n=Count("id"), budget=Sum("allocated_budget"), spent=Sum("actual_expenditure")
    )


def time_per_node(*, include_self: bool, sample: int | None, seed: int) -> dict[str, Any]:
    total, nodes = _nodes(sample, seed)
    start = time.perf_counter()
    for node in nodes:
        _aggregate(node, include_self)
    seconds = time.perf_counter() - start
    return {"nodes": total, "timed": len(nodes), "seconds": seconds, "include_self": include_self}


def all_figures(*, include_self: bool) -> dict[str, Any]:
    out = {}
    for node in work_item_model().objects.all():
        got = _aggregate(node, include_self)
        spent = (got["spent"] or Decimal(0)).quantize(Decimal("0.01"))
        out[node.pk.hex] = [got["n"], str(spent)]
    return {"figures": out, "include_self": include_self}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="SQLite file written by ingest.bench.mptt.build_mptt_db")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--include-self", dest="include_self", action="store_true")
    mode.add_argument("--descendants-only", dest="include_self", action="store_false")
    parser.add_argument("--sample", type=int, default=None, help="time this many random nodes, not all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--figures", action="store_true", help="every node's [count, spent] instead of timings")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"no such database: {args.db}")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    _setup(args.db)
    if args.figures:
        answer = all_figures(include_self=args.include_self)
    else:
        answer = time_per_node(include_self=args.include_self, sample=args.sample, seed=args.seed)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
