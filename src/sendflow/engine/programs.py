"""Replay programs: a history's shape folded once, then replayed on other dates.

Dates only feed the due dates and verdicts; everything else about a fold follows from
the history's shape (``sendflow.engine.shapes``). So a shape folded in full a second time is
recorded, and built into a program the next time it comes (one step per clock, with the
positions of the events that start, meet, void or close it); that history and every
later one of the same shape replay the program on their own dates. The tests prove that
a program replays generated histories, moved to other dates and reworded, and every
scenario file's histories, exactly as a full fold does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from functools import partial

from sendflow.definitions.model import DueMode, Kind
from sendflow.engine.clocks import CLOCK_ORDER, Clock
from sendflow.engine.events import Event
from sendflow.engine.explanations import explain
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.read_history import ReadEvents, data_at
from sendflow.engine.results import Standing, Status, TimeLimitResult
from sendflow.time.periods import Unit

__all__ = ["Program", "build_program", "program_checks", "record_program"]

_UNSET = -1

_MET, _RUNNING, _VOID, _GUARDED, _CLOSED, _WAITING, _COUNTED, _LEAD, _DATED, _GENERIC = range(10)
"""How a step settles its verdict: as a deadline met, running, void, closed with the case or
waiting on a condition, or a minimum period whose guarded event came, due a fixed distance
from its start; as one of those whose period is counted on a calendar (months, working
days); as a lead time; as one of the first kind whose due date is read from the history
(from its data, or the later or earlier of several events); through a clock."""

# The result record's own constructor, without the keyword handling of a named tuple's.
_make_result = tuple.__new__

_IN_TIME, _PENDING, _VOIDED = Status.MET, Status.PENDING, Status.VOID
_EARLY, _WAITED = Status.VIOLATED, Status.RESPECTED
_NO_TIME = timedelta(0)

Settled = tuple[date | None, date | None, Status, int]
"""A replayed clock's due date, meeting date, status and days late."""


