"""Shared answers (dashboards.answer_cache), over real HTTP: sent again only to signed-in users, only for callbacks
that read nothing but the published warehouse, and forgotten at the next publish."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import requests

from dashboards import answer_cache, auth, reviews
from dashboards.app import create_app
from dashboards.pages import alignment, data_quality, overview
from ingest import users
from ingest.home import Home
from ingest.warehouse import publish, published_path
from tests.auth import make_user, sign_in
from tests.browser import serving
from tests.dashboards.tiny_warehouse import published_home

SELECTION = {"fiscal_year": [], "moa": [], "sector": [], "area": []}


def _body(output_id: str, prop: str = "children", selection: dict | None = None) -> dict:
    return {
        "output": f"{output_id}.{prop}",
        "outputs": {"id": output_id, "property": prop},
        "inputs": [{"id": "shell-filters", "property": "data", "value": selection or SELECTION}],
        "changedPropIds": ["shell-filters.data"],
        "state": [],
    }


HEADLINE = _body(overview.HEADLINE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Home, object, str, requests.Session]]:
    home = published_home(tmp_path_factory.mktemp("answers"))
    app = create_app(home)
    with serving(app) as url:
        web = requests.Session()
        sign_in(web, url, *make_user(home, "viewer"))
        yield home, app, url, web


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory, demo_home: Home) -> Iterator[tuple[Home, str]]:
    """A copy of the demo warehouse (it has the BDP review marts) in a home with a state database of its own."""
    root = tmp_path_factory.mktemp("answers-demo")
    home = Home(root / "home").ensure()
    copy = root / "demo.duckdb"
    shutil.copyfile(published_path(demo_home), copy)
    publish(home, copy)
    with serving(create_app(home)) as url:
        yield home, url


def _post(web: requests.Session, url: str, body: dict) -> requests.Response:
    return web.post(f"{url}/_dash-update-component", json=body, timeout=60, allow_redirects=False)


def _republish_with_budget_added(home: Home, root: Path, amount: int) -> None:
    """Publish a copy of the published warehouse with ``amount`` added to every summary row's approved budget."""
    copy = root / f"changed-{amount}.duckdb"
    shutil.copyfile(published_path(home), copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(f"update marts.rpt_executive_summary set budget_allocation = budget_allocation + {amount}")
    publish(home, copy)


def test_a_shared_answer_is_sent_again_until_the_next_publish(site, tmp_path):
    home, _app, url, web = site
    first = _post(web, url, HEADLINE)
    again = _post(web, url, HEADLINE)
    assert first.status_code == again.status_code == 200
    assert first.headers[answer_cache.HEADER] == "computed" and again.headers[answer_cache.HEADER] == "shared"
    assert again.content == first.content
    assert again.headers["Cache-Control"] == "no-store"  # browsers and proxies still keep nothing

    # another selection is another answer
    other = _post(web, url, _body(overview.HEADLINE, selection={**SELECTION, "fiscal_year": [2025]}))
    assert other.headers[answer_cache.HEADER] == "computed" and other.content != first.content

    # a publish: the next answer is computed on the new file, and shows its figures
    _republish_with_budget_added(home, tmp_path, 1_000_000_000)
    after = _post(web, url, HEADLINE)
    assert after.status_code == 200 and after.headers[answer_cache.HEADER] == "computed"
    assert after.content != first.content
    assert _post(web, url, HEADLINE).headers[answer_cache.HEADER] == "shared"


def test_nobody_signed_out_gets_a_shared_answer(site):
    _home, _app, url, web = site
    assert _post(web, url, HEADLINE).status_code == 200  # the answer is kept
    anonymous = _post(requests.Session(), url, HEADLINE)
    assert anonymous.status_code == 401 and answer_cache.HEADER not in anonymous.headers
    assert b"budget" not in anonymous.content.lower()


def test_only_warehouse_callbacks_are_shared(site):
    _home, app, _url, _web = site
    shared = answer_cache.shared_callbacks(app)
    assert f"{overview.HEADLINE}.children" in shared and len(shared) >= 40
    # what reads the state database, the clock or the signed-in user is never shared
    for key in (f"{alignment.REVIEWS}.children", f"{data_quality.FRESHNESS}.children"):
        assert key in app.callback_map and key not in shared
    # nor any callback that writes (those need a role)
    assert not shared & set(auth.protected_callbacks(app))


def test_a_saved_review_shows_at_once(demo_site):
    """The reviews table reads the state database: it is never sent from the cache, so a review saved shows in the
    next answer, while the warehouse has not changed."""
    home, url = demo_site
    reviewer = requests.Session()
    sign_in(reviewer, url, *make_user(home, "reviewer"))
    body = _body(alignment.REVIEWS)
    body["inputs"].append({"id": alignment.REVIEW_SAVED, "property": "data", "value": 0})
    before = _post(reviewer, url, body)
    assert before.status_code == 200 and answer_cache.HEADER not in before.headers
    with duckdb.connect(str(published_path(home)), read_only=True) as con:
        (ppa_id,) = con.execute("select min(ppa_id)::varchar from marts.dim_ppa").fetchone()
    reviews.save(home, ppa_id, None, "A note saved between two answers.", "reviewer")
    after = _post(reviewer, url, body)
    assert after.status_code == 200 and answer_cache.HEADER not in after.headers
    assert "A note saved between two answers." in after.text and "A note saved between" not in before.text


def test_the_answers_kept_are_bounded_and_forgotten_at_a_publish():
    answers = answer_cache.Answers(capacity=100)
    v1 = ("/w/build-1.duckdb", 10, 1)
    assert answers.get("a") is None
    answers._published = v1
    answers.put("a", v1, b"x" * 40)
    answers.put("b", v1, b"y" * 40)
    assert answers.get("a") == b"x" * 40  # "a" is now the most recently used
    answers.put("c", v1, b"z" * 40)  # over 100 bytes: the least recently used ("b") goes
    assert answers.get("b") is None and answers.get("a") and answers.get("c")
    answers.put("huge", v1, b"h" * 101)  # larger than the whole cache: never kept
    assert answers.get("huge") is None
    # an answer computed on a file published over since is not kept
    answers.put("stale", ("/w/build-0.duckdb", 10, 1), b"s")
    assert answers.get("stale") is None
    assert (answers.hits, answers.misses) == (3, 4)


def test_a_publish_empties_the_cache(tmp_path):
    home = published_home(tmp_path)
    answers = answer_cache.Answers(capacity=1000)
    first = answers.published(home)
    answers.put("a", first, b"answer")
    assert answers.published(home) == first and answers.get("a") == b"answer"
    copy = tmp_path / "again.duckdb"
    shutil.copyfile(published_path(home), copy)
    publish(home, copy)
    second = answers.published(home)
    assert second != first and second[0] == str(copy.resolve()) and len(answers) == 0


def test_the_request_key_covers_what_changes_an_answer():
    published = ("/w/build.duckdb", 1, 2)
    key = answer_cache.request_key(HEADLINE, published)
    assert key == answer_cache.request_key(dict(reversed(list(HEADLINE.items()))), published)
    changed = [
        {**HEADLINE, "inputs": [{**HEADLINE["inputs"][0], "value": {**SELECTION, "moa": ["MOH"]}}]},
        {**HEADLINE, "state": [{"id": "x", "property": "value", "value": 1}]},
        {**HEADLINE, "changedPropIds": []},
        {**HEADLINE, "outputs": {"id": "other", "property": "children"}},
        {**HEADLINE, "output": "other.children"},
    ]
    keys = {answer_cache.request_key(b, published) for b in changed} | {key}
    assert len(keys) == len(changed) + 1
    assert answer_cache.request_key(HEADLINE, ("/w/build-2.duckdb", 1, 2)) != key


@pytest.mark.parametrize(("value", "expected"), [("", 128 * 2**20), ("0", 0), ("1.5", int(1.5 * 2**20))])
def test_the_size_setting(monkeypatch, value, expected):
    monkeypatch.setenv(answer_cache.SIZE_ENV, value)
    assert answer_cache.capacity_bytes() == expected


@pytest.mark.parametrize("value", ["lots", "-1"])
def test_a_wrong_size_setting_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(answer_cache.SIZE_ENV, value)
    with pytest.raises(ValueError, match=answer_cache.SIZE_ENV):
        answer_cache.capacity_bytes()


def test_a_size_of_zero_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(answer_cache.SIZE_ENV, "0")
    home = published_home(tmp_path)
    app = create_app(home)
    assert not hasattr(app, "answer_cache")
    client = app.server.test_client()
    name, password = make_user(home, users.ROLES[0])
    sign_in(client, "", name, password)
    for _ in range(2):
        response = client.post("/_dash-update-component", json=HEADLINE)
        assert response.status_code == 200 and answer_cache.HEADER not in response.headers
