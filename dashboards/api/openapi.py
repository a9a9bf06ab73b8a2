"""The OpenAPI 3.1 description of the API, generated from the endpoint registry (and a plain HTML docs page).

Column types come from the marts' dbt contracts (``registry.Column.type``): DECIMAL(p,s) is a string of exactly s
decimals (``pattern``), integers are integers, DOUBLE numbers, booleans booleans, DATE ``format: date``, TIMESTAMP
an ISO 8601 string without offset (UTC), VARCHAR[] an array of strings. Every column may be null.
"""

from __future__ import annotations

import html
import re
from typing import Any

from dashboards.api.params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, YEAR_HIGH, YEAR_LOW
from dashboards.api.registry import ENDPOINTS, Column, Endpoint

API_PREFIX = "/api/v1"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"
DOCS_PATH = f"{API_PREFIX}/docs"
VERSION = "1.0.0"

_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")

ERROR_STATUSES = {
    "400": "A bad parameter: the message names it.",
    "401": "No token, or a token that is unknown or revoked.",
    "403": "The token's role does not include this endpoint.",
    "409": "`warehouse` names a warehouse that is no longer the published one: a refresh swapped it while you "
    "were paging; start again from page 1.",
    "429": "Too many requests for this client; `Retry-After` says how many seconds to wait.",
    "503": "No warehouse has been published yet.",
}

FILTER_PARAMETERS: dict[str, dict[str, Any]] = {
    "fiscal_year": {
        "description": "Fiscal years to include; repeat the parameter for several "
        "(`fiscal_year=2024&fiscal_year=2025`).",
        "items": {"type": "integer", "minimum": YEAR_LOW, "maximum": YEAR_HIGH},
    },
    "moa": {
        "description": "MOA acronyms to include (as in the data, e.g. `MOH`); repeat for several.",
        "items": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00]*\S[^\x00]*$"},
    },
    "sector": {
        "description": "Sector codes to include (`unspecified`: PPAs without one); repeat for several.",
        "items": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00]*\S[^\x00]*$"},
    },
    "area": {
        "description": "Regions and provinces, by the keys of /api/v1/areas (`region:<id>`, `province:<id>`); a row "
        "matches when its region or its province is one of them. Repeat for several.",
        "items": {"type": "string", "pattern": r"^(region|province):-?[0-9]{1,12}$"},
    },
}


def column_schema(column: Column) -> dict[str, Any]:
    data_type = column.type
    schema: dict[str, Any]
    decimal = _DECIMAL.fullmatch(data_type)
    if decimal:
        scale = int(decimal.group(2))
        pattern = rf"^-?[0-9]+\.[0-9]{{{scale}}}$" if scale else r"^-?[0-9]+$"
        schema = {"type": ["string", "null"], "pattern": pattern, "description": f"Exact decimal ({data_type})."}
    elif data_type in ("integer", "bigint", "smallint", "hugeint"):
        schema = {"type": ["integer", "null"]}
    elif data_type in ("double", "float", "real"):
        schema = {"type": ["number", "null"]}
    elif data_type == "boolean":
        schema = {"type": ["boolean", "null"]}
    elif data_type == "date":
        schema = {"type": ["string", "null"], "format": "date"}
    elif data_type == "timestamp":
        schema = {"type": ["string", "null"], "description": "ISO 8601 date and time, UTC, without offset."}
    elif data_type == "varchar[]":
        schema = {"type": ["array", "null"], "items": {"type": "string"}}
    elif data_type == "varchar":
        schema = {"type": ["string", "null"]}
    else:
        raise ValueError(f"no JSON type for column {column.name} ({data_type})")
    description = column.contract()["description"]
    if description:
        schema["description"] = " ".join(filter(None, [description, schema.get("description")]))
    return schema


