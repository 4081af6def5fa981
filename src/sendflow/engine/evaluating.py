"""How :func:`sendflow.evaluate` works: a history read, ordered, cut, then replayed or folded.

Kept apart from the public function (:mod:`sendflow.engine.replay`) so that the compiled
engine can build it: it runs once for every evaluation. The public function checks the
process, ``as_of`` and ``case_id`` first, so that a wrong one gets the engine's own
message, in either build, rather than the compiled code's type check; each event is read
and checked here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any

from sendflow.definitions.model import Process
from sendflow.engine.clocks import CLOCK_ORDER
from sendflow.engine.events import Event, to_event
from sendflow.engine.explanations import settle
from sendflow.engine.fold import fold
from sendflow.engine.machine import INITIAL, CompiledProcess, compile_process, ordered
from sendflow.engine.program_cache import ProgramCache
from sendflow.engine.programs import Program
from sendflow.engine.results import Evaluation, Standing, TimeLimitResult
from sendflow.errors import AsOfDateError, CaseFileError, EventNotAllowedError

__all__ = ["evaluate_history"]


def evaluate_history(
    process: Process | CompiledProcess,
    events: Iterable[Event | Mapping[str, Any]],
    as_of: date | None,
    case_id: str | None,
    closures: Iterable[date],
) -> Evaluation:
    """:func:`sendflow.evaluate` (see there): ``events`` evaluated under ``process``.

    The public function has checked ``process``, ``as_of`` and ``case_id``.
    """
    compiled: CompiledProcess
    if isinstance(process, CompiledProcess):
        compiled = process
        if closures:
            compiled = compile_process(process.process, closures=closures)
    else:
        compiled = compile_process(process, closures=closures)
    cache: ProgramCache | None = compiled.programs
    if cache is None:
        cache = compiled.programs = ProgramCache(compiled)
    given = list(events)
    # Most histories are Events or plain case-file mappings in legal order, evaluated as of
    # their last day or later: their shape is read as given (mappings read and checked in
    # the same pass), and nothing needs sorting or cutting. Where shapes of this process
    # have lately been rare to repeat, most histories of Events are folded unread.
    shaping = not given or given[0].__class__ is dict or cache.shaping()
    read = cache.reader.read(given) if given and shaping else None
    shape: Hashable | None
    ons: Sequence[date] | None
    if read is not None and (as_of is None or as_of >= read[1][-1]):
        shape, ons, mapped = read
        # Only Events and mappings have a shape, and mappings are read into ``mapped``.
        history: Sequence[Event] = given if mapped is None else mapped  # type: ignore[assignment]
        positions: Sequence[int] = range(len(ons))
        as_of = ons[-1] if as_of is None else as_of
        first = shape[0]
    else:
        recorded = _as_events(given)
        history = ordered(recorded)
        if not history:
            raise CaseFileError(
                f"case {case_id or '(unnamed)'} has no events: nothing to evaluate."
            )
        positions = _positions(recorded, history)
        if as_of is None:
            as_of = history[-1].on
        elif as_of < history[0].on:
            raise AsOfDateError(as_of, history[0].on)
        if history[-1].on > as_of:
            history = [event for event in history if event.on <= as_of]
        # Events read, put in order or cut at as_of: their shape, if they have one.
        read = cache.reader.read(history) if history is not given and shaping else read
        shape, ons = (None, None) if read is None else read[:2]
        first = history[0].name
    if first not in compiled.process.start:
        _check_start(compiled, history, case_id, positions[0])
    standing, results = _replay(compiled, cache, history, ons, positions, case_id, as_of, shape)
    return Evaluation(standing, case_id, as_of, results)


def _replay(
    compiled: CompiledProcess,
    cache: ProgramCache,
    history: Sequence[Event],
    ons: Sequence[date] | None,
    positions: Sequence[int],
    case_id: str | None,
    as_of: date,
    shape: Hashable | None,
) -> tuple[Standing, Callable[[], list[TimeLimitResult]]]:
    """Fold ``history``: by its shape's recorded program if there is one, else in full.

    ``history`` is in legal order and cut at ``as_of``; ``shape`` is its shape and ``ons``
    its events' dates, if it has one. Returns where the case stands and what makes the
    results; every due date and verdict is settled before it returns.
    """
    if shape is not None and ons is not None:
        program = cache.programs.get(shape)
        if program is not None:
            cache.count(repeated=True)
            if not isinstance(program, Program):  # a fold recorded: built on its next sight
                program = cache.build(shape, program)
            cache.replayed += 1
            return program.standing, program.run(compiled, history, ons, positions, case_id, as_of)
    cache.folded += 1
    events = history if isinstance(history, list) else list(history)
    state, states, clocks = fold(compiled, events, positions, case_id)
    if shape is not None and cache.wanted(shape):
        cache.record(shape, events, state, states, clocks)
    clocks.sort(key=CLOCK_ORDER)
    for clock in clocks:
        clock.status, clock.days_late = clock.verdict(as_of)
    return compiled.standing(state), lambda: [settle(clock, as_of) for clock in clocks]


def _as_events(events: Iterable[Event | Mapping[str, Any]]) -> list[Event]:
    """The events given, read into :class:`Event` objects (a list of them is kept as it is)."""
    found = events if isinstance(events, list) else list(events)
    if all(map(isinstance, found, repeat(Event))):
        return found  # type: ignore[return-value]
    return [
        given if isinstance(given, Event) else to_event(given, index=i)
        for i, given in enumerate(found)
    ]


def _positions(recorded: list[Event], history: list[Event]) -> Sequence[int]:
    """Where each event of ``history`` was in the order given, so messages name it as given."""
    if history is recorded:
        return range(len(history))
    where = {id(event): i for i, event in enumerate(recorded)}
    return [where[id(event)] for event in history]


def _check_start(
    compiled: CompiledProcess, history: Sequence[Event], case_id: str | None, index: int
) -> None:
    first = history[0]
    starts = compiled.process.start
    if first.name in starts:
        return
    opened = next((e for e in history if e.name in starts), None)
    if opened is not None:
        raise EventNotAllowedError(
            f"{first.name} on {first.on.isoformat()} is dated before the case began "
            f"({opened.name} on {opened.on.isoformat()}). Check its date: nothing can happen "
            "in a case before it opens.",
            case_id=case_id,
            state=INITIAL,
            event=first.name,
            allowed=starts,
            index=index,
        )
    raise EventNotAllowedError(
        f"the case must begin with {' or '.join(starts)}, but its first event is "
        f"{first.name} on {first.on.isoformat()}.",
        case_id=case_id,
        state=INITIAL,
        event=first.name,
        allowed=starts,
        index=index,
    )
