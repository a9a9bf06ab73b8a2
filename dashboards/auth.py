"""Sign-in and roles for the dashboards.

``install(app, home)`` puts Flask-Login in front of the Dash app's Flask server:

- ``GET /login`` shows a small sign-in form (plain HTML, the dashboards' own CSS); ``POST /login`` with ``username``
  and ``password`` (and an optional ``next``, accepted only when it is a path on this site) signs in and redirects,
  or answers 401 with the form and a message. ``GET /logout`` signs out.
- every other request needs a signed-in user (a ``before_request`` guard): a page asked for without one is
  redirected to ``/login?next=<path>``; a callback (``/_dash-update-component``) or another of Dash's XHR routes
  answers 401 JSON ``{"error": "sign in required"}``. Paths under ``/api/`` are left to the data API (it checks its
  own tokens); the static files under ``/assets/`` the sign-in page uses are open.
- callbacks that write (save a scenario, save a BDP review, start a refresh) are tied to a permission with
  :func:`requires`; the guard reads the callback's ``output`` from the request and answers 403 JSON when the user's
  role lacks it, before Dash runs anything, and the callback checks again itself.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, 12 hours), keyed by ``OOBC_SECRET_KEY`` or the random
key kept in ``<home>/secret_key`` (mode 0600) so every gunicorn worker shares it. The cookie carries the user's
``session_epoch``: a new password, a new role or a disabled account ends the sessions already open. Failed sign-ins
are logged (logger ``oobc.auth``) and, after ``MAX_FAILURES`` for one name within ``FAILURE_WINDOW`` seconds, that
name is refused for ``FAILURE_WINDOW`` seconds (HTTP 429) without checking the password.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import dash
import flask
import flask_login
from dash.exceptions import DependencyException
from flask import Response, jsonify, make_response, redirect, render_template_string, request, session
from werkzeug.exceptions import Forbidden

from ingest import users
from ingest.home import Home

log = logging.getLogger("oobc.auth")

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
CALLBACK_PATH = "/_dash-update-component"
OPEN_PATHS = frozenset({LOGIN_PATH, LOGOUT_PATH, "/_favicon.ico", "/favicon.ico"})
OPEN_PREFIXES = ("/assets/", "/api/")  # static files; the data API authenticates itself
XHR_PREFIXES = ("/_dash-", "/_reload-hash")  # Dash's own routes: JSON and scripts, never a page to redirect

SESSION_HOURS = 12
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60  # seconds
PERMISSION_ATTR = "_oobc_permission"
SIGN_IN_REQUIRED = "sign in required"


# ------------------------------------------------------------------------------------------ the user
class SignedIn(flask_login.UserMixin):
    """The signed-in user of a request (read from the state database on every request)."""

    def __init__(self, user: users.User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.username}:{self.user.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.user.active

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, permission: str) -> bool:
        return self.user.can(permission)


def current() -> SignedIn | None:
    """The signed-in user of the current request; None outside a request or when nobody is signed in."""
    if not flask.has_request_context():
        return None
    user = flask_login.current_user
    return user if isinstance(user, SignedIn) and user.is_authenticated else None


def allowed(permission: str) -> bool:
    user = current()
    return user is not None and user.can(permission)


def refusal(permission: str) -> str:
    """The one-line note shown instead of a control the user's role cannot use."""
    user = current()
    who = f"Your role ({user.role})" if user else "Signing in"
    action = users.PERMISSION_TEXT.get(permission, permission)
    roles = [r for r in users.ROLES if permission in users.PERMISSIONS[r]]
    return f"{who} cannot {action}; ask an administrator for the {' or '.join(roles)} role."


def _forbidden(permission: str) -> Response:
    user = current()
    action = users.PERMISSION_TEXT.get(permission, permission)
    return make_response(jsonify(error=f"role {user.role if user else 'none'} cannot {action}"), 403)


