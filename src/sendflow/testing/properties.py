"""Properties of case histories every definition must keep.

Each is a function ``property(process, history)`` that raises :class:`PropertyError` when
it does not hold. Use them with your own ``@given(histories(process))`` tests, or let
:func:`sendflow.testing.check_process` run them, with the properties of the definition's
structure (see :mod:`sendflow.testing.structure`), on generated histories.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from sendflow.definitions.model import DueMode, Kind, TimeLimit
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation, Status, TimeLimitResult
from sendflow.errors import SendflowError
from sendflow.testing.processes import ProcessLike, as_compiled
from sendflow.testing.structure import PropertyError

__all__ = [
    "HISTORY_PROPERTIES",
    "due_dates_never_precede_their_start",
    "every_clock_gets_one_verdict",
    "exceptions_never_move_due_dates",
    "exceptions_never_worsen_verdicts",
    "meeting_later_never_improves_the_verdict",
    "met_on_time_means_met",
    "replay_is_deterministic",
    "results_survive_json",
]

History = Sequence[Event]
_SETTLED = frozenset({Status.MET, Status.LATE, Status.VOID, Status.VIOLATED})
_VERDICTS = {
    Kind.DEADLINE: frozenset(
        {Status.PENDING, Status.OVERDUE, Status.MET, Status.LATE, Status.EXCUSED, Status.VOID}
    ),
    Kind.MINIMUM: frozenset({Status.PENDING, Status.RESPECTED, Status.VIOLATED, Status.VOID}),
    Kind.LEAD_TIME: frozenset(
        {Status.PENDING, Status.MET, Status.LATE, Status.EXCUSED, Status.VOID}
    ),
}
_COUNTED = frozenset({DueMode.PERIOD, DueMode.LATER_OF, DueMode.EARLIER_OF})


def _evaluate(
    process: ProcessLike, history: Iterable[Event], as_of: date | None = None
) -> Evaluation:
    return evaluate(as_compiled(process), list(history), as_of=as_of)


def _where(result: TimeLimitResult) -> str:
    key = f"[{result.key}]" if result.key is not None else ""
    return f"{result.rule}{key} started {result.started_on.isoformat()}"


def _consistency(kind: Kind, r: TimeLimitResult) -> str | None:
    """Why the fields of ``r`` do not fit its verdict, or ``None``."""
    if r.status not in _VERDICTS[kind]:
        return f"{r.status.value} is not a verdict a {kind.value} can have"
    due, met = r.due_on, r.met_on
    if r.status is Status.MET and (met is None or r.days_late or (due is not None and met > due)):
        return f"met, but met_on={met} due_on={due} days_late={r.days_late}"
    if r.status in (Status.LATE, Status.OVERDUE) and (r.days_late <= 0 or r.exceptions):
        return f"{r.status.value} with days_late={r.days_late} exceptions={r.exceptions}"
    late = r.status is Status.LATE and kind is Kind.DEADLINE
    if late and met is not None and due is not None and r.days_late != (met - due).days:
        return f"late by {r.days_late} days, but met {(met - due).days} days after due"
    if r.status is Status.EXCUSED and (r.days_late <= 0 or not r.exceptions):
        return f"excused with days_late={r.days_late} exceptions={r.exceptions}"
    if r.status in (Status.PENDING, Status.VOID) and r.days_late:
        return f"{r.status.value} with days_late={r.days_late}"
    return None


def every_clock_gets_one_verdict(process: ProcessLike, history: History) -> None:
    """Each clock has one verdict that fits its dates, which later dates do not change.

    Its verdict is one its kind allows and agrees with its due date, meeting date and days
    late; a rule that does not restart has at most one clock per key; once the case is
    closed no clock is pending; a settled verdict (met, late, void, violated) is the same
    as of a year later.
    """
    name = "every_clock_gets_one_verdict"
    compiled = as_compiled(process)
    now = _evaluate(compiled, history)
    limits = compiled.process.time_limits
    seen: set[tuple[str, str | None]] = set()
    for r in now.time_limits:
        limit = limits[r.rule]
        problem = _consistency(limit.kind, r)
        if problem is not None:
            raise PropertyError(name, f"{_where(r)}: {problem}.", history)
        # A lead time opens afresh for each meeting it leads up to, so it may repeat.
        if not limit.restart and limit.kind is not Kind.LEAD_TIME and (r.rule, r.key) in seen:
            raise PropertyError(
                name, f"{_where(r)}: a second clock of a rule that does not restart.", history
            )
        seen.add((r.rule, r.key))
        if now.final and r.status is Status.PENDING:
            raise PropertyError(name, f"{_where(r)}: still pending after the case closed.", history)
    later = _evaluate(compiled, history, now.as_of + timedelta(days=366))
    for before, after in zip(now.time_limits, later.time_limits, strict=True):
        settled = before.status in _SETTLED or now.final
        if settled and before != after:
            raise PropertyError(
                name,
                f"{_where(before)}: {before.status.value} as of {now.as_of}, but "
                f"{after.status.value} (due {after.due_on}) a year later with no new events.",
                history,
            )


def due_dates_never_precede_their_start(process: ProcessLike, history: History) -> None:
    """A counted due date is never before its clock starts; a lead time's is before its anchor.

    For deadlines and minimum periods counted from events (a period, or the later or
    earlier of periods), the due date is on or after the start. A lead time's due date is
    the last day the earlier event may come, so it falls before the event it leads up to
    (the anchor). Due dates fixed in law or read from event data are not counted and are
    not checked.
    """
    name = "due_dates_never_precede_their_start"
    compiled = as_compiled(process)
    limits = compiled.process.time_limits
    results = _evaluate(compiled, history).time_limits
    for r in results:
        limit = limits[r.rule]
        versions = [v for v in limit.versions if v.in_force(r.started_on)]
        if r.due_on is None or any(v.due.mode not in _COUNTED for v in versions):
            continue
        if limit.kind is not Kind.LEAD_TIME:
            if r.due_on < r.started_on:
                raise PropertyError(
                    name, f"{_where(r)} is due {r.due_on}, before it started.", history
                )
            continue
        same = [x for x in results if (x.rule, x.key) == (r.rule, r.key)]
        anchors = [a for key, a in _lead_anchors(limit, history) if key == r.key]
        position = next(i for i, x in enumerate(same) if x is r)
        anchor = anchors[position] if len(anchors) == len(same) else None
        if anchor is not None and r.due_on >= anchor:
            raise PropertyError(
                name,
                f"{_where(r)}: a lead time before {limit.starts[0]} on {anchor} is due "
                f"{r.due_on}, not before it.",
                history,
            )


def _lead_anchors(limit: TimeLimit, history: History) -> list[tuple[str | None, date | None]]:
    """Each lead-time clock as (key, anchor date), in the order results list them.

    The first earlier event since the last anchor opens a clock and the next anchor closes
    it; an anchor with no earlier event opens and closes its own.
    """
    found: list[tuple[int, date, str | None, date | None]] = []
    open_at: dict[str | None, int] = {}
    for position, event in enumerate(history):
        key = _key_of(limit, event)
        if event.name in limit.met_by and key not in open_at:
            open_at[key] = len(found)
            found.append((position, event.on, key, None))
        if event.name in limit.starts:
            index = open_at.pop(key, None)
            if index is None:
                found.append((position, event.on, key, event.on))
            else:
                found[index] = (*found[index][:3], event.on)
    found.sort(key=lambda item: (item[1], item[0]))
    return [(key, anchor) for _, _, key, anchor in found]


def _key_of(limit: TimeLimit, event: Event) -> str | None:
    value = event.data.get(limit.per) if limit.per is not None else None
    return None if value is None else str(value)


def _same_key(limit: TimeLimit, event: Event, key: str | None) -> bool:
    if limit.per is None or event.data.get(limit.per) is None:
        return True
    return str(event.data[limit.per]) == key


def met_on_time_means_met(process: ProcessLike, history: History) -> None:
    """Met on or before the due date is met; after it, late (or excused).

    For a minimum period, the guarded event on or after the first day it may come
    respects it, and before that day violates it.
    """
    name = "met_on_time_means_met"
    compiled = as_compiled(process)
    for r in _evaluate(compiled, history).time_limits:
        if r.met_on is None or r.due_on is None or r.status is Status.VOID:
            continue
        kind = compiled.process.time_limits[r.rule].kind
        if kind is Kind.MINIMUM:
            wanted = {Status.RESPECTED} if r.met_on >= r.due_on else {Status.VIOLATED}
        elif r.met_on <= r.due_on:
            wanted = {Status.MET}
        else:
            wanted = {Status.LATE, Status.EXCUSED}
        if kind is Kind.LEAD_TIME and r.status is Status.PENDING:
            continue
        if r.status not in wanted:
            raise PropertyError(
                name,
                f"{_where(r)}: met {r.met_on}, due {r.due_on}, but the verdict is "
                f"{r.status.value} (expected {' or '.join(sorted(wanted))}).",
                history,
            )


def _without_exceptions(
    compiled: CompiledProcess, history: History
) -> tuple[Evaluation, Evaluation] | None:
    """The evaluation of ``history`` with and without its exception events."""
    events = compiled.process.events
    plain = [e for e in history if not events[e.name].exception]
    if len(plain) == len(history):
        return None
    return _evaluate(compiled, history), _evaluate(compiled, plain, history[-1].on)


def _paired(
    with_: Evaluation, without: Evaluation, history: History, name: str
) -> list[tuple[TimeLimitResult, TimeLimitResult]]:
    pairs = list(zip(with_.time_limits, without.time_limits, strict=False))
    same = len(with_.time_limits) == len(without.time_limits) and all(
        (a.rule, a.key, a.started_on) == (b.rule, b.key, b.started_on) for a, b in pairs
    )
    if not same:
        raise PropertyError(name, "recording exceptions changed which clocks started.", history)
    return pairs


def exceptions_never_move_due_dates(process: ProcessLike, history: History) -> None:
    """Every clock has the same due date with or without the history's exceptions."""
    name = "exceptions_never_move_due_dates"
    compiled = as_compiled(process)
    both = _without_exceptions(compiled, history)
    if both is None:
        return
    for with_, without in _paired(*both, history, name):
        if with_.due_on != without.due_on:
            raise PropertyError(
                name,
                f"{_where(with_)} is due {with_.due_on} with its exceptions, "
                f"{without.due_on} without them.",
                history,
            )


