"""The id, version and title of each packaged process, without parsing its file.

``sendflow processes`` lists only these three fields, yet parsing and checking the eight
packaged files took a quarter of its time. ``processes/index.json`` holds them for each
packaged file, beside the SHA-256 of the file's text: a file whose text still has that
digest is listed from the index, and any other (edited, or missing from the index) is
parsed as before, so the listing is always what loading the file gives.

The index is written by ``python tools/process_index.py``; a test checks it is current.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from collections.abc import Mapping
from typing import NamedTuple

from sendflow.definitions.folders import process_dirs
from sendflow.definitions.packaged import packaged_dir, packaged_file, packaged_processes

__all__ = [
    "INDEX_FILE",
    "ProcessHeading",
    "index_text",
    "loaded_heading",
    "packaged_heading",
    "registered_headings",
]

INDEX_FILE = "index.json"
"""The index's name, in the packaged processes folder."""


class ProcessHeading(NamedTuple):
    """What ``sendflow processes`` shows of a process: its id, version and title."""

    id: str
    version: str
    title: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _index() -> Mapping[str, Mapping[str, str]]:
    """The index as shipped, by process id (empty when there is none)."""
    folder = packaged_dir()
    path = None if folder is None else folder / INDEX_FILE
    if path is None or not path.is_file():
        return {}
    entries: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["processes"]
    return entries


def packaged_heading(process_id: str) -> ProcessHeading:
    """The heading of the packaged process ``process_id``, as loading its file gives.

    Raises:
        UnknownProcessError: No packaged process has that id.
        DefinitionError: The file has changed since the index was written and is not
            a valid process definition.
    """
    path = packaged_file(process_id)
    entry = _index().get(process_id)
    if (
        path is not None
        and entry is not None
        and entry["sha256"] == _digest(path.read_text(encoding="utf-8"))
    ):
        return ProcessHeading(entry["id"], entry["version"], entry["title"])
    return loaded_heading(process_id)


def loaded_heading(process_id: str) -> ProcessHeading:
    """The heading of a process as loading its definition gives it.

    The loader (and the YAML reader, the model and the checks behind it) is imported
    here, on first use: listing unchanged packaged processes never needs it.

    Raises:
        UnknownProcessError: No process has that id.
        DefinitionError: The file is not a valid process definition.
    """
    registry = importlib.import_module("sendflow.definitions.registry")
    process = registry.load_process(process_id)
    return ProcessHeading(process.id, process.version, process.title)


def registered_headings() -> list[ProcessHeading]:
    """The headings of the processes in the process folders in use, each loaded.

    Without process folders (the usual case) nothing is read and no loader imported.

    Raises:
        DefinitionError: A file there is not a valid process or overlay, or two share an id.
    """
    if not process_dirs():
        return []
    catalogue = importlib.import_module("sendflow.definitions.catalogue")
    return [loaded_heading(pid) for pid in catalogue.registered_processes()]


def index_text() -> str:
    """The text of the index, computed now by loading every packaged process."""
    entries = {}
    for process_id in packaged_processes():
        path = packaged_file(process_id)
        assert path is not None
        heading = loaded_heading(process_id)
        entries[process_id] = {
            "sha256": _digest(path.read_text(encoding="utf-8")),
            **heading._asdict(),
        }
    note = "Written by tools/process_index.py; see sendflow.definitions.headings."
    return json.dumps({"note": note, "processes": entries}, indent=2, ensure_ascii=False) + "\n"
