"""Reading a file within its size limit: what it holds, read once, or refused when bigger."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from sendflow.files.limits import FileContentError, FileLimits, read_text

_LIMITS = FileLimits("a test file", 100, 10, 10, 10)


@pytest.mark.parametrize("size", [0, 1, 99, 100])
def test_a_file_within_the_limit_is_read_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x" * size, encoding="utf-8")
    assert read_text(path, _LIMITS) == "x" * size


@pytest.mark.parametrize("size", [101, 5000])
def test_a_file_past_the_limit_is_refused(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x" * size, encoding="utf-8")
    with pytest.raises(FileContentError, match="larger than"):
        read_text(path, _LIMITS)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize(("size", "refused"), [(60, False), (101, True)])
def test_a_file_that_says_it_is_empty_is_read_to_the_limit(
    tmp_path: Path, size: int, refused: bool
) -> None:
    """A pipe (as a device) reports no size: what it holds is still read, and a pipe
    holding more than the limit is refused."""
    path = tmp_path / "pipe"
    os.mkfifo(path)

    def feed() -> None:
        with open(path, "wb") as stream, contextlib.suppress(BrokenPipeError):
            stream.write(b"y" * size)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        if refused:
            with pytest.raises(FileContentError, match="larger than"):
                read_text(path, _LIMITS)
        else:
            assert read_text(path, _LIMITS) == "y" * size
    finally:
        writer.join(timeout=5)