def exceptions_never_worsen_verdicts(process: ProcessLike, history: History) -> None:
    """Adding exceptions leaves each verdict as it was, or turns late or overdue into excused."""
    name = "exceptions_never_worsen_verdicts"
    compiled = as_compiled(process)
    both = _without_exceptions(compiled, history)
    if both is None:
        return
    for with_, without in _paired(*both, history, name):
        excused = with_.status is Status.EXCUSED and without.status in (Status.LATE, Status.OVERDUE)
        if (
            with_.status is not without.status and not excused
        ) or with_.days_late != without.days_late:
            raise PropertyError(
                name,
                f"{_where(with_)} is {with_.status.value} ({with_.days_late} days late) with "
                f"its exceptions, {without.status.value} ({without.days_late}) without them.",
                history,
            )


def _same_rule(evaluation: Evaluation, result: TimeLimitResult) -> list[TimeLimitResult]:
    return [x for x in evaluation.time_limits if (x.rule, x.key) == (result.rule, result.key)]


def _badness(r: TimeLimitResult) -> tuple[int, int]:
    return (0 if r.status is Status.MET else 1, r.days_late)


def meeting_later_never_improves_the_verdict(process: ProcessLike, history: History) -> None:
    """Moving the event that meets a deadline or lead time later never improves its verdict.

    The event moves only as far as the next event's date (so the legal order of the
    history is kept), or further when it is the last event; a move that makes the history
    invalid (a clock it starts would then miss an exception's window) is skipped.
    Minimum periods are left out: there, later is better by design.
    """
    name = "meeting_later_never_improves_the_verdict"
    compiled = as_compiled(process)
    now = _evaluate(compiled, history)
    events = list(history)
    for r in now.time_limits:
        limit = compiled.process.time_limits[r.rule]
        if (
            limit.kind is Kind.MINIMUM
            or r.met_on is None
            or r.status not in (Status.MET, Status.LATE, Status.EXCUSED)
        ):
            continue
        index = next(
            (
                i
                for i, e in enumerate(events)
                if e.name in limit.met_by and e.on == r.met_on and _same_key(limit, e, r.key)
            ),
            None,
        )
        if index is None:
            continue
        nxt = events[index + 1].on if index + 1 < len(events) else r.met_on + timedelta(days=100)
        for moved_to in sorted({min(r.met_on + timedelta(days=1), nxt), nxt}):
            if moved_to <= r.met_on:
                continue
            moved = list(events)
            moved[index] = Event(
                moved[index].name, moved_to, data=moved[index].data, actor=moved[index].actor
            )
            try:
                after = _evaluate(compiled, moved, max(now.as_of, moved_to))
            except SendflowError:
                # The event may also start a clock; started later, that clock can fall
                # outside the window of an exception recorded after it. Such a move is
                # not a history the law allows, so there is nothing to compare.
                continue
            # The n-th clock of the rule and key stays the n-th: the move keeps legal order.
            # (A lead time's clock starts with the event that meets it, so it moves too.)
            same = _same_rule(after, r)[_same_rule(now, r).index(r) :]
            if not same or same[0].met_on is None or _badness(same[0]) < _badness(r):
                got = (
                    f"{same[0].status.value}, {same[0].days_late} days late" if same else "no clock"
                )
                raise PropertyError(
                    name,
                    f"{_where(r)} is {r.status.value} ({r.days_late} days late) when "
                    f"{events[index].name} comes {r.met_on}, but {got} when it comes {moved_to}.",
                    history,
                )


