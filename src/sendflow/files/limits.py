"""How much of each kind of file sendflow reads, and reading a file's text within that.

The limits are far above what a real file needs and far below what would cost noticeable
time or memory. The largest packaged process file is 22 KB with about 1,200 YAML values,
nested 7 deep, and uses 10 aliases; pure-Python YAML reads about 0.7 MB, or 30,000 values,
a second on this project's machine. So a definition may be 1 MB (45 times the largest)
and hold 20,000 values (16 times the largest): refusing the worst file within those
limits costs about a second.

==============  =========  ===========  =======  =====
kind            bytes      YAML values  aliases  depth
==============  =========  ===========  =======  =====
definition      1 MB       20,000       500      64
case file       1 MB YAML  50,000       500      64
                32 MB JSON
case line       1 MB       (JSON)       (none)   64
closure file    1 MB       20,000       500      64
==============  =========  ===========  =======  =====

"Definition" covers process files and scenario files. A YAML case file holds a case or a
short list of them (50,000 values are about 200 cases of 30 events); JSON is parsed in C
and may be bigger, and JSON Lines, one case a line, suit any number of cases.

YAML values are counted as an alias repeats them: an alias of a list of nine items counts
ten values (the list and its items) each time it is used, so an alias bomb ("billion
laughs") is refused after reading a few lines, before anything is expanded. A JSON Lines
file has no size limit of its own; each line (one case) has.
"""

from __future__ import annotations

import os
from typing import ClassVar

import attrs

from sendflow.errors import InvalidInputError, Problem

__all__ = [
    "CASE_FILE",
    "CASE_LINE",
    "CLOSURE_FILE",
    "DEFINITION_FILE",
    "FileAccessError",
    "FileContentError",
    "FileLimits",
    "read_text",
]

_MB = 1024 * 1024


@attrs.frozen
class FileLimits:
    """How much of one kind of file is read before it is refused.

    Attributes:
        kind: What the file is, for messages: ``"a process file"``.
        max_bytes: The largest file, in bytes (for JSON Lines: the longest line).
        max_values: The most YAML values (mappings, lists and scalars, each key
            counted), counting every alias as the values it repeats.
        max_aliases: The most YAML aliases (``*name``).
        max_depth: The deepest nesting of mappings and lists, in YAML or JSON.
        max_json_bytes: The largest JSON file, when JSON is allowed more than YAML
            (JSON is read by a fast parser); ``None`` means ``max_bytes``.
    """

    kind: str
    max_bytes: int
    max_values: int
    max_aliases: int
    max_depth: int
    max_json_bytes: int | None = None

    def bytes_for(self, json: bool) -> int:
        """The size limit for a YAML file, or for a JSON one when ``json`` is true."""
        if json and self.max_json_bytes is not None:
            return self.max_json_bytes
        return self.max_bytes


DEFINITION_FILE = FileLimits("a definition file", 1 * _MB, 20_000, 500, 64)
"""Process files and scenario files."""

CASE_FILE = FileLimits("a case file", 1 * _MB, 50_000, 500, 64, max_json_bytes=32 * _MB)
"""A case file holding one case or a list of cases (use JSON Lines for more)."""

CASE_LINE = FileLimits("a line of a JSON Lines file", 1 * _MB, 0, 0, 64)
"""One case on one line of a JSON Lines file."""

CLOSURE_FILE = FileLimits("a closure file", 1 * _MB, 20_000, 500, 64)
"""A council's closure dates."""


class FileAccessError(InvalidInputError, OSError):
    """A file could not be opened or read at all: missing, a folder, no permission."""

    code: ClassVar[str] = "file_unreadable"

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: cannot read the file: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])


class FileContentError(InvalidInputError):
    """A file was read but cannot be used: too big, not UTF-8, not valid, or hostile.

    Attributes:
        problem: What is wrong and where, with the file and line when known.
    """

    code: ClassVar[str] = "file_invalid"

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def megabytes(size: int) -> str:
    """``size`` bytes in megabytes, for messages: ``1 MB``."""
    return f"{size / _MB:g} MB"


def read_text(path: str | os.PathLike[str], limits: FileLimits, *, json: bool = False) -> str:
    """The text of a UTF-8 file, refused if it is bigger than ``limits`` allow.

    At most one byte more than the limit is read, so a huge file (or an endless device)
    costs nothing.

    Raises:
        FileAccessError: The file cannot be opened or read.
        FileContentError: It is too big or not UTF-8 text.
    """
    file = os.fspath(path)
    limit = limits.bytes_for(json)
    try:
        with open(file, "rb") as stream:
            # Asked for as much as the file holds (one read, no buffer of the limit's size
            # made and cut down), never more than one byte past the limit.
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(min(size, limit) + 1)
            if size < len(data) <= limit:  # more than it said (a device, a growing file)
                data += stream.read(limit + 1 - len(data))
    except OSError as exc:
        raise FileAccessError(file, exc.strerror or str(exc)) from exc
    if len(data) > limit:
        advice = " Put many cases in a JSON Lines file, one case per line." if json else ""
        raise FileContentError(
            Problem(
                f"the file is larger than {megabytes(limit)}, the most sendflow reads of "
                f"{limits.kind}. Real ones are far smaller: this is probably the wrong file "
                f"or a generated one.{advice}",
                file=file,
            )
        )
    return decode(data, file)


def decode(data: bytes, file: str, *, line_offset: int = 0) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark is dropped).

    Raises:
        FileContentError: It is not UTF-8; the message gives the line of the first bad byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1 + line_offset
        byte = data[exc.start : exc.start + 1].hex()
        raise FileContentError(
            Problem(
                f"the file is not UTF-8 text: byte 0x{byte} cannot start a character here. "
                "Save the file as UTF-8.",
                file=file,
                line=line,
            )
        ) from None
