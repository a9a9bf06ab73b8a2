"""Headless Chromium for the browser tests: Debian's chromium and chromium-driver, named by path.

Selenium never downloads a browser or a driver here. `make test` installs both packages when missing; a
run of pytest without them skips the browser tests with the reason, except under CI, where it fails.

Every page needs sign-in: ``serving(app)`` makes a user (role ``admin`` unless told otherwise) in the app's home
and remembers it for the URL it serves on; ``visit`` and ``open_page`` sign the browser in with it when the
dashboard sends it to ``/login``, as a person would.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HEADLESS_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--window-size=1440,1000",
)


def require_chromium() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    message = f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}); `make test` installs them"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chrome(profile_dir: Path, downloads: Path | None = None):
    """A headless Chromium driver with a fresh profile and the browser console log captured; files it downloads
    land in ``downloads`` (default: ``profile_dir/downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*HEADLESS_ARGS, f"--user-data-dir={profile_dir}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    downloads = downloads or profile_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # where the tests look for exported files
    return driver


def severe_console_entries(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# base URL -> (username, password) of the user ``serving`` made for it
CREDENTIALS: dict[str, tuple[str, str]] = {}


@contextmanager
def serving(app, role: str = "admin") -> Iterator[str]:
    """Serve a Dash ``app`` on a free local port from a background thread; yield its base URL. A user of ``role`` is
    made in the app's home for the browser helpers to sign in with (``CREDENTIALS[url]``)."""
    from werkzeug.serving import make_server

    from tests.auth import make_user

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    home = app.server.extensions.get("oobc_home")
    if home is not None:
        CREDENTIALS[url] = make_user(home, role)
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dashboard", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        CREDENTIALS.pop(url, None)


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def visit(driver, url: str) -> None:
    """Go to ``url``; when the dashboard asks for sign-in, sign in with the user ``serving`` made (and land on
    ``url``)."""
    from tests.auth import sign_in

    driver.get(url)
    if urlsplit(driver.current_url).path == "/login":
        base = _base(url)
        if base not in CREDENTIALS:
            raise AssertionError(f"{url} asks for sign-in and no test user is known for {base}")
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sign_in(driver, base, *CREDENTIALS[base], next_path=target)


# ------------------------------------------------------------------------------------ page helpers
WAIT = 30  # seconds
SCREENSHOTS = Path(
    os.environ.get("OOBC_SCREENSHOTS") or Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
)


def wait(driver, timeout: float = WAIT):
    """A wait that retries when Dash replaced the element it was looking at."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def text(driver, css: str) -> str | None:
    """The text of the first element matching ``css``, read in one step in the page (Dash may re-render it)."""
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]); return el ? el.innerText.trim() : null;", css
    )


def count(driver, css: str) -> int:
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length;", css)


def settled(driver) -> bool:
    """No callback is running (Dash marks loading components) and the shell has read the warehouse."""
    return driver.execute_script(
        "const asOf = document.getElementById('shell-as-of');"
        "return !document.querySelector('[data-dash-is-loading]') && !!asOf && asOf.innerText.trim() !== '—';"
    )


def open_page(driver, url: str) -> None:
    """Go to ``url`` (signing in when asked) and wait until the page's callbacks have settled."""
    visit(driver, url)
    wait(driver).until(settled, message=f"{url} never settled")


def menu_open(driver) -> bool:
    """A dropdown's menu is open: its popover is shown (a click elsewhere would only close it). Checklists and
    radio items also have ``role=option`` elements, always shown, so the dropdown's own menu class is looked for."""
    return bool(
        driver.execute_script(
            "return [...document.querySelectorAll('.dash-dropdown-content')].some(m => m.getClientRects().length > 0);"
        )
    )


def scrolling(driver) -> bool:
    """The page is still scrolling (an animated scroll, as a key like Space or Page Down starts): a click now would
    land where the element was a moment ago."""
    return bool(
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1], y = window.scrollY;"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(window.scrollY !== y)));"
        )
    )


def close_menus(driver) -> None:
    """Close an open dropdown menu (Escape, as a user would) and wait until it is gone: a click while a menu is
    open only closes the menu, so the control clicked would never see it."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(3):
        try:
            wait(driver, 2).until(lambda d: not menu_open(d))
            return
        except TimeoutException:
            ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait(driver).until(lambda d: not menu_open(d), message="a dropdown menu stays open")


def click(driver, element_id: str) -> None:
    """Click the element ``element_id`` once the page has settled, stopped scrolling and has no dropdown menu open,
    scrolled to the middle of the window; when a re-render moved something over it just then
    (ElementClickInterceptedException), wait and try again."""
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.by import By

    close_menus(driver)

    def clicked(d) -> bool:
        if not settled(d) or scrolling(d):
            return False
        element = d.find_element(By.ID, element_id)
        d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    wait(driver).until(clicked, message=f"could not click #{element_id}")


def choose(driver, dropdown_id: str, label: str) -> None:
    """Pick ``label`` in the (multi) dropdown ``dropdown_id`` by typing it, as a user would; returns once its menu
    is closed again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    driver.find_element(By.ID, dropdown_id).click()
    option = wait(driver).until(
        ec.element_to_be_clickable((By.XPATH, f"//*[@role='option'][.//*[normalize-space(text())='{label}']]"))
    )
    option.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    close_menus(driver)


def screenshot(driver, name: str) -> Path:
    """Save the whole page as ``<SCREENSHOTS>/<name>.png`` for reviewers (the folder is kept out of git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 1000);")
    size = driver.get_window_size()
    driver.set_window_size(size["width"], min(int(height) + 40, 6000))
    try:
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(size["width"], size["height"])
    return path


def download(driver, button_id: str, suffix: str, timeout: float = WAIT) -> Path:
    """Click an export button and return the file it downloaded (the newest ``*suffix`` in the download folder)."""
    from selenium.webdriver.common.by import By

    folder: Path = driver.downloads
    before = {p.name for p in folder.glob(f"*{suffix}")}
    driver.find_element(By.ID, button_id).click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in folder.glob(f"*{suffix}") if p.name not in before]
        partial = list(folder.glob("*.crdownload"))
        if new and not partial:
            return max(new, key=lambda p: p.stat().st_mtime)
        time.sleep(0.1)
    raise AssertionError(f"clicking {button_id} downloaded no {suffix} file into {folder}")


def grid_rows(driver, grid_id: str) -> int | None:
    """How many rows an AG Grid (``components.grid``) holds over all its pages, None until it is drawn."""
    return driver.execute_script(
        # getApi throws while the grid is being (re)drawn: not drawn yet
        "try { return dash_ag_grid.getApi(arguments[0]).paginationGetRowCount(); } catch (e) { return null; }",
        grid_id,
    )


def grid_row_css(grid_id: str) -> str:
    """The rows of the page an AG Grid shows."""
    return f"#{grid_id} .ag-center-cols-container .ag-row"


def svg_text(driver, css: str) -> str:
    """The text of an SVG element (a plotly title): SVG has no innerText."""
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]); return el ? el.textContent.trim() : '';", css
    )
