"""``oobc tokens``: API tokens for the client systems that read the data API."""

from __future__ import annotations

import sys

import click

from ingest.api_tokens import ROLES
from ingest.home import Home


def _guarded(fn, *args, **kwargs):
    """Run a token function; a TokenError (or any error ``oobc`` reports in one line) exits 1 with one line."""
    from ingest.api_tokens import TokenError
    from ingest.cli import _run, err

    try:
        return _run(fn, *args, **kwargs)
    except TokenError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(1)


@click.group()
def tokens() -> None:
    """Manage the API tokens of client systems (created and revoked here; stored hashed)."""


@tokens.command()
@click.argument("client")
@click.option(
    "--role",
    type=click.Choice(list(ROLES)),
    required=True,
    help="reader: published figures (PPAs, budgets, ceilings, policies); analyst: also needs, equity, scenarios.",
)
@click.pass_obj
def create(home: Home, client: str, role: str) -> None:
    """Create a token for CLIENT and print it once (only its hash is kept: store it now)."""
    from ingest.api_tokens import create_token
    from ingest.cli import _say

    token = _guarded(create_token, home, client, role)
    click.echo(token)
    _say(f"token for {client} ({role}) created; it is shown only this once. Send it as 'Authorization: Bearer …'.")


@tokens.command(name="list")
@click.pass_obj
def list_(home: Home) -> None:
    """List the tokens: client, role, prefix, created, last used, revoked (never the tokens themselves)."""
    from ingest.api_tokens import list_tokens

    rows = _guarded(list_tokens, home)
    if not rows:
        click.echo("no API tokens: `oobc tokens create CLIENT --role reader` makes one")
        return

    def when(value) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    header = ("client", "role", "prefix", "created (UTC)", "last used (UTC)", "revoked (UTC)")
    table = [header] + [
        (
            r["client"],
            r["role"],
            r["token_prefix"],
            when(r["created_at"]),
            when(r["last_used_at"]),
            when(r["revoked_at"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@tokens.command()
@click.argument("client_or_prefix", metavar="CLIENT|PREFIX")
@click.pass_obj
def revoke(home: Home, client_or_prefix: str) -> None:
    """Revoke every valid token of CLIENT, or the one token whose prefix (oobc_…) is given."""
    from ingest.api_tokens import revoke as revoke_tokens
    from ingest.cli import _say

    count = _guarded(revoke_tokens, home, client_or_prefix)
    if count:
        _say(f"revoked {count} token{'s' if count != 1 else ''} of {client_or_prefix}")
    else:
        _say(f"{client_or_prefix}: no valid token left to revoke (already revoked)")
