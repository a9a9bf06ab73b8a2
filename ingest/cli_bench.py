"""``oobc bench``: the performance benchmark."""

from __future__ import annotations

import click


@click.command()
def bench() -> None:
    """Measure ingest, build and dashboard latency at several scales."""
