"""The findings of checking a process or overlay file, in the JSON shape tools read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sendflow.definitions.model import Process
from sendflow.errors import Problem

__all__ = ["file_findings"]


def file_findings(
    file: str, process: Process | None, problems: Iterable[Problem]
) -> dict[str, Any]:
    """One file's result for ``sendflow validate --format json``.

    ``{"file", "ok", "process", "version", "extends", "problems": [{"file", "line",
    "path", "message"}]}``: each problem is the one the text output prints, and may name
    another file (the process an overlay extends) when that is where the value was written.
    """
    return {
        "file": file,
        "ok": process is not None,
        "process": process.id if process is not None else None,
        "version": process.version if process is not None else None,
        "extends": process.extends.id if process is not None and process.extends else None,
        "problems": [
            {"file": p.file, "line": p.line, "path": p.path, "message": p.message} for p in problems
        ],
    }
