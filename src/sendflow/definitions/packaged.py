"""Where the packaged process files are, and their ids."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

__all__ = ["packaged_dir", "packaged_file", "packaged_processes"]


@functools.cache
def packaged_dir() -> Path | None:
    """Where the packaged process files are: inside the wheel, or beside ``src/`` in a checkout."""
    shipped = resources.files("sendflow") / "processes"
    if shipped.is_dir():
        return Path(str(shipped))
    checkout = Path(__file__).resolve().parents[3] / "processes"
    return checkout if checkout.is_dir() else None


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
