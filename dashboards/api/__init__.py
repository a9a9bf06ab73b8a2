"""The read-only data API over the published marts."""

from __future__ import annotations

from typing import Any


def install(app: Any, home: Any) -> None:
    """Register the API's routes on the dashboard's Flask server."""
