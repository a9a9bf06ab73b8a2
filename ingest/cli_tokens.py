"""``oobc tokens``: API tokens for the client systems that read the data API."""

from __future__ import annotations

import click


@click.group()
def tokens() -> None:
    """Manage the API tokens of client systems (created and revoked here; stored hashed)."""
