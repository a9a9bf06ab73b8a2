"""Users of the dashboards: stored hashed in the state database, managed with `oobc users …`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import users
from ingest.cli import main
from ingest.home import Home

PASSWORD = "correct horse battery"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _rows(home: Home) -> list[tuple]:
    users.list_users(home)  # the table exists once anything asked for it
    with sqlite3.connect(home.state_db) as con:
        return con.execute("select username, password_hash, role, active from app_user order by username").fetchall()


def _oobc(home: Home, *args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["--home", str(home.root), *args], input=stdin)


# ------------------------------------------------------------------------------------------ the store
def test_passwords_are_stored_as_argon2_hashes_only(home):
    users.add_user(home, "ana", PASSWORD, "planner")
    users.add_user(home, "ben", PASSWORD, "viewer")
    (ana, ben) = _rows(home)
    assert ana[0] == "ana" and ana[2] == "planner" and ana[3] == 1
    assert ana[1].startswith("$argon2id$") and ben[1].startswith("$argon2id$")
    assert ana[1] != ben[1]  # salted: the same password, two hashes
    raw = home.state_db.read_bytes()
    assert PASSWORD.encode() not in raw


def test_verify_password(home):
    users.add_user(home, "ana", PASSWORD, "reviewer")
    assert users.get_user(home, "ana").last_sign_in_at is None
    user = users.verify_password(home, "ana", PASSWORD)
    assert user is not None and user.role == "reviewer" and user.can("reviews") and not user.can("scenarios")
    assert user.last_sign_in_at is not None
    assert users.verify_password(home, "ana", PASSWORD + "x") is None
    assert users.verify_password(home, "ana", PASSWORD.upper()) is None
    assert users.verify_password(home, "nobody", PASSWORD) is None
    assert users.verify_password(home, "'; drop table app_user; --", PASSWORD) is None
    assert users.verify_password(home, "ana", "x" * 5000) is None
    users.set_active(home, "ana", False)
    assert users.verify_password(home, "ana", PASSWORD) is None  # disabled
    users.set_active(home, "ana", True)
    assert users.verify_password(home, "ana", PASSWORD) is not None


def test_an_outdated_hash_is_replaced_at_sign_in(home, monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    users.add_user(home, "ana", PASSWORD, "viewer")
    old = _rows(home)[0][1]
    assert "m=8192" in old
    monkeypatch.setattr(users, "_hasher", PasswordHasher())  # the library's current parameters
    assert users.verify_password(home, "ana", PASSWORD) is not None
    new = _rows(home)[0][1]
    assert new != old and "m=8192" not in new
    assert users.verify_password(home, "ana", PASSWORD) is not None


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("ana", "short", "viewer", "at least 8 characters"),
        ("ana", PASSWORD, "boss", "unknown role 'boss'"),
        ("Ana Cruz", PASSWORD, "viewer", "bad user name"),
        ("a", PASSWORD, "viewer", "bad user name"),
        ("x" * 41, PASSWORD, "viewer", "bad user name"),
        ("ana/../x", PASSWORD, "viewer", "bad user name"),
        ("ana", "ana", "viewer", "at least 8"),
        ("anabella", "ANABELLA", "viewer", "must not be the user name"),
        ("ana", " " * 10, "viewer", "only spaces"),
    ],
)
def test_add_user_refuses_bad_input(home, name, password, role, message):
    with pytest.raises(users.UserError, match=message):
        users.add_user(home, name, password, role)
    assert _rows(home) == []


def test_a_name_is_taken_once(home):
    users.add_user(home, "ana", PASSWORD, "viewer")
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(home, "ana", PASSWORD + "2", "admin")
    assert [r[2] for r in _rows(home)] == ["viewer"]


def test_changes_end_open_sessions(home):
    users.add_user(home, "ana", PASSWORD, "viewer")
    epoch = users.get_user(home, "ana").session_epoch
    users.set_role(home, "ana", "planner")
    assert users.get_user(home, "ana").session_epoch == epoch + 1
    users.set_password(home, "ana", "another password")
    assert users.get_user(home, "ana").session_epoch == epoch + 2
    assert users.verify_password(home, "ana", PASSWORD) is None
    assert users.verify_password(home, "ana", "another password").role == "planner"
    with pytest.raises(users.UserError, match="no user 'bob'"):
        users.set_role(home, "bob", "admin")
    users.remove_user(home, "ana")
    assert users.get_user(home, "ana") is None


def test_demo_users_are_made_once_with_a_private_file(home):
    made = users.ensure_demo_users(home)
    assert [(n, r) for n, r, _ in made] == list(users.DEMO_USERS)
    path = users.demo_users_file(home)
    assert path.stat().st_mode & 0o777 == 0o600
    lines = [line.split() for line in path.read_text().splitlines() if not line.startswith("#")]
    assert lines == [[n, r, p] for n, r, p in made]
    for name, _role, password in made:
        assert users.verify_password(home, name, password) is not None
    assert users.ensure_demo_users(home) == []  # a second demo run keeps them (and their passwords)
    assert [line.split() for line in path.read_text().splitlines() if not line.startswith("#")] == lines


# ------------------------------------------------------------------------------------------ the command
def test_users_add_list_set_role_remove(home):
    result = _oobc(home, "users", "add", "ana", "--role", "planner", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "added ana (planner)" in result.output
    assert users.verify_password(home, "ana", PASSWORD).role == "planner"

    result = _oobc(home, "users", "add", "ben", "--role", "viewer", "--password-stdin", stdin="another one\n")
    assert result.exit_code == 0, result.output
    result = _oobc(home, "users", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "role", "active", "last", "sign-in", "(UTC)"]
    assert lines[1].split()[:3] == ["ana", "planner", "yes"] and lines[1].split()[3] != "never"
    assert lines[2].split() == ["ben", "viewer", "yes", "never"]
    assert PASSWORD not in result.output

    assert _oobc(home, "users", "set-role", "ben", "--role", "reviewer").exit_code == 0
    assert users.get_user(home, "ben").role == "reviewer"
    result = _oobc(home, "users", "set-password", "ben", "--password-stdin", stdin="a new secret\n")
    assert result.exit_code == 0, result.output
    assert users.verify_password(home, "ben", "a new secret") is not None
    assert _oobc(home, "users", "disable", "ben").exit_code == 0
    assert _oobc(home, "users", "list").output.splitlines()[2].split()[:3] == ["ben", "reviewer", "no"]
    assert _oobc(home, "users", "enable", "ben").exit_code == 0
    assert _oobc(home, "users", "remove", "ben").exit_code == 0
    assert [r[0] for r in _rows(home)] == ["ana"]


def test_the_password_is_asked_twice_when_not_piped(home, monkeypatch):
    import click

    answers = []

    def prompt(text, hide_input=False, confirmation_prompt=False, err=False):
        answers.append((text, hide_input, bool(confirmation_prompt)))
        return PASSWORD

    monkeypatch.setattr(click, "prompt", prompt)
    monkeypatch.setattr("ingest.cli_users._interactive", lambda: True)
    result = CliRunner().invoke(main, ["--home", str(home.root), "users", "add", "ana", "--role", "viewer"])
    assert result.exit_code == 0, result.output
    assert answers == [("Password", True, True)]
    assert users.verify_password(home, "ana", PASSWORD) is not None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "ana", "--role", "viewer", "--password-stdin"), "short\n", "at least 8 characters"),
        (("users", "add", "Ana Cruz", "--role", "viewer", "--password-stdin"), PASSWORD + "\n", "bad user name"),
        (("users", "add", "ana", "--role", "viewer", "--password-stdin"), "", "nothing on standard input"),
        (("users", "add", "ana", "--role", "viewer"), "", "no terminal to ask for the password"),
        (("users", "set-role", "nobody", "--role", "admin"), None, "no user 'nobody'"),
        (("users", "set-password", "nobody", "--password-stdin"), PASSWORD + "\n", "no user 'nobody'"),
        (("users", "remove", "nobody"), None, "no user 'nobody'"),
        (("users", "disable", "x"), None, "bad user name"),
    ],
)
def test_user_errors_are_one_line(home, args, stdin, message):
    result = _oobc(home, *args, stdin=stdin)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], result.output
    assert _rows(home) == []


def test_bad_role_and_plain_password_option_are_refused(home):
    result = _oobc(home, "users", "add", "ana", "--role", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 2 and "'boss' is not one of" in result.output
    result = _oobc(home, "users", "add", "ana", "--role", "viewer", "--password", PASSWORD)
    assert result.exit_code == 2 and "No such option '--password'" in result.output
    assert _rows(home) == []


def test_a_duplicate_user_is_refused(home):
    users.add_user(home, "ana", PASSWORD, "viewer")
    result = _oobc(home, "users", "add", "ana", "--role", "admin", "--password-stdin", stdin="other password\n")
    assert result.exit_code == 1 and "user 'ana' already exists" in result.output
    assert [r[2] for r in _rows(home)] == ["viewer"]


def test_oobc_demo_makes_the_demo_users_and_prints_their_passwords_once(home):
    first = _oobc(home, "demo", "--scale", "0.02", "--no-refresh")
    assert first.exit_code == 0, first.output
    written = {
        parts[0]: parts[2]
        for parts in (line.split() for line in users.demo_users_file(home).read_text().splitlines())
        if parts and not parts[0].startswith("#")
    }
    assert sorted(written) == ["admin", "planner", "reviewer", "viewer"]
    for name, password in written.items():
        assert password in first.output
        assert users.verify_password(home, name, password).role == name
    again = _oobc(home, "demo", "--scale", "0.02", "--no-refresh")
    assert again.exit_code == 0, again.output
    assert "demo users: already there" in again.output
    assert not any(password in again.output for password in written.values())
