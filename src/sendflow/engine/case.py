"""A case: one child's or young person's run through a process, as a history of events."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case_ids import check_case_id
from sendflow.engine.casefiles import load_case_data
from sendflow.engine.events import Event, to_event
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation, TimeLimitResult
from sendflow.errors import CaseFileError, EventDataError, SendflowError

__all__ = ["CASE_FILE_KEYS", "Case", "check_case_shape", "read_case_file"]

CASE_FILE_KEYS = ("process", "case_id", "related_case", "events", "process_version")
"""The fields a case file may have."""


class Case:
    """A case of a process: its history, and its state and time limits as of any date.

    Recording an event replays the whole history with it, so a back-dated event is
    accepted only if the history stays valid; a rejected event changes nothing.

    Example:
        >>> from datetime import date
        >>> case = Case("ehc-needs-assessment", case_id="A123")
        >>> _ = case.record("request_received", on=date(2024, 1, 8))
        >>> case.state
        'awaiting_decision_to_assess'
        >>> case.evaluate(as_of=date(2024, 3, 1)).result("decide-whether-to-assess").status
        <Status.OVERDUE: 'overdue'>
    """

    def __init__(
        self,
        process: Process | str,
        *,
        case_id: str | None = None,
        events: Iterable[Event | Mapping[str, Any]] = (),
        related_case: str | None = None,
        closures: Iterable[date] = (),
    ) -> None:
        self.process = load_process(process) if isinstance(process, str) else process
        self.closures = frozenset(closures)
        self.case_id = None if case_id is None else check_case_id(case_id)
        self.related_case = None if related_case is None else check_case_id(related_case)
        self._events: list[Event] = [to_event(e, index=i) for i, e in enumerate(events)]
        self._latest: Evaluation | None = None
        if self._events:
            self._latest = self._check(self._events)

    @property
    def events(self) -> tuple[Event, ...]:
        """The history in the order it was recorded."""
        return tuple(self._events)

    def _check(self, events: list[Event]) -> Evaluation:
        latest = max(e.on for e in events)
        return evaluate(
            self.process, events, as_of=latest, case_id=self.case_id, closures=self.closures
        )

    def record(
        self,
        event: str,
        *,
        on: date,
        data: Mapping[str, Any] | None = None,
        actor: str | None = None,
    ) -> Event:
        """Record that ``event`` happened ``on`` a date; return the recorded event.

        Raises:
            EventDataError: The event is malformed: a bad date, bad or missing data, data
                of the wrong type, an actor that is not text, an unknown event name.
            EventNotAllowedError: The rules refuse it: not allowed in the case's state,
                or it breaks the history.
        """
        new = Event(event, on, data=dict(data or {}), actor=actor)
        self._latest = self._check([*self._events, new])
        self._events.append(new)
        return new

    def evaluate(self, *, as_of: date | None = None) -> Evaluation:
        """The case as of a date (default: its latest event's date).

        Raises:
            EventDataError: The case has no events yet.
            AsOfDateError: ``as_of`` is before the case began.
        """
        if not self._events:
            raise EventDataError(
                "the case has no events yet; record its start event first.",
                case_id=self.case_id,
                allowed=self.process.start,
            )
        if as_of is None and self._latest is not None:
            return self._latest
        return evaluate(
            self.process, self._events, as_of=as_of, case_id=self.case_id, closures=self.closures
        )

    def time_limits(self, *, as_of: date | None = None) -> tuple[TimeLimitResult, ...]:
        """Every clock's result as of a date."""
        return self.evaluate(as_of=as_of).time_limits

    def latest(self, event: str) -> Event | None:
        """The latest occurrence of ``event`` in legal order, or ``None``.

        ``case.latest("refusal_reversed").data["route"]`` says how a refusal was reversed.
        """
        found = [e for e in self._events if e.name == event]
        # The last recorded of the latest day: max keeps the first of equal dates.
        return max(reversed(found), key=lambda e: e.on) if found else None

    @property
    def state(self) -> str:
        """The state after the latest event."""
        return self.evaluate().state

    @property
    def allowed_events(self) -> tuple[str, ...]:
        """The events the case can record next."""
        if not self._events:
            return self.process.start
        return self.evaluate().allowed_events

    def to_dict(self) -> dict[str, Any]:
        """The case-file form of this case, through :data:`sendflow.contracts.converter`.

        Kept for the public API; the converter defines the shape.
        """
        from sendflow.contracts import converter  # noqa: PLC0415 (the layer above)

        data: dict[str, Any] = converter.unstructure(self, Case)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "the case") -> Case:
        """Read a case from its case-file form, checking its shape and every event.

        The converter (:data:`sendflow.contracts.converter`) reads a case file through this.

        Raises:
            CaseFileError: The mapping does not have the shape of a case file.
            UnknownProcessError: It names a process that does not exist.
            EventError: An event is not valid for the process (an ``EventDataError`` or
                ``EventNotAllowedError``).
        """
        check_case_shape(data, where=where)
        events = data["events"]
        case_id = data.get("case_id")
        related = data.get("related_case")
        return cls(
            data["process"],
            case_id=None if case_id is None else check_case_id(str(case_id), where=where),
            related_case=None if related is None else check_case_id(str(related), where=where),
            events=events,
        )


def check_case_shape(data: Any, *, where: str, need_process: bool = True) -> Mapping[str, Any]:
    """``data`` if it has the shape of a case file (the events are checked by replay).

    Raises:
        CaseFileError: It is not a mapping, has unknown fields, lacks ``process`` (when
            needed) or a non-empty list of ``events``.
    """
    if not isinstance(data, Mapping):
        raise CaseFileError(f"{where}: a case must be a mapping with 'process' and 'events'.")
    unknown = [k for k in data if k not in CASE_FILE_KEYS]
    if unknown:
        raise CaseFileError(
            f"{where}: unexpected field(s) {', '.join(map(repr, unknown))}; a case has: "
            f"{', '.join(CASE_FILE_KEYS)}."
        )
    if need_process and not isinstance(data.get("process"), str):
        raise CaseFileError(f"{where}: 'process' (the process id) is missing.")
    events = data.get("events")
    if not isinstance(events, list) or not events:
        raise CaseFileError(f"{where}: 'events' must be a non-empty list of events.")
    return data


def read_case_file(path: str | os.PathLike[str]) -> Case:
    """Read a case file (JSON, or YAML for ``.yaml``/``.yml``).

    Raises:
        CaseFileError: The file cannot be read or parsed, or has the wrong shape.
        SendflowError: Its process or events are not valid (the message names the file).
    """
    file = os.fspath(path)
    data = load_case_data(file)
    try:
        return Case.from_dict(data, where=file)
    except CaseFileError:
        raise
    except SendflowError as exc:
        exc.args = (f"{file}: {exc}",)
        raise
