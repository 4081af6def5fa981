"""Opening a directory feed, telling which version it is, and reading its services one by one.

Three forms are read: an ORUK 3.0 JSON export (``{"version": "HSDS-UK-3.0", ...,
"services": [...]}`` or a 3.0 page with ``contents``), an ORUK 1.0 JSON export (a 1.0
page with ``content``, or a bare array of services), and the ORUK 1.0 CSV tables (a
folder). The version is decided as the ORUK validator does: a declared ``version``
first; then the page's envelope key; then the fields of the first service; and 1.0 when
nothing says otherwise. JSON is streamed: one service is in memory at a time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sendflow.localoffer.errors import FeedError
from sendflow.localoffer.jsonstream import ARRAY, JsonScanner
from sendflow.localoffer.model import Service, Severity
from sendflow.localoffer.oruk1 import V3_ONLY, read_service_v1
from sendflow.localoffer.oruk3 import V1_ONLY, read_service_v3
from sendflow.localoffer.problems import ProblemSink
from sendflow.localoffer.tables import read_tables

__all__ = ["Feed"]

_ARRAY_KEYS = {"services": None, "contents": "3.0", "content": "1.0"}
_ENVELOPES = {
    "3.0": (
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
    ),
    "1.0": ("totalElements", "totalPages", "number", "size", "first", "last"),
}
_VERSION = re.compile(r"^(?:HSDS-UK-)?(\d+\.\d+)$", re.IGNORECASE)


class Feed:
    """A directory feed, read once.

    Attributes:
        path: The file or folder.
        version: ``"3.0"`` or ``"1.0"``, known once the first service has been read.
        form: ``"JSON"`` or ``"CSV tables"``.
        how: How the version was decided, in words.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        sink: ProblemSink,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.sink = sink
        self.on_progress = on_progress
        self.version: str | None = None
        self.how = ""
        self.form = "CSV tables" if self.path.is_dir() else "JSON"
        if not self.path.exists():
            raise FeedError(f"{self.path}: no such file or folder.")

    def services(self) -> Iterator[Service]:
        """Each service in the feed, in file order, with problems reported to the sink."""
        if self.path.is_dir():
            self.version, self.how = "1.0", "a folder of CSV tables is ORUK 1.0"
            for record in read_tables(self.path, self.sink):
                yield read_service_v1(record, self.sink)
            return
        size = self.path.stat().st_size
        progress = self.on_progress
        with self.path.open("rb") as stream:
            scanner = JsonScanner(
                stream, str(self.path), None if progress is None else lambda n: progress(n, size)
            )
            yield from self._json(scanner)
            scanner.finish()

    def _json(self, scanner: JsonScanner) -> Iterator[Service]:
        if scanner.start() == "[":
            yield from self._array(scanner, None)
            return
        declared = None
        envelope: dict[str, Any] = {}
        streamed = False
        for key, value in scanner.keys(frozenset(_ARRAY_KEYS)):
            if value is ARRAY:
                if streamed:
                    raise FeedError(
                        f"{self.path}: the feed holds two service arrays "
                        f"('{key}' after another); export one directory per file."
                    )
                streamed = True
                page_version = _ARRAY_KEYS[key]
                if declared and page_version and page_version != declared:
                    self.sink.add(
                        Severity.ERROR,
                        "page",
                        "(top level)",
                        key,
                        f"'{key}' holds the services of an ORUK {page_version} page, but the "
                        f"feed declares {declared}; use "
                        f"'{'contents' if declared == '3.0' else 'content'}'.",
                    )
                yield from self._array(
                    scanner,
                    declared or _ARRAY_KEYS[key],
                    declared_by="version" if declared else key,
                )
                continue
            envelope[key] = value
            if key == "version":
                declared = self._declared(value)
                if self.version is not None and declared != self.version:
                    self.sink.add(
                        Severity.WARNING,
                        "feed",
                        "(top level)",
                        "version",
                        f"declares {value!r}, but its services were read as "
                        f"{self.version}; put the version before the services.",
                    )
        if not streamed:
            raise FeedError(
                f"{self.path}: no array of services found. An ORUK export holds its services "
                "under 'services', or 'contents' (3.0 page) or 'content' (1.0 page); found "
                f"the keys: {', '.join(envelope) or '(none)'}."
            )
        self._check_envelope(envelope)

    def _declared(self, value: Any) -> str:
        match = _VERSION.match(str(value).strip()) if isinstance(value, str) else None
        if match is None or match.group(1) not in ("1.0", "3.0"):
            raise FeedError(
                f"{self.path}: the feed declares version {value!r}, which sendflow does not "
                "read; it reads ORUK 3.0 ('HSDS-UK-3.0') and ORUK 1.0."
            )
        return match.group(1)

    def _check_envelope(self, envelope: dict[str, Any]) -> None:
        page_keys = [k for keys in _ENVELOPES.values() for k in keys if k in envelope]
        if not page_keys or self.version is None:
            return
        for key in _ENVELOPES[self.version]:
            if key not in envelope:
                self.sink.add(
                    Severity.WARNING,
                    "page",
                    "(top level)",
                    key,
                    f"an ORUK {self.version} page carries {key!r}; it is missing.",
                )
        other = "1.0" if self.version == "3.0" else "3.0"
        for key in _ENVELOPES[other]:
            if key in envelope and key not in _ENVELOPES[self.version]:
                self.sink.add(
                    Severity.ERROR,
                    "page",
                    "(top level)",
                    key,
                    f"{key!r} belongs to an ORUK {other} page, not {self.version}.",
                )

    def _array(
        self, scanner: JsonScanner, version: str | None, declared_by: str = ""
    ) -> Iterator[Service]:
        for index, element in enumerate(scanner.elements()):
            if not isinstance(element, dict):
                self.sink.add(
                    Severity.ERROR,
                    "service",
                    f"(item {index + 1})",
                    "",
                    "each service must be a JSON object.",
                )
                continue
            if self.version is None:
                self.version, self.how = self._decide(version, declared_by, element)
            read = read_service_v3 if self.version == "3.0" else read_service_v1
            yield read(element, self.sink)
        if self.version is None:
            self.version, self.how = version or "1.0", declared_by or "an empty feed"

    @staticmethod
    def _decide(version: str | None, declared_by: str, first: dict[str, Any]) -> tuple[str, str]:
        if version is not None:
            return version, f"declared by '{declared_by}'"
        if any(key in first for key in V3_ONLY):
            return "3.0", "the first service has ORUK 3.0 fields"
        if any(key in first for key in V1_ONLY):
            return "1.0", "the first service has ORUK 1.0 fields"
        return "1.0", "nothing declares a version, so ORUK 1.0 (as the ORUK validator does)"
