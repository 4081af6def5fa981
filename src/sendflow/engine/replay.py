"""Evaluating a case: its history into its state and a verdict for every time limit.

Replay is a pure function of the definition, the events, the calendars and the "as of"
date: nothing else changes state. A history whose shape has a recorded program is
replayed by it (``sendflow.engine.programs``); any other is folded in full
(``sendflow.engine.fold``). The work is done in :mod:`sendflow.engine.evaluating`, which
the compiled engine builds; this module keeps the public function, its signature and its
documentation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sendflow.definitions.model import Process
from sendflow.engine.evaluating import evaluate_history
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.results import Evaluation
from sendflow.errors import ArgumentError

__all__ = ["evaluate"]

_NO_CLOSURES: frozenset[date] = frozenset()


def evaluate(
    process: Process | CompiledProcess,
    events: Iterable[Event | Mapping[str, Any]],
    *,
    as_of: date | None = None,
    case_id: str | None = None,
    closures: Iterable[date] = _NO_CLOSURES,
) -> Evaluation:
    """Evaluate a case's history as of a date.

    Events are put in legal order (by date; same-day events keep the order given). Events
    dated after ``as_of`` are left out: the result is the case as it stood that day.

    Args:
        process: The process definition (see :func:`sendflow.load_process`).
        events: The history, as :class:`Event` objects or case-file mappings
            (``{"event": "request_received", "on": "2024-01-08"}``).
        as_of: The date to give verdicts for; defaults to the latest event's date.
        case_id: The case's id, used in messages and the result.
        closures: A council's own closure dates: not working days for this evaluation
            (see :func:`sendflow.time.calendars.load_closures`).

    Raises:
        EventDataError: An event is unknown, lacks required data, has data of the wrong
            type or a bad date (an :class:`~sendflow.errors.EventError`).
        EventNotAllowedError: An event is not allowed in the state the case was in, or
            is dated before the case began (an :class:`~sendflow.errors.EventError`).
        CaseFileError: There are no events.
        AsOfDateError: ``as_of`` is before the case began.
        ArgumentError: ``process`` is not a process definition, ``as_of`` not a
            ``datetime.date``, ``case_id`` not text, or ``closures`` not dates.
    """
    if not isinstance(process, _PROCESSES):
        raise _not_a_process(process)
    if as_of is not None and as_of.__class__ is not date:
        _check_as_of(as_of)
    if case_id is not None and not isinstance(case_id, str):
        raise ArgumentError(
            f"case_id must be text naming the case, such as 'A123', not "
            f"{type(case_id).__name__} {case_id!r}."
        )
    return evaluate_history(process, events, as_of, case_id, closures)


_PROCESSES = (Process, CompiledProcess)


def _not_a_process(given: object) -> ArgumentError:
    if isinstance(given, str):
        return ArgumentError(
            f"evaluate takes a process definition, not its id or file name: load it first, "
            f"with sendflow.load_process({given!r})."
        )
    return ArgumentError(
        "evaluate takes a process definition, as sendflow.load_process('ehc-needs-assessment') "
        f"gives it, not {type(given).__name__} {given!r}."
    )


def _check_as_of(as_of: object) -> None:
    """Refuse an ``as_of`` that is not a legal date (a ``datetime`` is a date, but not one)."""
    if isinstance(as_of, date) and not isinstance(as_of, datetime):
        return
    raise ArgumentError(
        f"as_of must be a datetime.date (the legal date to give verdicts for), not "
        f"{type(as_of).__name__} {as_of!r}. Use date(2024, 6, 10)."
    )
