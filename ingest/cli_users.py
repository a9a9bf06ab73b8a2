"""``oobc users``: who may sign in to the dashboards, and with which role."""

from __future__ import annotations

import click


@click.group()
def users() -> None:
    """Manage the people who sign in to the dashboards (viewer, planner, reviewer, admin)."""