class _Step:
    """One clock of a program: which events start, end and close it."""

    __slots__ = (
        "anchor_at", "closed_at", "duty", "end_at", "exception_at", "exceptions", "how",
        "kind_name", "late", "lead", "lead_offset", "local", "met_by", "offset", "overdue",
        "parts_at", "per", "plan", "rare", "reasons", "reference", "reopened_at", "reopened_by",
        "rule", "start_at", "start_event", "sub", "superseded", "target_of", "version",
        "void_event", "voided",
    )  # fmt: skip

    def __init__(self, clock: Clock) -> None:
        plan = clock.plan
        self.plan = plan
        self.version = clock.version
        self.per = plan.per if clock.key is not None else None
        self.start_event = clock.start_event
        self.start_at = clock.start_at
        self.end_at = clock.end_at if clock.met_by is not None or clock.voided else _UNSET
        self.met_by = clock.met_by
        self.voided = clock.voided
        self.void_event = clock.void_event
        self.anchor_at = clock.anchor_at
        self.closed_at = clock.closed_at
        self.superseded = clock.superseded
        self.exceptions = tuple([reason for reason, _ in clock.exceptions])
        self.exception_at = tuple(clock.exception_at)
        self.parts_at = tuple(clock.parts_at.items()) if clock.parts_at else ()
        self.reopened_by = clock.reopened_by
        self.reopened_at = clock.reopened_at
        self.lead = plan.kind is Kind.LEAD_TIME
        self.offset = None if self.lead else plan.offsets.get(id(clock.version))
        self.rare = (
            self.closed_at != _UNSET or self.reopened_by is not None or bool(self.exception_at)
        )
        self.reasons = tuple(dict.fromkeys(self.exceptions)) if self.exceptions else ()
        self.reference = plan.references[id(clock.version)]
        self.rule = plan.rule
        self.kind_name = plan.kind_name
        self.duty = plan.limit.duty
        self.local = plan.limit.local
        self.target_of = plan.limit.target_of
        self.lead_offset = self._lead_offset()
        self.sub = self._settled_as()
        self.how = self._how()
        self.late = Status.EXCUSED if self.exceptions else Status.LATE
        self.overdue = Status.EXCUSED if self.exceptions else Status.OVERDUE

    def _how(self) -> int:
        """Whether this step's verdict can be settled without a clock (most of them)."""
        if self.lead:
            return _LEAD
        if self.offset is not None or self.sub == _GENERIC:
            return self.sub
        due = self.version.due
        # A period counted on a calendar from the start alone (months, working days); a
        # period the starting event carries (a tribunal's directed period) needs its clock.
        counted = due.mode is DueMode.PERIOD and not self.parts_at and not self.plan.period_from
        return _COUNTED if counted else _DATED

    def _lead_offset(self) -> timedelta | None:
        """How long before its anchor a lead time falls due, when it is a fixed distance."""
        period = self.version.due.period
        if not self.lead or period is None or period.unit not in (Unit.DAYS, Unit.WEEKS):
            return None
        return timedelta(days=period.amount * (7 if period.unit is Unit.WEEKS else 1))

    def _settled_as(self) -> int:
        """How the verdict follows from the due date, whatever the due date is."""
        kind = self.plan.kind
        if kind is Kind.LEAD_TIME:
            return _GENERIC
        ended = self.end_at != _UNSET
        if kind is Kind.MINIMUM:
            return _GUARDED if ended and not self.voided else _GENERIC
        if self.voided:
            return _VOID
        if ended:
            return _MET
        if self.closed_at != _UNSET:
            # Closed with the case before it was met: void, or overdue when closed late.
            return _VOID if self.plan.conditional else _CLOSED
        return _WAITING if self.plan.conditional else _RUNNING

    def counted_due(self, start_on: date) -> date:
        """The due date of a period counted on a calendar from ``start_on``."""
        due = self.plan.period_due(self.version, start_on)
        assert due is not None  # a deadline's or minimum period's end is always a day
        return due

    def dated_due(self, events: Sequence[Event], ons: Sequence[date]) -> date | None:
        """The due date of this step's clock in ``events``, as :meth:`replay` gives it."""
        seen: Mapping[str, date] = {}
        if self.parts_at:
            seen = {name: ons[at] for name, at in self.parts_at}
        start_at = self.start_at
        data = data_at(events, start_at, self.start_event)
        return self.plan.due(self.version, ons[start_at], data, seen)

    def lead_time(self, ons: Sequence[date]) -> Settled:
        """The due date and verdict of a lead time (as its clock gives them)."""
        met = ons[self.end_at] if self.end_at != _UNSET and not self.voided else None
        if self.anchor_at == _UNSET:
            closed = self.closed_at != _UNSET or self.voided
            return None, met, _VOIDED if closed else _PENDING, 0
        anchor = ons[self.anchor_at]
        if self.lead_offset is not None:
            due = anchor - self.lead_offset
        else:
            period = self.version.due.period
            assert period is not None
            due = self.plan.anchor_due(anchor, period)
        if met is not None and met <= due:
            return due, met, _IN_TIME, 0
        return due, met, self.late, ((met or anchor) - due).days

    def settle(self, events: Sequence[Event], ons: Sequence[date], as_of: date) -> Settled:
        """This step's due date and verdict for ``events`` (dated ``ons``), from a clock.

        :meth:`Program.run` settles most steps itself (deadlines met, running or void,
        minimum periods whose guarded event came); the rest are replayed into a clock and
        asked. The property tests and the scenario files prove the two agree.
        """
        clock = self.replay(events, ons)
        status, days_late = clock.verdict(as_of)
        return clock.due_on, clock.met_on, status, days_late

    def explain(
        self,
        events: Sequence[Event],
        ons: Sequence[date],
        status: Status,
        days_late: int,
        as_of: date,
    ) -> str:
        """The explanation of this step's clock in ``events``."""
        return explain(self.replay(events, ons), status, days_late, as_of)

    def _rare(self, clock: Clock, ons: Sequence[date]) -> None:
        """What few clocks have: closing with the case, a reopened case, exceptions."""
        if self.closed_at != _UNSET:
            clock.closed_at = self.closed_at
            clock.closed_on = ons[self.closed_at]
            clock.superseded = self.superseded
        if self.reopened_by is not None:
            clock.reopened_by = self.reopened_by
            clock.reopened_at = self.reopened_at
            clock.reopened_on = ons[self.reopened_at]
        if self.exception_at:
            clock.exceptions = tuple(
                (reason, ons[at])
                for reason, at in zip(self.exceptions, self.exception_at, strict=True)
            )
            clock.exception_at = self.exception_at

    def replay(self, events: Sequence[Event], ons: Sequence[date]) -> Clock:
        """The clock this step gives for ``events`` (a history of the program's shape).

        Dates are read from ``ons`` and data by :func:`data_at`: replaying makes no event
        of a history read from mappings.
        """
        start_on = ons[self.start_at]
        data = data_at(events, self.start_at, self.start_event)
        per = self.per
        clock = Clock(
            self.plan,
            self.version,
            None if per is None else str(data[per]),
            self.start_event,
            start_on,
            data,
            self.start_at,
        )
        end_at = self.end_at
        if end_at != _UNSET:
            clock.end_at = end_at
            if self.voided:
                clock.voided = True
                clock.void_event = self.void_event
            else:
                clock.met_on = ons[end_at]
                clock.met_by = self.met_by
        if self.rare:
            self._rare(clock, ons)
        if self.offset is not None:
            clock.due_on = start_on + self.offset
        elif self.lead:
            if self.anchor_at != _UNSET:
                clock.anchor_at = self.anchor_at
                clock.anchor = ons[self.anchor_at]
                period = self.version.due.period
                assert period is not None
                clock.due_on = self.plan.anchor_due(clock.anchor, period)
        else:
            seen: Mapping[str, date] = {}
            if self.parts_at:
                seen = {name: ons[at] for name, at in self.parts_at}
                clock.parts_at = dict(self.parts_at)
            clock.due_on = self.plan.due(self.version, start_on, data, seen)
        return clock