def _legal_reorderings(history: History) -> list[list[Event]]:
    """Other recording orders with the same legal order: days shuffled, same-day order kept."""
    days: dict[date, list[Event]] = {}
    for event in history:
        days.setdefault(event.on, []).append(event)
    groups = list(days.values())
    if len(groups) < 2:
        return []
    reversed_days = [e for group in reversed(groups) for e in group]
    interleaved = [e for group in groups[1::2] + groups[::2] for e in group]
    return [reversed_days, interleaved]


def replay_is_deterministic(process: ProcessLike, history: History) -> None:
    """Replay gives the same results every time, in any recording order keeping legal order."""
    name = "replay_is_deterministic"
    compiled = as_compiled(process)
    first = _evaluate(compiled, history)
    expected = (first.to_dict(), first.allowed_events)
    again = _evaluate(compiled, history)
    if (again.to_dict(), again.allowed_events) != expected:
        raise PropertyError(name, "two replays of the same history differ.", history)
    for order in _legal_reorderings(history):
        other = _evaluate(compiled, order, first.as_of)
        if (other.to_dict(), other.allowed_events) != expected:
            shown = ", ".join(f"{e.name} {e.on}" for e in order)
            raise PropertyError(
                name, f"recording the events in the order [{shown}] changes the results.", history
            )


def results_survive_json(process: ProcessLike, history: History) -> None:
    """Every result written as JSON reads back equal, explanation included."""
    name = "results_survive_json"
    evaluation = _evaluate(process, history)
    written = evaluation.to_dict()
    read = json.loads(json.dumps(written))
    if read != written:
        raise PropertyError(name, "the evaluation's JSON form does not read back equal.", history)
    for original, data in zip(evaluation.time_limits, read["time_limits"], strict=True):
        back = TimeLimitResult.from_dict(data)
        if back != original or back.explanation != original.explanation:
            raise PropertyError(name, f"{_where(original)} reads back as {back!r}.", history)


HistoryProperty = Callable[[ProcessLike, History], None]

HISTORY_PROPERTIES: tuple[HistoryProperty, ...] = (
    every_clock_gets_one_verdict,
    due_dates_never_precede_their_start,
    met_on_time_means_met,
    exceptions_never_move_due_dates,
    exceptions_never_worsen_verdicts,
    meeting_later_never_improves_the_verdict,
    replay_is_deterministic,
    results_survive_json,
)
"""The properties of a history, checked on generated histories."""
