"""Recording an exception: which running clocks it reaches, and whether its facts fit.

Exceptions excuse, they never move a due date. A reason counts for a clock only if the
rule lists it in ``excusable`` and it was recorded while the clock ran; a reason with a
validity window (coronavirus) counts only for clocks that ran inside that window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sendflow.definitions.model import ExceptionReason, Process
from sendflow.definitions.reader import did_you_mean
from sendflow.engine.events import Event, parse_day
from sendflow.errors import EventDataError, EventError, EventNotAllowedError
from sendflow.time.periods import format_day

if TYPE_CHECKING:
    from sendflow.engine.clocks import Clock

__all__ = ["apply_exception", "check_closure_window"]

_WEEK = timedelta(days=7)
_MIN_CLOSURE = timedelta(days=28)


def apply_exception(
    process: Process,
    event: Event,
    running: Mapping[str, Mapping[str | None, Clock]],
    index: int,
    case_id: str | None,
    state: str,
    at: int = -1,
) -> None:
    """Attach the exception ``event`` records to every running clock it can excuse.

    ``at`` is the event's position in the legal-order history.
    """

    def fail(message: str, kind: type[EventError] = EventNotAllowedError) -> EventError:
        return kind(
            f"{event.name} on {event.on.isoformat()}: {message}",
            case_id=case_id,
            state=state,
            event=event.name,
            index=index,
        )

    reason_id = str(event.data.get("reason"))
    reason = process.exception_reasons[reason_id]
    wanted = event.data.get("rules")
    if wanted is not None:
        names = wanted if isinstance(wanted, list) else [wanted]
        for name in names:
            if name not in process.time_limits:
                raise fail(
                    f"'rules' names the unknown rule {name!r}."
                    f"{did_you_mean(str(name), process.time_limits)} Rules are: "
                    f"{', '.join(process.time_limits)}.",
                    EventDataError,
                )
        wanted = set(names)
    running_clocks = [c for by_key in running.values() for c in by_key.values()]
    candidates = [
        c
        for c in running_clocks
        if reason_id in c.plan.excusable and (wanted is None or c.plan.limit.id in wanted)
    ]
    if not candidates:
        listing = ", ".join(_accepts(c) for c in running_clocks) or "none"
        raise fail(
            f"no running time limit can be excused by {reason_id!r}. Running now: "
            f"{listing}. Record an exception only while a clock that accepts it runs."
        )
    if reason.clock_ran_from is not None or reason.clock_ran_to is not None:
        candidates = [c for c in candidates if _ran_within(c.started_on, event.on, reason)]
        if not candidates:
            raise fail(_window_message(reason))
    if reason.check == "closure-window":
        problem = check_closure_window(event.data)
        if problem is not None:
            raise fail(problem)
    for clock in candidates:
        clock.add_exception(reason_id, event.on, at)


def _accepts(clock: Clock) -> str:
    accepted = ", ".join(sorted(clock.plan.excusable)) or "no exceptions"
    return f"{clock.plan.limit.id} (accepts: {accepted})"


def _ran_within(started: date, now: date, reason: ExceptionReason) -> bool:
    low = reason.clock_ran_from or date.min
    high = reason.clock_ran_to or date.max
    return started <= high and now >= low


def _window_message(reason: ExceptionReason) -> str:
    low = format_day(reason.clock_ran_from) if reason.clock_ran_from else "the beginning"
    high = format_day(reason.clock_ran_to) if reason.clock_ran_to else "now"
    return (
        f"the {reason.id!r} exception ({reason.title}) applies only to a clock that was "
        f"running some time between {low} and {high}, and no clock it could excuse ran then. "
        "Remove it, or record the reason that applies."
    )


def check_closure_window(data: Mapping[str, Any]) -> str | None:
    """Why the facts of a school-closure exception do not fit reg 10(4)(a), or ``None``.

    The facts are optional; when all three are given, the closure must last at least four
    weeks and advice must have been asked from a week before it began until a week before
    the school reopened.
    """
    facts = ("closure_from", "reopens_on", "advice_requested_on")
    if not all(data.get(f) is not None for f in facts):
        return None
    closed, reopens, asked = (parse_day(data[f], what=f) for f in facts)
    if reopens - closed < _MIN_CLOSURE:
        return (
            f"the school closed {format_day(closed)} and reopened {format_day(reopens)}: "
            f"{(reopens - closed).days} days, but the exception needs a closure of at least "
            "4 continuous weeks (28 days)."
        )
    if not closed - _WEEK <= asked <= reopens - _WEEK:
        return (
            f"advice was asked on {format_day(asked)}, outside the window the exception "
            f"covers: from {format_day(closed - _WEEK)} (a week before the closure) to "
            f"{format_day(reopens - _WEEK)} (a week before it reopened)."
        )
    return None
