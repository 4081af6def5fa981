"""sendflow: England's SEND statutory processes as executable, checkable definitions.

Load a process, record a case's events, and read every time limit's due date and verdict
with the legal reference behind it::

    >>> from datetime import date
    >>> import sendflow
    >>> result = sendflow.evaluate(
    ...     sendflow.load_process("ehc-needs-assessment"),
    ...     [{"event": "request_received", "on": "2024-01-08"}],
    ...     as_of=date(2024, 2, 1),
    ... )
    >>> result.result("final-plan").due_on
    datetime.date(2024, 5, 27)
"""

from __future__ import annotations

import typing

from sendflow import errors
from sendflow.definitions.registry import load_process, packaged_processes
from sendflow.engine.case import Case, read_case_file
from sendflow.engine.events import Event
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation, Status, TimeLimitResult
from sendflow.errors import (
    CaseFileError,
    DefinitionError,
    EventError,
    SendflowError,
    StaleCaseError,
    UnknownProcessError,
)

if typing.TYPE_CHECKING:
    from sendflow.store import (
        CaseExistsError,
        CaseNotFoundError,
        DueItem,
        ImportRejectedError,
        ImportReport,
        Store,
    )

# The store's names load on first use: the store brings SQLAlchemy, which commands and
# callers that never open a store (``sendflow check`` on a file, ``--help``) need not pay for.
_STORE_NAMES = frozenset(
    {
        "CaseExistsError",
        "CaseNotFoundError",
        "DueItem",
        "ImportRejectedError",
        "ImportReport",
        "Store",
    }
)

__all__ = [
    "Case",
    "CaseExistsError",
    "CaseFileError",
    "CaseNotFoundError",
    "DefinitionError",
    "DueItem",
    "Evaluation",
    "Event",
    "EventError",
    "ImportRejectedError",
    "ImportReport",
    "SendflowError",
    "StaleCaseError",
    "Status",
    "Store",
    "TimeLimitResult",
    "UnknownProcessError",
    "errors",
    "evaluate",
    "load_process",
    "packaged_processes",
    "read_case_file",
]


def __getattr__(name: str) -> typing.Any:
    """A store name, loaded on first use (``sendflow.Store``, ``from sendflow import Store``)."""
    if name not in _STORE_NAMES:
        raise AttributeError(f"module 'sendflow' has no attribute {name!r}")
    from sendflow import store  # noqa: PLC0415

    return getattr(store, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_STORE_NAMES})
