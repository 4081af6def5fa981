"""Links: what an event in one case means for a related case of another process.

An appeal's order to assess reverses the refusal in the assessment case it is about. A
process file says so as data, under ``links``::

    links:
      - title: A tribunal order to assess reverses the refusal to assess
        events: [tribunal_decided, appeal_conceded]   # events of this process
        when: {order: assess}                      # ...whose data matches
        case_when: {decision: refusal-to-assess}   # ...in a case whose start data matches
        process: ehc-needs-assessment              # the related case's process
        record: refusal_reversed                   # the event to record there, same date
        data: {route: tribunal}                    # with this data
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sendflow.definitions.model import EventSpec, Link, Process
from sendflow.definitions.reader import Reader, did_you_mean, unknown_values
from sendflow.definitions.source import Path

__all__ = ["link_problems", "read_links"]

# ``on`` would read as ``true`` in YAML 1.1, so the triggering events are ``events``.
_LINK = ("title", "events", "when", "case_when", "process", "record", "data")


def read_links(reader: Reader, value: Any, events: Mapping[str, EventSpec]) -> tuple[Link, ...]:
    """The ``links`` section: a list of links, each checked for its fields."""
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.report(("links",), "links must be a list of {events, when, process, record, data}.")
        return ()
    found: list[Link] = []
    for index, entry in enumerate(value):
        path: Path = ("links", index)
        fields = reader.mapping(
            path, entry, allowed=_LINK, required=("events", "process", "record"), what="a link"
        )
        if not fields:
            continue
        on = reader.names(
            (*path, "events"), fields.get("events"), known=events, what="events", kind="event"
        )
        data = reader.table((*path, "data"), fields.get("data"), what="data")
        for key, item in data.items():
            if isinstance(item, (dict, list)):
                reader.report((*path, "data", key), "link data must be plain values.")
        found.append(
            Link(
                title=reader.text((*path, "title"), fields.get("title"), what="title") or "",
                on=on,
                when=reader.conditions((*path, "when"), fields.get("when")),
                case_when=reader.conditions((*path, "case_when"), fields.get("case_when")),
                process=reader.text((*path, "process"), fields.get("process"), what="process")
                or "",
                record=reader.text((*path, "record"), fields.get("record"), what="record") or "",
                data=data,
            )
        )
    return tuple(found)


def link_problems(process: Process) -> Iterator[tuple[Path, str]]:
    """Conditions of links that name data their events do not declare, or values they lack."""
    start_fields: dict[str, Any] = {}
    for name in process.start:
        start_fields.update(process.events[name].data)
    for index, link in enumerate(process.links):
        path: Path = ("links", index)
        for event in link.on:
            yield from _condition_problems(
                (*path, "when"), link.when, dict(process.events[event].data), f"event {event!r}"
            )
        yield from _condition_problems(
            (*path, "case_when"), link.case_when, start_fields, "the start event"
        )


def _condition_problems(
    path: Path, when: Mapping[str, tuple[str, ...]], fields: Mapping[str, Any], owner: str
) -> Iterator[tuple[Path, str]]:
    for name, values in when.items():
        field = fields.get(name)
        if field is None:
            yield (
                (*path, name),
                (
                    f"{owner} has no data field {name!r}; it declares: "
                    f"{', '.join(fields) or '(none)'}.{did_you_mean(name, fields)}"
                ),
            )
            continue
        for message in unknown_values(name, values, field.one_of):
            yield (*path, name), message
