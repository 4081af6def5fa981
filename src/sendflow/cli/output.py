"""Writing command output: the only place besides the entry point that prints."""

from __future__ import annotations

import sys

__all__ = ["emit", "warn"]


def emit(text: str) -> None:
    """Write ``text`` and a newline to standard output."""
    if text:
        sys.stdout.write(text if text.endswith("\n") else f"{text}\n")


def warn(text: str) -> None:
    """Write ``text`` and a newline to standard error."""
    sys.stderr.write(text if text.endswith("\n") else f"{text}\n")
