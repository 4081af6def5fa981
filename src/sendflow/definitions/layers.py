"""Process data laid over other process data, each value remembering the file it came from.

An overlay is read as plain YAML, laid over the data of the process it extends, and the
result is built by the ordinary loader. A problem found in the result must still point at
the file and line that wrote the value, and at the path the author wrote (a local target
is written under ``targets`` but built under ``time_limits``): :class:`LayeredSource`
keeps, for each path of the merged data, the file, line and written path it came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from sendflow.definitions.source import Path, Source, format_path
from sendflow.errors import Problem

__all__ = ["LayeredSource", "Origin", "SourceOrigins", "merge_entry", "origins_of"]


@attrs.frozen
class Origin:
    """Where a value of merged process data was written: file, line and the path used."""

    file: str
    line: int | None
    path: Path


def origins_of(source: Source, *, rename: Mapping[Path, Path] | None = None) -> dict[Path, Origin]:
    """The origin of every value of ``source``, keyed by its path in the merged data.

    ``rename`` maps a written prefix (``("targets", "decide-in-5-weeks")``) to the prefix it
    takes in the merged data (``("time_limits", "decide-in-5-weeks")``).
    """
    found: dict[Path, Origin] = {}
    renames = rename or {}
    for path, line in source.lines.items():
        merged = path
        for written, target in renames.items():
            if path[: len(written)] == written:
                merged = (*target, *path[len(written) :])
                break
        found[merged] = Origin(source.file, line, path)
    return found


class SourceOrigins(Mapping[Path, Origin]):
    """The origins of one file's values over those of its base, worked out when first asked.

    Origins are read only when a problem is reported against the data laid together, so a
    process and an overlay that keep every rule never pay for them. ``rename`` is as for
    :func:`origins_of`; a path the file did not write is looked up in ``base``.
    """

    def __init__(
        self,
        source: Source,
        *,
        rename: Mapping[Path, Path] | None = None,
        base: Mapping[Path, Origin] | None = None,
    ) -> None:
        self._source = source
        self._rename = rename
        self._base: Mapping[Path, Origin] = {} if base is None else base
        self._found: dict[Path, Origin] | None = None

    def _own(self) -> dict[Path, Origin]:
        if self._found is None:
            self._found = origins_of(self._source, rename=self._rename)
        return self._found

    def __getitem__(self, path: Path) -> Origin:
        found = self._own().get(path)
        return self._base[path] if found is None else found

    def __iter__(self) -> Iterator[Path]:
        own = self._own()
        yield from own
        yield from (path for path in self._base if path not in own)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@attrs.frozen
class LayeredSource(Source):
    """A :class:`Source` for merged data whose values come from several files.

    Attributes:
        origins: For each merged path, where it was written.
    """

    origins: Mapping[Path, Origin] = attrs.field(factory=dict, eq=False, repr=False)

    def origin(self, path: Path) -> tuple[Origin | None, Path]:
        """The origin of ``path`` or of its nearest parent that has one, and the rest."""
        rest: Path = ()
        while True:
            found = self.origins.get(path)
            if found is not None or not path:
                return found, rest
            path, rest = path[:-1], (path[-1], *rest)

    def line(self, path: Path) -> int | None:
        """The line the value at ``path`` was written on, in the file it came from."""
        found, _ = self.origin(path)
        return found.line if found is not None else None

    def problem(self, path: Path, message: str) -> Problem:
        """A problem located in the file, line and written path of the value at ``path``."""
        found, rest = self.origin(path)
        if found is None:
            return Problem(message, file=self.file, path=format_path(path))
        return Problem(
            message, file=found.file, line=found.line, path=format_path((*found.path, *rest))
        )


def merge_entry(base: Any, over: Any) -> Any:
    """An entry of ``states``, ``events`` or ``time_limits`` with ``over``'s fields laid on.

    Each field the overlay gives replaces the base's field whole.
    """
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        return {**base, **over}
    return over
