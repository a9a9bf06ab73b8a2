"""The people who may sign in to the dashboards, and what each may do.

Users live in the state database (``home.state_url``), table ``app_user``. Passwords are stored only as argon2id
hashes (``argon2-cffi``'s ``PasswordHasher``: salted, memory-hard, verified in constant time); a hash made with older
parameters is replaced at the next successful sign-in. Checking the password of a name that does not exist still
spends one hash verification, so the time a refusal takes does not tell whether the name exists.

Roles (each includes ``viewer``):

- ``viewer``   reads every page;
- ``planner``  also saves, clones and changes the status of budget scenarios;
- ``reviewer`` also tags PPAs to BDP goals and leaves review notes;
- ``admin``    everything, plus managing users (``oobc users``) and "Refresh now" on the data-quality page.

Every change that should end the sessions already open (new password, new role, disabled) bumps the user's
``session_epoch``; a session cookie carries the epoch it was issued with and stops working when it changes.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ingest.home import Home
from ingest.state import utcnow

ROLES: tuple[str, ...] = ("viewer", "planner", "reviewer", "admin")

# What each role may do beyond reading (the dashboards check these, server-side).
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "planner": frozenset({"scenarios"}),
    "reviewer": frozenset({"reviews"}),
    "admin": frozenset({"scenarios", "reviews", "refresh", "users"}),
}
PERMISSION_TEXT = {
    "scenarios": "save or change scenarios",
    "reviews": "save BDP tags and review notes",
    "refresh": "start a refresh",
    "users": "manage users",
}

USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,40}$")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # hashing a megabyte-long "password" on every attempt would be a cheap denial of service

users_metadata = sa.MetaData()

app_user = sa.Table(
    "app_user",
    users_metadata,
    sa.Column("username", sa.String(40), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2id, never the password
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("session_epoch", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("updated_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("last_sign_in_at", sa.DateTime),  # UTC; null: never signed in
)


class UserError(Exception):
    """A user-management request that cannot be done (bad name, role or password; unknown or duplicate user)."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool
    session_epoch: int
    created_at: datetime
    last_sign_in_at: datetime | None

    def can(self, permission: str) -> bool:
        return self.active and permission in PERMISSIONS.get(self.role, frozenset())


_hasher = PasswordHasher()
_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()
_dummy_hash: list[str] = []


def _engine(home: Home) -> sa.Engine:
    url = home.state_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            home.ensure()
            engine = sa.create_engine(url)
            try:
                users_metadata.create_all(engine, checkfirst=True)
            except sa.exc.OperationalError:  # another process (a gunicorn worker) created it at the same moment
                if not sa.inspect(engine).has_table(app_user.name):
                    raise
            _engines[url] = engine
    return engine


