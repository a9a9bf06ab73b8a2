"""``oobc tokens create | list | revoke``: the token is printed once, listed by prefix only, revoked by client or
prefix, and a revoked token no longer opens the API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ingest import api_tokens
from ingest.cli import main
from tests.api.conftest import bearer


def run(home, *args: str):
    return CliRunner().invoke(main, ["--home", str(home.root), "tokens", *args])


def test_create_prints_the_token_once_and_list_never_shows_it(home):
    created = run(home, "create", "budget-tracker", "--role", "analyst")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("oobc_") and len(token) > 40
    assert "shown only this once" in created.stderr
    found = api_tokens.authenticate(home, token)
    assert (found.client, found.role, found.token_prefix) == ("budget-tracker", "analyst", token[:13])
    listed = run(home, "list")
    assert listed.exit_code == 0
    assert token not in listed.output
    lines = listed.output.splitlines()
    assert lines[0].split()[:3] == ["client", "role", "prefix"]
    assert lines[1].split()[:3] == ["budget-tracker", "analyst", token[:13]]


def test_revoke_by_client_and_by_prefix(home, client):
    first = run(home, "create", "lgu-portal", "--role", "reader").stdout.strip()
    second = run(home, "create", "lgu-portal", "--role", "reader").stdout.strip()
    other = run(home, "create", "cmo-reporting", "--role", "reader").stdout.strip()
    revoked = run(home, "revoke", first[:13])
    assert revoked.exit_code == 0 and "revoked 1 token of" in revoked.stderr
    assert client.get("/api/v1/freshness", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/freshness", headers=bearer(second)).status_code == 200
    revoked = run(home, "revoke", "lgu-portal")
    assert revoked.exit_code == 0 and "revoked 1 token of lgu-portal" in revoked.stderr
    assert client.get("/api/v1/freshness", headers=bearer(second)).status_code == 401
    assert client.get("/api/v1/freshness", headers=bearer(other)).status_code == 200
    again = run(home, "revoke", "lgu-portal")
    assert again.exit_code == 0 and "no valid token left" in again.stderr
    listed = run(home, "list").output
    assert listed.count("lgu-portal") == 2 and "cmo-reporting" in listed


def test_user_errors_are_one_line_and_exit_1(home):
    unknown = run(home, "revoke", "nobody")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().startswith("error: no client or token prefix 'nobody'")
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad_name = run(home, "create", "no spaces please", "--role", "reader")
    assert bad_name.exit_code == 1 and "client name" in bad_name.stderr
    bad_role = run(home, "create", "portal", "--role", "admin")
    assert bad_role.exit_code == 2 and "'admin' is not one of 'reader', 'analyst'" in bad_role.stderr
    assert run(home, "list").output.startswith("no API tokens")


def test_the_installed_command_has_the_tokens_group(home):
    exe = Path(sys.executable).with_name("oobc")
    result = subprocess.run(
        [str(exe), "--home", str(home.root), "tokens", "create", "portal", "--role", "reader"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert api_tokens.authenticate(home, result.stdout.strip()).client == "portal"
