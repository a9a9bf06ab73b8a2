"""The dashboards as a WSGI application, for a production server.

``server`` (the Flask app) and ``app`` (the Dash app) are built on first use for the home ``Home.resolve()`` names
(``OOBC_HOME``), so any WSGI server can load them::

    OOBC_HOME=/srv/oobc gunicorn --workers 4 --threads 4 --bind 127.0.0.1:8050 dashboards.wsgi:server

``oobc serve --production`` does the same with gunicorn's Python API (``run_production``). Every worker process
builds its own app; they all read the same published warehouse, opening it read-only for each callback, so a
refresh published while they run is seen from their next request on, without a restart.

Every worker signs sessions with the same key (``dashboards.auth``: ``OOBC_SECRET_KEY``, else the key kept in
``$OOBC_HOME/secret_key``), so a user signed in through one worker is signed in on all of them.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from ingest.home import Home, ServeSettings

_built: dict[str, Any] = {}


def _dash_app() -> Any:
    if "app" not in _built:
        from dashboards.app import create_app

        _built["app"] = create_app(Home.resolve())
    return _built["app"]


def __getattr__(name: str) -> Any:  # PEP 562: `dashboards.wsgi:server` builds the app when first asked for
    if name == "app":
        return _dash_app()
    if name in ("server", "application"):
        return _dash_app().server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ProductionServer(BaseApplication):
    """gunicorn, configured from ``ServeSettings`` instead of its command line."""

    def __init__(self, home: Home, settings: ServeSettings):
        self.home = home
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": s.workers,
            "threads": s.threads,
            "worker_class": "gthread" if s.threads > 1 else "sync",
            "timeout": s.timeout,
            "graceful_timeout": 30,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": f"oobc-dashboards[{self.home.root}]",
            # each worker builds the app after forking: no DuckDB handle or thread is shared across a fork
            "preload_app": False,
            # gunicorn's control socket (one per user, in ~/.gunicorn) is not used: two instances would share it
            "control_socket_disable": True,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:  # in each worker
        os.environ["OOBC_HOME"] = str(self.home.root)
        server = _dash_app().server
        freeze_startup_objects()
        return server


def freeze_startup_objects() -> None:
    """Keep what the worker built at start (the app, its layouts, plotly's validators: hundreds of thousands of
    objects that live as long as the process) out of the collector's full passes: each pass walked all of them,
    ~0.1 s on every few recomputes at scale 100."""
    gc.collect()
    gc.freeze()


def run_production(home: Home, settings: ServeSettings) -> None:
    """Serve under gunicorn until stopped (Ctrl+C or SIGTERM: workers finish their requests first)."""
    os.environ["OOBC_HOME"] = str(home.root)
    ProductionServer(home, settings).run()