def forget_engines() -> None:
    """Drop cached connections (a test that deletes a home, a worker after fork)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


# ------------------------------------------------------------------------------------------ checks
def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME_RE.fullmatch(username):
        raise UserError(f"bad user name {username!r}: 2 to 40 characters, lower-case letters, digits, '.', '_' or '-'")
    return username


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return role


def check_password(password: str, username: str = "") -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise UserError(f"password too short: at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"password too long: at most {PASSWORD_MAX} characters")
    if not password.strip():
        raise UserError("password is only spaces")
    if username and password.lower() == username.lower():
        raise UserError("password must not be the user name")
    return password


def _row_to_user(row) -> User:
    m = row._mapping
    return User(
        username=m["username"],
        role=m["role"],
        active=bool(m["active"]),
        session_epoch=int(m["session_epoch"]),
        created_at=m["created_at"],
        last_sign_in_at=m["last_sign_in_at"],
    )


# ------------------------------------------------------------------------------------------ changes
def add_user(home: Home, username: str, password: str, role: str) -> None:
    """Create a user who can sign in with ``password``; ``UserError`` on a bad name, role or password, or a name
    already taken."""
    check_username(username)
    check_role(role)
    check_password(password, username)
    now = utcnow()
    values = {
        "username": username,
        "password_hash": _hasher.hash(password),
        "role": role,
        "active": True,
        "session_epoch": 1,
        "created_at": now,
        "updated_at": now,
        "last_sign_in_at": None,
    }
    try:
        with _engine(home).begin() as conn:
            conn.execute(app_user.insert().values(**values))
    except sa.exc.IntegrityError:
        raise UserError(f"user {username!r} already exists") from None


def _update(home: Home, username: str, bump_epoch: bool, **values) -> None:
    check_username(username)
    values["updated_at"] = utcnow()
    if bump_epoch:
        values["session_epoch"] = app_user.c.session_epoch + 1
    with _engine(home).begin() as conn:
        result = conn.execute(app_user.update().where(app_user.c.username == username).values(**values))
    if result.rowcount != 1:
        raise UserError(f"no user {username!r} (see `oobc users list`)")


def set_role(home: Home, username: str, role: str) -> None:
    check_role(role)
    _update(home, username, bump_epoch=True, role=role)


def set_password(home: Home, username: str, password: str) -> None:
    """A new password; sessions opened with the old one end."""
    check_username(username)
    check_password(password, username)
    _update(home, username, bump_epoch=True, password_hash=_hasher.hash(password))


def set_active(home: Home, username: str, active: bool) -> None:
    """Disable (sessions end at once, sign-in refused) or enable a user."""
    _update(home, username, bump_epoch=not active, active=active)


def remove_user(home: Home, username: str) -> None:
    check_username(username)
    with _engine(home).begin() as conn:
        result = conn.execute(app_user.delete().where(app_user.c.username == username))
    if result.rowcount != 1:
        raise UserError(f"no user {username!r} (see `oobc users list`)")


# ------------------------------------------------------------------------------------------ reading
def get_user(home: Home, username: str) -> User | None:
    if not isinstance(username, str) or not USERNAME_RE.fullmatch(username):
        return None
    with _engine(home).connect() as conn:
        row = conn.execute(sa.select(app_user).where(app_user.c.username == username)).first()
    return _row_to_user(row) if row is not None else None


def list_users(home: Home) -> list[User]:
    with _engine(home).connect() as conn:
        rows = conn.execute(sa.select(app_user).order_by(app_user.c.username)).all()
    return [_row_to_user(r) for r in rows]


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy_hash[0]


def verify_password(home: Home, username: str, password: str) -> User | None:
    """The active user ``username`` if ``password`` is theirs, else None. Records the sign-in time on success.

    An unknown, malformed or disabled name still costs one argon2 verification, like a wrong password."""
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        password = ""
    row = None
    if isinstance(username, str) and USERNAME_RE.fullmatch(username):
        with _engine(home).connect() as conn:
            row = conn.execute(sa.select(app_user).where(app_user.c.username == username)).first()
    stored = row._mapping["password_hash"] if row is not None else _dummy()
    try:
        ok = _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or not row._mapping["active"]:
        return None
    values: dict = {"last_sign_in_at": utcnow()}
    if _hasher.check_needs_rehash(stored):
        values["password_hash"] = _hasher.hash(password)
    with _engine(home).begin() as conn:
        conn.execute(app_user.update().where(app_user.c.username == username).values(**values))
    return get_user(home, username)


def random_password() -> str:
    """A password for a generated account (demo users, tests): 20 URL-safe characters, about 120 bits."""
    return secrets.token_urlsafe(15)


# ------------------------------------------------------------------------------------------ demo users
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("admin", "admin"),
    ("planner", "planner"),
    ("reviewer", "reviewer"),
    ("viewer", "viewer"),
)


def demo_users_file(home: Home) -> Path:
    return home.root / "demo-users.txt"


def ensure_demo_users(home: Home) -> list[tuple[str, str, str]]:
    """One user per role in a demo home (named after the role), made only when missing, with random passwords.

    Returns the users made now as (name, role, password); every demo user whose password is known is written to
    ``<home>/demo-users.txt`` (mode 0600)."""
    path = demo_users_file(home)
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3 and not line.startswith("#"):
                known[parts[0]] = parts[2]
    made = []
    for name, role in DEMO_USERS:
        if get_user(home, name) is None:
            password = random_password()
            add_user(home, name, password, role)
            known[name] = password
            made.append((name, role, password))
    lines = [
        "# Demo users of this OOBC home (`oobc demo`): name, role, password. Sign in at /login.",
        "# Change a password with `oobc users set-password NAME`; this file is not updated then.",
    ]
    for name, _role in DEMO_USERS:
        user = get_user(home, name)
        if user is not None and name in known:
            lines.append(f"{name} {user.role} {known[name]}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
    return made
