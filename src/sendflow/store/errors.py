"""Errors only the store raises; each is a :class:`~sendflow.errors.SendflowError`.

Each has a stable ``code`` and a category (see :mod:`sendflow.errors`)::

    SendflowError
    ├── UnavailableError (503)
    │   └── StoreError            store_unavailable: the store cannot be opened or used
    │       └── StoreBusyError    store_busy: another writer held the lock; retry
    ├── NotFoundError (404)
    │   └── CaseNotFoundError     case_not_found: no stored case has that id
    ├── ConflictError (409)
    │   └── CaseExistsError       case_exists: a case with that id is already stored
    └── InvalidInputError (400)
        ├── CursorError           cursor_invalid: a page or feed cursor the store did not give
        └── CaseFileError
            └── ImportRejectedError  import_rejected: bad cases found; nothing written
"""

from __future__ import annotations

from typing import ClassVar

from sendflow.errors import (
    CaseFileError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from sendflow.store.records import ImportReport

__all__ = [
    "CaseExistsError",
    "CaseNotFoundError",
    "CursorError",
    "ImportRejectedError",
    "StoreBusyError",
    "StoreError",
]

_LISTED = 20


class StoreError(UnavailableError):
    """The store cannot be opened or used; nothing was written.

    Its URL is not one sendflow can use, it names a folder that does not exist or a file
    that is not a database, or its server cannot be reached.
    """

    code: ClassVar[str] = "store_unavailable"


class StoreBusyError(StoreError):
    """Another writer held the store's lock for longer than the busy timeout.

    Nothing was written: the write can simply be tried again.

    Attributes:
        timeout: The busy timeout that ran out, in seconds.
    """

    code: ClassVar[str] = "store_busy"

    def __init__(self, where: str, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            f"the store {where} is busy: another writer held its lock for longer than the "
            f"busy timeout of {timeout:g} s. Nothing was written; try the write again, or "
            "allow a longer wait with busy_timeout= (--busy-timeout SECONDS, or "
            "$SENDFLOW_BUSY_TIMEOUT)."
        )


class CaseNotFoundError(NotFoundError):
    """No stored case has this id (a :class:`~sendflow.errors.NotFoundError`: a LookupError)."""

    code: ClassVar[str] = "case_not_found"

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(
            f"no case {case_id!r} in the store. Check the id (`sendflow cases` lists them), "
            "or open the case with its start event first."
        )

    def __str__(self) -> str:
        return str(self.args[0])


class CaseExistsError(ConflictError):
    """A case with this id is already stored; ids are unique."""

    code: ClassVar[str] = "case_exists"

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(
            f"case {case_id!r} is already in the store. Record further events on it, or "
            "give the new case another id."
        )


class CursorError(InvalidInputError):
    """A page or change-feed cursor the store did not give for this query; nothing was read.

    Pass a page's ``next_cursor`` (or the feed's ``cursor``) back as it was given, with the
    same filters, or no cursor to start from the beginning. Also a ``ValueError``.

    Attributes:
        cursor: The cursor as given.
    """

    code: ClassVar[str] = "cursor_invalid"

    def __init__(self, message: str, *, cursor: object = None) -> None:
        self.cursor = cursor
        super().__init__(message)


class ImportRejectedError(CaseFileError):
    """An import met bad cases without ``skip_bad``, so it wrote nothing.

    Attributes:
        report: Every bad case found, with where it came from and why.
    """

    code: ClassVar[str] = "import_rejected"

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        count = len(report.bad)
        lines = [
            f"{count} bad case{'s' if count != 1 else ''} found, so nothing was imported. "
            "Fix them, or import the others with skip_bad (--skip-bad):"
        ]
        lines.extend(f"  - {bad}" for bad in report.bad[:_LISTED])
        if count > _LISTED:
            lines.append(f"  ... and {count - _LISTED} more")
        super().__init__("\n".join(lines))
