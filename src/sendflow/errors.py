"""Errors raised by sendflow.

Every error is a :class:`SendflowError`, so one ``except`` catches them all. Each message
says where the problem is, what is wrong, what is allowed, and how to fix it.

::

    SendflowError
    ├── DefinitionError      a process file is wrong (also a ValueError); carries Problems
    ├── UnknownProcessError  no process with that id or path (also a LookupError)
    ├── CaseFileError        a case file cannot be read or has the wrong shape (ValueError)
    ├── EventError           an event cannot be recorded now (also a ValueError)
    └── StaleCaseError       another writer changed the case first; reload and retry

The store adds its own (``sendflow.store.errors``): ``CaseNotFoundError`` (also a
LookupError), ``CaseExistsError`` (also a ValueError), ``ImportRejectedError`` (a
CaseFileError), and ``StoreError`` (a store that cannot be opened: not a URL, a missing
folder, a file that is not a database, a server out of reach) with ``StoreBusyError``
below it (another writer held the lock past the busy timeout; nothing was written and
the write can be retried). The file reader adds two (``sendflow.files``), which its callers mostly
turn into the errors above: ``FileAccessError`` (also an OSError: a file cannot be opened)
and ``FileContentError`` (also a ValueError: too big, not UTF-8, not valid, or hostile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "CaseFileError",
    "DefinitionError",
    "EventError",
    "Problem",
    "SendflowError",
    "StaleCaseError",
    "UnknownProcessError",
]


class SendflowError(Exception):
    """The base of every error sendflow raises."""


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


class DefinitionError(SendflowError, ValueError):
    """A process definition cannot be used; every problem found is listed.

    Attributes:
        problems: Every problem found, in file order.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.path))
        )
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"{heading} in the process definition:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class UnknownProcessError(SendflowError, LookupError):
    """No packaged process has this id, and it is not a readable file."""

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


class CaseFileError(SendflowError, ValueError):
    """A case file or case record cannot be read, or lacks what a case needs."""


class EventError(SendflowError, ValueError):
    """An event cannot be recorded: not allowed now, missing data, or a bad date.

    Attributes:
        case_id: The case, when known.
        state: The state the case was in when the event came.
        event: The event's name.
        allowed: The events the case allows in that state.
        index: The event's position in the history as given (0-based), when known.
    """

    def __init__(
        self,
        message: str,
        *,
        case_id: str | None = None,
        state: str | None = None,
        event: str | None = None,
        allowed: Sequence[str] = (),
        index: int | None = None,
    ) -> None:
        self.case_id = case_id
        self.state = state
        self.event = event
        self.allowed = tuple(allowed)
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


class StaleCaseError(SendflowError):
    """Another writer changed the case after it was read; reload it and try again."""

    def __init__(self, case_id: str, expected: int, actual: int | None) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        now = "it no longer exists" if actual is None else f"it is now at version {actual}"
        super().__init__(
            f"case {case_id} changed since it was read: expected version {expected}, but "
            f"{now}. Nothing was written; reload the case and record the event again."
        )
