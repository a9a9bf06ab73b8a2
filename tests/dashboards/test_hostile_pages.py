"""Hostile URLs and callback requests over real HTTP, signed in as a viewer, against the demo warehouse.

Every answer is a page, a 404 page, a refusal (401/403) or a callback result, never a server error (5xx), and no
body carries a stack trace, a path of this machine or a line of ``/etc/passwd``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from dashboards import ids
from dashboards.pages import navbar_paths
from ingest.home import Home
from ingest.warehouse import published_path
from tests import hostile

PAGES = navbar_paths()
# What a callback request may hold instead of what the browser sends: a sample of every kind in the corpus.
CALLBACK_VALUES: tuple[Any, ...] = (
    "' or 1=1 --",
    f"'); COPY (select 1) TO '{hostile.COPY_TARGET}'; --",
    "' union all select * from read_csv('/etc/passwd') --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "nul\x00byte",
    "9" * 400,
    "x" * 100_000,
    None,
    -1,
    1e308,
    ["' or 1=1 --", 2025],
    {"$ne": None},
)


def _leaks(body: str, home: Home) -> list[str]:
    markers = ("Traceback (most recent call last)", 'File "', str(home.root), "/work/", "site-packages", "root:x:0:0")
    return [m for m in markers if m in body]


@pytest.fixture(scope="module")
def viewer(demo_url: str, demo_home: Home) -> Iterator[requests.Session]:
    from tests.auth import make_user, sign_in

    session = requests.Session()
    sign_in(session, demo_url, *make_user(demo_home, "viewer"))
    yield session
    session.close()


@pytest.fixture(scope="module", autouse=True)
def _warehouse_unchanged(demo_home: Home) -> Iterator[None]:
    before = hostile.tree_snapshot(demo_home.warehouse_dir)
    published = published_path(demo_home)
    yield
    assert published_path(demo_home) == published
    assert hostile.tree_snapshot(demo_home.warehouse_dir) == before
    assert hostile.nothing_written_by_the_corpus() == []


def _get_raw(session: requests.Session, url: str) -> requests.Response:
    """GET ``url`` exactly as written: no normalisation of ``..`` or of percent escapes."""
    prepared = session.prepare_request(requests.Request("GET", url))  # the session's cookies for this host
    prepared.url = url
    return session.send(prepared, allow_redirects=False, timeout=60)


HOSTILE_PATHS = (
    "/../../etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/assets/../../../../etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/_dash-component-suites/../../../../etc/passwd",
    "/_dash-component-suites/dash/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/deps/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd.js",
    "/_reload-hash",
    "/_dash-layout/../../etc/passwd",
    "//etc/passwd",
    "/%00",
    "/gaps%00.html",
    "/%ff%fe",
    "/" + quote("<script>alert(1)</script>"),
    "/" + quote("' or 1=1 --"),
    "/" + quote("\u202eevil"),
    "/file:%2f%2f%2fetc%2fpasswd",
    "/" + "a" * 4000,
    "/scenarios/../../../../etc/passwd",
    "/nonexistent-page",
    "/gaps/extra/segments",
)


DASH_SUITE_TRAVERSALS = {p for p in HOSTILE_PATHS if p.startswith("/_dash-component-suites/")}


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=hostile.short_label)
def test_hostile_paths_answer_a_page_or_not_found(
    viewer: requests.Session, demo_url: str, demo_home: Home, path: str
) -> None:
    response = _get_raw(viewer, demo_url + path)
    assert _leaks(response.text, demo_home) == []  # no stack trace, no path, no line of /etc/passwd
    assert response.status_code in (200, 204, 301, 302, 308, 400, 404), (path, response.status_code)
    if path in DASH_SUITE_TRAVERSALS:
        assert response.status_code == 404, path


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_strings_on_every_page(viewer: requests.Session, demo_url: str, demo_home: Home, page: str):
    values = [*hostile.SQL_INJECTION[:12], *hostile.MARKUP, *hostile.PATHS, "%", "%%", "&&==", "\x00", "9" * 400]
    for value in values:
        query = "&".join(f"{key}={quote(value, safe='')}" for key in ("fiscal_year", "moa", "sector", "area", "x"))
        response = _get_raw(viewer, f"{demo_url}{page}?{query}")
        assert response.status_code == 200, (page, value, response.status_code)
        assert "<title>" in response.text
        assert "<script>alert(1)</script>" not in response.text  # never reflected
        assert _leaks(response.text, demo_home) == []
    # a raw, undecodable query string too
    response = _get_raw(viewer, f"{demo_url}{page}?fiscal_year=%ff%fe&moa=%&sector=%zz&&&=&area")
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------ callbacks
def _outputs(output: str) -> Any:
    if output.startswith(".."):
        return [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True)) for o in output.strip(".").split("...")]
    component, prop = output.rsplit(".", 1)
    return {"id": component, "property": prop}


def _body(dep: dict, value: Any) -> dict:
    """The dependency's request with ``value`` in every input and state (the filter store gets it in each key)."""

    def entries(kind: str) -> list[dict]:
        out = []
        for d in dep[kind]:
            if d["id"] == ids.FILTERS:
                v: Any = {key: [value] for key in ("fiscal_year", "moa", "sector", "area")}
            else:
                v = value
            out.append({"id": d["id"], "property": d["property"], "value": v})
        return out

    inputs = entries("inputs")
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
        "state": entries("state"),
    }


def _plain_dependencies(session: requests.Session, base: str) -> list[dict]:
    deps = session.get(base + "/_dash-dependencies", timeout=60).json()
    return [
        d
        for d in deps
        if "{" not in d["output"] and not any(isinstance(i["id"], dict) or "{" in i["id"] for i in d["inputs"])
    ]


