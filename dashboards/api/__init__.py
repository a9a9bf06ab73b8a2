"""The read-only data API over the published marts: ``/api/v1/…`` on the dashboard's Flask server.

Other government systems (the Bangsamoro budget tracking system, LGU portals, the Chief Minister's office
reporting) read PPA, budget and policy figures here instead of re-keying them. The endpoints, their parameters and
columns are defined once in :mod:`dashboards.api.registry`; the routes below and the OpenAPI description
(``/api/v1/openapi.json``) are both generated from it.

Each request:

1. is rate-limited per client (Flask-Limiter, ``[api] rate_limit`` in oobc.toml, default 120/minute, one budget
   over all endpoints; requests without a valid token count per address);
2. needs ``Authorization: Bearer <token>`` of a valid token (401) whose role includes the endpoint's (403);
3. has its parameters checked (400 naming the parameter);
4. opens ONE read-only connection on the published warehouse, so the row count, the page and the freshness all come
   from the same file even while a refresh swaps the link; ``warehouse`` and ``published_at`` name that file and
   its publication time (also the ``X-OOBC-Warehouse`` and ``X-OOBC-Published-At`` headers), and a client paging
   with ``warehouse=<name>`` (the ``next`` link carries it) gets 409 once another warehouse is published;
5. is logged: a row in the state database's ``api_request`` (client, endpoint, query, status, rows, ms) and a line
   in the app log.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
import flask
from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from dashboards import sql
from dashboards.api import openapi, params, render
from dashboards.api.params import ApiError
from dashboards.api.registry import BY_PATH, ENDPOINTS, Endpoint
from ingest import api_tokens
from ingest.home import ConfigError, Home
from ingest.warehouse import NoWarehouseError, published_at, read_only

API_PREFIX = openapi.API_PREFIX
DEFAULT_RATE_LIMIT = "120/minute"
OPEN_PATHS = {openapi.OPENAPI_PATH, openapi.DOCS_PATH}


@dataclass(frozen=True)
class Published:
    """The warehouse a connection opened: its file name and when it was published (the file's time)."""

    name: str
    published_at: str

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Published:
        (path,) = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
        try:
            stamp = published_at(Path(path))
        except FileNotFoundError:  # removed by cleanup after several publishes while this request opened it
            raise ApiError(503, "the warehouse was replaced while it was being opened; retry the request") from None
        return cls(Path(path).name, stamp.isoformat())


# ------------------------------------------------------------------------------------------ settings
def rate_limit(home: Home) -> str:
    """``[api] rate_limit`` of oobc.toml (a limits string such as ``"120/minute"`` or ``"1000/hour;20/second"``)."""
    from limits import parse_many

    table = home.settings("api")
    unknown = sorted(set(table) - {"rate_limit"})
    if unknown:
        raise ConfigError(f"{home.config_file}: [api] has unknown settings {', '.join(unknown)}")
    value = table.get("rate_limit", DEFAULT_RATE_LIMIT)
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f'{home.config_file}: [api] rate_limit must be like "120/minute" or "1000/hour;20/second", not {value!r}'
        ) from None
    return value


# ------------------------------------------------------------------------------------- per request
def _begin() -> None:
    if "api_started" not in g:
        g.api_started = time.perf_counter()


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _client(home: Home) -> api_tokens.Client | None:
    """The client of the request's token (looked up once per request), or None."""
    _begin()
    if "api_client" not in g:
        token = _presented_token()
        g.api_client = api_tokens.authenticate(home, token) if token else None
    return g.api_client


def _require(home: Home, role: str) -> api_tokens.Client:
    client = _client(home)
    if client is None:
        if _presented_token() is None:
            raise ApiError(
                401,
                "a token is required: send 'Authorization: Bearer <token>' (oobc tokens create)",
                headers={"WWW-Authenticate": 'Bearer realm="oobc"'},
            )
        raise ApiError(
            401,
            "the token is unknown or has been revoked",
            headers={"WWW-Authenticate": 'Bearer realm="oobc", error="invalid_token"'},
        )
    if not client.may(role):
        raise ApiError(403, f"client {client.client} has role {client.role}; this endpoint needs role {role}")
    return client


