"""Reading a large JSON document one array element at a time, with the standard library.

A directory export is one JSON object (or array) whose big array holds the services. The
scanner decodes the top-level keys one by one and hands back the big array as an
iterator, so only one service is held in memory at a time. Each element is decoded with
``json.JSONDecoder.raw_decode`` from a buffer refilled from the file in chunks.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from sendflow.localoffer.errors import FeedError

__all__ = ["ARRAY", "JsonScanner"]

CHUNK = 1 << 20
LARGEST_VALUE = 32 << 20
"""A value (one service) that will not decode within this many characters is reported as
broken JSON, rather than reading the rest of a large file into memory to find its end."""
_WHITESPACE = " \t\r\n"


class _Array:
    """Marks a value that is an array to be streamed, not decoded whole."""


ARRAY = _Array()


class JsonScanner:
    """Scans one JSON document from a binary file.

    Args:
        stream: The file, opened in binary mode.
        name: The file name used in messages.
        on_read: Called with the number of bytes read so far, after each chunk.
    """

    def __init__(
        self, stream: IO[bytes], name: str, on_read: Callable[[int], None] | None = None
    ) -> None:
        self._stream = stream
        self._name = name
        self._on_read = on_read
        self._decoder = json.JSONDecoder()
        self._text = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0
        self._bytes = 0

    def _fill(self) -> bool:
        if self._eof:
            return False
        raw = self._stream.read(CHUNK)
        self._bytes += len(raw)
        if self._on_read is not None:
            self._on_read(self._bytes)
        try:
            text = self._text.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise FeedError(f"{self._name}: the file is not UTF-8 text: {exc.reason}") from None
        if not raw:
            self._eof = True
        if self._pos > CHUNK:
            self._lines_before += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += text
        return True

    def _line(self, pos: int) -> int:
        return self._lines_before + self._buf.count("\n", 0, pos) + 1

    def _peek(self) -> str:
        """The next character that is not white space, or "" at the end of the file."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str, what: str) -> str:
        found = self._peek()
        if not found or found not in chars:
            shown = repr(found) if found else "the end of the file"
            raise FeedError(
                f"{self._name}, line {self._line(self._pos)}: this is not a JSON feed: expected "
                f"{what}, found {shown}. An Open Referral export is a JSON object or array; "
                "a folder of CSV tables is given as the folder."
            )
        self._pos += 1
        return found

    def value(self) -> Any:
        """Decode the next whole JSON value."""
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos < LARGEST_VALUE and self._fill():
                    continue
                raise FeedError(
                    f"{self._name}, line {self._line(exc.pos)}: this is not valid JSON: "
                    f"{exc.msg}. Check the file is complete and was exported as JSON."
                ) from None
            if end >= len(self._buf) and not self._eof and self._fill():
                continue  # a number at the end of the buffer may go on in the next chunk
            self._pos = end
            return value

    def start(self) -> str:
        """Read the opening ``{`` or ``[`` of the document and return it."""
        return self._expect("{[", "'{' or '['")

    def keys(self, stream_keys: frozenset[str]) -> Iterator[tuple[str, Any]]:
        """Each key of the top-level object and its value.

        For a key in ``stream_keys`` whose value is an array, the value is :data:`ARRAY`
        and the caller must consume :meth:`elements` before asking for the next key.
        """
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise FeedError(
                    f"{self._name}, line {self._line(self._pos)}: this is not valid JSON: "
                    "an object key must be text."
                )
            self._expect(":", "':'")
            if key in stream_keys and self._peek() == "[":
                self._pos += 1
                yield key, ARRAY
            else:
                yield key, self.value()
            if self._expect(",}", "',' or '}'") == "}":
                return

    def elements(self) -> Iterator[Any]:
        """Each element of the array whose ``[`` was just read, then its ``]``."""
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self._expect(",]", "',' or ']'") == "]":
                return

    def finish(self) -> None:
        """Check nothing but white space follows the document."""
        if self._peek():
            raise FeedError(
                f"{self._name}, line {self._line(self._pos)}: unexpected text after the end "
                "of the JSON document."
            )
