"""API tokens of the client systems that read the data API, and the log of their requests (state database).

A client system (the Bangsamoro budget tracking system, an LGU portal, the Chief Minister's office reporting) gets a
token with a role; ``oobc tokens create`` prints it once and only its SHA-256 hash is stored, with a short prefix
to tell tokens apart in ``oobc tokens list`` and the request log.

Why a fast hash is right here: a token is 256 random bits (``secrets.token_urlsafe(32)``), not a password a person
chose. Nobody can guess or brute-force 2^256 possibilities however fast the hash is, so the slow, salted hashes
that protect low-entropy passwords (bcrypt, scrypt, argon2) add nothing but latency to every API request. The
hash is looked up by equality in the database, which leaks nothing useful about a token.

Roles (``ROLES``):

- ``reader``: the published figures: PPAs with budget execution, annual budget figures, ceilings, policies, areas,
  freshness;
- ``analyst``: everything a reader has, plus needs gaps, equity by area and scenario comparisons (planning
  analysis, including draft scenarios, that is not a published figure).

The tables ``api_token`` and ``api_request`` have their own metadata and are created with ``checkfirst`` on first
use, beside the state database's other tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from ingest.home import Home

api_metadata = sa.MetaData()

ROLES = ("reader", "analyst")
# What each role may read: an endpoint names the role it needs; a role includes those before it in this order.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

TOKEN_PREFIX = "oobc_"
TOKEN_BYTES = 32  # 256 bits of randomness
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # "oobc_" and the first 8 random characters: tells tokens apart, proves nothing
CLIENT_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

api_token = sa.Table(
    "api_token",
    api_metadata,
    sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_prefix", sa.String(20), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("revoked_at", sa.DateTime),  # UTC; null while the token is valid
    sa.Column("last_used_at", sa.DateTime),  # UTC
)

api_request = sa.Table(
    "api_request",
    api_metadata,
    sa.Column("request_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("requested_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("client", sa.String(64)),  # null when no valid token came with the request
    sa.Column("token_prefix", sa.String(20)),
    sa.Column("endpoint", sa.String(200), nullable=False),  # the path, e.g. /api/v1/ppas
    sa.Column("query_string", sa.Text),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("row_count", sa.Integer),  # rows in the response (null for errors)
    sa.Column("warehouse", sa.String(200)),  # the warehouse file the answer came from
    sa.Column("milliseconds", sa.Float, nullable=False),
)


class TokenError(Exception):
    """A token command that cannot be done (unknown role, bad client name, nothing to revoke); one clear line."""


@dataclass(frozen=True)
class Client:
    """The client system a valid token belongs to."""

    client: str
    role: str
    token_prefix: str
    token_id: int

    def may(self, role: str) -> bool:
        """True when this client's role includes ``role``."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_ENGINES: dict[str, sa.Engine] = {}


def engine_for(home: Home) -> sa.Engine:
    """The state database's engine with the API tables present (created once per process and URL)."""
    url = home.state_url
    engine = _ENGINES.get(url)
    if engine is None:
        home.ensure()
        engine = sa.create_engine(url)
        for attempt in range(3):
            try:
                api_metadata.create_all(engine, checkfirst=True)
                break
            except sa.exc.OperationalError:  # another process (a gunicorn worker) created one at the same moment
                present = set(sa.inspect(engine).get_table_names())
                if set(api_metadata.tables) <= present:
                    break
                if attempt == 2:
                    raise
        engine.dispose()  # no pooled connection survives into a forked worker
        _ENGINES[url] = engine
    return engine


# ------------------------------------------------------------------------------------------ tokens
def create_token(home: Home, client: str, role: str) -> str:
    """Create a token for ``client`` with ``role``; return the token (shown once, stored only as its hash).

    A client may hold several valid tokens (to rotate one: create the new one, switch, revoke the old by prefix).
    """
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if not CLIENT_PATTERN.fullmatch(client or ""):
        raise TokenError(
            f"client name {client!r} must be 1-64 letters, digits, dots, dashes or underscores, starting with a "
            "letter or digit"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with engine_for(home).begin() as conn:
        conn.execute(
            api_token.insert().values(
                client=client,
                role=role,
                token_prefix=token[:PREFIX_LENGTH],
                token_sha256=token_hash(token),
                created_at=utcnow(),
            )
        )
    return token


def list_tokens(home: Home) -> list[dict]:
    """Every token (never the token itself): client, role, prefix, created, last used, revoked; by client."""
    with engine_for(home).connect() as conn:
        rows = conn.execute(
            sa.select(
                api_token.c.client,
                api_token.c.role,
                api_token.c.token_prefix,
                api_token.c.created_at,
                api_token.c.last_used_at,
                api_token.c.revoked_at,
            ).order_by(api_token.c.client, api_token.c.created_at, api_token.c.token_id)
        ).all()
    return [dict(r._mapping) for r in rows]


def revoke(home: Home, client_or_prefix: str) -> int:
    """Revoke every valid token of a client, or the one token with that prefix; return how many were revoked."""
    if not client_or_prefix:
        raise TokenError("name a client or a token prefix to revoke")
    valid = api_token.c.revoked_at.is_(None)
    with engine_for(home).begin() as conn:
        if client_or_prefix.startswith(TOKEN_PREFIX):
            match = api_token.c.token_prefix == client_or_prefix[:PREFIX_LENGTH]
        else:
            match = api_token.c.client == client_or_prefix
        known = conn.execute(sa.select(sa.func.count()).select_from(api_token).where(match)).scalar_one()
        if not known:
            raise TokenError(f"no client or token prefix {client_or_prefix!r}: `oobc tokens list` shows them")
        result = conn.execute(api_token.update().where(match, valid).values(revoked_at=utcnow()))
    return result.rowcount


def authenticate(home: Home, token: str) -> Client | None:
    """The client a presented token belongs to, or None when the token is unknown or revoked."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with engine_for(home).connect() as conn:
        row = conn.execute(
            sa.select(api_token.c.client, api_token.c.role, api_token.c.token_prefix, api_token.c.token_id).where(
                api_token.c.token_sha256 == token_hash(token), api_token.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return Client(row.client, row.role, row.token_prefix, row.token_id)


# --------------------------------------------------------------------------------------- the log
def log_request(
    home: Home,
    *,
    client: Client | None,
    endpoint: str,
    query_string: str,
    status: int,
    row_count: int | None,
    warehouse: str | None,
    milliseconds: float,
) -> None:
    """Record one API request, and when a client made it, the token's last use (one transaction)."""
    now = utcnow()
    with engine_for(home).begin() as conn:
        conn.execute(
            api_request.insert().values(
                requested_at=now,
                client=client.client if client else None,
                token_prefix=client.token_prefix if client else None,
                endpoint=endpoint[:200],
                query_string=query_string or None,
                status=status,
                row_count=row_count,
                warehouse=warehouse,
                milliseconds=milliseconds,
            )
        )
        if client is not None:
            conn.execute(api_token.update().where(api_token.c.token_id == client.token_id).values(last_used_at=now))


def requests_logged(home: Home) -> list[dict]:
    """The request log, oldest first."""
    with engine_for(home).connect() as conn:
        rows = conn.execute(sa.select(api_request).order_by(api_request.c.request_id)).all()
    return [dict(r._mapping) for r in rows]
