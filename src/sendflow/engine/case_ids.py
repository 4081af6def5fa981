"""What a case id may be: the one check every way in (case files, ``Case``, the store) uses.

A case id is how a council finds a case again, in the store, in reports and in messages,
so it must be text that can be stored, printed and typed: not empty, at most
:data:`MAX_CASE_ID_LENGTH` characters, no spaces at either end, and no control
characters, line breaks or lone surrogates (which no UTF-8 file or database can hold).
"""

from __future__ import annotations

import re

from sendflow.errors import CaseFileError

__all__ = ["MAX_CASE_ID_LENGTH", "case_id_problem", "check_case_id"]

MAX_CASE_ID_LENGTH = 200
"""The longest case id, in characters: far more than any council's reference needs."""

_UNFIT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHOWN = 40


def case_id_problem(value: object) -> str | None:
    """What is wrong with ``value`` as a case id, or ``None`` when it is a good one."""
    if not isinstance(value, str):
        return f"a case id must be text, not {type(value).__name__}"
    if not value.strip():
        return "a case id must not be empty"
    if len(value) > MAX_CASE_ID_LENGTH:
        return (
            f"the case id {_shown(value)} is {len(value):,} characters long; a case id has at "
            f"most {MAX_CASE_ID_LENGTH}"
        )
    if value != value.strip():
        return f"the case id {_shown(value)} starts or ends with a space; remove it"
    found = _UNFIT.search(value)
    if found is not None:
        char = found.group()
        kind = (
            "a lone surrogate"
            if "\ud800" <= char <= "\udfff"
            else "a control character or line break"
        )
        return (
            f"the case id {_shown(value)} holds {kind} (U+{ord(char):04X}) at position "
            f"{found.start() + 1}, which cannot be stored or printed; use letters, digits and "
            "punctuation"
        )
    return None


def check_case_id(value: object, *, where: str = "") -> str:
    """``value`` if it is a good case id.

    Args:
        value: The case id.
        where: Where it came from, to begin the message (``cases.json``).

    Raises:
        CaseFileError: It is not text, is empty or too long, has spaces at either end, or
            holds control characters, line breaks or lone surrogates.
    """
    problem = case_id_problem(value)
    if problem is None and isinstance(value, str):
        return value
    prefix = f"{where}: " if where else ""
    raise CaseFileError(f"{prefix}{problem}.")


def _shown(value: str) -> str:
    """The id as a safe, short literal: escapes for what cannot be printed, cut if long."""
    text = repr(value[:_SHOWN])
    return f"{text}..." if len(value) > _SHOWN else text