@contextmanager
def _published(home: Home) -> Iterator[tuple[duckdb.DuckDBPyConnection, Published]]:
    try:
        with read_only(home) as con:
            published = Published.of(con)
            g.api_warehouse = published
            yield con, published
    except NoWarehouseError as exc:
        raise ApiError(503, str(exc)) from None


def _page_link(page: int, warehouse: str) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "warehouse")]
    pairs += [("page", str(page)), ("warehouse", warehouse)]
    return f"{request.path}?{urlencode(pairs)}"


def run(con: duckdb.DuckDBPyConnection, endpoint: Endpoint, query: params.Query) -> tuple[int, list[tuple]]:
    """The total number of matching rows and the rows of the query's page, on one connection."""
    statement = endpoint.statement({k: str(v) for k, v in query.choices.items()})
    count_sql = f"select count(*) from ({statement}) as q"  # noqa: S608
    (total,) = con.execute(count_sql, sql.parameters(count_sql, query.filters, **query.choices)).fetchone()
    pages = max(1, math.ceil(total / query.page_size))
    if query.page > pages:
        raise params.bad(
            "page", f"{query.page} is beyond the last page, {pages} ({total} rows at page_size {query.page_size})"
        )
    selected = ", ".join(f'"{name}"' for name in endpoint.column_names)
    ordered = f"order by {endpoint.order_by} limit $limit offset $offset"
    page_sql = f"select {selected} from ({statement}) as q {ordered}"  # noqa: S608
    bound = sql.parameters(page_sql, query.filters, **query.choices, limit=query.page_size, offset=query.offset)
    return total, con.execute(page_sql, bound).fetchall()


def answer(home: Home, endpoint: Endpoint) -> Response:
    _require(home, endpoint.role)
    query = params.parse(endpoint, request.args, request.headers.get("Accept"))
    with _published(home) as (con, published):
        if query.warehouse is not None and query.warehouse != published.name:
            raise ApiError(
                409,
                f"warehouse {query.warehouse} is no longer the published one ({published.name} is, since "
                f"{published.published_at}): start again from page 1",
                "warehouse",
            )
        total, rows = run(con, endpoint, query)
    g.api_rows = len(rows)
    pages = max(1, math.ceil(total / query.page_size))
    next_link = _page_link(query.page + 1, published.name) if query.page < pages else None
    previous_link = _page_link(query.page - 1, published.name) if query.page > 1 else None
    headers = {
        "X-OOBC-Warehouse": published.name,
        "X-OOBC-Published-At": published.published_at,
        "X-Total-Count": str(total),
        "Cache-Control": "no-store",
    }
    links = [f'<{link}>; rel="{rel}"' for link, rel in ((next_link, "next"), (previous_link, "prev")) if link]
    if links:
        headers["Link"] = ", ".join(links)
    columns = endpoint.column_names
    if query.format == "csv":
        stem = endpoint.path.strip("/").replace("/", "-")
        headers["Content-Disposition"] = f'inline; filename="oobc-{stem}-page{query.page}.csv"'
        return Response(
            render.csv_text(columns, rows), headers=headers, mimetype="text/csv", content_type="text/csv; charset=utf-8"
        )
    document = {
        "endpoint": f"{API_PREFIX}{endpoint.path}",
        "warehouse": published.name,
        "published_at": published.published_at,
        "filters": query.echo,
        "page": query.page,
        "page_size": query.page_size,
        "total_rows": total,
        "total_pages": pages,
        "next": next_link,
        "previous": previous_link,
        "columns": columns,
        "data": render.records(columns, rows),
    }
    return Response(render.json_text(document), headers=headers, mimetype="application/json")


def error_response(status: int, message: str, parameter: str | None = None, headers: dict | None = None) -> Response:
    body: dict[str, Any] = {"error": message, "status": status}
    if parameter:
        body["parameter"] = parameter
    response = Response(render.json_text(body), status=status, mimetype="application/json", headers=headers or {})
    published = g.get("api_warehouse")
    if published is not None:
        response.headers["X-OOBC-Warehouse"] = published.name
        response.headers["X-OOBC-Published-At"] = published.published_at
    return response


