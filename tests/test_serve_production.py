"""`oobc serve --production`: gunicorn with several worker processes on one published warehouse.

The server runs as a user would start it (the installed `oobc`, settings from the environment and oobc.toml); a
warehouse published while it runs is what every worker answers from next, without a restart.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

from dashboards import ids
from dashboards.pages import overview
from ingest.home import ConfigError, Home, ServeSettings, serve_settings
from ingest.warehouse import new_build_path, publish
from tests.auth import make_user, sign_in
from tests.dashboards.tiny_warehouse import build_tiny_warehouse, published_home

SELECTION = {"fiscal_year": [2025], "moa": ["MOH"], "sector": ["social"], "area": []}
NEW_AS_OF = dt.datetime(2030, 1, 1, 0, 0, tzinfo=dt.UTC)  # 08:00 in Manila


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(web: requests.Session, url: str) -> tuple[int, str]:
    response = web.get(url, timeout=30)
    return response.status_code, response.text


def _callback(web: requests.Session, base: str, body: dict) -> tuple[int, str]:
    response = web.post(f"{base}/_dash-update-component", json=body, timeout=30)
    return response.status_code, json.dumps(response.json(), ensure_ascii=False)


HEADLINE = {
    "output": f"{overview.HEADLINE}.children",
    "outputs": {"id": overview.HEADLINE, "property": "children"},
    "inputs": [{"id": ids.FILTERS, "property": "data", "value": SELECTION}],
    "changedPropIds": [f"{ids.FILTERS}.data"],
    "state": [],
}


def _sync_request(web: requests.Session, base: str) -> dict:
    """The shell's filter callback as the browser sends it on first load (it reads the filter options and the
    footer's "data as of"), built from the app's own dependency list."""
    _, text = _get(web, base + "/_dash-dependencies")
    (dep,) = [d for d in json.loads(text) if f"{ids.AS_OF}.children" in d["output"]]
    outputs = [o.rsplit(".", 1) for o in dep["output"].strip(".").split("...")]
    values = {ids.URL: ""}
    return {
        "output": dep["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {
                "id": d["id"],
                "property": d["property"],
                "value": values.get(d["id"], [] if d["property"] == "value" else None),
            }
            for d in dep["inputs"]
        ],
        "changedPropIds": [f"{ids.URL}.search"],
        "state": [],
    }


def _new_warehouse(home: Home) -> Path:
    """The tiny warehouse again, with MOH's 2025 budget changed and written 'on 1 January 2030'."""
    path = build_tiny_warehouse(new_build_path(home))
    con = duckdb.connect(str(path))
    con.execute(
        "update marts.rpt_executive_summary set budget_allocation = 2500000.75 "
        "where fiscal_year = 2025 and moa_acronym = 'MOH'"
    )
    con.close()
    stamp = NEW_AS_OF.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_settings_come_from_options_then_environment_then_the_file(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    assert serve_settings(home) == ServeSettings()
    home.config_file.write_text('[serve]\nhost = "0.0.0.0"\nport = 9000\nworkers = 3\nthreads = 2\ntimeout = 60\n')
    assert serve_settings(home) == ServeSettings("0.0.0.0", 9000, 3, 2, 60)
    assert serve_settings(home, host="127.0.0.1", port=9100, workers=5) == ServeSettings("127.0.0.1", 9100, 5, 2, 60)
    home.config_file.write_text("[serve]\nworkers = 0\n")
    with pytest.raises(ConfigError, match="workers must be a whole number from 1 to 64"):
        serve_settings(home)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn needs a POSIX system")
def test_gunicorn_workers_serve_the_dashboards_and_pick_up_a_new_warehouse(tmp_path: Path) -> None:
    home = published_home(tmp_path)
    port = _free_port()
    home.config_file.write_text("[serve]\nthreads = 2\nport = 1\n")  # the environment's OOBC_PORT wins over the file
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OOBC_HOME": str(home.root), "OOBC_PORT": str(port), "OOBC_HOST": "127.0.0.1"}
    env.pop("OOBC_WORKERS", None)
    env.pop("OOBC_SECRET_KEY", None)  # the workers share the key kept in the home
    web = requests.Session()
    exe = Path(sys.executable).with_name("oobc")
    with subprocess.Popen(
        [str(exe), "serve", "--production", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            deadline = time.monotonic() + 90
            while True:
                assert server.poll() is None, server.stderr.read()
                try:
                    status, page = _get(web, base + "/login")
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, "the server never answered"
                    time.sleep(0.3)
            assert status == 200 and "Sign in" in page
            # nothing is served before sign-in
            assert web.get(base + "/", allow_redirects=False, timeout=30).status_code == 302
            assert _callback(web, base, HEADLINE)[0] == 401
            sign_in(web, base, *make_user(home, "viewer"))
            # signed in once: every worker accepts the session (they share the key kept in the home)
            status, page = _get(web, base + "/")
            assert status == 200 and "<title>OOBC planning and budget</title>" in page
            status, layout = _get(web, base + "/_dash-layout")
            assert status == 200 and ids.AS_OF in layout

            for _ in range(8):  # several requests: both workers answer some of them
                status, body = _callback(web, base, HEADLINE)
                assert status == 200 and "₱1,500,000.50" in body and "₱2,500,000.75" not in body
            sync = _sync_request(web, base)
            status, body = _callback(web, base, sync)
            assert status == 200 and "1 Jan 2030" not in body and "PHT" in body

            publish(home, _new_warehouse(home))  # a refresh publishes while the workers run

            for _ in range(8):
                status, body = _callback(web, base, HEADLINE)
                assert status == 200 and "₱2,500,000.75" in body and "₱1,500,000.50" not in body
                status, body = _callback(web, base, sync)
                assert status == 200 and "1 Jan 2030, 08:00 PHT" in body
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            finally:
                server.kill()
            log = server.stderr.read()
    assert server.returncode == 0, log
    assert "Booting worker" in log and log.count("Booting worker with pid") >= 2
    assert (home.root / "secret_key").stat().st_mode & 0o777 == 0o600
    assert f"Listening at: {base}" in log
