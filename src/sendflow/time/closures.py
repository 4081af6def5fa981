"""A council's closure dates, read from a file: not working days in its calendars.

The file is YAML holding a list; each item is a date ('2024-12-27') or an inclusive range
('2024-12-23..2024-12-31'). :func:`load_closures` is also importable from
``sendflow.time.calendars``.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from sendflow.files import CLOSURE_FILE, FileContentError, load_yaml, read_text
from sendflow.time.days import read_legal_day

__all__ = ["closure_days", "load_closures"]

_RANGE_SEPARATOR = ".."
_LONGEST_CLOSURE_DAYS = 366
_CLOSURE_FORMS = "a date 'YYYY-MM-DD' or an inclusive range 'YYYY-MM-DD..YYYY-MM-DD'"


def _parse_day(text: str) -> date:
    """Return the date an ISO 'YYYY-MM-DD' string names, or raise ValueError."""
    try:
        return read_legal_day(text.strip())
    except ValueError as exc:
        msg = f"{text.strip()!r} is not a date: {exc}"
        raise ValueError(msg) from None


def closure_days(item: object) -> list[date]:
    """The days one closure item names: a date, or an inclusive range 'FROM..TO'.

    Raises:
        ValueError: The item is neither; the message says what it is.
    """
    if isinstance(item, datetime):
        msg = f"{item!r} has a time of day"
        raise ValueError(msg)
    if isinstance(item, date):
        return [_parse_day(item.isoformat())]
    if not isinstance(item, str):
        msg = f"{item!r} is a {type(item).__name__}, not a date or a range"
        raise ValueError(msg)
    if _RANGE_SEPARATOR not in item:
        return [_parse_day(item)]
    first_text, _, last_text = item.partition(_RANGE_SEPARATOR)
    first, last = _parse_day(first_text), _parse_day(last_text)
    if last < first:
        msg = f"the range {item!r} ends before it starts"
        raise ValueError(msg)
    length = (last - first).days + 1
    if length > _LONGEST_CLOSURE_DAYS:
        msg = (
            f"the range {item!r} covers {length} days; a closure longer than a year is "
            "almost certainly a typing mistake (split it into ranges of at most 366 days)"
        )
        raise ValueError(msg)
    return [first + timedelta(days=offset) for offset in range(length)]


def load_closures(path: str | os.PathLike[str]) -> frozenset[date]:
    """Read a council's closure-dates file.

    The file is YAML holding a list; each item is a date ('2024-12-27') or an inclusive
    range ('2024-12-23..2024-12-31'). An empty file means no closures.

    Args:
        path: The file to read.

    Returns:
        Every day the file names.

    Raises:
        ValueError: If the file is not YAML or an item is not a date or a range; the
            message names the file and the item (counting from 1).
        OSError: If the file cannot be read.
    """
    where = os.fspath(path)
    try:
        data = load_yaml(read_text(where, CLOSURE_FILE), where, CLOSURE_FILE)
    except FileContentError as error:
        msg = f"{error} A closure file is a list of {_CLOSURE_FORMS}."
        raise ValueError(msg) from None
    if data is None:
        return frozenset()
    if not isinstance(data, list):
        msg = (
            f"{where}: the file holds a {type(data).__name__}, not a list; "
            f"write a YAML list whose items are each {_CLOSURE_FORMS}"
        )
        raise ValueError(msg)
    days: set[date] = set()
    for index, item in enumerate(data, start=1):
        try:
            days.update(closure_days(item))
        except ValueError as error:
            msg = f"{where}: item {index}: {error}; each item must be {_CLOSURE_FORMS}"
            raise ValueError(msg) from None
    return frozenset(days)
