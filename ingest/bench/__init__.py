"""``oobc bench``: how the warehouse performs at several scales of the demo source, against its targets.

``run.run(Options(...), say)`` generates the demo OBCMS source at each scale, times a full refresh (per step, peak
memory of the refresh and its dbt, warehouse size), loads the same source straight into DuckDB (the floor), times
the work-item rollup against the OBCMS way (``mptt``), the scenario engine at 20k PPAs, an incremental refresh after
a small change in the source, and the dashboards' callbacks under concurrent clients (``latency``). ``report``
prints the tables and the targets; the CLI also writes everything as JSON.
"""

from ingest.bench.run import Options, run

__all__ = ["Options", "run"]
