"""Counts and dates as a council officer reads them."""

from __future__ import annotations

from datetime import date

__all__ = ["day", "plural"]


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 service``, ``2 services`` (or ``many`` for an irregular plural)."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {many or word + 's'}"


def day(value: date) -> str:
    """A date as people read it, ``Tue 30 Sep 2025``."""
    return f"{value:%a} {value.day} {value:%b %Y}"
