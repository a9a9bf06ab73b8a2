"""File checks every file source goes through: a real 200 MB file, empty files, wrong encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import DEFAULT_MAX_FILE_MB, SourceError
from ingest.textfiles import read_text

DEFAULT_LIMIT = DEFAULT_MAX_FILE_MB * 1024 * 1024


def test_a_200_mb_file_fails_the_source_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "region_ix_population_raw.txt"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # a real 200 MB file (sparse: costs no disk)
    assert big.stat().st_size == 200 * 1024 * 1024
    with pytest.raises(SourceError, match=r"region_ix_population_raw\.txt: 200\.0 MB is over the 100\.0 MB limit"):
        read_text(big, DEFAULT_LIMIT)


def test_non_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "moh.yaml"
    path.write_bytes(b"moa: Ministry of Health\nacronym: MOH\nppas:\n  - title: Se\xf1or\n")
    with pytest.raises(SourceError, match=r"moh\.yaml: line 4: not UTF-8 text \(byte 0xf1 at offset \d+\)"):
        read_text(path, DEFAULT_LIMIT)


def test_utf8_with_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffBUKIDNON\t1,601,902\n".encode())
    assert read_text(path, DEFAULT_LIMIT) == "BUKIDNON\t1,601,902\n"


@pytest.mark.parametrize(("content", "message"), [(b"", "the file is empty"), (b"\n \n\t\n", "no content")])
def test_empty_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        read_text(path, DEFAULT_LIMIT)
