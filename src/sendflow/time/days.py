"""Legal dates: the one written form sendflow reads, and the range of days it accepts.

A legal date is written ``YYYY-MM-DD`` and nothing else: ``20240212`` and ``2024-W07-1``,
which Python's ``date.fromisoformat`` also reads, are refused, since a case file is read
by people as well as programs. Days before 1 January 1900 or after 31 December 2199 are
refused too: no SEND duty runs outside that span (statements began in 1983, and no clock
runs for more than a few years), and every due date counted from a day inside it stays
far inside what the calendar arithmetic can reach.
"""

from __future__ import annotations

from datetime import date

__all__ = ["FIRST_LEGAL_DAY", "LAST_LEGAL_DAY", "legal_day_problem", "read_legal_day"]

FIRST_LEGAL_DAY = date(1900, 1, 1)
"""The earliest day sendflow accepts as the date of anything."""

LAST_LEGAL_DAY = date(2199, 12, 31)
"""The latest day sendflow accepts as the date of anything."""

_RANGE_WORDS = f"between {FIRST_LEGAL_DAY.isoformat()} and {LAST_LEGAL_DAY.isoformat()}"


def legal_day_problem(day: date) -> str | None:
    """What is wrong with ``day`` as a legal date, or ``None`` when it is in range."""
    if FIRST_LEGAL_DAY <= day <= LAST_LEGAL_DAY:
        return None
    return (
        f"{day.isoformat()} is outside the dates sendflow accepts ({_RANGE_WORDS}); check the year"
    )


def read_legal_day(text: str) -> date:
    """The day ``text`` names, written ``YYYY-MM-DD`` and within the legal range.

    Raises:
        ValueError: with the reason, which does not repeat the text.

    >>> read_legal_day("2024-02-29")
    datetime.date(2024, 2, 29)
    >>> read_legal_day("20240229")
    Traceback (most recent call last):
    ...
    ValueError: it is not written YYYY-MM-DD
    """
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        msg = "it is not written YYYY-MM-DD"
        raise ValueError(msg)
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        msg = f"there is no such day ({exc})"
        raise ValueError(msg) from None
    problem = legal_day_problem(day)
    if problem is not None:
        raise ValueError(problem)
    return day
