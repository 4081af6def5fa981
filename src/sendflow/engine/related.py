"""Related cases: recording once what an appeal's outcome means for the case it is about.

A process's ``links`` (see :mod:`sendflow.definitions.links`) say, as data, which of its
events record an event in a related case: an appeal's order to assess records
``refusal_reversed`` (route ``tribunal``) in the assessment case. :func:`linked_events`
works out those events; :func:`apply_to_related` records them on the related
:class:`~sendflow.engine.case.Case`. The store does the same inside one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import Case
from sendflow.engine.events import Event
from sendflow.engine.machine import ordered
from sendflow.errors import CaseFileError

__all__ = ["LinkedEvent", "apply_to_related", "linked_events"]


@attrs.frozen
class LinkedEvent:
    """An event to record in a related case.

    Attributes:
        process: The related case's process id.
        event: The event, dated as the event that implies it.
        title: The link's title, saying why.
    """

    process: str
    event: Event
    title: str


def _matches(when: Mapping[str, tuple[str, ...]], data: Mapping[str, object]) -> bool:
    return all(str(data.get(field)) in values for field, values in when.items())


def linked_events(
    process: Process, history: Iterable[Event], event: Event, *, case_id: str | None = None
) -> tuple[LinkedEvent, ...]:
    """The events that ``event``, in a case with ``history``, records in its related case.

    Args:
        process: The process of the case the event belongs to.
        history: The case's events (``event`` may or may not be among them).
        event: The event just recorded.
        case_id: The case's id; passed on as ``related_case`` where the linked event
            declares that field.
    """
    if not process.links:
        return ()
    events = ordered(history)
    start = next((e for e in events if e.name in process.start), event)
    found: list[LinkedEvent] = []
    for link in process.links:
        if event.name not in link.on or not _matches(link.when, event.data):
            continue
        if not _matches(link.case_when, start.data):
            continue
        data = dict(link.data)
        target = load_process(link.process).events.get(link.record)
        if case_id is not None and target is not None and "related_case" in target.data:
            data["related_case"] = case_id
        linked = Event(link.record, event.on, data=data, actor=event.actor)
        found.append(LinkedEvent(link.process, linked, link.title))
    return tuple(found)


def apply_to_related(case: Case, event: Event, related: Case) -> tuple[Event, ...]:
    """Record on ``related`` what ``event`` of ``case`` implies; return what was recorded.

    Nothing is recorded unless every linked event is valid in the related case.

    Raises:
        CaseFileError: ``related`` is not the case ``case`` names, or not of the process
            the link expects.
        EventError: A linked event is not allowed in the related case (it was never
            refused, say); the related case is unchanged.
    """
    if case.related_case is not None and related.case_id != case.related_case:
        raise CaseFileError(
            f"case {case.case_id} is related to case {case.related_case}, not "
            f"{related.case_id}; pass the case it names."
        )
    linked = linked_events(case.process, case.events, event, case_id=case.case_id)
    for item in linked:
        if item.process != related.process.id:
            raise CaseFileError(
                f"{item.title}: it records {item.event.name} in a case of process "
                f"{item.process!r}, but case {related.case_id} is of {related.process.id!r}."
            )
    return tuple(_record_all(related, [item.event for item in linked]))


def _record_all(related: Case, events: Sequence[Event]) -> list[Event]:
    trial = Case(related.process, case_id=related.case_id, events=[*related.events, *events])
    del trial  # raises before anything is recorded if any event is invalid
    return [related.record(e.name, on=e.on, data=e.data, actor=e.actor) for e in events]
