"""Errors raised by sendflow.

Every error is a :class:`SendflowError`, so one ``except`` catches them all. Each message
says where the problem is, what is wrong, what is allowed, and how to fix it. Each error
class has a stable ``code`` (snake_case) and belongs to one **category**, which says what
a caller can do about it and which HTTP status a service answers with
(:func:`http_status`):

::

    SendflowError
    ├── InvalidInputError (400)   malformed values, wrong types, bad files (a ValueError)
    │   ├── DefinitionError       definition_invalid: a process file is wrong
    │   ├── UnknownProcessError   process_unknown: no process with that id or path
    │   ├── CaseFileError         case_file_invalid: a case file or record has the wrong shape
    │   ├── AsOfDateError         as_of_before_start: an as-of date before the case began
    │   ├── ArgumentError         argument_invalid: a Python caller passed the wrong kind
    │   │                         of value (a process id where a process is taken)
    │   └── EventDataError        event_invalid: a bad date, bad or missing data, a wrong
    │                             data type, an unknown event (also an EventError)
    ├── RefusedError (422)        the rules refuse it now
    │   └── EventNotAllowedError  event_not_allowed: not allowed in this state, case closed,
    │                             a retraction that would break the history (an EventError)
    ├── ConflictError (409)       stale version, case exists
    │   └── StaleCaseError        case_stale: another writer changed the case first
    ├── NotFoundError (404)       not found (also a LookupError)
    └── UnavailableError (503)    the store is busy or out of reach

``EventError`` is the base of ``EventDataError`` and ``EventNotAllowedError``, so
``except EventError`` catches both. The store adds ``CaseExistsError`` (a conflict),
``CaseNotFoundError`` (not found), ``ImportRejectedError`` (a CaseFileError),
``StoreError`` and ``StoreBusyError`` (unavailable) in ``sendflow.store.errors``; the
file reader adds ``FileAccessError`` and ``FileContentError`` (bad input) in
``sendflow.files``. ``docs/contracts.md`` ("Errors") lists every code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import ClassVar

import attrs

__all__ = [
    "HTTP_STATUS",
    "ArgumentError",
    "AsOfDateError",
    "CaseFileError",
    "ConflictError",
    "DefinitionError",
    "EventDataError",
    "EventError",
    "EventNotAllowedError",
    "InvalidInputError",
    "NotFoundError",
    "Problem",
    "RefusedError",
    "SendflowError",
    "StaleCaseError",
    "UnavailableError",
    "UnknownProcessError",
    "http_status",
]


class SendflowError(Exception):
    """The base of every error sendflow raises.

    Attributes:
        code: A stable snake_case name of what went wrong (``event_not_allowed``), the
            same for every instance of the class: for programs, logs and translations.
        category: The code of its category (``invalid_input``, ``refused``,
            ``conflict``, ``not_found``, ``unavailable``), which :func:`http_status` reads.
    """

    code: ClassVar[str] = "error"
    category: ClassVar[str] = "error"


class InvalidInputError(SendflowError, ValueError):
    """Bad input: a malformed value, a wrong type, a bad file. Fix the input and retry."""

    code: ClassVar[str] = "invalid_input"
    category: ClassVar[str] = "invalid_input"


class RefusedError(SendflowError):
    """Well-formed, but the rules refuse it now (an event not allowed, a closed case)."""

    code: ClassVar[str] = "refused"
    category: ClassVar[str] = "refused"


class ConflictError(SendflowError):
    """It clashes with what is stored: a stale version, a case that already exists."""

    code: ClassVar[str] = "conflict"
    category: ClassVar[str] = "conflict"


class NotFoundError(SendflowError, LookupError):
    """What it names is not there (no stored case with that id)."""

    code: ClassVar[str] = "not_found"
    category: ClassVar[str] = "not_found"


class UnavailableError(SendflowError):
    """The store cannot be used now (busy, or out of reach); nothing was written."""

    code: ClassVar[str] = "unavailable"
    category: ClassVar[str] = "unavailable"


HTTP_STATUS: Mapping[str, int] = MappingProxyType(
    {
        # the categories
        "invalid_input": 400,
        "refused": 422,
        "conflict": 409,
        "not_found": 404,
        "unavailable": 503,
        # bad input
        "definition_invalid": 400,
        "local_offer_file_invalid": 400,
        "process_unknown": 400,
        "case_file_invalid": 400,
        "import_rejected": 400,
        "as_of_before_start": 400,
        "argument_invalid": 400,
        "event_invalid": 400,
        "file_unreadable": 400,
        "file_invalid": 400,
        "feed_invalid": 400,
        "scenario_file_invalid": 400,
        "operator_unknown": 400,
        "cursor_invalid": 400,
        # refused by the rules
        "event_not_allowed": 422,
        "suite_fails": 422,
        # conflicts
        "case_stale": 409,
        "case_exists": 409,
        # not found
        "case_not_found": 404,
        # unavailable
        "store_unavailable": 503,
        "store_busy": 503,
        # the bases: an error raised as one of them alone
        "event_error": 400,
        "error": 500,
    }
)
"""The HTTP status a service answers each error code with (400, 422, 409, 404, 503; 500
for a bare :class:`SendflowError`). 422 is only for refusals by the rules: bad input is 400."""


def http_status(error: SendflowError) -> int:
    """The HTTP status for ``error``: by its code, else by its category, else 500.

    >>> http_status(StaleCaseError("A1", 2, 3))
    409
    """
    found = HTTP_STATUS.get(error.code)
    if found is None:
        found = HTTP_STATUS.get(error.category, 500)
    return found


@attrs.frozen
class Problem:
    """One thing wrong with a definition: where it is and what to do about it.

    Attributes:
        message: What is wrong, what is allowed and how to fix it.
        file: The file it was found in, if it came from a file.
        line: The 1-based line number in that file, if known.
        path: The YAML path to the offending value, as ``time_limits.final-plan.period``.
    """

    message: str
    file: str | None = None
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = self.file or "<definition>"
        if self.line is not None:
            where = f"{where}, line {self.line}"
        if self.path:
            where = f"{where}, at {self.path}"
        return f"{where}: {self.message}"


class DefinitionError(InvalidInputError):
    """A process definition cannot be used; every problem found is listed.

    Attributes:
        problems: Every problem found, in file order.
    """

    code: ClassVar[str] = "definition_invalid"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.path))
        )
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"{heading} in the process definition:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class UnknownProcessError(InvalidInputError):
    """No packaged process has this id, and it is not a readable file.

    A request naming a process that does not exist is bad input (not "not found"): the
    process id is part of the request, not something looked up in the store.
    """

    code: ClassVar[str] = "process_unknown"

    def __init__(self, name: str, known: Sequence[str], hint: str = "") -> None:
        self.name = name
        self.known = tuple(known)
        message = (
            f"unknown process {name!r}: it is not a packaged process id nor a process file. "
            f"Packaged processes are: {', '.join(self.known) or '(none)'}."
        )
        if hint:
            message = f"{message} {hint}"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class CaseFileError(InvalidInputError):
    """A case file or case record cannot be read, or lacks what a case needs."""

    code: ClassVar[str] = "case_file_invalid"


class AsOfDateError(InvalidInputError):
    """The as-of date asked for is before the case began; ask for a date on or after it.

    Attributes:
        as_of: The date asked for.
        began: The date of the case's first event.
    """

    code: ClassVar[str] = "as_of_before_start"

    def __init__(self, as_of: date, began: date) -> None:
        self.as_of = as_of
        self.began = began
        super().__init__(
            f"the as-of date {as_of.isoformat()} is before the case began on "
            f"{began.isoformat()}; choose a date on or after it."
        )


class ArgumentError(InvalidInputError):
    """A Python caller passed a value of the wrong kind; the message says what is taken.

    A process id where the loaded process is taken, text where a ``datetime.date`` is.
    """

    code: ClassVar[str] = "argument_invalid"


class EventError(SendflowError, ValueError):
    """An event cannot be recorded; ``except EventError`` catches both kinds.

    It is the base of :class:`EventDataError` (bad input) and :class:`EventNotAllowedError`
    (refused by the rules).

    Attributes:
        case_id: The case, when known.
        state: The state the case was in when the event came.
        event: The event's name.
        allowed: The events the case allows in that state: ``None`` when not known,
            ``()`` when known to be none (a closed case).
        index: The event's position in the history as given (0-based), when known.
    """

    code: ClassVar[str] = "event_error"

    def __init__(
        self,
        message: str,
        *,
        case_id: str | None = None,
        state: str | None = None,
        event: str | None = None,
        allowed: Sequence[str] | None = None,
        index: int | None = None,
    ) -> None:
        self.case_id = case_id
        self.state = state
        self.event = event
        self.allowed: tuple[str, ...] | None = None if allowed is None else tuple(allowed)
        self.index = index
        where = []
        if case_id is not None:
            where.append(f"case {case_id}")
        if index is not None:
            where.append(f"event {index + 1}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(f"{prefix}{message}")

    def __str__(self) -> str:
        return str(self.args[0])


class EventDataError(EventError, InvalidInputError):
    """An event is malformed; fix the event and send it again.

    A bad date, bad or missing data, a data value of the wrong type or not among those
    allowed, an actor that is not text, an unknown event name.
    """

    code: ClassVar[str] = "event_invalid"


class EventNotAllowedError(EventError, RefusedError):
    """A well-formed event the rules refuse now.

    Not allowed in the case's state, after a final state, before the case began, or a
    retraction that would break the history.
    """

    code: ClassVar[str] = "event_not_allowed"


class StaleCaseError(ConflictError):
    """Another writer changed the case after it was read; reload it and try again."""

    code: ClassVar[str] = "case_stale"

    def __init__(self, case_id: str, expected: int, actual: int | None) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        now = "it no longer exists" if actual is None else f"it is now at version {actual}"
        super().__init__(
            f"case {case_id} changed since it was read: expected version {expected}, but "
            f"{now}. Nothing was written; reload the case and record the event again."
        )