def requires(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a Dash callback function as needing ``permission``; put it under ``@app.callback`` (or wrap the function
    given to ``app.callback(...)``). The request guard refuses it with 403 before Dash runs it; the function checks
    again itself (defence in depth) and refuses the same way."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(permission):
                log.warning("refused %s to %s inside the callback", permission, _who())
                raise Forbidden(response=_forbidden(permission))
            return function(*args, **kwargs)

        setattr(guarded, PERMISSION_ATTR, permission)  # Dash's own wrapper copies it (functools.wraps)
        return guarded

    return decorate


def protected_callbacks(app: dash.Dash) -> dict[str, str]:
    """Callback output key (as the browser posts it) -> the permission it needs."""
    return {
        key: getattr(spec.get("callback"), PERMISSION_ATTR)
        for key, spec in app.callback_map.items()
        if getattr(spec.get("callback"), PERMISSION_ATTR, None)
    }


def _who() -> str:
    user = current()
    return f"{user.username} ({user.role})" if user else f"anonymous from {request.remote_addr}"


# ------------------------------------------------------------------------------------------ secret key
def secret_key(home: Home) -> str:
    """``OOBC_SECRET_KEY``, else the key kept in ``<home>/secret_key`` (made once, mode 0600, shared by workers)."""
    from_env = os.environ.get("OOBC_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    home.ensure()
    path = home.root / "secret_key"
    for _ in range(50):
        try:
            key = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            key = ""
        if key:
            return key
        tmp = home.root / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)  # atomic, and fails when another worker made it first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    raise RuntimeError(f"{path}: cannot read or create the session key")


# ------------------------------------------------------------------------------------------ failed sign-ins
class FailedSignIns:
    """Failed sign-ins per user name in this process; a name with too many recent ones is refused for a while."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW):
        self.limit = limit
        self.window = window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(name, []) if now - t < self.window]
        if kept:
            self._failures[name] = kept
        else:
            self._failures.pop(name, None)
        return kept

    def blocked_for(self, name: str) -> float:
        """Seconds until ``name`` may try again (0: it may)."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent(name, now)
            if len(recent) < self.limit:
                return 0.0
            return max(self.window - (now - recent[-self.limit]), 1.0)

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic())
            if len(self._failures) > 10_000:  # someone trying many names: forget the oldest
                for stale in list(self._failures)[:5_000]:
                    self._failures.pop(stale, None)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


# ------------------------------------------------------------------------------------------ redirects
def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site (``/gaps?fiscal_year=2025``), else ``/``: never another site."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return "/"
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if parts.path in (LOGIN_PATH, LOGOUT_PATH):
        return "/"
    return target


def _login_url(next_path: str) -> str:
    return f"{LOGIN_PATH}?next={quote(next_path, safe='/')}"


# ------------------------------------------------------------------------------------------ the page
LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · OOBC planning and budget</title>
  <link rel="stylesheet" href="/assets/oobc.css">
  <link rel="stylesheet" href="/assets/login.css">
</head>
<body class="login-body">
  <header class="login-header">
    <span class="brand-mark">OOBC</span>
    <span class="brand-text">
      <span class="brand-title">Planning and budget</span>
      <span class="brand-sub">Office for Other Bangsamoro Communities · BARMM</span>
    </span>
  </header>
  <main class="login-main">
    <form class="login-form" method="post" action="/login" novalidate>
      <h1 class="login-title">Sign in</h1>
      {% if message %}<p class="login-error" role="alert" id="login-error">{{ message }}</p>{% endif %}
      {% if notice %}<p class="login-notice" role="status">{{ notice }}</p>{% endif %}
      <label for="username">User name</label>
      <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
             spellcheck="false" required maxlength="40" value="{{ username }}"
             {% if message %}aria-describedby="login-error"{% endif %} {% if not username %}autofocus{% endif %}>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required
             maxlength="1024" {% if username %}autofocus{% endif %}>
      <input type="hidden" name="next" value="{{ next }}">
      <button type="submit" class="login-button">Sign in</button>
      <p class="login-help">Accounts are given by the OOBC data team (<code>oobc users add</code>).</p>
    </form>
  </main>
</body>
</html>
"""


def _page(status: int, *, message: str = "", notice: str = "", username: str = "", next_path: str = "/") -> Response:
    body = render_template_string(LOGIN_PAGE, message=message, notice=notice, username=username, next=next_path)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


# ------------------------------------------------------------------------------------------ install
# Inputs a browser always sends as text (or nothing): dcc.Location's parts
_TEXT_PROPERTIES = frozenset({"pathname", "search", "hash", "href"})


def _input_problem(item: Any) -> str | None:
    if isinstance(item, list):  # a pattern-matching input (ALL / MATCH): a list of inputs
        return next((p for p in map(_input_problem, item) if p), None)
    if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("property"), str):
        return "an input is not {id, property, value}"
    value = item.get("value")
    if item["property"] in _TEXT_PROPERTIES and not isinstance(value, str | None):
        return f"{item['property']} must be text"
    if item["property"] == "pathname" and isinstance(value, str) and not value.startswith("/"):
        return "a pathname starts with /"
    return None


def callback_request_problem(app: dash.Dash, body: Any) -> str | None:
    """Why a callback request's JSON body is not one the dashboard's own pages could send (None: it could). Dash
    would answer such a body with a server error; the guard answers 400 instead."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or "callback" not in app.callback_map.get(output, {}):
        return "no such callback"  # unknown, or one that runs in the browser
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list):
            return f"{key} is not a list"
        problem = next((p for p in map(_input_problem, items) if p), None)
        if problem:
            return problem
    return None


