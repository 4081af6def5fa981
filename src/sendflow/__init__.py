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

import importlib

# ``typing`` itself is not imported: it alone would double the cost of ``import sendflow``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
del TYPE_CHECKING

# Each public name loads on first use, with only the modules it needs: a program (or the
# command line) that never evaluates a case or opens a store pays for neither the engine
# nor SQLAlchemy. ``errors`` is a module; the rest are names in the modules given.
_HOMES = {
    "Case": "sendflow.engine.case",
    "CaseExistsError": "sendflow.store",
    "CaseFileError": "sendflow.errors",
    "CaseNotFoundError": "sendflow.store",
    "DefinitionError": "sendflow.errors",
    "DueItem": "sendflow.store",
    "Evaluation": "sendflow.engine.results",
    "Event": "sendflow.engine.events",
    "EventError": "sendflow.errors",
    "ImportRejectedError": "sendflow.store",
    "ImportReport": "sendflow.store",
    "SendflowError": "sendflow.errors",
    "StaleCaseError": "sendflow.errors",
    "Status": "sendflow.engine.results",
    "Store": "sendflow.store",
    "TimeLimitResult": "sendflow.engine.results",
    "UnknownProcessError": "sendflow.errors",
    "errors": "sendflow.errors",
    "evaluate": "sendflow.engine.replay",
    "load_process": "sendflow.definitions.registry",
    "packaged_processes": "sendflow.definitions.registry",
    "read_case_file": "sendflow.engine.case",
}

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


def __getattr__(name: str) -> Any:
    """A public name, loaded on first use (``sendflow.evaluate``, ``from sendflow import Case``)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sendflow' has no attribute {name!r}")
    module = importlib.import_module(home)
    value = module if name == "errors" else getattr(module, name)
    globals()[name] = value  # read once: later reads find it without this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
