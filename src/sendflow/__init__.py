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
from sendflow.store import (
    CaseExistsError,
    CaseNotFoundError,
    DueItem,
    ImportRejectedError,
    ImportReport,
    Store,
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