def install(app: dash.Dash, home: Home) -> None:
    """Put sign-in in front of every page and callback of ``app``."""
    server: flask.Flask = app.server
    server.extensions["oobc_home"] = home
    server.config.update(
        SECRET_KEY=secret_key(home),
        # one cookie name per home: two instances on one host (other ports) do not sign each other out
        SESSION_COOKIE_NAME="oobc_session_" + hashlib.sha256(str(home.root).encode()).hexdigest()[:10],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("OOBC_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"
    failures = FailedSignIns()
    users.verify_password(home, "", "")  # make the stand-in hash now: the first unknown name costs like the rest

    @manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        name, _, epoch = str(user_id).rpartition(":")
        user = users.get_user(home, name)
        if user is None or not user.active or str(user.session_epoch) != epoch:
            return None
        return SignedIn(user)

    def login() -> Response:
        if request.method == "GET":
            next_path = safe_next(request.args.get("next"))
            if current() is not None:
                return redirect(next_path)
            return _page(200, next_path=next_path)
        form = request.form
        username = str(form.get("username", "")).strip().lower()[:200]  # longer than any name: never matches one
        password = str(form.get("password", ""))
        next_path = safe_next(form.get("next"))
        wait = failures.blocked_for(username)
        if wait:
            log.warning("sign-in refused for %r from %s: too many failures", username, request.remote_addr)
            return _page(
                429,
                message=f"Too many failed sign-ins for this name; try again in {max(int(wait // 60), 1)} minute(s).",
                username=username,
                next_path=next_path,
            )
        user = users.verify_password(home, username, password)
        if user is None:
            failures.failed(username)
            log.warning("failed sign-in for %r from %s", username, request.remote_addr)
            return _page(401, message="Wrong user name or password.", username=username, next_path=next_path)
        failures.succeeded(username)
        session.clear()  # no value from before the sign-in survives it
        flask_login.login_user(SignedIn(user))
        session.permanent = True
        log.info("%s (%s) signed in from %s", user.username, user.role, request.remote_addr)
        return redirect(next_path)

    def logout() -> Response:
        user = current()
        if user is not None:
            log.info("%s signed out", user.username)
        flask_login.logout_user()
        session.clear()
        response = _page(200, notice="You are signed out.")
        return response

    server.add_url_rule(LOGIN_PATH, "oobc_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "oobc_logout", logout, methods=["GET", "POST"])

    def guard() -> Response | None:
        path = request.path
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return None
        user = current()
        if user is None:
            if path.startswith(XHR_PREFIXES) or request.method != "GET":
                return make_response(jsonify(error=SIGN_IN_REQUIRED), 401)
            return redirect(_login_url(safe_next(request.full_path.rstrip("?"))))
        if path == CALLBACK_PATH:
            body = request.get_json(silent=True)
            problem = callback_request_problem(app, body)
            if problem:
                log.warning("refused a malformed callback request from %s: %s", _who(), problem)
                return make_response(jsonify(error=f"malformed callback request: {problem}"), 400)
            output = body["output"]
            permission = protected_callbacks(app).get(output)
            if permission and not user.can(permission):
                log.warning("refused %s (%s) to %s", permission, output, _who())
                return _forbidden(permission)
        return None

    server.before_request(guard)

    @server.errorhandler(DependencyException)
    def _not_a_served_file(_error: DependencyException) -> Response:
        # /_dash-component-suites/ with a package or file Dash does not serve (a probe, a traversal): not found
        return make_response(jsonify(error="not found"), 404)

    @server.after_request
    def _no_store(response: Response) -> Response:
        if request.path == CALLBACK_PATH or request.path.startswith("/_dash-layout"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
