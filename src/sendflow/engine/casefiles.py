"""Reading case files: single cases (JSON or YAML), lists of them, JSON Lines, and folders.

Every command that reads case histories (``check``, ``import``, ``replay``) reads them
here, so they accept the same files and say where a bad case came from in the same words.
Files are read through :mod:`sendflow.files` within the limits for case files (1 MB of
YAML or 32 MB of JSON a file, 1 MB a line of JSON Lines, nesting 64 deep, and YAML values
and aliases counted before anything expands).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from sendflow.errors import CaseFileError, Problem
from sendflow.files import (
    CASE_FILE,
    CASE_LINE,
    FileAccessError,
    FileContentError,
    load_json,
    load_yaml,
    read_json_lines,
    read_text,
)

__all__ = [
    "CASE_FILE_SUFFIXES",
    "CaseSource",
    "case_files",
    "load_case_data",
    "read_case_sources",
]

CASE_FILE_SUFFIXES = (".json", ".yaml", ".yml", ".jsonl")
"""Case files: one case or a list of cases (JSON, YAML), or one case per line (JSON Lines)."""


@attrs.frozen
class CaseSource:
    """A case read from a file, with where it came from; or why it could not be read there.

    Attributes:
        where: Where it came from, for reports: ``cases.jsonl, line 12``.
        data: The case, as a case-file mapping (or whatever the file held there).
        problem: Why the source could not be read (bad JSON), instead of ``data``.
    """

    where: str
    data: Any = None
    problem: str | None = None


def case_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The case files ``paths`` name: files as given, folders searched for case files.

    Raises:
        CaseFileError: A path does not exist, a folder holds no case files, or a file is
            not of a case-file kind.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix in CASE_FILE_SUFFIXES and p.is_file()
            )
            if not found:
                raise CaseFileError(
                    f"{path}: the folder holds no case files ({', '.join(CASE_FILE_SUFFIXES)})."
                )
            yield from found
        elif path.is_file():
            if path.suffix not in CASE_FILE_SUFFIXES:
                raise CaseFileError(
                    f"{path}: not a case file. Give .json, .yaml or .yml case files, .jsonl "
                    "files with one case per line, or folders of them."
                )
            yield path
        else:
            raise CaseFileError(f"{path}: no such file or folder.")


def read_case_sources(
    files: Iterable[Path], *, advance: Callable[[int], None] | None = None
) -> Iterator[CaseSource]:
    """Every case the files hold, in order; ``advance`` is told how many bytes were read."""
    for file in files:
        if file.suffix == ".jsonl":
            yield from _read_lines(file, advance)
            continue
        yield from _read_file(file)
        if advance is not None:
            advance(file.stat().st_size)


def _read_lines(file: Path, advance: Callable[[int], None] | None) -> Iterator[CaseSource]:
    try:
        for line in read_json_lines(file, CASE_LINE):
            if advance is not None:
                advance(line.size)
            if line.blank:
                continue
            where = f"{file}, line {line.number}"
            if line.problem is not None:
                yield CaseSource(where, problem=line.problem.message)
            else:
                yield CaseSource(where, line.data)
    except FileAccessError as exc:
        yield CaseSource(str(file), problem=f"cannot read the file: {exc.reason}")


def _read_file(file: Path) -> Iterator[CaseSource]:
    try:
        data = _load(file)
    except FileAccessError as exc:
        yield CaseSource(str(file), problem=f"cannot read the file: {exc.reason}")
        return
    except FileContentError as exc:
        yield CaseSource(_where(exc.problem), problem=exc.problem.message)
        return
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield CaseSource(f"{file}, index {index}", item)
    else:
        yield CaseSource(str(file), data)


def load_case_data(path: str | Path) -> Any:
    """What one case file holds (a case or a list of cases), read within the limits.

    JSON is read from ``.json`` files, YAML from ``.yaml`` and ``.yml`` ones.

    Raises:
        CaseFileError: The file cannot be read, is too big, is not UTF-8, not valid JSON
            or YAML (with the line), nested too deep, or holds an alias bomb.
    """
    file = Path(path)
    try:
        return _load(file)
    except FileAccessError as exc:
        raise CaseFileError(f"{file}: cannot read the case file: {exc.reason}") from None
    except FileContentError as exc:
        raise CaseFileError(f"{_where(exc.problem)}: {exc.problem.message}") from None


def _load(file: Path) -> Any:
    is_yaml = file.suffix in (".yaml", ".yml")
    text = read_text(file, CASE_FILE, json=not is_yaml)
    if is_yaml:
        return load_yaml(text, str(file), CASE_FILE)
    return load_json(text, str(file), CASE_FILE)


def _where(problem: Problem) -> str:
    where = problem.file or "the case file"
    return where if problem.line is None else f"{where}, line {problem.line}"
