"""Reading case files: single cases (JSON or YAML), lists of them, JSON Lines, and folders.

Every command that reads case histories (``import``, ``replay``) reads them here, so they
accept the same files and say where a bad case came from in the same words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml

from sendflow.errors import CaseFileError

__all__ = ["CASE_FILE_SUFFIXES", "CaseSource", "case_files", "read_case_sources"]

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
        with file.open("rb") as stream:
            for number, raw in enumerate(stream, 1):
                if advance is not None:
                    advance(len(raw))
                if not raw.strip():
                    continue
                where = f"{file}, line {number}"
                try:
                    yield CaseSource(where, json.loads(raw))
                except ValueError as exc:
                    yield CaseSource(where, problem=f"not valid JSON: {exc}")
    except OSError as exc:
        yield CaseSource(str(file), problem=f"cannot read the file: {exc}")


def _read_file(file: Path) -> Iterator[CaseSource]:
    try:
        text = file.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if file.suffix in (".yaml", ".yml") else json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        yield CaseSource(str(file), problem=f"cannot read the file: {exc}")
        return
    except (yaml.YAMLError, ValueError) as exc:
        kind = "YAML" if file.suffix != ".json" else "JSON"
        yield CaseSource(str(file), problem=f"not valid {kind}: {exc}")
        return
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield CaseSource(f"{file}, index {index}", item)
    else:
        yield CaseSource(str(file), data)
