"""``oobc users``: who may sign in to the dashboards, and with which role.

Passwords are never taken as a plain option (it would stay in the shell history and in ``ps``): they are read from
standard input with ``--password-stdin`` (one line), or asked for twice with a hidden prompt.
"""

from __future__ import annotations

import sys

import click

from ingest.home import Home
from ingest.users import ROLES, UserError

ROLE_HELP = "viewer (read), planner (+ scenarios), reviewer (+ BDP tags and notes), admin (everything, users, refresh)"


def _fail(exc: Exception) -> None:
    from rich.markup import escape

    from ingest.cli import err

    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    sys.exit(1)


def _do(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except UserError as exc:
        _fail(exc)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            _fail(UserError("--password-stdin: nothing on standard input"))
        return line.rstrip("\r\n")
    if not _interactive():
        _fail(UserError("no terminal to ask for the password: pipe it in with --password-stdin"))
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password", err=True)


def _name(value: str) -> str:
    return value.strip().lower()


role_option = click.option("--role", type=click.Choice(ROLES), required=True, help=f"The user's role: {ROLE_HELP}.")
password_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line) instead of a prompt."
)


@click.group()
def users() -> None:
    """Manage the people who sign in to the dashboards (viewer, planner, reviewer, admin)."""


@users.command("add")
@click.argument("name")
@role_option
@password_option
@click.pass_obj
def add_cmd(home: Home, name: str, role: str, password_stdin: bool) -> None:
    """Add the user NAME (lower-case letters, digits, '.', '_', '-') with a password of at least 8 characters."""
    from ingest.cli import _say
    from ingest.users import add_user, check_role, check_username, get_user

    name = _name(name)
    _do(check_username, name)
    _do(check_role, role)
    if _do(get_user, home, name) is not None:
        _fail(UserError(f"user {name!r} already exists (change it with `oobc users set-role` or `set-password`)"))
    _do(add_user, home, name, _read_password(password_stdin), role)
    _say(f"added {name} ({role})")


@users.command("list")
@click.pass_obj
def list_cmd(home: Home) -> None:
    """List the users: name, role, active, last sign-in (UTC)."""
    from ingest.users import list_users

    rows = _do(list_users, home)
    if not rows:
        click.echo("no users yet: add one with `oobc users add NAME --role admin`")
        return
    header = ("name", "role", "active", "last sign-in (UTC)")
    table = [
        (
            u.username,
            u.role,
            "yes" if u.active else "no",
            u.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if u.last_sign_in_at else "never",
        )
        for u in rows
    ]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    for row in [header, *table]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@users.command("set-role")
@click.argument("name")
@role_option
@click.pass_obj
def set_role_cmd(home: Home, name: str, role: str) -> None:
    """Give NAME another role (their open sessions end)."""
    from ingest.cli import _say
    from ingest.users import set_role

    _do(set_role, home, _name(name), role)
    _say(f"{_name(name)} is now {role}")


@users.command("set-password")
@click.argument("name")
@password_option
@click.pass_obj
def set_password_cmd(home: Home, name: str, password_stdin: bool) -> None:
    """Give NAME a new password (their open sessions end)."""
    from ingest.cli import _say
    from ingest.users import check_username, get_user, set_password

    name = _name(name)
    _do(check_username, name)
    if _do(get_user, home, name) is None:
        _fail(UserError(f"no user {name!r} (see `oobc users list`)"))
    _do(set_password, home, name, _read_password(password_stdin))
    _say(f"password of {name} changed")


@users.command("disable")
@click.argument("name")
@click.pass_obj
def disable_cmd(home: Home, name: str) -> None:
    """Stop NAME from signing in (their open sessions end at once); `enable` undoes it."""
    _set_active(home, name, active=False)


@users.command("enable")
@click.argument("name")
@click.pass_obj
def enable_cmd(home: Home, name: str) -> None:
    """Let a disabled NAME sign in again."""
    _set_active(home, name, active=True)


def _set_active(home: Home, name: str, *, active: bool) -> None:
    from ingest.cli import _say
    from ingest.users import set_active

    _do(set_active, home, _name(name), active)
    _say(f"{_name(name)} {'enabled' if active else 'disabled'}")


@users.command("remove")
@click.argument("name")
@click.pass_obj
def remove_cmd(home: Home, name: str) -> None:
    """Delete NAME (their open sessions end at once)."""
    from ingest.cli import _say
    from ingest.users import remove_user

    _do(remove_user, home, _name(name))
    _say(f"{_name(name)} removed")