def _row_name(endpoint: Endpoint) -> str:
    return endpoint.operation_id[0].upper() + endpoint.operation_id[1:] + "Row"


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in endpoint.filters:
        spec = FILTER_PARAMETERS[name]
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "style": "form",
                "explode": True,
                "description": endpoint.filter_notes.get(name, spec["description"]),
                "schema": {"type": "array", "items": spec["items"], "maxItems": 100},
            }
        )
    for choice in endpoint.choices:
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": -(10**17), "maximum": 10**17}
            if choice.integer
            else {"type": "string", "enum": list(choice.values)}
        )
        parameters.append(
            {
                "name": choice.name,
                "in": "query",
                "required": choice.required,
                "description": choice.description,
                "schema": schema,
            }
        )
    parameters += [{"$ref": f"#/components/parameters/{name}"} for name in ("page", "page_size", "format", "warehouse")]
    return parameters


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    row = _row_name(endpoint)
    role = "analyst" if endpoint.role == "analyst" else "reader or analyst"
    responses: dict[str, Any] = {
        "200": {
            "description": "One page of rows, in the envelope (JSON) or as CSV with a header row.",
            "headers": {
                name: {"$ref": f"#/components/headers/{name}"}
                for name in ("X-OOBC-Warehouse", "X-OOBC-Published-At", "X-Total-Count")
            },
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Envelope"},
                            {
                                "type": "object",
                                "properties": {
                                    "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{row}"}}
                                },
                            },
                        ]
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
    for status, description in ERROR_STATUSES.items():
        responses[status] = {"$ref": f"#/components/responses/Error{status}"}
        del description
    return {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "description": f"{endpoint.description}\n\nRole: {role}. Marts read: {', '.join(endpoint.marts)}.",
        "tags": ["data"],
        "parameters": _parameters(endpoint),
        "responses": responses,
    }