class Program:
    """The recorded fold of one history shape."""

    __slots__ = ("checks", "made", "standing", "states", "steps")

    def __init__(self, standing: Standing, states: Sequence[str], steps: Sequence[_Step],
                 checks: Sequence[tuple[int, str]]) -> None:  # fmt: skip
        self.standing = standing
        self.states = tuple(states)
        # What settling each step reads, unpacked once per step rather than per attribute.
        self.steps: tuple[tuple[int, int, int, timedelta, Status, Status, _Step], ...] = tuple(
            (step.how, step.start_at, step.end_at, step.offset or _NO_TIME, step.late,
             step.overdue, step)
            for step in steps
        )  # fmt: skip
        self.made = tuple(steps)
        self.checks = tuple(checks)

    def run(
        self,
        compiled: CompiledProcess,
        history: Sequence[Event],
        ons: Sequence[date],
        positions: Sequence[int],
        case_id: str | None,
        as_of: date,
    ) -> Callable[[], list[TimeLimitResult]]:
        """Replay this program on ``history``, whose events are dated ``ons``.

        Every due date and verdict is settled here (deadlines met or running inline, the
        rest by their step); the result objects are made when the returned function is
        called.
        """
        if self.checks:
            history = self._checked(compiled, history, positions, case_id)
        settled: list[Settled] = []
        add = settled.append
        for how, start_at, end_at, offset, late, overdue, step in self.steps:
            if how == _MET:  # most steps: a deadline a fixed distance away, met
                due = ons[start_at] + offset
                met = ons[end_at]
                add((due, met, _IN_TIME, 0) if met <= due else (due, met, late, (met - due).days))
                continue
            sub = how
            if how <= _WAITING:
                due = ons[start_at] + offset
            elif how == _COUNTED:
                due = step.counted_due(ons[start_at])
                sub = step.sub
            elif how == _LEAD:
                add(step.lead_time(ons))
                continue
            elif how == _DATED:
                found = step.dated_due(history, ons)
                if found is None:  # no due date (data not given): the clock says what then
                    add(step.settle(history, ons, as_of))
                    continue
                due = found
                sub = step.sub
            else:
                add(step.settle(history, ons, as_of))
                continue
            if sub == _MET:
                met = ons[end_at]
                add((due, met, _IN_TIME, 0) if met <= due else (due, met, late, (met - due).days))
            elif sub == _RUNNING:
                add(
                    (due, None, _PENDING, 0)
                    if as_of <= due
                    else (due, None, overdue, (as_of - due).days)
                )
            elif sub == _VOID:
                add((due, None, _VOIDED, 0))
            elif sub == _CLOSED:
                stop = ons[step.closed_at]
                add(
                    (due, None, _VOIDED, 0)
                    if stop <= due
                    else (due, None, overdue, (stop - due).days)
                )
            elif sub == _WAITING:
                add((due, None, _PENDING, 0))
            else:  # _GUARDED
                met = ons[end_at]
                add((due, met, _EARLY if met < due else _WAITED, 0))
        return partial(_results, self.made, settled, history, ons, as_of)

    def _checked(
        self,
        compiled: CompiledProcess,
        history: Sequence[Event],
        positions: Sequence[int],
        case_id: str | None,
    ) -> Sequence[Event]:
        """``history`` with the events whose data holds dates or numbers checked and read."""
        plans = compiled.plans
        states = self.states
        if isinstance(history, ReadEvents):
            # Read for this evaluation alone: checked in place, the rest left unmade.
            for at, name in self.checks:
                event = history.event(at, name)
                history[at] = plans[name].check(event, positions[at], case_id, states[at])
            return history
        checked = list(history)  # the caller's list is left as it was
        for at, name in self.checks:
            checked[at] = plans[name].check(checked[at], positions[at], case_id, states[at])
        return checked


