"""Process files outside the package: overlays and local processes, found by id in folders.

A council keeps its overlays in a folder and names it once: ``--process-dir DIR`` on the
command line, ``SENDFLOW_PROCESSES`` (folders separated by ``os.pathsep``) in the
environment, :func:`use_process_dirs` in a program, or ``Store(url, process_dirs=...)``.
Every ``.yaml`` file there is then a process by its ``id``, for ``load_process``,
``Case``, ``evaluate``, the store and the command line alike. A file that says
``extends:`` is read as an overlay of the process it names.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any

from sendflow.definitions.folders import ENVIRONMENT, process_dirs, use_process_dirs
from sendflow.definitions.loading import build_definition, read_definition
from sendflow.definitions.model import Process
from sendflow.definitions.overlays import Layer, build_overlay, plain_layer
from sendflow.definitions.packaged import packaged_file, packaged_processes
from sendflow.definitions.reader import did_you_mean
from sendflow.definitions.source import Source, read_yaml
from sendflow.errors import DefinitionError, Problem, UnknownProcessError
from sendflow.files import FileAccessError

__all__ = [
    "ENVIRONMENT",
    "find_process",
    "load_file",
    "packaged_layer",
    "process_dirs",
    "registered_processes",
    "use_process_dirs",
]

_SUFFIXES = (".yaml", ".yml")
_layers: dict[tuple[str, str, tuple[FilePath, ...]], Layer] = {}
_indexes: dict[tuple[tuple[str, int], ...], dict[str, FilePath]] = {}


def registered_processes(
    dirs: Iterable[str | os.PathLike[str]] | None = None,
) -> dict[str, FilePath]:
    """The processes in ``dirs`` (default: :func:`process_dirs`), by id, with their files.

    Raises:
        DefinitionError: Two files have the same id, or one has a packaged process's id.
    """
    folders = process_dirs() if dirs is None else tuple(FilePath(d) for d in dirs)
    files = sorted(
        path for folder in folders if folder.is_dir() for path in folder.iterdir()
        if path.suffix in _SUFFIXES and path.is_file()
    )  # fmt: skip
    key = tuple((str(path), path.stat().st_mtime_ns) for path in files)
    found = _indexes.get(key)
    if found is None:
        found = _indexes[key] = _index(files)
    return found


def _index(files: list[FilePath]) -> dict[str, FilePath]:
    found: dict[str, FilePath] = {}
    problems: list[Problem] = []
    for path in files:
        source, _ = read_yaml(path.read_text(encoding="utf-8"), str(path))
        data = source.data if isinstance(source.data, Mapping) else {}
        pid = data.get("id")
        if not isinstance(pid, str):
            continue
        if pid in packaged_processes():
            problems.append(
                source.problem(
                    ("id",),
                    f"{pid!r} is the id of a packaged process; give this file an id of its "
                    f"own, such as 'my-council-{pid}'.",
                )
            )
        elif pid in found:
            problems.append(
                source.problem(
                    ("id",), f"the id {pid!r} is also the id of {found[pid]}; ids must differ."
                )
            )
        else:
            found[pid] = path
    if problems:
        raise DefinitionError(problems)
    return found


def find_process(name: str, dirs: Iterable[str | os.PathLike[str]] | None = None) -> Process:
    """A process registered in the process folders by id, or a process file by path.

    Raises:
        UnknownProcessError: It is neither.
        DefinitionError: The file is not a valid process or overlay.
    """
    registered = registered_processes(dirs)
    if name in registered:
        return load_file(registered[name], dirs)
    path = FilePath(name)
    if path.suffix in _SUFFIXES and path.is_file():
        return load_file(path, dirs)
    known = [*packaged_processes(), *registered]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"Did you mean {close[0]!r}?" if close else "Give a packaged id or a .yaml file path."
    if registered:
        hint = f"Processes in the process folders: {', '.join(registered)}. {hint}"
    raise UnknownProcessError(name, packaged_processes(), hint)


def load_file(
    path: str | os.PathLike[str], dirs: Iterable[str | os.PathLike[str]] | None = None
) -> Process:
    """Load a process file or an overlay file (one that says ``extends:``) and check it.

    An overlay's ``extends`` may name a process in ``dirs`` (default: :func:`process_dirs`).

    Raises:
        DefinitionError: Every problem found, the statutory floor's included.
    """
    folders = process_dirs() if dirs is None else tuple(FilePath(d) for d in dirs)
    return _layer(FilePath(path), os.fspath(path), (), folders).process


@functools.cache
def packaged_layer(process_id: str) -> Layer:
    """The layer of a packaged process, read once and shared.

    ``load_process`` of a packaged id and every overlay extending it take this one layer,
    so a program that has loaded the packaged process pays only an overlay's own work.

    Raises:
        UnknownProcessError: No packaged process has the id.
        DefinitionError: The packaged file is not a valid process.
    """
    path = packaged_file(process_id)
    if path is None:
        raise UnknownProcessError(process_id, packaged_processes())
    source, problems = read_yaml(path.read_text(encoding="utf-8"), f"processes/{path.name}")
    if source.data is None:
        raise DefinitionError(problems)
    return plain_layer(source, build_definition(source, problems))


def _layer(path: FilePath, shown: str, chain: tuple[str, ...], dirs: tuple[FilePath, ...]) -> Layer:
    try:
        text = read_definition(path)
    except FileAccessError as exc:
        raise DefinitionError([Problem(f"cannot read the file: {exc.reason}", file=shown)]) from exc
    real = os.path.realpath(path)  # as path.resolve(), the file having just been read
    # The text itself (a file rewritten within a clock tick is read again), and the folders
    # its base may be found in.
    key = (real, text, dirs)
    found = _layers.get(key)
    if found is not None:
        return found
    source, problems = read_yaml(text, shown)
    if source.data is None:
        raise DefinitionError(problems)
    if isinstance(source.data, Mapping) and "extends" in source.data:
        base = _base(source, path, (*chain, real), dirs)
        found = build_overlay(source, problems, base)
    else:
        found = plain_layer(source, build_definition(source, problems))
    _layers[key] = found
    return found


def _base(
    source: Source, path: FilePath, chain: tuple[str, ...], dirs: tuple[FilePath, ...]
) -> Layer:
    """The layer an overlay extends: a packaged id, a registered id, or a file path."""
    name: Any = source.data["extends"]
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(
            [source.problem(("extends",), "extends must name a process: an id or a file path.")]
        )
    if name in packaged_processes():
        return packaged_layer(name)
    registered = registered_processes(dirs)
    if name in registered:
        target = registered[name]
    else:
        target = path.parent / name
        if not (target.suffix in _SUFFIXES and target.is_file()):
            known = [*packaged_processes(), *registered]
            raise DefinitionError(
                [
                    source.problem(
                        ("extends",),
                        f"extends names {name!r}, which is neither a packaged process, nor "
                        "a process in the process folders, nor a .yaml file beside this "
                        f"one.{did_you_mean(name, known)} Packaged processes are: "
                        f"{', '.join(packaged_processes())}.",
                    )
                ]
            )
    if str(target.resolve()) in chain:
        raise DefinitionError(
            [source.problem(("extends",), f"extends {name!r}, which extends this file again.")]
        )
    return _layer(target, os.fspath(target), chain, dirs)
