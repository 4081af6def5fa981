"""Argument types the commands share: legal dates and counts of days."""

from __future__ import annotations

import argparse
from datetime import date

from sendflow.time.days import read_legal_day

__all__ = ["LONGEST_WINDOW_DAYS", "day_count", "legal_day"]

LONGEST_WINDOW_DAYS = 36_525
"""The longest window a command looks across: a hundred years, far past any clock."""


def legal_day(text: str) -> date:
    """A ``YYYY-MM-DD`` date within the legal range, or argparse's error saying why not."""
    try:
        return read_legal_day(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: {exc}; write dates as YYYY-MM-DD"
        ) from None


def day_count(text: str) -> int:
    """A whole number of days from 0 to a hundred years, or argparse's error saying why not."""
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= LONGEST_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(
            f"DAYS must be a whole number of days from 0 to {LONGEST_WINDOW_DAYS:,} "
            f"(a hundred years), not {text!r}"
        )
    return days
