"""The packaged processes, and loading a process by id or by path."""

from __future__ import annotations

import os
from collections.abc import Iterable

from sendflow.definitions.catalogue import find_process, packaged_layer
from sendflow.definitions.model import Process
from sendflow.definitions.packaged import packaged_file, packaged_processes

__all__ = ["load_process", "packaged_file", "packaged_processes"]


def load_process(
    id_or_path: str | os.PathLike[str],
    *,
    process_dirs: Iterable[str | os.PathLike[str]] | None = None,
) -> Process:
    """Load a process by id or by path: packaged, registered in a process folder, or a file.

    Packaged processes are loaded once and shared. An id not packaged is looked up in
    ``process_dirs`` (default: the folders chosen with
    :func:`~sendflow.definitions.catalogue.use_process_dirs` or named by
    ``SENDFLOW_PROCESSES``); a ``.yaml`` path is read as a process or an overlay.

    Raises:
        UnknownProcessError: It is neither a known id nor an existing file.
        DefinitionError: The file is not a valid process definition or overlay.
    """
    name = os.fspath(id_or_path)
    if name in packaged_processes():
        return packaged_layer(name).process
    return find_process(name, process_dirs)
