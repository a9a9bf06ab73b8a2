"""Signing in and out in a real browser, and what each role sees."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from dashboards.app import create_app
from dashboards.pages import alignment, data_quality, scenarios
from tests.auth import make_user, sign_in
from tests.browser import chrome, require_chromium, screenshot, serving, settled, severe_console_entries, text, wait
from tests.dashboards.tiny_warehouse import published_home

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    home = published_home(tmp_path_factory.mktemp("signin"))
    with serving(create_app(home)) as url:
        yield home, url


@pytest.fixture
def driver(tmp_path) -> Iterator:
    require_chromium()
    browser = chrome(tmp_path / "profile")  # a fresh profile: no session cookie
    try:
        yield browser
    finally:
        browser.quit()


def _path(driver) -> str:
    parts = urlsplit(driver.current_url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _disabled(driver, element_id: str) -> bool:
    return driver.execute_script("return document.getElementById(arguments[0]).disabled;", element_id)


def _visible(driver, element_id: str) -> bool:
    return driver.execute_script(
        "const el = document.getElementById(arguments[0]); return !!el && el.offsetParent !== null;", element_id
    )


def test_sign_in_lands_on_the_page_asked_for_and_sign_out_ends_it(site, driver):
    from selenium.webdriver.common.by import By

    home, url = site
    name, password = make_user(home, "viewer")

    driver.get(url + "/?fiscal_year=2025")
    assert _path(driver) == "/login?next=/%3Ffiscal_year%3D2025"
    assert driver.title == "Sign in · OOBC planning and budget"
    assert driver.switch_to.active_element.get_attribute("id") == "username"  # ready to type
    screenshot(driver, "sign-in")

    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys("not the password")
    driver.find_element(By.CSS_SELECTOR, "form.login-form button[type=submit]").click()
    wait(driver).until(lambda d: text(d, ".login-error") == "Wrong user name or password.")
    assert driver.find_element(By.ID, "login-error").get_attribute("role") == "alert"
    assert driver.find_element(By.ID, "username").get_attribute("value") == name  # kept, only the password is retyped
    assert driver.switch_to.active_element.get_attribute("id") == "password"
    # the refusal is HTTP 401 (the browser logs it); nothing else went wrong
    assert [e["message"] for e in severe_console_entries(driver)] == [
        f"{url}/login - Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"
    ]

    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login-form button[type=submit]").click()
    wait(driver).until(lambda d: _path(d) == "/?fiscal_year=2025")
    wait(driver).until(settled, message="the page never settled after sign-in")
    wait(driver).until(lambda d: text(d, "#shell-user-name") == name)
    assert text(driver, "#shell-user-role") == "viewer"
    assert severe_console_entries(driver) == []

    driver.find_element(By.ID, "shell-sign-out").click()
    wait(driver).until(lambda d: text(d, ".login-notice") == "You are signed out.")
    driver.get(url + "/")
    assert urlsplit(driver.current_url).path == "/login"


def test_each_role_sees_what_it_may_do(demo_url, demo_home, driver):
    home, url = demo_home, demo_url  # every mart: every page works
    for role in ("viewer", "planner", "reviewer", "admin"):
        driver.delete_all_cookies()
        sign_in(driver, url, *make_user(home, role), next_path="/scenarios")
        wait(driver).until(settled, message="the scenario page never settled")
        wait(driver).until(lambda d, role=role: text(d, "#shell-user-role") == role)
        may_plan = role in ("planner", "admin")
        assert _disabled(driver, scenarios.SAVE) is not may_plan
        assert _disabled(driver, scenarios.SAVE_NEW) is not may_plan
        note = text(driver, f"#{scenarios.ROLE_NOTE}")
        assert (note is None) is may_plan
        if not may_plan:
            assert note.startswith(f"Your role ({role}) cannot save or change scenarios")
            screenshot(driver, f"scenarios-as-{role}")

        driver.get(url + "/alignment")
        wait(driver).until(settled, message="the alignment page never settled")
        may_review = role in ("reviewer", "admin")
        assert _disabled(driver, alignment.REVIEW_SAVE) is not may_review
        assert (text(driver, f"#{alignment.REVIEW_ROLE_NOTE}") is None) is may_review

        driver.get(url + "/data-quality")
        wait(driver).until(settled, message="the data-quality page never settled")
        assert _visible(driver, data_quality.REFRESH_NOW) is (role == "admin")
        assert severe_console_entries(driver) == [], role


def test_an_admin_starts_a_refresh(site, driver):
    from selenium.webdriver.common.by import By

    home, url = site
    sign_in(driver, url, *make_user(home, "admin"), next_path="/data-quality")
    wait(driver).until(settled)
    driver.find_element(By.ID, data_quality.REFRESH_NOW).click()
    wait(driver).until(lambda d: (text(d, "#dq-refresh-started") or "").startswith("Refresh started"))
    screenshot(driver, "data-quality-refresh-now")
    process = data_quality._started[home.root]
    assert process.wait(timeout=120) == 1  # the tiny home has no oobc.toml: the real refresh says so and stops
    assert severe_console_entries(driver) == []
