"""The global filter (fiscal years, MOAs, sectors, areas) and its two spellings: the URL query string and the shell's
store.

An empty selection means "all". The query string repeats a key for several values
(``?fiscal_year=2024&fiscal_year=2025&moa=MOH&sector=social&area=province:12``) so a link reproduces the view
exactly, and a value that contains a comma or an ampersand survives the round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

FISCAL_YEAR = "fiscal_year"
MOA = "moa"
SECTOR = "sector"
AREA = "area"  # dim_geography keys of regions and provinces: region:<id>, province:<id>
# Sector value of PPAs that carry none; the executive summary mart uses the same word.
UNSPECIFIED_SECTOR = "unspecified"


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def _as_list(value: Any) -> list[Any]:
    """A dropdown value (None, one value or a list) as a list."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


_YEAR = re.compile(r"[0-9]{4}")


def _years(values: Iterable[Any]) -> tuple[int, ...]:
    """Four-digit years only: a hand-edited URL or a tampered request with a word, a huge number (which no query
    could bind as a BIGINT), a float or a non-ASCII digit for a year selects nothing rather than failing."""
    years = []
    for value in values:
        if isinstance(value, bool):
            continue
        text = str(value).strip() if isinstance(value, int | str) else ""
        if _YEAR.fullmatch(text):
            years.append(int(text))
    return _unique(years)


def _texts(values: Iterable[Any]) -> tuple[str, ...]:
    """The values as text; a tampered request's lists, dicts and numbers become text that matches nothing."""
    return _unique(str(v) for v in values if v is not None and str(v) != "")


@dataclass(frozen=True)
class Filters:
    fiscal_years: tuple[int, ...] = ()
    moas: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    @classmethod
    def of(cls, fiscal_years: Any = None, moas: Any = None, sectors: Any = None, areas: Any = None) -> Filters:
        """From dropdown values (None, a value or a list each)."""
        return cls(
            _years(_as_list(fiscal_years)),
            _texts(_as_list(moas)),
            _texts(_as_list(sectors)),
            _texts(_as_list(areas)),
        )

    # ------------------------------------------------------------------------------------ URL
    @classmethod
    def from_search(cls, search: str | None) -> Filters:
        """From ``location.search`` (with or without the leading ``?``); unknown keys are ignored, and so is a search
        that is not text (a tampered callback request)."""
        query = parse_qs(search.lstrip("?") if isinstance(search, str) else "", keep_blank_values=False)
        return cls.of(query.get(FISCAL_YEAR), query.get(MOA), query.get(SECTOR), query.get(AREA))

    def to_search(self) -> str:
        """The query string that reproduces this selection, ``""`` when nothing is selected."""
        pairs = [(FISCAL_YEAR, str(y)) for y in self.fiscal_years]
        pairs += [(MOA, m) for m in self.moas]
        pairs += [(SECTOR, s) for s in self.sectors]
        pairs += [(AREA, a) for a in self.areas]
        return "?" + urlencode(pairs) if pairs else ""

    # ---------------------------------------------------------------------------------- store
    @classmethod
    def from_store(cls, data: dict[str, list[Any]]) -> Filters:
        """From the shell's store; anything but a mapping (a tampered callback request) selects nothing."""
        if not isinstance(data, dict):
            return cls()
        return cls.of(data.get(FISCAL_YEAR), data.get(MOA), data.get(SECTOR), data.get(AREA))

    def to_store(self) -> dict[str, list[Any]]:
        return {
            FISCAL_YEAR: list(self.fiscal_years),
            MOA: list(self.moas),
            SECTOR: list(self.sectors),
            AREA: list(self.areas),
        }

    # ------------------------------------------------------------------------------------ use
    def restricted_to(
        self,
        fiscal_years: Iterable[int],
        moas: Iterable[str],
        sectors: Iterable[str],
        areas: Iterable[str] = (),
    ) -> Filters:
        """Only the values the warehouse knows (a stale or hand-edited link can name others)."""
        years, known_moas, known_sectors, known_areas = set(fiscal_years), set(moas), set(sectors), set(areas)
        return Filters(
            tuple(y for y in self.fiscal_years if y in years),
            tuple(m for m in self.moas if m in known_moas),
            tuple(s for s in self.sectors if s in known_sectors),
            tuple(a for a in self.areas if a in known_areas),
        )

    def params(self) -> dict[str, list[Any]]:
        """Bind parameters for the queries: ``$fiscal_years``, ``$moas``, ``$sectors``, ``$areas``; an empty list means
        all (see :mod:`dashboards.sql`)."""
        return {
            "fiscal_years": list(self.fiscal_years),
            "moas": list(self.moas),
            "sectors": list(self.sectors),
            "areas": list(self.areas),
        }

    @property
    def is_empty(self) -> bool:
        return not (self.fiscal_years or self.moas or self.sectors or self.areas)

    def describe(self, area_labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """The selection in words, one (filter, values) pair per filter, "All" when unset (export metadata)."""
        labels = area_labels or {}
        return [
            ("Fiscal year", ", ".join(str(y) for y in self.fiscal_years) or "All"),
            ("MOA", ", ".join(self.moas) or "All"),
            ("Sector", ", ".join(self.sectors) or "All"),
            ("Area", ", ".join(labels.get(a, a) for a in self.areas) or "All"),
        ]
