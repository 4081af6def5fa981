"""JSON and JSON Lines read within limits: nesting depth, and the length of each line.

Python's JSON parser recurses once per level of nesting, so JSON nested thousands of
levels deep ends in ``RecursionError``; the depth is measured first, outside strings, and
a file deeper than its limit is refused. JSON Lines are read one bounded line at a time, so
a line without end costs no more memory than the limit.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from itertools import accumulate, repeat
from typing import IO, Any

import attrs

from sendflow.errors import Problem
from sendflow.files.limits import FileAccessError, FileContentError, FileLimits, decode, megabytes

__all__ = ["JsonLine", "load_json", "read_json_lines"]

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# What JSON holds outside strings besides brackets: dropped before the brackets are counted.
_NOT_BRACKETS = str.maketrans("", "", " \t\r\n:,.-+0123456789eEtrufalsn")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_CHUNK = 1024 * 1024


def _too_deep(text: str, limit: int) -> bool:
    """Whether ``text`` nests brackets deeper than ``limit`` anywhere outside strings."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _STRING.sub("", text).translate(_NOT_BRACKETS)
    # All in C, and stopping at the first bracket too deep (anything else counts 0).
    steps = map(_STEP.get, brackets, repeat(0))
    return next(filter(limit.__lt__, accumulate(steps)), 0) > 0


def load_json(text: str, file: str, limits: FileLimits, *, line: int | None = None) -> Any:
    """The value ``text`` holds, refused if it is nested deeper than ``limits`` allow.

    Args:
        text: The JSON text.
        file: The file name used in messages.
        limits: The limits for this kind of file.
        line: For a line of a JSON Lines file, its number.

    Raises:
        FileContentError: The text is not valid JSON (with its line and column) or is
            nested too deep.
    """
    if _too_deep(text, limits.max_depth):
        raise FileContentError(
            Problem(
                f"the JSON is nested more than {limits.max_depth} levels deep, the most "
                f"sendflow reads in {limits.kind} (a case needs fewer than ten). Look for "
                "unclosed brackets, or flatten the data.",
                file=file,
                line=line,
            )
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = (
            f"column {exc.colno}" if line is not None else f"line {exc.lineno}, column {exc.colno}"
        )
        raise FileContentError(
            Problem(f"not valid JSON: {exc.msg} ({where}).", file=file, line=line)
        ) from None


@attrs.frozen
class JsonLine:
    """One line of a JSON Lines file: its value, or why it could not be read.

    Attributes:
        number: The 1-based line number.
        size: How many bytes the line took in the file.
        data: The value the line holds (``None`` for a blank line or a problem).
        problem: Why the line could not be read.
        blank: The line holds only white space.
    """

    number: int
    size: int
    data: Any = None
    problem: Problem | None = None
    blank: bool = False


def read_json_lines(path: str | os.PathLike[str], limits: FileLimits) -> Iterator[JsonLine]:
    """Every line of a JSON Lines file, each read within ``limits``.

    A line longer than ``limits.max_bytes`` is skipped (reported, not held in memory).

    Raises:
        FileAccessError: The file cannot be opened.
    """
    file = os.fspath(path)
    limit = limits.max_bytes
    try:
        stream = open(file, "rb")  # noqa: SIM115 (closed below, while lines are yielded)
    except OSError as exc:
        raise FileAccessError(file, exc.strerror or str(exc)) from exc
    with stream:
        number = 0
        while raw := stream.readline(limit + 1):
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                size = len(raw) + _skip_line(stream)
                message = (
                    f"the line is longer than {megabytes(limit)}, the most sendflow reads "
                    "of one case. Real cases are far smaller: check the line ends."
                )
                yield JsonLine(number, size, problem=Problem(message, file=file, line=number))
                continue
            if not raw.strip():
                yield JsonLine(number, len(raw), blank=True)
                continue
            try:
                data = load_json(
                    decode(raw, file, line_offset=number - 1), file, limits, line=number
                )
            except FileContentError as exc:
                yield JsonLine(number, len(raw), problem=exc.problem)
            else:
                yield JsonLine(number, len(raw), data)


def _skip_line(stream: IO[bytes]) -> int:
    """Read past the rest of the current line; return how many bytes that was."""
    skipped = 0
    while chunk := stream.readline(_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped
