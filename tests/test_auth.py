"""Sign-in and roles, over real HTTP: the dashboard served on a local port, talked to with ``requests``."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import flask_login
import pytest
import requests
from werkzeug.exceptions import Forbidden

from dashboards import auth
from dashboards.app import USER, create_app
from dashboards.pages import alignment, data_quality, overview, scenarios
from ingest import scenarios as scenario_store
from ingest import users
from ingest.home import Home
from ingest.locking import refresh_lock
from ingest.warehouse import publish, published_path
from models.allocation import ScenarioSpec, StrategyWeight
from models.spec_json import spec_to_json
from tests.auth import make_user, sign_in, sign_out
from tests.browser import serving
from tests.dashboards.tiny_warehouse import published_home

SELECTION = {"fiscal_year": [2025], "moa": ["MOH"], "sector": ["social"], "area": []}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Home, object, str]]:
    home = published_home(tmp_path_factory.mktemp("auth"))
    app = create_app(home)
    with serving(app) as url:
        yield home, app, url


def _sessions(home: Home, url: str) -> dict[str, tuple[requests.Session, str]]:
    sessions = {}
    for role in users.ROLES:
        name, password = make_user(home, role)
        web = requests.Session()
        sign_in(web, url, name, password)
        sessions[role] = (web, name)
    return sessions


@pytest.fixture(scope="module")
def signed(site) -> dict[str, tuple[requests.Session, str]]:
    """One signed-in session per role: role -> (session, username)."""
    home, _app, url = site
    return _sessions(home, url)


@pytest.fixture(scope="module")
def scenario_site(tmp_path_factory: pytest.TempPathFactory, demo_home: Home) -> Iterator[tuple[Home, object, str]]:
    """A home of its own (its own state database) serving a copy of the demo warehouse: saving a scenario runs the
    engine on the year's PPAs, which the tiny warehouse does not have."""
    root = tmp_path_factory.mktemp("auth-scenarios")
    home = Home(root / "home").ensure()
    copy = root / "demo.duckdb"
    shutil.copyfile(published_path(demo_home).resolve(), copy)
    publish(home, copy)
    app = create_app(home)
    with serving(app) as url:
        yield home, app, url


@pytest.fixture(scope="module")
def scenario_signed(scenario_site) -> dict[str, tuple[requests.Session, str]]:
    home, _app, url = scenario_site
    return _sessions(home, url)


def _outputs(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]


def _key(app, permission: str, contains: str) -> str:
    (key,) = [k for k, p in auth.protected_callbacks(app).items() if p == permission and contains in k]
    return key


def _post(web: requests.Session, url: str, body: dict) -> requests.Response:
    return web.post(f"{url}/_dash-update-component", json=body, timeout=60, allow_redirects=False)


HEADLINE = {
    "output": f"{overview.HEADLINE}.children",
    "outputs": {"id": overview.HEADLINE, "property": "children"},
    "inputs": [{"id": "shell-filters", "property": "data", "value": SELECTION}],
    "changedPropIds": ["shell-filters.data"],
    "state": [],
}


def _save_scenario_body(app, name: str, owner: str, weight: object = 1) -> dict:
    key = _key(app, "scenarios", scenarios.NAME_INPUT + ".invalid")
    spec = spec_to_json(ScenarioSpec(envelope="1000000.00", strategies=(StrategyWeight("needs", weight),)))
    state = {
        scenarios.NAME_INPUT: name,
        scenarios.OWNER: owner,
        scenarios.SAVE_STATUS: "draft",
        scenarios.DESCRIPTION: None,
        scenarios.COMMENT: None,
        scenarios.SPEC: spec,
        scenarios.LOADED: None,
        scenarios.YEAR: {"fiscal_year": 2025, "baseline": "0"},
        scenarios.SAVED_TICK: 0,
    }
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [
            {"id": scenarios.SAVE, "property": "n_clicks", "value": 1},
            {"id": scenarios.SAVE_NEW, "property": "n_clicks", "value": 0},
        ],
        "state": [
            {
                "id": i,
                "property": "data"
                if i in (scenarios.SPEC, scenarios.LOADED, scenarios.YEAR, scenarios.SAVED_TICK)
                else "value",
                "value": v,
            }
            for i, v in state.items()
        ],
        "changedPropIds": [f"{scenarios.SAVE}.n_clicks"],
    }


