"""The query string of an API request, checked: every problem is a 400 that names the parameter.

Filters repeat their key for several values, as the dashboards' links do (``?fiscal_year=2024&fiscal_year=2025``);
an absent filter means "all". ``area`` takes the keys of ``/api/v1/areas`` (``region:<id>``, ``province:<id>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from dashboards.api.registry import Endpoint
from dashboards.filters import Filters

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FORMATS = ("json", "csv")
COMMON = ("page", "page_size", "format", "warehouse")
MAX_VALUES = 100  # values of one filter
MAX_TEXT = 200  # characters of one value
YEAR_LOW, YEAR_HIGH = 1900, 2999
AREA_KEY = re.compile(r"(region|province):-?[0-9]{1,12}")
WHOLE = re.compile(r"[0-9]{1,9}")
SIGNED = re.compile(r"-?[0-9]{1,18}")


class ApiError(Exception):
    """An answer other than the data: HTTP ``status`` with a message (and the parameter at fault, if any)."""

    def __init__(self, status: int, message: str, parameter: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.headers = headers or {}


def bad(parameter: str, message: str) -> ApiError:
    return ApiError(400, f"{parameter}: {message}", parameter)


@dataclass(frozen=True)
class Query:
    filters: Filters
    choices: dict[str, str | int | None]
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    format: str = "json"
    warehouse: str | None = None
    echo: dict[str, list[str]] = field(default_factory=dict)  # the filters and choices as given, for the envelope

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _values(args: MultiDict, name: str) -> list[str]:
    values = args.getlist(name)
    if len(values) > MAX_VALUES:
        raise bad(name, f"at most {MAX_VALUES} values")
    for value in values:
        if value.strip() == "":
            raise bad(name, "is empty; leave the parameter out to select all")
        if len(value) > MAX_TEXT:
            raise bad(name, f"longer than {MAX_TEXT} characters")
        if "\x00" in value:
            raise bad(name, "contains a NUL character")
    return values


def _single(args: MultiDict, name: str) -> str | None:
    values = _values(args, name)
    if len(values) > 1:
        raise bad(name, "give it once")
    return values[0] if values else None


def _whole(args: MultiDict, name: str, default: int, low: int, high: int, meaning: str) -> int:
    value = _single(args, name)
    if value is None:
        return default
    if not WHOLE.fullmatch(value.strip()):
        raise bad(name, f"must be a whole number from {low} to {high}, not {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise bad(name, f"must be from {low} to {high} ({meaning}), not {number}")
    return number


def response_format(args: MultiDict, accept: str | None) -> str:
    """``format=json|csv``, else the Accept header (``text/csv`` asks for CSV), else JSON."""
    value = _single(args, "format")
    if value is not None:
        if value not in FORMATS:
            raise bad("format", f"must be json or csv, not {value!r}")
        return value
    if accept and "text/csv" in accept and "application/json" not in accept:
        return "csv"
    return "json"


def parse(endpoint: Endpoint, args: MultiDict, accept: str | None = None) -> Query:
    """The checked query of ``endpoint``; :class:`ApiError` (400) names the first bad parameter."""
    allowed = set(COMMON) | set(endpoint.filters) | {c.name for c in endpoint.choices}
    for name in args:
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            from dashboards.api.registry import FILTERS

            if name in FILTERS:
                raise bad(name, f"does not apply to /api/v1{endpoint.path} (its parameters: {known})")
            raise bad(name, f"unknown parameter for /api/v1{endpoint.path} (its parameters: {known})")

    years = []
    for value in _values(args, "fiscal_year"):
        if not WHOLE.fullmatch(value.strip()) or not YEAR_LOW <= int(value) <= YEAR_HIGH:
            raise bad("fiscal_year", f"must be a year such as 2025, not {value!r}")
        years.append(int(value))
    areas = _values(args, "area")
    for value in areas:
        if not AREA_KEY.fullmatch(value):
            raise bad("area", f"must be region:<id> or province:<id> (see /api/v1/areas), not {value!r}")
    filters = Filters.of(years, _values(args, "moa"), _values(args, "sector"), areas)

    choices: dict[str, str | int | None] = {}
    for choice in endpoint.choices:
        value = _single(args, choice.name)
        if value is None:
            if choice.required:
                raise bad(choice.name, f"is required: one of {', '.join(choice.values)}")
            choices[choice.name] = None if choice.integer else ""
            continue
        if choice.integer:
            if not SIGNED.fullmatch(value.strip()):
                raise bad(choice.name, f"must be a whole number, not {value!r}")
            choices[choice.name] = int(value)
        else:
            if value not in choice.values:
                raise bad(choice.name, f"must be one of {', '.join(choice.values)}, not {value!r}")
            choices[choice.name] = value

    page = _whole(args, "page", 1, 1, 10_000_000, "pages count from 1")
    page_size = _whole(args, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, f"at most {MAX_PAGE_SIZE} rows a page")
    echo = {
        name: args.getlist(name) for name in (*endpoint.filters, *(c.name for c in endpoint.choices)) if name in args
    }
    return Query(
        filters=filters,
        choices=choices,
        page=page,
        page_size=page_size,
        format=response_format(args, accept),
        warehouse=_single(args, "warehouse"),
        echo=echo,
    )
