"""Source kinds, their configuration, and what every loader receives.

A source is one ``[[sources]]`` entry of ``oobc.toml`` (or the equivalent built by an ``oobc ingest <kind>``
command): a ``name``, a ``kind``, and the kind's own keys. Each kind is a module with a
``load(ctx: LoadContext) -> list[TableOutcome]`` function:

============== ======================= =====================================================================
kind           module                  keys
============== ======================= =====================================================================
obcms          ingest.obcms            ``url`` (SQLAlchemy URL), ``incremental`` (default true)
ppa_yaml       ingest.ppa_yaml         ``path`` (folder of MOA PPA YAML files), ``fiscal_year``
population     ingest.population       ``paths`` (PSA population files), ``region`` (optional: IX, X, XI, XII)
organizations  ingest.organizations    ``path`` (the BARMM organisation list YAML)
files          ingest.files            ``path`` (folder of CSV / XLSX / Parquet files named after raw tables)
geo            ingest.geo              ``path`` (a province boundary file in OBCMS's ``province_geo.json`` format)
============== ======================= =====================================================================

Any file source also takes ``max_file_mb`` (default 100): a larger file fails the source rather than
exhausting the machine. Relative paths in ``oobc.toml`` are resolved against the file's folder.

A row-level problem becomes a ``Reject`` and the load goes on; a problem with the source as a whole (it cannot
be reached or read, a file is empty, too big, not UTF-8, malformed, or lacks a column) raises ``SourceError``
naming the file and, where there is one, the line: the refresh fails and nothing is published.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingest.home import ConfigError
from ingest.state import Reject, TableLoad

Progress = Callable[[str, int, int], None]
Say = Callable[[str], None]

KINDS: dict[str, str] = {
    "obcms": "ingest.obcms",
    "ppa_yaml": "ingest.ppa_yaml",
    "population": "ingest.population",
    "organizations": "ingest.organizations",
    "files": "ingest.files",
    "geo": "ingest.geo",
}
DEFAULT_MAX_FILE_MB = 100


class SourceError(Exception):
    """The source as a whole cannot be read: nothing from it is loaded and nothing is published."""


@dataclass
class TableOutcome:
    """What loading one table of one source did: counts, rejected rows, control totals."""

    load: TableLoad
    rejects: list[Reject] = field(default_factory=list)
    # measure -> (total over the rows read whose value parsed, total over the rows loaded)
    control_totals: dict[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)


@dataclass
class LoadContext:
    """Everything a loader needs: where to write, which run this is, its configuration, how to report."""

    con: duckdb.DuckDBPyConnection
    run_id: str
    source: dict[str, Any]
    base_dir: Path
    progress: Progress | None = None
    say: Say = print
    # the published warehouse this build started from (None for a fresh warehouse), for incremental loads
    previous_warehouse: str | None = None
    high_water_marks: dict[str, Any] = field(default_factory=dict)
    new_high_water_marks: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.source["name"]

    def require(self, key: str) -> Any:
        value = self.source.get(key)
        if value in (None, "", []):
            raise ConfigError(f"source {self.name!r} ({self.source['kind']}): `{key}` is required")
        return value

    def path(self, value: str | Path) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    @property
    def max_file_bytes(self) -> int:
        mb = self.source.get("max_file_mb", DEFAULT_MAX_FILE_MB)
        if not isinstance(mb, int | float) or mb <= 0:
            raise ConfigError(f"source {self.name!r}: `max_file_mb` must be a positive number, not {mb!r}")
        return int(mb * 1024 * 1024)


def loader(kind: str) -> Callable[[LoadContext], list[TableOutcome]]:
    if kind not in KINDS:
        raise ConfigError(f"unknown source kind {kind!r} (known: {', '.join(KINDS)})")
    return importlib.import_module(KINDS[kind]).load


def validate_sources(sources: list[dict], where: str) -> None:
    names = [s.get("name") for s in sources]
    for i, src in enumerate(sources, start=1):
        for key in ("name", "kind"):
            if not src.get(key):
                raise ConfigError(f"{where}: source #{i} has no `{key}`")
        if src["kind"] not in KINDS:
            raise ConfigError(
                f"{where}: source {src['name']!r} has unknown kind {src['kind']!r} (known: {', '.join(KINDS)})"
            )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: source names must be unique; repeated: {', '.join(dupes)}")