# ------------------------------------------------------------------------------------------ install
def install(app: Any, home: Home) -> None:
    """Register the API's routes on the dashboard's Flask server."""
    from flask_limiter import HeaderNames, Limiter
    from flask_limiter.errors import RateLimitExceeded

    server: flask.Flask = app.server
    limit_value = rate_limit(home)
    # The app logger's child at INFO: one line per request reaches the app's handlers (gunicorn's error log).
    logger = logging.getLogger(f"{server.logger.name}.api")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    api_tokens.engine_for(home)  # the token and log tables exist before the first request
    blueprint = Blueprint("oobc_api_v1", __name__, url_prefix=API_PREFIX)

    def rate_key() -> str:
        client = _client(home)
        return f"client:{client.client}" if client else f"address:{request.remote_addr}"

    limiter = Limiter(
        key_func=rate_key,
        storage_uri="memory://",  # per worker process: N gunicorn workers allow up to N × the limit
        headers_enabled=True,  # X-RateLimit-Limit / -Remaining / -Reset on every answer
        # Retry-After only on a 429 (set below); Flask-Limiter would put it on every answer
        header_name_mapping={HeaderNames.RETRY_AFTER: "X-RateLimit-Retry-After"},
        strategy="fixed-window",
    )
    shared = limiter.shared_limit(limit_value, scope="oobc-api-v1", key_func=rate_key)

    def view_for(endpoint: Endpoint):
        def view() -> Response:
            return answer(home, endpoint)

        name = f"api_{endpoint.operation_id}"
        view.__name__ = view.__qualname__ = name
        return shared(view)

    for endpoint in ENDPOINTS:
        blueprint.add_url_rule(endpoint.path, endpoint=endpoint.operation_id, view_func=view_for(endpoint))

    document_text = render.json_text(openapi.document())
    docs_text = openapi.docs_page()

    @blueprint.get("/openapi.json")
    def openapi_json() -> Response:
        return Response(document_text, mimetype="application/json")

    @blueprint.get("/docs")
    def docs() -> Response:
        return Response(docs_text, mimetype="text/html")

    @blueprint.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    def elsewhere(rest: str) -> Response:
        path = f"/{rest}"
        if path in BY_PATH or f"{API_PREFIX}{path}" in OPEN_PATHS:
            return error_response(405, f"{request.method} is not allowed: the API is read-only (GET)")
        return error_response(404, f"no endpoint {API_PREFIX}{path}: see {openapi.DOCS_PATH}")

    @blueprint.before_request
    def begin() -> None:
        _begin()

    @blueprint.after_request
    def log(response: Response) -> Response:
        started = g.get("api_started", time.perf_counter())
        milliseconds = (time.perf_counter() - started) * 1000
        client = g.get("api_client")
        published = g.get("api_warehouse")
        rows = g.get("api_rows")
        try:
            api_tokens.log_request(
                home,
                client=client,
                endpoint=request.path,
                query_string=request.query_string.decode("utf-8", "replace"),
                status=response.status_code,
                row_count=rows,
                warehouse=published.name if published else None,
                milliseconds=milliseconds,
            )
        except Exception:  # the answer goes out even when the log cannot be written; the app log says why
            logger.exception("api: could not write the request log")
        logger.info(
            "api %s %s client=%s status=%s rows=%s warehouse=%s %.1fms",
            request.method,
            request.full_path.rstrip("?"),
            client.client if client else "-",
            response.status_code,
            "-" if rows is None else rows,
            published.name if published else "-",
            milliseconds,
        )
        return response

    @blueprint.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.parameter, exc.headers)

    @blueprint.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded) -> Response:
        client = g.get("api_client")
        who = f"client {client.client}" if client else f"address {request.remote_addr}"
        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current else 60
        return error_response(
            429,
            f"rate limit exceeded for {who}: {exc.description}; retry in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )

    @blueprint.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, exc.description or exc.name)

    @blueprint.errorhandler(Exception)
    def failure(exc: Exception) -> Response:
        logger.exception("api: %s failed", request.path)
        return error_response(500, "internal error; the server log has the details")

    server.register_blueprint(blueprint)
    limiter.init_app(server)
