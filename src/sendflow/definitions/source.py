"""Read YAML safely into plain values while remembering where each value came from.

The YAML is read by :mod:`sendflow.files.yaml_reader`: only the safe subset, no tags that
build objects, no code, the YAML 1.1 pitfalls closed (``yes``/``no``/``on``/``off`` are
text) and limits on size, values, aliases and depth checked before anything expands.
Duplicate keys are reported (plain PyYAML keeps the last one silently). Every value's line
is kept by its path, so later checks can say "file, line, field"; numbers keep their text
as written, so a check can quote ``1.10`` rather than the ``1.1`` it was read as.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import yaml

from sendflow.errors import Problem
from sendflow.files import (
    DEFINITION_FILE,
    Constructing,
    FileContentError,
    FileLimits,
    PlainLoader,
    compose_yaml,
)

__all__ = ["Path", "Source", "format_path", "read_yaml"]

Path = tuple[str | int, ...]

_SAFE_TAGS = frozenset(tag for tag in PlainLoader.yaml_constructors if tag is not None)
_NUMBERS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))
_TEXT = "tag:yaml.org,2002:str"


def format_path(path: Iterable[str | int]) -> str:
    """Render a YAML path as ``time_limits.final-plan.met_by[1]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text


@attrs.frozen
class Source:
    """Plain data read from a YAML document, with the line of every value.

    Attributes:
        data: The document as dicts, lists and scalars.
        file: The file name used in messages.
        lines: The 1-based line of each path.
        numbers: The text of each number as written (``1.10`` for the number 1.1).
    """

    data: Any
    file: str
    lines: dict[Path, int] = attrs.field(factory=dict, eq=False, repr=False)
    numbers: dict[Path, str] = attrs.field(factory=dict, eq=False, repr=False)

    def line(self, path: Path) -> int | None:
        """The line of the value at ``path``, or of its nearest parent that has one."""
        while path:
            found = self.lines.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.lines.get(())

    def problem(self, path: Path, message: str) -> Problem:
        """A problem located at ``path`` in this source."""
        return Problem(message, file=self.file, line=self.line(path), path=format_path(path))


class _Walker:
    """Turns a composed YAML node tree into plain values, recording lines and problems."""

    def __init__(self, loader: Constructing, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[Path, int] = {}
        self.numbers: dict[Path, str] = {}
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if node.tag not in _SAFE_TAGS:
            # A tag on a mapping or list would otherwise be dropped without a word.
            self.problems.append(
                Problem(
                    f"the YAML tag {node.tag!r} is not allowed: a process file is plain data "
                    "(mappings, lists, text, numbers, dates, true/false) and tags that build "
                    "objects are refused. Remove the tag.",
                    file=self.file,
                    line=node.start_mark.line + 1,
                    path=format_path(path),
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _TEXT:
            return node.value  # what the loader would make of it, without its bookkeeping
        if node.tag in _NUMBERS:
            self.numbers[path] = node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            line = node.start_mark.line + 1
            self.problems.append(
                Problem(
                    f"cannot read the value {node.value!r}: {_first_line(exc)}. Dates are "
                    "written YYYY-MM-DD and must exist in the calendar.",
                    file=self.file,
                    line=line,
                    path=format_path(path),
                )
            )
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(
                        "YAML merge keys ('<<') are not allowed in process files: write the "
                        "fields out in full.",
                        file=self.file,
                        line=key_node.start_mark.line + 1,
                        path=format_path(path),
                    )
                )
                continue
            key = self.walk(key_node, path)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in result:
                self.problems.append(
                    Problem(
                        f"duplicate key {key!r}: it was already given on line "
                        f"{first_line[key]}. Keep one of them.",
                        file=self.file,
                        line=line,
                        path=format_path((*path, key)),
                    )
                )
                continue
            first_line[key] = line
            result[key] = self.walk(value_node, (*path, key))
            self.lines[(*path, key)] = line
        return result


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def read_yaml(
    text: str, file: str, limits: FileLimits = DEFINITION_FILE
) -> tuple[Source, list[Problem]]:
    """Parse ``text`` as one safe YAML document.

    Args:
        text: The YAML text.
        file: The file name used in messages.
        limits: The limits for this kind of file (default: a process or scenario file).

    Returns:
        The source (``data`` is ``None`` when the text could not be read) and the
        problems found while reading it.
    """
    try:
        node, loader = compose_yaml(text, file, limits)
    except FileContentError as exc:
        return Source(None, file), [exc.problem]
    try:
        if node is None:
            return Source(None, file), [Problem("the file is empty", file=file)]
        walker = _Walker(loader, file)
        data = walker.walk(node, ())
        return Source(data, file, walker.lines, walker.numbers), walker.problems
    finally:
        loader.dispose()
