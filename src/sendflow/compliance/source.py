"""Reading stored cases one at a time, in the shape the store's streaming read will give.

:func:`iter_cases` is the one place the compliance layer reads a store. It has the
signature and yields the shape of ``Store.iter_cases``; until that lands it is built on
:meth:`sendflow.Store.export`, so swapping it is a one-function change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs

from sendflow.engine.events import Event, to_event
from sendflow.store import Store

__all__ = ["StoredCase", "iter_cases"]


@attrs.frozen
class StoredCase:
    """One stored case with its legal history, as streamed from a store.

    Attributes:
        case_id: The case's id.
        process: The process id.
        process_version: The version of the definition the case runs under.
        state: Its state after its latest event.
        version: The number of records in its history.
        related_case: The case it is about (an appeal's assessment), if any.
        events: The legal history, in legal order.
    """

    case_id: str
    process: str
    process_version: str
    state: str
    version: int
    related_case: str | None
    events: tuple[Event, ...]


def iter_cases(
    store: Store, *, process: str | None = None, batch_size: int = 2000
) -> Iterator[StoredCase]:
    """Every stored case (optionally of one process), by id, one at a time.

    Memory holds one case at a time (and the reader's batch of rows), whatever the number
    of cases stored. Cases of one process are loaded one by one (few, such as appeals);
    all cases are streamed from the store's export.
    """
    del batch_size  # the export streams in batches of its own
    if process is not None:
        for summary in store.cases(process=process):
            case = store.load(summary.case_id)
            yield StoredCase(
                case_id=summary.case_id,
                process=summary.process,
                process_version=summary.process_version,
                state=summary.state,
                version=summary.version,
                related_case=case.related_case,
                events=tuple(sorted(case.events, key=_on)),
            )
        return
    for data in store.export():
        yield _stored(data)


def _on(event: Event) -> date:
    return event.on


def _stored(data: dict[str, Any]) -> StoredCase:
    # Legal order is by date, same-day events in the order recorded: a stable sort.
    events = tuple(sorted((to_event(item) for item in data["events"]), key=_on))
    # The export carries the legal history only; the version and state it does not carry
    # are not read by the indicators, which evaluate the history themselves.
    return StoredCase(
        case_id=data["case_id"],
        process=data["process"],
        process_version="",
        state="",
        version=len(events),
        related_case=data.get("related_case"),
        events=events,
    )