def _clone_body(app, scenario_id: int) -> dict:
    key = _key(app, "scenarios", "@")
    button = {"id": scenario_id, "type": scenarios.CLONE}
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": scenarios.OWNER, "property": "value", "value": None},
            {"id": scenarios.SAVED_TICK, "property": "data", "value": 0},
        ],
        "changedPropIds": [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    }


def _review_body(app, note: str) -> dict:
    key = _key(app, "reviews", alignment.REVIEW_FEEDBACK)
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [{"id": alignment.REVIEW_SAVE, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": alignment.REVIEW_PPA, "property": "value", "value": "1"},  # a PPA of the tiny warehouse
            {"id": alignment.REVIEW_GOAL, "property": "value", "value": None},  # a note without a tag
            {"id": alignment.REVIEW_NOTE, "property": "value", "value": note},
            {"id": alignment.REVIEW_SAVED, "property": "data", "value": 0},
        ],
        "changedPropIds": [f"{alignment.REVIEW_SAVE}.n_clicks"],
    }


REFRESH_BODY = {
    "output": f"{data_quality.REFRESH_MESSAGE}.children",
    "outputs": {"id": data_quality.REFRESH_MESSAGE, "property": "children"},
    "inputs": [{"id": data_quality.REFRESH_NOW, "property": "n_clicks", "value": 1}],
    "state": [],
    "changedPropIds": [f"{data_quality.REFRESH_NOW}.n_clicks"],
}


