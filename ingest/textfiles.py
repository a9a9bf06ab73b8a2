"""Reading a source file safely: exists, not empty, not too big, really UTF-8, with the line of any problem."""

from __future__ import annotations

from pathlib import Path

from ingest.sources import SourceError


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def check_file(path: Path, max_bytes: int) -> int:
    """Fail with a clear message unless ``path`` is a non-empty regular file within the size limit."""
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if not path.is_file():
        raise SourceError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise SourceError(f"{path}: the file is empty")
    if size > max_bytes:
        raise SourceError(
            f"{path}: {_mb(size)} is over the {_mb(max_bytes)} limit for one file "
            "(raise `max_file_mb` in the source's configuration if this file is genuine)"
        )
    return size


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text (UTF-8, a byte-order mark allowed); a wrong encoding names the line and byte."""
    check_file(path, max_bytes)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from exc
    if not text.strip():
        raise SourceError(f"{path}: the file has no content (only blank lines)")
    return text
