"""The packaged processes, and loading a process by id or by path."""

from __future__ import annotations

import difflib
import functools
import os
from importlib import resources
from pathlib import Path

from sendflow.definitions.loading import load_definition, parse_definition
from sendflow.definitions.model import Process
from sendflow.errors import UnknownProcessError

__all__ = ["load_process", "packaged_processes"]


@functools.cache
def _packaged_dir() -> Path | None:
    """Where the packaged process files are: inside the wheel, or beside ``src/`` in a checkout."""
    shipped = resources.files("sendflow") / "processes"
    if shipped.is_dir():
        return Path(str(shipped))
    checkout = Path(__file__).resolve().parents[3] / "processes"
    return checkout if checkout.is_dir() else None


@functools.cache
def packaged_processes() -> tuple[str, ...]:
    """The ids of the processes shipped with sendflow, sorted (read once)."""
    folder = _packaged_dir()
    if folder is None:
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


@functools.cache
def _packaged(process_id: str) -> Process:
    folder = _packaged_dir()
    assert folder is not None
    path = folder / f"{process_id}.yaml"
    return parse_definition(path.read_text(encoding="utf-8"), file=f"processes/{path.name}")


def load_process(id_or_path: str | os.PathLike[str]) -> Process:
    """Load a packaged process by id (``ehc-needs-assessment``) or a process file by path.

    Packaged processes are loaded once and shared.

    Raises:
        UnknownProcessError: It is neither a packaged id nor an existing file.
        DefinitionError: The file is not a valid process definition.
    """
    name = os.fspath(id_or_path)
    if name in packaged_processes():
        return _packaged(name)
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_definition(path)
    close = difflib.get_close_matches(name, packaged_processes(), n=1)
    hint = f"Did you mean {close[0]!r}?" if close else "Give a packaged id or a .yaml file path."
    raise UnknownProcessError(name, packaged_processes(), hint)