# ------------------------------------------------------------------------------------------ signed out
def test_nothing_is_served_before_sign_in(site):
    _home, _app, url = site
    web = requests.Session()
    page = web.get(f"{url}/gaps?fiscal_year=2025", allow_redirects=False, timeout=30)
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/gaps%3Ffiscal_year%3D2025"
    for path in ("/", "/data-quality", "/no-such-page"):
        response = web.get(url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    for path in ("/_dash-layout", "/_dash-dependencies"):
        response = web.get(url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 401 and response.json() == {"error": "sign in required"}
    response = _post(web, url, HEADLINE)
    assert response.status_code == 401 and response.json() == {"error": "sign in required"}
    assert "1,500,000" not in response.text
    # the data API checks its own tokens: the sign-in guard leaves /api/ alone
    api = web.get(f"{url}/api/", allow_redirects=False, timeout=30)
    assert "/login" not in api.headers.get("Location", "")


def test_the_sign_in_page(site):
    _home, _app, url = site
    response = requests.get(f"{url}/login?next=/gaps", timeout=30)
    assert response.status_code == 200
    html = response.text
    for expected in (
        '<label for="username">',
        '<label for="password">',
        'type="password"',
        'autocomplete="current-password"',
        'name="next" value="/gaps"',
        "OOBC",
        "Office for Other Bangsamoro Communities",
    ):
        assert expected in html
    assert requests.get(f"{url}/assets/login.css", timeout=30).status_code == 200
    # what the page echoes back is escaped
    hostile = requests.post(
        f"{url}/login", data={"username": "<script>alert(1)</script>", "password": "x" * 8}, timeout=30
    )
    assert hostile.status_code == 401 and "<script>alert(1)" not in hostile.text


def test_wrong_password_or_unknown_name(site):
    home, _app, url = site
    name, password = make_user(home, "viewer")
    web = requests.Session()
    for user, secret in ((name, password + "x"), ("nobody-here", password), (name, "")):
        response = web.post(f"{url}/login", data={"username": user, "password": secret}, allow_redirects=False)
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
        assert _post(web, url, HEADLINE).status_code == 401
    assert users.get_user(home, name).last_sign_in_at is None


def test_sign_in_then_sign_out(site):
    home, _app, url = site
    name, password = make_user(home, "viewer")
    web = requests.Session()
    response = sign_in(web, url, name, password, next_path="/gaps?fiscal_year=2025")
    assert response.headers["Location"] == "/gaps?fiscal_year=2025"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith("oobc_session_")
    assert users.get_user(home, name).last_sign_in_at is not None
    assert web.get(f"{url}/gaps", allow_redirects=False, timeout=30).status_code == 200
    response = _post(web, url, HEADLINE)
    assert response.status_code == 200
    assert "₱1,500,000.50" in json.dumps(response.json(), ensure_ascii=False)
    menu = _post(
        web,
        url,
        {
            "output": f"{USER}.children",
            "outputs": {"id": USER, "property": "children"},
            "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"}],
            "changedPropIds": ["shell-url.pathname"],
            "state": [],
        },
    )
    assert menu.status_code == 200 and name in menu.text and "viewer" in menu.text and "Sign out" in menu.text
    sign_out(web, url)
    assert _post(web, url, HEADLINE).status_code == 401
    assert web.get(f"{url}/gaps", allow_redirects=False, timeout=30).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/login",
        "%2F%2Fevil.example",
    ],
)
def test_sign_in_never_redirects_to_another_site(site, target):
    home, _app, url = site
    name, password = make_user(home, "viewer")
    web = requests.Session()
    response = sign_in(web, url, name, password, next_path=target)
    assert response.headers["Location"] == "/"
    # signed in, /login?next= redirects at once: the same rule applies
    again = web.get(f"{url}/login", params={"next": target}, allow_redirects=False, timeout=30)
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_changing_a_user_ends_their_sessions(site):
    home, _app, url = site
    name, password = make_user(home, "planner")
    web = requests.Session()
    sign_in(web, url, name, password)
    assert _post(web, url, HEADLINE).status_code == 200
    users.set_password(home, name, "a brand new password")
    assert _post(web, url, HEADLINE).status_code == 401
    sign_in(web, url, name, "a brand new password")
    assert _post(web, url, HEADLINE).status_code == 200
    users.set_active(home, name, False)
    assert _post(web, url, HEADLINE).status_code == 401
    response = web.post(f"{url}/login", data={"username": name, "password": "a brand new password"})
    assert response.status_code == 401


def test_repeated_failures_block_the_name_for_a_while(site, caplog):
    home, _app, url = site
    name, password = make_user(home, "viewer")
    other, other_password = make_user(home, "viewer")
    web = requests.Session()
    with caplog.at_level("WARNING", logger="oobc.auth"):
        for _ in range(auth.MAX_FAILURES):
            assert web.post(f"{url}/login", data={"username": name, "password": "wrong password"}).status_code == 401
        blocked = web.post(f"{url}/login", data={"username": name, "password": password}, allow_redirects=False)
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
    assert _post(web, url, HEADLINE).status_code == 401
    assert sum(f"failed sign-in for {name!r}" in r.getMessage() for r in caplog.records) == auth.MAX_FAILURES
    sign_in(requests.Session(), url, other, other_password)  # another name is not affected