def _results(
    steps: Sequence[_Step],
    settled: Sequence[Settled],
    history: Sequence[Event],
    ons: Sequence[date],
    as_of: date,
) -> list[TimeLimitResult]:
    """The result of each step's clock, settled for ``as_of``; words made when read."""
    made: list[TimeLimitResult] = []
    add = made.append
    for step, (due_on, met_on, status, days_late) in zip(steps, settled, strict=True):
        at = step.start_at
        per = step.per
        add(
            _make_result(
                TimeLimitResult,
                (
                    step.rule,
                    None if per is None else str(data_at(history, at, step.start_event)[per]),
                    step.kind_name,
                    step.duty,
                    ons[at],
                    due_on,
                    met_on,
                    status,
                    days_late,
                    step.reasons,
                    step.reference,
                    (_EXPLAIN, step, history, ons, status, days_late, as_of),
                    step.local,
                    step.target_of,
                ),
            )
        )
    return made


_EXPLAIN = _Step.explain


def record_program(
    compiled: CompiledProcess,
    history: Sequence[Event],
    state: str,
    states: Sequence[str],
    clocks: Sequence[Clock],
    converts: frozenset[str],
) -> Program:
    """A program from a full fold of ``history`` (its final state, states and clocks).

    ``converts`` names the events whose data holds dates or whole numbers: the shape
    settles whether every other event's data is valid, but these still need reading.
    """
    return build_program(compiled, state, states, clocks, program_checks(history, converts))


def build_program(
    compiled: CompiledProcess,
    state: str,
    states: Sequence[str],
    clocks: Sequence[Clock],
    checks: Sequence[tuple[int, str]],
) -> Program:
    """The program of a full fold: its final state, the state before each event, its clocks.

    ``checks`` are the positions and names of the events whose data is read again on replay.
    """
    steps = [_Step(clock) for clock in sorted(clocks, key=CLOCK_ORDER)]
    return Program(compiled.standing(state), states, steps, checks)


def program_checks(history: Sequence[Event], converts: frozenset[str]) -> list[tuple[int, str]]:
    """Where and which events have data holding dates or whole numbers (read on replay)."""
    return [
        (at, event.name)
        for at, event in enumerate(history)
        if event.data and event.name in converts
    ]
