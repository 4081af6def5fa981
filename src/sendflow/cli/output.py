"""Writing command output: the only place besides the entry point that prints."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["emit", "table", "warn"]


def emit(text: str) -> None:
    """Write ``text`` and a newline to standard output."""
    if text:
        sys.stdout.write(text if text.endswith("\n") else f"{text}\n")


def warn(text: str) -> None:
    """Write ``text`` and a newline to standard error."""
    sys.stderr.write(text if text.endswith("\n") else f"{text}\n")


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Write ``rows`` as a plain text table of ``columns``, or ``(none)``."""
    if not rows:
        emit("(none)")
        return
    cells = [[("" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [list(columns), *cells]
    emit(
        "\n".join(
            "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            for line in lines
        )
    )
