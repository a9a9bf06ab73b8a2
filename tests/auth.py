"""Signing in from tests: make a user of a role, and sign a ``requests.Session``, a Flask test client or a Selenium
driver in to a served dashboard (``POST /login``, as a person's browser does)."""

from __future__ import annotations

import itertools
import os
import secrets
from typing import Any
from urllib.parse import quote

from ingest.home import Home
from ingest.users import add_user, random_password

_serial = itertools.count(1)


def make_user(home: Home, role: str) -> tuple[str, str]:
    """A new active user of ``role`` in ``home``'s state database; returns (username, password)."""
    username = f"{role}-{os.getpid()}-{next(_serial)}-{secrets.token_hex(2)}"
    password = random_password()
    add_user(home, username, password, role)
    return username, password


def _is_driver(target: Any) -> bool:
    return hasattr(target, "find_element") and hasattr(target, "current_url")


def _is_flask_client(target: Any) -> bool:
    return hasattr(target, "application") and hasattr(target, "post")


def sign_in(target: Any, base_url: str, username: str, password: str, next_path: str = "/") -> Any:
    """Sign ``target`` in; raise AssertionError when the dashboard refuses.

    ``target``: a ``requests.Session`` (returns the final response), a Flask test client (``base_url`` is ignored;
    returns the response), or a Selenium driver (leaves it on ``next_path``, returns the driver)."""
    if _is_driver(target):
        return _sign_in_driver(target, base_url, username, password, next_path)
    data = {"username": username, "password": password, "next": next_path}
    if _is_flask_client(target):
        response = target.post("/login", data=data)
        assert response.status_code == 302, f"sign-in as {username} refused: HTTP {response.status_code}"
        return response
    response = target.post(base_url.rstrip("/") + "/login", data=data, allow_redirects=False, timeout=30)
    assert response.status_code == 302, f"sign-in as {username} refused: HTTP {response.status_code}"
    return response


def sign_out(target: Any, base_url: str) -> None:
    if _is_driver(target):
        target.get(base_url.rstrip("/") + "/logout")
    elif _is_flask_client(target):
        target.get("/logout")
    else:
        target.get(base_url.rstrip("/") + "/logout", allow_redirects=False, timeout=30)


def _sign_in_driver(driver: Any, base_url: str, username: str, password: str, next_path: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = base_url.rstrip("/")
    driver.get(f"{base}/login?next={quote(next_path, safe='/')}")
    field = driver.find_element(By.ID, "username")
    field.clear()
    field.send_keys(username)
    secret = driver.find_element(By.ID, "password")
    secret.clear()
    secret.send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(
        lambda d: "/login" not in d.current_url or d.find_elements(By.CSS_SELECTOR, ".login-error"),
        message=f"sign-in as {username} never finished",
    )
    if "/login" in driver.current_url:
        message = driver.find_element(By.CSS_SELECTOR, ".login-error").text
        raise AssertionError(f"sign-in as {username} refused: {message}")
    return driver