# ------------------------------------------------------------------------------------------ roles
def test_the_role_registry_covers_every_writing_callback(site):
    _home, app, _url = site
    protected = auth.protected_callbacks(app)
    assert sorted(protected.values()) == ["refresh", "reviews", "scenarios", "scenarios"]
    assert protected[f"{data_quality.REFRESH_MESSAGE}.children"] == "refresh"
    assert f"{overview.HEADLINE}.children" not in protected


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_a_role_without_scenarios_cannot_save_or_clone_one(scenario_site, scenario_signed, role):
    home, app, url = scenario_site
    web, name = scenario_signed[role]
    before = scenario_store.list_scenarios(home.state_url)
    response = _post(web, url, _save_scenario_body(app, f"by {name}", name))
    assert response.status_code == 403
    assert response.json() == {"error": f"role {role} cannot save or change scenarios"}
    assert scenario_store.list_scenarios(home.state_url) == before
    # a saved one (by a planner) cannot be cloned either
    planner, planner_name = scenario_signed["planner"]
    assert _post(planner, url, _save_scenario_body(app, f"to clone {role}", planner_name)).status_code == 200
    (saved,) = [s for s in scenario_store.list_scenarios(home.state_url) if s["name"] == f"to clone {role}"]
    count = len(scenario_store.list_scenarios(home.state_url))
    assert _post(web, url, _clone_body(app, saved["scenario_id"])).status_code == 403
    assert len(scenario_store.list_scenarios(home.state_url)) == count


def test_a_planner_saves_and_clones_scenarios(scenario_site, scenario_signed):
    home, app, url = scenario_site
    web, name = scenario_signed["planner"]
    response = _post(web, url, _save_scenario_body(app, "Planner's plan", "Budget office"))
    assert response.status_code == 200 and "Saved 'Planner's plan'" in response.text
    (row,) = [s for s in scenario_store.list_scenarios(home.state_url) if s["name"] == "Planner's plan"]
    assert row["owner"] == "Budget office"
    assert scenario_store.load(home.state_url, row["scenario_id"])["saved_by"] == name  # who signed in
    response = _post(web, url, _clone_body(app, row["scenario_id"]))
    assert response.status_code == 200 and "Cloned" in response.text
    assert "Planner's plan (copy)" in {s["name"] for s in scenario_store.list_scenarios(home.state_url)}


def test_a_scenario_that_does_not_compute_is_not_saved(scenario_site, scenario_signed):
    """The spec comes back from the browser: one changed there (weights summing to ½) is refused by the engine."""
    home, app, url = scenario_site
    web, _name = scenario_signed["planner"]
    response = _post(web, url, _save_scenario_body(app, "Tampered plan", "Budget office", weight="0.5"))
    assert response.status_code == 200
    assert "Not saved: the scenario does not compute (the strategy weights must sum to 1" in response.text
    assert "Tampered plan" not in {s["name"] for s in scenario_store.list_scenarios(home.state_url)}


def test_only_reviewers_and_admins_save_bdp_reviews(site, signed):
    from dashboards import reviews

    home, app, url = site
    for role in ("viewer", "planner"):
        web, _name = signed[role]
        response = _post(web, url, _review_body(app, f"note by {role}"))
        assert response.status_code == 403
        assert response.json() == {"error": f"role {role} cannot save BDP tags and review notes"}
    assert [r for r in reviews.stored(home) if r["note"].startswith("note by")] == []
    for role in ("reviewer", "admin"):
        web, _name = signed[role]
        response = _post(web, url, _review_body(app, f"note by {role}"))
        assert response.status_code == 200 and "Review saved" in response.text
    # each review is recorded under the account that saved it
    assert sorted((r["note"], r["reviewer"]) for r in reviews.stored(home) if r["note"].startswith("note by")) == [
        ("note by admin", signed["admin"][1]),
        ("note by reviewer", signed["reviewer"][1]),
    ]


def test_only_admins_refresh_now(site, signed):
    home, _app, url = site
    logs = lambda: sorted(home.logs_dir.glob("dashboard-refresh-*.log"))  # noqa: E731
    for role in ("viewer", "planner", "reviewer"):
        web, _name = signed[role]
        response = _post(web, url, REFRESH_BODY)
        assert response.status_code == 403 and response.json() == {"error": f"role {role} cannot start a refresh"}
    assert logs() == []
    admin, admin_name = signed["admin"]
    response = _post(admin, url, REFRESH_BODY)
    assert response.status_code == 200 and "Refresh started" in response.text
    (log,) = logs()
    process = data_quality._started[home.root]
    assert process.wait(timeout=120) == 1  # this home has no oobc.toml: the real `oobc refresh` says so and stops
    text = log.read_text()
    assert f"by {admin_name}" in text and "no configuration" in text
    with refresh_lock(home, command="refresh", run_id="test-run"):  # a refresh is running
        response = _post(admin, url, REFRESH_BODY)
    assert (
        response.status_code == 200 and "A refresh is already running" in response.text and "test-run" in response.text
    )
    assert len(logs()) == 1


