"""models.frames: work kept per frame."""

import gc

import polars as pl

from models.frames import once_per_frame


def test_once_per_frame_keeps_what_it_made_while_the_frame_lives():
    made = []

    @once_per_frame
    def describe(frame: pl.DataFrame) -> list:
        made.append(frame.height)
        return [frame.height]

    first = pl.DataFrame({"x": [1, 2]})
    assert describe(first) is describe(first) and made == [2]
    same_content = pl.DataFrame({"x": [1, 2]})
    assert describe(same_content) == [2] and made == [2, 2]  # another frame: made again
    assert len(describe.kept) == 2
    del first, same_content
    gc.collect()
    assert describe.kept == {}  # nothing kept for frames gone
