"""Where the packaged process files are, and their ids.

The folder is found from this file's own location rather than through
:mod:`importlib.resources`, whose import (``tempfile``, ``shutil``, ``zipfile``...)
costs more than the rest of ``sendflow processes``. sendflow is never imported from a
zip file: the wheel installs the process files as plain files beside the package.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["packaged_dir", "packaged_file", "packaged_processes"]

_PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def packaged_dir() -> Path | None:
    """Where the packaged process files are: inside the wheel, or beside ``src/`` in a checkout."""
    for folder in (_PACKAGE / "processes", _PACKAGE.parents[1] / "processes"):
        if folder.is_dir():
            return folder
    return None


@functools.cache
def packaged_processes() -> tuple[str, ...]:
    """The ids of the processes shipped with sendflow, sorted (read once)."""
    folder = packaged_dir()
    if folder is None:
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


def packaged_file(process_id: str) -> Path | None:
    """The file of a packaged process, or ``None`` if no packaged process has the id."""
    folder = packaged_dir()
    if folder is None or process_id not in packaged_processes():
        return None
    return folder / f"{process_id}.yaml"