# ------------------------------------------------------------------------------------------ in the process
def _as(app, home: Home, role: str | None):
    """A request context of ``app`` with a user of ``role`` signed in (None: nobody)."""
    context = app.server.test_request_context("/")
    context.push()
    if role is not None:
        name, _password = make_user(home, role)
        flask_login.login_user(auth.SignedIn(users.get_user(home, name)))
    return context


def test_the_callbacks_check_the_role_themselves(site):
    home, app, _url = site
    calls = []

    @auth.requires("scenarios")
    def save(value):
        calls.append(value)
        return value

    for role, allowed in (("viewer", False), ("reviewer", False), ("planner", True), ("admin", True), (None, False)):
        context = _as(app, home, role)
        try:
            if allowed:
                assert save(role) == role
            else:
                with pytest.raises(Forbidden) as refused:
                    save(role)
                assert refused.value.response.status_code == 403
        finally:
            context.pop()
    assert calls == ["planner", "admin"]


def test_controls_a_role_cannot_use_are_disabled_with_a_note(site):
    from tests.dashboards.tiny_warehouse import text_of

    home, app, _url = site

    def find(component, component_id):
        if getattr(component, "id", None) == component_id:
            return component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                found = find(child, component_id)
                if found is not None:
                    return found
        return None

    for role in users.ROLES:
        context = _as(app, home, role)
        try:
            form = scenarios._save_form()
            review = alignment._review_form()
            refresh = data_quality._refresh_now()
        finally:
            context.pop()
        may = users.PERMISSIONS[role]
        assert find(form, scenarios.SAVE).disabled is ("scenarios" not in may)
        assert (f"Your role ({role}) cannot save or change scenarios" in text_of(form)) is ("scenarios" not in may)
        assert find(review, alignment.REVIEW_SAVE).disabled is ("reviews" not in may)
        assert (f"Your role ({role}) cannot save BDP tags" in text_of(review)) is ("reviews" not in may)
        assert refresh.hidden is (role != "admin")
        assert find(refresh, data_quality.REFRESH_NOW).disabled is (role != "admin")


def test_the_session_key_is_kept_in_the_home_and_shared(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("OOBC_SECRET_KEY", raising=False)
    home = Home(tmp_path / "home").ensure()
    first = auth.secret_key(home)
    assert len(first) >= 40 and auth.secret_key(home) == first
    assert (home.root / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("OOBC_SECRET_KEY", "from-the-environment-" + "k" * 30)
    assert auth.secret_key(home) == "from-the-environment-" + "k" * 30


def test_an_unknown_name_costs_a_hash_like_a_known_one(tmp_path: Path):
    home = Home(tmp_path / "home").ensure()
    users.add_user(home, "ana", "correct horse battery", "viewer")
    users.verify_password(home, "", "")  # the stand-in hash is made once

    def seconds(name: str) -> float:
        start = time.perf_counter()
        for _ in range(3):
            assert users.verify_password(home, name, "wrong password!") is None
        return time.perf_counter() - start

    known, unknown = seconds("ana"), seconds("nobody")
    assert unknown > known / 4  # not instant: the unknown name went through argon2 too


def test_the_dashboards_warehouse_connection_is_read_only(site):
    import duckdb

    from ingest.warehouse import read_only

    home, _app, _url = site
    with read_only(home) as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute("create table marts.written_by_the_dashboard (i integer)")
