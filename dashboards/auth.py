"""Sign-in and roles for the dashboards."""

from __future__ import annotations

from typing import Any


def install(app: Any, home: Any) -> None:
    """Put sign-in in front of every page and callback of ``app``."""
