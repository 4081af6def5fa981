"""The process folders in use: those a program chose, else those the environment names.

Kept apart from :mod:`sendflow.definitions.catalogue`, which reads the files in them, so
that choosing folders (every command's ``--process-dir``) loads no YAML reader.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["ENVIRONMENT", "process_dirs", "use_process_dirs"]

ENVIRONMENT = "SENDFLOW_PROCESSES"
"""The environment variable naming process folders, separated by ``os.pathsep``."""

_chosen: list[tuple[Path, ...]] = []


def use_process_dirs(dirs: Iterable[str | os.PathLike[str]] | None) -> None:
    """Make ``dirs`` the process folders of this program (``None``: back to the environment)."""
    _chosen.clear()
    if dirs is not None:
        _chosen.append(tuple(Path(d) for d in dirs))


def process_dirs(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The process folders in use: those chosen, else those ``SENDFLOW_PROCESSES`` names."""
    if _chosen:
        return _chosen[0]
    text = (os.environ if environ is None else environ).get(ENVIRONMENT, "")
    return tuple(Path(part) for part in text.split(os.pathsep) if part)
