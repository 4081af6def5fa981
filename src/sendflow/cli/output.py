"""Writing command output: the only place besides the entry point that prints."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any

__all__ = ["Progress", "emit", "table", "warn"]


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


class Progress:
    """A one-line progress bar on a terminal; silent when the stream is not one."""

    def __init__(
        self, total: int, stream: IO[str], *, width: int = 30, label: str = "importing"
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width
        self.shown = -1
        self.active = stream.isatty()
        self.label = label

    def reach(self, done: int, total: int) -> None:
        """Set how many of ``total`` units are done (for readers that report both)."""
        self.total = max(total, 1)
        self.advance(done - self.done)

    def advance(self, amount: int) -> None:
        """Count ``amount`` more units done, redrawing when the bar moves."""
        self.done += amount
        if not self.active:
            return
        percent = min(100, self.done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            filled = self.width * percent // 100
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line, so later messages start on their own."""
        if self.active and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()