def _store_callbacks(deps: list[dict]) -> list[dict]:
    """The callbacks whose only input is the global filter store (every page's figures and tables), and the shell's
    own filter callback (URL and dropdowns)."""
    only_store = [d for d in deps if [i["id"] for i in d["inputs"]] == [ids.FILTERS] and not d["state"]]
    shell = [d for d in deps if f"{ids.AS_OF}.children" in d["output"]]
    return only_store + shell


def _post(session: requests.Session, base: str, body: dict) -> requests.Response:
    return session.post(base + "/_dash-update-component", json=body, timeout=120)


def answered_cleanly(response: requests.Response) -> bool:
    """An answer (200), no update (204), or the guard's refusal of a request no page could send: a URL part that
    is not text (400 naming the problem)."""
    if response.status_code in (200, 204):
        return True
    return response.status_code == 400 and response.json()["error"].startswith("malformed callback request: ")


def test_the_global_filter_never_fails_a_callback(viewer: requests.Session, demo_url: str, demo_home: Home) -> None:
    """Hostile values in the filter store (each key, and the store itself not a mapping) and in the shell's URL
    and dropdowns: every page callback answers 200 (or 204), never a server error."""
    deps = _store_callbacks(_plain_dependencies(viewer, demo_url))
    assert len(deps) >= 25
    failures = []
    answered = 0
    for dep in deps:
        bodies = [_body(dep, value) for value in CALLBACK_VALUES]
        if dep["inputs"][0]["id"] == ids.FILTERS:
            for store in ("x", 5, [1, 2], None, {"fiscal_year": "2025; drop table x", "moa": {"a": 1}}):
                body = _body(dep, None)
                body["inputs"][0]["value"] = store
                bodies.append(body)
        for body in bodies:
            response = _post(viewer, demo_url, body)
            answered += 1
            if not (answered_cleanly(response)) or _leaks(response.text, demo_home):
                failures.append((dep["output"][:60], repr(body["inputs"][0]["value"])[:60], response.status_code))
    print(f"\n{answered} hostile filter requests to {len(deps)} callbacks, {len(failures)} not answered")
    assert failures == [], json.dumps(failures, indent=1, ensure_ascii=False)


def _every_callback_with_every_value(
    session: requests.Session, base: str
) -> Iterator[tuple[str, Any, requests.Response]]:
    for dep in _plain_dependencies(session, base):
        for value in CALLBACK_VALUES:
            yield dep["output"], value, _post(session, base, _body(dep, value))


@pytest.fixture(scope="module")
def every_answer(viewer: requests.Session, demo_url: str) -> list[tuple[str, Any, int, str]]:
    """Every callback of the app (but pattern-matching ones), each input and state replaced by each hostile value."""
    return [
        (output, value, response.status_code, response.text)
        for output, value, response in _every_callback_with_every_value(viewer, demo_url)
    ]


def test_no_callback_answer_leaks_anything(every_answer: list, demo_home: Home) -> None:
    assert len(every_answer) >= 30 * len(CALLBACK_VALUES)
    leaking = [(o[:60], hostile.short_label(v), _leaks(text, demo_home)) for o, v, _, text in every_answer]
    assert [x for x in leaking if x[2]] == []
    # no answer echoes a script back unescaped as HTML either: callbacks answer JSON
    assert not [o for o, _, status, text in every_answer if status == 200 and text.lstrip().startswith("<")]


def test_no_hostile_callback_request_is_a_server_error(every_answer: list) -> None:
    errors = sorted({(o[:70], hostile.short_label(v)) for o, v, status, _ in every_answer if status >= 500})
    print(f"\n{len(every_answer)} hostile callback requests, {len(errors)} server errors")
    for output, value in errors:
        print(f"  500  {output}  <- {value}")
    assert errors == []


MALFORMED_BODIES: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"null", "application/json"),
    (b"[]", "application/json"),
    (b'{"output": 1}', "application/json"),
    (b'{"output": "nope.children", "inputs": [], "state": []}', "application/json"),
    (json.dumps({"output": "' or 1=1 --", "inputs": "x"}).encode(), "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b"output=x", "application/x-www-form-urlencoded"),
]


def test_malformed_callback_bodies_leak_nothing(viewer: requests.Session, demo_url: str, demo_home: Home) -> None:
    statuses = []
    for data, kind in MALFORMED_BODIES:
        response = viewer.post(
            demo_url + "/_dash-update-component", data=data, headers={"Content-Type": kind}, timeout=60
        )
        statuses.append(response.status_code)
        assert _leaks(response.text, demo_home) == [], data
    print(f"\nmalformed callback bodies answered {statuses}")


def test_malformed_callback_bodies_are_refused_cleanly(viewer: requests.Session, demo_url: str) -> None:
    statuses = {
        data: viewer.post(
            demo_url + "/_dash-update-component", data=data, headers={"Content-Type": kind}, timeout=60
        ).status_code
        for data, kind in MALFORMED_BODIES
    }
    assert {d: s for d, s in statuses.items() if s >= 500} == {}


def test_a_stranger_gets_401_for_any_hostile_request(demo_url: str, demo_home: Home) -> None:
    for value in CALLBACK_VALUES[:8]:
        response = requests.post(
            demo_url + "/_dash-update-component",
            json={"output": value, "inputs": [{"id": ids.FILTERS, "property": "data", "value": value}]},
            timeout=60,
        )
        assert response.status_code == 401
        assert response.json() == {"error": "sign in required"}
    response = _get_raw(requests.Session(), demo_url + "/gaps?moa=" + quote("' or 1=1 --"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
