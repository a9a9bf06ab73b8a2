"""OOBC_HOME: the one directory that holds everything an instance keeps.

Layout::

    $OOBC_HOME/
      oobc.toml                 sources configuration (written by ``oobc demo`` when missing)
      source/obcms_demo.sqlite3 the generated OBCMS-shaped demo database
      warehouse/current.duckdb  symlink to the published warehouse file (swapped atomically)
      warehouse/builds/         warehouse files, one per refresh; old ones are cleaned up
      state.sqlite3             app state: ingest runs and rejects, later scenarios, tags, users
      dbt/                      dbt target and logs
      logs/                     command logs
      refresh.lock              the inter-process lock held by the running refresh (ingest.locking)

Resolution order: ``--home`` option, then the ``OOBC_HOME`` environment variable, then ``.oobc`` inside the
checkout. Two instances with different homes share nothing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[1]
DEFAULT_HOME = CHECKOUT / ".oobc"
DBT_PROJECT_DIR = CHECKOUT / "dbt_project"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or names something that does not exist."""


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> Home:
        raw = explicit or os.environ.get("OOBC_HOME") or DEFAULT_HOME
        return cls(Path(raw).expanduser().resolve())

    def ensure(self) -> Home:
        for d in (self.root, self.source_dir, self.builds_dir, self.dbt_dir, self.logs_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def config_file(self) -> Path:
        return self.root / "oobc.toml"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def demo_db(self) -> Path:
        return self.source_dir / "obcms_demo.sqlite3"

    @property
    def demo_url(self) -> str:
        return f"sqlite:///{self.demo_db}"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def builds_dir(self) -> Path:
        return self.warehouse_dir / "builds"

    @property
    def current_link(self) -> Path:
        return self.warehouse_dir / "current.duckdb"

    @property
    def state_db(self) -> Path:
        return self.root / "state.sqlite3"

    @property
    def state_url(self) -> str:
        return f"sqlite:///{self.state_db}"

    @property
    def dbt_dir(self) -> Path:
        return self.root / "dbt"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    # ------------------------------------------------------------------------------ configuration
    def load_config(self) -> dict[str, Any]:
        if not self.config_file.exists():
            raise ConfigError(
                f"{self.config_file}: no configuration. Run `oobc demo` to create a demo source and its configuration, "
                "or write one (see README, 'Pointing it at a real OBCMS database')."
            )
        try:
            with self.config_file.open("rb") as fh:
                config = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{self.config_file}: not valid TOML: {exc}") from exc
        sources = config.get("sources", [])
        if not isinstance(sources, list):
            raise ConfigError(f"{self.config_file}: `sources` must be a list of [[sources]] tables")
        for i, src in enumerate(sources, start=1):
            for key in ("name", "kind"):
                if not src.get(key):
                    raise ConfigError(f"{self.config_file}: source #{i} has no `{key}`")
        return config

    def settings(self, section: str) -> dict[str, Any]:
        """One table of ``oobc.toml`` (``[schedule]``, ``[serve]``, ``[warehouse]``); empty when the file or the
        table is missing, so every setting has its default."""
        if not self.config_file.exists():
            return {}
        table = self.load_config().get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{self.config_file}: `{section}` must be a [{section}] table")
        return table

    def write_default_config(self, obcms_url: str) -> None:
        self.config_file.write_text(
            "# OOBC warehouse configuration. `oobc refresh` ingests every source listed here, then builds and\n"
            "# publishes the warehouse. See README, 'Pointing it at a real OBCMS database'.\n\n"
            "[[sources]]\n"
            'name = "obcms"\n'
            'kind = "obcms"\n'
            f'url = "{obcms_url}"\n'
        )


# ------------------------------------------------------------------------------------------ serving
@dataclass(frozen=True)
class ServeSettings:
    """How ``oobc serve`` listens: option, else environment variable, else ``[serve]`` in oobc.toml, else default."""

    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 4  # gunicorn worker processes (--production)
    threads: int = 4  # threads per worker: callbacks of one page run side by side
    timeout: int = 120  # seconds a request may take before gunicorn restarts its worker


def serve_settings(
    home: Home, *, host: str | None = None, port: int | None = None, workers: int | None = None
) -> ServeSettings:
    """Options given (or read by click from OOBC_HOST / OOBC_PORT / OOBC_WORKERS) win over the ``[serve]`` table."""
    table = home.settings("serve")
    unknown = sorted(set(table) - {"host", "port", "workers", "threads", "timeout"})
    if unknown:
        raise ConfigError(f"{home.config_file}: [serve] has unknown settings {', '.join(unknown)}")
    defaults = ServeSettings()

    def whole(key: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{home.config_file}: [serve] {key} must be a whole number from {low} to {high}")
        return value

    chosen_host = host or table.get("host", defaults.host)
    if not isinstance(chosen_host, str) or not chosen_host:
        raise ConfigError(f"{home.config_file}: [serve] host must be a host name or address")
    return ServeSettings(
        host=chosen_host,
        port=port if port is not None else whole("port", table.get("port", defaults.port), 1, 65535),
        workers=workers if workers is not None else whole("workers", table.get("workers", defaults.workers), 1, 64),
        threads=whole("threads", table.get("threads", defaults.threads), 1, 64),
        timeout=whole("timeout", table.get("timeout", defaults.timeout), 1, 3600),
    )
