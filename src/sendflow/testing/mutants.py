"""Mutants of a process definition: each one a plausible legal mistake in one rule.

:func:`mutants` changes the loaded, frozen model with ``attrs.evolve`` (never the YAML
text), one change per mutant:

| operator | the mistake |
|---|---|
| ``period-longer``, ``period-shorter`` | a period one unit longer or shorter (21 weeks for 20) |
| ``unit-swapped`` | working days counted as calendar days, or the other way round |
| ``counting-switched`` | "after" read as "beginning with" (or back): month ends and day one |
| ``start-replaced`` | the clock started by a neighbouring event instead of its own |
| ``met-by-dropped``, ``met-by-added`` | an event that meets the limit left out, or one added |
| ``void-by-dropped``, ``void-by-added`` | an event that cancels the clock left out, or one added |
| ``exception-dropped``, ``exception-added`` | an exception reason accepted left out, or one added |
| ``effective-earlier``, ``effective-later`` | a version's effective date a day out |
| ``roll-forward-switched`` | a due date on a closed day moved to the next working day, or not |

:mod:`sendflow.testing.mutation` runs scenario files against each mutant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

import attrs

from sendflow.definitions.model import Due, EventSpec, Process, TimeLimit
from sendflow.engine.machine import compile_process
from sendflow.errors import InvalidInputError
from sendflow.testing.processes import ProcessLike, as_process
from sendflow.time.periods import Counting, Period, Unit

__all__ = ["OPERATORS", "Mutant", "UnknownOperatorError", "mutants"]

OPERATORS = (
    "period-longer",
    "period-shorter",
    "unit-swapped",
    "counting-switched",
    "start-replaced",
    "met-by-dropped",
    "met-by-added",
    "void-by-dropped",
    "void-by-added",
    "exception-dropped",
    "exception-added",
    "effective-earlier",
    "effective-later",
    "roll-forward-switched",
)
"""Every kind of mistake :func:`mutants` makes, in the order it makes them."""

_ONE_DAY = timedelta(days=1)
_SWAPPED = {Unit.WORKING_DAYS: Unit.DAYS, Unit.DAYS: Unit.WORKING_DAYS}
_COUNTING_WORDS = {Counting.AFTER: "after", Counting.BEGINNING_WITH: "beginning with"}


class UnknownOperatorError(InvalidInputError):
    """A kind of mistake :func:`mutants` does not make."""

    code: ClassVar[str] = "operator_unknown"


@attrs.frozen
class Mutant:
    """One definition with one plausible mistake in one rule.

    Attributes:
        id: A name unique among the mutants of the process: ``rule/operator/detail``.
        rule: The id of the rule changed.
        operator: The kind of mistake (one of :data:`OPERATORS`).
        change: What was changed, in words (``period 20 weeks -> 21 weeks``).
        process: The changed definition.
    """

    id: str
    rule: str
    operator: str
    change: str
    process: Process = attrs.field(repr=False, eq=False)


def mutants(process: ProcessLike, *, operators: tuple[str, ...] = OPERATORS) -> list[Mutant]:
    """Every mutant of ``process``, rule by rule, for the kinds of mistake in ``operators``.

    Args:
        process: The process (or its compiled form), a process id or a file path.
        operators: Which kinds of mistake to make (default: all of :data:`OPERATORS`).

    Raises:
        UnknownOperatorError: ``operators`` names an unknown kind of mistake.
    """
    unknown = [name for name in operators if name not in OPERATORS]
    if unknown:
        raise UnknownOperatorError(
            f"unknown mutation operator(s) {unknown}; known: {', '.join(OPERATORS)}."
        )
    original = as_process(process)
    found: list[Mutant] = []
    for limit in original.time_limits.values():
        for operator, detail, change, changed in _limit_mutations(original, limit):
            if operator not in operators:
                continue
            mutated = attrs.evolve(
                original, time_limits={**original.time_limits, limit.id: changed}, extends=None
            )
            found.append(
                Mutant(f"{limit.id}/{operator}/{detail}", limit.id, operator, change, mutated)
            )
    return found


_Mutation = tuple[str, str, str, TimeLimit]


def _limit_mutations(process: Process, limit: TimeLimit) -> Iterator[_Mutation]:
    yield from _version_mutations(limit)
    yield from _event_mutations(process, limit)
    for reason in limit.excusable:
        kept = tuple(r for r in limit.excusable if r != reason)
        yield (
            "exception-dropped",
            reason,
            f"exception {reason} no longer accepted",
            attrs.evolve(limit, excusable=kept),
        )
    for reason in process.exception_reasons:
        if reason not in limit.excusable:
            yield (
                "exception-added",
                reason,
                f"exception {reason} accepted",
                attrs.evolve(limit, excusable=(*limit.excusable, reason)),
            )
    rolled = not limit.next_working_day
    yield (
        "roll-forward-switched",
        "on" if rolled else "off",
        "a due date on a non-working day "
        + ("moves to the next working day" if rolled else "no longer moves"),
        attrs.evolve(limit, next_working_day=rolled),
    )


def _version_mutations(limit: TimeLimit) -> Iterator[_Mutation]:
    many = len(limit.versions) > 1
    for index, version in enumerate(limit.versions):
        where = f"v{index + 1}." if many else ""

        def changed(
            due: Due | None = None, fields: Mapping[str, Any] | None = None, _index: int = index
        ) -> TimeLimit:
            old = limit.versions[_index]
            new = attrs.evolve(old, due=due or old.due, **(fields or {}))
            versions = (*limit.versions[:_index], new, *limit.versions[_index + 1 :])
            return attrs.evolve(limit, versions=versions)

        yield from _due_mutations(version.due, where, changed)
        for name in ("effective_from", "effective_to"):
            day: date | None = getattr(version, name)
            if day is None:
                continue
            for operator, moved in (
                ("effective-earlier", day - _ONE_DAY),
                ("effective-later", day + _ONE_DAY),
            ):
                yield (
                    operator,
                    f"{where}{name}",
                    f"{name.replace('_', ' ')} {day.isoformat()} -> {moved.isoformat()}",
                    changed(fields={name: moved}),
                )


def _due_mutations(due: Due, where: str, changed: Callable[..., TimeLimit]) -> Iterator[_Mutation]:
    periods: list[tuple[str, Period, Callable[[Period], Due]]] = []
    if due.period is not None:
        periods.append(("period", due.period, lambda p: attrs.evolve(due, period=p)))
    for index, (event, period) in enumerate(due.parts):

        def part(p: Period, _index: int = index, _event: str = event) -> Due:
            parts = (*due.parts[:_index], (_event, p), *due.parts[_index + 1 :])
            return attrs.evolve(due, parts=parts)

        periods.append((f"{event} period", period, part))
    for label, period, replace in periods:
        name = f"{where}{label.replace(' ', '-')}"
        options = [("period-longer", period.amount + 1)]
        if period.amount > 1:
            options.append(("period-shorter", period.amount - 1))
        for operator, amount in options:
            new = Period(amount, period.unit)
            yield operator, name, f"{label} {period} -> {new}", changed(replace(new))
        if period.unit in _SWAPPED:
            new = Period(period.amount, _SWAPPED[period.unit])
            yield "unit-swapped", name, f"{label} {period} -> {new}", changed(replace(new))
    if periods:
        other = (
            Counting.AFTER if due.counting is Counting.BEGINNING_WITH else Counting.BEGINNING_WITH
        )
        yield (
            "counting-switched",
            f"{where}counting",
            f"counted {_COUNTING_WORDS[due.counting]} -> {_COUNTING_WORDS[other]} the start",
            changed(attrs.evolve(due, counting=other)),
        )


def _event_mutations(process: Process, limit: TimeLimit) -> Iterator[_Mutation]:
    own = {*limit.starts, *limit.met_by, *limit.void_by}
    for start in limit.starts:
        event = process.events[start]
        for other in sorted((_before(process, event) | _after(process, event)) - own):
            starts = tuple(other if s == start else s for s in limit.starts)
            yield (
                "start-replaced",
                f"{start}->{other}",
                f"starts on {other}, not {start}",
                attrs.evolve(limit, starts=starts),
            )
    later = _can_follow(process, limit)
    for field, operator in (("met_by", "met-by"), ("void_by", "void-by")):
        events: tuple[str, ...] = getattr(limit, field)
        for name in events:
            kept = tuple(e for e in events if e != name)
            yield (
                f"{operator}-dropped",
                name,
                f"{operator} no longer lists {name}",
                attrs.evolve(limit, **{field: kept}),  # type: ignore[arg-type]
            )
        near: set[str] = set()
        for name in events:
            event = process.events[name]
            near |= _before(process, event) | _beside(process, event) | _after(process, event)
        if field == "void_by":
            near |= _closers(process)
        for name in sorted((near & later) - own):
            yield (
                f"{operator}-added",
                name,
                f"{operator} also lists {name}",
                attrs.evolve(limit, **{field: (*events, name)}),  # type: ignore[arg-type]
            )


def _ordinary(process: Process) -> list[EventSpec]:
    return [e for e in process.events.values() if not e.exception]


def _leads_to(event: EventSpec) -> set[str]:
    """The states a case is in after ``event`` (its sources, for an event that stays)."""
    return set(event.targets) or set(event.sources)


def _before(process: Process, event: EventSpec) -> set[str]:
    """Events that lead to a state ``event`` may come from."""
    sources = set(event.sources)
    return {e.id for e in _ordinary(process) if e.id != event.id and _leads_to(e) & sources}


def _beside(process: Process, event: EventSpec) -> set[str]:
    """Events that may come from a state ``event`` may come from."""
    sources = set(event.sources)
    return {e.id for e in _ordinary(process) if e.id != event.id and set(e.sources) & sources}


def _after(process: Process, event: EventSpec) -> set[str]:
    """Events that may come from a state ``event`` leads to."""
    reached = _leads_to(event)
    return {e.id for e in _ordinary(process) if e.id != event.id and set(e.sources) & reached}


def _can_follow(process: Process, limit: TimeLimit) -> set[str]:
    """Events that can happen while the rule's clock runs (before an event ends it).

    Adding any other event to ``met_by`` or ``void_by`` changes nothing: it could only
    come once the clock has stopped, so no scenario could tell the mutant apart.
    """
    compiled = compile_process(process)
    stopping = {*limit.met_by, *limit.void_by}
    seen: set[str] = set()
    queue = [s for start in limit.starts for s in _leads_to(process.events[start])]
    found: set[str] = set()
    while queue:
        state = queue.pop()
        if state in seen:
            continue
        seen.add(state)
        for name, target in compiled.table.get(state, {}).items():
            found.add(name)
            if name in stopping:
                continue
            event = process.events[name]
            queue.extend({target, *(r.target for r in event.routes)} - seen)
    return {name for name in found if not process.events[name].exception}


def _closers(process: Process) -> set[str]:
    """Events that can close a case (lead to a final state)."""
    finals = set(process.final_states)
    return {e.id for e in _ordinary(process) if set(e.targets) & finals}