def _envelope() -> dict[str, Any]:
    nullable_text = {"type": ["string", "null"]}
    return {
        "type": "object",
        "required": [
            "endpoint",
            "warehouse",
            "published_at",
            "filters",
            "page",
            "page_size",
            "total_rows",
            "total_pages",
            "next",
            "previous",
            "columns",
            "data",
        ],
        "properties": {
            "endpoint": {"type": "string", "description": "The path answered."},
            "warehouse": {
                "type": "string",
                "description": "The published warehouse file that answered. Every figure of a response comes from "
                "this one file. Pass it back as `warehouse` when paging (the `next` link does) to be told (409) if "
                "a refresh published another one in between.",
            },
            "published_at": {
                "type": "string",
                "format": "date-time",
                "description": "When that warehouse was published (its file's time, UTC).",
            },
            "filters": {
                "type": "object",
                "description": "The filters and choices of the request, as given.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "total_rows": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 1},
            "next": {**nullable_text, "description": "The next page (path and query), null on the last page."},
            "previous": {**nullable_text, "description": "The previous page, null on the first."},
            "columns": {"type": "array", "items": {"type": "string"}},
            "data": {"type": "array", "items": {"type": "object"}},
        },
    }


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths: dict[str, Any] = {
        f"{API_PREFIX}{e.path}": {"get": {**_operation(e), "security": [{"bearerAuth": []}]}} for e in ENDPOINTS
    }
    paths[OPENAPI_PATH] = {
        "get": {
            "operationId": "openapi",
            "summary": "This description",
            "tags": ["about"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    paths[DOCS_PATH] = {
        "get": {
            "operationId": "docs",
            "summary": "The endpoints, their parameters and columns, as a web page",
            "tags": ["about"],
            "security": [],
            "responses": {
                "200": {"description": "An HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}}
            },
        }
    }
    schemas: dict[str, Any] = {
        "Envelope": _envelope(),
        "Error": {
            "type": "object",
            "required": ["error", "status"],
            "properties": {
                "error": {"type": "string", "description": "What went wrong, in words."},
                "status": {"type": "integer"},
                "parameter": {"type": ["string", "null"], "description": "The parameter at fault (400)."},
            },
        },
    }
    for endpoint in ENDPOINTS:
        schemas[_row_name(endpoint)] = {
            "type": "object",
            "required": endpoint.column_names,
            "additionalProperties": False,
            "properties": {c.name: column_schema(c) for c in endpoint.columns},
        }
    headers = {
        "X-OOBC-Warehouse": {"description": "The warehouse file that answered.", "schema": {"type": "string"}},
        "X-OOBC-Published-At": {"description": "When it was published (ISO 8601, UTC).", "schema": {"type": "string"}},
        "X-Total-Count": {"description": "Rows matching the filters, over all pages.", "schema": {"type": "integer"}},
    }
    responses = {
        f"Error{status}": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, description in ERROR_STATUSES.items()
    }
    responses["Error429"]["headers"] = {
        "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OOBC planning and budget data API",
            "version": VERSION,
            "description": (
                "Read-only figures of the OOBC warehouse's published marts for other government systems. Every "
                "endpoint but this description and the docs page needs `Authorization: Bearer <token>` (tokens: "
                "`oobc tokens create CLIENT --role reader|analyst`). Money and every decimal figure is an exact "
                'decimal string (`"1000000.50"`), never a JSON number. Pages: `page` (from 1) and `page_size` '
                f"(default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}); `format=csv` (or `Accept: text/csv`) for "
                "CSV. Every response names the published warehouse that answered and when it was published."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": "data"}, {"name": "about"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A token from `oobc tokens create`."}
            },
            "parameters": {
                "page": {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "description": "Page number, from 1.",
                    "schema": {"type": "integer", "minimum": 1, "default": 1},
                },
                "page_size": {
                    "name": "page_size",
                    "in": "query",
                    "required": False,
                    "description": "Rows per page.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
                },
                "format": {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "description": "json (the default) or csv; without it, `Accept: text/csv` asks for CSV.",
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                },
                "warehouse": {
                    "name": "warehouse",
                    "in": "query",
                    "required": False,
                    "description": "The warehouse of the first page (the `next` links carry it): when another one has "
                    "been published since, the answer is 409 rather than rows of a different warehouse.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                },
            },
            "headers": headers,
            "schemas": schemas,
            "responses": responses,
        },
    }


def docs_page() -> str:
    """A plain HTML page: every endpoint with its role, parameters and columns (no scripts, works offline)."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>OOBC data API</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
        "code{background:#f3f3f3;padding:0 .2em}td,th{text-align:left;padding:.1em .6em;vertical-align:top}</style>",
        "</head><body><h1>OOBC planning and budget data API</h1>",
        f"<p>Machine-readable description: <a href='{OPENAPI_PATH}'><code>{OPENAPI_PATH}</code></a>. Send "
        "<code>Authorization: Bearer &lt;token&gt;</code>. Money is an exact decimal string. "
        f"<code>page</code>, <code>page_size</code> (at most {MAX_PAGE_SIZE}), <code>format=json|csv</code>.</p>",
    ]
    for endpoint in ENDPOINTS:
        parameters = [*endpoint.filters, *(c.name for c in endpoint.choices)]
        parts.append(f"<h2><code>GET {API_PREFIX}{html.escape(endpoint.path)}</code></h2>")
        parts.append(f"<p>{html.escape(endpoint.description)}</p>")
        parts.append(
            f"<p>Role: <b>{endpoint.role}</b>. Parameters: "
            f"{', '.join(f'<code>{p}</code>' for p in parameters) or 'paging only'}.</p>"
        )
        rows = "".join(
            f"<tr><td><code>{c.name}</code></td><td>{html.escape(c.type)}</td>"
            f"<td>{html.escape(c.contract()['description'] or '')}</td></tr>"
            for c in endpoint.columns
        )
        parts.append(f"<table><tr><th>column</th><th>type</th><th>meaning</th></tr>{rows}</table>")
    parts.append("</body></html>")
    return "".join(parts)
